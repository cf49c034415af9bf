"""A spil (cluster coordinator) reads their own cluster only, on every page: the
round page's list of who gave preferences and the review's "Grootste risico"
line included."""

from __future__ import annotations

from typing import Any

from ommen_rollen.domain import UserRole
from ommen_rollen.extensions import db
from ommen_rollen.models import Preference
from tests.web.conftest import Org, two_proposals


def test_the_round_page_shows_a_spil_the_people_of_their_cluster_only(
    org: Org, auth: Any, client: Any, make_user: Any
) -> None:
    round_, _first, _second = two_proposals(org)  # current: Dirk and Carla on r03
    beleid = org.roles["r03"].cluster
    org.employees["anouk"].home_cluster_id = beleid.id
    db.session.add(
        Preference(
            round_id=round_.id,
            employee_id=org.employees["bram"].id,
            role_id=org.roles["r01"].id,
            choice="want",
        )
    )
    db.session.commit()
    make_user("spil", UserRole.COORDINATOR, cluster_id=beleid.id)

    auth.login("spil")
    page = client.get(f"/planning/rondes/{round_.id}").get_data(as_text=True)

    assert "U ziet de medewerkers van cluster Beleid en Ontwikkeling." in page
    people = page.split('<h2 class="utrecht-heading-2">Voorkeuren</h2>')[1]
    assert "Anouk de Vries" in people  # home cluster Beleid
    assert "Carla Smit" in people and "Dirk Mulder" in people  # hold r03 (Beleid)
    assert "Bram Jansen" not in people  # Regie only, and his preference with him
    assert "0 medewerkers hebben voorkeuren opgegeven, 3 nog niet." in people
    auth.logout()
    auth.login("secretaris")
    page = client.get(f"/planning/rondes/{round_.id}").get_data(as_text=True)
    assert "Bram Jansen (1)" in page and "U ziet de medewerkers" not in page


def test_a_spil_without_a_cluster_sees_nobody_on_the_round_page(
    org: Org, auth: Any, client: Any, make_user: Any
) -> None:
    round_, _first, _second = two_proposals(org)
    make_user("spil", UserRole.COORDINATOR)
    auth.login("spil")
    page = client.get(f"/planning/rondes/{round_.id}").get_data(as_text=True)
    people = page.split('<h2 class="utrecht-heading-2">Voorkeuren</h2>')[1]
    assert "hoort bij geen cluster" in people
    assert not any(e.name in people for e in org.employees.values())


def test_the_greatest_risk_a_spil_reads_is_one_of_their_own_cluster(
    org: Org, auth: Any, client: Any, make_user: Any
) -> None:
    _round, first, _second = two_proposals(org)  # the worst absence: Anouk (Regie)
    make_user("spil", UserRole.COORDINATOR, cluster_id=org.roles["r03"].cluster_id)
    auth.login("spil")

    page = client.get(f"/planning/voorstellen/{first.id}").get_data(as_text=True)

    assert "Anouk de Vries" not in page
    assert "Grootste risico" not in page  # no absence in Beleid leaves work
    auth.logout()
    auth.login("secretaris")
    page = client.get(f"/planning/voorstellen/{first.id}").get_data(as_text=True)
    # the name links to the secretaris's page of that medewerker
    anouk = (
        f'<a class="utrecht-link" href="/planning/medewerkers/'
        f'{org.employees["anouk"].id}">Anouk de Vries</a>'
    )
    assert f"Grootste risico: bij afwezigheid van {anouk}" in page
    regie = client.get(
        f"/planning/voorstellen/{first.id}?cluster=Regie+en+Coördinatie"
    ).get_data(as_text=True)
    assert f"Grootste risico: bij afwezigheid van {anouk}" in regie
