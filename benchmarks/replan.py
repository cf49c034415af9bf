"""``python -m benchmarks replan``: one long absence re-planned from a solved plan.

Per seed: generate an S instance (50 people, benchmarks/generate.py), solve it,
make the employee who holds the most fte absent, re-plan from the plan with
solver/replan.py, and measure the re-plan: wall seconds, CP-SAT deterministic time
(all attempts), people and hours changed, the roles of the absent person against
the other roles that changed, uncovered fte and missing backups. No assertion on
time: the table goes into docs/benchmarks.md with the machine it ran on.

Knock-on (solver/disruption.py, ``knock_on``): a changed holder share or backup
duty is knock-on when it lies on a chain from the absent person's roles (someone
took their work or backup duty over, gave up a role or duty for it, its new holder
gave up one in turn, ...); "outside the knock-on" counts the roles with a holder
change, the backup duties and the people with any change on no such chain.
"werkplannen changed" also counts backup duties: everyone who must agree again
(the absent person included, as in "people changed").
"fewest people (bound)" is a separate CP-SAT solve over everyone, not part of the
re-plan: the fewest people whose held roles change in any plan with no more
shortfall than the re-plan's, as "proven lower bound - best found" within
BOUND_S seconds.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from ommen_rollen.domain import FTE_SCALE
from ommen_rollen.solver import parse_instance, solve
from ommen_rollen.solver.candidate import Candidate
from ommen_rollen.solver.changes import Absence
from ommen_rollen.solver.checker import check_plan
from ommen_rollen.solver.disruption import knock_on, previous_shares
from ommen_rollen.solver.eligibility import facts_of
from ommen_rollen.solver.hints import hint_plan
from ommen_rollen.solver.instance import instance_to_json
from ommen_rollen.solver.model import build_plan_model
from ommen_rollen.solver.replan import disruption_summary, solve_from_plan

from .generate import generate

HOURS_PER_FTE = 36
APPROVED_BUDGET = 10.0  # deterministic time for the approved plan
BOUND_S = 5.0  # wall seconds for the bound on the fewest people changed


def least_gainers(instance: Any, load: dict[str, int], absent: str) -> int:
    """The fewest colleagues who must take on work: the smallest number whose
    spare fte in the approved plan adds up to the absent person's load (a lower
    bound on the people who gain a share when nothing is left uncovered)."""
    spare = sorted(
        (
            e.capacity - load.get(e.id, 0)
            for e in instance.employees
            if e.id != absent and e.available
        ),
        reverse=True,
    )
    need, count = load[absent], 0
    for room in spare:
        if need <= 0 or room <= 0:
            break
        need -= room
        count += 1
    return count


def fewest_people(target: Any, plan: Any, *, time_limit_s: float = BOUND_S) -> str:
    """ "LOWER-FOUND": the fewest people whose held roles change in any plan of
    ``target`` (the re-plan's instance) with no more shortfall than ``plan`` in any
    component, as CP-SAT's proven bound and its best plan within ``time_limit_s``
    (hinted with ``plan``); "-" without the disruption terms or a plan."""
    facts = facts_of(target)
    s = build_plan_model(facts)
    people = next((t.expr for t in s.terms if t.name == "disruption_people"), None)
    if people is None:
        return "-"
    reached = _candidate(plan)
    hint_plan(s, reached)
    model = s.model.clone()
    for expr, value in zip(
        s.shortfall().components(), reached.shortfall(facts), strict=True
    ):
        if not isinstance(expr, int):
            model.add(expr <= value)
    model.minimize(people)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "-"
    return f"{round(solver.best_objective_bound)}-{round(solver.objective_value)}"


def _candidate(plan: Any) -> Candidate:
    learners = {(a.employee, a.role) for a in plan.assignments if a.kind == "learner"}
    return Candidate(dict(_held(plan)), learners, _backups(plan))


def _backups(plan: Any) -> set[tuple[str, str]]:
    return {(a.employee, a.role) for a in plan.assignments if a.kind == "backup"}


def _held(plan: Any) -> dict[tuple[str, str], int]:
    held: dict[tuple[str, str], int] = defaultdict(int)
    for a in plan.assignments:
        if a.kind == "holder":
            held[a.employee, a.role] += a.fte or 0
    return held


def measure(
    seed: int, *, tier: str = "S", budget: float = 10.0, workers: int | None = None
) -> dict[str, Any]:
    instance = parse_instance(generate(tier, seed))
    # one worker: the same approved plan (and absent person) in every run and tree
    approved = solve(instance, time_limit_s=APPROVED_BUDGET, workers=1, seed=seed)
    before = _held(approved)
    load: dict[str, int] = defaultdict(int)
    for (e, _), share in before.items():
        load[e] += share
    absent = min(load, key=lambda e: (-load[e], e))
    target, plan = solve_from_plan(
        instance,
        approved,
        changes=[Absence(absent)],
        time_limit_s=budget,
        workers=workers,
        seed=seed,
    )
    violations = check_plan(instance_to_json(target), plan.to_json())
    after = _held(plan)
    changed_roles = {
        r
        for pair in set(before) | set(after)
        if before.get(pair) != after.get(pair)
        for r in [pair[1]]
    }
    absent_roles = {r for (e, r) in before if e == absent}
    summary = disruption_summary(target, plan)
    chain = knock_on(
        previous_shares(target),
        after,
        people=[absent],
        previous_backups=_backups(approved),
        backups=_backups(plan),
    )
    backups_changed = _backups(approved) ^ _backups(plan)
    werkplannen = set(summary["people"]) | {e for e, _ in backups_changed}
    return {
        "seed": seed,
        "absent": absent,
        "absent_fte": load[absent] / FTE_SCALE,
        "approved_status": approved.status,
        "wall_s": plan.metrics["replan_wall_s"],
        "deterministic_time": plan.metrics["deterministic_time"],
        "rings_tried": plan.metrics["replan_rings_tried"],
        "ring": plan.metrics.get("replan_ring"),
        "people_changed": len(summary["people"]),
        "least_gainers": least_gainers(instance, load, absent),
        "hours_changed": round(float(summary["fte"]) * HOURS_PER_FTE, 1),
        "absent_roles": len(absent_roles),
        "absent_roles_changed": len(changed_roles & absent_roles),
        "other_roles_changed": len(changed_roles - absent_roles),
        "roles_outside": len(chain.outside_roles),
        "people_outside": len(chain.outside_people),
        "backups_outside": len(chain.outside_backups),
        "backups_changed": len(backups_changed),
        "werkplannen_changed": len(werkplannen),
        "fewest_people": fewest_people(target, plan),
        "uncovered_fte": plan.metrics["uncovered_fte"],
        "uncovered_critical_fte": plan.metrics["uncovered_critical_fte"],
        "missing_backups": plan.metrics["missing_backups"],
        "checker": "ok" if not violations else f"{len(violations)} violations",
    }


COLUMNS = (
    ("seed", "seed"),
    ("absent", "absent"),
    ("absent_fte", "their fte"),
    ("wall_s", "wall s"),
    ("deterministic_time", "det. time"),
    ("rings_tried", "rings tried"),
    ("ring", "ring"),
    ("people_changed", "people changed"),
    ("fewest_people", "fewest people (bound)"),
    ("least_gainers", "fewest who must gain"),
    ("hours_changed", "hours changed"),
    ("absent_roles_changed", "their roles changed"),
    ("other_roles_changed", "other roles changed"),
    ("roles_outside", "roles outside the knock-on"),
    ("people_outside", "people outside the knock-on"),
    ("backups_changed", "backup duties changed"),
    ("backups_outside", "of which outside"),
    ("werkplannen_changed", "werkplannen changed"),
    ("uncovered_fte", "uncovered fte"),
    ("uncovered_critical_fte", "of which critical"),
    ("missing_backups", "missing backups"),
    ("checker", "checker"),
)


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| " + " | ".join(label for _, label in COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        cells = []
        for key, _ in COLUMNS:
            value = row[key]
            if key == "absent_roles_changed":
                value = f"{value} of {row['absent_roles']}"
            cells.append(str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(seeds: list[int], budget: float, workers: int | None) -> int:
    rows = [measure(seed, budget=budget, workers=workers) for seed in seeds]
    print(table(rows))
    return 0
