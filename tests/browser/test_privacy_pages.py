"""The privacy pages and the Logboek in a real browser: accessible, and they show
what a medewerker and the secretaris need."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, login, screenshot

pytestmark = pytest.mark.browser


def test_the_public_privacy_page_is_accessible(page: Any) -> None:
    page.goto("/privacy")
    assert page.get_by_role("heading", name="Privacyverklaring").first.is_visible()
    screenshot(page, "privacy-01-verklaring")
    assert_accessible(page)


def test_a_medewerker_sees_and_downloads_their_data(page: Any) -> None:
    login(page, "anouk.devries")
    page.get_by_role("link", name="Mijn gegevens").first.click()
    page.wait_for_url("**/privacy/mijn-gegevens")
    assert page.get_by_text("Anouk de Vries").first.is_visible()
    screenshot(page, "privacy-02-mijn-gegevens")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Mijn gegevens downloaden (PDF, leesbaar)"
        ).click()
    assert download.value.suggested_filename == "inzage-anouk.devries.pdf"


def test_the_secretaris_reads_the_logboek_and_the_privacy_overview(page: Any) -> None:
    login(page, "secretaris")
    page.goto("/planning/logboek")
    assert page.get_by_text("heeft de demo-organisatie geladen").first.is_visible()
    screenshot(page, "privacy-03-logboek")
    assert_accessible(page)
    page.goto("/privacy/medewerkers")
    screenshot(page, "privacy-04-overzicht")
    assert_accessible(page)
