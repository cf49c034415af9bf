"""Solve an instance: greedy warm start, stage 1 (holders and learners), stage 2
(backups), each as two lexicographic CP-SAT levels; every status is handled.

Statuses: "optimal" (every level proven optimal, so the plan is the best in the
priority order of weights.py), "feasible" (a plan, some level stopped at its time
limit), "infeasible" (pins contradict each other; ``errors`` names them),
"cancelled" (should_stop ended the run; the plan is the best found so far, with any
backups not yet decided reported as missing) and "unknown" (not even a plan that
keeps the pins was found in time).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from .assemble import assemble_plan
from .diagnose import core_message, pin_conflicts
from .eligibility import Facts, facts_of
from .greedy import GreedyResult, greedy_assign, greedy_backups
from .instance import Instance, InstanceError, parse_instance
from .model import Stage1, Stage2, add_stage2_terms, build_stage1, build_stage2
from .plan import Plan

Pair = tuple[str, str]

# Share of the remaining time each level may use; unused time rolls on.
LEVEL_BUDGET = {"coverage": 0.5, "holders": 0.5, "backups": 0.5, "backup_terms": 1.0}
# With one worker, each level gets a fixed share of the time limit in CP-SAT's
# deterministic time (roughly seconds) instead, so that a run that stops on its limit
# is reproducible too; wall time is then only a safety net (3 x share + 1 s).
DETERMINISTIC_BUDGET = {
    "coverage": 0.35,
    "holders": 0.35,
    "backups": 0.15,
    "backup_terms": 0.15,
}


@dataclass(frozen=True)
class Progress:
    """A snapshot of a running solve, for progress bars."""

    elapsed_s: float
    solutions: int  # improving solutions found so far
    objective: float | None
    bound: float | None
    uncovered_units: int | None  # fte units still uncovered in the best plan
    missing_backups: int | None


@dataclass
class LevelResult:
    name: str
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID
    solver: cp_model.CpSolver
    value: float | None
    bound: float | None
    wall_s: float

    @property
    def has_solution(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")

    def summary(self) -> dict[str, Any]:
        return {
            "level": self.name,
            "status": self.status.lower(),
            "value": self.value,
            "bound": self.bound,
            "wall_s": round(self.wall_s, 3),
        }


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        runner: _Runner,
        shortfall: Sequence[cp_model.IntVar],
        kind: str,
        stop_at: float | None,
    ):
        super().__init__()
        self.runner = runner
        self.shortfall = shortfall
        self.kind = kind
        self.stop_at = stop_at

    def on_solution_callback(self) -> None:
        runner = self.runner
        runner.solutions += 1
        if self.stop_at is not None and self.objective_value <= self.stop_at:
            self.stop_search()  # a known lower bound is reached: optimal
        if runner.on_progress is None:
            return
        total = sum(self.value(v) for v in self.shortfall)
        runner.on_progress(
            Progress(
                elapsed_s=round(time.monotonic() - runner.start, 3),
                solutions=runner.solutions,
                objective=self.objective_value,
                bound=self.best_objective_bound,
                uncovered_units=total if self.kind == "uncovered" else runner.uncovered,
                missing_backups=total if self.kind == "missing" else None,
            )
        )


class _Runner:
    """Runs levels against one overall deadline, with progress and cancellation."""

    def __init__(
        self,
        time_limit_s: float,
        workers: int,
        seed: int,
        on_progress: Callable[[Progress], None] | None,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        self.start = time.monotonic()
        self.time_limit_s = time_limit_s
        self.deadline = self.start + time_limit_s
        self.workers = workers
        self.seed = seed
        self.on_progress = on_progress
        self.should_stop = should_stop
        self.solutions = 0
        self.cancelled = False
        self.uncovered: int | None = None
        self.levels: list[LevelResult] = []

    def stop_requested(self) -> bool:
        if self.should_stop is not None and self.should_stop():
            self.cancelled = True
        return self.cancelled

    def run(
        self,
        name: str,
        model: cp_model.CpModel,
        shortfall: Sequence[cp_model.IntVar],
        kind: str,
        *,
        budget: float | None = None,
        stop_at: float | None = None,
        linearization: int | None = None,
    ) -> LevelResult:
        remaining = max(self.deadline - time.monotonic(), 0.01)
        limit = remaining * LEVEL_BUDGET.get(name, 1.0) if budget is None else budget
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(limit, 0.01)
        if self.workers == 1 and budget is None:
            share = DETERMINISTIC_BUDGET.get(name, 0.1) * self.time_limit_s
            solver.parameters.max_deterministic_time = max(share, 0.01)
            # wall clock only as a safety net, so a busy machine does not change
            # the plan: the run may take somewhat longer than the limit
            solver.parameters.max_time_in_seconds = 3 * share + 1.0
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = self.seed
        if linearization is not None:
            solver.parameters.linearization_level = linearization
        if self.stop_requested():
            return LevelResult(name, "UNKNOWN", solver, None, None, 0.0)
        done = threading.Event()
        watcher = None
        if self.should_stop is not None:

            def watch() -> None:
                while not done.wait(0.05):
                    if self.stop_requested():
                        solver.stop_search()
                        return

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
        began = time.monotonic()
        status = solver.solve(model, _Callback(self, shortfall, kind, stop_at))
        done.set()
        if watcher is not None:
            watcher.join()
        name_of_status = solver.status_name(status)
        has = name_of_status in ("OPTIMAL", "FEASIBLE")
        if has and stop_at is not None and solver.objective_value <= stop_at:
            name_of_status = "OPTIMAL"
        result = LevelResult(
            name,
            name_of_status,
            solver,
            solver.objective_value if has else None,
            solver.best_objective_bound if has else None,
            time.monotonic() - began,
        )
        self.levels.append(result)
        return result


def _hint(
    model: cp_model.CpModel,
    variables: Sequence[cp_model.IntVar],
    solver: cp_model.CpSolver,
) -> None:
    model.clear_hints()  # type: ignore[no-untyped-call]
    for v in variables:
        model.add_hint(v, solver.value(v))


def _hint_greedy_stage1(
    s: Stage1, holders: dict[Pair, int], learners: set[Pair]
) -> None:
    covered: dict[str, int] = {}
    for pair, holds in s.holds.items():
        share = holders.get(pair, 0)
        s.model.add_hint(holds, 1 if share else 0)
        covered[pair[1]] = covered.get(pair[1], 0) + share
        expr = s.share[pair]
        if isinstance(expr, cp_model.IntVar):
            s.model.add_hint(expr, share)
    for pair, learns in s.learns.items():
        s.model.add_hint(learns, 1 if pair in learners else 0)
    for r, var in s.uncovered.items():
        s.model.add_hint(var, s.facts.roles[r].fte - covered.get(r, 0))


def _best_warm_start(facts: Facts) -> GreedyResult:
    """The greedy plan that covers most, wishes first or last period's plan first
    (measured on the demo round: 4.3 fte uncovered against none)."""
    candidates = [greedy_assign(facts)]
    if any(p.kind == "holder" for p in facts.instance.previous):
        candidates.append(greedy_assign(facts, previous_first=True))

    def shortfall(result: GreedyResult) -> tuple[int, int]:
        covered: dict[str, int] = {}
        for (_, r), share in result.holders.items():
            covered[r] = covered.get(r, 0) + share
        roles = facts.roles.values()
        critical = sum(r.fte - covered.get(r.id, 0) for r in roles if r.critical)
        other = sum(r.fte - covered.get(r.id, 0) for r in roles if not r.critical)
        return critical, other

    return min(candidates, key=shortfall)


def _forced_uncovered(s: Stage1) -> float:
    """Coverage objective when every role with a possible holder is covered."""
    possible = {r for _, r in s.holds}
    roles = s.facts.roles
    other_total = sum(r.fte for r in roles.values() if not r.critical)
    forced_critical = sum(
        r.fte for r in roles.values() if r.critical and r.id not in possible
    )
    forced_other = sum(
        r.fte for r in roles.values() if not r.critical and r.id not in possible
    )
    return float((other_total + 1) * forced_critical + forced_other)


def _diagnose(
    facts: Facts,
    stage: int,
    holders: dict[Pair, int] | None = None,
    learners: set[Pair] | None = None,
) -> str:
    """Name the pins in an infeasibility core (pins enforced by assumptions)."""
    s: Stage1 | Stage2
    if stage == 1:
        s = build_stage1(facts, diagnose=True)
    else:
        s = build_stage2(facts, holders or {}, learners or set(), diagnose=True)
    literals = s.pin_literal
    s.model.add_assumptions(list(literals.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5.0
    solver.parameters.num_workers = 1
    status = solver.solve(s.model)
    if status != cp_model.INFEASIBLE:
        return core_message(facts, [])
    core = set(solver.sufficient_assumptions_for_infeasibility())
    indices = [i for i, lit in literals.items() if lit.index in core]
    return core_message(facts, indices)


def _infeasible(facts: Facts, errors: list[str], runner: _Runner | None = None) -> Plan:
    plan = assemble_plan(facts, "infeasible", {}, set(), set(), errors=errors)
    if runner is not None:
        plan.metrics.update(_run_metrics(runner))
    return plan


def _run_metrics(runner: _Runner) -> dict[str, Any]:
    return {
        "wall_s": round(time.monotonic() - runner.start, 3),
        "solutions": runner.solutions,
        "levels": [level.summary() for level in runner.levels],
    }


def _pins_kept(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> bool:
    for p in facts.instance.pins:
        pair = (p.employee, p.role)
        if p.kind == "holder" and (
            pair not in holders or (p.fte is not None and holders[pair] != p.fte)
        ):
            return False
        if p.kind == "learner" and pair not in learners:
            return False
        if p.kind == "backup" and pair not in backups:
            return False
    return True


def solve(
    instance: Instance,
    *,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Plan:
    """Solve ``instance``; None arguments fall back to the instance's settings."""
    settings = instance.settings
    runner = _Runner(
        time_limit_s if time_limit_s is not None else settings.time_limit_s,
        workers if workers is not None else settings.workers,
        seed if seed is not None else settings.seed,
        on_progress,
        should_stop,
    )
    facts = facts_of(instance)
    conflicts = pin_conflicts(facts)
    if conflicts:
        return _infeasible(facts, conflicts, runner)
    greedy = _best_warm_start(facts)

    # Stage 1, level 1-2: coverage (critical first).
    s1 = build_stage1(facts)
    _hint_greedy_stage1(s1, greedy.holders, greedy.learners)
    coverage = s1.coverage_objective()
    s1.model.minimize(coverage)
    uncovered_vars = list(s1.uncovered.values())
    a = runner.run(
        "coverage",
        s1.model,
        uncovered_vars,
        "uncovered",
        stop_at=_forced_uncovered(s1),
        linearization=2,  # measured: finds full packings faster on Ommen-sized data
    )
    if a.status == "INFEASIBLE":
        return _infeasible(facts, [_diagnose(facts, 1)], runner)
    if not a.has_solution:
        return _fallback(facts, greedy.holders, greedy.learners, greedy.backups, runner)
    runner.uncovered = sum(a.solver.value(v) for v in uncovered_vars)

    # Stage 1, level 3-4: backup reserve and the weighted holder/learner terms.
    best = a.solver
    statuses = [a.status]
    s1.model.add(coverage <= int(round(a.value or 0)))
    _hint(s1.model, s1.all_vars, a.solver)
    soft = s1.soft_objective()
    s1.model.minimize(soft)
    b = runner.run("holders", s1.model, uncovered_vars, "uncovered")
    stage1_bound: float | None = None
    if b.has_solution:
        best = b.solver
        statuses.append(b.status)
        reserve = sum(b.solver.value(v) for v in s1.reserve_short.values())
        weight = (b.value or 0) - sum(
            t.weight * b.solver.value(t.expr) for t in s1.terms
        )
        stage1_bound = (b.bound or 0) - weight  # soft part of the bound
        runner.uncovered = sum(b.solver.value(v) for v in uncovered_vars)
        del reserve
    else:
        statuses.append("FEASIBLE")
    holders = {
        pair: best.value(s1.share[pair])
        for pair, v in s1.holds.items()
        if best.value(v)
    }
    holders = {pair: share for pair, share in holders.items() if share > 0}
    learners = {pair for pair, v in s1.learns.items() if best.value(v)}

    # Stage 2, level 5: backups (critical first); level 6: backup terms.
    s2 = build_stage2(facts, holders, learners)
    hint = greedy_backups(facts, holders, learners)
    for pair, var in s2.backs.items():
        s2.model.add_hint(var, 1 if pair in hint else 0)
    backup_goal = s2.backup_objective()
    s2.model.minimize(backup_goal)
    missing_vars = list(s2.missing.values())
    c = runner.run("backups", s2.model, missing_vars, "missing")
    if c.status == "INFEASIBLE":
        return _infeasible(facts, [_diagnose(facts, 2, holders, learners)], runner)
    if not c.has_solution:
        statuses.append("FEASIBLE")
        backups = {p for p in hint if p in s2.backs}
        stage2_bound = None
    else:
        statuses.append(c.status)
        best2 = c.solver
        s2.model.add(backup_goal <= int(round(c.value or 0)))
        solved_vars = list(s2.all_vars)  # hint only what level 5 has values for
        add_stage2_terms(s2)
        _hint(s2.model, solved_vars, c.solver)
        s2.model.minimize(s2.soft_objective())
        d = runner.run("backup_terms", s2.model, missing_vars, "missing")
        stage2_bound = None
        if d.has_solution:
            best2 = d.solver
            statuses.append(d.status)
            stage2_bound = d.bound
        else:
            statuses.append("FEASIBLE")
        backups = {pair for pair, v in s2.backs.items() if best2.value(v)}

    if runner.cancelled:
        status = "cancelled"
    elif all(s == "OPTIMAL" for s in statuses):
        status = "optimal"
    else:
        status = "feasible"
    bound = None
    if stage1_bound is not None and stage2_bound is not None:
        bound = stage1_bound + stage2_bound
    plan = assemble_plan(
        facts,
        status,
        holders,
        learners,
        backups,
        bound=bound,
        extra_metrics={"source": "cp-sat"},
    )
    plan.metrics.update(_run_metrics(runner))
    return plan


def _fallback(
    facts: Facts,
    holders: dict[Pair, int],
    learners: set[Pair],
    backups: set[Pair],
    runner: _Runner,
) -> Plan:
    """No CP-SAT plan in time: the greedy plan if it keeps the pins, else nothing."""
    if _pins_kept(facts, holders, learners, backups):
        status = "cancelled" if runner.cancelled else "feasible"
        plan = assemble_plan(
            facts,
            status,
            holders,
            learners,
            backups,
            extra_metrics={"source": "greedy"},
        )
    else:
        status = "cancelled" if runner.cancelled else "unknown"
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


def solve_json(data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Parse, solve and return plan JSON; invalid input gives status "invalid"."""
    try:
        instance = parse_instance(data)
    except InstanceError as exc:
        return {"version": 1, "status": "invalid", "errors": exc.errors}
    return solve(instance, **kwargs).to_json()
