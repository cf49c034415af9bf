"""Accounts: authenticate, log out everywhere, create accounts."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from ..domain import UserRole
from ..extensions import db
from ..models import User
from . import audit
from .base import utcnow


def authenticate(
    username: str, password: str, remote_addr: str | None = None
) -> User | None:
    """The active account with this username and password, or None; the login is
    logged with the address it came from."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active or not user.check_password(password):
        return None
    if not user.session_token:
        user.session_token = secrets.token_hex(16)
    user.last_login_at = utcnow()
    audit.record(
        "login", user, object_type="user", object_id=user.id, remote_addr=remote_addr
    )
    db.session.commit()
    return user


def end_sessions(user: User, remote_addr: str | None = None) -> None:
    """Invalidate every session of this account (logout really ends the session)."""
    user.session_token = secrets.token_hex(16)
    audit.record(
        "logout", user, object_type="user", object_id=user.id, remote_addr=remote_addr
    )
    db.session.commit()


def create_account(
    username: str,
    password: str,
    role: UserRole,
    *,
    employee_id: int | None = None,
    cluster_id: int | None = None,
) -> User:
    """Add an account to the session (the caller commits)."""
    user = User(
        username=username,
        role=role,
        employee_id=employee_id,
        cluster_id=cluster_id,
        session_token=secrets.token_hex(16),
    )
    user.set_password(password)
    db.session.add(user)
    return user
