"""The pages of issue 13 through the test client: the secretaris's round
dashboard, the toegankelijkheidsverklaring, the favicon, the paged beheer list and
the filters of the Werkplannen list."""

from __future__ import annotations

from typing import Any

from ommen_rollen.extensions import db
from ommen_rollen.models import WorkPlan
from tests.web.conftest import Org, open_round_for, two_proposals


def test_the_secretaris_lands_on_the_open_round_with_the_next_step(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    auth.login("secretaris")
    page = client.get("/").get_data(as_text=True)
    assert "Planronde 2027-H1" in page and "Open voor voorkeuren" in page
    assert "Nog geen voorkeuren (4)" in page  # nobody has answered yet
    assert f'href="/planning/rondes/{round_.id}/sluiten"' in page
    assert "Ronde sluiten voor voorkeuren" in page
    assert 'aria-current="page">Overzicht</a>' in page


def test_without_a_round_the_next_step_is_to_open_one(
    org: Org, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    page = client.get("/").get_data(as_text=True)
    assert "Er is nog geen planronde." in page
    assert 'href="/planning/rondes/nieuw">Nieuwe planronde openen</a>' in page


def test_the_dashboard_names_who_lacks_akkoord_and_what_blocks_approval(
    org: Org, auth: Any, client: Any
) -> None:
    round_, _first, second = two_proposals(org)
    for plan in db.session.query(WorkPlan).filter_by(round_id=round_.id):
        plan.employee_comment = (
            "Graag minder" if plan.employee.name == "Dirk Mulder" else ""
        )
    db.session.commit()
    round_.status = "proposed"  # as if published (the hand plans lack backups)
    db.session.commit()
    auth.login("secretaris")
    page = client.get("/").get_data(as_text=True)
    assert "Werkplannen goedkeuren" in page
    assert f'href="/planning/rondes/{round_.id}/goedkeuren"' in page
    assert "Zonder akkoord" in page and "Dirk Mulder" in page
    assert "Graag minder" in page  # the open comment
    assert "Wat goedkeuren tegenhoudt" in page and "zonder akkoord" in page


def test_the_toegankelijkheidsverklaring_and_the_favicon_are_public(
    client: Any,
) -> None:
    page = client.get("/toegankelijkheid")
    assert page.status_code == 200
    assert "(WCAG) 2.1 op niveau A en AA" in page.get_data(as_text=True)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"


def test_every_page_has_the_footer_link_and_marks_the_menu_item(
    org: Org, auth: Any, client: Any
) -> None:
    open_round_for(org)
    auth.login("anouk")
    page = client.get("/mijn/voorkeuren").get_data(as_text=True)
    assert 'href="/toegankelijkheid"' in page
    assert 'href="/privacy">Privacyverklaring</a>' in page
    assert 'aria-current="page">Voorkeuren</a>' in page
    assert page.count('aria-current="page"') == 1


def test_the_medewerkers_list_pages_and_sorts_on_the_surname(
    make_employee: Any, auth: Any, client: Any, make_user: Any
) -> None:
    from ommen_rollen.domain import UserRole

    make_user("secretaris", UserRole.SECRETARY)
    for n in range(30):
        make_employee(f"mw{n:02d}", name=f"Piet Zwart{n:02d}")
    make_employee("anouk", name="Anouk de Vries")
    make_employee("bram", name="Bram Aalders")
    auth.login("secretaris")
    first = client.get("/beheer/medewerkers").get_data(as_text=True)
    assert "32 gevonden, 1–25 op deze pagina" in first
    assert (
        first.index("Bram Aalders")
        < first.index("Anouk de Vries")
        < first.index("Piet Zwart00")
    )
    assert 'href="/beheer/medewerkers?pagina=2"' in first
    second = client.get("/beheer/medewerkers?pagina=2").get_data(as_text=True)
    assert "26–32 op deze pagina" in second and "Piet Zwart29" in second
    assert "Anouk de Vries" not in second
    # a page number past the end shows the last page; nonsense shows the first
    assert "26–32" in client.get("/beheer/medewerkers?pagina=99").get_data(as_text=True)
    assert "1–25" in client.get("/beheer/medewerkers?pagina=x").get_data(as_text=True)


def test_the_werkplannen_list_filters(org: Org, auth: Any, client: Any) -> None:
    round_, _first, _second = two_proposals(org)
    plans = {
        p.employee.name: p
        for p in db.session.query(WorkPlan).filter_by(round_id=round_.id, current=True)
    }
    plans["Dirk Mulder"].employee_comment = "Graag minder"
    plans["Bram Jansen"].status = "agreed"
    db.session.commit()
    auth.login("secretaris")
    url = f"/planning/rondes/{round_.id}/werkplannen"

    def names(query: str) -> set[str]:
        page = client.get(url + query).get_data(as_text=True)
        return {name for name in plans if f">{name}</a>" in page}

    assert names("") == set(plans)
    assert names("?filter=geen-akkoord") == set(plans) - {"Bram Jansen"}
    assert names("?filter=opmerking") == {"Dirk Mulder"}
    # contracts are 1,0 fte; every hand-made werkplan asks less
    assert names("?filter=onder-contract") == set(plans)
    assert names("?cluster=Beleid en Ontwikkeling") == {"Dirk Mulder", "Carla Smit"}
    assert names("?filter=onzin") == set(plans)  # unknown filter: everything
