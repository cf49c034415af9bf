"""Publishing proposals to medewerkers, their akkoord or comment, and approval by
the secretaris. An approved werkplan is read-only: a change makes a new version."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from .. import wording
from ..domain import RoundStatus
from ..extensions import db
from ..models import (
    Assignment,
    Employee,
    PlanningRound,
    Proposal,
    ProposalStatus,
    User,
    WorkPlan,
    WorkPlanStatus,
)
from ..naming import name_key
from . import audit, mail, notifications
from .base import ServiceError, stamp, utcnow
from .consent import keep_consent, same_werkplan
from .hard_rules import HardRuleError, Violation, round_violations
from .jobs import solve_in_progress
from .rounds import get_round, preference_progress, today
from .solver_bridge import current_plans

COMMENT_MAX = 2000
REASON_MAX = 2000

# Why a werkplan has no plain consent: approving it anyway takes a typed reason.
NO_AKKOORD = "zonder akkoord"
OPEN_COMMENT = "open opmerking"
NO_PREFERENCES = "geen voorkeuren opgegeven"


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
    """Show the current proposal to the medewerkers for akkoord or comment; refused
    while the werkplannen break a hard rule (the independent checker decides)."""
    round_ = get_round(round_id)
    if round_.status != RoundStatus.CLOSED:
        raise ServiceError("Alleen een gesloten planronde kan worden voorgelegd.")
    if not current_plans(round_id):
        raise ServiceError("Er is nog geen voorstel om voor te leggen.")
    violations = round_violations(round_id)
    if violations:
        raise HardRuleError(
            "Voorleggen geweigerd: de werkplannen overtreden "
            f"{_rules(len(violations))}. Er is niets voorgelegd.",
            [v.text for v in violations],
            "Los dit op bij Aanpassen (rol verplaatsen, keuze verwijderen) of "
            "optimaliseer opnieuw, en leg daarna voor.",
        )
    round_.status = RoundStatus.PROPOSED
    stamp(round_, by)
    audit.record(
        "round_published", by, object_type="planning_round", object_id=round_id
    )
    notifications.werkplan_published(round_, current_plans(round_id))
    db.session.commit()
    mail.kick()


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


def _rules(count: int) -> str:
    return wording.count(count, "harde regel")


# --- consent before approval ---------------------------------------------------


@dataclass
class PlanConsent:
    """A current werkplan, why it lacks plain consent, and its broken hard rules."""

    plan: WorkPlan
    concerns: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.plan.employee.name)


@dataclass
class ApprovalOverview:
    """What the confirmation page for approving a round's werkplannen lists."""

    round: PlanningRound
    ready: list[PlanConsent]  # akkoord and nothing else: approved in bulk
    to_choose: list[PlanConsent]  # approved only by explicit choice with a reason
    approved: int
    no_preferences: list[Employee]  # every active medewerker without preferences
    violations: list[str]  # every broken hard rule of the current werkplannen

    def with_concern(self, concern: str) -> list[PlanConsent]:
        return [c for c in self.to_choose if concern in c.concerns]

    @property
    def days_to_deadline(self) -> int | None:
        """Days until the preference deadline (0: today), None when it has passed
        or there is none."""
        deadline = self.round.deadline
        if deadline is None or deadline < today():
            return None
        return (deadline - today()).days


def _concerns(plan: WorkPlan, missing: set[int]) -> list[str]:
    concerns = []
    if plan.status != WorkPlanStatus.AGREED:
        concerns.append(NO_AKKOORD)
        if plan.employee_comment.strip():
            concerns.append(OPEN_COMMENT)
    if plan.employee_id in missing:
        concerns.append(NO_PREFERENCES)
    return concerns


def _consent(
    plan: WorkPlan, missing: set[int], violations: list[Violation]
) -> PlanConsent:
    return PlanConsent(
        plan,
        _concerns(plan, missing),
        [v.text for v in violations if plan.employee_id in v.employee_ids],
    )


def approval_overview(round_id: int) -> ApprovalOverview:
    """The current werkplannen of a round split into those with akkoord (bulk
    approval takes these) and those that need an explicit choice: no akkoord, an
    open comment, or a medewerker who gave no preferences."""
    round_ = get_round(round_id)
    progress = preference_progress(round_id)
    missing = {e.id for e in progress.missing}
    violations = round_violations(round_id)
    ready: list[PlanConsent] = []
    to_choose: list[PlanConsent] = []
    approved = 0
    for plan in sorted(
        current_plans(round_id), key=lambda p: name_key(p.employee.name)
    ):
        if plan.status == WorkPlanStatus.APPROVED:
            approved += 1
            continue
        consent = _consent(plan, missing, violations)
        (to_choose if consent.concerns else ready).append(consent)
    return ApprovalOverview(
        round=round_,
        ready=ready,
        to_choose=to_choose,
        approved=approved,
        no_preferences=progress.missing,
        violations=[v.text for v in violations],
    )


def plan_consent(plan_id: int) -> PlanConsent:
    """One werkplan's concerns and broken hard rules (its confirmation page)."""
    plan = db.session.get(WorkPlan, plan_id)
    if plan is None:
        raise ServiceError("Dit werkplan bestaat niet.")
    missing = {e.id for e in preference_progress(plan.round_id).missing}
    return _consent(plan, missing, round_violations(plan.round_id))


class ConsentMissing(ServiceError):
    """Approving this werkplan takes an explicit choice with a typed reason."""


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ServiceError(f"De reden mag hoogstens {REASON_MAX} tekens zijn.")
    return reason


def _refuse_violations(consents: list[PlanConsent]) -> None:
    lines: list[str] = []
    for consent in consents:
        lines.extend(v for v in consent.violations if v not in lines)
    if lines:
        raise HardRuleError(
            f"Goedkeuren geweigerd: {_rules(len(lines))} overtreden. Er is niets "
            "goedgekeurd.",
            lines,
            "Los dit eerst op bij Aanpassen; harde regels kunnen niet worden "
            "overgeslagen.",
        )


def approve_plan(plan_id: int, by: User | None, *, reason: str = "") -> WorkPlan:
    """The secretaris approves one current werkplan: at once when it has akkoord,
    else only with a typed reason (logged); never when it breaks a hard rule."""
    plan = db.session.get(WorkPlan, plan_id)
    if plan is None:
        raise ServiceError("Dit werkplan bestaat niet.")
    _check_no_solve_running(plan.round_id)
    db.session.refresh(plan)  # read after the lock: a run may just have ended
    _check_approvable(plan)
    reason = _check_reason(reason)
    missing = {e.id for e in preference_progress(plan.round_id).missing}
    consent = _consent(plan, missing, round_violations(plan.round_id))
    if consent.concerns and not reason:
        raise ConsentMissing(
            f"Het werkplan van {consent.name} is niet goedgekeurd: "
            f"{', '.join(consent.concerns)}. Typ een reden om het toch goed te "
            "keuren."
        )
    _refuse_violations([consent])
    _approve(consent, by, reason)
    _maybe_round_approved(plan.round_id, by)
    db.session.commit()
    mail.kick()
    return plan


def approve_all(
    round_id: int,
    by: User | None,
    *,
    also: Collection[int] = (),
    all_listed: bool = False,
    reason: str = "",
) -> int:
    """Approve the current werkplannen of a round that have akkoord; those without
    (no akkoord, an open comment, no preferences) only when chosen in ``also`` (or
    all of them with ``all_listed``) and with a typed reason, each logged. Refused
    as a whole when one of them breaks a hard rule. Returns how many were
    approved."""
    _check_no_solve_running(round_id)
    round_ = get_round(round_id)
    if not current_plans(round_id):
        raise ServiceError("Deze planronde heeft nog geen werkplannen.")
    if round_.status not in (RoundStatus.CLOSED, RoundStatus.PROPOSED):
        raise ServiceError("Deze planronde kan nu niet worden goedgekeurd.")
    reason = _check_reason(reason)
    overview = approval_overview(round_id)
    chosen = set(also)
    explicit = [c for c in overview.to_choose if all_listed or c.plan.id in chosen]
    if explicit and not reason:
        raise ConsentMissing(
            "Er is niets goedgekeurd: typ een reden om werkplannen zonder akkoord, "
            "met een open opmerking of zonder voorkeuren goed te keuren."
        )
    targets = overview.ready + explicit
    if not targets:
        raise ServiceError(
            "Er is niets goedgekeurd: geen werkplan heeft akkoord. Kies welke "
            "werkplannen u toch wilt goedkeuren en typ een reden."
        )
    _refuse_violations(targets)
    for consent in targets:
        _approve(consent, by, reason)
    _maybe_round_approved(round_id, by)
    db.session.commit()
    mail.kick()
    return len(targets)


def _check_approvable(plan: WorkPlan) -> None:
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


def _approve(consent: PlanConsent, by: User | None, reason: str) -> None:
    plan = consent.plan
    _check_approvable(plan)
    plan.status = WorkPlanStatus.APPROVED
    plan.approved_at = utcnow()
    plan.approved_by_id = by.id if by is not None else None
    stamp(plan, by)
    details: dict[str, Any] = {
        "employee_id": plan.employee_id,
        "version": plan.version,
    }
    action = "werkplan_approved"
    if consent.concerns:
        # an explicit choice of the secretaris, with the reason typed
        action = "werkplan_approved_without_consent"
        details.update(concerns="; ".join(consent.concerns), reason=reason)
    audit.record(action, by, object_type="work_plan", object_id=plan.id, **details)
    notifications.werkplan_approved(plan)


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


# --- choosing between proposals ---------------------------------------------------


@dataclass
class ProposalChoice:
    """The proposal made current, and whose akkoord lapsed or stayed."""

    proposal: Proposal
    lapsed: list[str]  # names: akkoord withdrawn, their werkplan changed
    kept: list[str]  # names: akkoord stays, their werkplan is the same

    def describe(self) -> str:
        """The Dutch message after the choice, with the names."""
        parts = [f"Voorstel {self.proposal.number} is nu het huidige voorstel."]
        if self.lapsed:
            parts.append(
                "Akkoord vervallen, want het werkplan is veranderd: "
                f"{', '.join(self.lapsed)}."
            )
        if self.kept:
            parts.append(
                "Akkoord blijft staan, want het werkplan is hetzelfde: "
                f"{', '.join(self.kept)}."
            )
        return " ".join(parts)


def choose_proposal(proposal_id: int, by: User | None) -> ProposalChoice:
    """Make the werkplannen of this proposal the current ones: approved werkplannen
    stay, an unchanged werkplan keeps its akkoord, a changed one needs a new
    akkoord. Once published, refused when the werkplannen would break a hard rule
    they do not break now."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        raise ServiceError("Dit voorstel bestaat niet.")
    if proposal.status not in (ProposalStatus.READY, ProposalStatus.CANCELLED):
        raise ServiceError("Dit voorstel heeft geen bruikbaar plan.")
    round_id = proposal.round_id
    published = proposal.round.status == RoundStatus.PROPOSED
    before = {v.text for v in round_violations(round_id)} if published else set()
    current = {p.employee_id: p for p in current_plans(round_id)}
    newest: dict[int, WorkPlan] = {}
    for plan in db.session.scalars(
        select(WorkPlan)
        .where(WorkPlan.proposal_id == proposal.id)
        .order_by(WorkPlan.version)
    ):
        newest[plan.employee_id] = plan  # a later version of the same proposal
    lapsed, kept = [], []
    changed: list[WorkPlan] = []
    for employee_id, plan in newest.items():
        old = current.get(employee_id)
        if old is plan:
            continue
        if old is not None and old.status == WorkPlanStatus.APPROVED:
            continue
        if plan.status == WorkPlanStatus.APPROVED:
            continue  # an old approved version is history, not a proposal
        # The akkoord this werkplan once had was for another moment: it counts
        # only when it asks exactly what the current werkplan asks.
        plan.status, plan.agreed_at = WorkPlanStatus.PROPOSED, None
        if old is not None:
            had_akkoord = old.status == WorkPlanStatus.AGREED
            if keep_consent(old, plan):
                kept.append(plan.employee.name)
            elif had_akkoord:
                lapsed.append(plan.employee.name)
            old.current = False
            db.session.flush()
        plan.current = True
        db.session.flush()
        if old is not None and not same_werkplan(old, plan):
            changed.append(plan)
    if published:
        broken = [v.text for v in round_violations(round_id) if v.text not in before]
        if broken:
            number = proposal.number
            db.session.rollback()
            raise HardRuleError(
                f"Voorstel {number} is niet gekozen: de medewerkers zien het voorstel "
                f"al, en de werkplannen zouden {_rules(len(broken))} overtreden. Er "
                "is niets veranderd.",
                broken,
                "Optimaliseer opnieuw rond de vastgezette keuzes.",
            )
    audit.record(
        "proposal_activated",
        by,
        object_type="proposal",
        object_id=proposal.id,
        number=proposal.number,
        akkoord_vervallen="; ".join(sorted(lapsed)),
        akkoord_behouden=len(kept),
    )
    if published:
        notifications.werkplan_changed(proposal.round, changed)
    db.session.commit()
    mail.kick()
    return ProposalChoice(proposal, sorted(lapsed), sorted(kept))
