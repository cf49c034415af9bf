"""The planning round end to end in a real browser, through the UI only.

A medewerker gives preferences in the open round 2027-H1; the secretaris closes the
round (confirming it, three weeks before the deadline and with medewerkers who gave
no preferences), optimises (the solver really runs, in the app's background
thread), tries a move that breaks a hard rule (refused, nothing changes), pins a
backup for that medewerker, optimises again around the pin, puts the proposal to
the medewerkers; the medewerker agrees; the secretaris approves: the confirmation
page lists who has akkoord and who not, and approving the others takes a typed
reason; the medewerker downloads the approved werkplan as PDF. Every page visited
is screenshotted (numbered) and the main pages are checked with axe-core.

The journey gets its own demo organisation: it closes and approves the round, which
the other browser tests expect open.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import (
    ROUND,
    SOLVE_WAIT_MS,
    LiveServer,
    assert_accessible,
    demo_server,
    flash,
    login,
    open_page,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMPLOYEE = "anouk.devries"
EMPLOYEE_NAME = "Anouk de Vries"
# The demo's Gemeentesecretaris (rompfunctie E) and a Beheerder (C, 22 hours) who
# may not hold it: moving the role to her breaks hard rules.
TOP_ROLE = "r01 – Gemeentesecretaris"
NOT_ELIGIBLE = "Kim Dijkstra"
# Roles of 0,6 fte Anouk may back up (her competences fit); the pin takes the first
# one the first proposal does not already give her (r04 she would rather not do:
# a soft rule, last).
BACKUP_CANDIDATES = ("r03", "r05", "r06", "r04")


@pytest.fixture(scope="module")
def journey_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("journey")) as server:
        yield server


class Journey:
    """Numbered screenshots of every page visited, and the accessibility check."""

    def __init__(self) -> None:
        self.step = 0

    def shot(self, page: Any, name: str) -> Path:
        self.step += 1
        return screenshot(page, f"journey-{self.step:02d}-{name}")

    def visit(self, page: Any, name: str) -> None:
        """A main page: screenshot, then no serious/critical axe violations."""
        page.wait_for_load_state()
        self.shot(page, name)
        assert_accessible(page)


def choice_group(page: Any, code: str) -> Any:
    return page.get_by_role("group", name=f"Mijn keuze voor {code}")


def wait_for_job(page: Any, journey: Journey, name: str) -> None:
    """Follow the progress page (it polls itself) until the run has ended."""
    assert "/planning/taken/" in page.url
    journey.shot(page, f"{name}-bezig")
    status = page.locator("#voortgang dl dd").first
    page.wait_for_function(
        """() => {
            const dd = document.querySelector('#voortgang dl dd');
            return dd && !['in de wachtrij', 'bezig'].some(
                s => dd.textContent.trim().startsWith(s));
        }""",
        timeout=SOLVE_WAIT_MS,
    )
    assert status.inner_text().strip() == "klaar", page.locator(
        "#voortgang"
    ).inner_text()
    assert page.locator("#voortgang [role=alert]").count() == 0
    journey.visit(page, f"{name}-klaar")


def plan_line(page: Any, name: str) -> str:
    """One employee's line under 'Huidige werkplannen' on the adjust page."""
    line = page.locator("main li", has_text=re.compile(rf"^{re.escape(name)} \(versie"))
    assert line.count() == 1
    return str(line.inner_text())


def test_a_round_from_preferences_to_the_approved_werkplan_pdf(
    browser: Any, journey_server: LiveServer
) -> None:
    journey = Journey()
    with (
        open_page(browser, journey_server.url) as employee,
        open_page(browser, journey_server.url) as secretary,
    ):
        employee_gives_preferences(employee, journey)
        pinned = secretary_optimises_pins_and_publishes(secretary, journey)
        employee_agrees(employee, journey, pinned)
        secretary_approves(secretary, journey)
        employee_downloads_the_werkplan(employee, journey)


def employee_gives_preferences(page: Any, journey: Journey) -> None:
    login(page, EMPLOYEE)
    journey.visit(page, "medewerker-mijn-pagina")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Voorkeuren"
    ).click()
    page.wait_for_url("**/mijn/voorkeuren")
    assert ROUND in page.get_by_role("main").inner_text()
    journey.visit(page, "voorkeuren")

    wanted = {
        "r01": ("wil ik leren", "Ik leer dit graag van de huidige rolhouder."),
        "r05": ("graag", "Past bij mijn ervaring met de raad."),
        "r04": ("liever niet", "Dit heb ik lang genoeg gedaan."),
    }
    for code, (label, comment) in wanted.items():
        choice_group(page, code).get_by_label(label, exact=True).check()
        page.get_by_label(f"Opmerking bij {code}", exact=True).fill(comment)
    # The choices are saved as they change (htmx) ...
    page.locator("#opslaan-status").get_by_text("Opgeslagen").wait_for()
    # ... and with the button, as without JavaScript.
    page.get_by_role("button", name="Voorkeuren opslaan").click()
    page.wait_for_load_state()
    assert "Uw voorkeuren zijn opgeslagen" in flash(page)
    journey.shot(page, "voorkeuren-opgeslagen")

    page.reload()
    for code, (label, comment) in wanted.items():
        assert choice_group(page, code).get_by_label(label, exact=True).is_checked()
        field = page.get_by_label(f"Opmerking bij {code}", exact=True)
        assert field.input_value() == comment
    journey.shot(page, "voorkeuren-na-herladen")


def secretary_optimises_pins_and_publishes(page: Any, journey: Journey) -> str:
    """Returns the code of the role pinned as Anouk's backup."""
    login(page, "secretaris")
    page.wait_for_url(re.compile(r".*/$"))
    journey.visit(page, "overzicht")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Beheer"
    ).click()
    page.wait_for_url("**/beheer/")
    journey.visit(page, "beheer")
    subnav = page.get_by_role("navigation", name="Beheer")
    for section in ("Medewerkers", "Rollen", "Competenties", "Clusters", "Partners"):
        subnav.get_by_role("link", name=section, exact=True).click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text().strip()
        journey.visit(page, f"beheer-{section.lower()}")

    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Planning").click()
    journey.visit(page, "planrondes")
    page.get_by_role("link", name=ROUND, exact=True).click()
    page.wait_for_url("**/planning/rondes/*")
    journey.visit(page, "planronde-open")

    # Before the deadline, with medewerkers without preferences: confirm first.
    page.get_by_role("button", name="Ronde sluiten voor voorkeuren").click()
    page.wait_for_url("**/sluiten")
    main = page.get_by_role("main").inner_text()
    assert re.search(r"nog \d+ dagen", main), main
    assert re.search(r"\d+ van de \d+ medewerkers hebben nog geen voorkeuren", main)
    journey.visit(page, "planronde-sluiten-bevestigen")
    page.get_by_role("button", name="Toch sluiten voor voorkeuren").click()
    page.wait_for_load_state()
    assert "De planronde is gesloten voor voorkeuren." in flash(page)
    journey.visit(page, "planronde-gesloten")

    page.get_by_label("Notitie bij dit voorstel").fill("Eerste voorstel")
    page.get_by_role("button", name="Optimaliseren", exact=True).click()
    page.wait_for_url("**/planning/taken/*")
    wait_for_job(page, journey, "optimalisatie-1")

    page.get_by_role("link", name="Bekijk het voorstel").click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().startswith("Voorstel ")
    assert ROUND in heading.inner_text()
    assert "Dekking: rollen × medewerkers" in page.get_by_role("main").inner_text()
    journey.visit(page, "voorstel-1")
    first_number = int(heading.inner_text().split()[1])

    page.get_by_role("main").get_by_role("link", name="Aanpassen", exact=True).click()
    page.wait_for_url("**/aanpassen")
    journey.visit(page, "aanpassen")
    a_move_that_breaks_a_hard_rule_is_refused(page, journey)
    before = plan_line(page, EMPLOYEE_NAME)
    code = next(c for c in BACKUP_CANDIDATES if not re.search(rf"\b{c}\b", before))

    pin_form = page.locator("form", has=page.get_by_role("button", name="Vastleggen"))
    pin_form.get_by_label("Handeling", exact=True).select_option(
        label="vastzetten (moet)"
    )
    pin_form.get_by_label("Medewerker", exact=True).select_option(label=EMPLOYEE_NAME)
    role_label = pin_form.get_by_label("Rol", exact=True).locator(
        "option", has_text=f"{code} –"
    )
    pin_form.get_by_label("Rol", exact=True).select_option(
        role_label.get_attribute("value")
    )
    pin_form.get_by_label("Soort", exact=True).select_option(label="vervanger")
    pin_form.get_by_role("button", name="Vastleggen").click()
    page.wait_for_load_state()
    assert "De keuze is vastgelegd voor de volgende optimalisatie." in flash(page)
    pins = page.locator("main li", has_text="Vast:")
    assert pins.count() == 1
    assert f"{EMPLOYEE_NAME} – {code}" in pins.inner_text()
    assert "als vervanger" in pins.inner_text()
    journey.visit(page, "aanpassen-vastgezet")

    page.get_by_label("Notitie bij dit voorstel").fill("Met vastgezette vervanger")
    page.get_by_role("button", name="Opnieuw optimaliseren").click()
    page.wait_for_url("**/planning/taken/*")
    wait_for_job(page, journey, "optimalisatie-2")
    page.get_by_role("link", name="Bekijk het voorstel").click()
    heading = page.get_by_role("heading", level=1)
    assert int(heading.inner_text().split()[1]) == first_number + 1
    journey.visit(page, "voorstel-2")

    # The new proposal's werkplannen are the current ones, and they keep the pin.
    page.get_by_role("main").get_by_role("link", name="Aanpassen", exact=True).click()
    page.wait_for_url("**/aanpassen")
    after = plan_line(page, EMPLOYEE_NAME)
    assert f"{code} vervanger" in after, after
    assert "voldoen aan alle harde regels" in page.get_by_role("main").inner_text()
    journey.shot(page, "aanpassen-na-heroptimaliseren")

    menu.get_by_role("link", name="Planning").click()
    page.get_by_role("link", name=ROUND, exact=True).click()
    page.get_by_role("link", name="Voorstellen vergelijken").click()
    page.wait_for_url("**/vergelijken")
    journey.visit(page, "vergelijken")

    menu.get_by_role("link", name="Planning").click()
    page.get_by_role("link", name=ROUND, exact=True).click()
    page.get_by_role(
        "button", name="Huidig voorstel voorleggen aan medewerkers"
    ).click()
    page.wait_for_load_state()
    assert "Het voorstel is voorgelegd aan de medewerkers." in flash(page)
    journey.visit(page, "planronde-voorgelegd")
    return code


def a_move_that_breaks_a_hard_rule_is_refused(page: Any, journey: Journey) -> None:
    """Gemeentesecretaris to a Beheerder of 22 hours: refused, nothing changes."""
    holder_line = page.locator("main li", has_text=re.compile(r"(: |, )r01 rolhouder "))
    assert holder_line.count() == 1
    holder = holder_line.inner_text().split(" (versie")[0]
    lines = page.locator("main li", has_text=" (versie ").all_inner_texts()
    move = page.locator("form", has=page.get_by_role("button", name="Verplaatsen"))
    move.get_by_label("Rol", exact=True).select_option(label=TOP_ROLE)
    move.get_by_label("Van medewerker", exact=True).select_option(label=holder)
    move.get_by_label("Naar medewerker", exact=True).select_option(label=NOT_ELIGIBLE)
    move.get_by_role("button", name="Verplaatsen").click()
    page.wait_for_load_state()
    message = flash(page)
    assert "Verplaatsen geweigerd" in message and "niets veranderd" in message
    assert "De rol is verplaatst" not in message
    # the reason in Dutch: the person, the role and each rule, by name
    assert f"medewerker {NOT_ELIGIBLE}, rol Gemeentesecretaris" in message
    assert "rompfunctie C past niet bij de rol" in message
    assert "meer dan de beschikbare 0,6111 fte" in message
    assert not re.search(r"\bm\d+\b|\br01\b", message), message
    assert page.locator("main li", has_text=" (versie ").all_inner_texts() == lines
    journey.visit(page, "aanpassen-verplaatsen-geweigerd")


def employee_agrees(page: Any, journey: Journey, pinned: str) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Mijn werkplan"
    ).click()
    page.wait_for_url("**/mijn/werkplannen/*")
    main = page.get_by_role("main")
    assert f"Mijn werkplan {ROUND} (voorstel)" in main.inner_text()
    backups = main.locator("h2:has-text('Ik ben vervanger voor') + ul")
    assert f"{pinned} –" in backups.inner_text()
    journey.visit(page, "werkplan-voorstel")
    page.get_by_role("button", name="Akkoord").click()
    page.wait_for_load_state()
    assert "U bent akkoord met uw werkplan." in flash(page)
    journey.shot(page, "werkplan-akkoord")


def secretary_approves(page: Any, journey: Journey) -> None:
    page.get_by_role("link", name="Werkplannen en goedkeuring").click()
    page.wait_for_url("**/werkplannen")
    row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=EMPLOYEE_NAME, exact=True)
    )
    assert "akkoord" in row.inner_text()
    journey.visit(page, "goedkeuring")

    # The confirmation page: who has akkoord, who has not, who gave no preferences.
    page.get_by_role("link", name="Werkplannen goedkeuren", exact=True).click()
    page.wait_for_url("**/goedkeuren")
    main = page.get_by_role("main")
    agreed = main.locator("h2:has-text('Met akkoord') + ul")
    assert agreed.inner_text().strip() == EMPLOYEE_NAME
    text = main.inner_text()
    assert re.search(r"Geen voorkeuren opgegeven \(\d+\)", text), text
    assert "is nog niet voorbij" in text  # the preference deadline
    journey.visit(page, "goedkeuren-bevestigen")

    # Approving those without akkoord is a choice with a typed reason.
    everyone = page.get_by_label(re.compile(r"Alle \d+ werkplannen hierboven toch"))
    everyone.check()
    page.get_by_role("button", name="Goedkeuren", exact=True).click()
    page.wait_for_url("**/goedkeuren")
    assert "typ een reden" in flash(page)
    journey.shot(page, "goedkeuren-zonder-reden")
    everyone.check()
    page.get_by_label("Reden om toch goed te keuren").fill(
        "Besproken in het MT; de termijn voor akkoord is verstreken."
    )
    page.get_by_role("button", name="Goedkeuren", exact=True).click()
    page.wait_for_url("**/werkplannen")
    assert re.search(r"\d+ werkplannen goedgekeurd\.", flash(page)), flash(page)
    assert "Status van de ronde: goedgekeurd." in page.get_by_role("main").inner_text()
    assert "goedgekeurd" in row.inner_text()
    assert page.get_by_role("button", name="Goedkeuren", exact=True).count() == 0
    journey.visit(page, "goedgekeurd")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Exporteren"
    ).click()
    journey.visit(page, "exporteren")
    page.get_by_role("link", name=ROUND, exact=True).click()
    assert page.get_by_role("link", name=EMPLOYEE_NAME).count() == 1
    journey.visit(page, "exporteren-ronde")


def employee_downloads_the_werkplan(page: Any, journey: Journey) -> None:
    from pypdf import PdfReader

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Werkplan downloaden"
    ).click()
    page.wait_for_url("**/mijn-werkplannen")
    link = page.get_by_role("link", name=f"Werkplan {ROUND} (PDF)")
    assert "goedgekeurd" in page.locator("main li", has=link).inner_text()
    journey.visit(page, "mijn-werkplannen")
    with page.expect_download() as info:
        link.click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert download.suggested_filename.endswith(".pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert EMPLOYEE_NAME in text
    assert ROUND in text
