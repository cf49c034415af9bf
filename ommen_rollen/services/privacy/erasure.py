"""Erasure (AVG art. 17) and retention: pseudonymise a person who has left, on
request or when the retention period after leaving is over.

Name, username (and every other field in ``PERSONAL_FIELDS``) become a pseudonym
("medewerker 17"), free-text comments are emptied, and every other occurrence of
the old name or username is replaced: in the solver's stored instances and
plans, job messages and the audit log's details. Plans keep their structure: the
werkplannen, assignments and history stay, under the pseudonym. The audit log
records that an erasure happened and which entries it rewrote, not what was there.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select, text

from ...extensions import db
from ...models import (
    AuditEntry,
    Employee,
    Job,
    OutgoingMail,
    PlanningRound,
    Preference,
    Proposal,
    Role,
    User,
    WorkPlan,
)
from .. import audit
from ..audit_chain import ERASURE_ACTION, REWRITTEN_KEY, as_json_value
from ..base import ServiceError, utcnow
from .inzage import account_of, get_employee

DEFAULT_RETENTION_DAYS = 730  # two years after leaving

# Every Employee field that identifies the person, with what it becomes. When a
# field such as ``email`` is added to Employee, add it here (None empties it).
PERSONAL_FIELDS: dict[str, Callable[[Employee], Any]] = {
    "name": lambda e: pseudonym(e),
    "username": lambda e: pseudonym_username(e),
    "email": lambda e: None,
}
# The same for the person's login account.
ACCOUNT_FIELDS: dict[str, Callable[[Employee], Any]] = {
    "username": lambda e: pseudonym_username(e),
}
# Free text the person wrote: emptied, whatever it says.
COMMENT_COLUMNS = ((Preference, "comment"), (WorkPlan, "employee_comment"))
# Columns where the person's name or username may appear inside other data
# (colleagues' comments too).
SCRUBBED_COLUMNS = (
    (Preference, "comment"),
    (WorkPlan, "employee_comment"),
    (Role, "description"),
    (Proposal, "instance"),
    (Proposal, "plan"),
    (Proposal, "note"),
    (Job, "progress"),
    (Job, "error"),
    (PlanningRound, "settings"),
)
# Free text in audit details about the person (a reason typed by the secretaris).
FREE_TEXT_DETAILS = ("reason", "concerns", "comment")
PSEUDONYMISE_SETTING = "ommen_rollen.pseudonymise"


def pseudonym(employee: Employee) -> str:
    return f"medewerker {employee.id}"


def pseudonym_username(employee: Employee) -> str:
    return f"medewerker-{employee.id}"


def retention_days() -> int:
    days = current_app.config.get("PRIVACY_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    if not isinstance(days, int) or days < 0:
        raise ServiceError(
            "PRIVACY_RETENTION_DAYS moet een geheel aantal dagen van 0 of meer zijn."
        )
    return days


def due(now: datetime | None = None) -> list[Employee]:
    """Employees who left longer ago than the retention period and are not erased."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days())
    return list(
        db.session.scalars(
            select(Employee)
            .where(
                Employee.active.is_(False),
                Employee.erased_at.is_(None),
                Employee.left_at.is_not(None),
                Employee.left_at <= cutoff,
            )
            .order_by(Employee.left_at, Employee.id)
        )
    )


class Scrubber:
    """Replaces a person's identifiers in text and JSON: inside text as whole
    words in any case; an identifier in ``exact_only`` (a username that is also a
    word of a colleague's name, like "anouk") only where it is the whole value,
    so a colleague called Anouk keeps her name."""

    def __init__(
        self, replacements: dict[str, str], exact_only: frozenset[str] = frozenset()
    ) -> None:
        self.exact = {
            k.strip().casefold(): v for k, v in replacements.items() if k.strip()
        }
        found = {
            k.strip(): v
            for k, v in replacements.items()
            if k.strip() and k.strip().casefold() not in exact_only
        }
        # longest first, so a full name goes before a username that is part of it
        self.replacements = dict(sorted(found.items(), key=lambda kv: -len(kv[0])))
        self.lookup = {k.casefold(): v for k, v in self.replacements.items()}
        alternatives = "|".join(re.escape(k) for k in self.replacements)
        self.pattern = (
            re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
            if alternatives
            else None
        )

    def text(self, value: str) -> str:
        if value.strip().casefold() in self.exact:
            return self.exact[value.strip().casefold()]
        if self.pattern is None:
            return value
        return self.pattern.sub(lambda m: self.lookup[m.group(0).casefold()], value)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        return value


@dataclass(frozen=True)
class ErasurePreview:
    """What an erasure will do, for the confirmation page and the dry run."""

    employee: Employee
    pseudonym: str
    comments: int
    audit_entries: int
    blocked: str  # why it cannot happen now, or ""


@dataclass(frozen=True)
class ErasureResult:
    employee_id: int
    pseudonym: str
    comments: int
    audit_entries: int
    other_rows: int


def _scrubber(employee: Employee, account: User | None) -> Scrubber:
    """The scrubber for this person; a username that is also a word in a
    colleague's name is replaced only where it stands alone."""
    words: set[str] = set()
    for name in db.session.scalars(
        select(Employee.name).where(Employee.id != employee.id)
    ):
        words.update(re.findall(r"\w+", name.casefold()))
    identifiers = _identifiers(employee, account)
    shared = frozenset(k.casefold() for k in identifiers if k.casefold() in words)
    return Scrubber(identifiers, shared)


def _identifiers(employee: Employee, account: User | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, new in PERSONAL_FIELDS.items():
        old = getattr(employee, name)
        if isinstance(old, str) and old:
            found[old] = new(employee) or pseudonym(employee)
    if account is not None:
        for name, new in ACCOUNT_FIELDS.items():
            old = getattr(account, name)
            if isinstance(old, str) and old:
                found.setdefault(old, new(employee) or pseudonym_username(employee))
    return found


def _blocked(employee: Employee) -> str:
    if employee.erased_at is not None:
        return "De gegevens van deze medewerker zijn al gewist."
    if employee.active:
        return (
            "Deze medewerker is nog actief. Zet de medewerker eerst op non-actief "
            "(uit dienst); daarna kunnen de gegevens worden gewist."
        )
    return ""


def _audit_rewrites(
    employee: Employee, account: User | None, scrub: Scrubber
) -> list[tuple[AuditEntry, dict[str, Any]]]:
    """Every audit entry whose details change, with its new details."""
    from ..audit_log import person_filter

    about = set(
        db.session.scalars(
            select(AuditEntry.id).where(
                person_filter(employee.id, account.id if account else None)
            )
        )
    )
    rewrites = []
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        details = entry.details or {}
        new = scrub.value(details)
        if entry.id in about:
            new = {k: ("" if k in FREE_TEXT_DETAILS else v) for k, v in new.items()}
        if new != details:
            rewrites.append((entry, as_json_value(new)))
    return rewrites


def _comments(employee: Employee) -> list[tuple[Any, str]]:
    found: list[tuple[Any, str]] = []
    for model, column in COMMENT_COLUMNS:
        rows = db.session.scalars(
            select(model).where(model.employee_id == employee.id)
        ).all()
        found.extend((row, column) for row in rows if getattr(row, column))
    return found


def preview(employee_id: int) -> ErasurePreview:
    employee = get_employee(employee_id)
    account = account_of(employee)
    scrub = _scrubber(employee, account)
    return ErasurePreview(
        employee=employee,
        pseudonym=pseudonym(employee),
        comments=len(_comments(employee)),
        audit_entries=len(_audit_rewrites(employee, account, scrub)),
        blocked=_blocked(employee),
    )


def erase(
    employee_id: int,
    by: User | None,
    *,
    reason: str = "request",
    remote_addr: str | None = None,
) -> ErasureResult:
    """Pseudonymise one employee who has left, in one transaction."""
    if reason not in ("request", "retention"):
        raise ServiceError("Onbekende reden voor het wissen.")
    employee = get_employee(employee_id)
    if blocked := _blocked(employee):
        raise ServiceError(blocked)
    account = account_of(employee)
    scrub = _scrubber(employee, account)
    try:
        with db.session.no_autoflush:
            rewrites = _audit_rewrites(employee, account, scrub)
            comments = _comments(employee)
            other = _scrub_columns(scrub)
        for row, column in comments:
            setattr(row, column, "")
        if employee.email:  # mail not yet sent names the person: it goes too
            db.session.execute(
                delete(OutgoingMail).where(
                    func.lower(OutgoingMail.recipient) == employee.email.lower()
                )
            )
        for name, new in PERSONAL_FIELDS.items():
            setattr(employee, name, new(employee))
        employee.erased_at = utcnow()
        if account is not None:
            for name, new in ACCOUNT_FIELDS.items():
                setattr(account, name, new(employee))
            account.active = False
            account.totp_secret, account.totp_enabled = None, False
            account.set_password(secrets.token_urlsafe(32))
            account.session_token = secrets.token_hex(16)
        if rewrites:
            _allow_pseudonymisation()
        for entry, details in rewrites:
            entry.details = details
            entry.details_salt = ""
            entry.pseudonymised = True
        audit.record(
            ERASURE_ACTION,
            by,
            object_type="employee",
            object_id=employee.id,
            remote_addr=remote_addr,
            reason=reason,
            **{REWRITTEN_KEY: [entry.id for entry, _ in rewrites]},
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ErasureResult(
        employee_id=employee_id,
        pseudonym=pseudonym(employee),
        comments=len(comments),
        audit_entries=len(rewrites),
        other_rows=other,
    )


def _scrub_columns(scrub: Scrubber) -> int:
    changed = 0
    for model, column in SCRUBBED_COLUMNS:
        for row in db.session.scalars(select(model)):
            old = getattr(row, column)
            if old is None:
                continue
            new = scrub.value(old)
            if new != old:
                setattr(row, column, new)
                changed += 1
    return changed


def _allow_pseudonymisation() -> None:
    """On PostgreSQL the audit table's trigger lets this transaction, and only
    this one, rewrite details (and nothing else) of entries it marks pseudonymised."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT set_config(:name, 'on', true)"),
            {"name": PSEUDONYMISE_SETTING},
        )


def erase_due(
    by: User | None = None, now: datetime | None = None
) -> list[ErasureResult]:
    """Erase everyone whose retention period is over (the `privacy erase` command)."""
    return [erase(e.id, by, reason="retention") for e in due(now)]
