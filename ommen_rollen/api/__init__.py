"""The REST API under /api/v1 (flask-smorest, marshmallow schemas, OpenAPI 3.1).

``register(app)`` adds the resource blueprints, the description at
/api/v1/openapi.json and a browsable page at /api/v1/, JSON errors in Dutch for
everything under /api/, bounded request sizes and rate limits per key."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from ..extensions import csrf, limiter
from . import docs, organisation, planning
from .auth import SECURITY_SCHEMES, rate_key
from .errors import from_http_exception, is_api_request, refuse

BLUEPRINTS = (organisation.blp, planning.blp)
MAX_REQUEST_BYTES = 256 * 1024
DEFAULTS = {
    "API_TITLE": "ommen_rollen API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    # per key (or per address without a key), and per address over all keys
    "API_RATE_LIMIT": "300 per minute",
    "API_ADDRESS_RATE_LIMIT": "1200 per minute",
}


class JsonErrorApi(Api):
    """flask-smorest, with JSON errors only for the API: the web pages keep their
    own Dutch HTML error pages."""

    def _register_error_handlers(self) -> None:
        def handle(error: HTTPException) -> Any:
            if is_api_request():
                return from_http_exception(error)
            return error

        self._app.register_error_handler(HTTPException, handle)


def _limit() -> str:
    return str(current_app.config["API_RATE_LIMIT"])


def _address_limit() -> str:
    return str(current_app.config["API_ADDRESS_RATE_LIMIT"])


def _guard_request() -> None:
    """Before any API view: bounded size, no NUL bytes (PostgreSQL cannot store
    them and no client needs them)."""
    if not is_api_request():
        return
    request.max_content_length = MAX_REQUEST_BYTES
    if (
        request.content_length is not None
        and request.content_length > MAX_REQUEST_BYTES
    ):
        refuse(
            413, f"Het verzoek is te groot (hoogstens {MAX_REQUEST_BYTES // 1024} kB)."
        )
    if "\x00" in request.path:
        refuse(400, "Het adres bevat een NUL-teken.")
    if request.method in ("POST", "PUT", "PATCH"):
        body = request.get_data(cache=True)
        if b"\\u0000" in body or b"\x00" in body:
            refuse(400, "De gegevens bevatten een NUL-teken.")


# The blueprints, the CSRF exemption and the limits are module-level objects that
# every app of the process shares (the tests create several): decorate them once.
_limited = False


def register(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    api = JsonErrorApi(app)
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    global _limited
    for blp in BLUEPRINTS:
        if not _limited:
            csrf.exempt(blp)
            limiter.limit(_limit, key_func=rate_key)(blp)
            limiter.limit(_address_limit)(blp)
        api.register_blueprint(blp)
    _limited = True
    app.before_request(_guard_request)
    docs.register(app, api)
