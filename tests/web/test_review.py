"""The whole round as its users meet it: preferences, close, optimise, review, pin
and re-optimise, compare, approve, and the medewerker reads the approved werkplan."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ommen_rollen.domain import RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry, Pin, Proposal, WorkPlan
from tests.web.conftest import (
    Org,
    form_for,
    open_round_for,
    run_optimiser,
    two_proposals,
)


def holders(proposal: Proposal) -> set[tuple[str, str]]:
    assert proposal.plan is not None
    return {
        (a["employee"], a["role"])
        for a in proposal.plan["assignments"]
        if a["kind"] == "holder"
    }


def test_a_round_from_preferences_to_the_approved_werkplan(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    # The medewerker gives preferences.
    auth.login("bram")
    client.post(
        "/mijn/voorkeuren",
        data=form_for(
            org, {"r02": ("want", "Financiën ligt me"), "r01": ("avoid", "")}
        ),
    )
    auth.logout()

    # The secretaris closes the round and optimises; progress page, then a proposal.
    auth.login("secretaris")
    client.post(f"/planning/rondes/{round_.id}/sluiten", data={"bevestigd": "1"})
    job = run_optimiser(client, f"/planning/rondes/{round_.id}/optimaliseren")
    first = db.session.get(Proposal, job.proposal_id)
    assert first is not None
    bram = f"m{org.employees['bram'].id}"
    assert (bram, "r02") in holders(first)

    # Review: matrix, load bars, shortfalls, vulnerability, wishes.
    page = client.get(f"/planning/voorstellen/{first.id}").get_data(as_text=True)
    assert "Dekking: rollen × medewerkers" in page
    assert "<meter" in page
    assert "Kwetsbaarheid" in page
    assert "Wensen ingewilligd" in page and "1 van 1" in page
    assert "Regie en Coördinatie: 1 van 1 ingewilligd" in page

    # Adjust: pin Dirk on r01 and re-optimise around it, close to proposal 1.
    dirk = org.employees["dirk"]
    response = client.post(
        f"/planning/rondes/{round_.id}/vastzetten",
        data={
            "pin_kind": "pin",
            "employee_id": str(dirk.id),
            "role_id": str(org.roles["r01"].id),
            "kind": "holder",
            "fte": "0,5",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "De keuze is vastgelegd" in page
    pin = db.session.scalar(select(Pin))
    assert pin is not None and pin.fte_units == 5_000
    if (f"m{dirk.id}", "r01") not in holders(first):
        assert "Let op:" in page  # the current plan does not keep the new pin
    job = run_optimiser(client, f"/planning/voorstellen/{first.id}/heroptimaliseren")
    second = db.session.get(Proposal, job.proposal_id)
    assert second is not None and second.number == 2
    assert (f"m{dirk.id}", "r01") in holders(second)
    assert second.settings["continuity_proposal_id"] == first.id
    compare = client.get(f"/planning/rondes/{round_.id}/vergelijken?a=1&b=2").get_data(
        as_text=True
    )
    assert "Van voorstel 1 naar voorstel 2" in compare
    if (f"m{dirk.id}", "r01") not in holders(first):
        assert "Dirk Mulder" in compare

    # Publish, the medewerker agrees, the secretaris approves all.
    client.post(f"/planning/rondes/{round_.id}/voorleggen")
    auth.logout()
    auth.login("bram")
    plan_page = client.get("/mijn/werkplan", follow_redirects=True)
    text = plan_page.get_data(as_text=True)
    assert "Mijn werkplan 2027-H1 (voorstel)" in text
    assert "Regie financiën" in text
    plan = db.session.scalar(
        select(WorkPlan).where(
            WorkPlan.employee_id == org.employees["bram"].id,
            WorkPlan.current.is_(True),
        )
    )
    assert plan is not None
    client.post(f"/mijn/werkplannen/{plan.id}/akkoord")
    db.session.refresh(plan)
    assert plan.status.value == "agreed"
    auth.logout()
    auth.login("secretaris")
    # Bram has akkoord; the others are approved by explicit choice, with a reason.
    client.post(
        f"/planning/rondes/{round_.id}/goedkeuren",
        data={"alle": "1", "reden": "Besproken in het MT."},
    )
    db.session.expire_all()
    assert db.session.get(type(round_), round_.id).status == RoundStatus.APPROVED
    auth.logout()

    # The medewerker sees the approved werkplan on the home page.
    auth.login("bram")
    home = client.get("/").get_data(as_text=True)
    assert "Goedgekeurd werkplan 2027-H1" in home
    assert "Regie financiën – rolhouder" in home
    detail = client.get(f"/mijn/werkplannen/{plan.id}").get_data(as_text=True)
    assert "goedgekeurd" in detail and "Akkoord</button>" not in detail

    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {
        "preferences_saved",
        "round_closed",
        "solve_started",
        "proposal_stored",
        "pin_added",
        "round_published",
        "werkplan_agreed",
        "werkplan_approved",
        "werkplan_approved_without_consent",
        "round_approved",
    } <= actions


def test_the_audit_log_lists_who_did_what(org: Org, auth: Any, client: Any) -> None:
    round_ = open_round_for(org)
    auth.login("secretaris")
    client.post(f"/planning/rondes/{round_.id}/sluiten", data={"bevestigd": "1"})
    page = client.get("/planning/logboek").get_data(as_text=True)
    assert (
        "Secretaris heeft ronde 2027-H1 gesloten voor voorkeuren "
        "(4 medewerkers zonder voorkeuren)." in page
    )
    assert "round_closed" not in page
    filtered = client.get("/planning/logboek?soort=aanmelden").get_data(as_text=True)
    assert "Secretaris heeft zich aangemeld vanaf 127.0.0.1." in filtered
    assert "gesloten voor voorkeuren" not in filtered
    auth.logout()
    auth.login("anouk")
    assert client.get("/planning/logboek").status_code == 403


def test_comparing_two_proposals_shows_who_gains_and_loses_which_role(
    org: Org, auth: Any, client: Any
) -> None:
    round_, _first, _second = two_proposals(org)
    auth.login("secretaris")
    page = client.get(f"/planning/rondes/{round_.id}/vergelijken?a=1&b=2").get_data(
        as_text=True
    )
    rows = {
        row.split("</th>")[0].rsplit(">", 1)[-1]: row
        for row in page.split('<tr class="utrecht-table__row">')[1:]
    }
    # names and hours per week, not codes and fte (0,5 fte is 18 of 36 hours)
    assert 'data-label="Verliest">r01 Regie ICT (18 uur)</td>' in rows["Anouk de Vries"]
    assert 'data-label="Krijgt">r01 Regie ICT (18 uur)</td>' in rows["Bram Jansen"]
    assert (
        'data-label="Krijgt">r03 Beleid economie (3,6 uur)</td>' in rows["Carla Smit"]
    )
    assert "r03 Beleid economie: 10,8 → 7,2 uur" in rows["Dirk Mulder"]
    # the key figures side by side: both proposals leave r02's 0,4 fte uncovered
    figures = rows["Niet gedekt"]
    assert figures.count(">0,4 fte</td>") == 2, figures
    assert "Wensen ingewilligd" in rows
    assert "r03 Beleid economie: 10,8 → 7,2 uur" in rows["Dirk Mulder"]


def test_the_review_shows_shortfalls_with_reasons_and_vulnerability(
    org: Org, auth: Any, client: Any
) -> None:
    _round, first, _second = two_proposals(org)
    auth.login("secretaris")
    page = client.get(f"/planning/voorstellen/{first.id}").get_data(as_text=True)
    assert "r02 – Regie financiën: 0,4 fte. Niemand met rompfunctie B vrij." in page
    assert "r01 – Regie ICT: 1 ontbreekt. Geen bekwame vervanger over." in page
    # single points of failure first: r01 has one holder and no vervanger
    assert "Rollen zonder vervanger</strong> (1): r01 – Regie ICT" in page
    assert "in aanmerking komt</strong> (1): r02 – Regie financiën" in page
    anouk = f"/planning/medewerkers/{org.employees['anouk'].id}"
    assert (
        f'Grootste risico: bij afwezigheid van <a class="utrecht-link" '
        f'href="{anouk}">Anouk de Vries</a>: 18 uur blijft liggen; collega&#39;s laten '
        "3,6 uur eigen werk liggen." in page
    )
    assert "Dirk Mulder laat r03 – Beleid economie liggen: 3,6 uur" in page
    # the heat map: Anouk holds r01 without a vervanger
    assert 'title="r01 – Regie ICT: rolhouder zonder vervanger">H!</td>' in page
    assert (
        "(niet door het rekenen): 0,4 fte (14,4 uur) niet gedekt en 1 ontbrekende "
        "vervanger." in page
    )
    assert "Daarna resteert 1 ontbrekende vervanger." in page
    assert "(0,4 fte in totaal)" in page  # the formation total, from units
    assert "<dt>Gedekt</dt><dd>0,8 fte; niet gedekt 0,4 fte</dd>" in page
    assert "1 Regisseur/adviseur (B), financiën niveau 2, 0,4 fte dekt 0,4 fte" in page
    assert "H 0,5" in page  # the coverage matrix cell
    assert 'value="5000" high="10000"' in page  # Anouk's load bar


def test_the_spil_reads_a_proposal_but_cannot_choose_it(
    org: Org, auth: Any, client: Any, make_user: Any
) -> None:
    from ommen_rollen.domain import UserRole

    _round, first, _second = two_proposals(org)
    make_user("spil", UserRole.COORDINATOR, cluster_id=org.roles["r01"].cluster_id)
    auth.login("spil")
    page = client.get(f"/planning/voorstellen/{first.id}")
    assert page.status_code == 200
    assert "Dit voorstel gebruiken" not in page.get_data(as_text=True)
    assert client.post(f"/planning/voorstellen/{first.id}/kiezen").status_code == 403


def test_the_spil_reads_the_review_of_their_own_cluster(
    org: Org, auth: Any, client: Any, make_user: Any
) -> None:
    from ommen_rollen.domain import UserRole

    _round, first, _second = two_proposals(org)
    beleid = org.roles["r03"].cluster_id
    make_user("spil", UserRole.COORDINATOR, cluster_id=beleid)
    auth.login("spil")
    page = client.get(f"/planning/voorstellen/{first.id}").get_data(as_text=True)
    assert "U ziet cluster Beleid en Ontwikkeling." in page
    assert "Beleid economie" in page and "Regie ICT" not in page
    auth.logout()
    auth.login("secretaris")
    page = client.get(
        f"/planning/voorstellen/{first.id}?cluster=Regie+en+Coördinatie"
    ).get_data(as_text=True)
    assert "Regie ICT" in page and "Beleid economie" not in page


def test_the_spil_compares_and_lists_werkplannen_of_their_own_cluster_only(
    org: Org, auth: Any, client: Any, make_user: Any
) -> None:
    from ommen_rollen.domain import UserRole

    round_, _first, _second = two_proposals(org)
    make_user("spil", UserRole.COORDINATOR, cluster_id=org.roles["r03"].cluster_id)
    auth.login("spil")
    page = client.get(f"/planning/rondes/{round_.id}/vergelijken?a=1&b=2").get_data(
        as_text=True
    )
    assert "Carla Smit" in page and "r03 Beleid economie: 10,8 → 7,2 uur" in page
    assert "Anouk de Vries" not in page and "Bram Jansen" not in page
    plans = client.get(f"/planning/rondes/{round_.id}/werkplannen").get_data(
        as_text=True
    )
    assert "Dirk Mulder" in plans
    assert "Anouk de Vries" not in plans and "Bram Jansen" not in plans
    assert client.get(f"/planning/rondes/{round_.id}/aanpassen").status_code == 403


def test_a_spil_without_a_cluster_reads_no_review(
    org: Org, auth: Any, client: Any, make_user: Any
) -> None:
    from ommen_rollen.domain import UserRole

    round_, first, _second = two_proposals(org)
    make_user("spil", UserRole.COORDINATOR)
    auth.login("spil")
    assert client.get(f"/planning/voorstellen/{first.id}").status_code == 403
    assert client.get(f"/planning/rondes/{round_.id}/werkplannen").status_code == 403


def test_the_api_reads_a_proposal_and_its_vulnerability_from_the_typed_plan(
    org: Org, client: Any
) -> None:
    from datetime import timedelta

    from ommen_rollen.services import api_tokens

    _round, first, _second = two_proposals(org)
    _token, secret = api_tokens.create_token(
        "lezen", ["read"], api_tokens.today() + timedelta(days=1), org.secretary
    )
    bearer = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/rounds/{first.round_id}/proposals/{first.number}"
    proposal = client.get(url, headers=bearer).get_json()
    assert proposal["uncovered_fte"] == "0.4000"
    assert proposal["missing_backups"] is None  # the hand-made plan has no count
    found = client.get(url + "/vulnerability", headers=bearer).get_json()
    anouk = org.employees["anouk"].username
    # only absences that leave work behind, with the worst one and its roles
    assert found == {
        "proposal": first.number,
        "single_eligible_roles": ["r02"],
        "absence": [{"employee": anouk, "uncovered_fte": "0.5000", "roles": ["r01"]}],
        "worst": {"employee": anouk, "uncovered_fte": "0.5000", "roles": ["r01"]},
    }
