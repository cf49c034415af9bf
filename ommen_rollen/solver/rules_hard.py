"""Hard rules: one add_<rule>() per rule. None of them has a penalty; coverage and
backup shortfalls are explicit slack variables (``uncovered``, ``missing``) that the
search first fixes at their lower bound and only then, if that fails, minimises, so a
plan always exists unless pins contradict each other.

Eligibility (rompfunctie, competence levels, availability, room for the smallest
share) and forbids are not constraints here: the model has no variable for a pair
that may not hold, back up or learn a role (eligibility.facts_of, with the
predicates qualified, base_fits, missing_competences and Facts.forbids that the
greedy, the explanations and the diagnostics use too). A backup is not the holder
is add_backup_is_not_holder here and eligibility.may_back_up outside the model."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..domain import AssignmentKind
from .shares import off_grid

Expr = cp_model.LinearExpr | int  # an affine expression or a constant

if TYPE_CHECKING:
    from .model import BackupModel, PlanModel


def add_share_bounds(s: PlanModel) -> None:
    """Hard: a holder's share lies in [min_share, role fte]; no holder, no share."""
    for (e, r), holds in s.holds.items():
        role = s.facts.roles[r]
        if role.min_share == role.fte:
            continue  # share is role.fte * holds by construction
        s.model.add(s.share[e, r] >= role.min_share).only_enforce_if(holds)
        s.model.add(s.share[e, r] == 0).only_enforce_if(~holds)
        s.model.add(s.share[e, r] <= s.facts.max_share(e, r) * holds)


def add_split_steps(s: PlanModel) -> None:
    """Hard: shares of a split role are whole steps (shares.py); at most one share
    per role, the remainder, is off the step grid. Pinned shares are exempt."""
    step = s.facts.instance.settings.split_step_minutes
    if step <= 0:
        return
    pinned = {
        (p.employee, p.role)
        for p in s.facts.instance.pins
        if p.kind == AssignmentKind.HOLDER
    }
    per_role: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for (e, r), share in s.share.items():
        role = s.facts.roles[r]
        if not isinstance(share, cp_model.IntVar) or (e, r) in pinned:
            continue
        values = s.facts.share_values(e, r)
        on_grid = [
            v for v in values or () if not off_grid(v, role.fte, role.max_holders, step)
        ]
        if values is None or len(on_grid) == len(values):
            continue
        rest = s.model.new_bool_var(f"remainder[{e},{r}]")
        s.remainder[e, r] = rest
        s.all_vars.append(rest)
        s.model.add_linear_expression_in_domain(
            share, cp_model.Domain.from_values([0, *on_grid])
        ).only_enforce_if(~rest)
        per_role[r].append(rest)
    for rests in per_role.values():
        if len(rests) > 1:
            s.model.add(sum(rests) <= 1)


def add_coverage(s: PlanModel) -> None:
    """Hard: holders' shares plus the named uncovered slack equal the role's fte."""
    shares: dict[str, list[Expr]] = defaultdict(list)
    for (_, r), share in s.share.items():
        shares[r].append(share)
    for r, role in s.facts.roles.items():
        s.model.add(sum(shares[r]) + s.uncovered[r] == role.fte)


def add_max_holders(s: PlanModel) -> None:
    """Hard: at most max_holders holders per role."""
    holders: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for (_, r), holds in s.holds.items():
        holders[r].append(holds)
    for r, role in s.facts.roles.items():
        if len(holders[r]) > role.max_holders:
            s.model.add(sum(holders[r]) <= role.max_holders)


def add_capacity(s: PlanModel) -> None:
    """Hard: holder load (with effort) plus learner load <= fte - reserved_fte."""
    loads: dict[str, list[Expr]] = defaultdict(list)
    for (e, _), load in s.load.items():
        loads[e].append(load)
    for (e, r), learns in s.learns.items():
        loads[e].append(s.facts.instance.learner_units(s.facts.roles[r]) * learns)
    for e, terms in loads.items():
        s.model.add(sum(terms) <= s.facts.employees[e].capacity)


def add_learner_needs_mentor(s: PlanModel) -> None:
    """Hard: a learner has a mentor who holds the role, and never holds it too."""
    holders: dict[str, list[str]] = defaultdict(list)
    for h, r in s.holds:
        holders[r].append(h)
    for (e, r), learns in s.learns.items():
        mentors = [h for h in holders[r] if h != e]
        if not mentors:
            s.model.add(learns == 0)
            continue
        s.model.add(sum(s.holds[h, r] for h in mentors) >= learns)
        if (e, r) in s.holds:
            s.model.add(s.holds[e, r] + learns <= 1)


def add_max_roles(s: PlanModel) -> None:
    """Hard: distinct roles held or learnt <= max_roles (standing in as a backup is
    bounded by max_backup_share instead)."""
    per_employee: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for (e, _), holds in s.holds.items():
        per_employee[e].append(holds)
    for (e, _), learns in s.learns.items():
        per_employee[e].append(learns)
    for e, variables in per_employee.items():
        cap = s.facts.employees[e].max_roles
        if cap is not None and len(variables) > cap:
            s.model.add(sum(variables) <= cap)


def add_holder_pins(s: PlanModel, *, diagnose: bool) -> None:
    """Hard: pinned holders (with their fte) and learners hold; a pinned backup is
    neither holder nor learner of that role. With ``diagnose`` every pin is enforced
    by a literal, so CP-SAT can name the pins that contradict each other."""
    for i, pin in enumerate(s.facts.instance.pins):
        pair = (pin.employee, pin.role)
        constraints: list[cp_model.Constraint] = []
        if pin.kind == AssignmentKind.HOLDER:
            if pair not in s.holds:
                constraints.append(s.model.add_bool_or([]))  # cannot hold at all
            else:
                constraints.append(s.model.add(s.holds[pair] == 1))
                if pin.fte is not None:
                    constraints.append(s.model.add(s.share[pair] == pin.fte))
        elif pin.kind == AssignmentKind.LEARNER:
            if pair not in s.learns:
                constraints.append(s.model.add_bool_or([]))
            else:
                constraints.append(s.model.add(s.learns[pair] == 1))
        else:
            if pair in s.holds:
                constraints.append(s.model.add(s.holds[pair] == 0))
            if pair in s.learns:
                constraints.append(s.model.add(s.learns[pair] == 0))
        if diagnose and constraints:
            literal = s.model.new_bool_var(f"pin[{i}]")
            s.pin_literal[i] = literal
            for constraint in constraints:
                constraint.only_enforce_if(literal)


def add_backup_is_not_holder(s: PlanModel) -> None:
    """Hard: a backup neither holds nor learns the role it stands in for."""
    for pair, backs in s.backs.items():
        if pair in s.holds:
            s.model.add(backs + s.holds[pair] <= 1)
        if pair in s.learns:
            s.model.add(backs + s.learns[pair] <= 1)


def add_backup_count(s: PlanModel | BackupModel) -> None:
    """Hard: each role gets `backups` backups; the named `missing` slack says how
    many it lacks (pinned extra backups are allowed). A role without backups has
    no backup variables (model.add_backup_variables)."""
    per_role: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for (_, r), backs in s.backs.items():
        per_role[r].append(backs)
    pinned: dict[str, int] = defaultdict(int)
    for p in s.facts.instance.pins:
        if p.kind == AssignmentKind.BACKUP:
            pinned[p.role] += 1
    for r, missing in s.missing.items():
        role = s.facts.roles[r]
        s.model.add(sum(per_role[r]) + missing >= role.backups)
        if len(per_role[r]) > max(role.backups, pinned[r]):
            s.model.add(sum(per_role[r]) <= max(role.backups, pinned[r]))


def add_backup_load(s: PlanModel | BackupModel) -> None:
    """Hard: sum of the fte of the roles someone backs up <= max_backup_share x
    their available fte."""
    per_employee: dict[str, list[Expr]] = defaultdict(list)
    for (e, r), backs in s.backs.items():
        per_employee[e].append(s.facts.roles[r].fte * backs)
    for e, terms in per_employee.items():
        s.model.add(sum(terms) <= s.facts.backup_cap(e))


def add_backup_pins(s: PlanModel | BackupModel, *, diagnose: bool) -> None:
    """Hard: pinned backups back up their role."""
    for i, pin in enumerate(s.facts.instance.pins):
        if pin.kind != AssignmentKind.BACKUP:
            continue
        pair = (pin.employee, pin.role)
        if pair in s.backs:
            constraint = s.model.add(s.backs[pair] == 1)
        else:
            constraint = s.model.add_bool_or([])
        if diagnose:
            literal = s.model.new_bool_var(f"pin[{i}]")
            s.pin_literal[i] = literal
            constraint.only_enforce_if(literal)
