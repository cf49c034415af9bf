"""Planning rounds: the secretaris opens a round from the last approved plan, sees
who has given preferences, and closes it; medewerkers cannot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from ommen_rollen.domain import Choice, RoundStatus, UserRole
from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry, PlanningRound, Preference
from tests.web.conftest import Org, open_round_for


def count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_secretary_opens_a_round_with_period_and_deadline(
    org: Org, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    deadline = date.today() + timedelta(days=14)
    response = client.post(
        "/planning/rondes/nieuw",
        data={
            "label": "2027-H1",
            "starts_on": "2027-01-01",
            "ends_on": "2027-06-30",
            "deadline": deadline.isoformat(),
        },
    )
    assert response.status_code == 302
    round_ = db.session.scalar(select(PlanningRound))
    assert round_ is not None
    assert round_.status == RoundStatus.OPEN
    assert round_.deadline == deadline
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "round_opened")
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Planronde 2027-H1" in page
    assert "open voor voorkeuren" in page


def test_a_new_round_starts_from_the_last_approved_round(org: Org) -> None:
    old = PlanningRound(
        label="2026-H2",
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 12, 31),
        status=RoundStatus.APPROVED,
        settings={"time_limit_s": 7},
    )
    db.session.add(old)
    db.session.commit()
    round_ = open_round_for(org)
    assert round_.previous_round_id == old.id
    assert round_.settings == {"time_limit_s": 7}


def test_a_round_that_ends_before_it_starts_is_refused_and_nothing_is_saved(
    org: Org, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    response = client.post(
        "/planning/rondes/nieuw",
        data={"label": "2027-H1", "starts_on": "2027-06-30", "ends_on": "2027-01-01"},
    )
    assert response.status_code == 200
    assert "De einddatum moet na de begindatum liggen." in response.get_data(
        as_text=True
    )
    assert count(PlanningRound) == 0


def test_a_deadline_in_the_past_is_refused(org: Org, auth: Any, client: Any) -> None:
    auth.login("secretaris")
    response = client.post(
        "/planning/rondes/nieuw",
        data={
            "label": "2027-H1",
            "starts_on": "2027-01-01",
            "ends_on": "2027-06-30",
            "deadline": "2020-01-01",
        },
    )
    assert "ligt in het verleden" in response.get_data(as_text=True)
    assert count(PlanningRound) == 0


def test_a_second_round_cannot_open_while_one_is_running(org: Org) -> None:
    from ommen_rollen.services.base import ServiceError

    open_round_for(org)
    with pytest.raises(ServiceError, match="loopt nog"):
        open_round_for(org, label="2027-H2")
    assert count(PlanningRound) == 1


def test_secretary_closes_the_round_and_cannot_close_it_twice(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    auth.login("secretaris")
    # before the deadline, with no preferences given: closing is confirmed first
    client.post(f"/planning/rondes/{round_.id}/sluiten", data={"bevestigd": "1"})
    db.session.refresh(round_)
    assert round_.status == RoundStatus.CLOSED
    response = client.post(
        f"/planning/rondes/{round_.id}/sluiten",
        data={"bevestigd": "1"},
        follow_redirects=True,
    )
    assert "Alleen een open planronde kan worden gesloten." in response.get_data(
        as_text=True
    )


def test_a_medewerker_cannot_open_close_or_read_the_round_pages(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    auth.login("anouk")
    assert client.get("/planning/").status_code == 403
    assert client.get(f"/planning/rondes/{round_.id}").status_code == 403
    assert client.post(f"/planning/rondes/{round_.id}/sluiten").status_code == 403
    assert (
        client.post(
            "/planning/rondes/nieuw",
            data={"label": "x", "starts_on": "2027-01-01", "ends_on": "2027-02-01"},
        ).status_code
        == 403
    )
    db.session.refresh(round_)
    assert round_.status == RoundStatus.OPEN
    assert count(PlanningRound) == 1


def test_round_page_shows_who_has_and_has_not_given_preferences(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    db.session.add(
        Preference(
            round_id=round_.id,
            employee_id=org.employees["anouk"].id,
            role_id=org.roles["r01"].id,
            choice=Choice.WANT,
        )
    )
    db.session.commit()
    auth.login("secretaris")
    page = client.get(f"/planning/rondes/{round_.id}").get_data(as_text=True)
    given, missing = page.split("Nog niet opgegeven")
    assert "Anouk de Vries (1)" in given
    assert "Bram Jansen" in missing and "Bram Jansen" not in given.split("Wel opg")[1]


def test_the_spil_may_read_the_round_but_not_close_it(
    org: Org, auth: Any, client: Any, make_user: Callable[..., Any]
) -> None:
    round_ = open_round_for(org)
    make_user("spil", UserRole.COORDINATOR)
    auth.login("spil")
    assert client.get(f"/planning/rondes/{round_.id}").status_code == 200
    assert client.post(f"/planning/rondes/{round_.id}/sluiten").status_code == 403
