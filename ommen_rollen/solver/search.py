"""The search on one joint model: a complete plan first, else repair and the
shortfall level by level, then the soft terms (steps 3 and 4 of solve.py's
docstring), for solve.py."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..domain import TENTH_FTE, AssignmentKind
from .bounds import Bounds
from .candidate import Candidate
from .eligibility import Facts
from .hints import better, extract_plan, hint_backups, hint_plan
from .model import PlanModel, build_backup_model, build_plan_model, missing_goal
from .neighbourhood import bounded_copy
from .repair import ROUND_S, ROUND_S_LARGE, repair
from .runner import MIN_STAGE_S, LevelResult, Runner
from .soft_lns import improve_soft

# Shares of the budget left when each step starts (the rest rolls on).
COMPLETE_SHARE = 0.4  # the search for a complete plan
REPAIR_SHARE = 0.6  # neighbourhood repair when no complete plan was found
# From LARGE_FROM employees restarts of the whole model rarely find a complete
# plan in their time and repair rounds pay off instead (600 people, 30 s, one
# run of both trees: 1.30 -> 0.25 and 3.70 -> 2.05 fte uncovered; docs/benchmarks.md).
LARGE_FROM = 400
COMPLETE_SHARE_LARGE = 0.1
REPAIR_SHARE_LARGE = 0.95
# From HUGE_FROM employees the whole model's restarts do not find a complete plan
# in their time and building the model alone takes seconds, so repair rounds (on
# their own small models, submodel.py) come first (2,000 people, 120 s: 0.49 fte
# uncovered where blocks of 200 people (blocks.py, since removed) left 1.76 and
# the whole model the greedy's 4.73).
HUGE_FROM = 1000
SHORTFALL_SHARE = 0.3  # each shortfall level when no complete plan was found
SOFT_SHARE = 0.4  # one solve of the soft terms over the whole model
LNS_SHARE = 0.8  # then neighbourhood rounds on the soft terms (soft_lns.py)
# (the backup polish gets the rest)
AGAIN_S = 1.0  # another soft round when at least this much budget is left


@dataclass
class SearchResult:
    """The best plan found and what was proven about it."""

    plan: Candidate
    shortfall_proven: bool
    soft_proven: bool
    soft_bound: float | None


def _covered(s: PlanModel, bounds: Bounds) -> cp_model.CpModel:
    """A copy of the model in which every role is covered but for what no plan can
    cover (the structural lower bound)."""
    model = s.model.clone()
    for r, var in s.uncovered.items():
        model.add(var == bounds.uncovered_by_role.get(r, 0))
    return model


def search_joint(
    facts: Facts,
    runner: Runner,
    bounds: Bounds,
    start: Candidate,
    *,
    soft: bool = True,
) -> SearchResult:
    """Steps 3 and 4 of the module docstring on one joint model (step 3 only
    without ``soft``)."""
    large = len(facts.employees) >= LARGE_FROM
    round_s = ROUND_S_LARGE if large else ROUND_S
    target = (
        bounds.uncovered_critical,
        bounds.uncovered_other,
        bounds.missing_critical,
        bounds.missing_other,
    )
    best = start
    if len(facts.employees) >= HUGE_FROM and best.shortfall(facts) != target:
        # until nothing is short or the rounds stop paying off; the whole model
        # (seconds to build, a gigabyte at 2,000 people) only when time is left
        best = repair(
            facts,
            runner,
            best,
            runner.remaining(),
            bounds.uncovered_by_role,
            round_s=round_s,
        )
        if runner.cancelled or runner.out_of_time():
            return SearchResult(best, False, False, None)
    s = build_plan_model(facts)
    hint_plan(s, best)
    complete_share = COMPLETE_SHARE_LARGE if large else COMPLETE_SHARE
    uncovered = list(s.uncovered.values())
    missing = list(s.missing.values())
    sf = s.shortfall()
    proven = False
    if best.shortfall(facts) == target and bounds.exact and best.keeps_pins(facts):
        proven = True  # the warm start is already complete
    else:
        complete = _covered(s, bounds)
        complete.add(sf.missing_critical <= bounds.missing_critical)
        complete.add(sf.missing_other <= bounds.missing_other)
        a = runner.restarts(
            "complete",
            complete,
            runner.remaining() * complete_share,
            uncovered=uncovered,
            missing=missing,
        )
        if a.has_solution:
            best = better(facts, best, extract_plan(s, a.solver))
            proven = bounds.exact
        elif a.status == "INFEASIBLE":
            # missing backups cannot reach the relaxation's bound: first a plan that
            # covers everything (restarts again), then as few missing as possible
            c = runner.restarts(
                "covered",
                _covered(s, bounds),
                runner.remaining() * complete_share,
                uncovered=uncovered,
                missing=missing,
            )
            if c.has_solution:
                best = better(facts, best, extract_plan(s, c.solver))
                hint_plan(s, best)
                fewest = _covered(s, bounds)
                fewest.minimize(
                    missing_goal(facts, sf.missing_critical, sf.missing_other)
                )
                b = runner.run(
                    "missing",
                    fewest,
                    runner.remaining() * SHORTFALL_SHARE,
                    uncovered=uncovered,
                    missing=missing,
                )
                if b.has_solution:
                    best = better(facts, best, extract_plan(s, b.solver))
                    proven = b.status == "OPTIMAL"
    done = best.complete(facts) and best.keeps_pins(facts)
    if not proven and not done and not runner.cancelled and not runner.out_of_time():
        best = repair(
            facts,
            runner,
            best,
            runner.remaining() * (REPAIR_SHARE_LARGE if large else REPAIR_SHARE),
            bounds.uncovered_by_role,
            round_s=round_s,
        )
        done = best.complete(facts) and best.keeps_pins(facts)
    if not proven and not done and not runner.cancelled and not runner.out_of_time():
        minimised, proven = _minimise_shortfall(s, runner, best)
        if minimised is None:
            return SearchResult(start, False, False, None)
        best = minimised
    if runner.cancelled or not soft or runner.out_of_time():
        return SearchResult(best, proven, False, None)
    return _optimise_soft(s, runner, best, proven)


def search_soft(facts: Facts, runner: Runner, start: Candidate) -> SearchResult:
    """Step 4 only: the soft terms from ``start``, its shortfall kept (a re-plan's
    ring plan, near.py)."""
    s = build_plan_model(facts)
    return _optimise_soft(s, runner, start, False)


def _minimise_shortfall(
    s: PlanModel, runner: Runner, best: Candidate
) -> tuple[Candidate | None, bool]:
    """Shortfall levels one component at a time (critical uncovered first), each
    fixed by its own bound before the next; None when pins contradict."""
    facts = s.facts
    uncovered = list(s.uncovered.values())
    missing = list(s.missing.values())
    components = s.shortfall().components()
    proven = True
    for level, expr in enumerate(components):
        if isinstance(expr, int):
            continue
        if runner.out_of_time():
            return best, False
        result = runner.run(
            f"shortfall-{level + 1}",
            _free_later_levels(s, best, level, expr),
            runner.remaining() * SHORTFALL_SHARE,
            uncovered=uncovered,
            missing=missing,
        )
        if result.status == "INFEASIBLE":
            return None, False
        if result.has_solution:
            best = better(facts, best, extract_plan(s, result.solver))
            proven = proven and result.status == "OPTIMAL"
        else:
            proven = False
        if runner.cancelled:
            break
    return best, proven


def _free_later_levels(
    s: PlanModel, best: Candidate, level: int, objective: cp_model.LinearExpr
) -> cp_model.CpModel:
    """The model with the shortfall components before ``level`` bounded by
    ``best``'s values and ``objective`` minimised, hinted with ``best``."""
    hint_plan(s, best)
    model = s.model.clone()
    values = best.shortfall(s.facts)
    kept = best.keeps_pins(s.facts)  # else its values bound nothing that is allowed
    for i, expr in enumerate(s.shortfall().components()[:level]):
        if kept and not isinstance(expr, int):
            model.add(expr <= values[i])
    model.minimize(objective)
    return model


def _optimise_soft(
    s: PlanModel, runner: Runner, best: Candidate, shortfall_proven: bool
) -> SearchResult:
    """Soft terms with the shortfall bounded, then the backup polish; again from
    the polished plan while time is left (the polish rarely needs its share)."""
    facts = s.facts
    soft_bound: float | None = None
    soft_proven = False
    polish: LevelResult | None = None
    while True:
        hint_plan(s, best)
        model = bounded_copy(s, best)
        model.minimize(s.soft_objective())
        soft = runner.run(
            "soft",
            model,
            runner.remaining() * SOFT_SHARE,
            uncovered=list(s.uncovered.values()),
            missing=list(s.missing.values()),
        )
        if soft.has_solution:
            best = better(facts, best, extract_plan(s, soft.solver))
            if soft.bound is not None:
                soft_bound = max(soft.bound, soft_bound or soft.bound)
            soft_proven = soft.status == "OPTIMAL"
        if runner.cancelled:
            return SearchResult(best, shortfall_proven, False, soft_bound)
        if not soft_proven and not runner.out_of_time():
            best = improve_soft(s, runner, best, runner.remaining() * LNS_SHARE)
        if runner.out_of_time():
            return SearchResult(best, shortfall_proven, False, soft_bound)
        polished, polish = polish_backups(facts, runner, best)
        best = better(facts, best, polished)
        if soft_proven or runner.cancelled or runner.remaining() < AGAIN_S:
            break
    return SearchResult(
        best,
        shortfall_proven,
        soft_proven and (polish is None or polish.status == "OPTIMAL"),
        soft_bound,
    )


def polish_backups(
    facts: Facts,
    runner: Runner,
    plan: Candidate,
    *,
    budget: float | None = None,
    soft: bool = True,
) -> tuple[Candidate, LevelResult | None]:
    """Re-choose the backups with the holders fixed: missing backups minimised
    without ever exceeding ``plan``'s, then (with ``soft``) the backup terms."""
    if min(runner.remaining(), budget if budget is not None else MIN_STAGE_S) < (
        MIN_STAGE_S
    ):
        return plan, None
    b = build_backup_model(facts, plan.holders, plan.learners, soft=soft)
    if not b.backs and not b.missing:
        return plan, None
    hint_backups(b, plan)
    sf = b.shortfall()
    _, _, critical, other = plan.shortfall(facts)
    if not isinstance(sf.missing_critical, int):
        b.model.add(sf.missing_critical <= critical)
    goal = missing_goal(facts, sf.missing_critical, sf.missing_other)
    terms_bound = sum(
        t.weight * _term_ceiling(facts, t.name) for t in b.terms
    )  # the soft part can never outweigh one missing backup
    b.model.minimize((terms_bound + 1) * goal + b.soft_objective())
    result = runner.run(
        "backups",
        b.model,
        runner.remaining() if budget is None else budget,
        uncovered=plan.uncovered(facts),  # the holders are fixed
        missing=list(b.missing.values()),
    )
    if not result.has_solution:
        return plan, result
    backups = {pair for pair, v in b.backs.items() if result.solver.value(v)}
    return Candidate(plan.holders, plan.learners, backups), result


def _term_ceiling(facts: Facts, name: str) -> int:
    """The largest raw value a backup term can take."""
    if name == "continuity":
        return sum(
            1 for p in facts.instance.previous if p.kind == AssignmentKind.BACKUP
        )
    total = sum(r.fte for r in facts.roles.values())
    return -(-total // TENTH_FTE)  # backup_spread per started 0.1 fte
