"""The secretaris's page per medewerker: werkplan, wishes and how each was answered,
load in hours against the contract, history over the rounds; linked from the
werkplannen list and the review."""

from __future__ import annotations

import re
from typing import Any

from ommen_rollen.extensions import db
from ommen_rollen.models import Proposal
from tests.web.conftest import Org, form_for, open_round_for, run_optimiser


def planned(org: Org, auth: Any, client: Any) -> tuple[Any, Proposal]:
    round_ = open_round_for(org)
    auth.login("bram")
    client.post(
        "/mijn/voorkeuren",
        data=form_for(
            org, {"r02": ("want", "Financiën ligt me"), "r03": ("avoid", "")}
        ),
    )
    auth.logout()
    auth.login("secretaris")
    client.post(f"/planning/rondes/{round_.id}/sluiten", data={"bevestigd": "1"})
    job = run_optimiser(client, f"/planning/rondes/{round_.id}/optimaliseren")
    proposal = db.session.get(Proposal, job.proposal_id)
    assert proposal is not None
    client.post(f"/planning/voorstellen/{proposal.id}/kiezen")
    return round_, proposal


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_secretaris_reads_a_medewerkers_werkplan_wishes_load_and_history(
    org: Org, auth: Any, client: Any
) -> None:
    round_, proposal = planned(org, auth, client)
    bram = org.employees["bram"]
    listing = client.get(f"/planning/rondes/{round_.id}/werkplannen").get_data(
        as_text=True
    )
    assert f'href="/planning/medewerkers/{bram.id}">Bram Jansen</a>' in listing
    review = client.get(f"/planning/voorstellen/{proposal.id}").get_data(as_text=True)
    assert f'href="/planning/medewerkers/{bram.id}">Bram Jansen</a>' in review

    response = client.get(f"/planning/medewerkers/{bram.id}")
    assert response.status_code == 200
    page = text(response.get_data(as_text=True))
    assert f"Bram Jansen – planronde {round_.label}" in page
    assert "Wensen en hoe ze zijn beantwoord" in page
    assert "graag (Financiën ligt me)" in page
    assert re.search(
        r"r02 – Regie financiën graag \(Financiën ligt me\) "
        r"(ingewilligd|niet ingewilligd)",
        page,
    )
    assert re.search(
        r"r03 – Beleid economie liever niet (gerespecteerd|toch toegewezen)", page
    )
    assert "Belasting" in page and " uur)" in page
    history = page.split("Geschiedenis over de planrondes", 1)[1]
    assert re.search(rf"{round_.label} \S+ \(versie 1\) [\d,]+ van [\d,]+ ", history)


def test_under_planning_is_flagged_in_hours(org: Org, auth: Any, client: Any) -> None:
    from ommen_rollen.domain import AssignmentKind, format_hours
    from ommen_rollen.services.review import current_plan_list

    round_, _ = planned(org, auth, client)
    plans = current_plan_list(round_.id)
    under = 0
    for plan in plans:
        load = sum(
            a.fte_units for a in plan.assignments if a.kind != AssignmentKind.BACKUP
        )
        contract = plan.employee.contract_units
        page = text(
            client.get(f"/planning/medewerkers/{plan.employee_id}").get_data(
                as_text=True
            )
        )
        if load < contract:
            under += 1
            gap = format_hours(contract - load)
            assert f"onderbenut: {gap} uur niet ingepland" in page
        else:
            assert "onderbenut" not in page
        assert f"{format_hours(load)} van {format_hours(contract)} uur" in page, (
            plan.employee.name
        )
    assert under >= 1  # the small test organisation has more hours than work


def test_an_unknown_medewerker_is_404_and_a_medewerker_has_no_access(
    org: Org, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    assert client.get("/planning/medewerkers/999999").status_code == 404
    auth.logout()
    auth.login("bram")
    bram = org.employees["bram"]
    assert client.get(f"/planning/medewerkers/{bram.id}").status_code == 403
