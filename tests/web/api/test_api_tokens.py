"""API keys: created by the secretaris in beheer, shown once, stored hashed,
scoped, expiring, revocable, every use audited; rate limits per key; CSRF and
JSON for a medewerker's own session; bounded requests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ommen_rollen.domain import UserRole
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    ApiToken,
    AuditEntry,
    PlanningRound,
    Preference,
    User,
)
from ommen_rollen.services import api_tokens


def test_the_secretaris_creates_a_key_that_is_shown_once_and_stored_hashed(
    client: FlaskClient, auth: Any, owner: Any
) -> None:
    auth.login(owner.username)
    assert client.get("/beheer/api-sleutels/").status_code == 200
    form = client.get("/beheer/api-sleutels/nieuw")
    assert form.status_code == 200
    expires = (date.today() + timedelta(days=90)).isoformat()
    made = client.post(
        "/beheer/api-sleutels/nieuw",
        data={
            "name": "AFAS",
            "scopes": ["read", "write-organisation"],
            "expires_on": expires,
        },
    )
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(omr_[^"]+)"', made.get_data(as_text=True)).group(1)
    token = db.session.scalar(db.select(ApiToken))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(
        [
            (t.name, t.prefix, t.token_hash)
            for t in db.session.scalars(db.select(ApiToken))
        ]
    )
    listing = client.get("/beheer/api-sleutels/").get_data(as_text=True)
    assert "AFAS" in listing and secret not in listing
    # the key works, as the secretaris, with its scopes only
    api = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/employees", headers=api).status_code == 200
    assert client.get("/api/v1/jobs/1", headers=api).status_code == 403


def test_a_key_form_with_errors_changes_nothing(
    client: FlaskClient, auth: Any, owner: Any
) -> None:
    auth.login(owner.username)
    refused = client.post(
        "/beheer/api-sleutels/nieuw",
        data={"name": "", "scopes": ["alles"], "expires_on": "2000-01-01"},
    )
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Geef de koppeling een naam" in page
    assert "Onbekende bevoegdheid" in page
    assert "Kies een datum na vandaag." in page
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_revoking_asks_first_and_stops_the_key_at_once(
    client: FlaskClient, auth: Any, owner: Any, make_token: Callable[..., Any]
) -> None:
    api = make_token("read")
    token = db.session.scalar(db.select(ApiToken))
    auth.login(owner.username)
    confirm = client.get(f"/beheer/api-sleutels/{token.id}/intrekken")
    assert "Definitief intrekken" in confirm.get_data(as_text=True)
    assert client.get("/api/v1/roles", headers=api).status_code == 200
    done = client.post(f"/beheer/api-sleutels/{token.id}/intrekken")
    assert done.status_code == 302
    refused = client.get("/api/v1/roles", headers=api)
    assert refused.status_code == 401
    assert refused.get_json()["message"] == (
        "Deze API-sleutel is onbekend, verlopen of ingetrokken."
    )
    assert "ingetrokken" in client.get("/beheer/api-sleutels/").get_data(as_text=True)


def test_keys_without_a_scope_expired_or_of_a_gone_secretaris_are_refused(
    client: FlaskClient, make_token: Callable[..., Any], owner: Any
) -> None:
    assert client.get("/api/v1/roles").status_code == 401
    assert client.get("/api/v1/roles").headers["WWW-Authenticate"].startswith("Bearer")
    wrong = {"Authorization": "Bearer omr_verzonnen"}
    assert client.get("/api/v1/roles", headers=wrong).status_code == 401
    reader = make_token("read")
    write = client.post("/api/v1/competences", json={"name": "X"}, headers=reader)
    assert write.status_code == 403
    assert "write-organisation" in write.get_json()["message"]
    expiring = make_token("read", days=1)
    token = db.session.scalars(db.select(ApiToken).order_by(ApiToken.id.desc())).first()
    token.expires_on = date.today() - timedelta(days=1)
    db.session.commit()
    assert client.get("/api/v1/roles", headers=expiring).status_code == 401
    owner.active = False
    db.session.commit()
    assert client.get("/api/v1/roles", headers=reader).status_code == 401


def test_only_a_secretaris_makes_keys_and_they_live_at_most_a_year(
    app: Flask, owner: Any, make_user: Callable[..., Any]
) -> None:
    from ommen_rollen.services.beheer import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        api_tokens.create_token(
            "Te lang", ["read"], api_tokens.today() + timedelta(days=400), owner
        )
    assert "hoogstens 366 dagen" in refused.value.errors["expires_on"][0]
    spil = make_user("spil", UserRole.COORDINATOR)
    _token, secret = api_tokens.create_token(
        "Van een spil", ["read"], api_tokens.today() + timedelta(days=5), spil
    )
    # a key acts as its owner: only a secretaris's key works
    assert api_tokens.find_token(secret) is None


def test_every_use_of_a_key_is_in_the_audit_log_even_when_refused(
    client: FlaskClient, make_token: Callable[..., Any]
) -> None:
    reader = make_token("read")
    client.get("/api/v1/clusters", headers=reader)
    client.post("/api/v1/competences", json={"name": "X"}, headers=reader)
    uses = [
        (e.details["method"], e.details["path"])
        for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "api.request")
        )
    ]
    assert uses == [("GET", "/api/v1/clusters"), ("POST", "/api/v1/competences")]


def test_requests_are_bounded_in_size(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    big = {"name": "x", "description": "y" * 300_000}
    response = client.post("/api/v1/competences", json=big, headers=headers)
    assert response.status_code == 413
    assert response.get_json()["code"] == 413
    nul = client.post("/api/v1/competences", json={"name": "a\x00b"}, headers=headers)
    assert nul.status_code == 400


def test_unknown_api_paths_and_methods_answer_json(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    missing = client.get("/api/v1/bestaat-niet", headers=headers)
    assert missing.status_code == 404
    assert missing.get_json()["message"] == "Niet gevonden."
    method = client.delete("/api/v1/employees", headers=headers)
    assert method.status_code == 405
    assert method.is_json
    # the web pages keep their HTML error pages
    assert "text/html" in client.get("/bestaat-niet").content_type


def test_a_key_is_rate_limited(
    app: Flask, make_app: Callable[..., Flask], owner: Any
) -> None:
    owner_id = owner.id
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    with app.app_context():
        # the owner as this app's session sees it (the fixture's object belongs
        # to the other app's session)
        by = db.session.get(User, owner_id)
        _token, secret = api_tokens.create_token(
            "Snel script", ["read"], api_tokens.today() + timedelta(days=3), by
        )
    client = app.test_client()
    api = {"Authorization": f"Bearer {secret}"}
    statuses = [
        client.get("/api/v1/clusters", headers=api).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/clusters", headers=api)
    assert limited.get_json()["message"].startswith("Te veel verzoeken")


@pytest.fixture
def open_round(app: Flask, make_role: Callable[..., Any]) -> tuple[PlanningRound, Any]:
    round_ = PlanningRound(
        label="2027-1",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 6, 30),
        status="open",
    )
    db.session.add(round_)
    db.session.commit()
    return round_, make_role("R1")


def test_a_medewerker_saves_own_preferences_with_session_and_csrf(
    make_app: Callable[..., Flask],
    make_user: Callable[..., Any],
    open_round: tuple[PlanningRound, Any],
) -> None:
    round_, role = open_round
    user = make_user("anouk", UserRole.EMPLOYEE)
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login_page = client.get("/inloggen").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    csrf = csrf or re.search(r'name="csrf_token" value="([^"]+)"', login_page)
    token = csrf.group(1)
    client.post(
        "/inloggen",
        data={
            "username": user.username,
            "password": "geheim-wachtwoord",
            "csrf_token": token,
        },
    )
    url = f"/api/v1/me/rounds/{round_.id}/preferences"
    body = {"preferences": [{"role": "R1", "choice": "want", "comment": "Graag!"}]}
    assert client.get(url).get_json()["preferences"] == []
    without = client.put(url, json=body)
    assert without.status_code == 400
    assert "X-CSRFToken" in without.get_json()["message"]
    as_form = client.put(url, data={"preferences": "x"}, headers={"X-CSRFToken": token})
    assert as_form.status_code == 415
    saved = client.put(url, json=body, headers={"X-CSRFToken": token})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["changed"] == 1
    with app.app_context():
        pref = db.session.scalar(db.select(Preference))
        assert (pref.choice.value, pref.comment) == ("want", "Graag!")
    bad = client.put(
        url,
        json={
            "preferences": [
                {"role": "R1", "choice": "misschien"},
                {"role": "R9", "choice": "want"},
            ]
        },
        headers={"X-CSRFToken": token},
    )
    assert bad.status_code == 422
    assert bad.get_json()["errors"] == {
        "preferences.R9": ["Rol R9 bestaat niet of is niet actief."]
    }
    wrong_choice = client.put(
        url,
        json={"preferences": [{"role": "R1", "choice": "misschien"}]},
        headers={"X-CSRFToken": token},
    )
    assert wrong_choice.get_json()["errors"] == {
        "preferences.R1": ["R1: 'misschien' is geen geldige keuze."]
    }


def test_own_preferences_need_a_medewerker_session_not_a_key(
    client: FlaskClient,
    auth: Any,
    headers: dict[str, str],
    owner: Any,
    open_round: tuple[PlanningRound, Any],
) -> None:
    round_, _role = open_round
    url = f"/api/v1/me/rounds/{round_.id}/preferences"
    assert client.get(url, headers=headers).status_code == 401
    auth.login(owner.username)
    assert client.get(url).status_code == 403


def test_a_preferences_key_reads_everybodys_preferences(
    client: FlaskClient,
    make_token: Callable[..., Any],
    make_employee: Callable[..., Any],
    open_round: tuple[PlanningRound, Any],
) -> None:
    from ommen_rollen.services.preferences import save_preferences

    round_, role = open_round
    employee = make_employee("p7")
    save_preferences(round_.id, employee.id, {role.id: ("avoid", "")}, None)
    reader = make_token("read")
    url = f"/api/v1/rounds/{round_.id}/preferences"
    assert client.get(url, headers=reader).status_code == 403
    data = client.get(url, headers=make_token("preferences")).get_json()
    assert data["items"] == [
        {
            "employee": "p7",
            "preferences": [{"role": "R1", "choice": "avoid", "comment": ""}],
        }
    ]
