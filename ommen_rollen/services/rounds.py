"""Planning rounds: open, close, show names, and who has given preferences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ..domain import RoundStatus
from ..extensions import db
from ..models import Employee, PlanningRound, Preference, User
from ..naming import name_key
from . import audit, mail, notifications
from .base import ServiceError, stamp

LABEL_MAX = 80


def today() -> date:
    """Today's date; a function so tests can move the clock."""
    return date.today()


def get_round(round_id: int, *, lock: bool = False) -> PlanningRound:
    """The round with this id, or a ServiceError.

    ``lock`` reads it fresh and holds its row until the commit (PostgreSQL:
    SELECT ... FOR UPDATE), so approving and starting an optimisation of one
    round happen one after the other, never interleaved.
    """
    if lock:
        round_ = db.session.get(
            PlanningRound, round_id, with_for_update=True, populate_existing=True
        )
    else:
        round_ = db.session.get(PlanningRound, round_id)
    if round_ is None:
        raise ServiceError("Deze planronde bestaat niet.")
    return round_


def all_rounds() -> list[PlanningRound]:
    """Every round, newest period first."""
    return list(
        db.session.scalars(
            select(PlanningRound).order_by(
                PlanningRound.starts_on.desc(), PlanningRound.id.desc()
            )
        )
    )


def open_round_now() -> PlanningRound | None:
    """The round medewerkers currently work in: open for preferences, or the newest
    one with proposals or approvals; None when there is none."""
    return db.session.scalar(
        select(PlanningRound)
        .where(
            PlanningRound.status.in_(
                [
                    RoundStatus.OPEN,
                    RoundStatus.CLOSED,
                    RoundStatus.PROPOSED,
                    RoundStatus.APPROVED,
                ]
            )
        )
        .order_by(PlanningRound.starts_on.desc(), PlanningRound.id.desc())
        .limit(1)
    )


def last_approved_round() -> PlanningRound | None:
    """The newest approved (or archived) round: the plan a new round starts from."""
    return db.session.scalar(
        select(PlanningRound)
        .where(PlanningRound.status.in_([RoundStatus.APPROVED, RoundStatus.ARCHIVED]))
        .order_by(PlanningRound.ends_on.desc(), PlanningRound.id.desc())
        .limit(1)
    )


def accepts_preferences(round_: PlanningRound, on: date | None = None) -> bool:
    """Preferences can be given while the round is open and the deadline has not
    passed (the deadline day itself still counts)."""
    if round_.status != RoundStatus.OPEN:
        return False
    return round_.deadline is None or (on or today()) <= round_.deadline


def validate_period(
    label: str, starts_on: date, ends_on: date, deadline: date | None
) -> dict[str, str]:
    """Field -> Dutch message for every problem with a new round's period."""
    errors: dict[str, str] = {}
    label = label.strip()
    if not label:
        errors["label"] = "Geef de planronde een naam, bijvoorbeeld 2027-H1."
    elif len(label) > LABEL_MAX:
        errors["label"] = f"De naam mag hoogstens {LABEL_MAX} tekens lang zijn."
    elif db.session.scalar(
        select(PlanningRound.id).where(PlanningRound.label == label)
    ):
        errors["label"] = "Er bestaat al een planronde met deze naam."
    if ends_on <= starts_on:
        errors["ends_on"] = "De einddatum moet na de begindatum liggen."
    if deadline is not None:
        if deadline < today():
            errors["deadline"] = (
                "De uiterste datum voor voorkeuren ligt in het verleden."
            )
        elif deadline > ends_on:
            errors["deadline"] = (
                "De uiterste datum voor voorkeuren moet vóór het einde van de "
                "periode liggen."
            )
    return errors


class RoundError(ServiceError):
    """Refused with a message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def open_round(
    label: str,
    starts_on: date,
    ends_on: date,
    deadline: date | None,
    by: User | None,
    *,
    show_names: bool = False,
) -> PlanningRound:
    """Open a new round for preferences; it starts from the last approved plan."""
    errors = validate_period(label, starts_on, ends_on, deadline)
    if errors:
        raise RoundError(errors)
    busy = db.session.scalar(
        select(PlanningRound.label).where(
            PlanningRound.status.in_(
                [RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.PROPOSED]
            )
        )
    )
    if busy:
        raise ServiceError(
            f"Planronde {busy} loopt nog: keur die eerst goed voordat u een nieuwe "
            "ronde opent."
        )
    previous = last_approved_round()
    round_ = PlanningRound(
        label=label.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        deadline=deadline,
        status=RoundStatus.OPEN,
        show_names=show_names,
        previous_round=previous,
        settings=dict(previous.settings) if previous else {},
    )
    stamp(round_, by, new=True)
    db.session.add(round_)
    db.session.flush()
    audit.record(
        "round_opened",
        by,
        object_type="planning_round",
        object_id=round_.id,
        label=round_.label,
        previous=previous.label if previous else None,
    )
    notifications.round_opened(round_)
    db.session.commit()
    mail.kick()
    return round_


@dataclass(frozen=True)
class CloseConcerns:
    """Why closing a round now may be too soon: its preference deadline has not
    passed, or medewerkers have given no preferences."""

    deadline: date | None
    days_left: int | None  # days until the deadline (0: today), None when passed
    missing: list[Employee]  # active medewerkers without preferences
    total: int  # active medewerkers

    @property
    def any(self) -> bool:
        return self.days_left is not None or bool(self.missing)

    def describe(self) -> str:
        """In Dutch, with the numbers: what closing now means."""
        parts = []
        if self.days_left is not None and self.deadline is not None:
            when = (
                "vandaag"
                if self.days_left == 0
                else f"nog {self.days_left} dag{'en' if self.days_left != 1 else ''}"
            )
            parts.append(
                "De uiterste datum voor voorkeuren is "
                f"{self.deadline.strftime('%d-%m-%Y')} ({when}): tot dan mogen "
                "medewerkers hun voorkeuren nog geven of wijzigen."
            )
        if self.missing:
            parts.append(
                f"{len(self.missing)} van de {self.total} medewerkers "
                f"{'heeft' if len(self.missing) == 1 else 'hebben'} nog geen "
                "voorkeuren opgegeven."
            )
        return " ".join(parts)


def close_concerns(round_id: int) -> CloseConcerns:
    """What the secretaris confirms before closing a round early."""
    round_ = get_round(round_id)
    progress = preference_progress(round_id)
    days_left = None
    if round_.deadline is not None and today() <= round_.deadline:
        days_left = (round_.deadline - today()).days
    return CloseConcerns(
        deadline=round_.deadline,
        days_left=days_left,
        missing=progress.missing,
        total=len(progress.given) + len(progress.missing),
    )


class NeedsConfirmation(ServiceError):
    """Closing now needs the secretaris's confirmation; the message says why."""


def close_round(
    round_id: int, by: User | None, *, confirmed: bool = True
) -> PlanningRound:
    """Close the round for preferences so it can be optimised. Before its deadline
    or with medewerkers who gave no preferences, the web asks first: it passes
    ``confirmed=False`` until the secretaris confirms (NeedsConfirmation). The
    audit log keeps what was confirmed."""
    round_ = get_round(round_id)
    if round_.status != RoundStatus.OPEN:
        raise ServiceError("Alleen een open planronde kan worden gesloten.")
    concerns = close_concerns(round_id)
    if concerns.any and not confirmed:
        raise NeedsConfirmation(concerns.describe())
    round_.status = RoundStatus.CLOSED
    stamp(round_, by)
    details: dict[str, Any] = {}
    if concerns.days_left is not None:
        details["days_before_deadline"] = concerns.days_left
    if concerns.missing:
        details["without_preferences"] = len(concerns.missing)
    audit.record(
        "round_closed", by, object_type="planning_round", object_id=round_.id, **details
    )
    db.session.commit()
    return round_


def reopen_round(round_id: int, by: User | None) -> PlanningRound:
    """Open a closed round again for preferences (before any plan is published),
    but not while an optimisation of it is queued or running: its plan would be
    made from preferences that are about to change."""
    from .jobs import solve_in_progress  # jobs imports this module

    round_ = get_round(round_id, lock=True)
    if round_.status != RoundStatus.CLOSED:
        raise ServiceError("Alleen een gesloten planronde kan weer worden geopend.")
    if solve_in_progress(round_id):
        db.session.rollback()  # let go of the round at once
        raise ServiceError(
            "De planronde kan niet weer worden geopend zolang er een optimalisatie "
            "loopt of in de wachtrij staat. Wacht tot die klaar is of stop hem, en "
            "open de ronde daarna."
        )
    round_.status = RoundStatus.OPEN
    stamp(round_, by)
    audit.record(
        "round_reopened", by, object_type="planning_round", object_id=round_.id
    )
    db.session.commit()
    return round_


def set_show_names(round_id: int, show: bool, by: User | None) -> PlanningRound:
    """Samen kiezen: show colleagues' names next to the interest counts, or not."""
    round_ = get_round(round_id)
    round_.show_names = show
    stamp(round_, by)
    audit.record(
        "round_show_names",
        by,
        object_type="planning_round",
        object_id=round_.id,
        show_names=show,
    )
    db.session.commit()
    return round_


@dataclass(frozen=True)
class PreferenceProgress:
    """Who has and who has not given preferences in a round."""

    given: list[tuple[Employee, int]]  # employee, number of preferences
    missing: list[Employee]


def preference_progress(round_id: int) -> PreferenceProgress:
    """Active employees with and without preferences in this round."""
    counts = dict(
        db.session.execute(
            select(Preference.employee_id, func.count(Preference.id))
            .where(Preference.round_id == round_id)
            .group_by(Preference.employee_id)
        ).all()
    )
    employees = sorted(
        db.session.scalars(select(Employee).where(Employee.active.is_(True))),
        key=lambda e: name_key(e.name),
    )
    given = [(e, counts[e.id]) for e in employees if counts.get(e.id)]
    missing = [e for e in employees if not counts.get(e.id)]
    return PreferenceProgress(given=given, missing=missing)
