"""Re-plan near the previous plan: a ring of people re-planned, everyone else keeps
what they hold.

A re-plan (replan.py) starts from an approved plan that a change has broken:
someone absent, a lower contract, a role added or resized, a new colleague. The
plan that changes least re-plans only the people around the change. ``RingSearch``
tries growing rings of people, smallest first (replan.py chooses them). Everyone
outside the ring keeps every role they held, with the same share; they may take on
more where their contract has room (a colleague with spare hours takes over part
of the work without giving anything up), and backup duties and learning stay free
for everyone. Each ring is one CP-SAT solve of the joint model with the shortfall
bounded as hard constraints (``allowed``: as complete as the change allows) and the
soft terms minimised, which in a re-plan are dominated by the disruption terms
(people and hours changed, takeovers by non-backups). The first ring with such a
plan is the answer; a ring that cannot have one is usually proven so in
hundredths of a second at 50 people. The model is built once per re-plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..domain import AssignmentKind
from .bounds import Bounds
from .candidate import Candidate
from .eligibility import Facts
from .hints import extract_plan, hint_plan
from .model import PlanModel, build_plan_model, shortfall_goal
from .neighbourhood import freeze_others
from .runner import MIN_STAGE_S, LevelResult, Runner

RING_SHARE = 0.25  # of the budget left, at most, for each ring


@dataclass(frozen=True)
class Near:
    """What a re-plan asks of ``RingSearch``: the rings to try (employee ids,
    smallest first) and the shortfall a ring's plan may keep to be accepted."""

    rings: Sequence[frozenset[str]]
    uncovered_ok: int  # fte units left uncovered
    missing_ok: int  # backups missing


@dataclass
class NearResult:
    plan: Candidate | None  # the plan of the first ring that has one within limits
    ring: int | None  # the size of that ring
    rings_tried: int
    impossible: frozenset[str] | None = None  # the largest ring proven to have none


def previous_plan(facts: Facts) -> Candidate:
    """The instance's previous plan where the model has its pairs (people still
    available, roles that still exist and that they may still do): a hint, which
    may break a hard rule of the changed instance (a lower contract)."""
    holder_pairs = set(facts.holder_pairs)
    backup_pairs = set(facts.backup_pairs)
    learner_pairs = set(facts.learner_pairs)
    plan = Candidate()
    for p in facts.instance.previous:
        pair = (p.employee, p.role)
        if p.kind == AssignmentKind.HOLDER and pair in holder_pairs:
            plan.holders[pair] = p.fte if p.fte is not None else facts.roles[p.role].fte
        elif p.kind == AssignmentKind.BACKUP and pair in backup_pairs:
            plan.backups.add(pair)
        elif p.kind == AssignmentKind.LEARNER and pair in learner_pairs:
            plan.learners.add(pair)
    return plan


def _held_variables(
    s: PlanModel, previous: Candidate
) -> dict[str, list[cp_model.IntVar]]:
    """Per employee the variables of the roles they held in ``previous`` (holds
    and share): what someone outside a ring keeps."""
    result: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for pair in previous.holders:
        if pair in s.holds:
            result[pair[0]].append(s.holds[pair])
            share = s.share[pair]
            if isinstance(share, cp_model.IntVar):
                result[pair[0]].append(share)
    return result


@dataclass(frozen=True)
class Limits:
    """The shortfall a ring's plan may have (hard bounds in its model)."""

    uncovered_critical: int
    uncovered: int  # all roles
    missing_critical: int
    missing: int  # all roles


def allowed(near: Near, bounds: Bounds) -> Limits:
    """What ``near`` allows or what no plan can avoid, whichever is more; critical
    work left uncovered no more than no plan can avoid."""
    missing = max(near.missing_ok, bounds.missing)
    return Limits(
        bounds.uncovered_critical,
        max(near.uncovered_ok, bounds.uncovered),
        missing,
        missing,
    )


def reached(facts: Facts, plan: Candidate) -> Limits:
    """``plan``'s own shortfall as limits: a ring's plan no worse in any component."""
    uc, uo, mc, mo = plan.shortfall(facts)
    return Limits(uc, uc + uo, mc, mc + mo)


class RingSearch:
    """The joint model of a re-plan, built once and hinted with the previous plan,
    and the rings solved on copies of it."""

    def __init__(self, facts: Facts, runner: Runner) -> None:
        self.facts, self.runner = facts, runner
        self.previous = previous_plan(facts)
        self.s = build_plan_model(facts)
        hint_plan(self.s, self.previous)
        self.kept = _held_variables(self.s, self.previous)

    def within(self, rings: Sequence[frozenset[str]], limits: Limits) -> NearResult:
        """``rings`` in turn (smallest first) until one has a plan within
        ``limits``, the soft terms minimised (see the module docstring).
        ``NearResult.impossible`` is the largest ring proven to have none."""
        s, runner = self.s, self.runner
        sf = s.shortfall()
        within = s.model.clone()
        within.add(sf.uncovered_critical <= limits.uncovered_critical)
        within.add(sf.uncovered_critical + sf.uncovered_other <= limits.uncovered)
        within.add(sf.missing_critical <= limits.missing_critical)
        within.add(sf.missing_critical + sf.missing_other <= limits.missing)
        within.minimize(s.soft_objective())
        tried = 0
        impossible: frozenset[str] | None = None
        for ring in rings:
            if runner.cancelled or runner.out_of_time():
                break
            if _too_small(self.facts, self.previous, ring, limits.uncovered):
                continue
            tried += 1
            result = self._solve(within, ring, "ring")
            if result.has_solution:
                return NearResult(extract_plan(s, result.solver), len(ring), tried)
            if result.status == "INFEASIBLE":
                impossible = ring
        return NearResult(None, None, tried, impossible)

    def least_shortfall(self, ring: frozenset[str]) -> Candidate | None:
        """The least shortfall ``ring`` can reach with everyone else keeping their
        held roles (a start for the search over everyone); None when none in time."""
        least = self.s.model.clone()
        least.minimize(shortfall_goal(self.s))
        result = self._solve(least, ring, "ring-shortfall")
        return extract_plan(self.s, result.solver) if result.has_solution else None

    def _solve(
        self, model: cp_model.CpModel, ring: frozenset[str], name: str
    ) -> LevelResult:
        """``model`` with everyone outside ``ring`` keeping their held roles."""
        ringed = model.clone()
        freeze_others(ringed, set(ring), self.kept)
        return self.runner.run(
            name,
            ringed,
            max(self.runner.remaining() * RING_SHARE, MIN_STAGE_S),
            uncovered=list(self.s.uncovered.values()),
            missing=list(self.s.missing.values()),
        )


def _too_small(
    facts: Facts, previous: Candidate, ring: frozenset[str], uncovered: int
) -> bool:
    """The ring has less fte than the work nobody outside it keeps, less the
    ``uncovered`` units allowed: no plan of it is within the limits (not known
    with efforts, which change loads)."""
    if facts.effort:
        return False
    kept: dict[str, int] = defaultdict(int)
    for (e, r), share in previous.holders.items():
        if e not in ring:
            kept[r] += share
    work = sum(max(0, role.fte - kept[r]) for r, role in facts.roles.items())
    capacity = sum(facts.employees[e].capacity for e in ring if e in facts.employees)
    return capacity < work - uncovered
