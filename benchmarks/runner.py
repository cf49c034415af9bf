"""Run a tier: every method on the same instances, each run in its own process.

Per instance (tier, seed, variant) the runner measures, side by side:

- ``product``: ommen_rollen.solver.solve, one run per budget (its stages divide the
  time limit, so a 2 s run is not the first 2 s of a 60 s run); larger budgets are
  skipped once a run ends proven optimal (more time cannot change that plan);
- ``naive``: the single linear model (naive.py) on CP-SAT, default parameters, one
  run at the largest budget; its solution trace gives J at every smaller budget;
- ``mip``: the identical model on HiGHS through MathOpt, one run at the largest
  budget; the improving solutions in HiGHS' log give J at the smaller budgets;
- ``lp``: the LP relaxation of that model (a bound on J);
- ``greedy``: ommen_rollen.solver.greedy_plan;
- ``previous``: last period's plan carried over (score.previous_plan);
- ``planted``: the plan the generator built the instance around (not a method: the
  witness that full coverage with all backups exists, and its J).

Peak memory is the maximum resident set size of the run's own process (os.wait4).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .generate import generate, utilisation

METHODS = (
    "product", "naive", "mip", "timefold", "lp", "greedy", "previous", "planted",
)  # fmt: skip
PER_BUDGET = ("product",)
ONCE_AT_MAX = ("naive", "mip", "timefold", "lp")


@dataclass
class Run:
    """One subprocess run and what it measured."""

    method: str
    budget: float | None
    result: dict[str, Any]
    peak_mb: float
    reused: bool = False


@dataclass
class InstanceResult:
    tier: str
    seed: int
    variant: str
    employees: int
    roles: int
    utilisation: float
    runs: list[Run] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.tier}/{self.seed}/{self.variant}"


def run_job(job: dict, timeout_s: float) -> tuple[dict[str, Any], float]:
    """Start ``python -m benchmarks.worker`` for one job; result and peak MB."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker"],
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=err,
            env=env,
            cwd=root,
        )
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(job).encode())
        proc.stdin.close()
        deadline = time.monotonic() + timeout_s
        status = None
        usage = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_mb = usage.ru_maxrss / 1024  # Linux: kilobytes
        out.seek(0)
        err.seek(0)
        lines = out.read().decode().strip().splitlines()
        if proc.returncode != 0 or not lines:
            tail = err.read().decode().strip().splitlines()[-3:]
            reason = "timeout" if time.monotonic() > deadline else "crash"
            return {"status": reason, "error": " | ".join(tail)}, peak_mb
        return json.loads(lines[-1]), peak_mb


def run_instance(
    instance: dict,
    result: InstanceResult,
    budgets: list[float],
    methods: list[str],
    workers: int | None,
    workdir: Path,
    log=print,
) -> None:
    path = workdir / f"{result.tier}-{result.seed}-{result.variant}.json"
    path.write_text(json.dumps(instance), encoding="utf-8")
    base = {
        "instance_path": str(path),
        "workers": workers,
        "seed": 0,
        "tier": result.tier,
        "seed_instance": result.seed,
        "variant": result.variant,
    }
    top = max(budgets)
    for method in methods:
        if method in PER_BUDGET:
            done: Run | None = None
            for budget in sorted(budgets):
                if done is not None:
                    result.runs.append(
                        Run(method, budget, done.result, done.peak_mb, reused=True)
                    )
                    continue
                res, mb = run_job(
                    {**base, "method": method, "budget": budget}, budget * 2 + 120
                )
                run = Run(method, budget, res, mb)
                result.runs.append(run)
                log(_progress_line(result, run))
                if res.get("status") == "optimal":
                    done = run
        else:
            budget = top if method in ONCE_AT_MAX else None
            res, mb = run_job(
                {**base, "method": method, "budget": budget or top}, top * 2 + 120
            )
            run = Run(method, budget, res, mb)
            result.runs.append(run)
            log(_progress_line(result, run))


def _progress_line(result: InstanceResult, run: Run) -> str:
    r = run.result
    return (
        f"  {result.key:<18} {run.method:<8} budget={run.budget} "
        f"status={r.get('status')} wall={_num(r.get('wall_s'))} J={r.get('J')} "
        f"unc={r.get('uncovered_units')} miss={r.get('missing_backups')} "
        f"viol={r.get('n_violations')} mem={run.peak_mb:.0f}MB"
    )


def _num(x: Any, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def run_tier(
    tier: str,
    seeds: list[int],
    budgets: list[float],
    variants: list[str],
    methods: list[str],
    workers: int | None = None,
    log=print,
) -> list[InstanceResult]:
    """Generate and measure every (seed, variant) instance of a tier."""
    results = []
    with tempfile.TemporaryDirectory(prefix="ommen-bench-") as tmp:
        for seed in seeds:
            for variant in variants:
                instance = generate(tier, seed, variant)
                res = InstanceResult(
                    tier,
                    seed,
                    variant,
                    len(instance["employees"]),
                    len(instance["roles"]),
                    float(utilisation(instance)),
                )
                log(
                    f"{res.key}: {res.employees} employees, {res.roles} roles, "
                    f"utilisation {res.utilisation:.1%}"
                )
                run_instance(instance, res, budgets, methods, workers, Path(tmp), log)
                results.append(res)
    return results
