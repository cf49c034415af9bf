"""The CP-SAT models: data -> variables -> hard rules -> soft terms.

``PlanModel`` is the one joint model of holders (exact integer shares), learners and
backups. Its shortfalls are four named components (uncovered fte of critical and of
other roles, missing backups of critical and of other roles); the search in solve.py
fixes or bounds each component separately and never trades one for another.

``BackupModel`` re-chooses the backups with the holders fixed: the last polish of the
backup terms (backup_spread multiplies a holder's share by a backup choice, which is
linear only once the shares are known).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ..domain import AssignmentKind
from . import rules_hard, rules_soft
from .eligibility import Facts, may_back_up

Pair = tuple[str, str]  # (employee id, role id)
LinearExpr = cp_model.LinearExpr | int  # an affine expression or a constant


@dataclass
class Term:
    """One labelled soft term: its raw expression and its weight."""

    name: str
    expr: LinearExpr
    weight: int


@dataclass
class Shortfall:
    """The four shortfall components, most important first."""

    uncovered_critical: LinearExpr
    uncovered_other: LinearExpr
    missing_critical: LinearExpr
    missing_other: LinearExpr

    def components(self) -> tuple[LinearExpr, ...]:
        return (
            self.uncovered_critical,
            self.uncovered_other,
            self.missing_critical,
            self.missing_other,
        )


@dataclass
class PlanModel:
    facts: Facts
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    # holds[e, r]: employee e holds (part of) role r
    holds: dict[Pair, cp_model.IntVar] = field(default_factory=dict)
    # share[e, r]: fte units of role r that employee e covers (0 unless holds[e, r])
    share: dict[Pair, LinearExpr] = field(default_factory=dict)
    # load[e, r]: fte units of e's capacity that holding share[e, r] costs (effort)
    load: dict[Pair, LinearExpr] = field(default_factory=dict)
    # remainder[e, r]: e's share of split role r is the role's one off-step share
    remainder: dict[Pair, cp_model.IntVar] = field(default_factory=dict)
    # learns[e, r]: employee e is a learner of role r (with a holder as mentor)
    learns: dict[Pair, cp_model.IntVar] = field(default_factory=dict)
    # backs[e, r]: employee e is a backup (vervanger) of role r
    backs: dict[Pair, cp_model.IntVar] = field(default_factory=dict)
    # uncovered[r]: fte units of role r that nobody holds
    uncovered: dict[str, cp_model.IntVar] = field(default_factory=dict)
    # missing[r]: backups role r still lacks
    missing: dict[str, cp_model.IntVar] = field(default_factory=dict)
    # pin_literal[i]: enforces pins[i] (an assumption when diagnosing infeasibility)
    pin_literal: dict[int, cp_model.IntVar] = field(default_factory=dict)
    # changed_shares[e, r]: |share - previous share| (disruption terms; built once)
    changed_shares: dict[Pair, LinearExpr] | None = None
    terms: list[Term] = field(default_factory=list)
    all_vars: list[cp_model.IntVar] = field(default_factory=list)

    def shortfall(self) -> Shortfall:
        return _shortfall(self.facts, self.uncovered, self.missing)

    def soft_objective(self) -> LinearExpr:
        return sum(t.weight * t.expr for t in self.terms)


@dataclass
class BackupModel:
    facts: Facts
    holders: dict[Pair, int]  # fixed: share units per (employee, role)
    learners: set[Pair]
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    # backs[e, r]: employee e is a backup (vervanger) of role r
    backs: dict[Pair, cp_model.IntVar] = field(default_factory=dict)
    # missing[r]: backups role r still lacks
    missing: dict[str, cp_model.IntVar] = field(default_factory=dict)
    pin_literal: dict[int, cp_model.IntVar] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    all_vars: list[cp_model.IntVar] = field(default_factory=list)

    def shortfall(self) -> Shortfall:
        return _shortfall(self.facts, {}, self.missing)

    def soft_objective(self) -> LinearExpr:
        return sum(t.weight * t.expr for t in self.terms)


def missing_goal(facts: Facts, critical: LinearExpr, other: LinearExpr) -> LinearExpr:
    """Missing backups with critical ones first: one critical missing backup
    outweighs every other missing backup together."""
    return (sum(r.backups for r in facts.roles.values()) + 1) * critical + other


def shortfall_goal(s: PlanModel | BackupModel) -> LinearExpr:
    """The shortfall as one number to minimise in a neighbourhood: uncovered units
    first, then missing backups, a critical one counting ten times; one uncovered
    unit outweighs every missing backup."""
    sf = s.shortfall()
    backups_total = sum(r.backups for r in s.facts.roles.values()) + 1
    return (10 * sf.uncovered_critical + sf.uncovered_other) * (10 * backups_total) + (
        10 * sf.missing_critical + sf.missing_other
    )


def _shortfall(
    facts: Facts,
    uncovered: dict[str, cp_model.IntVar],
    missing: dict[str, cp_model.IntVar],
) -> Shortfall:
    roles = facts.roles
    return Shortfall(
        sum(u for r, u in uncovered.items() if roles[r].critical),
        sum(u for r, u in uncovered.items() if not roles[r].critical),
        sum(m for r, m in missing.items() if roles[r].critical),
        sum(m for r, m in missing.items() if not roles[r].critical),
    )


def build_plan_model(
    facts: Facts, *, diagnose: bool = False, soft: bool = True
) -> PlanModel:
    """Variables, hard rules and (with ``soft``) soft terms of the joint model."""
    s = PlanModel(facts)
    add_holder_variables(s)
    add_backup_variables(s, s.facts.backup_pairs)
    rules_hard.add_share_bounds(s)
    rules_hard.add_split_steps(s)
    rules_hard.add_coverage(s)
    rules_hard.add_max_holders(s)
    rules_hard.add_capacity(s)
    rules_hard.add_learner_needs_mentor(s)
    rules_hard.add_max_roles(s)
    rules_hard.add_holder_pins(s, diagnose=diagnose)
    rules_hard.add_backup_is_not_holder(s)
    rules_hard.add_backup_count(s)
    rules_hard.add_backup_load(s)
    rules_hard.add_backup_pins(s, diagnose=diagnose)
    if not soft:
        return s
    for add in (
        rules_soft.add_want,
        rules_soft.add_avoid,
        rules_soft.add_score,
        rules_soft.add_learn,
        rules_soft.add_holder_continuity,
        rules_soft.add_fairness,
        rules_soft.add_fragments,
        rules_soft.add_backup_continuity,
        rules_soft.add_disruption_fte,
        rules_soft.add_disruption_people,
        rules_soft.add_takeover,
    ):
        term = add(s)
        if term is not None:
            s.terms.append(term)
    return s


def add_holder_variables(s: PlanModel) -> None:
    """holds, share, load, learns and uncovered, keyed by domain ids."""
    m, facts = s.model, s.facts
    for e, r in facts.holder_pairs:
        role = facts.roles[r]
        high = facts.max_share(e, r)
        values = facts.share_values(e, r)
        if values == []:
            continue  # no practical share fits this employee
        holds = m.new_bool_var(f"holds[{e},{r}]")
        s.holds[e, r] = holds
        s.all_vars.append(holds)
        if values == [role.fte]:
            share: LinearExpr = role.fte * holds  # all or nothing
        else:
            domain = (
                cp_model.Domain.from_intervals([[0, 0], [role.min_share, high]])
                if values is None
                else cp_model.Domain.from_values([0, *values])
            )
            share_var = m.new_int_var_from_domain(domain, f"share[{e},{r}]")
            s.all_vars.append(share_var)
            share = share_var
        s.share[e, r] = share
        effort = facts.effort.get((e, r))
        if effort is None:
            s.load[e, r] = share
        elif values == [role.fte]:
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


def add_backup_variables(s: PlanModel | BackupModel, pairs: list[Pair]) -> None:
    """backs for every candidate pair and missing for every role that needs backups."""
    m, facts = s.model, s.facts
    pinned_roles = {
        p.role for p in facts.instance.pins if p.kind == AssignmentKind.BACKUP
    }
    takes = {r for r, role in facts.roles.items() if role.backups or r in pinned_roles}
    for e, r in pairs:
        if r not in takes:
            continue  # a role without backups has no backup variables
        backs = m.new_bool_var(f"backs[{e},{r}]")
        s.backs[e, r] = backs
        s.all_vars.append(backs)
    for r in facts.roles:
        if r in takes:
            s.missing[r] = m.new_int_var(0, facts.roles[r].backups, f"missing[{r}]")
            s.all_vars.append(s.missing[r])


def build_backup_model(
    facts: Facts,
    holders: dict[Pair, int],
    learners: set[Pair],
    *,
    diagnose: bool = False,
    soft: bool = True,
) -> BackupModel:
    """Backups with the holders fixed, and (with ``soft``) the backup terms."""
    s = BackupModel(facts, holders, learners)
    pairs = [
        pair for pair in facts.backup_pairs if may_back_up(pair, holders, learners)
    ]
    add_backup_variables(s, pairs)
    rules_hard.add_backup_count(s)
    rules_hard.add_backup_load(s)
    rules_hard.add_backup_pins(s, diagnose=diagnose)
    adds = (rules_soft.add_backup_continuity, rules_soft.add_backup_spread)
    for add in adds if soft else ():
        term = add(s)
        if term is not None:
            s.terms.append(term)
    return s
