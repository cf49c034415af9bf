"""Single sign-on end to end against a real OpenID provider on loopback
(oidc-provider-mock, run in a thread): discovery, login, logout, a wrong
audience and an expired token refused, an unknown person refused in Dutch,
local passwords switched off."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from flask import Flask
from oidc_provider_mock import run_server_in_thread

from ommen_rollen.services import sso

CLIENT_ID = "ommen-rollen"

# The provider (a test tool) calls an Authlib API that Authlib deprecates; the
# warning is raised in its server thread, not by the app.
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")


@pytest.fixture(autouse=True)
def _http_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    # The provider runs on plain http on loopback; production uses https.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def provider() -> Iterator[str]:
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso_app(app: Flask, make_app: Any, provider: str) -> Flask:
    return make_app(
        OIDC_ISSUER=provider,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET="geheim",
        OIDC_LEEWAY_SECONDS=0,
    )


def sign_in_at_provider(location: str, sub: str) -> str:
    """The person logs in at the provider; returns where it sends them back."""
    answer = requests.post(
        location, data={"sub": sub}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text[:500]
    return str(answer.headers["Location"])


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_discovery_login_and_logout_through_the_provider(
    sso_app: Flask, provider: str, make_employee: Any, make_user: Any
) -> None:
    employee = make_employee("anouk", name="Anouk de Vries", email="anouk@ommen.nl")
    make_user("anouk", employee=employee)
    client = sso_app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    assert "Inloggen met uw gemeente-account" in page
    start = client.get("/inloggen/sso")
    assert start.status_code == 302
    location = start.headers["Location"]
    assert location.startswith(f"{provider}/oauth2/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == [CLIENT_ID] and "nonce" in query and "state" in query
    metadata = sso_app.extensions[sso.EXTENSION].server_metadata
    assert metadata["issuer"] == provider  # discovered

    back = sign_in_at_provider(location, "anouk@ommen.nl")
    assert urlsplit(back).path == "/inloggen/sso/terug"
    done = client.get(local(back))
    assert done.status_code == 302, done.get_data(as_text=True)[-800:]
    assert done.headers["Location"] == "/"
    assert "Anouk" in client.get("/").get_data(as_text=True)

    out = client.post("/uitloggen")
    assert out.headers["Location"].startswith(f"{provider}/oauth2/end_session?")
    assert client.get("/").status_code == 302  # logged out here too


def test_the_callback_cannot_be_replayed(
    sso_app: Flask, make_employee: Any, make_user: Any
) -> None:
    employee = make_employee("anouk", email="anouk@ommen.nl")
    make_user("anouk", employee=employee)
    client = sso_app.test_client()
    back = sign_in_at_provider(
        client.get("/inloggen/sso").headers["Location"], "anouk@ommen.nl"
    )
    assert client.get(local(back)).status_code == 302
    client.post("/uitloggen")
    again = client.get(local(back))
    assert again.status_code == 403
    assert "niet gelukt" in again.get_data(as_text=True)


def test_an_unknown_person_is_refused_with_a_dutch_message(sso_app: Flask) -> None:
    client = sso_app.test_client()
    back = sign_in_at_provider(
        client.get("/inloggen/sso").headers["Location"], "onbekend@ommen.nl"
    )
    response = client.get(local(back))
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "onbekend@ommen.nl" in text and "geen (actieve) medewerker" in text
    assert client.get("/").status_code == 302


def tokens_from(provider: str, client_id: str, sub: str, nonce: str) -> dict[str, Any]:
    """A real code flow at the provider for some client, outside the app."""
    metadata = requests.get(f"{provider}/.well-known/openid-configuration", timeout=10)
    endpoints = metadata.json()
    redirect = "http://localhost/terug"
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": redirect,
            "response_type": "code",
            "scope": "openid email",
            "state": "s",
            "nonce": nonce,
        }
    )
    back = sign_in_at_provider(f"{endpoints['authorization_endpoint']}?{query}", sub)
    code = parse_qs(urlsplit(back).query)["code"][0]
    answer = requests.post(
        endpoints["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
        },
        auth=(client_id, "geheim"),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_an_id_token_for_another_application_is_refused(
    sso_app: Flask, provider: str
) -> None:
    with sso_app.app_context():
        mine = tokens_from(provider, CLIENT_ID, "anouk@ommen.nl", "n1")
        assert sso.validate_id_token(mine, "n1")["email"] == "anouk@ommen.nl"
        other = tokens_from(provider, "andere-applicatie", "anouk@ommen.nl", "n2")
        with pytest.raises(sso.SsoRefused, match="aud"):
            sso.validate_id_token(other, "n2")
        with pytest.raises(sso.SsoRefused, match="nonce"):
            sso.validate_id_token(mine, "een-andere-nonce")


def test_an_expired_id_token_is_refused(app: Flask, make_app: Any) -> None:
    # Five seconds: long enough to be valid at once on a busy machine.
    with run_server_in_thread(access_token_max_age=timedelta(seconds=5)) as server:
        provider = f"http://localhost:{server.server_port}"
        short = make_app(
            OIDC_ISSUER=provider, OIDC_CLIENT_ID=CLIENT_ID, OIDC_LEEWAY_SECONDS=0
        )
        with short.app_context():
            issued = time.monotonic()
            tokens = tokens_from(provider, CLIENT_ID, "anouk@ommen.nl", "n1")
            assert sso.validate_id_token(tokens, "n1")
            time.sleep(max(0.0, 6.1 - (time.monotonic() - issued)))
            with pytest.raises(sso.SsoRefused, match="xpired|verlopen|exp"):
                sso.validate_id_token(tokens, "n1")


def test_local_passwords_can_be_switched_off(
    app: Flask, make_app: Any, provider: str, make_user: Any
) -> None:
    make_user("anouk")
    strict = make_app(OIDC_ISSUER=provider, OIDC_CLIENT_ID=CLIENT_ID, LOCAL_LOGIN=False)
    client = strict.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    assert 'name="password"' not in page and "gemeente-account" in page
    refused = client.post(
        "/inloggen", data={"username": "anouk", "password": "geheim-wachtwoord"}
    )
    assert refused.status_code == 403
    assert client.get("/").status_code == 302
    assert client.get("/account/vergeten").status_code == 403
