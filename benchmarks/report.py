"""The side-by-side table and the target verdicts, from the runs of a tier."""

from __future__ import annotations

from typing import Any

from .runner import InstanceResult, Run

LABELS = {
    "product": "product (solve)",
    "naive": "naive CP-SAT",
    "mip": "MIP (HiGHS)",
    "timefold": "Timefold Solver",
    "lp": "LP relaxation",
    "greedy": "greedy",
    "previous": "previous plan",
    "planted": "planted plan (witness)",
}
TARGETS = {  # the solver v2 targets (issue 10)
    "S": "complete (full coverage + all backups) in < 1 s; proven optimal in 10 s",
    "M": "complete in < 5 s",
    "L": "complete in < 30 s",
    "XL": "complete in < 120 s, peak memory < 2 GB",
}


def best_bound(res: InstanceResult) -> float | None:
    """The highest proven lower bound on J: LP relaxation, CP-SAT or MIP bound."""
    bounds = []
    for run in res.runs:
        r = run.result
        if run.method == "lp" and r.get("status") == "optimal":
            bounds.append(r.get("objective"))
        elif run.method in ("naive", "mip", "lp"):
            bounds.append(r.get("bound"))
    bounds = [b for b in bounds if b is not None]
    return max(bounds) if bounds else None


def gap(j: float | None, bound: float | None) -> float | None:
    if j is None or bound is None:
        return None
    return max(0.0, (j - bound) / max(abs(j), 1.0))


def _runs(res: InstanceResult, method: str) -> list[Run]:
    return [r for r in res.runs if r.method == method]


def j_at(res: InstanceResult, method: str, budget: float) -> float | None:
    """J of the method's plan when the budget ends."""
    runs = _runs(res, method)
    if not runs:
        return None
    if method in ("naive", "mip", "timefold"):
        # The time limit runs from the solver's start, as the product's does; the
        # trace's clock starts before the model is built.
        result = runs[0].result
        if budget >= (runs[0].budget or 0):
            return result.get("J")
        build = result.get("build_s") or 0.0
        points = [p for p in result.get("trace") or [] if p[0] - build <= budget]
        return points[-1][1] if points else None
    if method in ("greedy", "previous", "planted"):
        return runs[0].result.get("J")
    for run in runs:
        if run.budget == budget:
            return run.result.get("J")
    return None


def first_full(res: InstanceResult, method: str) -> str:
    """Seconds to the first plan with full coverage and all backups."""
    runs = _runs(res, method)
    if not runs:
        return "-"
    if method in ("product", "naive", "mip", "timefold"):
        times = []
        for run in runs:
            if run.reused:
                continue
            hits = [p[0] for p in run.result.get("trace") or [] if p[2]]
            if hits:
                times.append(hits[0])
            elif run.result.get("full") and method == "product":
                times.append(run.result.get("wall_s") or 0)
        return f"{min(times):.2f}" if times else "never"
    if method == "planted":
        return "-"  # the witness is built, not searched for
    if method in ("greedy", "previous"):
        r = runs[0].result
        return f"{r.get('wall_s', 0):.2f}" if r.get("full") else "never"
    return "-"


def first_full_seconds(res: InstanceResult, method: str) -> float | None:
    text = first_full(res, method)
    try:
        return float(text.replace("<= ", ""))
    except ValueError:
        return None


def fmt_j(j: float | None) -> str:
    if j is None:
        return "-"
    return f"{j:.0f}" if abs(j) < 1e7 else f"{j:.3g}"


def fmt_gap(g: float | None) -> str:
    return "-" if g is None else f"{g:.1%}"


def table(results: list[InstanceResult], budgets: list[float]) -> str:
    """Markdown table: one row per instance and method."""
    head = ["instance", "method", "status", "first full (s)"]
    for b in budgets:
        head += [f"J @{b:g}s", f"gap @{b:g}s"]
    head += ["uncovered fte", "missing backups", "peak MB", "checker"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for res in results:
        bound = best_bound(res)
        for method in LABELS:
            runs = _runs(res, method)
            if not runs:
                continue
            last = max(runs, key=lambda r: r.budget or 0).result
            row = [
                f"{res.key} ({res.utilisation:.1%})",
                LABELS[method],
                str(last.get("status")),
            ]
            if method == "lp":
                value = last.get("objective")
                row.append("-")
                for _ in budgets:
                    row += [fmt_j(value), "bound"]
                row += ["-", "-", f"{max(r.peak_mb for r in runs):.0f}", "-"]
                lines.append("| " + " | ".join(row) + " |")
                continue
            row.append(first_full(res, method))
            for b in budgets:
                j = j_at(res, method, b)
                row += [fmt_j(j), fmt_gap(gap(j, bound))]
            unc = last.get("uncovered_units")
            row.append("-" if unc is None else f"{unc / 10_000:.4f}")
            row.append(str(last.get("missing_backups", "-")))
            row.append(f"{max(r.peak_mb for r in runs):.0f}")
            row.append(_checker(runs))
            lines.append("| " + " | ".join(row) + " |")
        lines.append(
            f"| {res.key} | **best bound on J** | | | "
            + " | ".join([fmt_j(bound), ""] * len(budgets))
            + " | | | | |"
        )
    return "\n".join(lines)


def _checker(runs: list[Run]) -> str:
    """ "ok" when every plan of the row passed; else the violations per budget."""
    own = [r for r in runs if not r.reused]
    counts = [r.result.get("n_violations") for r in own]
    if all(c is None for c in counts):
        return "no plan"
    bad = [
        f"{r.result['n_violations']} @{r.budget:g}s" if len(own) > 1 and r.budget
        else str(r.result["n_violations"])
        for r in own
        if r.result.get("n_violations")
    ]  # fmt: skip
    return "ok" if not bad else "violations: " + ", ".join(bad)


# The solver v2 targets (issue 10): "complete" is every role covered and every
# backup there (the progress stream's first such plan).
COMPLETE_WITHIN_S = {"S": 1.0, "M": 5.0, "L": 30.0, "XL": 120.0}
PROVEN_WITHIN_S = 10.0  # S: proven optimal on the soft terms
XL_PEAK_MB = 2048


def verdicts(results: list[InstanceResult], budgets: list[float]) -> list[str]:
    """One line per instance: the tier's target, met or missed, with numbers."""
    lines = []
    for res in results:
        tier = res.tier
        product = _runs(res, "product")
        if not product:
            continue
        ff = first_full_seconds(res, "product")
        if res.variant == "infeasible":
            unc = [r.result.get("uncovered_units") for r in product if not r.reused]
            lines.append(
                f"- {res.key}: cannot be fully covered by construction; product "
                f"leaves {_fte_list(unc)} fte uncovered (0.05 is the least possible)"
            )
            continue
        limit = COMPLETE_WITHIN_S.get(tier)
        if limit is None:
            continue
        ok = ff is not None and ff < limit
        line = f"- {res.key}: {'MET' if ok else 'MISSED'}: first full plan {_secs(ff)}"
        line += f" (target under {limit:g} s)"
        if tier == "S":
            optimal = [
                r.result["wall_s"]
                for r in product
                if r.result.get("status") == "optimal" and not r.reused
            ]
            opt_s = min(optimal, default=None)
            proven = (
                "MET" if opt_s is not None and opt_s <= PROVEN_WITHIN_S else "MISSED"
            )
            line += (
                f"; proven optimal {_secs(opt_s, 'after ')} "
                f"({proven}: target within {PROVEN_WITHIN_S:g} s)"
            )
        if tier == "XL":
            mem = max(r.peak_mb for r in product)
            line += f"; peak {mem:.0f} MB (target under {XL_PEAK_MB} MB)"
        lines.append(line)
    return lines


def _secs(value: float | None, prefix: str = "") -> str:
    return "never" if value is None else f"{prefix}{value:.2f} s"


def _fte_list(values: list[Any]) -> str:
    return ", ".join("-" if v is None else f"{v / 10_000:.4f}" for v in values)


def to_json(results: list[InstanceResult]) -> list[dict]:
    return [
        {
            "tier": r.tier,
            "seed": r.seed,
            "variant": r.variant,
            "employees": r.employees,
            "roles": r.roles,
            "utilisation": r.utilisation,
            "runs": [
                {
                    "method": run.method,
                    "budget": run.budget,
                    "peak_mb": run.peak_mb,
                    "reused": run.reused,
                    "result": run.result,
                }
                for run in r.runs
            ],
        }
        for r in results
    ]


def from_json(data: list[dict]) -> list[InstanceResult]:
    out = []
    for item in data:
        res = InstanceResult(
            item["tier"],
            item["seed"],
            item["variant"],
            item["employees"],
            item["roles"],
            item["utilisation"],
        )
        res.runs = [
            Run(x["method"], x["budget"], x["result"], x["peak_mb"], x["reused"])
            for x in item["runs"]
        ]
        out.append(res)
    return out
