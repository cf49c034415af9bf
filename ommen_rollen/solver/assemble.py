"""Turn holders, learners and backups into a complete Plan: mentors, shortfalls with
reasons, objective terms, metrics, explanations and vulnerability."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..domain import AssignmentKind, Choice, PlanStatus
from .eligibility import Facts
from .evaluate import raw_terms, weighted_terms
from .explain import Usage, explanations, missing_backup_reason, uncovered_reason
from .instance import fte_number
from .plan import MissingBackup, Plan, PlanAssignment, Uncovered
from .vulnerability import vulnerability

Pair = tuple[str, str]


def pick_mentor(holders: dict[Pair, int], learner: str, role: str) -> str | None:
    """The holder with the largest share of the role (then by id)."""
    options = [
        (-share, e) for (e, r), share in holders.items() if r == role and e != learner
    ]
    return min(options)[1] if options else None


def assemble_plan(
    facts: Facts,
    status: PlanStatus,
    holders: dict[Pair, int],
    learners: set[Pair],
    backups: set[Pair],
    *,
    bound: float | None = None,
    errors: list[str] | None = None,
    extra_metrics: dict[str, Any] | None = None,
) -> Plan:
    """A Plan in format v1 order: holders, learners, backups by role then employee."""
    instance = facts.instance
    assignments: list[PlanAssignment] = []
    role_order = {r.id: i for i, r in enumerate(instance.roles)}
    for (e, r), share in sorted(
        holders.items(), key=lambda x: (role_order[x[0][1]], x[0][0])
    ):
        assignments.append(PlanAssignment(e, r, AssignmentKind.HOLDER, share))
    kept_learners: set[Pair] = set()
    for e, r in sorted(learners, key=lambda p: (role_order[p[1]], p[0])):
        mentor = pick_mentor(holders, e, r)
        if mentor is not None:
            kept_learners.add((e, r))
            assignments.append(
                PlanAssignment(
                    e,
                    r,
                    AssignmentKind.LEARNER,
                    instance.learner_units(facts.roles[r]),
                    mentor,
                )
            )
    for e, r in sorted(backups, key=lambda p: (role_order[p[1]], p[0])):
        assignments.append(PlanAssignment(e, r, AssignmentKind.BACKUP))

    usage = Usage(facts, holders, kept_learners, backups)
    covered: dict[str, int] = defaultdict(int)
    for (_, r), share in holders.items():
        covered[r] += share
    backup_count: dict[str, int] = defaultdict(int)
    for _, r in backups:
        backup_count[r] += 1
    uncovered: list[Uncovered] = []
    reasons: dict[str, tuple[str, str]] = {}
    missing: list[MissingBackup] = []
    for role in instance.roles:
        short = role.fte - covered[role.id]
        if short > 0:
            code, reason = uncovered_reason(facts, role.id, usage)
            reasons[role.id] = (code, reason)
            uncovered.append(Uncovered(role.id, short, reason, code))
        lacking = role.backups - backup_count[role.id]
        if lacking > 0:
            code, reason = missing_backup_reason(facts, role.id, usage)
            missing.append(MissingBackup(role.id, lacking, reason, code))

    raw = raw_terms(facts, holders, kept_learners, backups)
    terms = weighted_terms(facts, raw)
    value = sum(terms.values())
    wants = [p for p, c in facts.choice.items() if c == Choice.WANT]
    learns = [p for p, c in facts.choice.items() if c == Choice.LEARN]
    uncovered_units = sum(u.fte for u in uncovered)
    metrics: dict[str, Any] = {
        "covered_fte": fte_number(
            sum(min(covered[r.id], r.fte) for r in instance.roles)
        ),
        "uncovered_fte": fte_number(uncovered_units),
        "uncovered_critical_fte": fte_number(
            sum(u.fte for u in uncovered if facts.roles[u.role].critical)
        ),
        "missing_backups": sum(m.missing for m in missing),
        "wants_granted": sum(1 for p in wants if p in holders),
        "wants_total": len(wants),
        "learn_granted": sum(1 for p in learns if p in kept_learners or p in holders),
        "learn_total": len(learns),
        "avoids_given": raw["avoid"],
        "holders": len(holders),
        "learners": len(kept_learners),
        "backups": len(backups),
    }
    metrics.update(extra_metrics or {})
    return Plan(
        status=status,
        assignments=assignments,
        uncovered=uncovered,
        missing_backups=missing,
        objective={
            "value": value,
            "bound": min(bound, value)
            if bound is not None
            else (value if status == PlanStatus.OPTIMAL else None),
            "terms": terms,
        },
        metrics=metrics,
        explanations=explanations(facts, holders, kept_learners, usage, reasons),
        vulnerability=vulnerability(facts, holders, backups, usage),
        errors=list(errors or []),
    )
