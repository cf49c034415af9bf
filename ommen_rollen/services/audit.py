"""Record who did what when (append-only, hash-chained: see audit_chain.py)."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import delete, select, text

from ..extensions import db
from ..models import AuditEntry, User
from . import audit_chain

audit_chain.install()

_sequence = itertools.count(1)


def record(
    action: str,
    by: User | None,
    *,
    object_type: str = "",
    object_id: int | None = None,
    remote_addr: str | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to the session; the calling service commits it.
    ``remote_addr`` is the address of the request (downloads, logins)."""
    entry = AuditEntry(
        action=action,
        user_id=by.id if by is not None else None,
        object_type=object_type,
        object_id=object_id,
        remote_addr=(remote_addr or "")[:64],
        details=details,
    )
    entry._audit_sequence = next(_sequence)  # type: ignore[attr-defined]
    db.session.add(entry)
    return entry


def verify() -> list[audit_chain.Problem]:
    """Every break in the audit log's hash chain (empty: the log is intact)."""
    entries = db.session.execute(
        select(AuditEntry)
        .order_by(AuditEntry.id)
        .execution_options(yield_per=500, populate_existing=True)
    ).scalars()
    return list(audit_chain.verify_entries(entries))


def clear_log() -> None:
    """Empty the whole log: only for the demo reset and the tests. A DELETE is
    refused on PostgreSQL (append-only); TRUNCATE is the table owner's own act."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE audit_entry"))
    else:
        db.session.execute(delete(AuditEntry))
