"""The own password (rules, change, first password), the session limits and the
hardened login (timing, per-account limit, audit of refusals)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa

from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry

STRONG = "paard batterij nietje correct"


def change(client: Any, current: str, new: str, repeat: str | None = None) -> Any:
    return client.post(
        "/account/wachtwoord",
        data={
            "current_password": current,
            "new_password": new,
            "repeat": new if repeat is None else repeat,
        },
    )


def actions(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action))
    )


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("kort-maar", "minstens 12 tekens"),
        ("wachtwoord123", "te gewoon"),
        ("welkom123456", "te gewoon"),
        ("anouk-anouk-anouk", "te gewoon"),  # built from the username
    ],
)
def test_a_short_or_common_password_is_refused_and_nothing_changes(
    client: Any, auth: Any, employee_user: Any, new: str, message: str
) -> None:
    auth.login("anouk")
    before = employee_user.password_hash
    response = change(client, "geheim-wachtwoord", new)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert employee_user.password_hash == before


def test_no_composition_rules_a_long_phrase_of_small_letters_is_fine(
    client: Any, auth: Any, employee_user: Any
) -> None:
    auth.login("anouk")
    response = change(client, "geheim-wachtwoord", STRONG)
    assert response.status_code == 302
    auth.logout()
    assert auth.login("anouk", "geheim-wachtwoord").status_code == 200
    assert auth.login("anouk", STRONG).status_code == 302
    assert actions("password_changed")


def test_the_current_password_must_be_right_and_the_repeat_equal(
    client: Any, auth: Any, employee_user: Any
) -> None:
    auth.login("anouk")
    html = change(client, "fout-wachtwoord", STRONG).get_data(as_text=True)
    assert "huidige wachtwoord klopt niet" in html
    html = change(client, "geheim-wachtwoord", STRONG, STRONG + "x").get_data(
        as_text=True
    )
    assert "niet gelijk" in html


def test_changing_the_password_ends_the_other_sessions(
    app: Any, make_app: Any, employee_user: Any
) -> None:
    from tests.conftest import Auth

    # An app of its own: each request gets a fresh app context (and g).
    app = make_app()
    client, other = app.test_client(), app.test_client()
    Auth(other).login("anouk")
    assert other.get("/").status_code == 200
    Auth(client).login("anouk")
    assert change(client, "geheim-wachtwoord", STRONG).status_code == 302
    response = client.get("/")
    assert response.status_code == 200, response.headers.get("Location")  # goes on
    assert other.get("/").status_code == 302  # the other one ended


def test_a_first_password_must_be_changed_before_anything_else(
    client: Any, auth: Any, make_user: Any
) -> None:
    make_user("bram", must_change_password=True)
    auth.login("bram")
    for path in ("/", "/mijn/voorkeuren"):
        response = client.get(path)
        assert response.headers["Location"] == "/account/wachtwoord"
    assert client.get("/account/wachtwoord").status_code == 200
    assert change(client, "geheim-wachtwoord", STRONG).status_code == 302
    assert client.get("/").status_code == 200


def test_a_session_ends_after_the_idle_timeout(
    app: Any, make_app: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import Auth

    app = make_app(SESSION_IDLE_MINUTES=30)
    client = app.test_client()
    make_user("anouk")
    Auth(client).login("anouk")
    assert client.get("/").status_code == 200
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 29 * 60)
    assert client.get("/").status_code == 200  # activity moves the idle clock
    monkeypatch.setattr(time, "time", lambda: now + 58 * 60)
    assert client.get("/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: now + 89 * 60)
    response = client.get("/")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "sessie is verlopen" in html


def test_requests_within_a_minute_leave_the_session_cookie_alone(
    app: Any, make_app: Any, make_user: Any
) -> None:
    """A request that rewrites the cookie drops what a concurrent one put in it
    (an autosave beside a submit ate the submit's flash message)."""
    from tests.conftest import Auth

    client = make_app(SESSION_IDLE_MINUTES=30).test_client()
    make_user("anouk")
    Auth(client).login("anouk")
    client.get("/")  # the first page after login may still store its CSRF token
    assert "Set-Cookie" not in client.get("/").headers


def test_a_session_ends_after_its_lifetime_however_active(
    app: Any, make_app: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import Auth

    app = make_app(SESSION_IDLE_MINUTES=30, SESSION_LIFETIME_HOURS=1)
    client = app.test_client()
    make_user("anouk")
    Auth(client).login("anouk")
    now = time.time()
    for minutes in (20, 40, 59):
        monkeypatch.setattr(time, "time", lambda m=minutes: now + m * 60)
        assert client.get("/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: now + 61 * 60)
    assert client.get("/").status_code == 302


def test_failed_logins_are_in_the_audit_log_with_the_address(
    auth: Any, employee_user: Any
) -> None:
    auth.login("anouk", "fout")
    auth.login("niemand", "fout")
    entries = actions("login_failed")
    assert {e.details["username"] for e in entries} == {"anouk", "niemand"}
    assert all(e.remote_addr == "127.0.0.1" for e in entries)
    assert {e.object_id for e in entries} == {employee_user.id, None}


def test_an_unknown_username_takes_as_long_as_a_wrong_password(
    auth: Any, employee_user: Any
) -> None:
    def slowest_of_fastest(username: str) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            auth.login(username, "fout-wachtwoord")
            times.append(time.perf_counter() - started)
        return min(times)

    slowest_of_fastest("anouk")  # warm up (the dummy hash is made once)
    slowest_of_fastest("niemand")
    known, unknown = slowest_of_fastest("anouk"), slowest_of_fastest("niemand")
    # Both pay one password hash (tens of milliseconds); before the fix the
    # unknown name answered ten times faster.
    assert unknown > known * 0.5, (known, unknown)


def test_one_account_is_throttled_from_many_addresses(
    app: Any, make_app: Any, make_user: Any
) -> None:
    app = make_app(
        RATELIMIT_ENABLED=True,
        PROXY_COUNT=1,
        LOGIN_RATE_LIMIT="100 per minute",
        LOGIN_ACCOUNT_RATE_LIMIT="5 per hour",
    )
    client = app.test_client()
    make_user("anouk")

    def attempt(address: str, username: str = "anouk") -> int:
        return client.post(
            "/inloggen",
            data={"username": username, "password": "fout"},
            headers={"X-Forwarded-For": address},
        ).status_code

    codes = [attempt(f"10.0.0.{n}") for n in range(1, 7)]
    assert codes == [200] * 5 + [429]
    assert attempt("10.0.1.1", "Anouk ") == 429  # the same account
    assert attempt("10.0.1.2", "bram") == 200  # another account is not blocked
    throttled = actions("login_throttled")
    assert throttled and throttled[0].remote_addr == "10.0.0.6"
