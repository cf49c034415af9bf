"""Every main page as medewerker, spil and secretaris, on a phone (390 x 844) and a
laptop (1366 x 900): no page scrolls sideways, the main menu is one row on the
laptop, and axe-core finds no serious or critical violation. Each page is kept as
a screenshot (test-artifacts/screenshots/layout-*)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import (
    LiveServer,
    axe_violations,
    demo_server,
    duplicate_ids,
    login,
    open_page,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORTS = {"telefoon": (390, 844), "laptop": (1366, 900)}
EMPLOYEE = "anouk.devries"
SPIL = "maarten.kuipers"  # spil of Regie en Coördinatie (his own account)


@pytest.fixture(scope="module")
def proposed_round(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The demo organisation with its open round closed, optimised twice (so two
    proposals can be compared) and put to the medewerkers."""
    with demo_server(tmp_path_factory.mktemp("layout")) as server:
        app = server.server.app
        with app.app_context():
            from sqlalchemy import select

            from ommen_rollen.extensions import db
            from ommen_rollen.models import Job, JobStatus, Proposal, User
            from ommen_rollen.services import approval, jobs, rounds

            secretary = db.session.scalar(
                select(User).where(User.username == "secretaris")
            )
            round_ = rounds.open_round_now()
            assert round_ is not None
            round_id = round_.id
            rounds.close_round(round_id, secretary)
            job_ids = []
            for seed in (0, 1):
                job = jobs.start_solve(round_id, secretary, time_limit_s=3, seed=seed)
                job_ids.append(job.id)
                assert jobs.wait_for_thread(job.id, 120)
            db.session.expire_all()
            for job_id in job_ids:
                job = db.session.get(Job, job_id)
                assert job is not None and job.status == JobStatus.FINISHED, job.error
            proposal = db.session.scalar(
                select(Proposal)
                .where(Proposal.round_id == round_id)
                .order_by(Proposal.number.desc())
            )
            approval.publish(round_id, secretary)
            ids = {"round": round_id, "proposal": proposal.id, "job": job_ids[-1]}
            db.session.remove()
        yield server, ids


def pages_for(who: str, ids: dict[str, int]) -> list[tuple[str, str]]:
    r, p, j = ids["round"], ids["proposal"], ids["job"]
    if who == "medewerker":
        return [
            ("start", "/"),
            ("voorkeuren", "/mijn/voorkeuren"),
            ("samen-kiezen", "/mijn/samen-kiezen"),
            ("werkplan", "/mijn/werkplan"),
            ("downloaden", "/export/mijn-werkplannen"),
            ("toegankelijkheid", "/toegankelijkheid"),
        ]
    planning = [
        ("rondes", "/planning/"),
        ("ronde", f"/planning/rondes/{r}"),
        ("werkplannen", f"/planning/rondes/{r}/werkplannen"),
        ("voorstel", f"/planning/voorstellen/{p}"),
        ("vergelijken", f"/planning/rondes/{r}/vergelijken"),
        ("taak", f"/planning/taken/{j}"),
    ]
    if who == "spil":
        return [("start", "/"), *planning]
    return [
        ("overzicht", "/"),
        *planning,
        ("aanpassen", f"/planning/rondes/{r}/aanpassen"),
        ("goedkeuren", f"/planning/rondes/{r}/goedkeuren"),
        ("beheer", "/beheer/"),
        ("medewerkers", "/beheer/medewerkers"),
        ("rollen", "/beheer/rollen"),
        ("competenties", "/beheer/competenties"),
        ("importeren", "/beheer/import/"),
        ("exporteren", "/export/"),
        ("export-ronde", f"/export/rondes/{r}"),
    ]


OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# The outermost elements that stick out on the right: what makes the page scroll.
CULPRITS = """() => {
    const width = window.innerWidth;
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string'
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
        const right = el.getBoundingClientRect().right;
        const parent = el.parentElement;
        let clipped = false;
        for (let a = parent; a && a !== document.body; a = a.parentElement)
            if (getComputedStyle(a).overflowX !== 'visible') clipped = true;
        if (!clipped && right > width + 1 && parent
            && parent.getBoundingClientRect().right <= width + 1) out.push(name(el));
    }
    return out.slice(0, 5);
}"""
MENU_ROWS = """() => {
    const items = document.querySelectorAll('nav[aria-label="Hoofdmenu"] li');
    const tops = [...items].map(li => Math.round(li.getBoundingClientRect().top));
    return new Set(tops).size;
}"""


def problems_on(page: Any, viewport: str) -> list[str]:
    """What is wrong with the page now open: sideways scroll, a stacked main menu
    on the laptop, serious or critical axe violations, duplicate ids."""
    found = []
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        found.append(f"scrolt {overflow} px zijwaarts: {page.evaluate(CULPRITS)}")
    rows = page.evaluate(MENU_ROWS)
    if rows == 0:
        found.append("geen hoofdmenu")
    elif viewport == "laptop" and rows > 1:
        found.append(f"hoofdmenu staat op {rows} rijen")
    if violations := axe_violations(page):
        found.append(f"axe: {violations}")
    if duplicates := duplicate_ids(page):
        found.append(f"dubbele ids: {duplicates}")
    return found


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("who", ["medewerker", "spil", "secretaris"])
def test_every_main_page_fits_and_is_accessible(
    browser: Any,
    proposed_round: tuple[LiveServer, dict[str, int]],
    who: str,
    viewport: str,
) -> None:
    server, ids = proposed_round
    username = {"medewerker": EMPLOYEE, "spil": SPIL, "secretaris": "secretaris"}[who]
    width, height = VIEWPORTS[viewport]
    with open_page(browser, server.url) as page:
        page.set_viewport_size({"width": width, "height": height})
        login(page, username)
        failures = []
        for name, url in pages_for(who, ids):
            response = page.goto(url)
            page.wait_for_load_state()
            assert response is not None and response.status == 200, (
                url,
                response and response.status,
            )
            screenshot(page, f"layout-{viewport}-{who}-{name}")
            failures += [f"{url}: {p}" for p in problems_on(page, viewport)]
    assert failures == [], "\n".join(failures)


def test_the_checks_catch_sideways_scroll_and_a_stacked_menu(
    browser: Any, proposed_round: tuple[LiveServer, dict[str, int]]
) -> None:
    server, _ids = proposed_round
    with open_page(browser, server.url) as page:
        page.set_viewport_size({"width": 1366, "height": 900})
        login(page, "secretaris")
        assert problems_on(page, "laptop") == []
        page.evaluate(
            """() => {
                document.querySelector('main').insertAdjacentHTML('beforeend',
                    '<div class="app-test-wide">breed</div>');
                document.querySelector('.app-test-wide').style.width = '3000px';
                const menu = 'nav[aria-label="Hoofdmenu"] ul';
                document.querySelector(menu).style.flexDirection = 'column';
            }"""
        )
        found = problems_on(page, "laptop")
        assert any("zijwaarts" in p for p in found), found
        assert any("rijen" in p for p in found), found


def test_favicon_is_served(proposed_round: tuple[LiveServer, dict[str, int]]) -> None:
    import urllib.request

    server, _ids = proposed_round
    with urllib.request.urlopen(f"{server.url}/favicon.ico") as response:  # noqa: S310
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/vnd.microsoft.icon"
        assert response.read()[:4] == b"\x00\x00\x01\x00"
