"""Shared column mixins for models that users edit."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Tracked:
    """created/updated by/at on everything users edit; services set the *_by ids."""

    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    # user ids without a foreign key: accounts refer to employees, so a key here
    # would make a cycle between the tables; history must survive deleted accounts.
    created_by_id: Mapped[int | None]
    updated_by_id: Mapped[int | None]
