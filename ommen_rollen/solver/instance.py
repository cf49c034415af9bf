"""Instance format version 1: frozen dataclasses, parsing with validation, and back.

Every fte is held as integer FTE units (ommen_rollen.domain.FTE_SCALE per fte). Invalid
input is refused as a whole with one message per problem, each naming the entry and
the field (``roles[3].fte: moet groter zijn dan 0``), so a user can fix the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..domain import (
    DEFAULT_TIME_LIMIT_S,
    FTE_SCALE,
    AssignmentKind,
    Choice,
    FteError,
    fte_to_decimal,
    parse_fte,
)
from .weights import DEFAULT_WEIGHTS, TERM_NAMES

FORMAT_VERSION = 1
KINDS = tuple(AssignmentKind)
CHOICES = tuple(Choice)

DEFAULT_LEARNER_SHARE = 500  # units: 0.05 fte per learner assignment
DEFAULT_MAX_BACKUP_SHARE = FTE_SCALE  # 1.0 x the employee's available fte
# Split shares in steps of this many minutes per week (60: whole hours). Off by
# default: measured on the demo round (50 people, 99 % utilised, roles in tenths of
# an fte) whole hours leave no complete cover to be found in 40 s, against one in
# 0.02 s without a step; a round that wants "14 uur" sets it.
DEFAULT_SPLIT_STEP_MINUTES = 0
MAX_SPLIT_STEP_MINUTES = 36 * 60


class InstanceError(ValueError):
    """The instance is refused; ``errors`` holds one message per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Employee:
    id: str
    name: str
    fte: int  # contract fte in units
    base_function: str  # rompfunctie (A-E in Ommen)
    competences: Mapping[str, int]
    available: bool = True
    reserved_fte: int = 0  # units kept free (e.g. spilfunctie, study)
    max_roles: int | None = None  # distinct roles held or learnt, None = no cap

    @property
    def capacity(self) -> int:
        """Fte units available for holder and learner load."""
        return self.fte - self.reserved_fte if self.available else 0


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    cluster: str
    fte: int  # units
    base_functions: tuple[str, ...]
    requires: Mapping[str, int]
    backups: int = 1
    max_holders: int = 1
    min_share: int = 0  # units; parse fills in the role's fte when absent
    critical: bool = False


@dataclass(frozen=True)
class Preference:
    employee: str
    role: str
    choice: Choice | None = None
    score: int | None = None  # finer alternative: positive = wanted

    @property
    def effective_choice(self) -> Choice:
        """The choice, or the one a score implies (>0 want, <0 avoid, 0 neutral)."""
        if self.choice is not None:
            return self.choice
        score = self.score or 0
        return (
            Choice.WANT if score > 0 else Choice.AVOID if score < 0 else Choice.NEUTRAL
        )


@dataclass(frozen=True)
class Assignment:
    """A previous or pinned assignment (fte for holders and only when given)."""

    employee: str
    role: str
    kind: AssignmentKind
    fte: int | None = None


@dataclass(frozen=True)
class Forbid:
    employee: str
    role: str
    kind: AssignmentKind | None = None  # None: no assignment of any kind


@dataclass(frozen=True)
class Effort:
    employee: str
    role: str
    fte: int  # units this employee needs to hold the whole role


@dataclass(frozen=True)
class Settings:
    time_limit_s: float = DEFAULT_TIME_LIMIT_S
    workers: int = 0  # 0: all cores (CP-SAT default)
    seed: int = 0
    max_backup_share: int = DEFAULT_MAX_BACKUP_SHARE  # units per fte (1.0 = 10_000)
    learner_share: int = DEFAULT_LEARNER_SHARE  # units of fte per learner assignment
    # shares of a split role are multiples of this many minutes per week (0: any
    # unit); one share per role may take the remainder (see shares.py)
    split_step_minutes: int = DEFAULT_SPLIT_STEP_MINUTES
    weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))


@dataclass(frozen=True)
class Instance:
    name: str
    employees: tuple[Employee, ...]
    roles: tuple[Role, ...]
    preferences: tuple[Preference, ...] = ()
    previous: tuple[Assignment, ...] = ()
    pins: tuple[Assignment, ...] = ()
    forbid: tuple[Forbid, ...] = ()
    effort: tuple[Effort, ...] = ()
    settings: Settings = field(default_factory=Settings)

    def employee(self, employee_id: str) -> Employee:
        return self.employee_by_id[employee_id]

    def role(self, role_id: str) -> Role:
        return self.role_by_id[role_id]

    @property
    def employee_by_id(self) -> dict[str, Employee]:
        return {e.id: e for e in self.employees}

    @property
    def role_by_id(self) -> dict[str, Role]:
        return {r.id: r for r in self.roles}

    def weight(self, term: str) -> int:
        return int(self.settings.weights.get(term, DEFAULT_WEIGHTS[term]))

    def learner_units(self, role: Role) -> int:
        """Fte units a learner spends on ``role``: the setting, at most the role."""
        return min(self.settings.learner_share, role.fte)


# --------------------------------------------------------------------------- parsing


class _Reader:
    """Collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def obj(self, value: Any, where: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "moet een object zijn")
            return {}
        for key in value:
            if key not in allowed:
                self.fail(f"{where}.{key}", "onbekend veld")
        return value

    def items(self, data: Mapping[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, "moet een lijst zijn")
            return []
        return value

    def text(self, entry: Mapping[str, Any], key: str, where: str) -> str | None:
        if key not in entry:
            self.fail(f"{where}.{key}", "ontbreekt")
            return None
        value = entry[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}", "moet een niet-lege tekst zijn")
            return None
        return value

    def fte(
        self,
        entry: Mapping[str, Any],
        key: str,
        where: str,
        *,
        default: int | None = None,
        positive: bool = False,
    ) -> int | None:
        if key not in entry or entry[key] is None:
            if default is None:
                self.fail(f"{where}.{key}", "ontbreekt")
            return default
        value = entry[key]
        if isinstance(value, bool) or not isinstance(
            value, int | float | str | Decimal
        ):
            self.fail(f"{where}.{key}", "moet een getal zijn")
            return None
        try:
            units = parse_fte(value if not isinstance(value, float) else repr(value))
        except FteError as exc:
            self.fail(f"{where}.{key}", str(exc))
            return None
        if positive and units <= 0:
            self.fail(f"{where}.{key}", "moet groter zijn dan 0")
            return None
        if units < 0:
            self.fail(f"{where}.{key}", "mag niet negatief zijn")
            return None
        return units

    def integer(
        self,
        entry: Mapping[str, Any],
        key: str,
        where: str,
        *,
        default: int | None,
        minimum: int | None = None,
    ) -> int | None:
        value = entry.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{where}.{key}", "moet een geheel getal zijn")
            return default
        if minimum is not None and value < minimum:
            self.fail(f"{where}.{key}", f"moet minstens {minimum} zijn")
            return default
        return value

    def boolean(
        self, entry: Mapping[str, Any], key: str, where: str, *, default: bool
    ) -> bool:
        value = entry.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(f"{where}.{key}", "moet true of false zijn")
            return default
        return value

    def levels(
        self, entry: Mapping[str, Any], key: str, where: str, *, minimum: int
    ) -> dict[str, int]:
        value = entry.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(f"{where}.{key}", "moet een object {competentie: niveau} zijn")
            return {}
        levels: dict[str, int] = {}
        for name, level in value.items():
            if isinstance(level, bool) or not isinstance(level, int) or level < minimum:
                self.fail(
                    f"{where}.{key}.{name}",
                    f"niveau moet een geheel getal van minstens {minimum} zijn",
                )
                continue
            levels[str(name)] = level
        return levels


_EMPLOYEE_KEYS = (
    "id",
    "name",
    "fte",
    "base_function",
    "competences",
    "available",
    "reserved_fte",
    "max_roles",
)
_ROLE_KEYS = (
    "id",
    "name",
    "cluster",
    "fte",
    "base_functions",
    "requires",
    "backups",
    "max_holders",
    "min_share",
    "critical",
)
_TOP_KEYS = (
    "version",
    "name",
    "employees",
    "roles",
    "preferences",
    "previous",
    "pins",
    "forbid",
    "effort",
    "settings",
)
_SETTINGS_KEYS = (
    "time_limit_s",
    "workers",
    "seed",
    "max_backup_share",
    "learner_share",
    "split_step_minutes",
    "weights",
)


def parse_instance(data: Mapping[str, Any]) -> Instance:
    """Validate instance format v1 and build an Instance; raises InstanceError."""
    read = _Reader()
    if not isinstance(data, dict):
        raise InstanceError(["instance: moet een JSON-object zijn"])
    read.obj(data, "instance", _TOP_KEYS)
    if data.get("version") != FORMAT_VERSION:
        read.fail("version", f"moet {FORMAT_VERSION} zijn")
    name = data.get("name", "")
    if not isinstance(name, str):
        read.fail("name", "moet een tekst zijn")
        name = ""

    employees = _parse_employees(read, data)
    roles = _parse_roles(read, data)
    employee_ids = {e.id for e in employees}
    role_ids = {r.id for r in roles}

    def refs(entry: Mapping[str, Any], where: str) -> tuple[str, str] | None:
        employee = read.text(entry, "employee", where)
        role = read.text(entry, "role", where)
        if employee is not None and employee not in employee_ids:
            read.fail(f"{where}.employee", f"onbekende medewerker '{employee}'")
            employee = None
        if role is not None and role not in role_ids:
            read.fail(f"{where}.role", f"onbekende rol '{role}'")
            role = None
        if employee is None or role is None:
            return None
        return employee, role

    preferences: list[Preference] = []
    seen: dict[tuple[str, str], int] = {}
    for i, raw in enumerate(read.items(data, "preferences")):
        where = f"preferences[{i}]"
        entry = read.obj(raw, where, ("employee", "role", "choice", "score"))
        pair = refs(entry, where) if entry else None
        choice = entry.get("choice")
        if choice is not None and choice not in CHOICES:
            read.fail(f"{where}.choice", f"moet een van {', '.join(CHOICES)} zijn")
            continue
        score = read.integer(entry, "score", where, default=None)
        if entry and choice is None and score is None:
            read.fail(f"{where}.choice", "geef choice of score")
            continue
        if pair is None:
            continue
        if pair in seen:
            read.fail(where, f"dubbele voorkeur (ook preferences[{seen[pair]}])")
            continue
        seen[pair] = i
        preferences.append(
            Preference(
                pair[0], pair[1], None if choice is None else Choice(choice), score
            )
        )

    role_by_id = {r.id: r for r in roles}

    def assignments(key: str) -> list[Assignment]:
        result: list[Assignment] = []
        for i, raw in enumerate(read.items(data, key)):
            where = f"{key}[{i}]"
            entry = read.obj(raw, where, ("employee", "role", "kind", "fte"))
            pair = refs(entry, where) if entry else None
            kind = entry.get("kind", AssignmentKind.HOLDER)
            if entry and kind not in KINDS:
                read.fail(f"{where}.kind", f"moet een van {', '.join(KINDS)} zijn")
                continue
            units = None
            if entry.get("fte") is not None:
                if kind != AssignmentKind.HOLDER:
                    if key == "pins":
                        read.fail(f"{where}.fte", "alleen bij kind 'holder'")
                        continue
                else:
                    units = read.fte(entry, "fte", where, positive=True)
                    if units is None:
                        continue
            if pair is None:
                continue
            role = role_by_id[pair[1]]
            if units is not None and units > role.fte:
                read.fail(f"{where}.fte", "groter dan de fte van de rol")
                continue
            result.append(Assignment(pair[0], pair[1], AssignmentKind(kind), units))
        return result

    previous = assignments("previous")
    pins = assignments("pins")
    pin_seen: dict[tuple[str, str], int] = {}
    for i, pin in enumerate(pins):
        key = (pin.employee, pin.role)
        if key in pin_seen:
            read.fail(f"pins[{i}]", f"dubbele pin (ook pins[{pin_seen[key]}])")
        pin_seen[key] = i

    forbids: list[Forbid] = []
    for i, raw in enumerate(read.items(data, "forbid")):
        where = f"forbid[{i}]"
        entry = read.obj(raw, where, ("employee", "role", "kind"))
        pair = refs(entry, where) if entry else None
        kind = entry.get("kind")
        if kind is not None and kind not in KINDS:
            read.fail(f"{where}.kind", f"moet een van {', '.join(KINDS)} zijn")
            continue
        if pair is not None:
            forbids.append(
                Forbid(pair[0], pair[1], None if kind is None else AssignmentKind(kind))
            )

    efforts: list[Effort] = []
    effort_seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(read.items(data, "effort")):
        where = f"effort[{i}]"
        entry = read.obj(raw, where, ("employee", "role", "fte"))
        pair = refs(entry, where) if entry else None
        units = read.fte(entry, "fte", where, positive=True) if entry else None
        if pair is None or units is None:
            continue
        if pair in effort_seen:
            read.fail(where, "dubbele effort voor deze medewerker en rol")
            continue
        effort_seen.add(pair)
        efforts.append(Effort(pair[0], pair[1], units))

    settings = _parse_settings(read, data.get("settings"))
    if read.errors:
        raise InstanceError(read.errors)
    return Instance(
        name=name,
        employees=tuple(employees),
        roles=tuple(roles),
        preferences=tuple(preferences),
        previous=tuple(previous),
        pins=tuple(pins),
        forbid=tuple(forbids),
        effort=tuple(efforts),
        settings=settings,
    )


def _parse_employees(read: _Reader, data: Mapping[str, Any]) -> list[Employee]:
    employees: list[Employee] = []
    ids: dict[str, int] = {}
    for i, raw in enumerate(read.items(data, "employees")):
        where = f"employees[{i}]"
        entry = read.obj(raw, where, _EMPLOYEE_KEYS)
        if not entry:
            continue
        ident = read.text(entry, "id", where)
        name = entry.get("name", ident or "")
        if not isinstance(name, str):
            read.fail(f"{where}.name", "moet een tekst zijn")
            name = ""
        fte = read.fte(entry, "fte", where, positive=True)
        base = read.text(entry, "base_function", where)
        competences = read.levels(entry, "competences", where, minimum=0)
        available = read.boolean(entry, "available", where, default=True)
        reserved = read.fte(entry, "reserved_fte", where, default=0)
        max_roles = read.integer(entry, "max_roles", where, default=None, minimum=0)
        if fte is not None and reserved is not None and reserved > fte:
            read.fail(f"{where}.reserved_fte", "mag niet groter zijn dan fte")
            reserved = None
        if ident is not None and ident in ids:
            read.fail(
                f"{where}.id", f"dubbele id '{ident}' (ook employees[{ids[ident]}])"
            )
            continue
        if ident is None or fte is None or base is None or reserved is None:
            continue
        ids[ident] = i
        employees.append(
            Employee(
                ident, name, fte, base, competences, available, reserved, max_roles
            )
        )
    return employees


def _parse_roles(read: _Reader, data: Mapping[str, Any]) -> list[Role]:
    roles: list[Role] = []
    ids: dict[str, int] = {}
    for i, raw in enumerate(read.items(data, "roles")):
        where = f"roles[{i}]"
        entry = read.obj(raw, where, _ROLE_KEYS)
        if not entry:
            continue
        ident = read.text(entry, "id", where)
        name = entry.get("name", ident or "")
        cluster = entry.get("cluster", "")
        for key, value in (("name", name), ("cluster", cluster)):
            if not isinstance(value, str):
                read.fail(f"{where}.{key}", "moet een tekst zijn")
        fte = read.fte(entry, "fte", where, positive=True)
        bases = entry.get("base_functions")
        if (
            not isinstance(bases, list)
            or not bases
            or not all(isinstance(b, str) and b for b in bases)
        ):
            read.fail(
                f"{where}.base_functions", "moet een niet-lege lijst teksten zijn"
            )
            bases = None
        requires = read.levels(entry, "requires", where, minimum=1)
        backups = read.integer(entry, "backups", where, default=1, minimum=0)
        max_holders = read.integer(entry, "max_holders", where, default=1, minimum=1)
        min_share = read.fte(entry, "min_share", where, default=fte or 0, positive=True)
        critical = read.boolean(entry, "critical", where, default=False)
        if fte is not None and min_share is not None and min_share > fte:
            read.fail(f"{where}.min_share", "mag niet groter zijn dan fte")
            min_share = None
        if ident is not None and ident in ids:
            read.fail(f"{where}.id", f"dubbele id '{ident}' (ook roles[{ids[ident]}])")
            continue
        if None in (ident, fte, bases, min_share, backups, max_holders):
            continue
        assert ident is not None and fte is not None and bases is not None
        assert min_share is not None and backups is not None and max_holders is not None
        ids[ident] = i
        roles.append(
            Role(
                ident,
                str(name),
                str(cluster),
                fte,
                tuple(bases),
                requires,
                backups,
                max_holders,
                min_share,
                critical,
            )
        )
    return roles


def _parse_settings(read: _Reader, raw: Any) -> Settings:
    if raw is None:
        return Settings()
    entry = read.obj(raw, "settings", _SETTINGS_KEYS)
    limit = entry.get("time_limit_s", DEFAULT_TIME_LIMIT_S)
    if isinstance(limit, bool) or not isinstance(limit, int | float | Decimal):
        read.fail("settings.time_limit_s", "moet een getal zijn")
        limit = DEFAULT_TIME_LIMIT_S
    elif limit <= 0:
        read.fail("settings.time_limit_s", "moet groter zijn dan 0")
        limit = DEFAULT_TIME_LIMIT_S
    workers = read.integer(entry, "workers", "settings", default=0, minimum=0)
    seed = read.integer(entry, "seed", "settings", default=0)
    max_backup = read.fte(
        entry, "max_backup_share", "settings", default=DEFAULT_MAX_BACKUP_SHARE
    )
    learner = read.fte(
        entry,
        "learner_share",
        "settings",
        default=DEFAULT_LEARNER_SHARE,
        positive=True,
    )
    step = read.integer(
        entry,
        "split_step_minutes",
        "settings",
        default=DEFAULT_SPLIT_STEP_MINUTES,
        minimum=0,
    )
    if step is not None and step > MAX_SPLIT_STEP_MINUTES:
        read.fail("settings.split_step_minutes", "moet hoogstens 2160 zijn (36 uur)")
        step = DEFAULT_SPLIT_STEP_MINUTES
    weights = dict(DEFAULT_WEIGHTS)
    raw_weights = entry.get("weights") or {}
    if not isinstance(raw_weights, dict):
        read.fail("settings.weights", "moet een object {term: gewicht} zijn")
        raw_weights = {}
    for term, weight in raw_weights.items():
        if term not in TERM_NAMES:
            read.fail(
                f"settings.weights.{term}",
                f"onbekende term (bekend: {', '.join(TERM_NAMES)})",
            )
        elif isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
            read.fail(f"settings.weights.{term}", "moet een geheel getal >= 0 zijn")
        else:
            weights[term] = weight
    return Settings(
        time_limit_s=float(limit),
        workers=workers if workers is not None else 0,
        seed=seed if seed is not None else 0,
        max_backup_share=max_backup
        if max_backup is not None
        else DEFAULT_MAX_BACKUP_SHARE,
        learner_share=learner if learner is not None else DEFAULT_LEARNER_SHARE,
        split_step_minutes=step if step is not None else DEFAULT_SPLIT_STEP_MINUTES,
        weights=weights,
    )


# --------------------------------------------------------------------------- output


def fte_number(units: int) -> float | int:
    """An fte amount for JSON: the shortest number with at most four decimals."""
    value = fte_to_decimal(units)
    return int(value) if value == value.to_integral_value() else float(value)


def instance_to_json(instance: Instance) -> dict[str, Any]:
    """Instance format v1 with every default written out (parse round-trips)."""
    s = instance.settings
    return {
        "version": FORMAT_VERSION,
        "name": instance.name,
        "employees": [employee_to_json(e) for e in instance.employees],
        "roles": [role_to_json(r) for r in instance.roles],
        "preferences": [
            {"employee": p.employee, "role": p.role}
            | ({"choice": p.choice} if p.choice is not None else {})
            | ({"score": p.score} if p.score is not None else {})
            for p in instance.preferences
        ],
        "previous": [_assignment_json(a) for a in instance.previous],
        "pins": [_assignment_json(a) for a in instance.pins],
        "forbid": [
            {"employee": f.employee, "role": f.role}
            | ({"kind": f.kind} if f.kind is not None else {})
            for f in instance.forbid
        ],
        "effort": [
            {"employee": x.employee, "role": x.role, "fte": fte_number(x.fte)}
            for x in instance.effort
        ],
        "settings": {
            "time_limit_s": s.time_limit_s,
            "workers": s.workers,
            "seed": s.seed,
            "max_backup_share": fte_number(s.max_backup_share),
            "learner_share": fte_number(s.learner_share),
            "split_step_minutes": s.split_step_minutes,
            "weights": dict(s.weights),
        },
    }


def employee_to_json(e: Employee) -> dict[str, Any]:
    """One employees[] entry, every default written out."""
    return {
        "id": e.id,
        "name": e.name,
        "fte": fte_number(e.fte),
        "base_function": e.base_function,
        "competences": dict(e.competences),
        "available": e.available,
        "reserved_fte": fte_number(e.reserved_fte),
        "max_roles": e.max_roles,
    }


def role_to_json(r: Role) -> dict[str, Any]:
    """One roles[] entry, every default written out."""
    return {
        "id": r.id,
        "name": r.name,
        "cluster": r.cluster,
        "fte": fte_number(r.fte),
        "base_functions": list(r.base_functions),
        "requires": dict(r.requires),
        "backups": r.backups,
        "max_holders": r.max_holders,
        "min_share": fte_number(r.min_share),
        "critical": r.critical,
    }


def _assignment_json(a: Assignment) -> dict[str, Any]:
    out: dict[str, Any] = {"employee": a.employee, "role": a.role, "kind": a.kind}
    if a.fte is not None:
        out["fte"] = fte_number(a.fte)
    return out
