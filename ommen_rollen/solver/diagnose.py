"""Why pins cannot all hold: direct checks first, then CP-SAT's assumption core.

Infeasibility can only come from pins (forbids only remove options and every
shortfall has a slack variable), so every message names the pins involved.
"""

from __future__ import annotations

from collections import defaultdict

from ..domain import format_fte
from .eligibility import Facts, base_fits, missing_competences
from .instance import Assignment


def _name(i: int, pin: Assignment) -> str:
    return f"pins[{i}] ({pin.employee} als {pin.kind} van {pin.role})"


def pin_conflicts(facts: Facts) -> list[str]:
    """Contradictions among the pins that can be named without solving."""
    instance = facts.instance
    problems: list[str] = []
    holder_pins: dict[str, list[int]] = defaultdict(list)
    role_units: dict[str, int] = defaultdict(int)
    employee_units: dict[str, int] = defaultdict(int)
    employee_roles: dict[str, set[str]] = defaultdict(set)
    backup_units: dict[str, int] = defaultdict(int)
    employee_pins: dict[str, list[int]] = defaultdict(list)
    for i, pin in enumerate(instance.pins):
        e, r = facts.employees[pin.employee], facts.roles[pin.role]
        name = _name(i, pin)
        if pin.kind != "backup":
            employee_roles[e.id].add(r.id)
        employee_pins[e.id].append(i)
        if not e.available:
            problems.append(f"{name}: medewerker is niet beschikbaar")
            continue
        if (e.id, r.id, pin.kind) in facts.forbidden:
            problems.append(f"{name}: staat ook in forbid")
            continue
        if not base_fits(e, r):
            problems.append(
                f"{name}: rompfunctie {e.base_function} past niet bij de rol "
                f"({', '.join(r.base_functions)})"
            )
            continue
        missing = missing_competences(e, r)
        if missing and pin.kind != "learner":
            text = ", ".join(f"{c} {have} < {need}" for c, need, have in missing)
            problems.append(f"{name}: competentie te laag ({text})")
            continue
        if pin.kind == "holder":
            holder_pins[r.id].append(i)
            share = pin.fte if pin.fte is not None else r.min_share
            if share < r.min_share:
                problems.append(
                    f"{name}: {format_fte(share)} fte is minder dan min_share "
                    f"{format_fte(r.min_share)}"
                )
                continue
            if pin.fte is not None:
                role_units[r.id] += pin.fte
            employee_units[e.id] += facts.holder_load_ceil(e.id, r.id, share)
        elif pin.kind == "learner":
            employee_units[e.id] += instance.learner_units(r)
        else:
            backup_units[e.id] += r.fte
    for r_id, indices in holder_pins.items():
        role = facts.roles[r_id]
        names = ", ".join(f"pins[{i}]" for i in indices)
        if len(indices) > role.max_holders:
            problems.append(
                f"{names}: meer vastgezette rolhouders dan max_holders "
                f"({role.max_holders}) van {r_id}"
            )
        if role_units[r_id] > role.fte:
            problems.append(f"{names}: samen meer fte dan rol {r_id} heeft")
    for e_id, units in employee_units.items():
        employee = facts.employees[e_id]
        if units > employee.capacity:
            names = ", ".join(f"pins[{i}]" for i in employee_pins[e_id])
            problems.append(
                f"{names}: samen meer dan de beschikbare "
                f"{format_fte(employee.capacity)} fte van {e_id}"
            )
    for e_id, units in backup_units.items():
        if units > facts.backup_cap(e_id):
            names = ", ".join(
                f"pins[{i}]"
                for i in employee_pins[e_id]
                if instance.pins[i].kind == "backup"
            )
            problems.append(
                f"{names}: vervangingslast boven max_backup_share voor {e_id}"
            )
    for e_id, roles in employee_roles.items():
        cap = facts.employees[e_id].max_roles
        if cap is not None and len(roles) > cap:
            names = ", ".join(f"pins[{i}]" for i in employee_pins[e_id])
            problems.append(f"{names}: meer rollen dan max_roles ({cap}) van {e_id}")
    return problems


def core_message(facts: Facts, indices: list[int]) -> str:
    """A message for the pins CP-SAT found jointly impossible."""
    pins = facts.instance.pins
    if not indices:
        return "De vastgezette toewijzingen zijn samen niet mogelijk."
    names = "; ".join(_name(i, pins[i]) for i in sorted(indices))
    return f"Deze vastgezette toewijzingen kunnen niet samen: {names}"
