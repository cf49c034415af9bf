"""Import an instance JSON (format v1: another municipality's export, or a round
exported here) as a new planning round: clusters and competences it names, its
employees and roles (created or updated in place by username / role code, with
the same row checks as a CSV import), and its preferences.

Like the CSV import it goes upload -> preview -> commit, all or nothing. The
file is read defensively (size, nesting depth, length of numbers) and held to the
bounds of services.limits before anything is looked up, so a hostile file costs
no more than a normal one and never reaches the database.

Employees are matched on their username, the key the round export writes
(services.exports.instance_export); the ``m<id>`` keys of a solver run's own
files are refused with the way out, instead of becoming 50 new employees."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ...domain import FTE_SCALE, Choice, format_fte
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
from .. import audit, limits
from ..base import stamp
from .readers import MAX_BYTES, ImportRefused, Table, megabytes
from .service import Analysis, RowResult, _path, analyse, apply_rows, sweep

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
# Fields of the format that hold an fte (a number or a decimal text).
FTE_KEYS = {"fte", "min_share", "reserved_fte", "max_backup_share", "learner_share"}
INTERNAL_KEY = re.compile(r"^m(\d{1,9})$")

REFUSED = "Het instantiebestand is niet geldig; er is niets geïmporteerd."
TOO_MUCH = (
    "Het instantiebestand past niet binnen de grenzen van deze applicatie; er is "
    "niets geïmporteerd."
)
DOES_NOT_FIT = (
    "Het instantiebestand past niet in deze applicatie; er is niets geïmporteerd."
)


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


# --- reading the file -----------------------------------------------------------

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")


class _Unreadable(ValueError):
    """A number in the file that is refused while the JSON is read."""


def _depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text (strings skipped), without
    building anything: Python's decoder recurses and would fail on deep input."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limits.MAX_JSON_DEPTH:
                break
        else:
            depth -= 1
    return deepest


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > limits.MAX_JSON_INTEGER_DIGITS:
        raise _Unreadable(
            "Het instantiebestand bevat een geheel getal van "
            f"{limits.thousands(len(text))} cijfers; getallen hebben hoogstens "
            f"{limits.MAX_JSON_INTEGER_DIGITS} cijfers. Er is niets geïmporteerd."
        )
    return int(text)


def _float(text: str) -> float:
    if len(text) > limits.MAX_NUMBER_LENGTH:
        raise _Unreadable(
            "Het instantiebestand bevat een getal van "
            f"{limits.thousands(len(text))} tekens; getallen hebben hoogstens "
            f"{limits.MAX_NUMBER_LENGTH} tekens. Er is niets geïmporteerd."
        )
    return float(text)


def load_json(data: bytes, *, max_bytes: int = MAX_BYTES) -> Any:
    """The JSON document in an upload, or ImportRefused in Dutch: too big, not
    UTF-8, not JSON, nested too deep or with a number too long to be real."""
    if len(data) > max_bytes:
        raise ImportRefused(
            f"Het bestand is te groot ({megabytes(len(data))}); het maximum is "
            f"{megabytes(max_bytes)}."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused("Een instantiebestand moet UTF-8 zijn.") from exc
    if _depth(text) > limits.MAX_JSON_DEPTH:
        raise ImportRefused(
            "Het instantiebestand is te diep genest (lijsten of objecten in "
            f"elkaar, meer dan {limits.MAX_JSON_DEPTH} niveaus); een "
            "instantiebestand heeft er hoogstens vier. Er is niets geïmporteerd."
        )
    try:
        return json.loads(text, parse_int=_integer, parse_float=_float)
    except _Unreadable as exc:
        raise ImportRefused(str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f"Dit is geen geldig JSON-bestand (regel {exc.lineno}, kolom {exc.colno})."
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise ImportRefused("Dit is geen leesbaar JSON-bestand.") from exc


def _screen(raw: Any, path: str = "") -> list[str]:
    """Every fte in the document that is far too long or too large to read (the
    solver's parser would try to expand '1e999999'), named by its place."""
    problems: list[str] = []
    if isinstance(raw, dict):
        for key, value in raw.items():
            where = f"{path}.{key}" if path else str(key)
            if key in FTE_KEYS and isinstance(value, str | int | float):
                if isinstance(value, bool):
                    continue
                try:
                    limits.parse_fte_bounded(str(value))
                except ValueError as exc:
                    problems.append(f"{where}: {exc}.")
            else:
                problems += _screen(value, where)
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            problems += _screen(value, f"{path}[{i}]")
    return problems


def read_instance(data: bytes, *, max_bytes: int = MAX_BYTES) -> Instance:
    """A valid instance v1 from an uploaded file, or ImportRefused with every
    problem named by entry and field."""
    return _read(data, max_bytes=max_bytes)[1]


def _read(data: bytes, *, max_bytes: int) -> tuple[dict[str, Any], Instance]:
    raw = load_json(data, max_bytes=max_bytes)
    if problems := _screen(raw):
        raise ImportRefused(REFUSED, problems)
    try:
        instance = parse_instance(raw)
    except InstanceError as exc:
        raise ImportRefused(REFUSED, list(exc.errors)) from exc
    return raw, instance


# --- the bounds of services.limits ----------------------------------------------


def _echo(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "…"


def _bounds(instance: Instance, raw: dict[str, Any]) -> list[str]:
    """Every way the file exceeds the bounds of services.limits, by entry."""
    problems: list[str] = []

    def check(where: str, problem: str | None) -> None:
        if problem:
            problems.append(f"{where}: {problem}")

    check(
        "employees",
        limits.count_problem(
            len(instance.employees), limits.MAX_EMPLOYEES, "medewerkers"
        ),
    )
    check(
        "roles", limits.count_problem(len(instance.roles), limits.MAX_ROLES, "rollen")
    )
    check("name", limits.text_problem(instance.name, limits.LONG_NAME_LENGTH))
    competences: set[str] = set()
    clusters: set[str] = set()
    for i, e in enumerate(instance.employees):
        check(
            f"employees[{i}].competences",
            limits.count_problem(
                len(e.competences),
                limits.MAX_COMPETENCES_PER_EMPLOYEE,
                "competenties per medewerker",
            ),
        )
        for name in e.competences:  # the first bad name of each entry
            if problem := limits.text_problem(name, limits.NAME_LENGTH):
                check(f"employees[{i}].competences", f"'{_echo(name)}': {problem}")
                break
        competences |= {n.strip() for n in e.competences}
    for i, r in enumerate(instance.roles):
        check(
            f"roles[{i}].requires",
            limits.count_problem(
                len(r.requires),
                limits.MAX_REQUIREMENTS_PER_ROLE,
                "vereiste competenties per rol",
            ),
        )
        for name in r.requires:
            if problem := limits.text_problem(name, limits.NAME_LENGTH):
                check(f"roles[{i}].requires", f"'{_echo(name)}': {problem}")
                break
        competences |= {n.strip() for n in r.requires}
        check(f"roles[{i}].cluster", limits.text_problem(r.cluster, limits.NAME_LENGTH))
        clusters.add(r.cluster.strip())
    if not problems:  # only then count against what is stored
        check(
            "competences",
            limits.room_problem(Competence, len(_missing(Competence, competences))),
        )
        check(
            "clusters", limits.room_problem(Cluster, len(_missing(Cluster, clusters)))
        )
    settings = raw.get("settings")
    if isinstance(settings, dict):
        for key, value in settings.items():
            check(f"settings.{key}", limits.setting_problem(str(key), value))
    return problems


def _internal_keys(instance: Instance) -> list[str]:
    """Employee ids that are this app's internal ``m<id>`` keys for its own
    employees (a solver run's instance or plan file) rather than usernames."""
    found = []
    usernames = {u.lower() for u in db.session.scalars(select(Employee.username))}
    for e in instance.employees:
        match = INTERNAL_KEY.fullmatch(e.id)
        if match is None or e.id.lower() in usernames:
            continue
        stored = db.session.get(Employee, int(match.group(1)))
        if stored is not None and stored.name == e.name:
            found.append(e.id)
    return found


# --- rows, as the CSV import checks them ---------------------------------------


def _levels(levels: Any) -> str:
    return "; ".join(f"{name}:{level}" for name, level in sorted(levels.items()))


def _fte_text(units: int) -> str:
    """An fte for a row cell; a value no fte can be stays recognisably wrong
    (the row check refuses it) instead of breaking the formatting."""
    if abs(units) > limits.MAX_NUMBER * FTE_SCALE:
        return f"{units / FTE_SCALE:.0e}"
    return format_fte(units)


def _table(headers: list[str], rows: list[list[str]]) -> Table:
    return Table(headers=headers, rows=rows, numbers=list(range(len(rows))))


def _employee_table(instance: Instance) -> Table:
    return _table(
        list(EMPLOYEE_FIELDS),
        [
            [e.id, e.name, _fte_text(e.fte), e.base_function, _levels(e.competences)]
            for e in instance.employees
        ],
    )


def _role_table(instance: Instance) -> Table:
    stored = {r.code: r for r in db.session.scalars(select(Role))}
    rows = []
    for r in instance.roles:
        split = r.max_holders > 1
        share = _fte_text(r.min_share) if split and r.min_share else ""
        splittable, max_holders = ("ja" if split else "nee"), str(r.max_holders)
        old = stored.get(r.id)
        if old is not None and (
            old.max_holders if old.splittable else 1,
            old.effective_min_share_units,
        ) == (r.max_holders, r.min_share):
            # The round export writes a role that may not be split as one holder
            # taking all of it; that is what is stored, however it is stored.
            splittable = max_holders = share = ""
        rows.append(
            [
                r.id,
                r.name,
                r.cluster,
                _fte_text(r.fte),
                ",".join(r.base_functions),
                str(r.backups),
                splittable,
                max_holders,
                share,
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


def _missing(model: type[Any], names: set[str]) -> list[str]:
    """The names (of clusters or competences) that do not exist yet."""
    known = {n.lower() for n in db.session.scalars(select(model.name))}
    found: dict[str, str] = {}
    for name in sorted(n.strip() for n in names if n.strip()):
        if name.lower() not in known:
            found.setdefault(name.lower(), name)
    return list(found.values())


def _ensure_named(model: type[Any], names: list[str], by: User | None) -> None:
    for name in names:
        obj = model(name=name)
        stamp(obj, by, new=True)
        db.session.add(obj)


@dataclass
class _Checked:
    """A file read, held to the bounds, with its rows analysed (the new clusters
    and competences are in the session, not committed)."""

    raw: dict[str, Any]
    instance: Instance
    new_clusters: list[str]
    new_competences: list[str]
    employees: Analysis
    roles: Analysis

    @property
    def errors(self) -> list[str]:
        return _errors(self.employees, "employees", EMPLOYEE_FIELDS) + _errors(
            self.roles, "roles", ROLE_FIELDS
        )


def _round_problems(label: str, starts_on: date, ends_on: date) -> list[str]:
    problems = []
    if problem := limits.round_label_problem(label):
        problems.append(problem)
    elif db.session.scalar(
        select(PlanningRound.id).where(PlanningRound.label == label.strip())
    ):
        problems.append(f"Er is al een planronde '{label.strip()}'.")
    if ends_on < starts_on:
        problems.append("De einddatum ligt vóór de begindatum.")
    return problems


def _check(
    data: bytes,
    label: str,
    starts_on: date,
    ends_on: date,
    by: User | None,
    *,
    max_bytes: int,
) -> _Checked:
    """Everything an import checks, in order: the round, the file, the bounds,
    then every row (after adding the clusters and competences the file names to
    the session, so the rows can refer to them). The caller commits or rolls
    back."""
    if problems := _round_problems(label, starts_on, ends_on):
        raise ImportRefused(" ".join(problems))
    raw, instance = _read(data, max_bytes=max_bytes)
    if problems := _bounds(instance, raw):
        raise ImportRefused(TOO_MUCH, problems)
    if internal := _internal_keys(instance):
        raise ImportRefused(
            "Dit bestand noemt medewerkers bij het interne nummer van deze "
            f"applicatie ({', '.join(internal[:3])}, ...): het is de invoer of "
            "uitkomst van een optimalisatie, bedoeld voor de solver. Er is niets "
            "geïmporteerd. Importeer de planronde zelf (Exporteren, 'Planronde als "
            "instantiebestand'): die noemt medewerkers bij hun gebruikersnaam."
        )
    new_clusters = _missing(Cluster, {r.cluster for r in instance.roles})
    new_competences = _missing(
        Competence,
        {c for e in instance.employees for c in e.competences}
        | {c for r in instance.roles for c in r.requires},
    )
    _ensure_named(Cluster, new_clusters, by)
    _ensure_named(Competence, new_competences, by)
    db.session.flush()
    return _Checked(
        raw=raw,
        instance=instance,
        new_clusters=new_clusters,
        new_competences=new_competences,
        employees=analyse(
            "employees", _employee_table(instance), {k: k for k in EMPLOYEE_FIELDS}
        ),
        roles=analyse("roles", _role_table(instance), {k: k for k in ROLE_FIELDS}),
    )


# --- preview ----------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewLine:
    """One employee or role of the file with what the import would do to it."""

    entry: str  # employees[3]
    key: str
    name: str
    action: str  # new / update / same / error
    action_label: str
    changes: list[str]
    errors: list[str]


@dataclass(frozen=True)
class RoundPreview:
    """What importing a round file would do, for the secretaris to confirm."""

    name: str
    label: str
    starts_on: date
    ends_on: date
    new_clusters: list[str]
    new_competences: list[str]
    employees: list[PreviewLine]
    roles: list[PreviewLine]
    preferences: int
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def count(lines: list[PreviewLine], action: str) -> int:
        return sum(1 for line in lines if line.action == action)

    @property
    def changes_anything_but_the_round(self) -> bool:
        return bool(
            self.new_clusters
            or self.new_competences
            or any(line.action != "same" for line in self.employees + self.roles)
        )


def _lines(analysis: Analysis, entry: str, names: dict[str, str]) -> list[PreviewLine]:
    def line(row: RowResult) -> PreviewLine:
        return PreviewLine(
            entry=f"{entry}[{row.row}]",
            key=row.key,
            name=row.cells.get("name", ""),
            action=row.action,
            action_label=row.action_label,
            changes=list(row.changes),
            errors=[
                f"{names.get(e.column, e.column)}: {e.message}" for e in row.errors
            ],
        )

    return [line(row) for row in analysis.rows]


def preview_round(
    data: bytes,
    label: str,
    starts_on: date,
    ends_on: date,
    by: User | None,
    *,
    max_bytes: int = MAX_BYTES,
) -> RoundPreview:
    """What import_round would do with this file, row by row with every error.
    Changes nothing: whatever the checks put in the session is rolled back.
    ImportRefused when the round or the file as a whole is refused."""
    try:
        checked = _check(data, label, starts_on, ends_on, by, max_bytes=max_bytes)
        return RoundPreview(
            name=checked.instance.name,
            label=label.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            new_clusters=checked.new_clusters,
            new_competences=checked.new_competences,
            employees=_lines(checked.employees, "employees", EMPLOYEE_FIELDS),
            roles=_lines(checked.roles, "roles", ROLE_FIELDS),
            preferences=len(checked.instance.preferences),
            errors=checked.errors,
        )
    finally:
        db.session.rollback()


# --- commit -------------------------------------------------------------------------


def import_round(
    data: bytes,
    label: str,
    starts_on: date,
    ends_on: date,
    by: User | None,
    *,
    max_bytes: int = MAX_BYTES,
) -> RoundImport:
    """Create a planning round (status concept) from an instance JSON file, or
    refuse it whole (ImportRefused, every problem listed) and change nothing."""
    try:
        checked = _check(data, label, starts_on, ends_on, by, max_bytes=max_bytes)
        if errors := checked.errors:
            raise ImportRefused(DOES_NOT_FIT, errors)
        instance = checked.instance
        apply_rows(checked.employees, by)
        apply_rows(checked.roles, by)
        round_ = PlanningRound(
            label=label.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            settings=dict(_settings(checked.raw)),
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


def _settings(raw: dict[str, Any]) -> dict[str, Any]:
    """The instance's own settings block, kept as the round's solver settings."""
    settings = raw.get("settings") or {}
    return settings if isinstance(settings, dict) else {}


# --- keeping an upload between the steps --------------------------------------------


@dataclass(frozen=True)
class StagedRound:
    """A round file waiting for the secretaris to confirm its preview."""

    token: str
    filename: str
    label: str
    starts_on: date
    ends_on: date
    data: bytes
    user_id: int | None


def stage_round(
    folder: Path,
    filename: str,
    data: bytes,
    label: str,
    starts_on: date,
    ends_on: date,
    by: User | None,
) -> StagedRound:
    """Keep an uploaded round file (checked by the caller) for preview and commit."""
    folder.mkdir(parents=True, exist_ok=True)
    sweep(folder)
    staged = StagedRound(
        token=secrets.token_urlsafe(24),
        filename=filename,
        label=label,
        starts_on=starts_on,
        ends_on=ends_on,
        data=data,
        user_id=by.id if by is not None else None,
    )
    payload = {
        "kind": "round",
        "filename": filename,
        "label": label,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "data": data.decode("utf-8-sig"),
        "user_id": staged.user_id,
    }
    _path(folder, staged.token).write_text(json.dumps(payload), encoding="utf-8")
    return staged


def load_round(folder: Path, token: str, by: User | None) -> StagedRound:
    """The staged round file of this user; ImportRefused when gone or not theirs."""
    gone = ImportRefused("Dit importbestand is niet (meer) beschikbaar.")
    try:
        payload = json.loads(_path(folder, token).read_text(encoding="utf-8"))
        if payload.get("kind") != "round":
            raise gone
        if payload.get("user_id") != (by.id if by is not None else None):
            raise gone
        return StagedRound(
            token=token,
            filename=str(payload["filename"]),
            label=str(payload["label"]),
            starts_on=date.fromisoformat(payload["starts_on"]),
            ends_on=date.fromisoformat(payload["ends_on"]),
            data=str(payload["data"]).encode("utf-8"),
            user_id=payload["user_id"],
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise gone from exc
