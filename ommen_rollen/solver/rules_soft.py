"""Soft rules: one add_<rule>() per labelled term (names and weights in weights.py).

Each returns a Term whose expression counts the raw amount (wishes, roles, units);
the objective multiplies it by the term's weight. A weight of 0 leaves the term out
of the model (it still shows, as 0, in evaluate_plan). Wishes for pairs the model
has no variable for (ineligible, forbidden, full) count as constants: the cost is
honest even when nothing can be done about it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from .disruption import previous_backups, previous_shares

Expr = cp_model.LinearExpr | int  # an affine expression or a constant
Pair = tuple[str, str]

if TYPE_CHECKING:
    from .model import BackupModel, PlanModel, Term


def _term(name: str, expr: Expr, weight: int) -> Term:
    from .model import Term

    return Term(name, expr, weight)


def _missed_wants(s: PlanModel) -> dict[str, list[Expr]]:
    """Per employee: 1 - holds for every want, 1 - learns - holds for every learn."""
    missed: dict[str, list[Expr]] = defaultdict(list)
    for (e, r), choice in s.facts.choice.items():
        holds = s.holds.get((e, r), 0)
        if choice == "want":
            missed[e].append(1 - holds)
        elif choice == "learn":
            missed[e].append(1 - holds - s.learns.get((e, r), 0))
    return missed


def add_want(s: PlanModel) -> Term | None:
    """Soft: every want (graag) that is not held costs `want` once."""
    weight = s.facts.instance.weight("want")
    if not weight:
        return None
    expr = sum(
        1 - s.holds.get(pair, 0) for pair, c in s.facts.choice.items() if c == "want"
    )
    return _term("want", expr, weight)


def add_avoid(s: PlanModel) -> Term | None:
    """Soft: every avoided role (liever niet) that is held costs `avoid` once."""
    weight = s.facts.instance.weight("avoid")
    if not weight:
        return None
    expr = sum(
        s.holds.get(pair, 0) for pair, c in s.facts.choice.items() if c == "avoid"
    )
    return _term("avoid", expr, weight)


def add_score(s: PlanModel) -> Term | None:
    """Soft: a held role costs minus its preference score (scaled by `score`)."""
    weight = s.facts.instance.weight("score")
    if not weight or not s.facts.score:
        return None
    expr = sum(-score * s.holds.get(pair, 0) for pair, score in s.facts.score.items())
    return _term("score", expr, weight)


def add_learn(s: PlanModel) -> Term | None:
    """Soft: every learn wish (wil ik leren) that is neither a learner assignment
    nor held costs `learn` once."""
    weight = s.facts.instance.weight("learn")
    if not weight:
        return None
    expr = sum(
        1 - s.holds.get(pair, 0) - s.learns.get(pair, 0)
        for pair, c in s.facts.choice.items()
        if c == "learn"
    )
    return _term("learn", expr, weight)


def add_holder_continuity(s: PlanModel) -> Term | None:
    """Soft: every previous holder assignment not held again costs `continuity`."""
    weight = s.facts.instance.weight("continuity")
    if not weight:
        return None
    expr = sum(
        1 - s.holds.get((p.employee, p.role), 0)
        for p in s.facts.instance.previous
        if p.kind == "holder"
    )
    return _term("continuity", expr, weight)


def add_fairness(s: PlanModel) -> Term | None:
    """Soft: the largest number of unfulfilled wishes (want + learn) of any one
    employee costs `fairness` per wish, so the least satisfied employee counts."""
    weight = s.facts.instance.weight("fairness")
    missed = _missed_wants(s)
    if not weight or not missed:
        return None
    worst = s.model.new_int_var(0, max(len(v) for v in missed.values()), "worst_missed")
    s.all_vars.append(worst)
    for terms in missed.values():
        s.model.add(worst >= sum(terms))
    return _term("fairness", worst, weight)


def add_fragments(s: PlanModel) -> Term | None:
    """Soft: every holder assignment costs `fragments`: whole roles, few pieces."""
    weight = s.facts.instance.weight("fragments")
    if not weight:
        return None
    return _term("fragments", sum(s.holds.values()), weight)


def add_backup_continuity(s: PlanModel | BackupModel) -> Term | None:
    """Soft: every previous backup assignment not repeated costs `continuity`."""
    weight = s.facts.instance.weight("continuity")
    if not weight:
        return None
    expr = sum(
        1 - s.backs.get((p.employee, p.role), 0)
        for p in s.facts.instance.previous
        if p.kind == "backup"
    )
    return _term("continuity", expr, weight)


def add_backup_spread(s: BackupModel) -> Term | None:
    """Soft: the largest share of one person's held work that one colleague stands
    in for, per started 0.1 fte, costs `backup_spread` per unit."""
    weight = s.facts.instance.weight("backup_spread")
    if not weight or not s.backs:
        return None
    held_by: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (h, r), share in s.holders.items():
        held_by[r].append((h, share))
    stand_in: dict[tuple[str, str], list[Expr]] = defaultdict(list)
    for (b, r), backs in s.backs.items():
        for h, share in held_by[r]:
            stand_in[h, b].append(share * backs)
    if not stand_in:
        return None
    top = max(sum(s.holders.values()), 1)  # units; worst counts started 0.1 fte
    worst = s.model.new_int_var(0, -(-top // 1000), "worst_stand_in")
    s.all_vars.append(worst)
    for terms in stand_in.values():
        s.model.add(1000 * worst >= sum(terms))
    return _term("backup_spread", worst, weight)


def _changed_shares(s: PlanModel) -> dict[Pair, Expr]:
    """Per pair in the previous plan or the model: |share - previous share|, as a
    variable where the model decides it, as a constant where it cannot (the
    employee is absent, no longer eligible, or the role has no variable)."""
    if s.changed_shares is not None:
        return s.changed_shares
    previous = previous_shares(s.facts.instance)
    changed: dict[Pair, Expr] = {}
    for pair in sorted(set(previous) | set(s.holds)):
        before = previous.get(pair, 0)
        share = s.share.get(pair)
        if share is None:
            changed[pair] = before
        elif before == 0:
            changed[pair] = share
        else:
            high = max(before, s.facts.roles[pair[1]].fte)
            diff = s.model.new_int_var(0, high, f"changed[{pair[0]},{pair[1]}]")
            s.all_vars.append(diff)
            s.model.add(diff >= share - before)
            s.model.add(diff >= before - share)
            changed[pair] = diff
    s.changed_shares = changed
    return changed


def add_disruption_fte(s: PlanModel) -> Term | None:
    """Soft: every fte unit of a holder share changed against the previous plan
    (lost or gained, per employee and role) costs `disruption_fte`."""
    weight = s.facts.instance.weight("disruption_fte")
    if not weight:
        return None
    return _term("disruption_fte", sum(_changed_shares(s).values()), weight)


def add_disruption_people(s: PlanModel) -> Term | None:
    """Soft: every employee whose held roles or shares change at all costs
    `disruption_people`."""
    weight = s.facts.instance.weight("disruption_people")
    if not weight:
        return None
    by_employee: dict[str, list[tuple[Pair, Expr]]] = defaultdict(list)
    for pair, diff in _changed_shares(s).items():
        by_employee[pair[0]].append((pair, diff))
    total: list[Expr] = []
    for e, diffs in sorted(by_employee.items()):
        if any(isinstance(d, int) and d > 0 for _, d in diffs):
            total.append(1)  # a change the model cannot undo
            continue
        changed = s.model.new_bool_var(f"person_changed[{e}]")
        s.all_vars.append(changed)
        for (_, r), diff in diffs:
            if isinstance(diff, int):
                continue
            high = max(s.facts.roles[r].fte, 1)
            s.model.add(diff <= high * changed)
        total.append(changed)
    return _term("disruption_people", sum(total), weight)


def add_takeover(s: PlanModel) -> Term | None:
    """Soft: every new holder assignment by someone who was not a backup of that
    role in the previous plan costs `takeover` (vervangers first in line)."""
    weight = s.facts.instance.weight("takeover")
    if not weight:
        return None
    previous = previous_shares(s.facts.instance)
    backups = previous_backups(s.facts.instance)
    expr = sum(
        holds
        for pair, holds in s.holds.items()
        if pair not in previous and pair not in backups
    )
    return _term("takeover", expr, weight)
