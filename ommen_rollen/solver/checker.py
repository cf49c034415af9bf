"""Independent plan checker: re-verifies every hard rule of a plan against its instance.

The checker reads both JSON documents (instance format v1, plan format v1) itself,
as plain dicts, and shares no code with the model, the solver's parsing or its
extraction: only ``parse_fte``/``FTE_SCALE`` from the domain for exact fte. Every
amount is held as integer fte units or, where ``effort`` scales a share, as an exact
``Fraction`` of units: nothing is compared as a float.

``check_plan`` returns one Dutch line per violation, each naming the employee, the
role and the rule; ``[]`` means every hard rule holds and every shortfall (uncovered
fte, missing backups) is reported honestly in the plan.

Readings of the rules (where the issue leaves room):

- Coverage is exact: holder shares + reported uncovered fte == role fte. An
  unreported shortfall, an over-report and over-coverage are all violations.
- Holder load is the share, or ``share * effort / role fte`` when the instance has an
  ``effort`` entry for that employee and role. Learner fte counts in full. Together
  they must fit in ``fte - reserved_fte``.
- ``max_roles`` counts the distinct roles an employee holds or learns; being a
  backup (vervanger) is standing in, not a role of one's own, and is bounded by
  ``max_backup_share`` instead. Backup load is measured against the contract fte.
- A role gets exactly ``backups`` backups, or fewer with the shortfall reported in
  ``missing_backups`` with the exact count. More backups than asked is a violation,
  unless the extra backups are pinned.
- A pin without ``kind`` is a holder pin; a holder pin with ``fte`` fixes the share,
  other pins only require presence. A forbid without ``kind`` forbids every kind.
- A learner needs an eligible rompfunctie (not the competences) and a mentor: another
  employee who holds that role in the plan. Nobody learns a role they hold.
- Plans with status ``invalid`` (input refused) or ``infeasible`` (pins and forbids
  contradict each other) carry no plan to check: one line says so.
- A holder whose fte cannot be read is reported once; the coverage of that role is
  then not summed (it would only repeat the same fault).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from ommen_rollen.domain import (
    ASSIGNMENT_KIND_LABELS,
    FTE_SCALE,
    AssignmentKind,
    PlanStatus,
    parse_fte,
)

KIND_LABELS: dict[str, str] = {k.value: v for k, v in ASSIGNMENT_KIND_LABELS.items()}
CHECKED_STATUSES: set[str] = {
    PlanStatus.OPTIMAL,
    PlanStatus.FEASIBLE,
    PlanStatus.UNKNOWN,
    PlanStatus.CANCELLED,
}
UNCHECKED_STATUSES: dict[str, str] = {
    PlanStatus.INVALID: "de invoer is geweigerd",
    PlanStatus.INFEASIBLE: "vastgezette en verboden toewijzingen spreken elkaar tegen",
}


# --- the instance, as the checker reads it -------------------------------------------


@dataclass(frozen=True)
class _Employee:
    id: str
    fte: int  # contract fte in units
    base_function: str
    competences: dict[str, int]
    available: bool
    reserved: int  # units kept free for other work
    max_roles: int | None


@dataclass(frozen=True)
class _Role:
    id: str
    fte: int  # units
    base_functions: frozenset[str]
    requires: dict[str, int]
    backups: int
    max_holders: int
    min_share: int  # units


@dataclass(frozen=True)
class _Pin:
    employee: str
    role: str
    kind: str
    fte: int | None  # units; only meaningful for holder pins


@dataclass
class _Instance:
    employees: dict[str, _Employee]
    roles: dict[str, _Role]
    pins: list[_Pin]
    forbids: set[tuple[str, str, str | None]]  # kind None: every kind
    effort: dict[tuple[str, str], int]  # units to hold the whole role
    max_backup_share: Fraction
    split_step_minutes: int = 0  # split shares in whole steps of a 36-hour week


@dataclass(frozen=True)
class _Assignment:
    where: str  # "assignments[3]"
    employee: str
    role: str
    kind: str
    fte: int | None  # units (holder/learner); None when absent or unreadable
    mentor: str | None


class _Refused(Exception):
    """The instance cannot be read well enough to check a plan against it."""


# --- exact amounts ----------------------------------------------------------------


_MAX_DIGITS = 30  # far beyond any fte, far below a number that costs time to read


def _read_units(value: object) -> int:
    """A JSON fte number as units; ValueError (Dutch) when not exact or not a number."""
    if value is None:
        raise ValueError("ontbreekt")
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"{value!r} is geen getal")
    text = str(value).strip().replace(",", ".")
    try:
        if abs(Decimal(text).adjusted()) > _MAX_DIGITS:
            # '1e999999999' would make parse_fte build a billion-digit integer
            raise ValueError(f"'{value}' is geen redelijk fte-getal")
    except (InvalidOperation, OverflowError):
        pass  # parse_fte names the fault
    # FteError is a ValueError with a Dutch message; a float goes through its repr,
    # so 0.30000000000000004 is refused as more than four decimals, not rounded.
    return parse_fte(str(value) if isinstance(value, float) else value)


def _is_one(version: object) -> bool:
    return isinstance(version, int) and not isinstance(version, bool) and version == 1


def _show(amount: int | Fraction) -> str:
    """Dutch fte display of units (or an exact fraction of units): '0,2', '1,0'."""
    value = Fraction(amount) / FTE_SCALE
    text = f"{Decimal(value.numerator) / Decimal(value.denominator):.4f}"
    text = text.rstrip("0")
    if text.endswith("."):
        text += "0"
    prefix = "" if (value * FTE_SCALE).denominator == 1 else "~"
    return prefix + text.replace(".", ",")


def _who(employee: str, role: str, kind: str) -> str:
    return f"medewerker {employee}, rol {role} ({KIND_LABELS.get(kind, kind)})"


# --- reading the instance -----------------------------------------------------------


def _field(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry:
        raise _Refused(f"{where}.{key}: ontbreekt")
    return entry[key]


def _text_field(entry: dict[str, Any], key: str, where: str) -> str:
    value = _field(entry, key, where)
    if not isinstance(value, str) or not value:
        raise _Refused(f"{where}.{key}: moet een niet-lege tekst zijn")
    return value


def _units_field(
    entry: dict[str, Any], key: str, where: str, default: int | None = None
) -> int:
    if key not in entry or entry[key] is None:
        if default is None:
            raise _Refused(f"{where}.{key}: ontbreekt")
        return default
    try:
        units = _read_units(entry[key])
    except ValueError as exc:
        raise _Refused(f"{where}.{key}: {exc}") from exc
    if units < 0:
        raise _Refused(f"{where}.{key}: mag niet negatief zijn")
    return units


def _int_field(entry: dict[str, Any], key: str, where: str, default: int) -> int:
    value = entry.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Refused(f"{where}.{key}: moet een geheel getal >= 0 zijn")
    return value


def _levels(value: object, where: str) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
        for k, v in value.items()
    ):
        raise _Refused(f"{where}: moet competentie -> niveau (geheel getal) zijn")
    return dict(value)


def _entries(data: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Refused(f"{key}: moet een lijst zijn")
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise _Refused(f"{key}[{index}]: moet een object zijn")
    return [(f"{key}[{index}]", entry) for index, entry in enumerate(value)]


def _read_employee(where: str, entry: dict[str, Any]) -> _Employee:
    ident = _text_field(entry, "id", where)
    max_roles = entry.get("max_roles")
    if max_roles is not None and (
        isinstance(max_roles, bool) or not isinstance(max_roles, int) or max_roles < 0
    ):
        raise _Refused(f"{where}.max_roles: moet een geheel getal >= 0 zijn")
    available = entry.get("available", True)
    if not isinstance(available, bool):
        raise _Refused(f"{where}.available: moet true of false zijn")
    return _Employee(
        id=ident,
        fte=_units_field(entry, "fte", where),
        base_function=_text_field(entry, "base_function", where),
        competences=_levels(entry.get("competences"), f"{where}.competences"),
        available=available,
        reserved=_units_field(entry, "reserved_fte", where, default=0),
        max_roles=max_roles,
    )


def _read_role(where: str, entry: dict[str, Any]) -> _Role:
    ident = _text_field(entry, "id", where)
    fte = _units_field(entry, "fte", where)
    if fte == 0:
        raise _Refused(f"{where}.fte: moet groter zijn dan 0")
    base_functions = _field(entry, "base_functions", where)
    if not isinstance(base_functions, list):
        raise _Refused(f"{where}.base_functions: moet een lijst zijn")
    return _Role(
        id=ident,
        fte=fte,
        base_functions=frozenset(str(b) for b in base_functions),
        requires=_levels(entry.get("requires"), f"{where}.requires"),
        backups=_int_field(entry, "backups", where, default=1),
        max_holders=_int_field(entry, "max_holders", where, default=1),
        min_share=_units_field(entry, "min_share", where, default=fte),
    )


def _read_instance(data: object) -> _Instance:
    if not isinstance(data, dict):
        raise _Refused("moet een JSON-object zijn")
    if not _is_one(data.get("version")):
        raise _Refused(f"version: {data.get('version')!r} wordt niet ondersteund")
    employees: dict[str, _Employee] = {}
    for where, entry in _entries(data, "employees"):
        employee = _read_employee(where, entry)
        if employee.id in employees:
            raise _Refused(f"{where}.id: dubbele medewerker '{employee.id}'")
        employees[employee.id] = employee
    roles: dict[str, _Role] = {}
    for where, entry in _entries(data, "roles"):
        role = _read_role(where, entry)
        if role.id in roles:
            raise _Refused(f"{where}.id: dubbele rol '{role.id}'")
        roles[role.id] = role

    def pair(where: str, entry: dict[str, Any]) -> tuple[str, str]:
        employee = _field(entry, "employee", where)
        role = _field(entry, "role", where)
        if not isinstance(employee, str) or employee not in employees:
            raise _Refused(f"{where}.employee: onbekende medewerker '{employee}'")
        if not isinstance(role, str) or role not in roles:
            raise _Refused(f"{where}.role: onbekende rol '{role}'")
        return employee, role

    def kind_of(where: str, entry: dict[str, Any], default: str | None) -> str | None:
        kind = entry.get("kind", default)
        if kind is not None and (not isinstance(kind, str) or kind not in KIND_LABELS):
            raise _Refused(f"{where}.kind: onbekende soort '{kind}'")
        return kind

    pins = []
    for where, entry in _entries(data, "pins"):
        emp_id, role_id = pair(where, entry)
        kind = kind_of(where, entry, AssignmentKind.HOLDER) or AssignmentKind.HOLDER
        fte = entry.get("fte")
        units = None if fte is None else _units_field(entry, "fte", where)
        pins.append(_Pin(emp_id, role_id, kind, units))
    forbids = set()
    for where, entry in _entries(data, "forbid"):
        emp_id, role_id = pair(where, entry)
        forbids.add((emp_id, role_id, kind_of(where, entry, None)))
    effort = {}
    for where, entry in _entries(data, "effort"):
        emp_id, role_id = pair(where, entry)
        units = _units_field(entry, "fte", where)
        if units == 0:
            raise _Refused(f"{where}.fte: moet groter zijn dan 0")
        effort[(emp_id, role_id)] = units
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        raise _Refused("settings: moet een object zijn")
    share = settings.get("max_backup_share", 1)
    try:
        max_backup_share = Fraction(_read_units(share), FTE_SCALE)
    except ValueError as exc:
        raise _Refused(f"settings.max_backup_share: {exc}") from exc
    if max_backup_share < 0:
        raise _Refused("settings.max_backup_share: mag niet negatief zijn")
    step = settings.get("split_step_minutes", 0)
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise _Refused("settings.split_step_minutes: moet een geheel getal >= 0 zijn")
    return _Instance(employees, roles, pins, forbids, effort, max_backup_share, step)


# --- reading the plan ---------------------------------------------------------------


@dataclass
class _Plan:
    assignments: list[_Assignment]
    uncovered: dict[str, int]  # role -> reported uncovered units
    missing_backups: dict[str, int]  # role -> reported missing backups
    unsummable_roles: set[str]  # roles with an unreadable amount: coverage not summed


def _read_plan(data: dict[str, Any], instance: _Instance, out: list[str]) -> _Plan:
    plan = _Plan([], {}, {}, set())
    employees, roles = instance.employees, instance.roles

    def listed(key: str) -> list[tuple[str, dict[str, Any]]]:
        value = data.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list):
            out.append(f"plan.{key}: moet een lijst zijn")
            return []
        rows = []
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                rows.append((f"{key}[{index}]", entry))
            else:
                out.append(f"{key}[{index}]: moet een object zijn")
        return rows

    if "assignments" not in data:
        out.append("plan.assignments: ontbreekt")
    seen: set[tuple[str, str, str]] = set()
    for where, entry in listed("assignments"):
        employee, role, kind = (
            entry.get("employee"),
            entry.get("role"),
            entry.get("kind"),
        )
        if not isinstance(employee, str) or employee not in employees:
            out.append(f"{where}.employee: onbekende medewerker '{employee}'")
            continue
        if not isinstance(role, str) or role not in roles:
            out.append(f"{where}.role: onbekende rol '{role}' (medewerker {employee})")
            continue
        if not isinstance(kind, str) or kind not in KIND_LABELS:
            out.append(f"{where}.kind: onbekende soort '{kind}' ({employee}, {role})")
            continue
        if (employee, role, kind) in seen:
            out.append(f"{_who(employee, role, kind)}: dubbele toewijzing ({where})")
            continue
        seen.add((employee, role, kind))
        units = None
        if kind != AssignmentKind.BACKUP:
            try:
                units = _read_units(entry.get("fte"))
            except ValueError as exc:
                out.append(f"{_who(employee, role, kind)}: fte {exc}")
            if units is not None and units <= 0:
                out.append(
                    f"{_who(employee, role, kind)}: fte {_show(units)} moet groter "
                    "zijn dan 0"
                )
                units = None
            if units is None and kind == AssignmentKind.HOLDER:
                plan.unsummable_roles.add(role)
        mentor = entry.get("mentor")
        plan.assignments.append(
            _Assignment(
                where,
                employee,
                role,
                kind,
                units,
                None if mentor is None else str(mentor),
            )
        )

    reported: set[str] = set()
    for where, entry in listed("uncovered"):
        role = entry.get("role")
        if not isinstance(role, str) or role not in roles:
            out.append(f"{where}.role: onbekende rol '{role}'")
            continue
        if role in reported:
            out.append(f"rol {role}: meer dan één melding van ongedekte fte ({where})")
            plan.unsummable_roles.add(role)
            continue
        reported.add(role)
        try:
            units = _read_units(entry.get("fte"))
        except ValueError as exc:
            out.append(f"rol {role}: ongedekte fte ({where}) {exc}")
            plan.unsummable_roles.add(role)
            continue
        if units <= 0:
            out.append(
                f"rol {role}: ongedekte fte {_show(units)} moet groter zijn dan 0"
            )
            plan.unsummable_roles.add(role)
            continue
        plan.uncovered[role] = units

    for where, entry in listed("missing_backups"):
        role, missing = entry.get("role"), entry.get("missing")
        if not isinstance(role, str) or role not in roles:
            out.append(f"{where}.role: onbekende rol '{role}'")
            continue
        if role in plan.missing_backups:
            out.append(f"rol {role}: meer dan één melding van ontbrekende vervangers")
            continue
        if isinstance(missing, bool) or not isinstance(missing, int) or missing <= 0:
            out.append(
                f"rol {role}: aantal ontbrekende vervangers {missing!r} moet een "
                "geheel getal groter dan 0 zijn"
            )
            plan.missing_backups[role] = 0
            continue
        plan.missing_backups[role] = missing
    return plan


# --- the hard rules -------------------------------------------------------------------


def _check_coverage(instance: _Instance, plan: _Plan) -> list[str]:
    """Holder shares + reported uncovered fte == role fte, for every role."""
    held = dict.fromkeys(instance.roles, 0)
    for a in plan.assignments:
        if a.kind == AssignmentKind.HOLDER and a.fte is not None:
            held[a.role] += a.fte
    out = []
    for role in instance.roles.values():
        if role.id in plan.unsummable_roles:
            continue
        covered, reported = held[role.id], plan.uncovered.get(role.id, 0)
        if covered > role.fte:
            out.append(
                f"rol {role.id}: overdekt: rolhouders samen {_show(covered)} fte, "
                f"de rol is {_show(role.fte)} fte"
            )
        elif covered + reported > role.fte:
            out.append(
                f"rol {role.id}: {_show(reported)} fte gemeld als ongedekt, maar "
                f"ongedekt is {_show(role.fte - covered)} fte"
            )
        elif covered + reported < role.fte:
            short = role.fte - covered
            if reported == 0:
                out.append(
                    f"rol {role.id}: {_show(short)} fte niet gedekt en niet gemeld "
                    "als ongedekt"
                )
            else:
                out.append(
                    f"rol {role.id}: {_show(short)} fte niet gedekt, maar slechts "
                    f"{_show(reported)} fte gemeld als ongedekt"
                )
    return out


def _check_eligibility(instance: _Instance, plan: _Plan) -> list[str]:
    """Holders and backups: rompfunctie and every required competence level;
    learners: rompfunctie only (the competences are what they come to learn)."""
    out = []
    for a in plan.assignments:
        employee, role = instance.employees[a.employee], instance.roles[a.role]
        reasons = []
        if employee.base_function not in role.base_functions:
            allowed = ", ".join(sorted(role.base_functions)) or "geen"
            reasons.append(
                f"rompfunctie {employee.base_function} past niet bij de rol ({allowed})"
            )
        if a.kind != AssignmentKind.LEARNER:
            for competence, level in sorted(role.requires.items()):
                has = employee.competences.get(competence, 0)
                if has < level:
                    reasons.append(
                        f"competentie '{competence}' niveau {has}, vereist {level}"
                    )
        if reasons:
            out.append(
                f"{_who(a.employee, a.role, a.kind)}: niet geschikt: "
                + "; ".join(reasons)
            )
    return out


def _check_capacity(instance: _Instance, plan: _Plan) -> list[str]:
    """Holder load (scaled by effort) + learner fte <= fte - reserved_fte."""
    load: dict[str, Fraction] = {}
    for a in plan.assignments:
        if a.fte is None or a.kind == AssignmentKind.BACKUP:
            continue
        amount = Fraction(a.fte)
        effort = instance.effort.get((a.employee, a.role))
        if a.kind == AssignmentKind.HOLDER and effort is not None:
            amount = amount * effort / instance.roles[a.role].fte
        load[a.employee] = load.get(a.employee, Fraction(0)) + amount
    out = []
    for ident, amount in load.items():
        employee = instance.employees[ident]
        free = employee.fte - employee.reserved
        if amount > free:
            out.append(
                f"medewerker {ident}: belasting {_show(amount)} fte (rolhouder en "
                f"ontwikkelrol) is meer dan de beschikbare {_show(free)} fte "
                f"(contract {_show(employee.fte)}, gereserveerd "
                f"{_show(employee.reserved)})"
            )
    return out


def _check_holders(instance: _Instance, plan: _Plan) -> list[str]:
    """At most max_holders holders per role, each share at least min_share."""
    out = []
    holders: dict[str, int] = {}
    for a in plan.assignments:
        if a.kind != AssignmentKind.HOLDER:
            continue
        holders[a.role] = holders.get(a.role, 0) + 1
        role = instance.roles[a.role]
        if a.fte is not None and a.fte < role.min_share:
            out.append(
                f"{_who(a.employee, a.role, a.kind)}: aandeel {_show(a.fte)} fte is "
                f"kleiner dan het minimale aandeel {_show(role.min_share)} fte"
            )
    for ident, count in holders.items():
        maximum = instance.roles[ident].max_holders
        if count > maximum:
            out.append(f"rol {ident}: {count} rolhouders, maximaal {maximum}")
    return out


def _on_step(units: int, step_minutes: int) -> bool:
    """Whether ``units`` is a whole number of steps (a step of m minutes is
    m / 2160 fte; k steps are rounded half up to a unit)."""
    per_step = Fraction(step_minutes * FTE_SCALE, 36 * 60)
    k = int(Fraction(units) / per_step)
    for j in (k - 1, k, k + 1, k + 2):
        exact = j * per_step
        nearest = int(exact + Fraction(1, 2))  # half up, as hours_to_units rounds
        if units == nearest:
            return True
    return False


def _check_split_steps(instance: _Instance, plan: _Plan) -> list[str]:
    """A split role's shares are whole steps, but for one remainder share per role;
    an unsplit share (the whole role) and a pinned fte are always allowed."""
    step = instance.split_step_minutes
    if step <= 0:
        return []
    pinned = {
        (p.employee, p.role) for p in instance.pins if p.kind == AssignmentKind.HOLDER
    }
    off: dict[str, list[_Assignment]] = {}
    for a in plan.assignments:
        if (
            a.kind != AssignmentKind.HOLDER
            or a.fte is None
            or (a.employee, a.role) in pinned
        ):
            continue
        role = instance.roles[a.role]
        if a.fte == role.fte:
            continue
        if not _on_step(a.fte, step):
            off.setdefault(a.role, []).append(a)
    out = []
    for role_id, shares in off.items():
        if len(shares) > 1:
            names = ", ".join(f"{a.employee} ({_show(a.fte or 0)} fte)" for a in shares)
            out.append(
                f"rol {role_id}: {len(shares)} aandelen zijn geen hele stappen van "
                f"{step} minuten per week ({names}); alleen het restaandeel mag "
                "dat zijn"
            )
    return out


def _check_backups(instance: _Instance, plan: _Plan) -> list[str]:
    """A backup never holds the role; each role has `backups` backups or reports the
    exact shortfall in missing_backups."""
    out = []
    holding = {
        (a.employee, a.role)
        for a in plan.assignments
        if a.kind == AssignmentKind.HOLDER
    }
    backups: dict[str, int] = dict.fromkeys(instance.roles, 0)
    for a in plan.assignments:
        if a.kind != AssignmentKind.BACKUP:
            continue
        backups[a.role] += 1
        if (a.employee, a.role) in holding:
            out.append(
                f"{_who(a.employee, a.role, a.kind)}: vervanger is ook rolhouder van "
                "dezelfde rol"
            )
    pinned: dict[str, int] = {}
    for pin in instance.pins:
        if pin.kind == AssignmentKind.BACKUP:
            pinned[pin.role] = pinned.get(pin.role, 0) + 1
    for role in instance.roles.values():
        count, reported = backups[role.id], plan.missing_backups.get(role.id)
        short = max(role.backups - count, 0)
        if count > max(role.backups, pinned.get(role.id, 0)):
            out.append(
                f"rol {role.id}: {count} vervangers, gevraagd zijn er {role.backups}"
            )
        if reported == 0:
            continue  # an unreadable count was reported when the plan was read
        if short and reported is None:
            out.append(
                f"rol {role.id}: {count} van {role.backups} vervangers; tekort van "
                f"{short} niet gemeld als ontbrekend"
            )
        elif short and reported != short:
            out.append(
                f"rol {role.id}: {reported} ontbrekende vervangers gemeld, maar er "
                f"ontbreken er {short} ({count} van {role.backups})"
            )
        elif not short and reported is not None:
            out.append(
                f"rol {role.id}: {reported} ontbrekende vervangers gemeld, maar de rol "
                f"heeft {count} van {role.backups} vervangers"
            )
    return out


def _check_backup_load(instance: _Instance, plan: _Plan) -> list[str]:
    """Per employee: the fte of the roles they back up <= max_backup_share * fte."""
    load: dict[str, int] = {}
    for a in plan.assignments:
        if a.kind == AssignmentKind.BACKUP:
            load[a.employee] = load.get(a.employee, 0) + instance.roles[a.role].fte
    out = []
    for ident, amount in load.items():
        employee = instance.employees[ident]
        limit = instance.max_backup_share * employee.fte
        if amount > limit:
            share = _show(instance.max_backup_share * FTE_SCALE).lstrip("~")
            out.append(
                f"medewerker {ident}: vervanger voor samen {_show(amount)} fte, "
                f"maximaal {share} x {_show(employee.fte)} = {_show(limit)} fte"
            )
    return out


def _check_availability(instance: _Instance, plan: _Plan) -> list[str]:
    """Unavailable employees get no assignment of any kind."""
    return [
        f"{_who(a.employee, a.role, a.kind)}: medewerker is niet beschikbaar"
        for a in plan.assignments
        if not instance.employees[a.employee].available
    ]


def _check_pins(instance: _Instance, plan: _Plan) -> list[str]:
    """Every pin is in the plan; a holder pin with fte has exactly that share."""
    present = {(a.employee, a.role, a.kind): a for a in plan.assignments}
    out = []
    for pin in instance.pins:
        found = present.get((pin.employee, pin.role, pin.kind))
        who = _who(pin.employee, pin.role, pin.kind)
        if found is None:
            out.append(f"{who}: vastgezette toewijzing ontbreekt in het plan")
        elif pin.kind != AssignmentKind.HOLDER or pin.fte is None or found.fte is None:
            continue  # presence is all other pins ask; an unreadable fte: reported
        elif found.fte != pin.fte:
            out.append(
                f"{who}: vastgezet op {_show(pin.fte)} fte, maar in het plan "
                f"{_show(found.fte)} fte"
            )
    return out


def _check_forbids(instance: _Instance, plan: _Plan) -> list[str]:
    """No forbidden (employee, role, kind) appears; a forbid without kind: no kind."""
    return [
        f"{_who(a.employee, a.role, a.kind)}: verboden toewijzing staat in het plan"
        for a in plan.assignments
        if (a.employee, a.role, a.kind) in instance.forbids
        or (a.employee, a.role, None) in instance.forbids
    ]


def _check_max_roles(instance: _Instance, plan: _Plan) -> list[str]:
    """At most max_roles distinct roles held or learned per employee."""
    roles: dict[str, set[str]] = {}
    for a in plan.assignments:
        if a.kind in (AssignmentKind.HOLDER, AssignmentKind.LEARNER):
            roles.setdefault(a.employee, set()).add(a.role)
    out = []
    for ident, taken in roles.items():
        maximum = instance.employees[ident].max_roles
        if maximum is not None and len(taken) > maximum:
            out.append(
                f"medewerker {ident}: {len(taken)} rollen ({', '.join(sorted(taken))})"
                f", maximaal {maximum}"
            )
    return out


def _check_learners(instance: _Instance, plan: _Plan) -> list[str]:
    """Every learner has a mentor: another employee who holds the role in the plan;
    nobody learns a role they hold themselves."""
    holding = {
        (a.employee, a.role)
        for a in plan.assignments
        if a.kind == AssignmentKind.HOLDER
    }
    out = []
    for a in plan.assignments:
        if a.kind != AssignmentKind.LEARNER:
            continue
        who = _who(a.employee, a.role, a.kind)
        if (a.employee, a.role) in holding:
            out.append(f"{who}: leert een rol die de medewerker zelf al houdt")
        if a.mentor is None:
            out.append(f"{who}: geen mentor")
        elif a.mentor not in instance.employees:
            out.append(f"{who}: onbekende mentor '{a.mentor}'")
        elif a.mentor == a.employee:
            out.append(f"{who}: mentor is de medewerker zelf")
        elif (a.mentor, a.role) not in holding:
            out.append(f"{who}: mentor {a.mentor} is geen rolhouder van rol {a.role}")
    return out


RULES = (
    _check_coverage,
    _check_eligibility,
    _check_capacity,
    _check_holders,
    _check_split_steps,
    _check_backups,
    _check_backup_load,
    _check_availability,
    _check_pins,
    _check_forbids,
    _check_max_roles,
    _check_learners,
)


def check_plan(instance_json: dict[str, Any], plan_json: dict[str, Any]) -> list[str]:
    """Every hard-rule violation of a plan (format v1) against its instance, in Dutch.

    ``[]`` means every hard rule holds and every shortfall is honestly reported.
    """
    try:
        instance = _read_instance(instance_json)
    except _Refused as exc:
        return [f"instantie onleesbaar, plan niet gecontroleerd: {exc}"]
    if not isinstance(plan_json, dict):
        return ["plan: moet een JSON-object zijn"]
    status = plan_json.get("status")
    if not isinstance(status, str):
        status = repr(status)
    if status in UNCHECKED_STATUSES:
        return [
            f"plan heeft status '{status}' ({UNCHECKED_STATUSES[status]}): "
            "er is geen plan om te controleren"
        ]
    out = []
    if not _is_one(plan_json.get("version")):
        out.append(f"plan.version: {plan_json.get('version')!r} wordt niet ondersteund")
    if status not in CHECKED_STATUSES:
        out.append(f"plan.status: onbekende status '{status}'")
    plan = _read_plan(plan_json, instance, out)
    for rule in RULES:
        out.extend(rule(instance, plan))
    return out
