"""Wiring done by create_app(): secrets, extensions, blueprints, headers, filters."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, abort, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from . import templating
from .extensions import csrf, db, limiter, login_manager, mail, migrate


class ConfigurationError(RuntimeError):
    """The app refuses to start with an unsafe configuration."""


def configure(app: Flask) -> None:
    configure_secret_key(app)
    # Cookies only over HTTPS, except in demo, debug and tests on plain http.
    secure = not (app.debug or app.testing or app.config.get("DEMO"))
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure

    if proxies := int(app.config.get("PROXY_COUNT", 0)):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # the client's own address for the login limit, https for url_for
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    from .services import sso

    sso.configure(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te bekijken."
    login_manager.login_message_category = "info"

    from .models import User

    @login_manager.user_loader
    def load_user(user_key: str) -> User | None:
        user_id, _, token = user_key.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.session_token != token:
            return None
        return user

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_pragmas()

    from .views import register_blueprints

    # Before the blueprints: their <int:...> rules take this converter.
    app.url_map.converters["int"] = RowIdConverter
    app.before_request(_refuse_nul_bytes)
    register_blueprints(app)
    from .api import register as register_api

    register_api(app)
    templating.register(app)
    _register_error_pages(app)
    app.after_request(_security_headers)

    from .cli import register_commands

    register_commands(app)

    from .services.jobs import recover_after_restart

    # Optimisations that ran on threads of an earlier process of the app died
    # with it: mark them failed, so their rounds are free again.
    recover_after_restart(app)


MIN_SECRET_KEY_BYTES = 32


def configure_secret_key(app: Flask) -> None:
    """A SECRET_KEY of at least 32 bytes is required outside demo, debug and
    tests: refuse to start without one."""
    key = app.config.get("SECRET_KEY")
    relaxed = app.debug or app.testing or app.config.get("DEMO")
    if not key and relaxed:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    if not key:
        raise ConfigurationError(
            "SECRET_KEY ontbreekt: zet de omgevingsvariabele SECRET_KEY of "
            "SECRET_KEY in instance/config.py (alleen de demo en debug-modus "
            "starten zonder). Maak er een met: python -c 'import secrets; "
            "print(secrets.token_hex(32))'"
        )
    size = len(key.encode() if isinstance(key, str) else key)
    if size < MIN_SECRET_KEY_BYTES and not relaxed:
        raise ConfigurationError(
            f"SECRET_KEY is te kort ({size} bytes): gebruik er minstens "
            f"{MIN_SECRET_KEY_BYTES}, bijvoorbeeld van python -c 'import secrets; "
            "print(secrets.token_hex(32))'."
        )


def _migrations_dir() -> str:
    import os

    return os.path.join(os.path.dirname(__file__), "migrations")


_sqlite_hooked = False


def _sqlite_pragmas() -> None:
    """WAL and a busy timeout make SQLite safe for a handful of concurrent users;
    foreign keys are off by default in SQLite."""
    global _sqlite_hooked
    if _sqlite_hooked:
        return
    _sqlite_hooked = True

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if type(dbapi_connection).__module__ != "sqlite3":
            return
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


# Row ids are 32-bit INTEGER columns; a larger number in a URL is no row (404),
# not a database error (SQLite and PostgreSQL refuse to compare with it).
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """<int:...> in URLs: a whole number that can be a row id."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def _refuse_nul_bytes() -> None:
    """No text a user sends may hold a NUL byte: PostgreSQL cannot store it and no
    keyboard types it. Refuse the request (400) before any view sees it."""
    values = [*request.args.items(multi=True), *request.form.items(multi=True)]
    names = [f.filename or "" for f in request.files.values()]
    for text in [*(k + v for k, v in values), *request.files, *names]:
        if "\x00" in text:
            abort(400)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _as_http_exception(error: Exception) -> Any:
    """An error of an API request as the HTTPException the API answers in JSON."""
    from werkzeug.exceptions import HTTPException, InternalServerError

    if isinstance(error, HTTPException):
        return error
    return InternalServerError()


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: ("Ongeldig verzoek", "Het verzoek kon niet worden verwerkt."),
        403: ("Geen toegang", "U heeft geen toegang tot deze pagina."),
        404: ("Niet gevonden", "Deze pagina bestaat niet (meer)."),
        405: ("Niet toegestaan", "Deze handeling is hier niet toegestaan."),
        409: ("Conflict", "Iemand anders heeft dit intussen gewijzigd."),
        413: ("Bestand te groot", "Het bestand is te groot."),
        429: (
            "Te veel pogingen",
            "U heeft te vaak geprobeerd in te loggen. Wacht een minuut.",
        ),
        500: (
            "Er ging iets mis",
            "Er is een fout opgetreden. Probeer het later opnieuw.",
        ),
    }

    def make_handler(code: int) -> Any:
        title, text = messages[code]

        def handler(error: Exception) -> Any:
            if code == 500:
                db.session.rollback()
            if request.path.startswith("/api/"):
                from .api.errors import from_http_exception

                return from_http_exception(_as_http_exception(error))
            return render_template(
                "error.html", title=title, text=text, code=code
            ), code

        return handler

    for code in messages:
        app.register_error_handler(code, make_handler(code))
