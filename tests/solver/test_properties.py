"""Property tests: every plan the solver (and the greedy baseline) makes for small
random instances, tight ones included, passes the independent checker."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings

from ommen_rollen.solver import check_plan, greedy_plan, parse_instance, solve

from .factories import instances

PROFILE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROFILE
@given(instances())
def test_every_solver_plan_passes_the_independent_checker(data: dict[str, Any]) -> None:
    plan = solve(parse_instance(data), time_limit_s=2, workers=1).to_json()
    if plan["status"] == "infeasible":
        assert plan["errors"]
        assert all("vastgezet" in e.lower() for e in plan["errors"])
        return
    assert plan["status"] in ("optimal", "feasible")
    assert check_plan(data, plan) == []


@PROFILE
@given(instances(with_pins=False))
def test_every_greedy_plan_passes_the_independent_checker(data: dict[str, Any]) -> None:
    plan = greedy_plan(parse_instance(data)).to_json()
    assert check_plan(data, plan) == []


@PROFILE
@given(instances(with_pins=False))
def test_without_pins_the_solver_always_returns_a_plan(data: dict[str, Any]) -> None:
    plan = solve(parse_instance(data), time_limit_s=2, workers=1)
    assert plan.status in ("optimal", "feasible")


@PROFILE
@given(instances())
def test_tight_instances_cover_as_much_as_fits_and_pass_the_checker(
    data: dict[str, Any],
) -> None:
    work = sum(r["fte"] for r in data["roles"])
    staff = sum(e["fte"] for e in data["employees"] if e["available"])
    assume(work >= staff * 0.9)
    plan = solve(parse_instance(data), time_limit_s=2, workers=1).to_json()
    if plan["status"] != "infeasible":
        assert check_plan(data, plan) == []
        if not data["effort"]:  # without effort nobody covers more than their fte
            assert plan["metrics"]["covered_fte"] <= staff
