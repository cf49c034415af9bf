"""The hash chain of the audit log: how an entry's hash is computed, how new
entries are chained at flush time, and how the whole log is verified.

Every entry stores ``details_digest`` = SHA-256(salt, canonical details) and
``hash`` = SHA-256(previous hash, time, user, action, object, address, digest).
Changing, removing or reordering any entry breaks the chain from there on. An
erasure may rewrite the details of an entry (names removed): it clears the salt
and marks the entry pseudonymised, so the digest is no longer checked against
the details (and, without the salt, cannot be used to guess what was there),
while the chain itself still holds. Which entries an erasure rewrote is recorded
in its own, chained, ``privacy_erased`` entry."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

ERASURE_ACTION = "privacy_erased"
# The key of an erasure entry's details that lists the entries it rewrote.
REWRITTEN_KEY = "rewritten_entries"


def canonical_json(value: Any) -> str:
    """The one text form of a JSON value that is hashed (sorted keys, no spaces)."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )


def as_json_value(value: Any) -> Any:
    """The value as it reads back from a JSON column (tuples become lists, ...)."""
    return json.loads(canonical_json(value))


def canonical_time(at: datetime) -> str:
    """UTC with microseconds; a naive time (SQLite) is read as UTC."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def details_digest(salt: str, details: Any) -> str:
    return hashlib.sha256(f"{salt}\n{canonical_json(details)}".encode()).hexdigest()


def entry_hash(
    prev_hash: str,
    at: datetime,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: int | None,
    remote_addr: str,
    digest: str,
) -> str:
    fields = [
        prev_hash,
        canonical_time(at),
        "" if user_id is None else str(user_id),
        action,
        object_type or "",
        "" if object_id is None else str(object_id),
        remote_addr or "",
        digest,
    ]
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def hash_of(entry: Any, prev_hash: str) -> str:
    """The hash of a stored entry (an AuditEntry) chained to ``prev_hash``."""
    return entry_hash(
        prev_hash,
        entry.at,
        entry.user_id,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.remote_addr,
        entry.details_digest,
    )


def new_salt() -> str:
    return secrets.token_hex(16)


# --- chaining new entries ----------------------------------------------------------


def _lock_chain(session: Session) -> None:
    """Make appending to the chain one writer at a time, until this transaction
    ends: an advisory lock on PostgreSQL, SQLite's write lock (a write statement
    that changes nothing takes it) on SQLite."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7412230001)"))
    elif dialect == "sqlite":
        session.execute(text("UPDATE audit_entry SET id = id WHERE 1 = 0"))


def last_hash(session: Session) -> str:
    from ..models import AuditEntry

    with session.no_autoflush:
        found = session.scalar(
            select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
        )
    return found or ""


def chain_new_entries(session: Session, _context: Any, _instances: Any) -> None:
    """before_flush: give every new audit entry its digest, previous hash and hash,
    in the order they were recorded (which is the order they are inserted)."""
    from ..models import AuditEntry

    new = [obj for obj in session.new if isinstance(obj, AuditEntry) and not obj.hash]
    if not new:
        return
    new.sort(key=lambda e: getattr(e, "_audit_sequence", 0))
    _lock_chain(session)
    previous = session.info.get("audit_chain_tip") or last_hash(session)
    for entry in new:
        entry.at = entry.at or datetime.now(UTC)
        entry.details = as_json_value(entry.details or {})
        entry.object_type = entry.object_type or ""
        entry.remote_addr = entry.remote_addr or ""
        entry.details_salt = new_salt()
        entry.details_digest = details_digest(entry.details_salt, entry.details)
        entry.prev_hash = previous
        entry.hash = hash_of(entry, previous)
        previous = entry.hash
    # Later flushes of this transaction continue from here (the rows are not
    # readable as the newest before they are inserted).
    session.info["audit_chain_tip"] = previous


def _forget_tip(session: Session, *_args: Any) -> None:
    session.info.pop("audit_chain_tip", None)


def install(session_class: type[Session] = Session) -> None:
    """Chain every audit entry any session flushes (once per process)."""
    if not event.contains(session_class, "before_flush", chain_new_entries):
        event.listen(session_class, "before_flush", chain_new_entries)
        event.listen(session_class, "after_commit", _forget_tip)
        event.listen(session_class, "after_rollback", _forget_tip)
        event.listen(session_class, "after_soft_rollback", _forget_tip)


# --- verifying ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    entry_id: int
    message: str

    def __str__(self) -> str:
        return f"logregel {self.entry_id}: {self.message}"


def verify_entries(entries: Iterable[Any]) -> Iterator[Problem]:
    """Every break in the chain, in order; nothing when the log is intact."""
    previous = ""
    rewritten: set[int] = set()
    pseudonymised: list[int] = []
    for entry in entries:
        if entry.prev_hash != previous:
            yield Problem(
                entry.id,
                "de verwijzing naar de vorige regel klopt niet "
                "(een regel is verwijderd, ingevoegd of verplaatst)",
            )
        expected = hash_of(entry, entry.prev_hash)
        if entry.hash != expected:
            yield Problem(entry.id, "de regel is gewijzigd (hash klopt niet)")
        if entry.pseudonymised:
            pseudonymised.append(entry.id)
        elif details_digest(entry.details_salt, entry.details) != entry.details_digest:
            yield Problem(entry.id, "de details zijn gewijzigd")
        if entry.action == ERASURE_ACTION:
            rewritten.update(
                int(i) for i in (entry.details or {}).get(REWRITTEN_KEY, [])
            )
        previous = entry.hash
    for entry_id in pseudonymised:
        if entry_id not in rewritten:
            yield Problem(
                entry_id,
                "gemarkeerd als gepseudonimiseerd zonder vastgelegde wissing",
            )
