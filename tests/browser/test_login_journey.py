"""Logging in and out in a real browser; the login page is accessible."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, login, screenshot

pytestmark = pytest.mark.browser


def test_the_login_page_has_no_serious_accessibility_violations(page: Any) -> None:
    page.goto("/inloggen")
    screenshot(page, "01-inloggen")
    assert axe_violations(page) == []


def test_a_wrong_password_shows_a_dutch_message(page: Any) -> None:
    login(page, "secretaris", "fout")
    assert page.get_by_text("onjuist wachtwoord").is_visible()


def test_the_secretaris_logs_in_with_the_keyboard_and_logs_out(page: Any) -> None:
    page.goto("/inloggen")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("secretaris")
    page.keyboard.press("Tab")
    page.keyboard.type("demo")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/$"))
    screenshot(page, "02-overzicht")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/inloggen")
    page.goto("/beheer/")
    assert "/inloggen" in page.url
