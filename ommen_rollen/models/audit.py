"""Audit log: who did what when, append-only and hash-chained."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .base import utcnow
from .people import User


class AuditEntry(Model):
    """One recorded action (preferences, runs, pins, approvals, beheer changes).

    Each entry carries the hash of the one before it (``prev_hash``) and its own
    ``hash`` over its fields and ``details_digest``; see services/audit_chain.py.
    On PostgreSQL a trigger refuses UPDATE and DELETE, except the pseudonymisation
    of ``details`` (docs/privacy.md)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The address the request came from (downloads of personal data, logins).
    remote_addr: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Hash chain: a random salt and the digest of the details as written, the
    # previous entry's hash and this entry's hash (hex SHA-256).
    details_salt: Mapped[str] = mapped_column(String(32), default="", server_default="")
    details_digest: Mapped[str] = mapped_column(
        String(64), default="", server_default=""
    )
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Set when an erasure rewrote the details (names removed): the digest then no
    # longer matches the details, the chain itself still does.
    pseudonymised: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User | None] = relationship()
