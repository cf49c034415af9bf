"""A medewerker completes the preference form with the keyboard alone: Tab,
Shift+Tab, arrow keys, typing and Enter; no clicks, no filling of fields the
keyboard did not reach. Focus must be visible on every control used."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser

EMPLOYEE = "mark.schipper"
# A role his rompfunctie B allows, so "wil ik leren" is on offer (r13: A or B).
ROLE = "r13"
MAX_TABS = 80

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        name: el.getAttribute('name') || '',
        type: el.getAttribute('type') || '',
        value: el.value === undefined ? '' : String(el.value),
        checked: Boolean(el.checked),
        text: (el.textContent || '').trim(),
        // A focus indicator: an outline (Chromium's own ring is 'auto') or a
        // shadow that is not fully transparent.
        visible_focus: (style.outlineStyle !== 'none'
                        && parseFloat(style.outlineWidth) > 0)
                       || (style.boxShadow !== 'none'
                           && !style.boxShadow.startsWith('rgba(0, 0, 0, 0)')),
    };
}"""


def focused(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(FOCUSED)
    return result


def tab_to(page: Any, wanted: Any, what: str) -> dict[str, Any]:
    """Press Tab until the focused element satisfies ``wanted``."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError(f"{what} niet bereikt met {MAX_TABS} keer Tab")


def test_the_preference_form_can_be_completed_with_the_keyboard_alone(
    page: Any,
) -> None:
    login(page, EMPLOYEE)
    page.goto("/mijn/voorkeuren")
    page.wait_for_load_state()

    # Narrow the table down to one role with the search field.
    search = tab_to(page, lambda e: e["id"] == "filter-q", "het zoekveld")
    assert search["visible_focus"]
    page.keyboard.type(ROLE)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("table").locator("tbody tr").count() == 1
    group = page.get_by_role("group", name=f"Mijn keuze voor {ROLE}")
    before = group.locator("input:checked").get_attribute("value")
    assert before != "learn"  # else the test could not tell it saved anything

    # A radio group is one tab stop; the arrow keys move the choice.
    radio = tab_to(page, lambda e: e["name"].startswith("choice-"), "de keuze")
    assert radio["type"] == "radio" and radio["visible_focus"]
    for _ in range(4):
        if radio["value"] == "learn" and radio["checked"]:
            break
        page.keyboard.press("ArrowDown")
        radio = focused(page)
    assert radio["value"] == "learn" and radio["checked"], radio
    # The change is saved at once (htmx) and said in the status line.
    page.locator("#opslaan-status").get_by_text("Opgeslagen").wait_for()

    comment = tab_to(page, lambda e: e["id"].startswith("comment-"), "de opmerking")
    assert comment["visible_focus"]
    page.keyboard.type("Ingevuld met het toetsenbord.")
    button = tab_to(page, lambda e: e["tag"] == "button", "de opslaanknop")
    assert button["text"] == "Voorkeuren opslaan" and button["visible_focus"]
    # Back to the comment and forward again: Shift+Tab walks the same order.
    page.keyboard.press("Shift+Tab")
    assert focused(page)["id"] == comment["id"]
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Voorkeuren opslaan"
    screenshot(page, "toetsenbord-01-voorkeuren")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert (
        "Uw voorkeuren zijn opgeslagen" in page.get_by_role("status").first.inner_text()
    )
    screenshot(page, "toetsenbord-02-opgeslagen")
    page.reload()
    group = page.get_by_role("group", name=f"Mijn keuze voor {ROLE}")
    assert group.locator("input:checked").get_attribute("value") == "learn"
    field = page.get_by_label(f"Opmerking bij {ROLE}", exact=True)
    assert field.input_value() == "Ingevuld met het toetsenbord."
