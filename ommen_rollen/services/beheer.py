"""Shared machinery of the beheer use cases: field errors, the checks every beheer
form needs (text, exact fte, whole numbers, choices, existing rows, uniqueness),
search, (de)activation and deletion that never breaks history.

Validation lives here and only here: forms carry raw input, these checks turn it
into values or Dutch messages per field. Nothing is changed before every check
has passed, so a refused save changes nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.exc import StaleDataError

from ..domain import FTE_SCALE
from ..extensions import db
from ..models import (
    Assignment,
    AuditEntry,
    Cluster,
    Competence,
    Employee,
    EmployeeCompetence,
    Job,
    Partner,
    Pin,
    Preference,
    Role,
    RoleRequirement,
    TaskField,
    User,
    WorkPlan,
)
from ..naming import name_key, word_key
from . import audit, limits, validation
from .base import ServiceError, stamp, utcnow

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

STALE_MESSAGE = (
    "Iemand anders heeft dit intussen gewijzigd. Uw wijzigingen zijn niet "
    "opgeslagen: open het formulier opnieuw en voer ze nog eens in."
)


class Kind(NamedTuple):
    """How the beheer screens speak about a model, and its audit object type."""

    noun: str  # Dutch, singular
    article: str  # "de" or "het"
    object_type: str

    @property
    def this(self) -> str:
        """'deze rol', 'dit cluster'."""
        return ("deze " if self.article == "de" else "dit ") + self.noun


KINDS: dict[type[Any], Kind] = {
    Cluster: Kind("cluster", "het", "cluster"),
    Competence: Kind("competentie", "de", "competence"),
    Partner: Kind("partner", "de", "partner"),
    TaskField: Kind("taakveld", "het", "task_field"),
    Role: Kind("rol", "de", "role"),
    Employee: Kind("medewerker", "de", "employee"),
}


class InvalidInput(ServiceError):
    """Input refused; ``errors`` maps a field name to its Dutch messages.

    A field name with a dot names one row of a table, e.g. ``requirements.7`` is
    the row of competence 7.
    """

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(
            "Het formulier is niet opgeslagen. Verbeter de gemarkeerde velden."
        )
        self.errors = errors


class StaleEdit(ServiceError):
    """The object was changed by someone else since the form was opened."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE)


class NotFound(ServiceError):
    """The object does not exist (any more)."""


class Checker:
    """Collects every field error of one save, so the form shows them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def done(self) -> None:
        """Refuse the save if any check failed; drop anything half-done."""
        if self.errors:
            db.session.rollback()
            raise InvalidInput(self.errors)

    def text(
        self,
        field: str,
        value: str | None,
        *,
        max_length: int,
        required: str | None = None,
        single_line: bool = False,
    ) -> str:
        """Trimmed text; ``required`` is the message when it is empty. A name or
        code (``single_line``) holds no line breaks or other control characters
        (services.limits)."""
        text = (value or "").strip()
        if required and not text:
            self.add(field, required)
        elif problem := limits.text_problem(text, max_length, single_line=single_line):
            self.add(field, problem)
        return text

    def room(self, field: str, model: type[Any]) -> None:
        """One more row of this model fits under its bound (services.limits)."""
        if problem := limits.room_problem(model, 1):
            self.add(field, problem)

    def read(
        self,
        field: str,
        value: str | int | None,
        validate: Callable[[str], T],
        *,
        required: str | None = None,
    ) -> T | None:
        """The value through one of services.validation's functions (the import
        reads with the same ones); empty is None, or ``required`` when it may not
        be empty."""
        text = str(value if value is not None else "").strip()
        if not text:
            if required:
                self.add(field, required)
            return None
        try:
            return validate(text)
        except validation.Invalid as exc:
            self.add(field, str(exc))
            return None

    def choice(
        self, field: str, value: str | None, enum_cls: type[E], message: str
    ) -> E | None:
        """A member of the enum by its value; a tampered value gets ``message``."""
        try:
            return enum_cls((value or "").strip())
        except ValueError:
            self.add(field, message)
            return None

    def existing(
        self,
        field: str,
        model: type[Any],
        value: str | int | None,
        *,
        message: str,
        required: str | None = None,
        current_id: int | None = None,
    ) -> int | None:
        """The id of an existing, active row (or the one already linked)."""
        text = str(value if value is not None else "").strip()
        if not text:
            if required:
                self.add(field, required)
            return None
        obj = db.session.get(model, int(text)) if _is_id(text) else None
        if obj is None:
            self.add(field, message)
            return None
        if not getattr(obj, "active", True) and obj.id != current_id:
            self.add(field, f"{message} (deze is niet actief).")
            return None
        return int(obj.id)

    def unique(
        self,
        field: str,
        column: InstrumentedAttribute[str],
        value: str,
        *,
        exclude: ColumnElement[bool] | None,
        message: str,
    ) -> None:
        """No other row has this value (compared without regard to case)."""
        if not value:
            return
        query = select(func.count()).where(func.lower(column) == value.lower())
        if exclude is not None:
            query = query.where(exclude)
        if db.session.scalar(query):
            self.add(field, message)

    def levels(
        self,
        field: str,
        rows: Sequence[tuple[str | int, str | int | None]],
        *,
        maximum: int,
        what: str,
    ) -> dict[int, int]:
        """Competence levels per competence id from (competence id, level) rows; an
        empty level means "none". Unknown competences, levels outside 1-3 and more
        than ``maximum`` competences are refused."""
        levels: dict[int, int] = {}
        for raw_id, raw_level in rows:
            key = f"{field}.{raw_id}"
            level_text = str(raw_level if raw_level is not None else "").strip()
            text = str(raw_id).strip()
            competence = db.session.get(Competence, int(text)) if _is_id(text) else None
            if competence is None:
                if level_text:
                    self.add(key, "Deze competentie bestaat niet.")
                continue
            if not level_text:
                continue
            try:
                level = validation.level(level_text)
            except validation.Invalid as exc:
                self.add(key, str(exc))
                continue
            if competence.id in levels:
                self.add(key, f"{competence.name} staat er twee keer in.")
                continue
            levels[competence.id] = level
        try:
            validation.level_count(len(levels), maximum=maximum, what=what)
        except validation.Invalid as exc:
            self.add(field, str(exc))
        return levels


def _is_id(text: str) -> bool:
    """Whether submitted text can be a row id (digits that fit in 32 bits)."""
    # isascii: str.isdigit() also accepts "²" and other digits int() refuses.
    return text.isascii() and text.isdigit() and len(text) <= 9


def check_version(obj: Any, version_id: str | int | None) -> None:
    """Refuse a save made on a form that showed an older version of ``obj``."""
    text = str(version_id if version_id is not None else "").strip()
    if not _is_id(text) or int(text) != obj.version_id:
        db.session.rollback()
        raise StaleEdit()


def plain(value: Any) -> Any:
    """A JSON-safe copy of a column value for the audit log."""
    if isinstance(value, enum.Enum):
        return value.value
    return value


def apply(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the attributes that differ; return them as {name: [old, new]}."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [plain(old), plain(new)]
            setattr(obj, name, new)
    return changes


def get(model: type[Any], object_id: int) -> Any:
    """The object with this id, or NotFound."""
    obj = db.session.get(model, object_id)
    if obj is None:
        raise NotFound(f"{KINDS[model].this.capitalize()} bestaat niet (meer).")
    return obj


def display_name(obj: Any) -> str:
    """How the beheer screens name an object in messages."""
    if isinstance(obj, Role):
        return f"{obj.code} {obj.name}"
    return str(obj.name)


def search(
    model: type[Any],
    query: str,
    include_inactive: bool,
    *,
    columns: Sequence[InstrumentedAttribute[str]],
    order_by: Sequence[Any],
) -> list[Any]:
    """Rows whose columns contain the search text, active ones unless asked."""
    stmt = select(model).order_by(*order_by)
    text = query.strip().lower()
    if text:
        pattern = f"%{text}%"
        stmt = stmt.where(or_(*(func.lower(c).like(pattern) for c in columns)))
    if not include_inactive:
        stmt = stmt.where(model.active.is_(True))
    rows = list(db.session.scalars(stmt))
    if model is Employee:
        return sorted(rows, key=lambda e: name_key(e.name))
    if model is not Role:  # roles keep the order of their codes
        return sorted(rows, key=lambda r: word_key(r.name))
    return rows


def counts(model: type[Any]) -> tuple[int, int]:
    """(active, total) rows of a model for the overview."""
    total = db.session.scalar(select(func.count()).select_from(model)) or 0
    active = (
        db.session.scalar(
            select(func.count()).select_from(model).where(model.active.is_(True))
        )
        or 0
    )
    return int(active), int(total)


def _count(column: InstrumentedAttribute[Any], value: Any) -> int:
    model = column.class_
    return int(
        db.session.scalar(
            select(func.count()).select_from(model).where(column == value)
        )
        or 0
    )


def references(obj: Any) -> list[str]:
    """Dutch descriptions of what still refers to ``obj``; empty: it may go."""
    checks: list[tuple[str, InstrumentedAttribute[Any], Any]] = []
    if isinstance(obj, Role):
        checks = [
            ("toewijzing(en) in werkplannen", Assignment.role_id, obj.id),
            ("voorkeur(en) van medewerkers", Preference.role_id, obj.id),
            ("vastgezette of verboden toewijzing(en)", Pin.role_id, obj.id),
        ]
    elif isinstance(obj, Employee):
        checks = [
            ("werkplan(nen)", WorkPlan.employee_id, obj.id),
            ("voorkeur(en)", Preference.employee_id, obj.id),
            ("ontwikkelrol(len) als mentor", Assignment.mentor_id, obj.id),
            ("vastgezette of verboden toewijzing(en)", Pin.employee_id, obj.id),
        ]
        account = account_of(obj)
        if account is not None:
            checks += [
                ("handeling(en) in het logboek", AuditEntry.user_id, account.id),
                ("goedgekeurde werkplan(nen)", WorkPlan.approved_by_id, account.id),
                ("optimalisatierun(s)", Job.created_by_id, account.id),
            ]
    elif isinstance(obj, Cluster):
        checks = [
            ("rol(len)", Role.cluster_id, obj.id),
            ("medewerker(s) met dit thuiscluster", Employee.home_cluster_id, obj.id),
            ("taakveld(en)", TaskField.cluster_id, obj.id),
            ("account(s) van spilfuncties", User.cluster_id, obj.id),
        ]
    elif isinstance(obj, Competence):
        checks = [
            (
                "rol(len) die deze competentie vragen",
                RoleRequirement.competence_id,
                obj.id,
            ),
            (
                "medewerker(s) met deze competentie",
                EmployeeCompetence.competence_id,
                obj.id,
            ),
        ]
    elif isinstance(obj, Partner):
        checks = [("taakveld(en)", TaskField.partner_id, obj.id)]
    elif isinstance(obj, TaskField):
        checks = [("rol(len)", Role.task_field_id, obj.id)]
    found = []
    for label, column, value in checks:
        number = _count(column, value)
        if number:
            found.append(f"{number} {label}")
    return found


def account_of(employee: Employee) -> User | None:
    if employee.id is None:  # not flushed yet: no account can point at it
        return None
    return db.session.scalar(select(User).where(User.employee_id == employee.id))


def set_active(model: type[Any], object_id: int, active: bool, by: User) -> Any:
    """Activate or deactivate an object (an employee's account follows)."""
    obj = get(model, object_id)
    object_type = KINDS[model].object_type
    if obj.active != active:
        obj.active = active
        if isinstance(obj, Employee | Role):
            obj.updated_at = utcnow()
        if isinstance(obj, Employee) and (account := account_of(obj)) is not None:
            account.active = active
        stamp(obj, by)
        audit.record(
            "beheer.activate" if active else "beheer.deactivate",
            by,
            object_type=object_type,
            object_id=obj.id,
            name=display_name(obj),
        )
        db.session.commit()
    return obj


@dataclass(frozen=True)
class Removal:
    """What removing an object would do: delete it, or deactivate it because
    other data (history) still refers to it."""

    obj: Any
    kind: Kind
    references: list[str]

    @property
    def deactivates(self) -> bool:
        return bool(self.references)


def plan_removal(model: type[Any], object_id: int) -> Removal:
    """Tell the confirmation page whether removing deletes or deactivates."""
    obj = get(model, object_id)
    return Removal(obj=obj, kind=KINDS[model], references=references(obj))


def remove(model: type[Any], object_id: int, by: User) -> Removal:
    """Delete an object nothing refers to; deactivate it when history does."""
    removal = plan_removal(model, object_id)
    obj = removal.obj
    object_type = KINDS[model].object_type
    if removal.deactivates:
        set_active(model, object_id, False, by)
        return removal
    name = display_name(obj)
    if isinstance(obj, Employee) and (account := account_of(obj)) is not None:
        db.session.delete(account)
    db.session.delete(obj)
    audit.record(
        "beheer.delete", by, object_type=object_type, object_id=object_id, name=name
    )
    db.session.commit()
    return removal


def fte_limit(fte: int) -> int:
    """FTE units of a whole number of fte."""
    return fte * FTE_SCALE


def store(
    model: type[Any],
    obj: Any,
    values: dict[str, Any],
    by: User,
    object_type: str,
    *,
    after: Callable[[Any], dict[str, Any]] | None = None,
    commit: bool = True,
) -> Any:
    """Create or update ``obj`` with checked values, audit and commit.

    ``after`` changes related rows and returns their changes for the audit log.
    Everything is written in one flush, so a versioned row is bumped once.
    Without ``commit`` it is flushed only: part of a larger use case (a
    scenario published) that commits or rolls back as a whole.
    """
    new = obj is None
    with db.session.no_autoflush:
        if new:
            obj = model()
            db.session.add(obj)
        changes = apply(obj, values)
        if hasattr(obj, "version_id") and not new:
            # Children (requirements, competences) do not touch the row itself;
            # a fresh updated_at makes every save bump the version for locking.
            obj.updated_at = utcnow()
        stamp(obj, by, new=new)
        if after is not None:
            changes.update(after(obj))
    try:
        db.session.flush()
        audit.record(
            "beheer.create" if new else "beheer.update",
            by,
            object_type=object_type,
            object_id=obj.id,
            changes=changes,
        )
        if commit:
            db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise StaleEdit() from exc
    except IntegrityError as exc:
        # Two saves raced past the uniqueness check; the database refused one.
        db.session.rollback()
        field = {Employee: "username", Role: "code"}.get(model, "name")
        raise InvalidInput({field: ["Dit is intussen al in gebruik."]}) from exc
    return obj


def sync_levels(
    rows: list[Any],
    levels: dict[int, int],
    *,
    level_attr: str,
    make: Callable[[int, int], Any],
    label: str,
) -> dict[str, Any]:
    """Bring competence-level rows (a role's requirements, an employee's
    competences) in line with ``levels``, updating rows in place: deleting and
    inserting the same competence in one flush would trip the unique constraint.
    Returns the change for the audit log."""
    before = {row.competence_id: getattr(row, level_attr) for row in rows}
    for row in list(rows):
        if row.competence_id not in levels:
            rows.remove(row)
        else:
            setattr(row, level_attr, levels[row.competence_id])
    for competence_id, level in levels.items():
        if competence_id not in before:
            rows.append(make(competence_id, level))
    if before == levels:
        return {}
    return {
        label: [
            {str(k): v for k, v in sorted(before.items())},
            {str(k): v for k, v in sorted(levels.items())},
        ]
    }


def sync_competences(employee: Employee, levels: dict[int, int]) -> dict[str, Any]:
    """An employee's competence levels in line with ``levels`` (sync_levels)."""
    return sync_levels(
        employee.competences,
        levels,
        level_attr="level",
        make=lambda cid, level: EmployeeCompetence(competence_id=cid, level=level),
        label="competences",
    )


def sync_requirements(role: Role, levels: dict[int, int]) -> dict[str, Any]:
    """A role's required competence levels in line with ``levels`` (sync_levels)."""
    return sync_levels(
        role.requirements,
        levels,
        level_attr="min_level",
        make=lambda cid, level: RoleRequirement(competence_id=cid, min_level=level),
        label="requirements",
    )
