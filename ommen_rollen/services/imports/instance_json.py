"""Import an instance JSON (format v1, e.g. another municipality's export) as a new
planning round: clusters and competences it names, its employees and roles (created
or updated in place by username / role code, with the same row checks as a CSV
import), and its preferences. All or nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ...domain import Choice, format_fte
from ...extensions import db
from ...models import (
    Cluster,
    Competence,
    Employee,
    PlanningRound,
    Preference,
    Role,
    User,
)
from ...solver import Instance, InstanceError, parse_instance
from .. import audit
from ..base import stamp
from .readers import MAX_BYTES, ImportRefused, Table, megabytes
from .service import Analysis, analyse, apply_rows

EMPLOYEE_FIELDS = {  # our field key -> the instance's field name (for messages)
    "username": "id",
    "name": "name",
    "contract_fte": "fte",
    "base_function": "base_function",
    "competences": "competences",
}
ROLE_FIELDS = {
    "code": "id",
    "name": "name",
    "cluster": "cluster",
    "fte": "fte",
    "base_functions": "base_functions",
    "backups_needed": "backups",
    "splittable": "max_holders",
    "max_holders": "max_holders",
    "min_share": "min_share",
    "critical": "critical",
    "requirements": "requires",
}


@dataclass(frozen=True)
class RoundImport:
    round_id: int
    employees: int
    roles: int
    preferences: int

    def describe(self) -> str:
        return (
            f"Planronde aangemaakt uit het instantiebestand: {self.employees} "
            f"medewerkers, {self.roles} rollen en {self.preferences} voorkeuren."
        )


def read_instance(data: bytes, *, max_bytes: int = MAX_BYTES) -> Instance:
    """A valid instance v1 from an uploaded file, or ImportRefused with every
    problem named by entry and field."""
    if len(data) > max_bytes:
        raise ImportRefused(
            f"Het bestand is te groot ({megabytes(len(data))}); het maximum is "
            f"{megabytes(max_bytes)}."
        )
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportRefused("Een instantiebestand moet UTF-8 zijn.") from exc
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f"Dit is geen geldig JSON-bestand (regel {exc.lineno}, kolom {exc.colno})."
        ) from exc
    try:
        return parse_instance(raw)
    except InstanceError as exc:
        raise ImportRefused(
            "Het instantiebestand is niet geldig; er is niets geïmporteerd.",
            list(exc.errors),
        ) from exc


def _levels(levels: Any) -> str:
    return "; ".join(f"{name}:{level}" for name, level in sorted(levels.items()))


def _table(headers: list[str], rows: list[list[str]]) -> Table:
    return Table(headers=headers, rows=rows, numbers=list(range(len(rows))))


def _employee_table(instance: Instance) -> Table:
    return _table(
        list(EMPLOYEE_FIELDS),
        [
            [e.id, e.name, format_fte(e.fte), e.base_function, _levels(e.competences)]
            for e in instance.employees
        ],
    )


def _role_table(instance: Instance) -> Table:
    rows = []
    for r in instance.roles:
        split = r.max_holders > 1
        rows.append(
            [
                r.id,
                r.name,
                r.cluster,
                format_fte(r.fte),
                ",".join(r.base_functions),
                str(r.backups),
                "ja" if split else "nee",
                str(r.max_holders),
                format_fte(r.min_share) if split and r.min_share else "",
                "ja" if r.critical else "nee",
                _levels(r.requires),
            ]
        )
    return _table(list(ROLE_FIELDS), rows)


def _errors(analysis: Analysis, entry: str, names: dict[str, str]) -> list[str]:
    return [
        f"{entry}[{e.row}].{names.get(e.column, e.column)}: {e.message}"
        for e in analysis.errors
    ]


def _ensure_named(model: type, names: set[str], by: User | None) -> None:
    """Create the clusters or competences the instance names that do not exist."""
    known = {n.lower() for n in db.session.scalars(select(model.name))}  # type: ignore[attr-defined]
    for name in sorted(n.strip() for n in names if n.strip()):
        if name.lower() not in known:
            obj = model(name=name)
            stamp(obj, by, new=True)
            db.session.add(obj)
            known.add(name.lower())


def import_round(
    data: bytes,
    label: str,
    starts_on: date,
    ends_on: date,
    by: User | None,
    *,
    max_bytes: int = MAX_BYTES,
) -> RoundImport:
    """Create a planning round (status concept) from an instance JSON file."""
    instance = read_instance(data, max_bytes=max_bytes)
    label = label.strip()
    problems = []
    if not label:
        problems.append("Geef de planronde een naam.")
    elif db.session.scalar(
        select(PlanningRound.id).where(PlanningRound.label == label)
    ):
        problems.append(f"Er is al een planronde '{label}'.")
    if ends_on < starts_on:
        problems.append("De einddatum ligt vóór de begindatum.")
    if problems:
        raise ImportRefused(" ".join(problems))
    try:
        _ensure_named(Cluster, {r.cluster for r in instance.roles}, by)
        _ensure_named(
            Competence,
            {c for e in instance.employees for c in e.competences}
            | {c for r in instance.roles for c in r.requires},
            by,
        )
        db.session.flush()
        employees = analyse("employees", _employee_table(instance), {
            k: k for k in EMPLOYEE_FIELDS
        })  # fmt: skip
        roles = analyse("roles", _role_table(instance), {k: k for k in ROLE_FIELDS})
        errors = _errors(employees, "employees", EMPLOYEE_FIELDS) + _errors(
            roles, "roles", ROLE_FIELDS
        )
        if errors:
            raise ImportRefused(
                "Het instantiebestand past niet in deze applicatie; er is niets "
                "geïmporteerd.",
                errors,
            )
        apply_rows(employees, by)
        apply_rows(roles, by)
        round_ = PlanningRound(
            label=label,
            starts_on=starts_on,
            ends_on=ends_on,
            settings=dict(_settings(data)),
        )
        stamp(round_, by, new=True)
        db.session.add(round_)
        db.session.flush()
        wanted = {e.id.lower() for e in instance.employees}
        people = {
            e.username: e.id
            for e in db.session.scalars(select(Employee))
            if e.username in wanted
        }
        codes = {
            r.code: r.id
            for r in db.session.scalars(
                select(Role).where(Role.code.in_([r.id for r in instance.roles]))
            )
        }
        for p in instance.preferences:
            preference = Preference(
                round_id=round_.id,
                employee_id=people[p.employee.lower()],
                role_id=codes[p.role],
                choice=Choice(p.effective_choice),
            )
            stamp(preference, by, new=True)
            db.session.add(preference)
        result = RoundImport(
            round_id=round_.id,
            employees=len(instance.employees),
            roles=len(instance.roles),
            preferences=len(instance.preferences),
        )
        audit.record(
            "import_instance",
            by,
            object_type="planning_round",
            object_id=round_.id,
            name=instance.name,
            employees=result.employees,
            roles=result.roles,
            preferences=result.preferences,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def _settings(data: bytes) -> dict[str, Any]:
    """The instance's own settings block, kept as the round's solver settings."""
    raw = json.loads(data.decode("utf-8-sig"))
    settings = raw.get("settings") or {}
    return settings if isinstance(settings, dict) else {}
