"""A medewerker's akkoord belongs to the werkplan they agreed to: it carries over
to a new werkplan with exactly the same roles, shares and mentors, and lapses
when anything changes. No database access: callers flush and commit."""

from __future__ import annotations

from ..models import WorkPlan, WorkPlanStatus


def assignment_set(plan: WorkPlan) -> set[tuple[int, str, int, int | None]]:
    """What a werkplan asks of its medewerker: (role, kind, fte, mentor) each."""
    return {
        (a.role_id, str(a.kind), a.fte_units, a.mentor_id) for a in plan.assignments
    }


def same_werkplan(old: WorkPlan, new: WorkPlan) -> bool:
    return assignment_set(old) == assignment_set(new)


def keep_consent(old: WorkPlan, new: WorkPlan) -> bool:
    """Carry the akkoord (and any comment) of ``old`` over to ``new`` when both ask
    the same; True when ``old`` had akkoord and ``new`` now has it too."""
    if old.status == WorkPlanStatus.APPROVED or not same_werkplan(old, new):
        return False
    new.employee_comment = old.employee_comment
    if old.status != WorkPlanStatus.AGREED:
        return False
    new.status = WorkPlanStatus.AGREED
    new.agreed_at = old.agreed_at
    return True
