"""A swap between colleagues end to end in a real browser, on the demo
organisation, through the UI only: Maarten Kuipers proposes on his Ruilen page
to take over "Spil Beleid en Ontwikkeling" from Esther Nijland and give her
"Spil Regie en Coördinatie" in return; Esther opens it and accepts (the checker
judges at once); the secretaris finds it under the round's Scenario's and
publishes it after the confirmation page; Maarten agrees to his new werkplan.
Screenshots at desk (1366 px) and phone (390 px) width go to
test-artifacts/screenshots (ruil-*.png); the pages are checked with axe-core.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from ommen_rollen.services.demo import half_year
from tests.browser.conftest import (
    LiveServer,
    at_both_widths,
    demo_server,
    flash,
    login,
    open_page,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROPOSER, PROPOSER_NAME = "maarten.kuipers", "Maarten Kuipers"
COLLEAGUE, COLLEAGUE_NAME = "esther.nijland", "Esther Nijland"
TAKE, GIVE = "Spil Beleid en Ontwikkeling", "Spil Regie en Coördinatie"
SWAP = f"{PROPOSER_NAME} en {COLLEAGUE_NAME} ruilen {TAKE} en {GIVE}"


@pytest.fixture(scope="module")
def swap_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # its own demo organisation: publishing puts the approved round back to akkoord
    with demo_server(tmp_path_factory.mktemp("ruil")) as server:
        yield server


def shots(page: Any, name: str) -> None:
    at_both_widths(page, name, prefix="ruil")


def test_a_swap_from_proposal_to_new_akkoord(
    browser: Any, swap_server: LiveServer
) -> None:
    with open_page(browser, swap_server.url) as page:
        login(page, PROPOSER)
        page.get_by_role("link", name="Ruilen", exact=True).click()
        page.wait_for_url("**/mijn/ruilen/")
        shots(page, "01-formulier")
        page.get_by_label("Collega").select_option(label=COLLEAGUE_NAME)
        page.get_by_label("Rol die u overneemt").select_option(
            label=f"{TAKE} ({COLLEAGUE_NAME})"
        )
        page.get_by_label("Rol die u in ruil teruggeeft").select_option(label=GIVE)
        page.get_by_role("button", name="Ruil voorstellen").click()
        page.wait_for_url("**/mijn/ruilen/*")
        assert "Uw voorstel is verstuurd" in flash(page), flash(page)
        main = page.get_by_role("main").inner_text()
        assert SWAP in main and "voorgesteld, wacht op collega" in main
        shots(page, "02-voorgesteld")

    with open_page(browser, swap_server.url) as page:
        login(page, COLLEAGUE)
        page.goto("/mijn/ruilen/")
        page.get_by_role("link", name=SWAP).click()
        page.wait_for_url("**/mijn/ruilen/*")
        shots(page, "03-gevraagd")
        page.get_by_role("button", name="Ruil aannemen").click()
        page.wait_for_load_state()
        assert "U hebt de ruil aangenomen" in flash(page), flash(page)
        screenshot(page, "ruil-04-aangenomen-bureau")

    label = half_year(date.today())[0]
    with open_page(browser, swap_server.url) as page:
        login(page, "secretaris")
        page.goto("/planning/")
        page.get_by_role("link", name=label, exact=True).click()
        page.get_by_role("link", name="Scenario's: wat als").click()
        page.wait_for_url("**/scenarios")
        assert (
            "aangenomen, wacht op uw goedkeuring"
            in page.get_by_role("main").inner_text()
        )
        page.get_by_role("link", name=SWAP).click()
        page.wait_for_url("**/planning/scenarios/*")
        shots(page, "05-secretaris")
        page.get_by_role("link", name="Scenario doorvoeren").click()
        page.wait_for_url("**/doorvoeren")
        affected = [
            item.split(":")[0].strip()
            for item in page.locator("main ul li").all_inner_texts()
        ]
        assert sorted(affected) == sorted([PROPOSER_NAME, COLLEAGUE_NAME])
        page.get_by_role("button", name="Ja, doorvoeren vanaf").click()
        page.wait_for_url("**/werkplannen")
        assert "Scenario doorgevoerd: 2 medewerkers" in flash(page), flash(page)

    with open_page(browser, swap_server.url) as page:
        login(page, PROPOSER)
        page.goto("/mijn/werkplan")
        page.wait_for_url("**/mijn/werkplannen/*")
        text = page.get_by_role("main").inner_text()
        assert "nieuwe versie" in text and TAKE in text, text
        shots(page, "06-nieuw-werkplan")
        page.get_by_role("button", name="Akkoord", exact=True).click()
        page.wait_for_load_state()
        assert "akkoord" in page.get_by_role("main").inner_text().lower()
