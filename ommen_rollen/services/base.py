"""Small helpers shared by services."""

from __future__ import annotations

from typing import Any

from ..models import User
from ..models.base import utcnow

__all__ = ["ServiceError", "stamp", "utcnow"]


class ServiceError(Exception):
    """A use case was refused; the message is Dutch and meant for the user."""


def stamp(obj: Any, by: User | None, *, new: bool = False) -> None:
    """Set created/updated by on an edited object."""
    user_id = by.id if by is not None else None
    if new:
        obj.created_by_id = user_id
    obj.updated_by_id = user_id
