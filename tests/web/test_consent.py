"""Consent before approval: bulk approval takes only the werkplannen with akkoord;
the confirmation page lists who has no akkoord, an open comment or gave no
preferences, and approving one of those is an explicit, logged choice with a typed
reason. Closing a round early asks first and says how many. Choosing another
proposal resets akkoord only for the werkplannen that changed, and says whose."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from ommen_rollen.domain import Choice, RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry, PlanningRound, Preference, WorkPlanStatus
from ommen_rollen.services import approval, rounds
from ommen_rollen.services.solver_bridge import round_instance, store_plan, stored_plan
from ommen_rollen.solver import Plan, plan_from_json
from tests.web.conftest import (
    Org,
    alerts,
    open_round_for,
    plan_of,
    proposed_round,
)


def give_preferences(org: Org, round_: PlanningRound, *names: str) -> None:
    for name in names:
        db.session.add(
            Preference(
                round_id=round_.id,
                employee_id=org.employees[name].id,
                role_id=org.roles["r03"].id,
                choice=Choice.WANT,
            )
        )
    db.session.commit()


def responses(org: Org) -> PlanningRound:
    """A published round: Anouk and Bram gave preferences and agree; Carla agrees
    but gave no preferences; Dirk gave preferences and objects."""
    round_ = proposed_round(org)
    give_preferences(org, round_, "anouk", "bram", "dirk")
    for name in ("anouk", "bram", "carla"):
        approval.agree(plan_of(org, name).id, org.employees[name].id, None)
    approval.comment(
        plan_of(org, "dirk").id, org.employees["dirk"].id, "Te veel economie", None
    )
    return round_


def statuses(org: Org) -> dict[str, WorkPlanStatus]:
    db.session.expire_all()
    return {name: plan_of(org, name).status for name in org.employees}


def actions(name: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == name).order_by(AuditEntry.id)
        )
    )


def test_bulk_approval_approves_only_the_werkplannen_with_akkoord(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = responses(org)
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/goedkeuren", follow_redirects=True
    )
    assert "2 werkplannen goedgekeurd." in alerts(response.get_data(as_text=True))
    assert statuses(org) == {
        "anouk": WorkPlanStatus.APPROVED,
        "bram": WorkPlanStatus.APPROVED,
        "carla": WorkPlanStatus.AGREED,  # akkoord, but no preferences given
        "dirk": WorkPlanStatus.PROPOSED,  # open objection
    }
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.PROPOSED
    assert len(actions("werkplan_approved")) == 2
    assert actions("werkplan_approved_without_consent") == []


def test_the_confirmation_page_lists_no_akkoord_open_comments_and_no_preferences(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = responses(org)
    auth.login("secretaris")
    plans_page = client.get(f"/planning/rondes/{round_.id}/werkplannen").get_data(
        as_text=True
    )
    assert "Alle werkplannen goedkeuren</button>" not in plans_page  # no one click
    assert f'href="/planning/rondes/{round_.id}/goedkeuren"' in plans_page
    page = client.get(f"/planning/rondes/{round_.id}/goedkeuren").get_data(as_text=True)
    assert "Met akkoord (2)" in page
    assert "Met een open opmerking (1)" in page
    assert "Dirk Mulder: “Te veel economie”" in page
    assert "Geen voorkeuren opgegeven (1)" in page and "Carla Smit" in page
    assert "Carla Smit – geen voorkeuren opgegeven" in page
    assert "Dirk Mulder – zonder akkoord, open opmerking" in page
    assert "nog 7 dagen" in page  # the preference deadline has not passed
    assert 'name="reden"' in page and 'name="alle"' in page
    assert 'name="csrf_token"' in page
    assert statuses(org)["anouk"] == WorkPlanStatus.AGREED  # a page changes nothing


def test_approving_without_akkoord_takes_a_typed_reason_and_is_logged(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = responses(org)
    auth.login("secretaris")
    carla = plan_of(org, "carla").id
    refused = client.post(
        f"/planning/rondes/{round_.id}/goedkeuren",
        data={"werkplan": [str(carla)], "reden": "   "},
        follow_redirects=True,
    )
    assert "typ een reden" in alerts(refused.get_data(as_text=True))
    assert "Werkplannen goedkeuren – planronde" in refused.get_data(as_text=True)
    assert WorkPlanStatus.APPROVED not in statuses(org).values()  # nothing at all

    client.post(
        f"/planning/rondes/{round_.id}/goedkeuren",
        data={"werkplan": [str(carla)], "reden": "Voorkeuren mondeling besproken."},
    )
    assert statuses(org) == {
        "anouk": WorkPlanStatus.APPROVED,
        "bram": WorkPlanStatus.APPROVED,
        "carla": WorkPlanStatus.APPROVED,
        "dirk": WorkPlanStatus.PROPOSED,
    }
    (entry,) = actions("werkplan_approved_without_consent")
    assert entry.object_id == carla and entry.user_id == org.secretary.id
    assert entry.details["reason"] == "Voorkeuren mondeling besproken."
    assert entry.details["concerns"] == "geen voorkeuren opgegeven"
    log = client.get("/planning/logboek").get_data(as_text=True)
    assert "Carla Smit voor ronde 2027-H1 goedgekeurd zonder akkoord" in log
    assert "reden: Voorkeuren mondeling besproken." in log

    # all the rest at once is just as explicit: a box to tick and a reason
    client.post(
        f"/planning/rondes/{round_.id}/goedkeuren",
        data={"alle": "1", "reden": "Bezwaar besproken; blijft zo."},
    )
    assert set(statuses(org).values()) == {WorkPlanStatus.APPROVED}
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.APPROVED
    last = actions("werkplan_approved_without_consent")[-1]
    assert last.details["concerns"] == "zonder akkoord; open opmerking"


def test_approving_one_werkplan_without_akkoord_asks_for_a_reason(
    org: Org, auth: Any, client: Any
) -> None:
    responses(org)
    auth.login("secretaris")
    dirk = plan_of(org, "dirk").id
    response = client.post(f"/planning/werkplannen/{dirk}/goedkeuren")
    assert response.status_code == 302
    assert response.location.endswith(f"/planning/werkplannen/{dirk}/goedkeuren")
    assert statuses(org)["dirk"] == WorkPlanStatus.PROPOSED
    page = client.get(response.location).get_data(as_text=True)
    assert "typ een reden" in alerts(page).lower()
    assert "zonder akkoord, open opmerking" in page and "Te veel economie" in page
    assert 'name="reden"' in page
    client.post(
        f"/planning/werkplannen/{dirk}/goedkeuren", data={"reden": "Besproken."}
    )
    assert statuses(org)["dirk"] == WorkPlanStatus.APPROVED
    (entry,) = actions("werkplan_approved_without_consent")
    assert entry.details["reason"] == "Besproken."
    # with akkoord (and preferences) one click still approves
    anouk = plan_of(org, "anouk").id
    client.post(f"/planning/werkplannen/{anouk}/goedkeuren")
    assert statuses(org)["anouk"] == WorkPlanStatus.APPROVED


def test_closing_before_the_deadline_asks_first_and_says_how_many(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)  # deadline in a week
    give_preferences(org, round_, "anouk")
    auth.login("secretaris")
    response = client.post(f"/planning/rondes/{round_.id}/sluiten")
    assert response.status_code == 302
    assert response.location.endswith(f"/planning/rondes/{round_.id}/sluiten")
    db.session.expire_all()
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.OPEN
    page = client.get(response.location).get_data(as_text=True)
    assert "nog 7 dagen" in page
    assert "3 van de 4 medewerkers hebben nog geen voorkeuren opgegeven" in page
    for name in ("Bram Jansen", "Carla Smit", "Dirk Mulder"):
        assert f"<li>{name}</li>" in page
    assert 'name="bevestigd" value="1"' in page and 'name="csrf_token"' in page

    client.post(f"/planning/rondes/{round_.id}/sluiten", data={"bevestigd": "1"})
    db.session.expire_all()
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.CLOSED
    (entry,) = actions("round_closed")
    assert entry.details == {"days_before_deadline": 7, "without_preferences": 3}


def test_closing_after_the_deadline_with_everyone_in_needs_no_confirmation(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    give_preferences(org, round_, *org.employees)
    round_.deadline = date.today() - timedelta(days=1)
    db.session.commit()
    assert not rounds.close_concerns(round_.id).any
    auth.login("secretaris")
    response = client.post(f"/planning/rondes/{round_.id}/sluiten")
    assert response.location.endswith(f"/planning/rondes/{round_.id}")
    db.session.expire_all()
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.CLOSED


def two_proposals(org: Org) -> tuple[PlanningRound, Any, Any]:
    """Proposals 1 and 2 differ only on r03: Dirk holds it (Carla backs up) in 1,
    Carla holds it (Dirk backs up) in 2. Proposal 2 is current and published."""

    def m(name: str) -> str:
        return f"m{org.employees[name].id}"

    def plan(r03_holder: str, r03_backup: str) -> Plan:
        return plan_from_json(
            {
                "version": 1,
                "status": "optimal",
                "assignments": [
                    {
                        "employee": m("anouk"),
                        "role": "r01",
                        "kind": "holder",
                        "fte": 0.5,
                    },
                    {"employee": m("bram"), "role": "r01", "kind": "backup"},
                    {
                        "employee": m("bram"),
                        "role": "r02",
                        "kind": "holder",
                        "fte": 0.4,
                    },
                    {"employee": m("anouk"), "role": "r02", "kind": "backup"},
                    {
                        "employee": m(r03_holder),
                        "role": "r03",
                        "kind": "holder",
                        "fte": 0.3,
                    },
                    {"employee": m(r03_backup), "role": "r03", "kind": "backup"},
                ],
                "uncovered": [],
                "missing_backups": [],
            }
        )

    round_ = open_round_for(org)
    rounds.close_round(round_.id, org.secretary)
    instance = round_instance(round_.id)
    first = store_plan(round_.id, plan("dirk", "carla"), instance)
    second = store_plan(round_.id, plan("carla", "dirk"), instance)
    approval.publish(round_.id, org.secretary)
    for name in org.employees:
        approval.agree(plan_of(org, name).id, org.employees[name].id, None)
    return round_, first, second


def test_choosing_another_proposal_resets_akkoord_only_where_the_werkplan_changed(
    org: Org, auth: Any, client: Any
) -> None:
    _round, first, _second = two_proposals(org)
    auth.login("secretaris")
    response = client.post(
        f"/planning/voorstellen/{first.id}/kiezen", follow_redirects=True
    )
    message = alerts(response.get_data(as_text=True))
    assert f"Voorstel {first.number} is nu het huidige voorstel." in message
    assert (
        "Akkoord vervallen, want het werkplan is veranderd: Carla Smit, Dirk Mulder."
        in message
    )
    assert (
        "Akkoord blijft staan, want het werkplan is hetzelfde: Anouk de Vries, "
        "Bram Jansen." in message
    )
    assert statuses(org) == {
        "anouk": WorkPlanStatus.AGREED,
        "bram": WorkPlanStatus.AGREED,
        "carla": WorkPlanStatus.PROPOSED,
        "dirk": WorkPlanStatus.PROPOSED,
    }
    assert {plan_of(org, name).proposal_id for name in org.employees} == {first.id}
    (entry,) = actions("proposal_activated")
    assert entry.details["akkoord_vervallen"] == "Carla Smit; Dirk Mulder"


def test_a_new_run_keeps_the_akkoord_of_an_unchanged_werkplan(org: Org) -> None:
    round_, first, _second = two_proposals(org)
    # the same plan as proposal 1 comes back from a new run
    store_plan(round_.id, stored_plan(first), round_instance(round_.id))
    assert statuses(org) == {
        "anouk": WorkPlanStatus.AGREED,
        "bram": WorkPlanStatus.AGREED,
        "carla": WorkPlanStatus.PROPOSED,
        "dirk": WorkPlanStatus.PROPOSED,
    }


def test_a_published_round_refuses_a_proposal_that_breaks_a_pin(
    org: Org, auth: Any, client: Any
) -> None:
    from ommen_rollen.domain import AssignmentKind
    from ommen_rollen.models import PinKind
    from ommen_rollen.services import adjust

    _round, first, second = two_proposals(org)
    # Carla holds r03 in the current proposal 2 and is pinned there
    adjust.add_pin(
        _round.id,
        org.employees["carla"].id,
        org.roles["r03"].id,
        AssignmentKind.HOLDER,
        PinKind.PIN,
        "",
        org.secretary,
    )
    auth.login("secretaris")
    response = client.post(
        f"/planning/voorstellen/{first.id}/kiezen", follow_redirects=True
    )
    message = alerts(response.get_data(as_text=True))
    assert f"Voorstel {first.number} is niet gekozen" in message
    assert "Carla Smit" in message and "Beleid economie" in message
    assert "vastgezette toewijzing ontbreekt" in message
    assert set(statuses(org).values()) == {WorkPlanStatus.AGREED}
    assert {plan_of(org, name).proposal_id for name in org.employees} == {second.id}
