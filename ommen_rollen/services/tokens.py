"""One-time links (invitation, password reset): signed and expiring with
itsdangerous, bound to the account's current password hash (a link dies when
the password changes) and used once (a UsedToken row)."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from ..extensions import db
from ..models import UsedToken, User
from .base import ServiceError

PURPOSES = ("invite", "reset")


class LinkInvalid(ServiceError):
    """The link is expired, used, tampered with or no longer valid."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"ommen-rollen-{purpose}"
    )


def max_age_s(purpose: str) -> int:
    config = current_app.config
    if purpose == "invite":
        return int(config["INVITATION_DAYS"]) * 24 * 3600
    return int(config["RESET_MINUTES"]) * 60


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_token(user: User, purpose: str) -> str:
    return str(_serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user)}))


def read_token(token: str, purpose: str) -> User:
    """The account a valid, unused link is for; LinkInvalid otherwise."""
    try:
        data: Any = _serializer(purpose).loads(token, max_age=max_age_s(purpose))
    except SignatureExpired:
        raise LinkInvalid(
            "Deze link is verlopen. Vraag een nieuwe aan via 'Wachtwoord vergeten' "
            "of bij de gemeentesecretaris."
        ) from None
    except BadSignature:
        raise LinkInvalid("Deze link is ongeldig.") from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    used = db.session.scalar(
        select(UsedToken.id).where(UsedToken.digest == _digest(token))
    )
    if user is None or not user.active or used or data.get("f") != _fingerprint(user):
        raise LinkInvalid(
            "Deze link is al gebruikt of niet meer geldig. Vraag zo nodig een "
            "nieuwe aan via 'Wachtwoord vergeten'."
        )
    return user


def mark_used(token: str, purpose: str, user: User) -> None:
    """Record the link as used (committed with the password it set)."""
    db.session.add(UsedToken(digest=_digest(token), purpose=purpose, user_id=user.id))
