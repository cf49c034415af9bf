"""The greedy baseline and evaluate_plan, which scores any plan like the model."""

from __future__ import annotations

from ommen_rollen.domain import parse_fte
from ommen_rollen.solver import (
    check_plan,
    evaluate_plan,
    greedy_plan,
    parse_instance,
    solve,
)
from ommen_rollen.solver.eligibility import facts_of
from ommen_rollen.solver.greedy import greedy_assign

from .factories import employee, instance, random_organisation, role


def test_the_greedy_plan_keeps_every_hard_rule() -> None:
    data = random_organisation(4, 30, 60)
    plan = greedy_plan(parse_instance(data))
    assert plan.status == "feasible"
    assert check_plan(data, plan.to_json()) == []


def test_evaluate_plan_reproduces_the_objective_the_solver_reports() -> None:
    data = random_organisation(5, 15, 25)
    instance = parse_instance(data)
    plan = solve(instance, time_limit_s=5, workers=1)
    scores = evaluate_plan(instance, plan)
    assert scores["total"] == plan.objective["value"]
    for name, cost in plan.objective["terms"].items():
        assert scores[name] == cost


def test_the_solver_is_never_worse_than_the_greedy_baseline() -> None:
    data = random_organisation(6, 15, 25)
    instance = parse_instance(data)
    greedy = evaluate_plan(instance, greedy_plan(instance))
    solved = evaluate_plan(instance, solve(instance, time_limit_s=5, workers=1))
    assert solved["uncovered_units"] <= greedy["uncovered_units"]
    if solved["uncovered_units"] == greedy["uncovered_units"]:
        assert solved["missing_backups"] <= greedy["missing_backups"] or (
            solved["total"] <= greedy["total"]
        )


def test_a_pinned_backup_keeps_its_capacity_when_an_earlier_role_wants_it_too() -> None:
    # b may back up one 1.0 fte role; r1 comes first in the greedy order, but the
    # pin puts b on r2, so r1 must take the other candidate.
    data = instance(
        [employee("b", 1.0), employee("h1", 1.0), employee("h2", 1.0)],
        [role("r1", 1.0, backups=1), role("r2", 1.0, backups=1)],
        pins=[
            {"employee": "h1", "role": "r1", "kind": "holder"},
            {"employee": "h2", "role": "r2", "kind": "holder"},
            {"employee": "b", "role": "r2", "kind": "backup"},
        ],
        settings={"max_backup_share": 1.0},
    )
    plan = greedy_plan(parse_instance(data))
    assert check_plan(data, plan.to_json()) == []
    backups = {(a.employee, a.role) for a in plan.assignments if a.kind == "backup"}
    assert ("b", "r2") in backups


def test_the_previous_first_greedy_carries_a_still_valid_plan_over_unchanged() -> None:
    data = random_organisation(7, 15, 25)
    first = solve(parse_instance(data), time_limit_s=5, workers=1).to_json()
    held = [a for a in first["assignments"] if a["kind"] == "holder"]
    data["previous"] = [
        {
            "employee": a["employee"],
            "role": a["role"],
            "kind": "holder",
            "fte": a["fte"],
        }
        for a in held
    ]
    facts = facts_of(parse_instance(data))
    carried = greedy_assign(facts, previous_first=True)
    expected = {(a["employee"], a["role"]): parse_fte(a["fte"]) for a in held}
    assert carried.holders == expected
