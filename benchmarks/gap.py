"""Generalised assignment problems (GAP) from the literature, solved as instances v1.

A GAP assigns every job to one agent within the agents' capacities at least cost.
As an instance v1 (docs/instance-format.md) it is: agents as employees with their
capacity as contract (in fte units, so the arithmetic stays exact), jobs as unsplit
roles without backups, each agent's resource need as that pair's ``effort``, the cost
as a negative preference ``score``, and every other soft term weighted 0. The
product's J is then exactly the GAP cost, so its plans can be held against the
published best-known costs in ``data/gap/best_known.csv`` (minimisation).

The files (``data/gap``, see its README) are the OR-Library format: optionally the
number of problems P, then per problem ``m n``, the m x n cost matrix, the m x n
resource matrix and the m capacities.

    python -m benchmarks gap [--set small|medium|large|all] [--budget 60]
        [--methods product,naive,mip] [--only d10100,e20200] [--json out.json]
"""

from __future__ import annotations

import csv
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ommen_rollen.domain import FTE_SCALE

DATA = Path(__file__).resolve().parent / "data" / "gap"

SETS = {
    # OR-Library gap1-gap12 (5-10 agents, 15-60 jobs, 5 problems per file)
    "small": [f"gap{i}" for i in range(1, 13)],
    # Chu and Beasley (1997), types A-E: 5-20 agents, 100-200 jobs
    "medium": [
        f"{t}{s}"
        for t in "abcde"
        for s in ("05100", "10100", "20100", "05200", "10200", "20200")
    ],
    # Yagiura et al. (2004), types C-E: 10-40 agents, 400 jobs
    "large": [f"{t}{s}" for t in "cde" for s in ("10400", "20400", "40400")],
}


@dataclass(frozen=True)
class Gap:
    """One problem: ``cost[i][j]`` and ``resource[i][j]`` of agent i for job j."""

    name: str
    cost: list[list[int]]
    resource: list[list[int]]
    capacity: list[int]

    @property
    def agents(self) -> int:
        return len(self.capacity)

    @property
    def jobs(self) -> int:
        return len(self.cost[0]) if self.cost else 0


def parse(name: str, text: str) -> list[Gap]:
    """Every problem in one file; ``name#k`` when the file holds several."""
    numbers = [int(tok) for tok in text.split()]
    if not numbers:
        raise ValueError(f"{name}: leeg bestand")

    def one(pos: int) -> tuple[tuple[int, int, list[int]], int]:
        m, n = numbers[pos], numbers[pos + 1]
        size = 2 + 2 * m * n + m
        if m < 1 or n < 1 or pos + size > len(numbers):
            raise ValueError(f"{name}: onvolledig probleem op positie {pos}")
        return (m, n, numbers[pos + 2 : pos + size]), pos + size

    # A single problem is exactly 2 + 2mn + m numbers; otherwise the first is P.
    m, n = numbers[0], numbers[1]
    if len(numbers) == 2 + 2 * m * n + m:
        starts, count = 0, 1
    else:
        starts, count = 1, numbers[0]
    problems: list[Gap] = []
    pos = starts
    for k in range(count):
        (m, n, body), pos = one(pos)
        cost = [body[i * n : (i + 1) * n] for i in range(m)]
        res = [body[m * n + i * n : m * n + (i + 1) * n] for i in range(m)]
        cap = body[2 * m * n :]
        label = name if count == 1 else f"{name}#{k}"
        problems.append(Gap(label, cost, res, cap))
    if pos != len(numbers):
        raise ValueError(f"{name}: {len(numbers) - pos} getallen over na de problemen")
    return problems


def load(names: list[str]) -> list[Gap]:
    problems: list[Gap] = []
    for name in names:
        path = DATA / f"{name}.txt"
        problems += parse(name, path.read_text(encoding="ascii"))
    return problems


def _fte(units: int) -> str:
    return f"{units / FTE_SCALE:.4f}"


def to_instance(gap: Gap) -> dict[str, Any]:
    """The GAP as an instance v1 whose J is the GAP cost of a complete plan."""
    if max(gap.capacity) > FTE_SCALE:
        raise ValueError(f"{gap.name}: capaciteit boven {FTE_SCALE} past niet in 1 fte")
    employees = [
        {"id": f"a{i}", "fte": _fte(cap), "base_function": "X"}
        for i, cap in enumerate(gap.capacity)
    ]
    roles = [
        {"id": f"j{j}", "fte": _fte(1), "base_functions": ["X"], "backups": 0}
        for j in range(gap.jobs)
    ]
    effort = []
    preferences = []
    for i in range(gap.agents):
        for j in range(gap.jobs):
            need = gap.resource[i][j]
            if need > gap.capacity[i]:
                continue  # this agent can never take the job: no pair at all
            effort.append({"employee": f"a{i}", "role": f"j{j}", "fte": _fte(need)})
            preferences.append(
                {
                    "employee": f"a{i}",
                    "role": f"j{j}",
                    "choice": "neutral",
                    "score": -gap.cost[i][j],
                }
            )
    forbid = [
        {"employee": f"a{i}", "role": f"j{j}"}
        for i in range(gap.agents)
        for j in range(gap.jobs)
        if gap.resource[i][j] > gap.capacity[i]
    ]
    weights = {
        "want": 0,
        "avoid": 0,
        "score": 1,
        "learn": 0,
        "continuity": 0,
        "fairness": 0,
        "fragments": 0,
        "backup_spread": 0,
    }
    return {
        "version": 1,
        "name": f"GAP {gap.name}",
        "employees": employees,
        "roles": roles,
        "preferences": preferences,
        "effort": effort,
        "forbid": forbid,
        "settings": {"weights": weights, "max_backup_share": 1.0},
    }


def plan_cost(gap: Gap, plan: dict[str, Any]) -> tuple[int | None, str]:
    """The GAP cost of a plan, or None with the reason it is no GAP solution.

    Checked here from the matrices (independently of the solver's own J): every job
    held once, by one agent, within every agent's capacity.
    """
    holder: dict[int, int] = {}
    for a in plan.get("assignments", []):
        if a.get("kind", "holder") != "holder":
            continue
        i, j = int(a["employee"][1:]), int(a["role"][1:])
        if j in holder:
            return None, f"job {j} twee keer toegewezen"
        holder[j] = i
    if len(holder) != gap.jobs:
        return None, f"{gap.jobs - len(holder)} jobs niet toegewezen"
    load = [0] * gap.agents
    for j, i in holder.items():
        load[i] += gap.resource[i][j]
    over = [i for i in range(gap.agents) if load[i] > gap.capacity[i]]
    if over:
        return None, f"capaciteit overschreden bij agent {over[0]}"
    return sum(gap.cost[i][j] for j, i in holder.items()), "ok"


def best_known() -> dict[str, tuple[int, bool]]:
    with open(DATA / "best_known.csv", encoding="utf-8", newline="") as fh:
        return {
            row["instance"]: (
                int(row["best_known_cost"]),
                row["proven_optimal"] == "yes",
            )
            for row in csv.DictReader(fh)
        }


METHOD_LABELS = {
    "product": "product (solve)",
    "naive": "naive CP-SAT",
    "mip": "MIP (HiGHS)",
}


def run(
    names: list[str],
    budget: float,
    methods: list[str],
    workers: int | None,
    log: Any = print,
) -> list[dict[str, Any]]:
    """Every method on every problem; one row per (problem, method)."""
    from .runner import run_job

    known = best_known()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for gap in load(names):
            path = Path(tmp) / f"{gap.name.replace('#', '-')}.json"
            path.write_text(json.dumps(to_instance(gap)), encoding="utf-8")
            best, proven = known.get(gap.name, (None, False))
            for method in methods:
                job = {
                    "instance_path": str(path),
                    "method": method,
                    "budget": budget,
                    "workers": workers,
                    "seed": 0,
                    "keep_plan": True,
                }
                result, peak_mb = run_job(job, budget * 2 + 120)
                plan = result.get("plan") or {}
                cost, why = (
                    plan_cost(gap, plan) if plan else (None, result.get("status"))
                )
                gap_pct = (
                    100.0 * (cost - best) / best if cost is not None and best else None
                )
                row = {
                    "instance": gap.name,
                    "agents": gap.agents,
                    "jobs": gap.jobs,
                    "method": method,
                    "budget_s": budget,
                    "wall_s": result.get("wall_s"),
                    "status": result.get("status"),
                    "cost": cost,
                    "why": why,
                    "best_known": best,
                    "best_proven": proven,
                    "gap_pct": gap_pct,
                    "peak_mb": round(peak_mb),
                    "checker": result.get("n_violations"),
                }
                rows.append(row)
                log(
                    f"  {gap.name:<9} {method:<8} cost={cost} best={best} "
                    f"gap={_pct(gap_pct)} wall={_secs(row['wall_s'])} {why}"
                )
    return rows


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}%"


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def table(rows: list[dict[str, Any]]) -> str:
    """Markdown: a line per problem, cost and gap per method, then a summary."""
    methods = list(dict.fromkeys(r["method"] for r in rows))
    by = {(r["instance"], r["method"]): r for r in rows}
    names = list(dict.fromkeys(r["instance"] for r in rows))
    head = ["instance", "m x n", "best known"]
    for m in methods:
        head += [f"{METHOD_LABELS.get(m, m)} cost", "gap"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        first = by[(name, methods[0])]
        best = first["best_known"]
        cells = [
            name,
            f"{first['agents']} x {first['jobs']}",
            "-" if best is None else f"{best}{'' if first['best_proven'] else '*'}",
        ]
        for m in methods:
            r = by.get((name, m))
            cost = r and r["cost"]
            cells += ["-" if cost is None else str(cost), _pct(r and r["gap_pct"])]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for m in methods:
        gaps = [r["gap_pct"] for r in rows if r["method"] == m]
        solved = [g for g in gaps if g is not None]
        within = sum(1 for g in solved if g <= 0.5)
        worst = max(solved) if solved else None
        mean = sum(solved) / len(solved) if solved else None
        lines.append(
            f"- {METHOD_LABELS.get(m, m)}: {len(solved)}/{len(gaps)} solved, "
            f"{within} within 0.5 % of the best known, mean gap {_pct(mean)}, "
            f"worst {_pct(worst)}"
        )
    lines.append("")
    lines.append("`*` best known, not proven optimal.")
    return "\n".join(lines)
