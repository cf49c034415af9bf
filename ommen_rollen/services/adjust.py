"""Adjust a plan by hand: pin or forbid an assignment for the next run, move a
role from one holder to another in the current werkplannen, and check the hard
rules at once with the solver's independent checker."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from ..domain import AssignmentKind, FteError, RoundStatus, format_fte, parse_fte
from ..extensions import db
from ..models import Assignment, Employee, Pin, PinKind, Role, User, WorkPlan
from . import audit
from .approval import editable_version
from .base import ServiceError, stamp
from .rounds import get_round
from .solver_bridge import build_instance, current_plans, employee_key, fte_number

EDITABLE = (RoundStatus.CLOSED, RoundStatus.PROPOSED, RoundStatus.APPROVED)


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
) -> Pin:
    """Pin (must) or forbid (must not) an assignment in the next optimiser run;
    ``fte`` is text like '0,5' (or units as int), empty to let the optimiser choose."""
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
    return pin


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
) -> list[str]:
    """Move a holder share of a role from one employee to another in the current
    werkplannen (approved ones get a new version). Returns the checker's warnings."""
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
    share = held.fte_units
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
        new = Assignment(role_id=role_id, kind=AssignmentKind.HOLDER, fte_units=share)
        stamp(new, by, new=True)
        target.assignments.append(new)
    audit.record(
        "assignment_moved",
        by,
        object_type="planning_round",
        object_id=round_id,
        role_id=role_id,
        from_employee_id=from_id,
        to_employee_id=to_id,
        fte=fte_number(share),
    )
    db.session.flush()
    warnings = check_current(round_id)
    db.session.commit()
    return warnings


def current_plan_json(round_id: int, instance: dict[str, Any]) -> dict[str, Any]:
    """The current werkplannen as plan format v1, with every shortfall listed."""
    plans = current_plans(round_id)
    codes = {r.id: r.code for r in db.session.scalars(select(Role))}
    assignments: list[dict[str, Any]] = []
    for plan in plans:
        for a in plan.assignments:
            item: dict[str, Any] = {
                "employee": employee_key(plan.employee_id),
                "role": codes[a.role_id],
                "kind": a.kind.value,
            }
            if a.kind != AssignmentKind.BACKUP:
                item["fte"] = fte_number(a.fte_units)
            if a.kind == AssignmentKind.LEARNER and a.mentor_id is not None:
                item["mentor"] = employee_key(a.mentor_id)
            assignments.append(item)
    uncovered, missing = [], []
    for role in instance.get("roles", []):
        held = sum(
            round(float(a["fte"]) * 10_000)
            for a in assignments
            if a["role"] == role["id"] and a["kind"] == "holder"
        )
        short = round(float(role["fte"]) * 10_000) - held
        if short > 0:
            uncovered.append(
                {"role": role["id"], "fte": short / 10_000, "reason": "handmatig"}
            )
        backups = sum(
            1 for a in assignments if a["role"] == role["id"] and a["kind"] == "backup"
        )
        if backups < int(role.get("backups", 1)):
            missing.append(
                {
                    "role": role["id"],
                    "missing": int(role.get("backups", 1)) - backups,
                    "reason": "handmatig",
                }
            )
    return {
        "version": 1,
        "status": "feasible",
        "assignments": assignments,
        "uncovered": uncovered,
        "missing_backups": missing,
        "objective": {"value": 0, "bound": 0, "terms": {}},
        "metrics": {},
        "explanations": {},
        "vulnerability": {},
    }


def check_current(round_id: int) -> list[str]:
    """The hard-rule violations of the current werkplannen, including pins and
    forbids, from the independent checker ([] when all hold)."""
    if not current_plans(round_id):
        return []
    from ..solver import check_plan

    instance = build_instance(round_id)
    found = check_plan(instance, current_plan_json(round_id, instance))
    return [readable(message, instance) for message in found]


def readable(message: str, instance: dict[str, Any]) -> str:
    """A checker message with names for the instance ids ("medewerker m12" becomes
    "medewerker Anouk de Vries", "rol r03" gets the role's name)."""
    people = {e["id"]: e["name"] for e in instance["employees"]}
    roles = {r["id"]: r["name"] for r in instance["roles"]}

    def person(match: re.Match[str]) -> str:
        return f"medewerker {people.get(match[1], match[1])}"

    def role(match: re.Match[str]) -> str:
        name = roles.get(match[1])
        return f"rol {match[1]} {name}" if name else match[0]

    message = re.sub(r"medewerker (m\d+)\b", person, message)
    return re.sub(r"\brol ([\w.-]+)", role, message)


def plan_for(round_id: int, employee_id: int) -> WorkPlan | None:
    return db.session.scalar(
        select(WorkPlan).where(
            WorkPlan.round_id == round_id,
            WorkPlan.employee_id == employee_id,
            WorkPlan.current.is_(True),
        )
    )
