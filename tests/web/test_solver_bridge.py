"""The bridge between database and solver: the instance a round becomes, and a
plan written back as a numbered proposal with werkplannen, all or nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from ommen_rollen.domain import AssignmentKind, Choice, PlanStatus, RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    Assignment,
    Pin,
    PinKind,
    PlanningRound,
    Preference,
    Proposal,
    WorkPlan,
    WorkPlanStatus,
)
from ommen_rollen.services import rounds
from ommen_rollen.services.base import ServiceError
from ommen_rollen.services.solver_bridge import (
    activate_proposal,
    build_instance,
    employee_key,
    round_instance,
    store_plan,
)
from ommen_rollen.solver import Plan, instance_to_json
from ommen_rollen.solver.plan import PlanAssignment
from tests.web.conftest import Org, open_round_for


def approved_previous_round(org: Org) -> PlanningRound:
    """An approved round in which Anouk held r01 and Bram backed it up."""
    old = PlanningRound(
        label="2026-H2",
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 12, 31),
        status=RoundStatus.APPROVED,
    )
    db.session.add(old)
    db.session.flush()
    for name, role, kind, units in [
        ("anouk", "r01", AssignmentKind.HOLDER, 5_000),
        ("bram", "r01", AssignmentKind.BACKUP, 0),
    ]:
        db.session.add(
            WorkPlan(
                round_id=old.id,
                employee_id=org.employees[name].id,
                status=WorkPlanStatus.APPROVED,
                assignments=[
                    Assignment(role_id=org.roles[role].id, kind=kind, fte_units=units)
                ],
            )
        )
    db.session.commit()
    return old


def closed_round(org: Org) -> PlanningRound:
    approved_previous_round(org)
    round_ = open_round_for(org)
    db.session.add_all(
        [
            Preference(
                round_id=round_.id,
                employee_id=org.employees["bram"].id,
                role_id=org.roles["r02"].id,
                choice=Choice.WANT,
            ),
            Preference(
                round_id=round_.id,
                employee_id=org.employees["carla"].id,
                role_id=org.roles["r03"].id,
                choice=Choice.NEUTRAL,
                comment="maakt niet uit",
            ),
            Pin(
                round_id=round_.id,
                employee_id=org.employees["dirk"].id,
                role_id=org.roles["r03"].id,
                pin_kind=PinKind.PIN,
                kind=AssignmentKind.HOLDER,
                fte_units=3_000,
            ),
            Pin(
                round_id=round_.id,
                employee_id=org.employees["anouk"].id,
                role_id=org.roles["r02"].id,
                pin_kind=PinKind.FORBID,
                kind=AssignmentKind.HOLDER,
            ),
        ]
    )
    db.session.commit()
    rounds.close_round(round_.id, org.secretary)
    return round_


def m(org: Org, name: str) -> str:
    return employee_key(org.employees[name].id)


def test_the_instance_holds_employees_roles_preferences_previous_plan_and_pins(
    org: Org,
) -> None:
    round_ = closed_round(org)
    instance = build_instance(round_.id, settings={"time_limit_s": 3})
    assert instance["version"] == 1
    by_id = {e["id"]: e for e in instance["employees"]}
    dirk = by_id[m(org, "dirk")]
    assert dirk["fte"] == 0.8889 and dirk["base_function"] == "A"
    assert dirk["competences"] == {"regievoering": 1}
    r01 = next(r for r in instance["roles"] if r["id"] == "r01")
    assert r01 == {
        "id": "r01",
        "name": "Regie ICT",
        "cluster": "Regie en Coördinatie",
        "fte": 0.5,
        "base_functions": ["A", "B"],
        "requires": {"regievoering": 1},
        "backups": 1,
        "max_holders": 1,
        "min_share": 0.5,
        "critical": False,
    }
    # Neutral choices are left out: they say nothing.
    assert instance["preferences"] == [
        {"employee": m(org, "bram"), "role": "r02", "choice": "want"}
    ]
    assert sorted(instance["previous"], key=lambda a: a["kind"]) == [
        {"employee": m(org, "bram"), "role": "r01", "kind": "backup"},
        {"employee": m(org, "anouk"), "role": "r01", "kind": "holder", "fte": 0.5},
    ]
    assert instance["pins"] == [
        {"employee": m(org, "dirk"), "role": "r03", "kind": "holder", "fte": 0.3}
    ]
    assert instance["forbid"] == [
        {"employee": m(org, "anouk"), "role": "r02", "kind": "holder"}
    ]
    assert instance["settings"] == {"time_limit_s": 3}


def test_inactive_employees_and_roles_are_left_out(org: Org) -> None:
    round_ = closed_round(org)
    org.employees["carla"].active = False
    org.roles["r02"].active = False
    db.session.commit()
    instance = build_instance(round_.id)
    assert m(org, "carla") not in {e["id"] for e in instance["employees"]}
    assert "r02" not in {r["id"] for r in instance["roles"]}
    assert all(p["role"] != "r02" for p in instance["preferences"])


def test_the_solver_accepts_and_solves_the_instance_within_the_pins(
    org: Org,
) -> None:
    from ommen_rollen.solver import check_plan, parse_instance, solve

    round_ = closed_round(org)
    instance = build_instance(round_.id)
    plan = solve(parse_instance(instance), time_limit_s=5, workers=1, seed=1)
    plan_json = plan.to_json()
    assert plan_json["status"] in ("optimal", "feasible")
    assert check_plan(instance, plan_json) == []
    holders = {
        (a["employee"], a["role"])
        for a in plan_json["assignments"]
        if a["kind"] == "holder"
    }
    assert (m(org, "dirk"), "r03") in holders
    assert (m(org, "anouk"), "r02") not in holders


def plan_with(*assignments: PlanAssignment) -> Plan:
    return Plan(PlanStatus.OPTIMAL, list(assignments))


def anouk_holds_r01(org: Org) -> PlanAssignment:
    return PlanAssignment(m(org, "anouk"), "r01", AssignmentKind.HOLDER, 5_000)


def test_a_stored_plan_becomes_a_numbered_proposal_with_werkplannen(
    org: Org,
) -> None:
    round_ = closed_round(org)
    instance = round_instance(round_.id)
    plan = plan_with(
        anouk_holds_r01(org),
        PlanAssignment(m(org, "bram"), "r01", AssignmentKind.BACKUP),
        PlanAssignment(
            m(org, "carla"), "r03", AssignmentKind.LEARNER, 500, m(org, "dirk")
        ),
    )
    first = store_plan(round_.id, plan, instance, by=org.secretary)
    second = store_plan(round_.id, plan, instance, by=org.secretary)
    assert (first.number, second.number) == (1, 2)
    assert second.instance == instance_to_json(instance)
    assert second.plan == plan.to_json()
    assert second.settings == instance_to_json(instance)["settings"]
    current = db.session.scalars(
        select(WorkPlan).where(
            WorkPlan.round_id == round_.id, WorkPlan.current.is_(True)
        )
    ).all()
    assert len(current) == 4  # every active employee, also without roles
    assert {p.proposal_id for p in current} == {second.id}
    carla = next(p for p in current if p.employee_id == org.employees["carla"].id)
    (learner,) = carla.assignments
    assert learner.kind == AssignmentKind.LEARNER and learner.fte_units == 500
    assert learner.mentor_id == org.employees["dirk"].id
    assert carla.version == 2 and carla.status == WorkPlanStatus.PROPOSED


def test_a_plan_with_an_unknown_employee_writes_nothing(org: Org) -> None:
    round_ = closed_round(org)
    plan = plan_with(
        anouk_holds_r01(org), PlanAssignment("m99999", "r01", AssignmentKind.BACKUP)
    )
    with pytest.raises(ServiceError, match=r"assignments\[1\].employee"):
        store_plan(round_.id, plan, round_instance(round_.id))
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(WorkPlan)
            .where(WorkPlan.round_id == round_.id)
        )
        == 0
    )


def test_a_plan_with_a_negative_share_writes_nothing(org: Org) -> None:
    round_ = closed_round(org)
    plan = plan_with(
        PlanAssignment(m(org, "anouk"), "r01", AssignmentKind.HOLDER, -1),
    )
    with pytest.raises(ServiceError, match=r"assignments\[0\].fte: mag niet negatief"):
        store_plan(round_.id, plan, round_instance(round_.id))
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_an_approved_werkplan_stays_current_when_a_new_proposal_arrives(
    org: Org,
) -> None:
    from ommen_rollen.services import approval

    round_ = closed_round(org)
    instance = round_instance(round_.id)
    store_plan(round_.id, plan_with(anouk_holds_r01(org)), instance)
    anouk_plan = db.session.scalar(
        select(WorkPlan).where(
            WorkPlan.employee_id == org.employees["anouk"].id,
            WorkPlan.round_id == round_.id,
        )
    )
    assert anouk_plan is not None
    approval.approve_plan(anouk_plan.id, org.secretary, reason="Besproken.")
    newer = store_plan(round_.id, plan_with(), instance)
    db.session.refresh(anouk_plan)
    assert anouk_plan.current and anouk_plan.status == WorkPlanStatus.APPROVED
    bram = db.session.scalar(
        select(WorkPlan).where(
            WorkPlan.employee_id == org.employees["bram"].id,
            WorkPlan.round_id == round_.id,
            WorkPlan.current.is_(True),
        )
    )
    assert bram is not None and bram.proposal_id == newer.id


def test_choosing_an_earlier_proposal_makes_its_werkplannen_current(
    org: Org,
) -> None:
    round_ = closed_round(org)
    instance = round_instance(round_.id)
    first = store_plan(round_.id, plan_with(anouk_holds_r01(org)), instance)
    store_plan(round_.id, plan_with(), instance)
    activate_proposal(first.id, org.secretary)
    current = db.session.scalars(
        select(WorkPlan).where(
            WorkPlan.current.is_(True), WorkPlan.round_id == round_.id
        )
    ).all()
    assert {p.proposal_id for p in current} == {first.id}
    assert len(current) == 4


def test_export_instance_writes_the_round_as_json_the_solver_cli_solves(
    org: Org, runner: Any, tmp_path: Any
) -> None:
    import json

    from ommen_rollen.solver.cli import main as solver_cli

    round_ = closed_round(org)
    target = tmp_path / "ronde.json"
    result = runner.invoke(args=["export-instance", round_.label, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "4 medewerkers, 3 rollen" in result.output
    assert json.loads(target.read_text(encoding="utf-8")) == build_instance(round_.id)
    plan = tmp_path / "plan.json"
    assert solver_cli(["solve", str(target), "-o", str(plan), "--time-limit", "3"]) == 0
    assert json.loads(plan.read_text(encoding="utf-8"))["status"] in (
        "optimal",
        "feasible",
    )


def test_export_instance_of_an_unknown_round_says_so(
    runner: Any, tmp_path: Any
) -> None:
    result = runner.invoke(
        args=["export-instance", "2099-H1", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code != 0
    assert "Planronde '2099-H1' bestaat niet." in result.output


def test_the_previous_plan_is_the_approved_version_not_a_later_draft(
    org: Org,
) -> None:
    old = approved_previous_round(org)
    anouk_plan = db.session.scalar(
        select(WorkPlan).where(
            WorkPlan.round_id == old.id,
            WorkPlan.employee_id == org.employees["anouk"].id,
        )
    )
    assert anouk_plan is not None
    anouk_plan.current = False
    db.session.flush()
    db.session.add(
        WorkPlan(
            round_id=old.id,
            employee_id=org.employees["anouk"].id,
            version=2,
            status=WorkPlanStatus.PROPOSED,
            assignments=[
                Assignment(
                    role_id=org.roles["r02"].id,
                    kind=AssignmentKind.HOLDER,
                    fte_units=4_000,
                )
            ],
        )
    )
    db.session.commit()
    round_ = open_round_for(org)
    previous = build_instance(round_.id)["previous"]
    assert {
        "employee": m(org, "anouk"),
        "role": "r01",
        "kind": "holder",
        "fte": 0.5,
    } in (previous)
    assert all(a["role"] != "r02" for a in previous)
