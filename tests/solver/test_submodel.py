"""A repair round's own small model (submodel.py) searches exactly what the whole
model with everyone else fixed would, and its shortfall is the new plan's."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from benchmarks.generate import generate, generate_with_plan
from ommen_rollen.domain import AssignmentKind, PlanStatus, parse_fte
from ommen_rollen.solver import check_plan, search, solve
from ommen_rollen.solver.assemble import assemble_plan
from ommen_rollen.solver.candidate import Candidate, warm_start
from ommen_rollen.solver.eligibility import Facts, facts_of
from ommen_rollen.solver.instance import parse_instance
from ommen_rollen.solver.model import build_plan_model, shortfall_goal
from ommen_rollen.solver.neighbourhood import FrozenPlan
from ommen_rollen.solver.repair import repair
from ommen_rollen.solver.runner import Runner
from ommen_rollen.solver.submodel import CandidatePairs, build_sub_model, read_round

from .factories import employee, instance, instances, role

QUICK = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _solve(model: cp_model.CpModel) -> tuple[str, cp_model.CpSolver]:
    """Solve to the end (the models here are tiny): OPTIMAL or INFEASIBLE."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    status = solver.status_name(solver.solve(model))
    assert status in ("OPTIMAL", "INFEASIBLE")
    return status, solver


def _weighted(facts: Facts, plan: Candidate) -> tuple[int, int]:
    """What shortfall_goal weighs: uncovered units, then missing backups, a
    critical one counting ten times."""
    uc, uo, mc, mo = plan.shortfall(facts)
    return 10 * uc + uo, 10 * mc + mo


@QUICK
@given(instances(), st.data(), st.booleans())
def test_a_round_on_its_sub_model_finds_what_the_whole_frozen_model_finds(
    data: dict[str, Any], draw: st.DataObject, backups_only: bool
) -> None:
    # a round on its own small model (with backups_only: a backup model, every
    # holder fixed) against the whole model with everyone outside the round fixed
    # (and with backups_only the freed people's holding and learning too)
    facts = facts_of(parse_instance(data))
    plan = warm_start(facts)
    if not plan.keeps_pins(facts):
        return  # repair starts from plans that keep the pins
    people = sorted(facts.employees)
    freed = set(draw.draw(st.lists(st.sampled_from(people), unique=True)))

    sub = build_sub_model(
        facts,
        CandidatePairs(facts),
        plan,
        freed,
        plan.lacking(facts),
        backups_only=backups_only,
    )
    sub.s.model.minimize(shortfall_goal(sub.s))
    sub_status, sub_solver = _solve(sub.s.model)

    whole = build_plan_model(facts)
    frozen = FrozenPlan(whole, plan)
    model = frozen.freeing(freed)
    for pair, holds in whole.holds.items() if backups_only else ():
        if pair[0] in freed:
            model.add(holds == (1 if pair in plan.holders else 0))
            model.add(whole.share[pair] == plan.holders.get(pair, 0))
    for pair, learns in whole.learns.items() if backups_only else ():
        if pair[0] in freed:
            model.add(learns == (1 if pair in plan.learners else 0))
    model.minimize(shortfall_goal(whole))
    whole_status, whole_solver = _solve(model)

    # infeasible when a pin the plan keeps has no variable (an ineligible pinned
    # backup): the sub-model sees only the pins in its roles
    if whole_status == "INFEASIBLE":
        return
    assert sub_status == "OPTIMAL"
    found = read_round(sub, plan, sub_solver)
    assert found.shortfall(facts) == sub.shortfall_of(sub_solver)
    assert _weighted(facts, found) == _weighted(facts, frozen.read(whole_solver, freed))
    if backups_only:
        assert found.holders == plan.holders and found.learners == plan.learners
    # nobody outside the neighbourhood changed
    assert {p: v for p, v in found.holders.items() if p[0] not in freed} == {
        p: v for p, v in plan.holders.items() if p[0] not in freed
    }
    for pairs_of in ("learners", "backups"):
        before = {p for p in getattr(plan, pairs_of) if p[0] not in freed}
        after = {p for p in getattr(found, pairs_of) if p[0] not in freed}
        assert before == after


def test_a_round_moves_work_to_where_there_is_room() -> None:
    # m1 holds r1 and could hold r2; only m2 (with room) can take r1 over; r2 is
    # uncovered. m3 holds r3 and is not freed: its role stays as it is.
    data = instance(
        [
            employee("m1", 0.5, competences={"a": 1}),
            employee("m2", 0.5),
            employee("m3"),
        ],
        [
            role("r1", 0.5),
            role("r2", 0.5, requires={"a": 1}),
            role("r3", 0.5),
        ],
    )
    facts = facts_of(parse_instance(data))
    plan = Candidate({("m1", "r1"): 5_000, ("m3", "r3"): 5_000})
    assert plan.uncovered(facts) == 5_000
    sub = build_sub_model(
        facts, CandidatePairs(facts), plan, {"m1", "m2"}, plan.lacking(facts)
    )
    sub.s.model.minimize(shortfall_goal(sub.s))
    found = read_round(sub, plan, _solve(sub.s.model)[1])
    assert found.holders[("m1", "r2")] == 5_000
    assert ("m3", "r3") in found.holders and ("m3", "r1") not in found.holders
    assert found.uncovered(facts) == 0


def test_repair_on_sub_models_gives_a_plan_the_checker_accepts() -> None:
    data = generate("S", 0, "tight")
    facts = facts_of(parse_instance(data))
    start = warm_start(facts)
    rng = random.Random(0)
    # a worse start than the greedy: a fifth of the people drop their roles
    dropped = set(rng.sample(sorted(facts.employees), len(facts.employees) // 5))
    start = Candidate(
        {p: v for p, v in start.holders.items() if p[0] not in dropped},
        {p for p in start.learners if p[0] not in dropped},
        {p for p in start.backups if p[0] not in dropped},
    )
    runner = Runner(4.0, 1, 0, None, None)  # one worker: deterministic time
    found = repair(facts, runner, start, 2.0, {}, round_s=0.3)
    assert found.shortfall(facts) < start.shortfall(facts)
    assert [level.name for level in runner.levels][:1] == ["repair"]
    plan = assemble_plan(
        facts, PlanStatus.FEASIBLE, found.holders, found.learners, found.backups
    )
    assert check_plan(data, plan.to_json()) == []


def test_large_organisations_repair_before_the_whole_model_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "HUGE_FROM", 10)  # S counts as huge here
    data = generate("S", 1, "tight")
    parsed = parse_instance(data)
    facts = facts_of(parsed)
    assert not warm_start(facts).complete(facts)
    plan = solve(parsed, time_limit_s=3, workers=1)
    levels = [level["level"] for level in plan.metrics["levels"]]
    assert levels[0].startswith("repair")
    assert check_plan(data, plan.to_json()) == []


def test_missing_backups_are_repaired_in_backups_only_rounds() -> None:
    data, planted = generate_with_plan("S", 0, "normal")
    facts = facts_of(parse_instance(data))
    holders = {
        (a["employee"], a["role"]): parse_fte(str(a["fte"]))
        for a in planted["assignments"]
        if a["kind"] == "holder"
    }
    pins = facts.instance.pins
    start = Candidate(  # every role covered, no backups but the pinned ones
        holders,
        {(p.employee, p.role) for p in pins if p.kind == AssignmentKind.LEARNER},
        {(p.employee, p.role) for p in pins if p.kind == AssignmentKind.BACKUP},
    )
    assert start.keeps_pins(facts) and start.uncovered(facts) == 0
    runner = Runner(4.0, 1, 0, None, None)
    found = repair(facts, runner, start, 3.0, {}, round_s=0.3)
    assert found.uncovered(facts) == 0
    assert found.missing(facts) < start.missing(facts) // 2
    assert "repair-backups" in [level.name for level in runner.levels]
    plan = assemble_plan(
        facts, PlanStatus.FEASIBLE, found.holders, found.learners, found.backups
    )
    assert check_plan(data, plan.to_json()) == []
