"""One benchmark run in its own process: ``python -m benchmarks.worker < job.json``.

The runner starts a fresh interpreter per (instance, method, budget), so the peak
resident memory the parent reads with ``os.wait4`` belongs to that run alone,
C++ solver memory included. The job is a JSON object on stdin; the result is one
JSON line on stdout. Every plan goes through the independent checker here.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from typing import Any

from . import score


def _plan_hash(plan: dict) -> str:
    rows = sorted(
        (a["employee"], a["role"], a["kind"], str(a.get("fte", "")))
        for a in plan.get("assignments", [])
    )
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:12]


def run_product(instance: dict, job: dict) -> dict[str, Any]:
    """The product's solver, with its progress stream as a trace."""
    from ommen_rollen.solver import parse_instance, solve

    t0 = time.monotonic()
    parsed = parse_instance(instance)
    parse_s = time.monotonic() - t0
    trace: list[list] = []

    def progress(p: Any) -> None:
        full = p.uncovered_units == 0 and p.missing_backups == 0
        trace.append([parse_s + p.elapsed_s, p.objective, full])

    plan = solve(
        parsed,
        time_limit_s=job["budget"],
        workers=job.get("workers"),
        seed=job.get("seed"),
        on_progress=progress,
    )
    wall = time.monotonic() - t0
    data = plan.to_json()
    objective = data.get("objective") or {}
    return {
        "wall_s": wall,
        "plan": data,
        "status": data.get("status"),
        "trace": trace,
        "own_value": objective.get("value"),
        "own_bound": objective.get("bound"),
        "levels": (data.get("metrics") or {}).get("levels"),
    }


def run_naive(instance: dict, job: dict, solver: str) -> dict[str, Any]:
    from . import naive

    try:
        out = naive.solve(instance, solver, job["budget"], threads=job.get("workers"))
    except naive.ModelTooLarge as exc:
        return {"status": "too large", "error": str(exc)}
    plan = out.pop("plan", None)
    status = out.pop("termination")
    out["status"] = status
    if plan is not None:
        out["plan"] = plan
    return out


def run_timefold(instance: dict, job: dict) -> dict[str, Any]:
    """Timefold Solver on its own model (timefold_peer.py); J at every best."""
    from . import timefold_peer

    try:
        timefold_peer.jars()
    except RuntimeError as exc:  # the bench extra is not installed
        return {"status": "not installed", "error": str(exc)}
    out = timefold_peer.solve(instance, job["budget"])
    trace = []
    for at, plan in out.pop("bests"):
        scored = score.score_plan(instance, plan)
        full = scored["uncovered_units"] == 0 and scored["missing_backups"] == 0
        trace.append([at, scored["J"], full])
    out["trace"] = trace
    out["status"] = out.pop("termination")
    return out


def run_greedy(instance: dict, job: dict) -> dict[str, Any]:
    from ommen_rollen.solver import greedy_plan, parse_instance

    t0 = time.monotonic()
    plan = greedy_plan(parse_instance(instance)).to_json()
    return {"wall_s": time.monotonic() - t0, "plan": plan, "status": "heuristic"}


def run_previous(instance: dict, job: dict) -> dict[str, Any]:
    t0 = time.monotonic()
    plan = score.previous_plan(instance)
    return {"wall_s": time.monotonic() - t0, "plan": plan, "status": "carried over"}


def run_planted(instance: dict, job: dict) -> dict[str, Any]:
    """The plan the generator built the instance around (its feasibility witness)."""
    from .generate import generate_with_plan

    t0 = time.monotonic()
    generated, plan = generate_with_plan(
        job["tier"], job["seed_instance"], job["variant"]
    )
    if generated != instance:
        return {"status": "instance differs from the generator's"}
    return {"wall_s": time.monotonic() - t0, "plan": plan, "status": "witness"}


def run(job: dict) -> dict[str, Any]:
    with open(job["instance_path"], encoding="utf-8") as fh:
        instance = json.load(fh)
    method = job["method"]
    if method == "product":
        out = run_product(instance, job)
    elif method in ("naive", "mip", "lp"):
        solver = {"naive": "cpsat", "mip": job.get("mip_solver", "highs")}.get(
            method, "lp"
        )
        out = run_naive(instance, job, solver)
    elif method == "timefold":
        out = run_timefold(instance, job)
    elif method == "greedy":
        out = run_greedy(instance, job)
    elif method == "previous":
        out = run_previous(instance, job)
    elif method == "planted":
        out = run_planted(instance, job)
    else:
        raise SystemExit(f"unknown method {method!r}")
    plan = out.pop("plan", None)
    if plan is not None:
        from ommen_rollen.solver import (
            check_plan,
            evaluate_plan,
            parse_instance,
            plan_from_json,
        )

        scored = score.score_plan(instance, plan)
        violations = check_plan(instance, plan)
        out.update(
            J=scored["J"],
            soft=scored["soft"],
            terms=scored["terms"],
            uncovered_units=scored["uncovered_units"],
            missing_backups=scored["missing_backups"],
            full=scored["uncovered_units"] == 0 and scored["missing_backups"] == 0,
            violations=violations[:20],
            n_violations=len(violations),
            plan_hash=_plan_hash(plan),
        )
        try:  # the product's own scoring of the same plan, as a cross-check
            product_eval = evaluate_plan(parse_instance(instance), plan_from_json(plan))
            out["eval_total"] = product_eval.get("total")
        except Exception as exc:  # noqa: BLE001 - report, never crash the run
            out["eval_total"] = f"error: {exc}"
        if job.get("keep_plan"):  # the GAP benchmark checks the plan itself
            out["plan"] = plan
    return out


def main() -> None:
    job = json.load(sys.stdin)
    result = run(job)
    sys.stdout.write(json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
