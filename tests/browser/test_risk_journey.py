"""The secretaris reads what one absence would break, the heat map, the formation
advice and the page per medewerker, in a real browser at phone (390 px) and desktop
(1366 px) width, on the demo organisation after a real optimisation. Screenshots
go to test-artifacts/screenshots (risk-*.png); every page is checked with axe-core.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import (
    ROUND,
    SOLVE_WAIT_MS,
    WIDTHS,
    LiveServer,
    assert_accessible,
    demo_server,
    login,
    open_page,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def risk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # its own demo organisation: this journey closes the open round
    with demo_server(tmp_path_factory.mktemp("risk")) as server:
        yield server


def optimise(page: Any) -> None:
    """Close the open round and optimise it through the UI; ends on the proposal."""
    login(page, "secretaris")
    page.goto("/planning/")
    page.get_by_role("link", name=ROUND, exact=True).click()
    page.wait_for_url("**/planning/rondes/*")
    page.get_by_role("button", name="Ronde sluiten voor voorkeuren").click()
    page.wait_for_url("**/sluiten")
    page.get_by_role("button", name="Toch sluiten voor voorkeuren").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Optimaliseren", exact=True).click()
    page.wait_for_url("**/planning/taken/*")
    page.wait_for_function(
        """() => {
            const dd = document.querySelector('#voortgang dl dd');
            return dd && dd.textContent.trim() === 'klaar';
        }""",
        timeout=SOLVE_WAIT_MS,
    )
    page.get_by_role("link", name="Bekijk het voorstel").click()
    page.wait_for_load_state()


def test_vulnerability_heat_map_formation_and_medewerker_page_at_two_widths(
    browser: Any, risk_server: LiveServer
) -> None:
    with open_page(browser, risk_server.url) as page:
        optimise(page)
        proposal_url = page.url
        main = page.get_by_role("main")
        text = main.inner_text()
        # single points of failure come first; the demo's r41 (one holder, no
        # vervanger) is among them
        assert "Enkelvoudige afhankelijkheden" in text
        assert re.search(r"Rollen zonder vervanger \(\d+\): [^\n]*r41", text), text
        assert "Busfactor per cluster" in text
        assert re.search(r"Grootste risico: bij afwezigheid van .+: ", text)
        assert "Warmtekaart: wie draagt welke rol" in text
        assert "Formatieadvies" in text
        heat = page.locator("table.app-heatmap")
        assert heat.locator("td", has_text="H!").count() >= 1

        first = page.locator("section.app-risk table a.utrecht-link").first
        name = first.inner_text().strip()
        first.click()
        page.wait_for_url("**/planning/medewerkers/*")
        employee_url = page.url
        assert page.get_by_role("heading", level=1).inner_text().startswith(name)
        employee_text = page.get_by_role("main").inner_text()
        assert "Wensen en hoe ze zijn beantwoord" in employee_text
        assert "Geschiedenis over de planrondes" in employee_text
        assert re.search(
            r"[\d,]+ van [\d,]+ fte \([\d,]+ van [\d,]+ uur\)", employee_text
        )

        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(proposal_url)
            page.wait_for_load_state()
            page.locator("#kwetsbaarheid").scroll_into_view_if_needed()
            screenshot(page, f"risk-voorstel-{label}")
            assert_accessible(page)
            page.goto(employee_url)
            page.wait_for_load_state()
            screenshot(page, f"risk-medewerker-{label}")
            assert_accessible(page)
            # nothing on the medewerker page is wider than the screen
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, (label, overflow)
