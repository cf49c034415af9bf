"""The search's promises: never worse than its warm start, a level never worsens an
earlier level's components, complete plans when they exist, proven lower bounds,
split shares in whole hours, one plan for one seed in the deterministic mode."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from ommen_rollen.solver import check_plan, parse_instance, solve
from ommen_rollen.solver.bounds import lower_bounds
from ommen_rollen.solver.candidate import Candidate, warm_start
from ommen_rollen.solver.eligibility import facts_of
from ommen_rollen.solver.model import build_plan_model
from ommen_rollen.solver.plan import Plan
from ommen_rollen.solver.runner import Runner
from ommen_rollen.solver.search import _optimise_soft

from .factories import employee, instance, instances, role

QUICK = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def as_candidate(plan: Plan) -> Candidate:
    result = Candidate()
    for a in plan.assignments:
        pair = (a.employee, a.role)
        if a.kind == "holder":
            result.holders[pair] = a.fte or 0
        elif a.kind == "learner":
            result.learners.add(pair)
        else:
            result.backups.add(pair)
    return result


@QUICK
@given(instances())
def test_the_plan_is_never_worse_than_the_warm_start(data: dict[str, Any]) -> None:
    parsed = parse_instance(data)
    plan = solve(parsed, time_limit_s=1, workers=1)
    if plan.status in ("infeasible", "unknown"):
        return
    facts = facts_of(parsed)
    start = warm_start(facts)
    assert as_candidate(plan).key(facts) <= start.key(facts)
    assert check_plan(data, plan.to_json()) == []


def test_the_soft_level_never_trades_one_shortfall_component_for_another() -> None:
    # m1 (0.4 fte) may hold the other role o or 0.1 of the critical role c, not
    # both. The start plan leaves 0.1 critical fte uncovered and covers o; the
    # avoid-wish makes dropping o pay. One weighted coverage bound ((other_total +
    # 1) x critical + other <= value) would allow covering c fully and leaving o
    # open; each component bounded on its own keeps o covered.
    data = instance(
        [employee("m1", 0.4), employee("m2", 0.4, base="A")],
        [
            role("c", 0.5, ("A", "B"), critical=True, max_holders=2, min_share=0.1),
            role("o", 0.4),
        ],
        preferences=[{"employee": "m1", "role": "o", "choice": "avoid"}],
    )
    data["settings"] = {"weights": {"avoid": 1000}}
    facts = facts_of(parse_instance(data))
    start = Candidate({("m1", "o"): 4000, ("m2", "c"): 4000}, set(), set())
    assert start.shortfall(facts)[:2] == (1000, 0)
    s = build_plan_model(facts)
    result = _optimise_soft(s, Runner(5.0, 1, 0, None, None), start, False)
    critical, other, _, _ = result.plan.shortfall(facts)
    assert other == 0
    assert critical <= 1000


def test_a_complete_plan_is_found_when_the_greedy_misses_it() -> None:
    # The greedy gives r1 to the fullest fit first; only swapping makes room.
    data = instance(
        [employee("m1", 0.6), employee("m2", 0.4)],
        [role("r1", 0.4), role("r2", 0.6)],
        preferences=[{"employee": "m1", "role": "r1", "choice": "want"}],
    )
    plan = solve(parse_instance(data), time_limit_s=5, workers=1)
    assert plan.uncovered == []
    assert plan.metrics["lower_bounds"]["uncovered_fte"] == 0
    assert check_plan(data, plan.to_json()) == []


def test_missing_backups_report_their_proven_lower_bound_and_why() -> None:
    # r1 needs two backups; of the three candidates one holds it and m3 is
    # unavailable: one backup must be missing, whatever the plan.
    people = [employee("m1"), employee("m2"), employee("m3")]
    data = instance(people, [role("r1", 0.5, backups=2)])
    data["employees"][2]["available"] = False
    plan = solve(parse_instance(data), time_limit_s=5, workers=1)
    bounds = plan.metrics["lower_bounds"]
    assert plan.metrics["missing_backups"] == 1
    assert bounds["missing_backups"] == 1
    assert bounds["missing_by_role"]["r1"] == {"missing": 1, "reason": "candidates"}
    assert plan.status == "optimal"


def test_the_backup_bound_counts_the_holder_among_the_candidates() -> None:
    two = instance([employee("m1"), employee("m2")], [role("r1", 0.5, backups=1)])
    assert lower_bounds(facts_of(parse_instance(two))).missing == 0  # m2 stands in
    one = instance([employee("m1")], [role("r1", 0.5, backups=1)])
    # the only candidate must hold the role, so nobody is left to stand in
    assert lower_bounds(facts_of(parse_instance(one))).missing == 1


def test_the_checker_refuses_two_shares_off_the_hour_grid() -> None:
    data = instance(
        [employee("m1"), employee("m2")],
        [role("r1", 0.5, max_holders=2, min_share=0.1)],
        settings={"split_step_minutes": 60},
    )
    plan = solve(parse_instance(data), time_limit_s=2, workers=1).to_json()
    assert check_plan(data, plan) == []
    holder = {"kind": "holder", "role": "r1"}
    plan["assignments"] = [
        {**holder, "employee": "m1", "fte": 0.2555},
        {**holder, "employee": "m2", "fte": 0.2445},
        *[a for a in plan["assignments"] if a["kind"] == "backup"],
    ]
    problems = check_plan(data, plan)
    assert any("hele stappen" in p for p in problems)


def test_one_worker_and_one_seed_give_the_same_plan_twice() -> None:
    from .factories import random_organisation

    data = random_organisation(3, 12, 20)
    first = solve(parse_instance(data), time_limit_s=2, workers=1, seed=5)
    second = solve(parse_instance(data), time_limit_s=2, workers=1, seed=5)
    assert first.to_json()["assignments"] == second.to_json()["assignments"]


def test_a_model_cp_sat_refuses_raises_instead_of_passing_for_no_plan() -> None:
    """MODEL_INVALID is a bug in the model: it must surface, never read as 'no
    solution in time' (a duplicated hint once made every level silently invalid)."""
    from ortools.sat.python import cp_model

    from ommen_rollen.solver.runner import ModelInvalid

    model = cp_model.CpModel()
    x = model.new_bool_var("x")
    model.add_hint(x, 1)
    model.add_hint(x, 0)
    runner = Runner(5, 1, 0, None, None)
    with pytest.raises(ModelInvalid, match="duplicate"):
        runner.run("level", model, 1)


def test_one_unit_roles_and_efforts_give_a_valid_hint() -> None:
    """``1 * holds`` is ``holds`` itself in OR-Tools: share and load then name the
    holds variable, and the hint must still name each variable once."""
    data = {
        "version": 1,
        "employees": [{"id": "a", "fte": "0.0002", "base_function": "X"}],
        "roles": [
            {"id": f"r{i}", "fte": "0.0001", "base_functions": ["X"], "backups": 0}
            for i in range(2)
        ],
        "effort": [{"employee": "a", "role": "r0", "fte": "0.0001"}],
    }
    plan = solve(parse_instance(data), time_limit_s=5, workers=1, seed=0).to_json()
    assert plan["uncovered"] == []
    assert plan["status"] == "optimal"
