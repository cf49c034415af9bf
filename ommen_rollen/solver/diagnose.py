"""Why pins cannot all hold: direct checks first, then CP-SAT's assumption core.

Infeasibility can only come from pins (forbids only remove options and every
shortfall has a slack variable), so every message names the pins involved. The
messages are Dutch and meant for the secretaris: they name people and roles by
their names (Employee.name, Role.name), never by instance ids or pin indices, and
each pin the same way (``pin_label``), so a caller can tell which pins a message
is about.
"""

from __future__ import annotations

from collections import defaultdict

from ..domain import ASSIGNMENT_KIND_LABELS, AssignmentKind, format_fte
from .eligibility import Facts, base_fits, missing_competences
from .instance import Assignment

KIND_LABELS: dict[str, str] = {k.value: v for k, v in ASSIGNMENT_KIND_LABELS.items()}


def pin_label(employee_name: str, kind: str, role_name: str) -> str:
    """How a message names one pinned assignment: 'Kim Dijkstra als rolhouder van
    Gemeentesecretaris'."""
    return f"{employee_name} als {KIND_LABELS.get(kind, kind)} van {role_name}"


def _employee_name(facts: Facts, employee_id: str) -> str:
    employee = facts.employees.get(employee_id)
    return (employee.name if employee is not None else "") or employee_id


def _role_name(facts: Facts, role_id: str) -> str:
    role = facts.roles.get(role_id)
    return (role.name if role is not None else "") or role_id


def _label(facts: Facts, pin: Assignment) -> str:
    return pin_label(
        _employee_name(facts, pin.employee), pin.kind, _role_name(facts, pin.role)
    )


def _labels(facts: Facts, indices: list[int]) -> str:
    pins = facts.instance.pins
    return "; ".join(_label(facts, pins[i]) for i in indices)


def pin_conflicts(facts: Facts) -> list[str]:
    """Contradictions among the pins that can be named without solving."""
    instance = facts.instance
    problems: list[str] = []
    holder_pins: dict[str, list[int]] = defaultdict(list)
    role_units: dict[str, int] = defaultdict(int)
    employee_units: dict[str, int] = defaultdict(int)
    employee_roles: dict[str, set[str]] = defaultdict(set)
    backup_units: dict[str, int] = defaultdict(int)
    load_pins: dict[str, list[int]] = defaultdict(list)  # holder and learner
    backup_pins: dict[str, list[int]] = defaultdict(list)
    role_pins: dict[str, list[int]] = defaultdict(list)  # holder and learner
    for i, pin in enumerate(instance.pins):
        e, r = facts.employees[pin.employee], facts.roles[pin.role]
        label = _label(facts, pin)
        name, role_name = _employee_name(facts, e.id), _role_name(facts, r.id)
        if pin.kind != AssignmentKind.BACKUP:
            employee_roles[e.id].add(r.id)
            role_pins[e.id].append(i)
        if not e.available:
            problems.append(f"Vastgezet: {label}, maar {name} is niet beschikbaar.")
            continue
        if facts.forbids(e.id, r.id, pin.kind):
            problems.append(f"Vastgezet en ook verboden: {label}.")
            continue
        if not base_fits(e, r):
            allowed = ", ".join(r.base_functions) or "geen"
            problems.append(
                f"Vastgezet: {label}, maar rompfunctie {e.base_function} past niet "
                f"bij {role_name} (rompfunctie {allowed})."
            )
            continue
        missing = missing_competences(e, r)
        if missing and pin.kind != AssignmentKind.LEARNER:
            text = ", ".join(
                f"{c} niveau {have}, nodig {need}" for c, need, have in missing
            )
            problems.append(
                f"Vastgezet: {label}, maar de competentie is te laag ({text})."
            )
            continue
        if pin.kind == AssignmentKind.HOLDER:
            holder_pins[r.id].append(i)
            share = pin.fte if pin.fte is not None else r.min_share
            if share < r.min_share:
                problems.append(
                    f"Vastgezet: {label} met {format_fte(share)} fte, minder dan het "
                    f"kleinste aandeel van {format_fte(r.min_share)} fte."
                )
                continue
            if pin.fte is not None:
                role_units[r.id] += pin.fte
            employee_units[e.id] += facts.holder_load_ceil(e.id, r.id, share)
            load_pins[e.id].append(i)
        elif pin.kind == AssignmentKind.LEARNER:
            employee_units[e.id] += instance.learner_units(r)
            load_pins[e.id].append(i)
        else:
            backup_units[e.id] += r.fte
            backup_pins[e.id].append(i)
    for r_id, indices in holder_pins.items():
        role = facts.roles[r_id]
        role_name = _role_name(facts, r_id)
        if len(indices) > role.max_holders:
            problems.append(
                f"Meer vastgezette rolhouders van {role_name} dan de rol toestaat "
                f"(hoogstens {role.max_holders}): {_labels(facts, indices)}."
            )
        if role_units[r_id] > role.fte:
            problems.append(
                f"De vastgezette rolhouders van {role_name} hebben samen "
                f"{format_fte(role_units[r_id])} fte, meer dan de "
                f"{format_fte(role.fte)} fte van de rol: {_labels(facts, indices)}."
            )
    for e_id, units in employee_units.items():
        employee = facts.employees[e_id]
        if units > employee.capacity:
            problems.append(
                f"De vastgezette rollen van {_employee_name(facts, e_id)} vragen samen "
                f"{format_fte(units)} fte, meer dan de beschikbare "
                f"{format_fte(employee.capacity)} fte: "
                f"{_labels(facts, load_pins[e_id])}."
            )
    for e_id, units in backup_units.items():
        backup_cap = facts.backup_cap(e_id)
        if units > backup_cap:
            problems.append(
                f"{_employee_name(facts, e_id)} is vastgezet als vervanger voor samen "
                f"{format_fte(units)} fte aan rollen, meer dan de toegestane "
                f"{format_fte(backup_cap)} fte: {_labels(facts, backup_pins[e_id])}."
            )
    for e_id, roles in employee_roles.items():
        cap = facts.employees[e_id].max_roles
        if cap is not None and len(roles) > cap:
            problems.append(
                f"De vastgezette keuzes geven {_employee_name(facts, e_id)} "
                f"{len(roles)} rollen, meer dan het maximum van {cap}: "
                f"{_labels(facts, role_pins[e_id])}."
            )
    return problems


def core_message(facts: Facts, indices: list[int]) -> str:
    """A message for the pins CP-SAT found jointly impossible."""
    if not indices:
        return "De vastgezette toewijzingen zijn samen niet mogelijk."
    return (
        "Deze vastgezette toewijzingen kunnen niet samen: "
        f"{_labels(facts, sorted(indices))}."
    )
