"""API tokens: a key per integration (HR system, BI, script) with scopes and an
expiry. Only the SHA-256 of the secret is stored; the secret is shown once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .base import Tracked
from .people import User


class ApiToken(Tracked, Model):
    """One integration's key; it acts as the secretaris who created it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # hex SHA-256 of the secret; the secret itself is never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the first characters of the secret, so the list can tell keys apart
    prefix: Mapped[str] = mapped_column(String(12))
    # space-separated scope codes, e.g. "read write-organisation"
    scopes_code: Mapped[str] = mapped_column(String(200))
    expires_on: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    owner: Mapped[User] = relationship()

    @property
    def scopes(self) -> list[str]:
        return self.scopes_code.split()

    def __repr__(self) -> str:
        return f"<ApiToken {self.name!r}>"
