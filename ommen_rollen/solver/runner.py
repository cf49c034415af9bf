"""Runs CP-SAT solves against one overall budget, with progress, cancellation and
randomised restarts.

With more than one worker the budget is wall time. With one worker it is CP-SAT's
deterministic time (roughly seconds of one core), so a run that stops on its limit
gives the same plan twice; wall time is then only a safety net.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

# What a solve reports as uncovered units or missing backups in its progress: the
# model's variables to sum, an expression over them (a repair round's sub-model
# adds what lies outside it), a number fixed for the whole solve (the backup polish
# keeps the holders), or None when the solve does not know it.
Counted = Sequence[cp_model.IntVar] | cp_model.LinearExpr | int | None

# A restart of the search for a complete plan: short runs with a new seed each beat
# one long run on tight instances; each restart is a little longer than the last.
RESTART_S = 1.5
RESTART_GROWTH = 1.25
# Restarts cycle through these parameter sets. Measured on M/0/normal (200 people,
# 2 workers, complete plan): presolve off 0.86 s, probing off 2.4 s, default 5.2 s
# (presolve costs more than the search there); default wins on harder cases.
RESTART_PARAMETERS: tuple[dict[str, Any], ...] = (
    {"cp_model_presolve": False},
    {"cp_model_probing_level": 0},
    {},
)


# With one worker the budget is deterministic time; wall time only stops a run that
# hangs. On a loaded machine one unit of deterministic time took up to 6 s of wall
# time (2 cores, 7 runnable processes), and a net that cut runs short made the
# "same plan twice" guarantee fail, so the net is wide.
WALL_NET_FACTOR = 10.0
MIN_STAGE_S = 0.1  # a stage with less budget left is skipped
WALL_NET_EXTRA_S = 5.0


def wall_net(deterministic_budget: float) -> float:
    """The wall-clock safety net for a deterministic-time budget."""
    return WALL_NET_FACTOR * deterministic_budget + WALL_NET_EXTRA_S


@dataclass(frozen=True)
class Progress:
    """A snapshot of a running solve, for progress bars."""

    elapsed_s: float
    solutions: int  # improving solutions found so far
    objective: float | None
    bound: float | None
    uncovered_units: int | None  # fte units still uncovered in the best plan
    missing_backups: int | None
    phase: str = ""  # complete / repair / shortfall / soft / backups
    # proven lower bounds: no plan with this staffing does better
    uncovered_lower_bound: int | None = None
    missing_lower_bound: int | None = None


class ModelInvalid(RuntimeError):
    """CP-SAT refused a model the solver built: a programming error, not an outcome."""


@dataclass
class LevelResult:
    name: str
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID
    solver: cp_model.CpSolver
    value: float | None
    bound: float | None
    wall_s: float
    restarts: int = 1

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
            "restarts": self.restarts,
        }


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        runner: Runner,
        phase: str,
        uncovered: Counted,
        missing: Counted,
    ):
        super().__init__()
        self.runner = runner
        self.phase = phase
        self.uncovered = uncovered
        self.missing = missing

    def _count(self, counted: Counted) -> int | None:
        if counted is None or isinstance(counted, int):
            return counted
        if isinstance(counted, cp_model.LinearExpr):
            return int(self.value(counted))
        return int(sum(self.value(v) for v in counted))

    def on_solution_callback(self) -> None:
        runner = self.runner
        runner.solutions += 1
        if runner.on_progress is None:
            return
        runner.on_progress(
            Progress(
                elapsed_s=round(time.monotonic() - runner.start, 3),
                solutions=runner.solutions,
                objective=self.objective_value,
                bound=self.best_objective_bound,
                uncovered_units=self._count(self.uncovered),
                missing_backups=self._count(self.missing),
                phase=self.phase,
                uncovered_lower_bound=runner.uncovered_lower_bound,
                missing_lower_bound=runner.missing_lower_bound,
            )
        )


class Runner:
    """One overall budget shared by every solve of a run."""

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
        self.deterministic = workers == 1
        self.deterministic_used = 0.0
        self.kept = 0.0  # budget kept back for later stages (keeping())
        self.seed = seed
        self.on_progress = on_progress
        self.should_stop = should_stop
        self.solutions = 0
        self.cancelled = False
        self.levels: list[LevelResult] = []
        self.uncovered_lower_bound: int | None = None
        self.missing_lower_bound: int | None = None

    def reserve(self, seconds: float) -> None:
        """Keep ``seconds`` of wall time free at the end (for work after the last
        solve); nothing to keep with one worker, whose budget is not wall time."""
        if not self.deterministic:
            self.deadline -= max(seconds, 0.0)

    def stop_requested(self) -> bool:
        if self.should_stop is not None and self.should_stop():
            self.cancelled = True
        return self.cancelled

    def remaining(self) -> float:
        """Budget left (less what is kept back): deterministic time with one
        worker, else wall seconds."""
        if self.deterministic:
            wall_left = self.start + wall_net(self.time_limit_s) - time.monotonic()
            left = min(self.time_limit_s - self.deterministic_used, wall_left)
        else:
            left = self.deadline - time.monotonic()
        return max(left - self.kept, 0.0)

    @contextmanager
    def keeping(self, share: float) -> Iterator[None]:
        """Inside the block, ``share`` of the budget left now is kept back for the
        stages after it."""
        kept = self.remaining() * share
        self.kept += kept
        try:
            yield
        finally:
            self.kept -= kept

    def out_of_time(self) -> bool:
        """Too little budget left for another stage: building and copying a model
        costs seconds at 2,000 people, so a stage is not even started then."""
        return self.remaining() < MIN_STAGE_S

    def used_by(self, result: LevelResult) -> float:
        """The budget one run used: deterministic time with one worker, else wall
        seconds (at least 0.01, so a loop over runs always ends)."""
        used = result.solver.deterministic_time if self.deterministic else result.wall_s
        return max(used, 0.01)

    def report(self, phase: str, uncovered: int | None, missing: int | None) -> None:
        """A progress line outside any solve (e.g. the warm start)."""
        if self.on_progress is not None:
            self.on_progress(
                Progress(
                    elapsed_s=round(time.monotonic() - self.start, 3),
                    solutions=self.solutions,
                    objective=None,
                    bound=None,
                    uncovered_units=uncovered,
                    missing_backups=missing,
                    phase=phase,
                    uncovered_lower_bound=self.uncovered_lower_bound,
                    missing_lower_bound=self.missing_lower_bound,
                )
            )

    def run(
        self,
        name: str,
        model: cp_model.CpModel,
        budget: float,
        *,
        uncovered: Counted = None,
        missing: Counted = None,
        seed_offset: int = 0,
        parameters: dict[str, Any] | None = None,
    ) -> LevelResult:
        """One solve with at most ``budget`` (seconds or deterministic time)."""
        solver = cp_model.CpSolver()
        budget = max(min(budget, self.remaining()), 0.01)
        if self.deterministic:
            solver.parameters.max_deterministic_time = budget
            solver.parameters.max_time_in_seconds = wall_net(budget)
        else:
            solver.parameters.max_time_in_seconds = budget
        solver.parameters.num_workers = self.workers
        solver.parameters.random_seed = self.seed + seed_offset
        for key, value in (parameters or {}).items():
            setattr(solver.parameters, key, value)
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
        status = solver.solve(model, _Callback(self, name, uncovered, missing))
        done.set()
        if watcher is not None:
            watcher.join()
        self.deterministic_used += solver.deterministic_time
        status_name = solver.status_name(status)
        if status_name == "MODEL_INVALID":  # a bug in the model, never a plan to report
            raise ModelInvalid(f"{name}: {model.validate()}")
        has = status_name in ("OPTIMAL", "FEASIBLE")
        result = LevelResult(
            name,
            status_name,
            solver,
            solver.objective_value if has else None,
            solver.best_objective_bound if has else None,
            time.monotonic() - began,
        )
        self.levels.append(result)
        return result

    def restarts(
        self,
        name: str,
        model: cp_model.CpModel,
        budget: float,
        *,
        uncovered: Counted = None,
        missing: Counted = None,
    ) -> LevelResult:
        """Feasibility search in short runs with a new seed each, until a solution,
        a proof of infeasibility, cancellation or the end of ``budget``."""
        began = time.monotonic()
        used_at_start = self.deterministic_used
        step = RESTART_S
        attempt = 0
        while True:
            spent = (
                self.deterministic_used - used_at_start
                if self.deterministic
                else time.monotonic() - began
            )
            left = budget - spent
            if left <= 0.01 or self.remaining() <= 0.01:
                break
            result = self.run(
                name,
                model,
                min(step, left),
                uncovered=uncovered,
                missing=missing,
                seed_offset=attempt,
                parameters=RESTART_PARAMETERS[attempt % len(RESTART_PARAMETERS)],
            )
            attempt += 1
            result.restarts = attempt
            if result.status in ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "MODEL_INVALID"):
                return result
            if self.cancelled:
                return result
            if attempt % len(RESTART_PARAMETERS) == 0:
                step *= RESTART_GROWTH
        return LevelResult(
            name,
            "UNKNOWN",
            cp_model.CpSolver(),
            None,
            None,
            time.monotonic() - began,
            attempt,
        )
