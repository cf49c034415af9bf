"""Configuration: the secret key rule, cookies and database URLs."""

from __future__ import annotations

import pytest

from ommen_rollen import create_app
from ommen_rollen.app_setup import ConfigurationError
from ommen_rollen.config import normalise_database_url


def test_the_app_refuses_to_start_without_a_secret_key_in_production(
    tmp_path: object,
) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize("key", ["geheim", "x" * 31])
def test_a_secret_key_shorter_than_32_bytes_is_refused_outside_demo(key: str) -> None:
    with pytest.raises(ConfigurationError, match="te kort"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": key})


def test_a_short_secret_key_is_allowed_in_demo_and_tests() -> None:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "kort", "DEMO": True}
    )
    assert app.config["SECRET_KEY"] == "kort"


def test_demo_mode_starts_without_a_secret_key() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "DEMO": True})
    assert len(app.config["SECRET_KEY"]) >= 32


def test_session_cookie_is_secure_outside_debug_and_demo() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k" * 32})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_the_psycopg3_driver(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected
