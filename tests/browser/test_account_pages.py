"""The account pages in a real browser: password change with a Dutch refusal,
password forgotten, and the two-factor set-up with its QR code, all without
serious accessibility violations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import axe_violations, login, screenshot

pytestmark = pytest.mark.browser


def test_the_forgotten_password_page_is_accessible(page: Any) -> None:
    page.goto("/inloggen")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    page.wait_for_url("**/account/vergeten")
    assert axe_violations(page) == []


def test_a_common_new_password_is_refused_in_dutch(page: Any) -> None:
    login(page, "gerrit.schuurman")
    page.goto("/account/wachtwoord")
    assert axe_violations(page) == []
    page.get_by_label("Huidig wachtwoord").fill("demo")
    page.locator("#new_password").fill("wachtwoord123")
    page.locator("#repeat").fill("wachtwoord123")
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    page.wait_for_load_state()
    assert page.get_by_text("te gewoon of te makkelijk te raden").is_visible()
    screenshot(page, "account-wachtwoord-geweigerd")
    assert axe_violations(page) == []


def test_the_two_factor_page_shows_a_qr_code_and_is_accessible(page: Any) -> None:
    login(page, "secretaris")
    page.goto("/account/tweestaps")
    assert page.get_by_alt_text("QR-code met de sleutel").is_visible()
    screenshot(page, "account-tweestaps")
    assert axe_violations(page) == []
