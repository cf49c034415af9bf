"""Access levels for views. Every view declares one; the access-matrix test walks
every route and holds each view to its declaration. The API's operations declare
theirs through ommen_rollen.api.auth ("token": an API token with a scope)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal, TypeVar

from flask import abort
from flask_login import current_user

from ..extensions import login_manager

Level = Literal["public", "login", "employee", "secretary", "reader", "token"]
LEVELS: tuple[Level, ...] = (
    "public",
    "login",
    "employee",
    "secretary",
    "reader",
    "token",
)

F = TypeVar("F", bound=Callable[..., Any])


def allowed(user: Any, level: Level) -> bool:
    """Whether an authenticated user may open a view of this level."""
    if level in ("public", "login"):
        return True
    if level == "employee":
        return user.employee_id is not None
    if level == "secretary":
        return bool(user.is_secretary)
    if level == "reader":
        return bool(user.is_secretary or user.is_coordinator)
    if level == "token":
        # API operations for API tokens (ommen_rollen.api.auth); a session,
        # whoever it belongs to, is no token.
        return False
    raise ValueError(level)


def access(level: Level) -> Callable[[F], F]:
    """Declare who may open a view: anonymous visitors go to the login page,
    logged-in users without the right get 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if level != "public":
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if not allowed(current_user, level):
                    abort(403)
            return view(*args, **kwargs)

        wrapped.access_level = level  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate
