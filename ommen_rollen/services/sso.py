"""Single sign-on with the gemeente's own identity provider over OpenID Connect
(Authlib as the client): discovery from OIDC_ISSUER, the authorization code
flow with state and nonce, the ID token checked on signature (the provider's
JWKS), issuer, audience (our client id) and expiry. One claim (OIDC_CLAIM,
e-mail by default) names the medewerker; someone the app does not know is
refused. RP-initiated logout ends the session at the provider too."""

from __future__ import annotations

from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import JoseError
from sqlalchemy import func, select

from ..extensions import db
from ..models import Employee, User
from . import audit
from .base import ServiceError, utcnow
from .limits import EMAIL_LENGTH

EXTENSION = "ommen_rollen.sso"
TOKEN_ERRORS = (OAuthError, JoseError, ValueError, KeyError, OSError)


class SsoRefused(ServiceError):
    """The provider's answer was not accepted; the message is Dutch."""


def configure(app: Flask) -> None:
    """Register the provider when OIDC_ISSUER is set (one client per app)."""
    issuer = str(app.config.get("OIDC_ISSUER") or "").rstrip("/")
    if not issuer:
        return
    if not app.config.get("OIDC_CLIENT_ID"):
        from ..app_setup import ConfigurationError

        raise ConfigurationError("OIDC_ISSUER is gezet maar OIDC_CLIENT_ID niet.")
    oauth = OAuth(app)
    client = oauth.register(
        "gemeente",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config.get("OIDC_CLIENT_SECRET") or None,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": str(app.config["OIDC_SCOPE"]),
            "timeout": float(app.config["OIDC_TIMEOUT_S"]),
        },
    )
    app.extensions[EXTENSION] = client


def enabled(app: Flask | None = None) -> bool:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return EXTENSION in app.extensions


def local_passwords(app: Flask | None = None) -> bool:
    """Whether username and password log in (LOCAL_LOGIN; always without SSO)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return bool(app.config["LOCAL_LOGIN"]) or not enabled(app)


def client() -> Any:
    return current_app.extensions[EXTENSION]


def authorize_redirect(redirect_uri: str) -> Any:
    """The redirect to the provider (state and nonce go into the session)."""
    try:
        return client().authorize_redirect(redirect_uri)
    except (OAuthError, OSError, ValueError) as exc:
        raise SsoRefused(
            "De inlogdienst van de gemeente is nu niet bereikbaar. Probeer het "
            "later opnieuw."
        ) from exc


def finish_login(address: str) -> tuple[User, str]:
    """The account for the provider's answer on the callback; the ID token is
    returned for the logout hint."""
    try:
        token = client().authorize_access_token(
            leeway=_leeway(), claims_options=_claims_options()
        )
    except TOKEN_ERRORS as exc:
        _refused("sso_token_refused", address, str(exc)[:200])
        raise SsoRefused(
            "Het inloggen bij de gemeente is niet gelukt of niet geldig (verlopen "
            "of niet voor deze applicatie). Probeer het opnieuw."
        ) from exc
    claims = token.get("userinfo") or {}
    return account_for_claims(claims, address), str(token.get("id_token", ""))


def validate_id_token(token: dict[str, Any], nonce: str) -> dict[str, Any]:
    """Check an ID token as the callback does (signature, issuer, audience,
    expiry, nonce); SsoRefused when it does not hold."""
    try:
        claims = client().parse_id_token(
            token, nonce=nonce, leeway=_leeway(), claims_options=_claims_options()
        )
        return dict(claims)
    except TOKEN_ERRORS as exc:
        raise SsoRefused(f"Het ID-token is niet geldig: {exc}") from exc


def account_for_claims(claims: dict[str, Any], address: str) -> User:
    """The medewerker the configured claim names; refused when unknown."""
    claim = str(current_app.config["OIDC_CLAIM"])
    value = str(claims.get(claim) or "").strip().lower()[:EMAIL_LENGTH]
    user: User | None = None
    if value and claim == "email":
        user = db.session.scalar(
            select(User)
            .join(Employee, User.employee_id == Employee.id)
            .where(Employee.email == value)
        )
    elif value:
        user = db.session.scalar(select(User).where(func.lower(User.username) == value))
    if user is None or not user.active:
        _refused("sso_unknown_person", address, value)
        raise SsoRefused(
            f"U bent bij de gemeente ingelogd als '{value or 'onbekend'}', maar "
            "daarmee hoort u bij geen (actieve) medewerker in de rollenplanning. "
            "Vraag de gemeentesecretaris om uw e-mailadres bij uw gegevens te "
            "zetten."
        )
    user.last_login_at = utcnow()
    audit.record(
        "login",
        user,
        object_type="user",
        object_id=user.id,
        remote_addr=address,
        via="sso",
    )
    db.session.commit()
    return user


def logout_url(id_token: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), if it has one."""
    try:
        metadata = client().load_server_metadata()
    except (OAuthError, OSError, ValueError):
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    result = client().create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri,
        id_token_hint=id_token or None,
        client_id=current_app.config["OIDC_CLIENT_ID"],
    )
    return str(result["url"])


def _claims_options() -> dict[str, Any]:
    """The ID token must come from the configured issuer (also the one the
    discovery document names) and name this application as its audience."""
    issuer = str(current_app.config["OIDC_ISSUER"]).rstrip("/")
    discovered = str(client().load_server_metadata().get("issuer", "")).rstrip("/")
    if discovered != issuer:
        raise ValueError(f"issuer {discovered!r} is niet {issuer!r}")
    return {
        "iss": {"essential": True, "value": discovered},
        "aud": {"essential": True, "value": current_app.config["OIDC_CLIENT_ID"]},
    }


def _leeway() -> int:
    return int(current_app.config["OIDC_LEEWAY_SECONDS"])


def _refused(action: str, address: str, detail: str) -> None:
    db.session.rollback()
    audit.record(action, None, remote_addr=address, detail=detail)
    db.session.commit()
