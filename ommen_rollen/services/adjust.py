"""Adjust a plan by hand: pin or forbid an assignment for the next run, move a
role from one holder to another in the current werkplannen. The hard rules are
checked at once (the solver's independent checker for werkplannen, its pin
diagnosis for pins): a change that breaks one is refused and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..domain import (
    AssignmentKind,
    Choice,
    FteError,
    RoundStatus,
    format_fte,
    parse_fte,
)
from ..extensions import db
from ..models import (
    Assignment,
    Employee,
    Pin,
    PinKind,
    Preference,
    Role,
    User,
    WorkPlan,
    WorkPlanStatus,
)
from ..solver.instance import fte_number
from . import audit, mail, notifications
from .approval import editable_version
from .base import ServiceError, stamp
from .hard_rules import HardRuleError, check_current
from .rounds import get_round
from .solver_bridge import build_instance, current_plans

__all__ = ["check_current"]

EDITABLE = (RoundStatus.CLOSED, RoundStatus.PROPOSED, RoundStatus.APPROVED)


@dataclass
class Change:
    """A change that was made, with what to know about it: notes on soft rules
    and on the current werkplannen (no hard rule is broken, or it is refused)."""

    notes: list[str] = field(default_factory=list)


def round_pins(round_id: int) -> list[Pin]:
    return list(
        db.session.scalars(select(Pin).where(Pin.round_id == round_id).order_by(Pin.id))
    )


def add_pin(
    round_id: int,
    employee_id: int,
    role_id: int,
    kind: AssignmentKind,
    pin_kind: PinKind,
    fte: str | int | None,
    by: User | None,
) -> Change:
    """Pin (must) or forbid (must not) an assignment in the next optimiser run;
    ``fte`` is text like '0,5' (or units as int), empty to let the optimiser choose.
    Refused, with nothing stored, when the pin contradicts a hard rule, another
    pin or an approved werkplan."""
    fte_units: int | None = None
    if isinstance(fte, int):
        fte_units = fte
    elif fte is not None and fte.strip():
        try:
            fte_units = parse_fte(fte)
        except FteError as exc:
            raise ServiceError(f"Fte: {exc}.") from exc
    round_ = get_round(round_id)
    if round_.status not in EDITABLE:
        raise ServiceError("Vastzetten kan pas als de planronde gesloten is.")
    employee = db.session.get(Employee, employee_id)
    role = db.session.get(Role, role_id)
    if employee is None or not employee.active:
        raise ServiceError("Deze medewerker bestaat niet of is niet actief.")
    if role is None or not role.active:
        raise ServiceError("Deze rol bestaat niet of is niet actief.")
    if pin_kind == PinKind.FORBID or kind == AssignmentKind.BACKUP:
        fte_units = None
    elif fte_units is not None and not 0 < fte_units <= role.fte_units:
        raise ServiceError(
            f"De fte moet groter dan 0 en hoogstens {format_fte(role.fte_units)} "
            "(de fte van de rol) zijn."
        )
    if db.session.scalar(
        select(Pin.id).where(
            Pin.round_id == round_id,
            Pin.employee_id == employee_id,
            Pin.role_id == role_id,
            Pin.kind == kind,
        )
    ):
        raise ServiceError("Voor deze medewerker, rol en soort bestaat al een keuze.")
    label = f"{employee.name} als {kind.label} van {role.name}"
    if pin_kind == PinKind.PIN:
        _check_pin_fits(round_id, employee, role, kind, fte_units, label)
    before = _pin_conflicts(round_id)
    pin = Pin(
        round_id=round_id,
        employee_id=employee_id,
        role_id=role_id,
        kind=kind,
        pin_kind=pin_kind,
        fte_units=fte_units,
    )
    stamp(pin, by, new=True)
    db.session.add(pin)
    db.session.flush()
    new = [c for c in _pin_conflicts(round_id) if c not in before]
    if new:
        db.session.rollback()
        what = "Vastzetten" if pin_kind == PinKind.PIN else "Verbieden"
        raise HardRuleError(
            f"{what} geweigerd: {label} kan niet. Er is niets vastgelegd.", new
        )
    change = Change()
    if not _kept_by_current(round_id, pin):
        now = (
            f"De huidige werkplannen houden zich nog niet aan deze keuze ({label})."
            if pin_kind == PinKind.PIN
            else f"De huidige werkplannen bevatten nog deze toewijzing ({label})."
        )
        change.notes.append(
            f"{now} Optimaliseer opnieuw (of verplaats de rol) om de keuze toe te "
            "passen; voorleggen en goedkeuren kan pas als de werkplannen eraan "
            "voldoen."
        )
    audit.record(
        "pin_added",
        by,
        object_type="pin",
        object_id=pin.id,
        round_id=round_id,
        employee_id=employee_id,
        role=role.code,
        kind=kind.value,
        pin_kind=pin_kind.value,
    )
    db.session.commit()
    return change


def _check_pin_fits(
    round_id: int,
    employee: Employee,
    role: Role,
    kind: AssignmentKind,
    fte_units: int | None,
    label: str,
) -> None:
    """A pin next to another pin of the same medewerker and role, or on an
    approved werkplan that does not have it (with that share), is refused."""
    other = db.session.scalar(
        select(Pin).where(
            Pin.round_id == round_id,
            Pin.employee_id == employee.id,
            Pin.role_id == role.id,
            Pin.pin_kind == PinKind.PIN,
            Pin.kind != kind,
        )
    )
    if other is not None:
        raise HardRuleError(
            f"Vastzetten geweigerd: {label} kan niet. Er is niets vastgelegd.",
            [
                f"{employee.name} is al vastgezet als {other.kind.label} van "
                f"{role.name}; één medewerker heeft per rol één soort toewijzing "
                "(een vervanger houdt de rol niet zelf)."
            ],
        )
    plan = next(
        (p for p in current_plans(round_id) if p.employee_id == employee.id), None
    )
    if plan is not None and plan.status == WorkPlanStatus.APPROVED:
        if not any(
            a.role_id == role.id
            and a.kind == kind
            and (fte_units is None or a.fte_units == fte_units)
            for a in plan.assignments
        ):
            raise HardRuleError(
                f"Vastzetten geweigerd: {label} kan niet. Er is niets vastgelegd.",
                [
                    f"Het werkplan van {employee.name} is goedgekeurd en ligt vast; "
                    f"daarin is {employee.name} geen {kind.label} van {role.name}"
                    + (
                        f" met {format_fte(fte_units)} fte."
                        if fte_units is not None
                        else "."
                    )
                ],
                "Verplaats eerst de rol in het werkplan (er komt dan een nieuwe "
                "versie, die opnieuw akkoord en goedkeuring nodig heeft).",
            )


def _pin_conflicts(round_id: int) -> list[str]:
    """What the solver would name as contradicting pins in the next run (pins,
    forbids and approved werkplannen together), in Dutch with names."""
    from ..solver import InstanceError, parse_instance
    from ..solver.diagnose import pin_conflicts
    from ..solver.eligibility import facts_of

    try:
        parsed = parse_instance(build_instance(round_id))
    except InstanceError as exc:
        return exc.errors  # they name fields by position: there are no names
    return pin_conflicts(facts_of(parsed))


def _kept_by_current(round_id: int, pin: Pin) -> bool:
    """Whether the current werkplannen already keep this pin or forbid."""
    plans = current_plans(round_id)
    if not plans:
        return True
    present = any(
        p.employee_id == pin.employee_id
        and a.role_id == pin.role_id
        and a.kind == pin.kind
        for p in plans
        for a in p.assignments
    )
    return present if pin.pin_kind == PinKind.PIN else not present


def remove_pin(pin_id: int, by: User | None) -> None:
    """Take a pin or forbid away."""
    pin = db.session.get(Pin, pin_id)
    if pin is None:
        raise ServiceError("Deze keuze bestaat niet.")
    audit.record(
        "pin_removed",
        by,
        object_type="pin",
        object_id=pin.id,
        round_id=pin.round_id,
        employee_id=pin.employee_id,
        role_id=pin.role_id,
    )
    db.session.delete(pin)
    db.session.commit()


def move_holder(
    round_id: int, role_id: int, from_id: int, to_id: int, by: User | None
) -> Change:
    """Move a holder share of a role from one employee to another in the current
    werkplannen (approved ones get a new version). Refused, with nothing changed,
    when the move breaks a hard rule; the notes are about soft rules."""
    round_ = get_round(round_id)
    if round_.status not in EDITABLE:
        raise ServiceError("Verplaatsen kan pas als er een voorstel is.")
    if from_id == to_id:
        raise ServiceError("Kies twee verschillende medewerkers.")
    plans = {p.employee_id: p for p in current_plans(round_id)}
    source, target = plans.get(from_id), plans.get(to_id)
    if source is None or target is None:
        raise ServiceError(
            "Beide medewerkers moeten een werkplan in deze ronde hebben."
        )
    held = next(
        (
            a
            for a in source.assignments
            if a.role_id == role_id and a.kind == AssignmentKind.HOLDER
        ),
        None,
    )
    if held is None:
        raise ServiceError("Deze medewerker houdt deze rol niet.")
    role_name, person_name = held.role.name, target.employee.name
    before = set(check_current(round_id))
    share = held.fte_units
    change = Change()
    source = editable_version(source, by)
    target = editable_version(target, by)
    for a in list(source.assignments):
        if a.role_id == role_id and a.kind == AssignmentKind.HOLDER:
            source.assignments.remove(a)
    existing = next(
        (
            a
            for a in target.assignments
            if a.role_id == role_id and a.kind == AssignmentKind.HOLDER
        ),
        None,
    )
    if existing is not None:
        existing.fte_units += share
    else:
        # A holder cannot also be the backup of the same role.
        for a in list(target.assignments):
            if a.role_id == role_id and a.kind == AssignmentKind.BACKUP:
                target.assignments.remove(a)
                change.notes.append(
                    f"{person_name} was vervanger van {role_name}; die rol heeft nu "
                    "een vervanger minder."
                )
        new = Assignment(role_id=role_id, kind=AssignmentKind.HOLDER, fte_units=share)
        stamp(new, by, new=True)
        target.assignments.append(new)
    db.session.flush()
    broken = [v for v in check_current(round_id) if v not in before]
    if broken:
        db.session.rollback()
        raise HardRuleError(
            f"Verplaatsen geweigerd: {role_name} kan niet naar {person_name}. Er is "
            "niets veranderd.",
            broken,
        )
    avoid = db.session.scalar(
        select(Preference.id).where(
            Preference.round_id == round_id,
            Preference.employee_id == to_id,
            Preference.role_id == role_id,
            Preference.choice == Choice.AVOID,
        )
    )
    if avoid is not None:
        change.notes.append(f"{person_name} had liever niet {role_name}.")
    entry = audit.record(
        "assignment_moved",
        by,
        object_type="planning_round",
        object_id=round_id,
        role_id=role_id,
        from_employee_id=from_id,
        to_employee_id=to_id,
        fte=fte_number(share),
    )
    if round_.status == RoundStatus.PROPOSED:  # the medewerkers see it
        db.session.flush()
        notifications.werkplan_changed(round_, [source, target], event=str(entry.id))
    db.session.commit()
    mail.kick()
    return change


def plan_for(round_id: int, employee_id: int) -> WorkPlan | None:
    return db.session.scalar(
        select(WorkPlan).where(
            WorkPlan.round_id == round_id,
            WorkPlan.employee_id == employee_id,
            WorkPlan.current.is_(True),
        )
    )
