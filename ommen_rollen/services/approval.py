"""Publishing proposals to medewerkers, their akkoord or comment, and approval by
the secretaris. An approved werkplan is read-only: a change makes a new version."""

from __future__ import annotations

from sqlalchemy import func, select

from ..domain import RoundStatus
from ..extensions import db
from ..models import Assignment, User, WorkPlan, WorkPlanStatus
from . import audit
from .base import ServiceError, stamp, utcnow
from .jobs import solve_in_progress
from .rounds import get_round
from .solver_bridge import current_plans

COMMENT_MAX = 2000


class PlanNotFound(ServiceError):
    """The werkplan does not exist, or is not this employee's."""


def own_plan(plan_id: int, employee_id: int | None) -> WorkPlan:
    """A werkplan of this employee; someone else's does not exist for them."""
    plan = db.session.get(WorkPlan, plan_id)
    if plan is None or employee_id is None or plan.employee_id != employee_id:
        raise PlanNotFound("Dit werkplan bestaat niet.")
    return plan


def visible_plan(employee_id: int, round_id: int) -> WorkPlan | None:
    """The werkplan a medewerker sees in a round: the current one once the round's
    proposal is published (or approved), else None."""
    round_ = get_round(round_id)
    plan: WorkPlan | None = db.session.scalar(
        select(WorkPlan).where(
            WorkPlan.round_id == round_id,
            WorkPlan.employee_id == employee_id,
            WorkPlan.current.is_(True),
        )
    )
    if plan is None:
        return None
    if plan.status == WorkPlanStatus.APPROVED:
        return plan
    if round_.status in (RoundStatus.PROPOSED, RoundStatus.APPROVED):
        return plan
    return None


def publish(round_id: int, by: User | None) -> None:
    """Show the current proposal to the medewerkers for akkoord or comment."""
    round_ = get_round(round_id)
    if round_.status != RoundStatus.CLOSED:
        raise ServiceError("Alleen een gesloten planronde kan worden voorgelegd.")
    if not current_plans(round_id):
        raise ServiceError("Er is nog geen voorstel om voor te leggen.")
    round_.status = RoundStatus.PROPOSED
    stamp(round_, by)
    audit.record(
        "round_published", by, object_type="planning_round", object_id=round_id
    )
    db.session.commit()


def agree(plan_id: int, employee_id: int | None, by: User | None) -> WorkPlan:
    """The medewerker agrees with their proposed werkplan."""
    plan = own_plan(plan_id, employee_id)
    _check_open_for_response(plan)
    plan.status = WorkPlanStatus.AGREED
    plan.agreed_at = utcnow()
    stamp(plan, by)
    audit.record("werkplan_agreed", by, object_type="work_plan", object_id=plan.id)
    db.session.commit()
    return plan


def comment(
    plan_id: int, employee_id: int | None, text: str, by: User | None
) -> WorkPlan:
    """The medewerker leaves a comment on their proposed werkplan."""
    plan = own_plan(plan_id, employee_id)
    _check_open_for_response(plan)
    text = text.strip()
    if not text:
        raise ServiceError("Schrijf een opmerking.")
    if len(text) > COMMENT_MAX:
        raise ServiceError(f"De opmerking mag hoogstens {COMMENT_MAX} tekens zijn.")
    plan.employee_comment = text
    if plan.status == WorkPlanStatus.AGREED:
        plan.status = WorkPlanStatus.PROPOSED
        plan.agreed_at = None
    stamp(plan, by)
    audit.record("werkplan_commented", by, object_type="work_plan", object_id=plan.id)
    db.session.commit()
    return plan


def _check_open_for_response(plan: WorkPlan) -> None:
    if not plan.current:
        raise ServiceError("Dit is een oude versie van uw werkplan.")
    if plan.status == WorkPlanStatus.APPROVED:
        raise ServiceError("Dit werkplan is al goedgekeurd en kan niet meer wijzigen.")
    if plan.round.status != RoundStatus.PROPOSED:
        raise ServiceError("Het voorstel is nog niet voorgelegd.")


SOLVE_RUNNING_MESSAGE = (
    "Er loopt een optimalisatie voor deze planronde. Wacht tot die klaar is (of "
    "annuleer hem) en keur daarna goed: het nieuwe voorstel vervangt de huidige "
    "werkplannen, en goedkeuren nu zou werkplannen uit verschillende voorstellen "
    "mengen."
)


def _check_no_solve_running(round_id: int) -> None:
    """Refuse approval while an optimisation of the round is queued or running.

    The round's row is locked first (until the commit), and start_solve locks it
    too: an approval and a new run of one round cannot slip past each other.
    """
    get_round(round_id, lock=True)
    if solve_in_progress(round_id):
        db.session.rollback()  # let go of the round at once
        raise ServiceError(SOLVE_RUNNING_MESSAGE)


def approve_plan(plan_id: int, by: User | None) -> WorkPlan:
    """The secretaris approves one current werkplan."""
    plan = db.session.get(WorkPlan, plan_id)
    if plan is None:
        raise ServiceError("Dit werkplan bestaat niet.")
    _check_no_solve_running(plan.round_id)
    db.session.refresh(plan)  # read after the lock: a run may just have ended
    _approve(plan, by)
    _maybe_round_approved(plan.round_id, by)
    db.session.commit()
    return plan


def approve_all(round_id: int, by: User | None) -> int:
    """Approve every current werkplan of a round; returns how many were approved."""
    _check_no_solve_running(round_id)
    round_ = get_round(round_id)
    plans = current_plans(round_id)
    if not plans:
        raise ServiceError("Deze planronde heeft nog geen werkplannen.")
    if round_.status not in (RoundStatus.CLOSED, RoundStatus.PROPOSED):
        raise ServiceError("Deze planronde kan nu niet worden goedgekeurd.")
    count = 0
    for plan in plans:
        if plan.status != WorkPlanStatus.APPROVED:
            _approve(plan, by)
            count += 1
    _maybe_round_approved(round_id, by)
    db.session.commit()
    return count


def _approve(plan: WorkPlan, by: User | None) -> None:
    if not plan.current:
        raise ServiceError(
            "Alleen de huidige versie van een werkplan kan worden goedgekeurd."
        )
    if plan.status == WorkPlanStatus.APPROVED:
        raise ServiceError("Dit werkplan is al goedgekeurd.")
    if plan.round.status not in (
        RoundStatus.CLOSED,
        RoundStatus.PROPOSED,
        RoundStatus.APPROVED,
    ):
        raise ServiceError("Deze planronde kan nu niet worden goedgekeurd.")
    plan.status = WorkPlanStatus.APPROVED
    plan.approved_at = utcnow()
    plan.approved_by_id = by.id if by is not None else None
    stamp(plan, by)
    audit.record(
        "werkplan_approved",
        by,
        object_type="work_plan",
        object_id=plan.id,
        employee_id=plan.employee_id,
        version=plan.version,
    )


def _maybe_round_approved(round_id: int, by: User | None) -> None:
    db.session.flush()
    plans = current_plans(round_id)
    if plans and all(p.status == WorkPlanStatus.APPROVED for p in plans):
        round_ = get_round(round_id)
        if round_.status != RoundStatus.APPROVED:
            round_.status = RoundStatus.APPROVED
            stamp(round_, by)
            audit.record(
                "round_approved", by, object_type="planning_round", object_id=round_id
            )


def _next_version(plan: WorkPlan) -> int:
    highest = db.session.scalar(
        select(func.max(WorkPlan.version)).where(
            WorkPlan.round_id == plan.round_id,
            WorkPlan.employee_id == plan.employee_id,
        )
    )
    return int(highest or 0) + 1


def editable_version(plan: WorkPlan, by: User | None) -> WorkPlan:
    """The werkplan to change: itself while not approved, else a new version that
    copies it (the approved one stays, no longer current). Caller commits."""
    if plan.status != WorkPlanStatus.APPROVED:
        if plan.status == WorkPlanStatus.AGREED:
            plan.status = WorkPlanStatus.PROPOSED
            plan.agreed_at = None
        return plan
    plan.current = False
    db.session.flush()
    copy = WorkPlan(
        round_id=plan.round_id,
        employee_id=plan.employee_id,
        proposal_id=plan.proposal_id,
        version=_next_version(plan),
        current=True,
        status=WorkPlanStatus.PROPOSED,
        assignments=[
            Assignment(
                role_id=a.role_id,
                kind=a.kind,
                fte_units=a.fte_units,
                mentor_id=a.mentor_id,
            )
            for a in plan.assignments
        ],
    )
    stamp(copy, by, new=True)
    db.session.add(copy)
    db.session.flush()
    round_ = plan.round
    if round_.status == RoundStatus.APPROVED:
        round_.status = RoundStatus.PROPOSED
    audit.record(
        "werkplan_new_version",
        by,
        object_type="work_plan",
        object_id=copy.id,
        employee_id=plan.employee_id,
        version=copy.version,
    )
    return copy
