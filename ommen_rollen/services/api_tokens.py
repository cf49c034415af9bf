"""API tokens: the secretaris creates a key per integration (name, scopes, expiry),
sees its secret once and can revoke it. Only the SHA-256 of the secret is stored:
the secret is 256 random bits, so a fast hash is enough (no password stretching
needed). Every use of a key is recorded in the audit log."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import ApiToken, User
from . import audit, limits
from .base import ServiceError, stamp, utcnow
from .beheer import Checker

# Scope code -> what it allows, in Dutch (shown on the beheer screen).
SCOPES: dict[str, str] = {
    "read": "lezen: medewerkers, competenties, rollen, clusters, planrondes, "
    "voorstellen, werkplannen en kwetsbaarheid",
    "write-organisation": "organisatie wijzigen: medewerkers, competenties en "
    "rollen aanmaken en bijwerken",
    "preferences": "voorkeuren van medewerkers per planronde lezen",
    "optimise": "een optimalisatie starten en de voortgang volgen",
}
SECRET_PREFIX = "omr_"
MAX_TOKENS = 100  # keys that are not revoked
MAX_VALID_DAYS = 366


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def today() -> date:
    return utcnow().date()


def all_tokens() -> list[ApiToken]:
    """Every key, newest first, revoked ones included (history)."""
    return list(
        db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc()))
    )


def _date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def create_token(
    name: str, scopes: Sequence[str], expires_on: str | date | None, by: User
) -> tuple[ApiToken, str]:
    """Create a key; return it with its secret (shown once, never stored).
    ``expires_on`` is a date or its ISO text (JJJJ-MM-DD) from the form."""
    check = Checker()
    raw_date = expires_on
    expires_on = _date(raw_date)
    text = check.text(
        "name",
        name,
        max_length=limits.NAME_LENGTH,
        required="Geef de koppeling een naam, bijvoorbeeld 'AFAS'.",
        single_line=True,
    )
    chosen = sorted({str(s) for s in scopes})
    if not chosen:
        check.add("scopes", "Kies minstens één bevoegdheid.")
    for scope in chosen:
        if scope not in SCOPES:
            check.add("scopes", f"Onbekende bevoegdheid '{scope}'.")
    if expires_on is None and raw_date not in (None, ""):
        check.add("expires_on", "Dit is geen datum; gebruik JJJJ-MM-DD.")
    elif expires_on is None:
        check.add("expires_on", "Kies tot wanneer de sleutel geldig is.")
    elif expires_on <= today():
        check.add("expires_on", "Kies een datum na vandaag.")
    elif expires_on > today() + timedelta(days=MAX_VALID_DAYS):
        check.add(
            "expires_on",
            f"Een sleutel is hoogstens {MAX_VALID_DAYS} dagen geldig; maak daarna "
            "een nieuwe.",
        )
    live = db.session.scalar(
        select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))
    )
    if problem := limits.count_problem(int(live or 0) + 1, MAX_TOKENS, "API-sleutels"):
        check.add("name", problem + " Trek eerst sleutels in die niet meer nodig zijn.")
    check.done()
    assert expires_on is not None  # checked above
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=text,
        token_hash=hash_secret(secret),
        prefix=secret[: len(SECRET_PREFIX) + 4],
        scopes_code=" ".join(chosen),
        expires_on=expires_on,
        owner_id=by.id,
    )
    stamp(token, by, new=True)
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.create",
        by,
        object_type="api_token",
        object_id=token.id,
        name=text,
        scopes=chosen,
        expires_on=expires_on.isoformat(),
    )
    db.session.commit()
    return token, secret


def get_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise ServiceError("Deze API-sleutel bestaat niet (meer).")
    return token


def revoke_token(token_id: int, by: User) -> ApiToken:
    """Revoke a key at once; a revoked key stays listed for the history."""
    token = get_token(token_id)
    if token.revoked_at is not None:
        raise ServiceError("Deze API-sleutel is al ingetrokken.")
    token.revoked_at = utcnow()
    stamp(token, by)
    audit.record(
        "api_token.revoke",
        by,
        object_type="api_token",
        object_id=token.id,
        name=token.name,
    )
    db.session.commit()
    return token


def is_valid(token: ApiToken) -> bool:
    """Not revoked, not expired, and its owner is still an active secretaris."""
    owner = token.owner
    return (
        token.revoked_at is None
        and token.expires_on >= today()
        and owner is not None
        and owner.active
        and owner.is_secretary
    )


def find_token(secret: str) -> ApiToken | None:
    """The valid key with this secret, or None."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    digest = hash_secret(secret)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token if is_valid(token) else None


def record_use(token: ApiToken, method: str, path: str) -> None:
    """Every request made with a key goes into the audit log, committed at once so
    it stays even when the request itself is refused."""
    token.last_used_at = utcnow()
    audit.record(
        "api.request",
        token.owner,
        object_type="api_token",
        object_id=token.id,
        token=token.name,
        method=method,
        path=path[:200],
    )
    db.session.commit()
