"""A repair round's own small model: the freed people, the roles they touch and
everyone else in those roles, fixed.

A round that frees a few people cannot change anyone else, and a fixed person
matters to the round only in the roles the freed people could touch: a role is
touched when a freed person holds, learns or backs it up, or may take it on
because it is still short (a role that is fully covered and backed up by fixed
people has no room for anyone else). The sub-model holds the freed people's
candidate pairs in those roles and, fixed at the plan, every assignment anyone else
has in them; every rule over an employee (capacity, roles, backup duty) sees all of
a freed person's assignments and every rule over a role (coverage, holders,
remainder, mentor, backups) all of its assignments. So the round searches exactly
what a copy of the whole model with everyone else fixed would, in a model whose
size depends on the neighbourhood, not on the organisation (600 people: about 1,500
variables against 100,000; the whole copy also did not get through presolve in a
round's time at 2,000 people).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from .candidate import Candidate
from .eligibility import Facts
from .hints import hint_backups, hint_plan
from .instance import Assignment, Effort, Forbid, Instance, Preference
from .model import (
    BackupModel,
    LinearExpr,
    PlanModel,
    build_backup_model,
    build_plan_model,
)

Pair = tuple[str, str]
Lacking = tuple[dict[str, int], dict[str, int]]  # Candidate.lacking


def sub_instance(
    instance: Instance, people: set[str], roles: set[str], *, name: str
) -> Instance:
    """The instance restricted to these employees and roles."""

    def inside(x: Preference | Assignment | Forbid | Effort) -> bool:
        return x.employee in people and x.role in roles

    return replace(
        instance,
        name=name,
        employees=tuple(e for e in instance.employees if e.id in people),
        roles=tuple(r for r in instance.roles if r.id in roles),
        preferences=tuple(p for p in instance.preferences if inside(p)),
        previous=tuple(p for p in instance.previous if inside(p)),
        pins=tuple(p for p in instance.pins if inside(p)),
        forbid=tuple(f for f in instance.forbid if inside(f)),
        effort=tuple(x for x in instance.effort if inside(x)),
    )


def restricted(plan: Candidate, part: Facts) -> Candidate:
    """``plan``'s assignments inside ``part`` (its people and roles)."""

    def inside(pair: Pair) -> bool:
        return pair[0] in part.employees and pair[1] in part.roles

    return Candidate(
        {pair: share for pair, share in plan.holders.items() if inside(pair)},
        {pair for pair in plan.learners if inside(pair)},
        {pair for pair in plan.backups if inside(pair)},
    )


class CandidatePairs:
    """The organisation's candidate pairs by employee and kind, built once per
    repair."""

    def __init__(self, facts: Facts) -> None:
        self.holder: dict[str, list[Pair]] = defaultdict(list)
        self.learner: dict[str, list[Pair]] = defaultdict(list)
        self.backup: dict[str, list[Pair]] = defaultdict(list)
        for index, pairs in (
            (self.holder, facts.holder_pairs),
            (self.learner, facts.learner_pairs),
            (self.backup, facts.backup_pairs),
        ):
            for pair in pairs:
                index[pair[0]].append(pair)


@dataclass
class SubModel:
    """A round's model and what it needs to read its solution back."""

    s: PlanModel | BackupModel
    freed: set[str]
    # the plan's shortfall components (candidate.py's order) outside the sub-model
    # (with a backup model: all uncovered work, the holders are fixed)
    outside: tuple[int, int, int, int]

    def organisation_totals(self) -> tuple[LinearExpr, LinearExpr]:
        """The organisation's uncovered units and missing backups as expressions
        over the sub-model (for the progress of a round)."""
        uncovered = self.outside[0] + self.outside[1]
        missing = self.outside[2] + self.outside[3]
        inside = self.s.uncovered.values() if isinstance(self.s, PlanModel) else ()
        return (
            uncovered + sum(inside),
            missing + sum(self.s.missing.values()),
        )

    def shortfall_of(self, solver: cp_model.CpSolver) -> tuple[int, int, int, int]:
        """The whole plan's shortfall components with the round's solution."""
        inside = [int(solver.value(x)) for x in self.s.shortfall().components()]
        a, b, c, d = (o + i for o, i in zip(self.outside, inside, strict=True))
        return a, b, c, d


def touched_roles(
    facts: Facts,
    plan: Candidate,
    freed: set[str],
    pairs: CandidatePairs,
    short: set[str],
    *,
    backups_only: bool = False,
) -> set[str]:
    """The roles a freed person holds, learns or backs up or is pinned to, and the
    short roles one may take on (``backups_only``: the roles they back up and the
    short roles they may back up)."""
    roles = {r for e, r in plan.backups if e in freed}
    roles.update(p.role for p in facts.instance.pins if p.employee in freed)
    indexes = [pairs.backup]
    if not backups_only:
        roles.update(r for e, r in plan.holders if e in freed)
        roles.update(r for e, r in plan.learners if e in freed)
        indexes += [pairs.holder, pairs.learner]
    for e in freed:
        for index in indexes:
            roles.update(r for _, r in index.get(e, ()) if r in short)
    return roles


def build_sub_model(
    facts: Facts,
    pairs: CandidatePairs,
    plan: Candidate,
    freed: set[str],
    lacking: Lacking,
    *,
    backups_only: bool = False,
) -> SubModel:
    """The round's model, with everyone but ``freed`` fixed at ``plan`` and
    hinted with ``plan`` (no soft terms: a repair round minimises the shortfall);
    ``lacking`` is ``plan.lacking(facts)``. With ``backups_only`` the freed
    people's backups alone change (a backup model with every holder fixed: rounds
    that free many more people in the same time)."""
    uncovered, missing = lacking
    short = {r for r in facts.roles if uncovered[r] or missing[r]}
    roles = touched_roles(facts, plan, freed, pairs, short, backups_only=backups_only)
    fixed_holders = [p for p in plan.holders if p[1] in roles and p[0] not in freed]
    fixed_learners = [p for p in plan.learners if p[1] in roles and p[0] not in freed]
    fixed_backups = [p for p in plan.backups if p[1] in roles and p[0] not in freed]
    people = set(freed)
    people.update(e for e, _ in (*fixed_holders, *fixed_learners, *fixed_backups))
    sub = Facts(
        sub_instance(facts.instance, people, roles, name=facts.instance.name),
        forbidden=facts.forbidden,
        effort=facts.effort,
        choice=facts.choice,
        score=facts.score,
        pinned_fte=facts.pinned_fte,
        pinned_units=facts.pinned_units,
    )
    sub.employees = {e: facts.employees[e] for e in people}
    sub.roles = {r: facts.roles[r] for r in roles}

    def free_pairs(index: dict[str, list[Pair]]) -> list[Pair]:
        return [p for e in sorted(freed) for p in index.get(e, ()) if p[1] in roles]

    sub.holder_pairs = free_pairs(pairs.holder) + sorted(fixed_holders)
    sub.learner_pairs = free_pairs(pairs.learner) + sorted(fixed_learners)
    sub.backup_pairs = free_pairs(pairs.backup) + sorted(fixed_backups)
    outside = [0, 0, 0, 0]
    for r, role in facts.roles.items():
        if backups_only or r not in roles:
            outside[0 if role.critical else 1] += uncovered[r]
        if r not in roles:
            outside[2 if role.critical else 3] += missing[r]
    model: PlanModel | BackupModel
    if backups_only:
        model = build_backup_model(sub, plan.holders, plan.learners, soft=False)
        hint_backups(model, restricted(plan, sub))
    else:
        model = build_plan_model(sub, soft=False)
        hint_plan(model, restricted(plan, sub))
    _fix(model, plan, freed)
    return SubModel(model, freed, (outside[0], outside[1], outside[2], outside[3]))


def _fix(s: PlanModel | BackupModel, plan: Candidate, freed: set[str]) -> None:
    """Fix everyone outside ``freed`` at ``plan``: they have a variable for each of
    their assignments only."""
    variables = s.model.proto.variables

    def fix(var: cp_model.IntVar, value: int) -> None:
        domain = variables[var.index].domain
        domain.clear()
        domain.extend([value, value])

    for pair, var in s.backs.items():
        if pair[0] not in freed:
            fix(var, 1)
    if not isinstance(s, PlanModel):
        return
    for pair, holds in s.holds.items():
        if pair[0] not in freed:
            fix(holds, 1)
            share = s.share[pair]
            if isinstance(share, cp_model.IntVar):
                fix(share, plan.holders[pair])
    for pair, var in s.learns.items():
        if pair[0] not in freed:
            fix(var, 1)


def read_round(sub: SubModel, plan: Candidate, solver: cp_model.CpSolver) -> Candidate:
    """``plan`` with the freed people's assignments as the round solved them."""
    s, freed = sub.s, sub.freed
    backups = {p for p in plan.backups if p[0] not in freed}
    backups.update(p for p, v in s.backs.items() if p[0] in freed and solver.value(v))
    if not isinstance(s, PlanModel):
        return Candidate(plan.holders, plan.learners, backups)
    holders = {p: v for p, v in plan.holders.items() if p[0] not in freed}
    learners = {p for p in plan.learners if p[0] not in freed}
    for pair, holds in s.holds.items():
        if pair[0] in freed and solver.value(holds):
            share = int(solver.value(s.share[pair]))
            if share > 0:
                holders[pair] = share
    learners.update(p for p, v in s.learns.items() if p[0] in freed and solver.value(v))
    return Candidate(holders, learners, backups)
