"""Import use cases: read and check an upload, keep it between the steps
(upload -> map columns -> preview -> commit), analyse every row, and commit all
rows or none."""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...extensions import db
from ...models import User
from .. import audit, limits
from .mapping import KINDS, Kind, check_mapping, refuse_personal_data, suggest_mapping
from .readers import MAX_BYTES, MAX_ROWS, ImportRefused, Table, read_table
from .rows import HANDLERS, Desired, Handler

ACTIONS = {"new": "nieuw", "update": "wijzigen", "same": "ongewijzigd", "error": "fout"}


@dataclass(frozen=True)
class CellError:
    """One problem, named by the row and column the user sees in their file."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Rij {self.row}, kolom '{self.column}': {self.message}"


@dataclass
class RowResult:
    row: int
    key: str
    action: str  # new / update / same / error
    cells: dict[str, str]
    changes: list[str] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    desired: Desired | None = None
    obj: Any = None

    @property
    def action_label(self) -> str:
        return ACTIONS[self.action]


@dataclass
class Analysis:
    """Every row of a file with what it would do and every error."""

    kind: Kind
    mapping: dict[str, str]
    rows: list[RowResult]
    handler: Handler

    @property
    def errors(self) -> list[CellError]:
        return [e for r in self.rows for e in r.errors]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def mapped_fields(self) -> list[tuple[str, str]]:
        """(column, field label) of every mapped column, in file order."""
        return [
            (column, self.kind.field(key).label)
            for column, key in self.mapping.items()
            if key
        ]


def kind_or_refuse(kind_key: str) -> Kind:
    kind = KINDS.get(kind_key)
    if kind is None:
        raise ImportRefused("Kies wat u wilt importeren.")
    return kind


def read_upload(
    filename: str,
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> Table:
    """The table in an upload, refused when unreadable, too big or holding
    personal data the product does not need."""
    table = read_table(filename, data, max_bytes=max_bytes, max_rows=max_rows)
    refuse_personal_data(table)
    return table


def analyse(kind_key: str, table: Table, mapping: dict[str, str]) -> Analysis:
    """What every row would do, with every error by row and column. Changes
    nothing in the database."""
    kind = kind_or_refuse(kind_key)
    problems = check_mapping(kind, table.headers, mapping)
    if problems:
        raise ImportRefused(" ".join(problems))
    mapping = {h: mapping.get(h, "") for h in table.headers}
    column_of = {key: column for column, key in mapping.items() if key}
    handler = HANDLERS[kind.key]()
    results: list[RowResult] = []
    first_row: dict[str, int] = {}
    for number, values in zip(table.numbers, table.rows, strict=True):
        cells = {
            key: values[table.headers.index(column)]
            for key, column in column_of.items()
        }
        errors: list[CellError] = []

        def report(
            key: str,
            message: str,
            number: int = number,
            errors: list[CellError] = errors,
        ) -> None:
            column = column_of.get(key) or kind.field(key).label
            errors.append(CellError(number, column, message))

        key = cells.get(kind.key_field, "")
        result = RowResult(number, key, "error", cells, errors=errors)
        results.append(result)
        if not key:
            report(kind.key_field, "is verplicht; zo wordt de rij herkend.")
            continue
        match_key = key if kind.key == "roles" else key.lower()
        if match_key in first_row:
            report(
                kind.key_field,
                f"'{key}' staat ook in rij {first_row[match_key]}; elke rij moet "
                "een ander object zijn.",
            )
            continue
        first_row[match_key] = number
        obj = handler.existing(key)
        desired = handler.read(cells, report, new=obj is None)
        if errors:
            continue
        result.desired, result.obj = desired, obj
        if obj is None:
            result.action = "new"
        else:
            result.changes = handler.changes(desired, obj)
            result.action = "update" if result.changes else "same"
    _check_total(kind, handler, results, column_of)
    return Analysis(kind=kind, mapping=mapping, rows=results, handler=handler)


def _check_total(
    kind: Kind,
    handler: Handler,
    results: list[RowResult],
    column_of: dict[str, str],
) -> None:
    """More new rows than fit under the bound of services.limits: the first row
    that does not fit gets the error (so the whole file is refused)."""
    if handler.total is None:
        return
    model = handler.total
    new = [r for r in results if r.action == "new"]
    problem = limits.room_problem(model, len(new))
    if problem is None:
        return
    maximum, _what = limits.total_bound(model)
    row = new[max(0, maximum - limits.stored(model))]
    column = column_of.get(kind.key_field) or kind.field(kind.key_field).label
    row.errors.append(CellError(row.row, column, problem))
    row.action = "error"


def apply_rows(analysis: Analysis, by: User | None) -> None:
    """Create or update the object of every error-free row that changes something,
    each audited (the caller commits)."""
    handler = analysis.handler
    for row in analysis.rows:
        if row.action not in ("new", "update"):
            continue
        assert row.desired is not None
        obj = handler.apply(row.desired, row.obj, by)
        db.session.flush()
        audit.record(
            f"import_{'create' if row.action == 'new' else 'update'}",
            by,
            object_type=handler.object_type,
            object_id=obj.id,
            row=row.row,
            changes=row.changes,
        )


@dataclass(frozen=True)
class Summary:
    created: int
    updated: int
    unchanged: int

    def describe(self) -> str:
        return (
            f"Import voltooid: {self.created} nieuw, {self.updated} gewijzigd, "
            f"{self.unchanged} ongewijzigd."
        )


def commit(
    kind_key: str,
    table: Table,
    mapping: dict[str, str],
    by: User | None,
    *,
    filename: str = "",
) -> Summary:
    """Import every row or none: any error refuses the whole file (with every
    error listed) and the database stays as it was."""
    analysis = analyse(kind_key, table, mapping)
    errors = analysis.errors
    if errors:
        db.session.rollback()
        raise ImportRefused(
            f"Er is niets geïmporteerd: {len(errors)} fout(en) in het bestand.",
            errors,
        )
    handler = analysis.handler
    try:
        apply_rows(analysis, by)
        summary = Summary(
            created=analysis.count("new"),
            updated=analysis.count("update"),
            unchanged=analysis.count("same"),
        )
        audit.record(
            "import",
            by,
            object_type=handler.object_type,
            kind=kind_key,
            filename=filename,
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return summary


def import_file(
    kind_key: str,
    filename: str,
    data: bytes,
    by: User | None,
    *,
    mapping: dict[str, str] | None = None,
    preset: str = "auto",
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> Summary:
    """Read, map (suggested unless given) and commit a file in one go."""
    kind = kind_or_refuse(kind_key)
    table = read_upload(filename, data, max_bytes=max_bytes, max_rows=max_rows)
    if mapping is None:
        mapping = suggest_mapping(kind, table.headers, preset)
    return commit(kind_key, table, mapping, by, filename=filename)


# --- keeping an upload between the steps ----------------------------------------

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
STAGE_TTL_S = 24 * 3600


@dataclass
class Staged:
    """An upload waiting for its column mapping and commit."""

    token: str
    kind: str
    filename: str
    table: Table
    mapping: dict[str, str]
    user_id: int | None


def _path(folder: Path, token: str) -> Path:
    if not TOKEN.fullmatch(token):
        raise ImportRefused("Dit importbestand is niet (meer) beschikbaar.")
    return folder / f"{token}.json"


def stage(
    folder: Path, kind_key: str, filename: str, table: Table, by: User | None
) -> Staged:
    """Keep a checked upload (as its table, not the raw file) for the next steps;
    old uploads nobody finished are removed."""
    kind = kind_or_refuse(kind_key)
    folder.mkdir(parents=True, exist_ok=True)
    sweep(folder)
    staged = Staged(
        token=secrets.token_urlsafe(24),
        kind=kind.key,
        filename=filename,
        table=table,
        mapping=suggest_mapping(kind, table.headers),
        user_id=by.id if by is not None else None,
    )
    save(folder, staged)
    return staged


def sweep(folder: Path) -> None:
    """Remove staged uploads nobody finished within a day."""
    cutoff = time.time() - STAGE_TTL_S
    for old in folder.glob("*.json"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except OSError:
            continue  # removed by another request meanwhile


def save(folder: Path, staged: Staged) -> None:
    data = {
        "kind": staged.kind,
        "filename": staged.filename,
        "table": staged.table.to_json(),
        "mapping": staged.mapping,
        "user_id": staged.user_id,
    }
    _path(folder, staged.token).write_text(json.dumps(data), encoding="utf-8")


def load(folder: Path, token: str, by: User | None) -> Staged:
    """The staged upload of this user; ImportRefused when gone or someone else's."""
    path = _path(folder, token)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImportRefused("Dit importbestand is niet (meer) beschikbaar.") from exc
    if data.get("user_id") != (by.id if by is not None else None):
        raise ImportRefused("Dit importbestand is niet (meer) beschikbaar.")
    if data.get("kind") not in KINDS:  # a staged round file (instance_json)
        raise ImportRefused("Dit importbestand is niet (meer) beschikbaar.")
    return Staged(
        token=token,
        kind=data["kind"],
        filename=data["filename"],
        table=Table.from_json(data["table"]),
        mapping=dict(data["mapping"]),
        user_id=data["user_id"],
    )


def discard(folder: Path, token: str) -> None:
    try:
        _path(folder, token).unlink(missing_ok=True)
    except ImportRefused:
        pass
