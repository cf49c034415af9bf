"""The secretaris makes an API key in Beheer, copies it once, sees it listed and
revokes it after confirming; the API's own page is readable. Every page passes
axe (no serious or critical violations) and has unique ids."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, duplicate_ids, login

pytestmark = pytest.mark.browser


def clean(page: Any) -> None:
    assert axe_violations(page) == []
    assert duplicate_ids(page) == []


def status_with(url: str, secret: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            json.load(response)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_a_key_is_made_shown_once_and_revoked(page: Any, live_server: Any) -> None:
    login(page, "secretaris")
    page.goto("/beheer/api-sleutels/")
    clean(page)
    page.get_by_role("link", name="Nieuwe API-sleutel").click()
    clean(page)
    page.get_by_label("Naam van de koppeling").fill("AFAS")
    page.get_by_label("write-organisation", exact=False).check()
    page.get_by_role("button", name="Sleutel aanmaken").click()
    assert "wordt maar één keer getoond" in page.content()
    clean(page)
    secret = page.get_by_label("Sleutel").input_value()
    assert secret.startswith("omr_")
    employees = f"{live_server.url}/api/v1/employees"
    assert status_with(employees, secret) == 200

    page.goto("/beheer/api-sleutels/")
    assert secret not in page.content()
    page.get_by_role("link", name="Intrekken AFAS").click()
    clean(page)
    page.get_by_role("button", name="Definitief intrekken").click()
    assert "ingetrokken" in page.content()
    assert status_with(employees, secret) == 401

    page.goto("/api/v1/")
    assert "/api/v1/employees/{username}" in page.content()
    clean(page)
