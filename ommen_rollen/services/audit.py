"""Record who did what when."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import AuditEntry, User


def record(
    action: str,
    by: User | None,
    *,
    object_type: str = "",
    object_id: int | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to the session; the calling service commits it."""
    entry = AuditEntry(
        action=action,
        user_id=by.id if by is not None else None,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
    db.session.add(entry)
    return entry
