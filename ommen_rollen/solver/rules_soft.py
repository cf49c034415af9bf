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

from ..domain import AssignmentKind, Choice

Expr = cp_model.LinearExpr | int  # an affine expression or a constant

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
        if choice == Choice.WANT:
            missed[e].append(1 - holds)
        elif choice == Choice.LEARN:
            missed[e].append(1 - holds - s.learns.get((e, r), 0))
    return missed


def add_want(s: PlanModel) -> Term | None:
    """Soft: every want (graag) that is not held costs `want` once."""
    weight = s.facts.instance.weight("want")
    if not weight:
        return None
    expr = sum(
        1 - s.holds.get(pair, 0)
        for pair, c in s.facts.choice.items()
        if c == Choice.WANT
    )
    return _term("want", expr, weight)


def add_avoid(s: PlanModel) -> Term | None:
    """Soft: every avoided role (liever niet) that is held costs `avoid` once."""
    weight = s.facts.instance.weight("avoid")
    if not weight:
        return None
    expr = sum(
        s.holds.get(pair, 0) for pair, c in s.facts.choice.items() if c == Choice.AVOID
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
        if c == Choice.LEARN
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
        if p.kind == AssignmentKind.HOLDER
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
        if p.kind == AssignmentKind.BACKUP
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
