"""Accounts: authenticate, log out everywhere, create accounts, passwords.

Every login attempt costs one password hash, also for an unknown username, so
the answer time does not tell whether a username exists. Failed and refused
logins are in the audit log with the client's address."""

from __future__ import annotations

import secrets
from functools import cache

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain import UserRole
from ..extensions import db
from ..models import User
from . import audit
from .base import ServiceError, utcnow
from .limits import USERNAME_LENGTH
from .passwords import password_problems


class PasswordRefused(ServiceError):
    """A new password breaks the rules; ``errors`` per form field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(" ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


@cache
def _dummy_hash() -> str:
    """A hash made like the real ones, checked when there is no account."""
    return generate_password_hash(secrets.token_hex(16))


def find_account(username: str) -> User | None:
    name = username.strip().lower()[:USERNAME_LENGTH]
    return db.session.scalar(select(User).where(func.lower(User.username) == name))


def authenticate(username: str, password: str, address: str = "") -> User | None:
    """The active account with this username and password, or None (recorded)."""
    user = find_account(username)
    if user is None or not user.has_password:
        check_password_hash(_dummy_hash(), password)  # same time as a real check
        ok = False
    else:
        ok = user.check_password(password) and user.active
    if not ok:
        record_refusal("login_failed", username, address, user)
        return None
    assert user is not None
    if not user.session_token:
        user.session_token = secrets.token_hex(16)
    user.last_login_at = utcnow()
    audit.record(
        "login", user, object_type="user", object_id=user.id, remote_addr=address
    )
    db.session.commit()
    return user


def record_refusal(
    action: str, username: str, address: str, user: User | None = None
) -> None:
    """Audit a failed or refused login (wrong password, throttled, unknown)."""
    audit.record(
        action,
        None,
        object_type="user",
        object_id=user.id if user is not None else None,
        username=username.strip()[:USERNAME_LENGTH],
        remote_addr=address,
    )
    db.session.commit()


def end_sessions(user: User, remote_addr: str | None = None) -> None:
    """Invalidate every session of this account (logout really ends the session)."""
    user.session_token = secrets.token_hex(16)
    audit.record(
        "logout", user, object_type="user", object_id=user.id, remote_addr=remote_addr
    )
    db.session.commit()


def create_account(
    username: str,
    password: str | None,
    role: UserRole,
    *,
    employee_id: int | None = None,
    cluster_id: int | None = None,
    must_change_password: bool = False,
) -> User:
    """Add an account to the session (the caller commits). Without a password
    the account cannot log in until an invitation link sets one."""
    user = User(
        username=username,
        role=role,
        employee_id=employee_id,
        cluster_id=cluster_id,
        session_token=secrets.token_hex(16),
        must_change_password=must_change_password,
    )
    if password is None:
        user.clear_password()
    else:
        user.set_password(password)
    db.session.add(user)
    return user


def personal_words(user: User) -> list[str]:
    """What a password must not be built from: username, name, e-mail."""
    words = [user.username]
    if user.employee is not None:
        words += [user.employee.name, user.employee.email or ""]
    return [w for w in words if w]


def check_new_password(user: User, new: str, repeat: str) -> None:
    """Raise PasswordRefused when the new password may not be used."""
    errors: dict[str, list[str]] = {}
    if problems := password_problems(new, personal_words(user)):
        errors["new_password"] = problems
    elif user.has_password and user.check_password(new):
        errors["new_password"] = ["Kies een ander wachtwoord dan het huidige."]
    if new != repeat:
        errors["repeat"] = ["De twee wachtwoorden zijn niet gelijk."]
    if errors:
        raise PasswordRefused(errors)


def change_password(user: User, current: str, new: str, repeat: str) -> None:
    """The user replaces their password; every other session ends."""
    if not user.check_password(current):
        raise PasswordRefused(
            {"current_password": ["Uw huidige wachtwoord klopt niet."]}
        )
    set_own_password(user, new, repeat, action="password_changed")


def set_own_password(user: User, new: str, repeat: str, *, action: str) -> None:
    """Store a password the user chose (change, invitation or reset link)."""
    check_new_password(user, new, repeat)
    user.set_password(new)
    user.must_change_password = False
    user.session_token = secrets.token_hex(16)
    audit.record(action, user, object_type="user", object_id=user.id)
    db.session.commit()


def set_first_password(user: User, by: User) -> str:
    """A new random first password that the secretaris hands over; it must be
    changed at the first login. Returned once, stored only as a hash."""
    password = first_password()
    user.set_password(password)
    user.must_change_password = True
    user.session_token = secrets.token_hex(16)
    audit.record("first_password_set", by, object_type="user", object_id=user.id)
    db.session.commit()
    return password


# No 0/O, 1/l/I: the first password is read aloud or copied from the screen.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def first_password() -> str:
    """A random first password in four groups, e.g. 'k7mp-x3qd-9fzr-m2ta'
    (about 78 bits)."""
    groups = (
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4)
    )
    return "-".join(groups)
