"""Two-factor sign-in (TOTP) for the secretaris: enrolment with QR code and
secret, a code at every login, a used code refused, required when configured."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa

from ommen_rollen.domain import UserRole
from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry
from tests.conftest import Auth


@pytest.fixture
def strict(app: Any, make_app: Any) -> Any:
    """An app that requires the second factor for the secretaris."""
    return make_app(SECRETARY_2FA_REQUIRED=True)


def enrol(client: Any) -> tuple[str, str]:
    page = client.get("/account/tweestaps").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code
    match = re.search(r'<code class="app-secret">([A-Z2-7]+)</code>', page)
    assert match, page
    secret = match.group(1)
    assert "otpauth://totp/" in page
    code = pyotp.TOTP(secret).now()
    response = client.post("/account/tweestaps", data={"code": code})
    assert response.status_code == 302
    return secret, code


def test_the_secretaris_must_set_up_two_factor_before_anything_else(
    strict: Any, make_user: Any
) -> None:
    make_user("secretaris", UserRole.SECRETARY)
    client = strict.test_client()
    assert Auth(client).login("secretaris").status_code == 302
    assert client.get("/beheer/").headers["Location"] == "/account/tweestaps"
    assert client.get("/account/tweestaps").status_code == 200  # the QR code
    wrong = client.post("/account/tweestaps", data={"code": "000000"})
    assert wrong.status_code == 422 and "klopt niet" in wrong.get_data(as_text=True)
    enrol(client)
    assert client.get("/beheer/").status_code == 200


def test_after_enrolment_a_login_asks_for_the_code_and_refuses_a_wrong_or_used_one(
    strict: Any, make_user: Any
) -> None:
    make_user("secretaris", UserRole.SECRETARY)
    client = strict.test_client()
    auth = Auth(client)
    auth.login("secretaris")
    secret, used = enrol(client)
    auth.logout()

    response = auth.login("secretaris")
    assert response.headers["Location"].startswith("/inloggen/code")
    assert client.get("/beheer/").status_code == 302  # not logged in yet
    wrong = client.post("/inloggen/code", data={"code": "123456"})
    assert wrong.status_code == 422
    # the code the enrolment used is spent; wait for the next one
    totp = pyotp.TOTP(secret)
    refused = client.post("/inloggen/code", data={"code": used})
    assert refused.status_code == 422
    while totp.now() == used:
        time.sleep(0.5)
    ok = client.post("/inloggen/code", data={"code": totp.now()})
    assert ok.status_code == 302
    assert client.get("/beheer/").status_code == 200
    failed = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "login_failed")
    ).all()
    assert any(e.details.get("reason") == "tweestapscode" for e in failed)


def test_the_code_step_without_a_password_first_goes_back_to_login(
    client: Any,
) -> None:
    response = client.post("/inloggen/code", data={"code": "123456"})
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen"


def test_a_medewerker_cannot_open_the_two_factor_page(
    auth: Any, client: Any, employee_user: Any
) -> None:
    auth.login("anouk")
    assert client.get("/account/tweestaps").status_code == 403
