"""Lower bounds a user can read: the least uncovered fte and the fewest missing
backups that any plan with this staffing can have.

- Uncovered: a role nobody may hold is uncovered whole; a role whose candidates
  cannot together reach its fte (max_holders largest shares) is uncovered by the
  difference. The search adds the bound CP-SAT proves when full cover fails.
- Missing backups: a backups-only relaxation (eligibility, the backup duty cap, and
  one eligible colleague per covered role busy as its holder when every possible
  holder is also a possible backup), solved exactly by CP-SAT; it is a relaxation
  of the real problem, so its optimum is a valid lower bound.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..domain import AssignmentKind
from .eligibility import Facts
from .hints import set_hints
from .model import missing_goal
from .runner import wall_net

Pair = tuple[str, str]


@dataclass
class Bounds:
    """Proven lower bounds (units and counts) with the reason per role."""

    uncovered_critical: int = 0
    uncovered_other: int = 0
    missing_critical: int = 0
    missing_other: int = 0
    # missing backups per role in the relaxation, with why: "candidates" (too few
    # eligible colleagues) or "cap" (their backup duty is full)
    missing_by_role: dict[str, tuple[int, str]] = field(default_factory=dict)
    uncovered_by_role: dict[str, int] = field(default_factory=dict)
    exact: bool = True  # False when the relaxation ran out of time (bound only)

    @property
    def uncovered(self) -> int:
        return self.uncovered_critical + self.uncovered_other

    @property
    def missing(self) -> int:
        return self.missing_critical + self.missing_other


def structural_uncovered(facts: Facts) -> dict[str, int]:
    """Units of each role that no choice of holders can cover."""
    candidates: dict[str, list[int]] = defaultdict(list)
    for e, r in facts.holder_pairs:
        candidates[r].append(facts.max_share(e, r))
    forced: dict[str, int] = {}
    for r, role in facts.roles.items():
        best = sorted(candidates[r], reverse=True)[: role.max_holders]
        gap = role.fte - sum(best)
        if gap > 0:
            forced[r] = gap if best else role.fte
    return forced


def backup_candidates(facts: Facts) -> dict[str, list[str]]:
    pinned_holder = {
        (p.employee, p.role)
        for p in facts.instance.pins
        if p.kind != AssignmentKind.BACKUP
    }
    result: dict[str, list[str]] = defaultdict(list)
    for e, r in facts.backup_pairs:
        if (e, r) not in pinned_holder:
            result[r].append(e)
    return result


def lower_bounds(
    facts: Facts,
    *,
    assume_covered: bool = True,
    time_limit_s: float = 2.0,
    workers: int = 1,
    deterministic: bool = False,
    hint: set[Pair] | None = None,
) -> Bounds:
    """Lower bounds on uncovered fte and missing backups (critical first)."""
    bounds = Bounds()
    forced = structural_uncovered(facts)
    bounds.uncovered_by_role = forced
    for r, units in forced.items():
        if facts.roles[r].critical:
            bounds.uncovered_critical += units
        else:
            bounds.uncovered_other += units

    candidates = backup_candidates(facts)
    holder_candidates: dict[str, set[str]] = defaultdict(set)
    for e, r in facts.holder_pairs:
        holder_candidates[r].add(e)
    model = cp_model.CpModel()
    # backs[e, r]: e stands in for r in the relaxation
    backs = {
        (e, r): model.new_bool_var(f"backs[{e},{r}]")
        for r, people in candidates.items()
        if facts.roles[r].backups
        for e in people
    }
    per_role: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    per_employee: dict[str, list[cp_model.LinearExpr]] = defaultdict(list)
    for (e, r), var in backs.items():
        per_role[r].append(var)
        per_employee[e].append(facts.roles[r].fte * var)
    for e, loads in per_employee.items():
        model.add(sum(loads) <= facts.backup_cap(e))
    missing: dict[str, cp_model.IntVar] = {}
    structural: dict[str, int] = {}
    for r, role in facts.roles.items():
        if not role.backups:
            continue
        room = len(candidates[r])
        covered = r not in forced
        holders = holder_candidates[r]
        if assume_covered and covered and holders and holders <= set(candidates[r]):
            room -= 1  # one of them holds the role and cannot stand in for it
        structural[r] = max(role.backups - room, 0)
        missing[r] = model.new_int_var(0, role.backups, f"missing[{r}]")
        model.add(sum(per_role[r]) + missing[r] >= role.backups)
        model.add(sum(per_role[r]) <= max(room, 0))
    if hint is not None:
        set_hints(
            model, [(var, 1 if pair in hint else 0) for pair, var in backs.items()]
        )
    critical = sum(m for r, m in missing.items() if facts.roles[r].critical)
    other = sum(m for r, m in missing.items() if not facts.roles[r].critical)
    model.minimize(missing_goal(facts, critical, other))
    solver = cp_model.CpSolver()
    if deterministic:
        solver.parameters.max_deterministic_time = time_limit_s
        solver.parameters.max_time_in_seconds = wall_net(time_limit_s)
    else:
        solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status == cp_model.OPTIMAL:
        bounds.missing_critical = int(solver.value(critical))
        bounds.missing_other = int(solver.value(other))
        for r, var in missing.items():
            count = int(solver.value(var))
            if count:
                why = "candidates" if structural[r] >= count else "cap"
                bounds.missing_by_role[r] = (count, why)
    else:
        # not solved to the end: only the structural part is proven
        bounds.exact = False
        for r, count in structural.items():
            if count:
                if facts.roles[r].critical:
                    bounds.missing_critical += count
                else:
                    bounds.missing_other += count
                bounds.missing_by_role[r] = (count, "candidates")
    return bounds
