"""Soft rules: per labelled term (names and weights in weights.py) its model
encoding, add_<rule>(), next to its count in a finished plan, count_<rule>().

add_<rule>() returns a Term whose expression counts the raw amount (wishes, roles,
units); the objective multiplies it by the term's weight. A weight of 0 leaves the
term out of the model (it still shows, as 0, in evaluate_plan). Wishes for pairs the
model has no variable for (ineligible, forbidden, full) count as constants: the cost
is honest even when nothing can be done about it.

count_<rule>() counts the same amount in a plan given as holders (share units),
learners and backups, without CP-SAT; evaluate.raw_terms adds them up (COUNTS), so a
plan from anywhere (the greedy, the previous period) is valued like the model's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..domain import TENTH_FTE, AssignmentKind, Choice
from .disruption import (
    changed_people,
    changed_units,
    previous_backups,
    previous_shares,
    takeovers,
)
from .eligibility import ceil_div

Expr = cp_model.LinearExpr | int  # an affine expression or a constant
Pair = tuple[str, str]

if TYPE_CHECKING:
    from .eligibility import Facts
    from .model import BackupModel, PlanModel, Term

# count(facts, holders, learners, backups): the raw amount of a term in a plan
Count = Callable[["Facts", dict[Pair, int], set[Pair], set[Pair]], int]


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


def _missed_counts(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair]
) -> dict[str, int]:
    """Per employee with any: wants not held plus learn wishes neither held nor
    learnt (what _missed_wants expresses in the model)."""
    missed: dict[str, int] = defaultdict(int)
    for (e, r), choice in facts.choice.items():
        held = (e, r) in holders
        if choice == "want" and not held:
            missed[e] += 1
        elif choice == "learn" and not held and (e, r) not in learners:
            missed[e] += 1
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


def count_want(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    return sum(
        1 for pair, c in facts.choice.items() if c == "want" and pair not in holders
    )


def add_avoid(s: PlanModel) -> Term | None:
    """Soft: every avoided role (liever niet) that is held costs `avoid` once."""
    weight = s.facts.instance.weight("avoid")
    if not weight:
        return None
    expr = sum(
        s.holds.get(pair, 0) for pair, c in s.facts.choice.items() if c == Choice.AVOID
    )
    return _term("avoid", expr, weight)


def count_avoid(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    return sum(
        1 for pair, c in facts.choice.items() if c == "avoid" and pair in holders
    )


def add_score(s: PlanModel) -> Term | None:
    """Soft: a held role costs minus its preference score (scaled by `score`)."""
    weight = s.facts.instance.weight("score")
    if not weight or not s.facts.score:
        return None
    expr = sum(-score * s.holds.get(pair, 0) for pair, score in s.facts.score.items())
    return _term("score", expr, weight)


def count_score(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    return -sum(score for pair, score in facts.score.items() if pair in holders)


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


def count_learn(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    return sum(
        1
        for pair, c in facts.choice.items()
        if c == "learn" and pair not in holders and pair not in learners
    )


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


def count_holder_continuity(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    return sum(
        1
        for p in facts.instance.previous
        if p.kind == "holder" and (p.employee, p.role) not in holders
    )


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


def count_fairness(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    return max(_missed_counts(facts, holders, learners).values(), default=0)


def add_fragments(s: PlanModel) -> Term | None:
    """Soft: every holder assignment costs `fragments`: whole roles, few pieces."""
    weight = s.facts.instance.weight("fragments")
    if not weight:
        return None
    return _term("fragments", sum(s.holds.values()), weight)


def count_fragments(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    return len(holders)


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


def count_backup_continuity(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    return sum(
        1
        for p in facts.instance.previous
        if p.kind == "backup" and (p.employee, p.role) not in backups
    )


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
    worst = s.model.new_int_var(0, ceil_div(top, TENTH_FTE), "worst_stand_in")
    s.all_vars.append(worst)
    for terms in stand_in.values():
        s.model.add(TENTH_FTE * worst >= sum(terms))
    return _term("backup_spread", worst, weight)


def count_backup_spread(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    held_by: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (h, r), share in holders.items():
        held_by[r].append((h, share))
    stand_in: dict[tuple[str, str], int] = defaultdict(int)
    for b, r in backups:
        for h, share in held_by[r]:
            stand_in[h, b] += share
    return ceil_div(max(stand_in.values(), default=0), TENTH_FTE)


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


def count_disruption_fte(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    return changed_units(previous_shares(facts.instance), holders)


def count_disruption_people(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    return len(changed_people(previous_shares(facts.instance), holders))


def count_takeover(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> int:
    instance = facts.instance
    return takeovers(previous_shares(instance), previous_backups(instance), holders)


COUNTS: tuple[tuple[str, Count], ...] = (
    ("want", count_want),
    ("avoid", count_avoid),
    ("score", count_score),
    ("learn", count_learn),
    ("continuity", count_holder_continuity),
    ("fairness", count_fairness),
    ("fragments", count_fragments),
    ("continuity", count_backup_continuity),
    ("backup_spread", count_backup_spread),
    ("disruption_fte", count_disruption_fte),
    ("disruption_people", count_disruption_people),
    ("takeover", count_takeover),
)
"""Every soft term's count, by term name (continuity counts holders and backups)."""
