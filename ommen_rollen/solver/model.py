"""The CP-SAT models of the two stages: data -> variables -> rules -> level objectives.

Stage 1 decides holders (with exact integer shares) and learners; stage 2 decides
backups given those holders. Each stage has two lexicographic levels (see weights.py):
a shortfall level (coverage, then backups) and a weighted soft level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from . import rules_hard, rules_soft
from .eligibility import Facts
from .instance import Instance

Pair = tuple[str, str]  # (employee id, role id)
LinearExpr = cp_model.LinearExpr | int  # an affine expression or a constant


@dataclass
class Term:
    """One labelled soft term: its raw expression and its weight."""

    name: str
    expr: LinearExpr
    weight: int


@dataclass
class Stage1:
    facts: Facts
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    # holds[e, r]: employee e holds (part of) role r
    holds: dict[Pair, cp_model.IntVar] = field(default_factory=dict)
    # share[e, r]: fte units of role r that employee e covers (0 unless holds[e, r])
    share: dict[Pair, LinearExpr] = field(default_factory=dict)
    # load[e, r]: fte units of e's capacity that holding share[e, r] costs (effort)
    load: dict[Pair, LinearExpr] = field(default_factory=dict)
    # learns[e, r]: employee e is a learner of role r (with a holder as mentor)
    learns: dict[Pair, cp_model.IntVar] = field(default_factory=dict)
    # uncovered[r]: fte units of role r that nobody holds
    uncovered: dict[str, cp_model.IntVar] = field(default_factory=dict)
    # reserve_short[r]: backups role r needs beyond the eligible non-holders left
    reserve_short: dict[str, cp_model.IntVar] = field(default_factory=dict)
    # pin_literal[i]: enforces pins[i] (an assumption when diagnosing infeasibility)
    pin_literal: dict[int, cp_model.IntVar] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    all_vars: list[cp_model.IntVar] = field(default_factory=list)

    def coverage_objective(self) -> LinearExpr:
        """Level 1-2 in one integer: a critical unit outweighs all other units."""
        roles = self.facts.roles
        other_total = sum(r.fte for r in roles.values() if not r.critical)
        critical = sum(u for r, u in self.uncovered.items() if roles[r].critical)
        other = sum(u for r, u in self.uncovered.items() if not roles[r].critical)
        return (other_total + 1) * critical + other

    def soft_objective(self) -> LinearExpr:
        """Level 3-4: the backup reserve above every weighted soft term."""
        soft = sum(t.weight * t.expr for t in self.terms)
        return (
            reserve_weight(self.terms, self.facts.instance)
            * sum(self.reserve_short.values())
            + soft
        )


@dataclass
class Stage2:
    facts: Facts
    holders: dict[Pair, int]  # stage-1 result: share units per (employee, role)
    learners: set[Pair]
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    # backs[e, r]: employee e is a backup (vervanger) of role r
    backs: dict[Pair, cp_model.IntVar] = field(default_factory=dict)
    # missing[r]: backups role r still lacks
    missing: dict[str, cp_model.IntVar] = field(default_factory=dict)
    pin_literal: dict[int, cp_model.IntVar] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    all_vars: list[cp_model.IntVar] = field(default_factory=list)

    def backup_objective(self) -> LinearExpr:
        """Level 5: a missing backup of a critical role outweighs all others."""
        roles = self.facts.roles
        other_total = sum(r.backups for r in roles.values() if not r.critical)
        critical = sum(m for r, m in self.missing.items() if roles[r].critical)
        other = sum(m for r, m in self.missing.items() if not roles[r].critical)
        return (other_total + 1) * critical + other

    def soft_objective(self) -> LinearExpr:
        return sum(t.weight * t.expr for t in self.terms)


def reserve_weight(terms: list[Term], instance: Instance) -> int:
    """A weight for the backup reserve larger than any sum of the soft terms."""
    bound = 0
    n_pairs = len(instance.employees) * len(instance.roles)
    for t in terms:
        if t.name == "score":
            bound += t.weight * sum(abs(p.score or 0) for p in instance.preferences)
        elif t.name == "fragments":
            bound += t.weight * n_pairs
        else:
            bound += t.weight * (len(instance.preferences) + len(instance.previous))
    return bound + 1


def build_stage1(facts: Facts, *, diagnose: bool = False) -> Stage1:
    """Variables, hard rules and soft terms of the holder/learner stage."""
    s = Stage1(facts)
    add_stage1_variables(s)
    rules_hard.add_share_bounds(s)
    rules_hard.add_coverage(s)
    rules_hard.add_max_holders(s)
    rules_hard.add_capacity(s)
    rules_hard.add_learner_needs_mentor(s)
    rules_hard.add_max_roles_stage1(s)
    rules_hard.add_stage1_pins(s, diagnose=diagnose)
    rules_hard.add_backup_reserve(s)
    for add in (
        rules_soft.add_want,
        rules_soft.add_avoid,
        rules_soft.add_score,
        rules_soft.add_learn,
        rules_soft.add_holder_continuity,
        rules_soft.add_fairness,
        rules_soft.add_fragments,
    ):
        term = add(s)
        if term is not None:
            s.terms.append(term)
    return s


def add_stage1_variables(s: Stage1) -> None:
    m, facts = s.model, s.facts
    for e, r in facts.holder_pairs:
        role = facts.roles[r]
        holds = m.new_bool_var(f"holds[{e},{r}]")
        s.holds[e, r] = holds
        s.all_vars.append(holds)
        if role.min_share == role.fte:
            share: LinearExpr = role.fte * holds  # an unsplit role: all or nothing
        else:
            share_var = m.new_int_var_from_domain(
                cp_model.Domain.from_intervals(
                    [[0, 0], [role.min_share, facts.max_share(e, r)]]
                ),
                f"share[{e},{r}]",
            )
            s.all_vars.append(share_var)
            share = share_var
        s.share[e, r] = share
        effort = facts.effort.get((e, r))
        if effort is None:
            s.load[e, r] = share
        elif role.min_share == role.fte:
            s.load[e, r] = effort * holds
        else:
            # fte * load >= effort * share keeps the load an exact upper bound
            load = m.new_int_var(0, effort, f"load[{e},{r}]")
            m.add(role.fte * load >= effort * share)
            s.all_vars.append(load)
            s.load[e, r] = load
    for e, r in facts.learner_pairs:
        learns = m.new_bool_var(f"learns[{e},{r}]")
        s.learns[e, r] = learns
        s.all_vars.append(learns)
    for r, role in facts.roles.items():
        s.uncovered[r] = m.new_int_var(0, role.fte, f"uncovered[{r}]")
        s.all_vars.append(s.uncovered[r])
        if role.backups:
            s.reserve_short[r] = m.new_int_var(0, role.backups, f"reserve_short[{r}]")
            s.all_vars.append(s.reserve_short[r])


def build_stage2(
    facts: Facts,
    holders: dict[Pair, int],
    learners: set[Pair],
    *,
    diagnose: bool = False,
) -> Stage2:
    """Variables, hard rules and soft terms of the backup stage, holders fixed."""
    s = Stage2(facts, holders, learners)
    m = s.model
    pinned = {(p.employee, p.role) for p in facts.instance.pins if p.kind == "backup"}
    for e, r in facts.backup_pairs:
        if (e, r) in holders or (e, r) in learners:
            continue  # a backup never holds or learns the same role
        backs = m.new_bool_var(f"backs[{e},{r}]")
        s.backs[e, r] = backs
        s.all_vars.append(backs)
    for r, role in facts.roles.items():
        if role.backups or any(p[1] == r for p in pinned):
            s.missing[r] = m.new_int_var(0, role.backups, f"missing[{r}]")
            s.all_vars.append(s.missing[r])
    rules_hard.add_backup_count(s)
    rules_hard.add_backup_load(s)
    rules_hard.add_stage2_pins(s, diagnose=diagnose)
    return s


def add_stage2_terms(s: Stage2) -> None:
    """The soft backup terms, added only for level 6 (they slow level 5 down)."""
    for add in (rules_soft.add_backup_continuity, rules_soft.add_backup_spread):
        term = add(s)
        if term is not None:
            s.terms.append(term)
