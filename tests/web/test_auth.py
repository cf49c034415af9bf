"""Logging in and out, throttling and the session cookie."""

from __future__ import annotations

from typing import Any


def test_login_with_the_right_password_opens_the_home_page(
    client: Any, auth: Any, employee_user: Any
) -> None:
    response = auth.login("anouk")
    assert response.status_code == 302
    page = client.get("/", follow_redirects=True)
    assert "Welkom" in page.get_data(as_text=True)


def test_login_with_a_wrong_password_is_refused_in_dutch(
    client: Any, auth: Any, employee_user: Any
) -> None:
    response = auth.login("anouk", "fout")
    assert response.status_code == 200
    assert "onjuist wachtwoord" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_an_inactive_account_cannot_log_in(auth: Any, employee_user: Any) -> None:
    from ommen_rollen.extensions import db

    employee_user.active = False
    db.session.commit()
    assert auth.login("anouk").status_code == 200


def test_login_redirects_only_to_local_pages(client: Any, employee_user: Any) -> None:
    response = client.post(
        "/inloggen?next=https://example.org/",
        data={"username": "anouk", "password": "geheim-wachtwoord"},
    )
    assert response.headers["Location"] == "/"


def test_login_is_throttled_after_ten_attempts_a_minute(make_app: Any) -> None:
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [
        client.post("/inloggen", data={"username": "x", "password": "y"}).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429


def test_forms_without_csrf_token_are_refused(make_app: Any) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post(
        "/inloggen", data={"username": "x", "password": "y"}
    )
    assert response.status_code == 400


def test_pages_carry_security_headers(client: Any) -> None:
    response = client.get("/inloggen")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert '<html lang="nl">' in response.get_data(as_text=True)


def test_behind_a_proxy_the_login_limit_counts_each_client_apart(
    make_app: Any,
) -> None:
    app = make_app(RATELIMIT_ENABLED=True, PROXY_COUNT=1)
    client = app.test_client()

    def attempt(address: str) -> int:
        return client.post(
            "/inloggen",
            data={"username": "x", "password": "y"},
            headers={"X-Forwarded-For": address},
        ).status_code

    assert [attempt("10.0.0.1") for _ in range(11)][-1] == 429
    assert attempt("10.0.0.2") == 200
