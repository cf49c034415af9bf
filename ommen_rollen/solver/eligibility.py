"""Who may do what: eligibility, forbids, effort and loads, computed once per instance.

Shared by the model, the greedy heuristic, the explanations and the vulnerability
analysis so that all of them apply the same rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

from ..domain import FTE_SCALE, AssignmentKind, Choice
from .instance import Employee, Instance, Role
from .shares import allowed_shares


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


def may_back_up(
    pair: tuple[str, str], holders: Mapping[tuple[str, str], int], learners: Set[Any]
) -> bool:
    """A backup neither holds nor learns the role it stands in for (the rule
    rules_hard.add_backup_is_not_holder puts in the model)."""
    return pair not in holders and pair not in learners


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
    # pinned_fte[e, r]: the fte of a holder pin with a share; pinned_units[r]: sum
    pinned_fte: dict[tuple[str, str], int] = field(default_factory=dict)
    pinned_units: dict[str, int] = field(default_factory=dict)

    @cached_property
    def holder_candidates(self) -> dict[str, list[str]]:
        """Per role, everyone who may hold it (in holder_pairs order; built on
        first use, holder_pairs must not change after)."""
        result: dict[str, list[str]] = {r: [] for r in self.roles}
        for e, r in self.holder_pairs:
            result[r].append(e)
        return result

    @cached_property
    def backup_candidates(self) -> dict[str, list[str]]:
        """Per role, everyone who may back it up (as holder_candidates)."""
        result: dict[str, list[str]] = {r: [] for r in self.roles}
        for e, r in self.backup_pairs:
            result[r].append(e)
        return result

    def forbids(self, employee: str, role: str, kind: str) -> bool:
        """A forbid of the instance keeps this employee from this kind of
        assignment of the role (no model variable exists for it)."""
        return (employee, role, kind) in self.forbidden

    def share_values(self, employee: str, role: str) -> list[int] | None:
        """The practical shares (shares.py) of a role this employee may hold; None
        when any unit is allowed (no step)."""
        r = self.roles[role]
        high = self.max_share(employee, role)
        if r.min_share == r.fte:
            return [r.fte] if r.fte <= high else []
        values = allowed_shares(
            r.fte,
            r.min_share,
            high,
            r.max_holders,
            self.instance.settings.split_step_minutes,
            self.pinned_units.get(role, 0),
        )
        pinned = self.pinned_fte.get((employee, role))
        if values is not None and pinned is not None and pinned not in values:
            values = sorted({*values, pinned})
        return values

    def holder_load(self, employee: str, role: str, share: int) -> Fraction:
        """Exact load (fte units) of holding ``share`` units of a role."""
        r = self.roles[role]
        effort = self.effort.get((employee, role))
        if effort is None:
            return Fraction(share)
        return Fraction(share * effort, r.fte)

    def holder_load_ceil(self, employee: str, role: str, share: int) -> int:
        effort = self.effort.get((employee, role))
        if effort is None:
            return share
        return ceil_div(share * effort, self.roles[role].fte)

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
        kinds = (f.kind,) if f.kind else tuple(AssignmentKind)
        for kind in kinds:
            facts.forbidden.add((f.employee, f.role, kind))
    facts.effort = {(x.employee, x.role): x.fte for x in instance.effort}
    for p in instance.preferences:
        # a bare score is also a choice: positive = want, negative = avoid
        facts.choice[(p.employee, p.role)] = p.effective_choice
        if p.score is not None:
            facts.score[(p.employee, p.role)] = p.score
    for pin in instance.pins:
        if pin.kind == AssignmentKind.HOLDER and pin.fte is not None:
            facts.pinned_fte[pin.employee, pin.role] = pin.fte
            facts.pinned_units[pin.role] = facts.pinned_units.get(pin.role, 0) + pin.fte
    pinned_learners = {
        (p.employee, p.role) for p in instance.pins if p.kind == AssignmentKind.LEARNER
    }
    order = {e.id: i for i, e in enumerate(instance.employees)}
    role_order = {r.id: i for i, r in enumerate(instance.roles)}
    pairs = sorted(
        qualified_pairs(instance), key=lambda p: (order[p[0]], role_order[p[1]])
    )
    for e_id, r_id in pairs:
        e, r = facts.employees[e_id], facts.roles[r_id]
        if not facts.forbids(e_id, r_id, AssignmentKind.HOLDER):
            # the smallest share must fit the employee's capacity
            if facts.holder_load_ceil(e_id, r_id, r.min_share) <= e.capacity:
                facts.holder_pairs.append((e_id, r_id))
        if not facts.forbids(e_id, r_id, AssignmentKind.BACKUP):
            facts.backup_pairs.append((e_id, r_id))
    learn_wishes = {pair for pair, c in facts.choice.items() if c == Choice.LEARN}
    for e_id, r_id in sorted(
        learn_wishes | pinned_learners, key=lambda p: (order[p[0]], role_order[p[1]])
    ):
        e, r = facts.employees[e_id], facts.roles[r_id]
        if (
            e.available
            and base_fits(e, r)
            and not facts.forbids(e_id, r_id, AssignmentKind.LEARNER)
            and instance.learner_units(r) <= e.capacity
        ):
            facts.learner_pairs.append((e_id, r_id))
    return facts


def qualified_pairs(instance: Instance) -> list[tuple[str, str]]:
    """(employee, role) for every available employee qualified for a role, found
    through an index of who has which competence level (not employees x roles)."""
    pairs: list[tuple[str, str]] = []
    for role_id, people in qualified_people(instance):
        pairs.extend((e_id, role_id) for e_id in people)
    return pairs


def qualified_people(instance: Instance) -> Iterator[tuple[str, set[str]]]:
    """(role id, the available employees qualified for it) for every role."""
    by_base: dict[str, set[str]] = {}
    at_least: dict[tuple[str, int], set[str]] = {}
    for e in instance.employees:
        if not e.available:
            continue
        by_base.setdefault(e.base_function, set()).add(e.id)
        for name, level in e.competences.items():
            for lower in range(1, level + 1):
                at_least.setdefault((name, lower), set()).add(e.id)
    for r in instance.roles:
        people: set[str] = set()
        for base in r.base_functions:
            people |= by_base.get(base, set())
        for name, level in sorted(r.requires.items()):
            if level > 0:
                people = people & at_least.get((name, level), set())
        yield r.id, people
