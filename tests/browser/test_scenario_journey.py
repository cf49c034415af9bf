"""A scenario end to end in a real browser, through the UI only, on the demo
organisation: from the approved round the secretaris makes the scenario "Ilse
Kamphuis afwezig vanaf 1 maart", adds the absence, re-plans (a background job:
the page shows the progress and reloads with the result), compares before and
after, publishes after the confirmation page; the affected medewerkers find the
new werkplan version "vanaf 1 maart" and agree to it.

A scenario changes approved werkplannen, so 1 March must lie in the approved
half year: the demo is loaded as it stands in January before the next 1 March
(load_demo(today=...)): the approved round is then the half year with that
March in it and the round after it is open for preferences. In December the
next 1 March lies in the round still being prepared, where an absence is
simply part of the preferences and the optimisation, not a scenario.
Screenshots at desk (1366 px) and phone (390 px) width go to
test-artifacts/screenshots (scenario-*.png); main pages are checked with axe-core.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from ommen_rollen.services.demo import half_year
from ommen_rollen.services.demo_data import EMPLOYEES
from tests.browser.conftest import (
    SOLVE_WAIT_MS,
    LiveServer,
    at_both_widths,
    demo_server,
    flash,
    login,
    open_page,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ABSENT = "Ilse Kamphuis"


def next_march() -> date:
    """The next 1 March (today when it is 1 March)."""
    today = date.today()
    march = date(today.year, 3, 1)
    return march if today <= march else date(today.year + 1, 3, 1)


def demo_day() -> date:
    """A day before the next 1 March in its half year: the demo as it stands
    then has that half year approved."""
    return max(date.today(), date(next_march().year, 1, 15))


@pytest.fixture(scope="module")
def scenario_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # its own demo organisation: publishing puts the approved round back to akkoord
    with demo_server(tmp_path_factory.mktemp("scenario"), today=demo_day()) as server:
        yield server


def test_an_absence_scenario_from_approved_round_to_new_akkoord(
    browser: Any, scenario_server: LiveServer
) -> None:
    when = next_march()
    name = f"{ABSENT} afwezig vanaf 1 maart"
    label, starts_on, ends_on = half_year(demo_day())
    assert starts_on <= when <= ends_on
    with open_page(browser, scenario_server.url) as page:
        login(page, "secretaris")
        page.goto("/planning/")
        page.get_by_role("link", name=label, exact=True).click()
        page.wait_for_url("**/planning/rondes/*")
        page.get_by_role("link", name="Scenario's: wat als").click()
        page.wait_for_url("**/scenarios")
        at_both_widths(page, "01-lijst")
        page.get_by_label("Naam").fill(name)
        page.get_by_label("Geldig vanaf").fill(when.isoformat())
        page.get_by_role("button", name="Scenario maken").click()
        page.wait_for_url("**/planning/scenarios/*")
        assert "Scenario" in flash(page)
        page.get_by_label("Wat verandert er").select_option(
            label="afwezig (ziek, verlof, vertrek)"
        )
        page.get_by_label("Medewerker").select_option(label=ABSENT)
        page.get_by_role("button", name="Wijziging toevoegen").click()
        page.wait_for_load_state()
        assert "Wijziging toegevoegd" in flash(page)
        assert f"{ABSENT} afwezig" in page.get_by_role("main").inner_text()
        page.get_by_role("button", name="Doorrekenen").click()
        page.wait_for_load_state()
        assert "wordt doorgerekend" in flash(page), flash(page)
        screenshot(page, "scenario-02a-doorrekenen-bureau")  # progress, or done
        # the progress polls; when the job ends the page reloads with the result
        page.get_by_role(
            "heading", name="Vergelijking met de goedgekeurde werkplannen"
        ).wait_for(timeout=SOLVE_WAIT_MS)
        main = page.get_by_role("main").inner_text()
        assert "Vergelijking met de goedgekeurde werkplannen" in main
        assert "Wie verandert er" in main and ABSENT in main
        at_both_widths(page, "02-vergelijking")

        page.get_by_role("link", name="Scenario doorvoeren").click()
        page.wait_for_url("**/doorvoeren")
        at_both_widths(page, "03-bevestigen")
        affected = [
            item.split(":")[0].strip()
            for item in page.locator("main ul li").all_inner_texts()
        ]
        assert ABSENT in affected
        colleague = next(n for n in affected if n != ABSENT)
        page.get_by_role("button", name="Ja, doorvoeren vanaf 1 maart").click()
        page.wait_for_url("**/werkplannen")
        assert "Scenario doorgevoerd" in flash(page)
        screenshot(page, "scenario-04-doorgevoerd-bureau")

        side = page.goto("/planning/")
        assert side is not None
        page.get_by_role("link", name=label, exact=True).click()
        page.get_by_role("link", name="Scenario's: wat als").click()
        page.wait_for_url("**/scenarios")  # the main text of the page it leads to
        assert "doorgevoerd" in page.get_by_role("main").inner_text()

    # every affected medewerker sees the new version from 1 March and agrees
    for number, person in enumerate(affected):
        username = next(row.username for row in EMPLOYEES if row.name == person)
        with open_page(browser, scenario_server.url) as page:
            login(page, username)
            page.goto("/mijn/werkplan")
            page.wait_for_url("**/mijn/werkplannen/*")
            text = page.get_by_role("main").inner_text()
            assert "Geldig" in text and "vanaf 1 maart" in text, (person, text)
            if number == 0 or person == colleague:
                at_both_widths(page, f"05-nieuw-werkplan-{number}")
            page.get_by_role("button", name="Akkoord", exact=True).click()
            page.wait_for_load_state()
            assert "akkoord" in page.get_by_role("main").inner_text().lower()
            if person == colleague:
                screenshot(page, "scenario-06-akkoord-bureau")
