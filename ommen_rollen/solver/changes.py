"""Changes during a period, typed: what a scenario does to an instance.

Six kinds, each a frozen dataclass: someone absent (:class:`Absence`), a lower
or other contract (:class:`ContractChange`), a role added (:class:`AddRole`),
removed (:class:`RemoveRole`) or resized (:class:`ResizeRole`), a new colleague
(:class:`Hire`). ``apply_change`` checks one change against an instance, once,
with one Dutch message per problem (an :class:`InstanceError`), and returns the
instance with the change made (``dataclasses.replace``; the input is never
touched). JSON is only the edge: ``change_from_json`` reads the format the CLI
and the database keep (docs/instance-format.md), ``change_to_json`` writes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..domain import FteError, parse_fte
from .instance import (
    Employee,
    Instance,
    InstanceError,
    Role,
    _parse_employees,
    _parse_roles,
    _Reader,
    employee_to_json,
    fte_number,
    role_to_json,
)

CHANGE_KINDS = ("absence", "contract", "add_role", "remove_role", "resize_role", "hire")
CHANGE_KEYS: dict[str, tuple[str, ...]] = {
    "absence": ("employee",),
    "contract": ("employee", "fte"),
    "add_role": ("role",),
    "remove_role": ("role",),
    "resize_role": ("role", "fte"),
    "hire": ("employee",),
}
INFORMATIVE_KEYS = ("kind", "from", "note")


@dataclass(frozen=True)
class Absence:
    """Absent (ziek, verlof, vertrek) for the rest of the period."""

    employee: str


@dataclass(frozen=True)
class ContractChange:
    employee: str
    fte: int  # units


@dataclass(frozen=True)
class AddRole:
    role: Role


@dataclass(frozen=True)
class RemoveRole:
    role: str


@dataclass(frozen=True)
class ResizeRole:
    role: str
    fte: int  # units


@dataclass(frozen=True)
class Hire:
    employee: Employee


Change = Absence | ContractChange | AddRole | RemoveRole | ResizeRole | Hire

KIND_OF: dict[type[Any], str] = {
    Absence: "absence",
    ContractChange: "contract",
    AddRole: "add_role",
    RemoveRole: "remove_role",
    ResizeRole: "resize_role",
    Hire: "hire",
}


def kind_of(change: Change) -> str:
    """The format's name of a change's kind ('absence', 'contract', ...)."""
    return KIND_OF[type(change)]


@dataclass(frozen=True)
class Applied:
    """An instance with changes made, and whom and what they touch."""

    instance: Instance
    employees: frozenset[str] = frozenset()  # changed or new employees
    roles: frozenset[str] = frozenset()  # changed, new or removed roles


# ------------------------------------------------------------------ applying


def apply_changes(instance: Instance, changes: Iterable[Change]) -> Applied:
    """``instance`` with every change made in order; raises InstanceError with
    one Dutch message per problem (``changes[2].fte: moet groter zijn dan 0``)
    and changes nothing when any change does not apply."""
    return _applied(instance, ((change, []) for change in changes))


def apply_json_changes(instance: Instance, changes: Iterable[Any]) -> Applied:
    """apply_changes on changes in the JSON format (the CLI's file), each read
    with change_from_json's reader: a change that cannot be read is refused
    beside those that do not apply, in one InstanceError in the changes' order."""
    return _applied(
        instance,
        (_read_change(change, f"changes[{i}]") for i, change in enumerate(changes)),
    )


def _applied(
    instance: Instance, changes: Iterable[tuple[Change | None, list[str]]]
) -> Applied:
    """Each (change, problems of its format) checked and made in order."""
    applied, errors = Applied(instance), []
    for i, (change, problems) in enumerate(changes):
        if change is not None:
            problems = problems + _problems(applied.instance, change, f"changes[{i}]")
        if problems or change is None:
            errors.extend(problems)
        else:
            applied = _made(applied, change)
    if errors:
        raise InstanceError(errors)
    return applied


def apply_change(applied: Applied, change: Change, where: str) -> Applied:
    """One change checked against ``applied.instance`` and made: the one check
    of each kind."""
    problems = _problems(applied.instance, change, where)
    if problems:
        raise InstanceError(problems)
    return _made(applied, change)


def _made(applied: Applied, change: Change) -> Applied:
    instance = applied.instance
    employees, roles = set(applied.employees), set(applied.roles)
    if isinstance(change, Absence | ContractChange):
        employees.add(change.employee)
        instance = _with_employee(instance, change)
    elif isinstance(change, Hire):
        employees.add(change.employee.id)
        instance = replace(instance, employees=(*instance.employees, change.employee))
    elif isinstance(change, AddRole):
        roles.add(change.role.id)
        instance = replace(instance, roles=(*instance.roles, change.role))
    elif isinstance(change, RemoveRole):
        roles.add(change.role)
        instance = _without_role(instance, change.role)
    else:
        roles.add(change.role)
        instance = _resized(instance, change)
    return Applied(instance, frozenset(employees), frozenset(roles))


def _problems(instance: Instance, change: Change, where: str) -> list[str]:
    """What is wrong with ``change`` on ``instance`` ([] when it applies)."""
    problems: list[str] = []
    if isinstance(change, Absence | ContractChange):
        if change.employee not in instance.employee_by_id:
            problems.append(
                f"{where}.employee: onbekende medewerker {change.employee!r}"
            )
    elif isinstance(change, RemoveRole | ResizeRole):
        if change.role not in instance.role_by_id:
            problems.append(f"{where}.role: onbekende rol {change.role!r}")
    elif isinstance(change, Hire):
        if change.employee.id in instance.employee_by_id:
            problems.append(f"{where}.employee: een object met een nieuw id")
        problems += _new_employee_problems(change.employee, f"{where}.employee")
    else:
        if change.role.id in instance.role_by_id:
            problems.append(f"{where}.role: een object met een nieuw id")
        problems += _new_role_problems(change.role, f"{where}.role")
    if isinstance(change, ContractChange | ResizeRole) and change.fte <= 0:
        problems.append(f"{where}.fte: moet groter zijn dan 0")
    return problems


def _new_employee_problems(employee: Employee, where: str) -> list[str]:
    problems = []
    if not employee.id.strip():
        problems.append(f"{where}.id: moet een niet-lege tekst zijn")
    if employee.fte <= 0:
        problems.append(f"{where}.fte: moet groter zijn dan 0")
    if not employee.base_function.strip():
        problems.append(f"{where}.base_function: moet een niet-lege tekst zijn")
    if not 0 <= employee.reserved_fte <= employee.fte:
        problems.append(f"{where}.reserved_fte: mag niet groter zijn dan fte")
    return problems


def _new_role_problems(role: Role, where: str) -> list[str]:
    problems = []
    if not role.id.strip():
        problems.append(f"{where}.id: moet een niet-lege tekst zijn")
    if role.fte <= 0:
        problems.append(f"{where}.fte: moet groter zijn dan 0")
    if not role.base_functions or not all(b.strip() for b in role.base_functions):
        problems.append(
            f"{where}.base_functions: moet een niet-lege lijst teksten zijn"
        )
    if not 0 < role.min_share <= role.fte:
        problems.append(f"{where}.min_share: moet groter zijn dan 0 en hoogstens fte")
    return problems


def _with_employee(instance: Instance, change: Absence | ContractChange) -> Instance:
    def changed(e: Employee) -> Employee:
        if e.id != change.employee:
            return e
        if isinstance(change, Absence):
            return replace(e, available=False)
        return replace(e, fte=change.fte, reserved_fte=min(e.reserved_fte, change.fte))

    return replace(instance, employees=tuple(map(changed, instance.employees)))


def _without_role(instance: Instance, role_id: str) -> Instance:
    """The role gone, with every preference, previous, pin, forbid and effort
    of it."""
    return replace(
        instance,
        roles=tuple(r for r in instance.roles if r.id != role_id),
        preferences=tuple(p for p in instance.preferences if p.role != role_id),
        previous=tuple(p for p in instance.previous if p.role != role_id),
        pins=tuple(p for p in instance.pins if p.role != role_id),
        forbid=tuple(f for f in instance.forbid if f.role != role_id),
        effort=tuple(x for x in instance.effort if x.role != role_id),
    )


def _resized(instance: Instance, change: ResizeRole) -> Instance:
    def changed(r: Role) -> Role:
        if r.id != change.role:
            return r
        return replace(r, fte=change.fte, min_share=min(r.min_share, change.fte))

    return replace(instance, roles=tuple(map(changed, instance.roles)))


# ---------------------------------------------------------------------- JSON


def change_from_json(raw: Any, where: str) -> Change:
    """A change in the format of docs/instance-format.md, typed; raises
    InstanceError (Dutch, per field) for a change that is not in the format.
    Whether it applies to an instance is apply_change's check."""
    found, errors = _read_change(raw, where)
    if errors or found is None:
        raise InstanceError(errors)
    return found


def _read_change(raw: Any, where: str) -> tuple[Change | None, list[str]]:
    """The change (None when it cannot be read) and the problems of its format."""
    if not isinstance(raw, Mapping):
        return None, [f"{where}: moet een object zijn"]
    kind = raw.get("kind")
    if kind not in CHANGE_KINDS:
        return None, [f"{where}.kind: onbekend (bekend: {', '.join(CHANGE_KINDS)})"]
    required = CHANGE_KEYS[kind]
    errors = [
        f"{where}.{key}: onbekend veld"
        for key in raw
        if key not in required and key not in INFORMATIVE_KEYS
    ]
    errors += [f"{where}.{key}: ontbreekt" for key in required if key not in raw]
    if "from" in raw:
        try:
            dt.date.fromisoformat(str(raw["from"]))
        except ValueError:
            errors.append(f"{where}.from: geen datum (JJJJ-MM-DD)")
    if any(key not in raw for key in required):
        return None, errors
    units = None
    if "fte" in required:
        try:
            units = parse_fte(str(raw["fte"]))
        except FteError as exc:
            errors.append(f"{where}.fte: {exc}")
    found: Change | None = None
    if kind == "absence":
        found = Absence(str(raw["employee"]))
    elif kind == "remove_role":
        found = RemoveRole(str(raw["role"]))
    elif kind == "contract" and units is not None:
        found = ContractChange(str(raw["employee"]), units)
    elif kind == "resize_role" and units is not None:
        found = ResizeRole(str(raw["role"]), units)
    elif kind == "hire":
        found = _entry(raw["employee"], f"{where}.employee", "employees", errors)
    elif kind == "add_role":
        found = _entry(raw["role"], f"{where}.role", "roles", errors)
    return found, errors


def _entry(raw: Any, where: str, key: str, errors: list[str]) -> Change | None:
    """A new employee or role read as the instance format reads its entries."""
    if not isinstance(raw, Mapping):
        errors.append(f"{where}: een object met een nieuw id")
        return None
    read = _Reader()
    data = {key: [dict(raw)]}
    entries = (
        _parse_employees(read, data) if key == "employees" else _parse_roles(read, data)
    )
    errors.extend(e.replace(f"{key}[0]", where, 1) for e in read.errors)
    if read.errors or not entries:
        return None
    entry = entries[0]
    return Hire(entry) if isinstance(entry, Employee) else AddRole(entry)


def changes_from_json(raw: Any) -> list[Change]:
    """A list of changes in the format, typed; every problem of every change in
    one InstanceError."""
    if not isinstance(raw, list):
        raise InstanceError(["changes: moet een lijst zijn"])
    found, errors = [], []
    for i, item in enumerate(raw):
        try:
            found.append(change_from_json(item, f"changes[{i}]"))
        except InstanceError as exc:
            errors.extend(exc.errors)
    if errors:
        raise InstanceError(errors)
    return found


def change_to_json(change: Change) -> dict[str, Any]:
    """A change in the format (what the database keeps): change_from_json reads
    it back to the same change."""
    data: dict[str, Any] = {"kind": kind_of(change)}
    if isinstance(change, Absence | ContractChange):
        data["employee"] = change.employee
    if isinstance(change, RemoveRole | ResizeRole):
        data["role"] = change.role
    if isinstance(change, ContractChange | ResizeRole):
        data["fte"] = fte_number(change.fte)
    if isinstance(change, Hire):
        data["employee"] = employee_to_json(change.employee)
    if isinstance(change, AddRole):
        data["role"] = role_to_json(change.role)
    return data
