"""Akkoord, comments and approval: only the secretaris approves, a medewerker only
ever reaches their own werkplan, and an approved werkplan changes only as a new
version. Moving a role by hand is checked against the hard rules at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ommen_rollen.domain import AssignmentKind, RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import PlanningRound, WorkPlan, WorkPlanStatus
from ommen_rollen.services import approval, rounds
from ommen_rollen.services.solver_bridge import build_instance, store_plan
from ommen_rollen.solver import check_plan, solve_json
from tests.web import test_rounds
from tests.web.test_rounds import Org, open_round_for

org = test_rounds.org  # the shared fixture


def proposed_round(org: Org, *, publish: bool = True) -> PlanningRound:
    """A closed round with a hand-made proposal: Anouk holds r01 (Bram backs up),
    Bram r02, Dirk r03 (Anouk backs up r02, Carla r03)."""
    round_ = open_round_for(org)
    rounds.close_round(round_.id, org.secretary)

    def m(name: str) -> str:
        return f"m{org.employees[name].id}"

    plan = {
        "version": 1,
        "status": "optimal",
        "assignments": [
            {"employee": m("anouk"), "role": "r01", "kind": "holder", "fte": 0.5},
            {"employee": m("bram"), "role": "r01", "kind": "backup"},
            {"employee": m("bram"), "role": "r02", "kind": "holder", "fte": 0.4},
            {"employee": m("anouk"), "role": "r02", "kind": "backup"},
            {"employee": m("dirk"), "role": "r03", "kind": "holder", "fte": 0.3},
            {"employee": m("carla"), "role": "r03", "kind": "backup"},
        ],
        "uncovered": [],
        "missing_backups": [],
        "explanations": {
            "employees": {
                m("carla"): [
                    {
                        "role": "r01",
                        "wish": "want",
                        "reason_code": "not_eligible",
                        "reason": "Rompfunctie C past niet bij deze rol.",
                    }
                ]
            }
        },
    }
    store_plan(round_.id, plan, build_instance(round_.id), by=org.secretary)
    if publish:
        approval.publish(round_.id, org.secretary)
    return round_


def plan_of(org: Org, name: str) -> WorkPlan:
    plan = db.session.scalar(
        select(WorkPlan).where(
            WorkPlan.employee_id == org.employees[name].id,
            WorkPlan.current.is_(True),
        )
    )
    assert plan is not None
    return plan


def test_mijn_werkplan_shows_roles_backups_load_and_reasons(
    org: Org, auth: Any, client: Any
) -> None:
    proposed_round(org)
    auth.login("anouk")
    page = client.get("/mijn/werkplan", follow_redirects=True).get_data(as_text=True)
    assert "Regie ICT" in page
    assert "0,5 fte (18 uur per week) van een contract van 1,0 fte" in page
    assert "Bram Jansen" in page  # backs up r01
    assert "r02 – Regie financiën (rolhouder: Bram Jansen)" in page
    auth.logout()
    auth.login("carla")
    page = client.get("/mijn/werkplan", follow_redirects=True).get_data(as_text=True)
    assert "Rompfunctie C past niet bij deze rol." in page
    assert "r03 – Beleid economie (rolhouder: Dirk Mulder)" in page


def test_the_werkplan_stays_hidden_until_the_proposal_is_published(
    org: Org, auth: Any, client: Any
) -> None:
    proposed_round(org, publish=False)
    auth.login("anouk")
    page = client.get("/mijn/werkplan").get_data(as_text=True)
    assert "nog geen voorstel voorgelegd" in page
    assert (
        client.get(f"/mijn/werkplannen/{plan_of(org, 'anouk').id}").status_code == 404
    )


def test_a_medewerker_agrees_or_comments_on_their_own_werkplan(
    org: Org, auth: Any, client: Any
) -> None:
    proposed_round(org)
    plan = plan_of(org, "anouk")
    auth.login("anouk")
    client.post(f"/mijn/werkplannen/{plan.id}/akkoord")
    db.session.refresh(plan)
    assert plan.status == WorkPlanStatus.AGREED and plan.agreed_at is not None
    client.post(
        f"/mijn/werkplannen/{plan.id}/opmerking",
        data={"comment": "Liever minder regie"},
    )
    db.session.refresh(plan)
    assert plan.employee_comment == "Liever minder regie"
    assert plan.status == WorkPlanStatus.PROPOSED  # a comment withdraws akkoord
    response = client.post(
        f"/mijn/werkplannen/{plan.id}/opmerking",
        data={"comment": ""},
        follow_redirects=True,
    )
    assert "Schrijf een opmerking." in response.get_data(as_text=True)
    response = client.post(
        f"/mijn/werkplannen/{plan.id}/opmerking",
        data={"comment": "x" * 2001},
        follow_redirects=True,
    )
    assert "hoogstens 2000 tekens" in response.get_data(as_text=True)
    db.session.refresh(plan)
    assert plan.employee_comment == "Liever minder regie"


def test_a_medewerker_cannot_see_or_answer_someone_elses_werkplan(
    org: Org, auth: Any, client: Any
) -> None:
    proposed_round(org)
    other = plan_of(org, "bram")
    auth.login("anouk")
    assert client.get(f"/mijn/werkplannen/{other.id}").status_code == 404
    assert client.post(f"/mijn/werkplannen/{other.id}/akkoord").status_code == 404
    assert (
        client.post(
            f"/mijn/werkplannen/{other.id}/opmerking", data={"comment": "hack"}
        ).status_code
        == 404
    )
    db.session.refresh(other)
    assert other.status == WorkPlanStatus.PROPOSED and other.employee_comment == ""


def test_a_medewerker_cannot_approve(org: Org, auth: Any, client: Any) -> None:
    round_ = proposed_round(org)
    plan = plan_of(org, "anouk")
    auth.login("anouk")
    assert client.post(f"/planning/werkplannen/{plan.id}/goedkeuren").status_code == 403
    assert client.post(f"/planning/rondes/{round_.id}/goedkeuren").status_code == 403
    db.session.refresh(plan)
    assert plan.status == WorkPlanStatus.PROPOSED


def test_approving_one_by_one_approves_the_round_with_the_last(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    auth.login("secretaris")
    names = ["anouk", "bram", "carla", "dirk"]
    for name in names:
        db.session.refresh(round_)
        assert round_.status == RoundStatus.PROPOSED
        client.post(f"/planning/werkplannen/{plan_of(org, name).id}/goedkeuren")
    db.session.refresh(round_)
    assert round_.status == RoundStatus.APPROVED
    plan = plan_of(org, "anouk")
    assert plan.approved_by_id == org.secretary.id
    response = client.post(
        f"/planning/werkplannen/{plan.id}/goedkeuren", follow_redirects=True
    )
    assert "al goedgekeurd" in response.get_data(as_text=True)


def test_an_approved_werkplan_is_read_only_for_the_medewerker(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    approval.approve_all(round_.id, org.secretary)
    plan = plan_of(org, "anouk")
    auth.login("anouk")
    response = client.post(
        f"/mijn/werkplannen/{plan.id}/opmerking",
        data={"comment": "toch anders"},
        follow_redirects=True,
    )
    assert "al goedgekeurd" in response.get_data(as_text=True)
    db.session.refresh(plan)
    assert plan.employee_comment == "" and plan.status == WorkPlanStatus.APPROVED


def test_moving_a_role_of_an_approved_werkplan_makes_a_new_version(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    approval.approve_all(round_.id, org.secretary)
    approved = plan_of(org, "anouk")
    auth.login("secretaris")
    client.post(
        f"/planning/rondes/{round_.id}/verplaatsen",
        data={
            "role_id": str(org.roles["r01"].id),
            "from_employee_id": str(org.employees["anouk"].id),
            "to_employee_id": str(org.employees["dirk"].id),
        },
    )
    db.session.expire_all()
    assert not approved.current and approved.status == WorkPlanStatus.APPROVED
    assert [a.role.code for a in approved.assignments if a.kind == "holder"] == ["r01"]
    newer = plan_of(org, "anouk")
    assert newer.version == approved.version + 1
    assert newer.status == WorkPlanStatus.PROPOSED
    assert all(a.kind != AssignmentKind.HOLDER for a in newer.assignments)
    dirk = plan_of(org, "dirk")
    assert {a.role.code for a in dirk.assignments if a.kind == "holder"} == {
        "r01",
        "r03",
    }
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.PROPOSED


def test_moving_a_role_to_someone_not_eligible_warns_at_once(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/verplaatsen",
        data={
            "role_id": str(org.roles["r01"].id),
            "from_employee_id": str(org.employees["anouk"].id),
            "to_employee_id": str(org.employees["carla"].id),
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "De rol is verplaatst." in page
    assert "Let op:" in page
    adjust_page = client.get(f"/planning/rondes/{round_.id}/aanpassen").get_data(
        as_text=True
    )
    assert "overtreden" in adjust_page
    # the warning names people and roles, not the solver's ids
    assert org.employees["carla"].name in adjust_page
    assert f"medewerker m{org.employees['carla'].id}" not in adjust_page


def test_moving_a_role_someone_does_not_hold_is_refused_and_changes_nothing(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    before = {a.id for a in plan_of(org, "bram").assignments}
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/verplaatsen",
        data={
            "role_id": str(org.roles["r01"].id),
            "from_employee_id": str(org.employees["bram"].id),
            "to_employee_id": str(org.employees["dirk"].id),
        },
        follow_redirects=True,
    )
    assert "houdt deze rol niet" in response.get_data(as_text=True)
    assert {a.id for a in plan_of(org, "bram").assignments} == before


def test_a_pin_with_a_bad_fte_is_refused_with_a_dutch_message(
    org: Org, auth: Any, client: Any
) -> None:
    from ommen_rollen.models import Pin

    round_ = proposed_round(org)
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/vastzetten",
        data={
            "pin_kind": "pin",
            "employee_id": str(org.employees["dirk"].id),
            "role_id": str(org.roles["r01"].id),
            "kind": "holder",
            "fte": "0,123456",
        },
        follow_redirects=True,
    )
    assert "meer dan vier decimalen" in response.get_data(as_text=True)
    assert db.session.scalar(select(Pin)) is None


def test_a_new_run_keeps_an_approved_werkplan_exactly(org: Org) -> None:
    round_ = proposed_round(org)
    approval.approve_plan(plan_of(org, "anouk").id, org.secretary)
    anouk = f"m{org.employees['anouk'].id}"

    instance = build_instance(round_.id)

    pins = {
        (p["employee"], p["role"], p["kind"], p.get("fte")) for p in instance["pins"]
    }
    assert pins == {(anouk, "r01", "holder", 0.5), (anouk, "r02", "backup", None)}
    forbidden = {(f["employee"], f["role"]) for f in instance["forbid"]}
    codes = {r["id"] for r in instance["roles"]}
    assert forbidden == {(anouk, code) for code in codes - {"r01", "r02"}}
    plan = solve_json(instance, time_limit_s=5, workers=1)
    mine = {
        (a["role"], a["kind"], a.get("fte"))
        for a in plan["assignments"]
        if a["employee"] == anouk
    }
    assert mine == {("r01", "holder", 0.5), ("r02", "backup", None)}
    assert check_plan(instance, plan) == []
