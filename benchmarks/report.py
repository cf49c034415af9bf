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
TARGETS = {
    "S": "proven optimal in < 2 s; >= 10x faster than naive to the same J",
    "M": "full coverage + all backups in < 10 s; gap to bound < 1 % at 60 s",
    "L": "full coverage + all backups in < 60 s",
    "XL": "a complete plan (full coverage + backups) in < 300 s, peak memory < 4 GB",
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


def product_time_to_best(res: InstanceResult) -> tuple[float | None, float | None]:
    """(seconds, J) of the product's fastest run that reached its best J."""
    runs = [r for r in _runs(res, "product") if not r.reused and "J" in r.result]
    if not runs:
        return None, None
    best = min(r.result["J"] for r in runs)
    fastest = min(
        (r for r in runs if r.result["J"] <= best), key=lambda r: r.result["wall_s"]
    )
    return fastest.result["wall_s"], best


def naive_time_to(res: InstanceResult, target: float) -> float | None:
    runs = _runs(res, "naive")
    if not runs:
        return None
    for t, j, _full in runs[0].result.get("trace") or []:
        if j <= target + 0.5:
            return t
    return None


def verdicts(results: list[InstanceResult], budgets: list[float]) -> list[str]:
    """One line per instance: the tier's target, met or missed, with numbers."""
    lines = []
    top = max(budgets)
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
        if tier == "S":
            t, j = product_time_to_best(res)
            optimal = [
                r
                for r in product
                if r.result.get("status") == "optimal" and not r.reused
            ]
            opt_s = min((r.result["wall_s"] for r in optimal), default=None)
            nt = naive_time_to(res, j) if j is not None else None
            if nt is not None and t:
                speed = f"naive reaches J <= {fmt_j(j)} after {nt:.2f} s: "
                speed += f"{nt / t:.1f}x"
            elif t:
                speed = (
                    f"naive never reaches J {fmt_j(j)} in {top:g} s: > {top / t:.0f}x"
                )
            else:
                speed = "no product plan"
            ok = opt_s is not None and opt_s < 2 and (nt is None or nt / t >= 10)
            lines.append(
                f"- {res.key}: {'MET' if ok else 'MISSED'}: proven optimal "
                f"{_secs(opt_s, 'after ')}; {speed}"
            )
        elif tier == "M":
            j60 = j_at(res, "product", top)
            g = gap(j60, best_bound(res))
            ok = ff is not None and ff < 10 and g is not None and g < 0.01
            lines.append(
                f"- {res.key}: {'MET' if ok else 'MISSED'}: first full plan "
                f"{_secs(ff)}; gap at {top:g} s "
                f"{fmt_gap(g)}"
            )
        elif tier == "L":
            ok = ff is not None and ff < 60
            lines.append(
                f"- {res.key}: {'MET' if ok else 'MISSED'}: first full plan {_secs(ff)}"
            )
        elif tier == "XL":
            mem = max(r.peak_mb for r in product)
            ok = ff is not None and ff < 300 and mem < 4096
            lines.append(
                f"- {res.key}: {'MET' if ok else 'MISSED'}: first full plan "
                f"{_secs(ff)}; peak {mem:.0f} MB"
            )
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
