"""Who may call the API: an API token with a scope, or (for a medewerker's own
preferences) the medewerker's logged-in session.

A token is sent as ``Authorization: Bearer omr_...`` and acts as the secretaris
who created it; every use is recorded in the audit log. Browsers never send that
header by themselves, so token requests need no CSRF token. A session is sent by
the browser with every request, so session writes must carry the CSRF token of
the page (header ``X-CSRFToken``) and be JSON (a form on another site cannot send
``application/json`` without the browser asking first)."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..extensions import csrf
from ..models import ApiToken, User
from ..services import api_tokens
from .errors import refuse

F = TypeVar("F", bound=Callable[..., Any])

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def rate_key() -> str:
    """Rate limits count per key (the hash of the secret), else per address."""
    secret = bearer_secret()
    if secret:
        return "token:" + hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()
    return "ip:" + get_remote_address()


def token_user() -> User:
    """The account a request acts as (set by the access decorators)."""
    user: User = g.api_user
    return user


def _authenticate_token(scope: str) -> ApiToken:
    secret = bearer_secret()
    if secret is None:
        refuse(401)
    token = api_tokens.find_token(secret)
    if token is None:
        refuse(
            401,
            "Deze API-sleutel is onbekend, verlopen of ingetrokken.",
        )
    api_tokens.record_use(token, request.method, request.path)
    if scope not in token.scopes:
        refuse(
            403,
            f"Deze API-sleutel heeft niet de bevoegdheid '{scope}'. De secretaris "
            "kan een sleutel met die bevoegdheid maken.",
        )
    return token


def requires(scope: str) -> Callable[[F], F]:
    """An operation for API tokens with this scope (access level 'token')."""
    if scope not in api_tokens.SCOPES:
        raise ValueError(scope)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            token = _authenticate_token(scope)
            g.api_token, g.api_user = token, token.owner
            return view(*args, **kwargs)

        wrapped.access_level = "token"  # type: ignore[attr-defined]
        wrapped.api_scope = scope  # type: ignore[attr-defined]
        _document_security(wrapped, [{"token": [scope]}])
        return wrapped  # type: ignore[return-value]

    return decorate


def own_session(view: F) -> F:
    """An operation on the logged-in medewerker's own data (access level
    'employee'): the session cookie, CSRF-checked for writes."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            refuse(
                401,
                "Log in als medewerker; deze handeling werkt met uw eigen sessie, "
                "niet met een API-sleutel.",
            )
        if current_user.employee_id is None:
            refuse(403, "Alleen een medewerker heeft eigen voorkeuren.")
        if request.method in UNSAFE:
            if not request.is_json:
                refuse(415)
            if current_app.config.get("WTF_CSRF_ENABLED", True):
                csrf.protect()
        g.api_token, g.api_user = None, current_user._get_current_object()
        return view(*args, **kwargs)

    wrapped.access_level = "employee"  # type: ignore[attr-defined]
    _document_security(wrapped, [{"session": []}])
    return wrapped  # type: ignore[return-value]


def _document_security(view: Any, security: list[dict[str, list[str]]]) -> None:
    """Put the operation's security into its OpenAPI description (flask-smorest
    reads ``_apidoc``; functools.wraps shares the dict, so copy it first)."""
    apidoc = copy.deepcopy(getattr(view, "_apidoc", {}))
    apidoc.setdefault("manual_doc", {})["security"] = security
    view._apidoc = apidoc


SECURITY_SCHEMES = {
    "token": {
        "type": "http",
        "scheme": "bearer",
        "description": "Een API-sleutel (omr_...) die de secretaris aanmaakte.",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "De sessie van de ingelogde medewerker (alleen /me/...).",
    },
}


def public(view: F) -> F:
    """The description of the API itself."""
    view.access_level = "public"  # type: ignore[attr-defined]
    return view
