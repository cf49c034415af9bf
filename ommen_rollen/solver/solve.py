"""Solve an instance: feasibility first in one joint model, then the soft terms.

1. **Warm start**: greedy plans (wishes first, last period first); the one that
   covers most is the hint and the floor: the plan returned is never worse than it
   in the lexicographic order (uncovered critical, uncovered, missing critical,
   missing, soft).
2. **Lower bounds** (bounds.py): the least uncovered fte and fewest missing backups
   any plan can have.
3. **Complete**: the joint model of holders, learners and backups with nothing
   uncovered and missing backups at their lower bound as hard constraints, searched
   in short randomised restarts. Only when that is proven impossible or runs out of
   time is the shortfall minimised, one component at a time, each then bounded on
   its own so no later level can make it worse.
4. **Soft**: the weighted soft terms with every shortfall component bounded, hinted
   with the plan found; then the backup terms with the holders fixed.
Large organisations repair first, in rounds on small models of a few people
(repair.py, submodel.py), before the whole model is built. A re-plan (replan.py)
first tries rings of people around its change with everyone else kept (near.py);
the first ring with a plan as complete as the change allows skips step 3.

Statuses: "optimal" (shortfall at its proven lower bound and both soft levels
proven optimal), "feasible", "infeasible" (pins contradict each other; ``errors``
names them), "cancelled" (should_stop ended the run; the best plan so far) and
"unknown" (no plan that keeps the pins was found in time).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from ..domain import PlanStatus
from .assemble import assemble_plan
from .bounds import Bounds, lower_bounds
from .candidate import Candidate, warm_start
from .diagnose import core_message, pin_conflicts
from .eligibility import Facts, facts_of
from .formation import formation_advice, with_hires
from .hints import better
from .instance import Instance, InstanceError, fte_number, parse_instance
from .model import build_plan_model
from .near import Near, RingSearch, allowed, reached
from .plan import Plan
from .runner import Progress, Runner
from .search import SearchResult, search_joint, search_soft
from .sections import Formation

__all__ = ["Progress", "solve", "solve_json"]

Pair = tuple[str, str]

BOUNDS_S = 2.0  # at most this long for the backup relaxation
DIAGNOSE_S = 5.0  # at most this long to name contradicting pins
# Wall time kept free after the last solve for the final bounds and the plan's
# explanations: about 0.15 ms per (employee, role) pair (measured at 600 people,
# 42,000 pairs: 6.5 s on a loaded machine), at most a quarter of the limit.
FINISH_S_PER_PAIR = 1.5e-4
FINISH_SHARE = 0.25
# and at most FINISH_MAX_S: at 2,000 people (392,000 pairs) the finish took 1 s
# after a complete cover and 10 s without (final bounds), against 30 s kept
FINISH_MAX_S = 12.0
NEAR_SHARE = 0.5  # of a re-plan's budget kept for the rings after the shortfall
POLISH_SHARE = 0.2  # of a re-plan's budget left for the soft terms after a ring


def _diagnose(facts: Facts) -> str | None:
    """Name the pins in an infeasibility core (pins enforced by assumptions); None
    when the pins are not proven contradictory within DIAGNOSE_S."""
    s = build_plan_model(facts, diagnose=True)
    literals = s.pin_literal
    s.model.add_assumptions(list(literals.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = DIAGNOSE_S
    solver.parameters.num_workers = 1
    status = solver.solve(s.model)
    if status != cp_model.INFEASIBLE:
        return None
    core = set(solver.sufficient_assumptions_for_infeasibility())
    indices = [i for i, lit in literals.items() if lit.index in core]
    return core_message(facts, indices)


def _search_near(
    facts: Facts, runner: Runner, bounds: Bounds, start: Candidate, near: Near
) -> tuple[SearchResult, dict[str, Any]]:
    """A re-plan (replan.py, near.py): the rings within what the change allows,
    and when one has a plan, a short polish of the soft terms (POLISH_SHARE of
    the budget left; the rest is not used). Else the least shortfall over
    everyone (with NEAR_SHARE of the budget kept back), then the rings again
    within that shortfall, so the plan changes as few people as the best
    shortfall found allows, then the soft terms."""
    rings = RingSearch(facts, runner)
    found = rings.within(near.rings, allowed(near, bounds))
    tried = found.rings_tried
    if found.plan is not None:
        # the ring's plan already weighs every soft term: a short polish, then done
        with runner.keeping(1 - POLISH_SHARE):
            result = search_soft(facts, runner, found.plan)
        return result, {"near_ring": found.ring, "near_rings_tried": tried}
    if found.impossible is not None and not runner.out_of_time():
        least = rings.least_shortfall(found.impossible)
        if least is not None:
            start = better(facts, start, least)
    with runner.keeping(NEAR_SHARE):
        best = search_joint(facts, runner, bounds, start, soft=False).plan
    found = rings.within(near.rings, reached(facts, best))
    tried += found.rings_tried
    if found.plan is None:
        found.plan = best
    metrics = {"near_ring": found.ring, "near_rings_tried": tried}
    return search_soft(facts, runner, found.plan), metrics


def _run_metrics(runner: Runner) -> dict[str, Any]:
    return {
        "wall_s": round(time.monotonic() - runner.start, 3),
        "deterministic_time": round(runner.deterministic_used, 3),
        "solutions": runner.solutions,
        "levels": [level.summary() for level in runner.levels],
    }


def _infeasible(facts: Facts, errors: list[str], runner: Runner) -> Plan:
    plan = assemble_plan(facts, PlanStatus.INFEASIBLE, {}, set(), set(), errors=errors)
    plan.metrics.update(_run_metrics(runner))
    return plan


def _bounds_metrics(facts: Facts, bounds: Bounds, plan: Candidate) -> dict[str, Any]:
    """The lower bounds as the plan reports them (fte units as numbers)."""
    return {
        "uncovered_fte": fte_number(bounds.uncovered),
        "uncovered_critical_fte": fte_number(bounds.uncovered_critical),
        "missing_backups": bounds.missing,
        "missing_critical_backups": bounds.missing_critical,
        "missing_by_role": {
            r: {"missing": n, "reason": why}
            for r, (n, why) in sorted(bounds.missing_by_role.items())
        },
        "exact": bounds.exact,
        "assumes_full_cover": plan.complete_cover(facts),
    }


def solve(
    instance: Instance,
    *,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    near: Near | None = None,
) -> Plan:
    """Solve ``instance``; None arguments fall back to the instance's settings.

    With ``near`` (a re-plan, replan.py) the rings of people around a change are
    tried first (near.py); the first ring whose plan is as complete as ``near``
    asks is returned, else the search goes on over everyone from the best of them.
    """
    settings = instance.settings
    runner = Runner(
        time_limit_s if time_limit_s is not None else settings.time_limit_s,
        workers if workers is not None else settings.workers,
        seed if seed is not None else settings.seed,
        on_progress,
        should_stop,
    )
    facts = facts_of(instance)
    runner.reserve(
        min(
            FINISH_SHARE * runner.time_limit_s,
            FINISH_S_PER_PAIR * len(facts.holder_pairs),
            FINISH_MAX_S,
        )
    )
    conflicts = pin_conflicts(facts)
    if conflicts:
        return _infeasible(facts, conflicts, runner)
    start = warm_start(facts)
    bounds = lower_bounds(
        facts,
        time_limit_s=min(BOUNDS_S, 0.1 * runner.time_limit_s),
        workers=runner.workers or 2,
        deterministic=runner.deterministic,
        hint=start.backups,
    )
    runner.uncovered_lower_bound = bounds.uncovered
    runner.missing_lower_bound = bounds.missing
    runner.report("warm start", start.uncovered(facts), start.missing(facts))

    result: SearchResult | None = None
    near_metrics: dict[str, Any] = {}
    if near is not None:
        result, near_metrics = _search_near(facts, runner, bounds, start, near)
    if result is None:
        result = search_joint(facts, runner, bounds, start)
    if not result.plan.keeps_pins(facts):
        if runner.cancelled:
            status = PlanStatus.CANCELLED
        else:
            # no plan that keeps the pins: either they contradict (named from an
            # infeasibility core, within a few seconds past the limit), or time ran
            # out
            message = _diagnose(facts)
            if message is not None:
                return _infeasible(facts, [message], runner)
            status = PlanStatus.UNKNOWN
        plan = assemble_plan(
            facts,
            status,
            {},
            set(),
            set(),
            errors=[
                "Binnen de tijdslimiet is geen plan gevonden dat de vastgezette "
                "toewijzingen respecteert."
            ],
            extra_metrics={"source": "none"},
        )
        plan.metrics.update(_run_metrics(runner))
        return plan

    best = result.plan
    if runner.cancelled:
        status = PlanStatus.CANCELLED
    elif result.shortfall_proven and result.soft_proven:
        status = PlanStatus.OPTIMAL
    else:
        status = PlanStatus.FEASIBLE
    final_bounds = bounds
    if not best.complete_cover(facts):
        final_bounds = lower_bounds(
            facts,
            assume_covered=False,
            time_limit_s=min(BOUNDS_S, 0.1 * runner.time_limit_s),
            workers=runner.workers or 2,
            deterministic=runner.deterministic,
            hint=best.backups,
        )
    plan = assemble_plan(
        facts,
        status,
        best.holders,
        best.learners,
        best.backups,
        bound=result.soft_bound,
        extra_metrics={
            "source": "cp-sat" if best is not start else "warm start",
            "lower_bounds": _bounds_metrics(facts, final_bounds, best),
            "shortfall_proven": result.shortfall_proven,
            **near_metrics,
        },
    )
    plan.formation = formation_advice(
        facts, plan, final_bounds, proven=bool(result.shortfall_proven)
    )
    plan.metrics.update(_run_metrics(runner))
    return plan


def verify_advice(
    instance: Instance, advice: Formation | None, **solve_kwargs: Any
) -> Plan:
    """Plan again with the advised hires on board, so the solver checks the gain."""
    return solve(with_hires(instance, advice.hires if advice else ()), **solve_kwargs)


def solve_json(data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Parse, solve and return plan JSON; invalid input gives status "invalid"."""
    try:
        instance = parse_instance(data)
    except InstanceError as exc:
        return {"version": 1, "status": "invalid", "errors": exc.errors}
    return solve(instance, **kwargs).to_json()
