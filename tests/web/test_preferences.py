"""Voorkeuren and Samen kiezen: a medewerker marks roles, sees why a role is out of
reach, cannot edit after the deadline or for someone else, and sees the interest of
colleagues as counts (names only when the secretaris turns them on)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from ommen_rollen.domain import Choice
from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry, Preference
from ommen_rollen.services import rounds
from tests.web.conftest import Org, form_for, open_round_for


def prefs(round_id: int) -> list[tuple[int, int, str, str]]:
    return sorted(
        (p.employee_id, p.role_id, p.choice.value, p.comment)
        for p in db.session.scalars(
            select(Preference).where(Preference.round_id == round_id)
        )
    )


def test_medewerker_sees_every_active_role_with_fte_and_why_not_eligible(
    org: Org, auth: Any, client: Any
) -> None:
    open_round_for(org)
    auth.login("carla")
    page = client.get("/mijn/voorkeuren").get_data(as_text=True)
    for code in ("r01", "r02", "r03"):
        assert code in page
    assert "0,5" in page  # r01 fte
    assert "rompfunctie C past niet (vereist: A, B)" in page
    assert "competentie regievoering niveau 1 ontbreekt" in page
    # graag / neutraal / liever niet for every role; wil ik leren only for r03, the
    # one role her rompfunctie C allows (r01 wants A or B, r02 wants B)
    assert page.count('name="choice-') == 3 * 3 + 1
    assert page.count('value="learn"') == 1
    assert page.count("Wil ik leren kan niet: uw rompfunctie past niet") == 2


def test_wil_ik_leren_is_refused_where_the_rompfunctie_does_not_allow_the_role(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    auth.login("carla")
    response = client.post(
        "/mijn/voorkeuren",
        data=form_for(org, {"r01": ("learn", ""), "r03": ("want", "")}),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "r01: wil ik leren kan alleen voor een rol die uw rompfunctie" in page
    assert prefs(round_.id) == []  # all or nothing: r03 is not stored either
    client.post("/mijn/voorkeuren", data=form_for(org, {"r03": ("learn", "")}))
    carla = org.employees["carla"].id
    assert prefs(round_.id) == [(carla, org.roles["r03"].id, "learn", "")]


def test_roles_can_be_filtered_by_cluster_and_searched(
    org: Org, auth: Any, client: Any
) -> None:
    open_round_for(org)
    auth.login("anouk")
    cluster_id = org.roles["r03"].cluster_id
    page = client.get(f"/mijn/voorkeuren?cluster={cluster_id}").get_data(as_text=True)
    assert "Beleid economie" in page and "Regie ICT" not in page
    page = client.get("/mijn/voorkeuren?q=financi").get_data(as_text=True)
    assert "Regie financiën" in page and "Regie ICT" not in page


def test_medewerker_saves_and_changes_preferences_with_a_remark(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    anouk = org.employees["anouk"].id
    auth.login("anouk")
    response = client.post(
        "/mijn/voorkeuren",
        data=form_for(
            org,
            {
                "r01": ("want", "Graag, ik ken de leveranciers"),
                "r02": ("avoid", ""),
                "r03": ("neutral", ""),
            },
        ),
    )
    assert response.status_code == 302
    assert prefs(round_.id) == sorted(
        [
            (anouk, org.roles["r01"].id, "want", "Graag, ik ken de leveranciers"),
            (anouk, org.roles["r02"].id, "avoid", ""),
        ]
    )
    client.post(
        "/mijn/voorkeuren",
        data=form_for(org, {"r01": ("learn", ""), "r02": ("neutral", "")}),
    )
    assert prefs(round_.id) == [
        (anouk, org.roles["r01"].id, "learn", ""),
        (anouk, org.roles["r02"].id, "neutral", ""),
    ]
    page = client.get("/mijn/voorkeuren").get_data(as_text=True)
    assert 'value="learn" checked' in page
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "preferences_saved")
    )
    assert entry is not None and entry.details["employee_id"] == anouk


def test_preferences_cannot_be_edited_after_the_deadline(
    org: Org, auth: Any, client: Any, monkeypatch: Any
) -> None:
    round_ = open_round_for(org, deadline=date.today() + timedelta(days=1))
    auth.login("anouk")
    client.post("/mijn/voorkeuren", data=form_for(org, {"r01": ("want", "")}))
    before = prefs(round_.id)
    monkeypatch.setattr(rounds, "today", lambda: date.today() + timedelta(days=2))
    response = client.post(
        "/mijn/voorkeuren", data=form_for(org, {"r01": ("avoid", "te laat")})
    )
    assert prefs(round_.id) == before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "de uiterste datum is verstreken" in page
    assert "Voorkeuren opslaan" not in page
    assert " disabled" in page


def test_preferences_cannot_be_edited_once_the_round_is_closed(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    rounds.close_round(round_.id, org.secretary)
    auth.login("anouk")
    client.post("/mijn/voorkeuren", data=form_for(org, {"r01": ("want", "")}))
    assert prefs(round_.id) == []


def test_a_tampered_choice_is_refused_and_nothing_is_saved(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    auth.login("anouk")
    response = client.post(
        "/mijn/voorkeuren",
        data=form_for(org, {"r01": ("want", ""), "r02": ("heel-graag", "")}),
        follow_redirects=True,
    )
    assert "heel-graag&#39; is geen geldige keuze" in response.get_data(as_text=True)
    assert prefs(round_.id) == []


def test_an_unknown_role_id_is_refused_and_nothing_is_saved(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    auth.login("anouk")
    data = form_for(org, {"r01": ("want", "")})
    data["role_id"].append("99999")
    data["choice-99999"] = "want"
    response = client.post("/mijn/voorkeuren", data=data, follow_redirects=True)
    assert "bestaat niet of is niet actief" in response.get_data(as_text=True)
    assert prefs(round_.id) == []


def test_a_medewerker_cannot_save_or_see_preferences_of_someone_else(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    db.session.add(
        Preference(
            round_id=round_.id,
            employee_id=org.employees["bram"].id,
            role_id=org.roles["r02"].id,
            choice=Choice.WANT,
            comment="geheim van Bram",
        )
    )
    db.session.commit()
    auth.login("anouk")
    data = form_for(org, {"r01": ("avoid", "")})
    data["employee_id"] = str(org.employees["bram"].id)  # tampered: ignored
    client.post("/mijn/voorkeuren", data=data)
    rows = prefs(round_.id)
    assert (
        org.employees["bram"].id,
        org.roles["r02"].id,
        "want",
        "geheim van Bram",
    ) in rows
    assert (org.employees["anouk"].id, org.roles["r01"].id, "avoid", "") in rows
    assert not any(
        e == org.employees["bram"].id and r == org.roles["r01"].id
        for e, r, _, _ in rows
    )
    for url in ("/mijn/voorkeuren", "/mijn/samen-kiezen"):
        assert "geheim van Bram" not in client.get(url).get_data(as_text=True)
    assert client.get(f"/planning/rondes/{round_.id}").status_code == 403


def test_samen_kiezen_shows_counts_and_roles_nobody_chose_without_names(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    for name in ("bram", "dirk"):
        db.session.add(
            Preference(
                round_id=round_.id,
                employee_id=org.employees[name].id,
                role_id=org.roles["r01"].id,
                choice=Choice.WANT,
            )
        )
    db.session.commit()
    auth.login("anouk")
    page = client.get("/mijn/samen-kiezen").get_data(as_text=True)
    nobody, table = page.split("Belangstelling per rol")
    assert "r02" in nobody and "r03" in nobody and "r01 –" not in nobody
    assert "Bram Jansen" not in page and "Dirk Mulder" not in page
    row = table.split("Regie ICT")[1].split("</tr>")[0]
    assert '<td class="utrecht-table__cell">2' in row


def test_samen_kiezen_shows_names_when_the_secretary_turns_them_on(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    db.session.add(
        Preference(
            round_id=round_.id,
            employee_id=org.employees["bram"].id,
            role_id=org.roles["r01"].id,
            choice=Choice.WANT,
        )
    )
    db.session.commit()
    auth.login("secretaris")
    client.post(f"/planning/rondes/{round_.id}/namen", data={"show": "1"})
    auth.logout()
    auth.login("anouk")
    assert "Bram Jansen" in client.get("/mijn/samen-kiezen").get_data(as_text=True)


def test_the_home_page_shows_the_open_round_and_its_deadline(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    auth.login("anouk")
    page = client.get("/").get_data(as_text=True)
    assert "Planronde 2027-H1" in page
    assert "uiterlijk" in page and str(round_.deadline.year) in page
    assert "regievoering – niveau 2" in page
    assert "U heeft nog geen goedgekeurd werkplan." in page


def test_preferences_are_saved_as_they_go_with_htmx(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    auth.login("anouk")
    page = client.get("/mijn/voorkeuren").get_data(as_text=True)
    assert 'hx-trigger="change"' in page
    response = client.post(
        "/mijn/voorkeuren",
        data=form_for(org, {"r01": ("want", "")}),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Opgeslagen (1 gewijzigd)." in response.get_data(as_text=True)
    assert prefs(round_.id) == [
        (org.employees["anouk"].id, org.roles["r01"].id, "want", "")
    ]
    response = client.post(
        "/mijn/voorkeuren",
        data=form_for(org, {"r01": ("nope", "")}),
        headers={"HX-Request": "true"},
    )
    assert "Niet opgeslagen" in response.get_data(as_text=True)
