"""Re-plan near the previous plan: re-plan a ring of people, keep everyone else.

A re-plan (replan.py) starts from an approved plan that a change has broken:
someone absent, a lower contract, a role added or resized, a new colleague. The
plan that changes least re-plans only the people around the change. ``search_near``
tries growing rings of people, smallest first (replan.py chooses them). Everyone
outside the ring keeps exactly what the previous plan gave them: held roles and
shares, learning and backup duties. Inside the ring CP-SAT first minimises the
shortfall, then, with the shortfall kept, the soft terms, which in a re-plan are
dominated by the disruption terms (people and hours changed, takeovers by
non-backups). The first ring whose plan is as complete as the change allows
(``Near.uncovered_ok``, ``Near.missing_ok``) is the answer. With every decision of
the people outside the ring fixed, each ring is a small model: hundredths of a
second at 50 people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..domain import AssignmentKind
from .bounds import Bounds
from .candidate import Candidate
from .eligibility import Facts
from .hints import extract_plan, hint_plan
from .model import build_plan_model
from .neighbourhood import freeze_others, variables_by_employee
from .runner import MIN_STAGE_S, Runner

RING_SHARE = 0.25  # of the budget left, at most, for each step of a ring


@dataclass(frozen=True)
class Near:
    """What a re-plan asks of ``search_near``: the rings to try (employee ids,
    smallest first) and the shortfall a ring's plan may keep to be accepted."""

    rings: Sequence[frozenset[str]]
    uncovered_ok: int  # fte units left uncovered
    missing_ok: int  # backups missing


@dataclass
class NearResult:
    plan: Candidate | None  # the plan of the first ring that has one within bounds
    ring: int | None  # the size of that ring
    rings_tried: int


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


def allowed(near: Near, bounds: Bounds) -> tuple[int, int, int]:
    """(uncovered critical, uncovered, missing) a ring's plan may have: what ``near``
    allows or what no plan can avoid, whichever is more; critical work no more
    than no plan can avoid."""
    return (
        bounds.uncovered_critical,
        max(near.uncovered_ok, bounds.uncovered),
        max(near.missing_ok, bounds.missing),
    )


def search_near(facts: Facts, runner: Runner, near: Near, bounds: Bounds) -> NearResult:
    """The rings of ``near`` in turn until one has a plan within ``allowed`` (see
    the module docstring); every ring starts from the previous plan."""
    previous = previous_plan(facts)
    s = build_plan_model(facts)
    sf = s.shortfall()
    critical, uncovered, missing = allowed(near, bounds)
    s.model.add(sf.uncovered_critical <= critical)
    s.model.add(sf.uncovered_critical + sf.uncovered_other <= uncovered)
    s.model.add(sf.missing_critical + sf.missing_other <= missing)
    s.model.minimize(s.soft_objective())
    # backup duties stay free for everyone (continuity keeps them where it can)
    by_employee = variables_by_employee(s, backups=False)
    hint_plan(s, previous)
    tried = 0
    for ring in near.rings:
        if runner.cancelled or runner.out_of_time():
            break
        tried += 1
        model = s.model.clone()
        freeze_others(model, set(ring), by_employee)
        result = runner.run(
            "ring",
            model,
            max(runner.remaining() * RING_SHARE, MIN_STAGE_S),
            uncovered=list(s.uncovered.values()),
            missing=list(s.missing.values()),
        )
        if result.has_solution:
            return NearResult(extract_plan(s, result.solver), len(ring), tried)
    return NearResult(None, None, tried)
