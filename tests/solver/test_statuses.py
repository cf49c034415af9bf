"""Honest statuses: infeasible pins are named, time limits and cancellation give a
plan anyway, the same seed with one worker gives the same plan twice."""

from __future__ import annotations

from ommen_rollen.domain import FTE_SCALE
from ommen_rollen.solver import Progress, check_plan, parse_instance, solve

from .factories import employee, held, instance, random_organisation, role


def test_two_pins_that_overfill_an_employee_are_infeasible_and_named() -> None:
    data = instance(
        [employee("m1", 0.5)],
        [role("r1", 0.4), role("r2", 0.4)],
        pins=[
            {"employee": "m1", "role": "r1", "kind": "holder"},
            {"employee": "m1", "role": "r2", "kind": "holder"},
        ],
    )
    plan = solve(parse_instance(data), time_limit_s=2).to_json()
    assert plan["status"] == "infeasible"
    # both pins are named, by the names of the employee and the roles
    message = plan["errors"][0]
    assert "Medewerker m1 als rolhouder van Rol r1" in message
    assert "Medewerker m1 als rolhouder van Rol r2" in message
    assert "pins[" not in message
    assert check_plan(data, plan) != []  # nothing to check: the checker says so


def test_a_pin_that_is_also_forbidden_is_infeasible() -> None:
    data = instance(
        [employee("m1")],
        [role("r1", 0.4)],
        pins=[{"employee": "m1", "role": "r1", "kind": "holder"}],
        forbid=[{"employee": "m1", "role": "r1", "kind": "holder"}],
    )
    plan = solve(parse_instance(data), time_limit_s=2)
    assert plan.status == "infeasible"
    assert plan.errors == [
        "Vastgezet en ook verboden: Medewerker m1 als rolhouder van Rol r1."
    ]


def test_a_pin_on_an_ineligible_employee_is_infeasible() -> None:
    data = instance(
        [employee("m1", base="D")],
        [role("r1", 0.4)],
        pins=[{"employee": "m1", "role": "r1", "kind": "holder"}],
    )
    plan = solve(parse_instance(data), time_limit_s=2)
    assert plan.status == "infeasible"
    assert "rompfunctie D" in plan.errors[0]


def test_contradicting_pins_found_only_by_the_model_are_named_by_its_core() -> None:
    # the only possible mentor is pinned as backup, so the pinned learner has none
    data = instance(
        [employee("m1", competences={"x": 1}), employee("m2")],
        [role("r1", 0.4, requires={"x": 1})],
        pins=[
            {"employee": "m2", "role": "r1", "kind": "learner"},
            {"employee": "m1", "role": "r1", "kind": "backup"},
        ],
    )
    plan = solve(parse_instance(data), time_limit_s=2)
    assert plan.status == "infeasible"
    assert "Medewerker m2 als ontwikkelrol van Rol r1" in plan.errors[0]
    assert "Medewerker m1 als vervanger van Rol r1" in plan.errors[0]


def test_consistent_pins_are_not_infeasible() -> None:
    data = instance(
        [employee("m1", competences={"x": 1}), employee("m2")],
        [role("r1", 0.4, requires={"x": 1})],
        pins=[{"employee": "m2", "role": "r1", "kind": "learner"}],
    )
    plan = solve(parse_instance(data), time_limit_s=2)
    assert plan.status == "optimal"
    assert ("m2", "r1") in held(plan.to_json(), "learner")


def test_the_same_seed_with_one_worker_gives_the_same_plan_twice() -> None:
    data = random_organisation(7, 12, 20)
    instance_ = parse_instance(data)
    first = solve(instance_, time_limit_s=5, workers=1, seed=3).to_json()
    second = solve(instance_, time_limit_s=5, workers=1, seed=3).to_json()
    assert first["assignments"] == second["assignments"]
    assert first["objective"]["terms"] == second["objective"]["terms"]


def test_progress_is_reported_for_improving_solutions() -> None:
    seen: list[Progress] = []
    data = random_organisation(1, 10, 15)
    solve(parse_instance(data), time_limit_s=5, workers=1, on_progress=seen.append)
    assert seen and seen[-1].solutions >= 1
    assert all(p.elapsed_s >= 0 for p in seen)
    assert any(p.uncovered_units is not None for p in seen)


def test_should_stop_cancels_and_still_returns_a_plan() -> None:
    data = random_organisation(2, 12, 20)
    plan = solve(parse_instance(data), time_limit_s=5, should_stop=lambda: True)
    assert plan.status == "cancelled"
    assert check_plan(data, plan.to_json()) == []


def test_a_tiny_time_limit_still_gives_a_checked_plan() -> None:
    data = random_organisation(3, 40, 80)
    plan = solve(parse_instance(data), time_limit_s=0.05, workers=1)
    assert plan.status in ("optimal", "feasible")
    assert check_plan(data, plan.to_json()) == []


def test_one_worker_stopping_on_its_limit_still_repeats_the_same_plan() -> None:
    # tight enough that the levels stop on their (deterministic) time budget
    data = random_organisation(0, 40, 80, tightness=0.95)
    instance_ = parse_instance(data)
    runs = [solve(instance_, time_limit_s=1.5, workers=1, seed=1) for _ in range(2)]
    assert runs[0].to_json()["assignments"] == runs[1].to_json()["assignments"]
    assert check_plan(data, runs[0].to_json()) == []


def test_progress_never_reports_less_uncovered_than_the_plan_returned() -> None:
    # one role nobody may hold: every plan leaves it uncovered, also while the
    # backups are polished with the holders fixed (that phase reported 0 uncovered)
    data = instance(
        [employee(f"e{i}", 1.0) for i in range(4)],
        [role("nobody", 0.5, ("C",))]
        + [role(f"r{i}", 0.6, backups=1) for i in range(4)],
    )
    seen: list[Progress] = []
    plan = solve(
        parse_instance(data), time_limit_s=5, workers=1, on_progress=seen.append
    )
    uncovered = round(plan.metrics["uncovered_fte"] * FTE_SCALE)
    assert uncovered == 5000
    reported = [p.uncovered_units for p in seen if p.uncovered_units is not None]
    assert reported and min(reported) >= uncovered
    assert any(p.phase == "backups" for p in seen)
