"""The accessibility checks the journeys rely on do find problems: a page broken on
purpose (in the browser only) fails them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import axe_violations, duplicate_ids

pytestmark = pytest.mark.browser

BREAK_THE_LOGIN_PAGE = """() => {
    const main = document.querySelector('main');
    // A text field without a label, and text too pale to read.
    main.insertAdjacentHTML('beforeend',
        '<input type="text" name="kapot">'
        + '<p style="color:#eeeeee;background:#ffffff">bijna onzichtbaar</p>');
    // A second control with the id of the username field: the label names the first.
    const copy = document.getElementById('username').cloneNode();
    copy.name = 'kopie';
    main.appendChild(copy);
}"""


def test_the_checks_report_a_missing_label_poor_contrast_and_a_duplicate_id(
    page: Any,
) -> None:
    page.goto("/inloggen")
    assert axe_violations(page) == []
    assert duplicate_ids(page) == []

    page.evaluate(BREAK_THE_LOGIN_PAGE)

    found = {v["id"]: v for v in axe_violations(page)}
    assert {"label", "color-contrast"} <= set(found), found
    assert found["label"]["impact"] == "critical"
    assert found["color-contrast"]["impact"] == "serious"
    assert duplicate_ids(page) == ["username"]
