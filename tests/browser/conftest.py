"""Browser journeys: the app with the demo organisation behind a real HTTP server,
driven by Playwright in Debian's Chromium. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REQUIRE_ENV
from tests.live_server import LiveServer

CHROMIUM = os.environ.get("OMMEN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def _require_browser() -> None:
    missing = []
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        missing.append(f"Chromium ({CHROMIUM}; apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("het Python-pakket playwright")
    if not missing:
        return
    message = "browsertests overgeslagen, ontbreekt: " + ", ".join(missing)
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(message)
    pytest.skip(message)


# The optimiser's time limit in the browser tests: long enough for the demo round to
# reach a usable ('feasible') plan, short enough to keep the journey quick.
SOLVER_TIME_LIMIT_S = 8


@contextmanager
def demo_server(directory: Path, *, today: date | None = None) -> Iterator[LiveServer]:
    """The demo organisation on a fresh SQLite file, CSRF and all, on a free port;
    as it stands on ``today`` (default: the real date; load_demo's rounds are
    the half years around it).

    Optimisations run for real: with no REDIS_URL in the configuration (a test
    configuration skips the environment) the job back end is the in-process
    thread, so "Optimaliseren" solves while the progress page polls."""
    _require_browser()
    from flask_migrate import upgrade

    from ommen_rollen import create_app
    from ommen_rollen.extensions import db
    from ommen_rollen.services import jobs
    from ommen_rollen.services.demo import load_demo

    path = directory / "demo.sqlite"
    app = create_app(
        {
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "DEMO": True,
            "RATELIMIT_ENABLED": False,
            "SOLVER_TIME_LIMIT_S": SOLVER_TIME_LIMIT_S,
        }
    )
    assert jobs.backend(app) == "thread"
    with app.app_context():
        upgrade()
        load_demo(today=today)
    with LiveServer(app) as server:
        yield server
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One demo organisation shared by the short browser tests."""
    with demo_server(tmp_path_factory.mktemp("browser")) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@contextmanager
def open_page(browser: Any, base_url: str) -> Iterator[Any]:
    """A page in a fresh browser context (its own cookies, so its own login)."""
    # bypass_csp lets the tests inject axe-core; the app itself keeps its CSP.
    context = browser.new_context(base_url=base_url, bypass_csp=True, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    with open_page(browser, live_server.url) as page:
        yield page


def screenshot(page: Any, name: str) -> Path:
    """Keep a full-page screenshot as a CI artefact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 A/AA violations axe-core finds on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def duplicate_ids(page: Any) -> list[str]:
    """Ids used by more than one element. axe no longer checks this (WCAG 2.2
    dropped 4.1.1), but a label's for= then names only the first of them and the
    other control has no label, which axe's label rules do not notice."""
    found: list[str] = page.evaluate(
        """() => {
            const seen = new Map();
            for (const el of document.querySelectorAll('[id]'))
                seen.set(el.id, (seen.get(el.id) || 0) + 1);
            return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
        }"""
    )
    return found


def assert_accessible(page: Any) -> None:
    """No serious or critical axe violations and no duplicate ids on the page."""
    assert axe_violations(page) == [], page.url
    assert duplicate_ids(page) == [], page.url


def login(page: Any, username: str, password: str = "demo") -> None:
    page.goto("/inloggen")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


# --- shared by the journeys ------------------------------------------------------

WIDTHS = {"bureau": 1366, "telefoon": 390}  # desk and phone
# An optimisation or re-plan ends within its time limit; this is only how long a
# broken progress page may keep a test waiting.
SOLVE_WAIT_MS = 120_000
ROUND = "2027-H1"  # the demo's round that collects preferences


def flash(page: Any) -> str:
    """The texts of the messages at the top of the page."""
    return " ".join(page.locator("main .utrecht-alert").all_inner_texts())


def at_both_widths(page: Any, name: str, prefix: str = "scenario") -> None:
    """Screenshots at desk and phone width, axe-core, no sideways scrolling."""
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_load_state()
        screenshot(page, f"{prefix}-{name}-{width_name}")
        assert_accessible(page)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 1, (name, width_name, overflow)
    page.set_viewport_size({"width": WIDTHS["bureau"], "height": 900})
