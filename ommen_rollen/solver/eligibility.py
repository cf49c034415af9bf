"""Who may do what: eligibility, forbids, effort and loads, computed once per instance.

Shared by the model, the greedy heuristic, the explanations and the vulnerability
analysis so that all of them apply the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..domain import FTE_SCALE
from .instance import Employee, Instance, Role


def missing_competences(employee: Employee, role: Role) -> list[tuple[str, int, int]]:
    """(competence, required level, own level) for every requirement not met."""
    return [
        (name, level, employee.competences.get(name, 0))
        for name, level in sorted(role.requires.items())
        if employee.competences.get(name, 0) < level
    ]


def base_fits(employee: Employee, role: Role) -> bool:
    """The employee's rompfunctie is one of the role's."""
    return employee.base_function in role.base_functions


def qualified(employee: Employee, role: Role) -> bool:
    """Rompfunctie and every competence level fit (availability aside)."""
    return base_fits(employee, role) and not missing_competences(employee, role)


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass
class Facts:
    """Precomputed lookups of one instance; pairs are (employee id, role id)."""

    instance: Instance
    employees: dict[str, Employee] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    forbidden: set[tuple[str, str, str]] = field(default_factory=set)
    effort: dict[tuple[str, str], int] = field(default_factory=dict)
    choice: dict[tuple[str, str], str] = field(default_factory=dict)
    score: dict[tuple[str, str], int] = field(default_factory=dict)
    holder_pairs: list[tuple[str, str]] = field(default_factory=list)
    backup_pairs: list[tuple[str, str]] = field(default_factory=list)
    learner_pairs: list[tuple[str, str]] = field(default_factory=list)

    def holder_load(self, employee: str, role: str, share: int) -> Fraction:
        """Exact load (fte units) of holding ``share`` units of a role."""
        r = self.roles[role]
        effort = self.effort.get((employee, role))
        if effort is None:
            return Fraction(share)
        return Fraction(share * effort, r.fte)

    def holder_load_ceil(self, employee: str, role: str, share: int) -> int:
        load = self.holder_load(employee, role, share)
        return ceil_div(load.numerator, load.denominator)

    def max_share(self, employee: str, role: str) -> int:
        """The largest share of a role that fits the employee's capacity (effort)."""
        r, capacity = self.roles[role], self.employees[employee].capacity
        effort = self.effort.get((employee, role))
        fits = capacity if effort is None else capacity * r.fte // effort
        return max(min(r.fte, fits), r.min_share)

    def backup_cap(self, employee: str) -> int:
        """Units of role fte an employee may back up: max_backup_share x contract fte
        (0 when unavailable)."""
        e = self.employees[employee]
        share = self.instance.settings.max_backup_share
        return (share * e.fte) // FTE_SCALE if e.available else 0


def facts_of(instance: Instance) -> Facts:
    """Compute the lookups and the candidate pairs of every assignment kind."""
    facts = Facts(instance)
    facts.employees = instance.employee_by_id
    facts.roles = instance.role_by_id
    for f in instance.forbid:
        kinds = (f.kind,) if f.kind else ("holder", "backup", "learner")
        for kind in kinds:
            facts.forbidden.add((f.employee, f.role, kind))
    facts.effort = {(x.employee, x.role): x.fte for x in instance.effort}
    for p in instance.preferences:
        # a bare score is also a choice: positive = want, negative = avoid
        facts.choice[(p.employee, p.role)] = p.effective_choice
        if p.score is not None:
            facts.score[(p.employee, p.role)] = p.score
    pinned_learners = {
        (p.employee, p.role) for p in instance.pins if p.kind == "learner"
    }
    for e in instance.employees:
        if not e.available:
            continue
        for r in instance.roles:
            pair = (e.id, r.id)
            if qualified(e, r):
                if (e.id, r.id, "holder") not in facts.forbidden:
                    # the smallest share must fit the employee's capacity
                    if facts.holder_load_ceil(e.id, r.id, r.min_share) <= e.capacity:
                        facts.holder_pairs.append(pair)
                if (e.id, r.id, "backup") not in facts.forbidden:
                    facts.backup_pairs.append(pair)
            wants_to_learn = facts.choice.get(pair) == "learn"
            if (
                (wants_to_learn or pair in pinned_learners)
                and base_fits(e, r)
                and (e.id, r.id, "learner") not in facts.forbidden
                and instance.learner_units(r) <= e.capacity
            ):
                facts.learner_pairs.append(pair)
    return facts
