"""Swaps through the pages, with e-mail through a real SMTP server (aiosmtpd on
loopback): a medewerker proposes on their own page, the colleague gets a mail,
opens the link and accepts (the checker judges at once) or declines, the
proposer hears the answer, and the secretaris publishes the accepted swap like a
scenario: new werkplan versions for the two, akkoord asked again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ommen_rollen.domain import RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    AuditEntry,
    Competence,
    EmployeeCompetence,
    PlanningRound,
    Scenario,
    ScenarioStatus,
    WorkPlanStatus,
)
from ommen_rollen.services import audit_log
from tests.web.conftest import (
    APRIL,
    Org,
    alerts,
    links,
    path_of,
    plan_of,
    roles_of,
    snapshot,
    splittable,
    with_emails,
)
from tests.web.smtp_server import SmtpServer


def propose_form(org: Org, **fields: str) -> dict[str, str]:
    return {
        "colleague_id": str(org.employees["anouk"].id),
        "role_id": str(org.roles["r01"].id),
        "hours": "",
        "give_role_id": "",
        "valid_from": APRIL.isoformat(),
    } | fields


def the_swap() -> Scenario:
    db.session.expire_all()
    return db.session.scalars(select(Scenario)).one()


def test_a_takeover_proposed_mailed_accepted_and_published(
    org: Org,
    approved: PlanningRound,
    auth: Any,
    client: Any,
    smtp: SmtpServer,
) -> None:
    splittable(org)
    with_emails(org, "anouk", "bram")
    auth.login("bram")
    page = client.get("/mijn/ruilen/").get_data(as_text=True)
    assert "Ruil voorstellen" in page and "Regie ICT (Anouk de Vries)" in page
    response = client.post("/mijn/ruilen/", data=propose_form(org, hours="7,2"))
    swap = the_swap()
    assert response.location.endswith(f"/mijn/ruilen/{swap.id}")
    assert swap.status == ScenarioStatus.PROPOSED
    assert swap.name == "Ruil: Bram Jansen neemt Regie ICT over van Anouk de Vries"

    (message,) = smtp.wait_for(1)
    assert message.recipients == ["anouk@ommen.nl"]
    assert str(message.message["Subject"]) == "Bram Jansen stelt een ruil voor"
    text = message.part("plain")
    assert "vanaf 1 april 2027" in text
    (url,) = [u for u in links(text) if "/mijn/ruilen/" in u]
    auth.logout()

    auth.login("anouk")
    page = client.get(path_of(url)).get_data(as_text=True)
    assert "Bram Jansen" in page and "Regie ICT (7,2 uur)" in page
    assert "Ruil aannemen" in page and "Ruil afwijzen" in page
    done = client.post(f"/mijn/ruilen/{swap.id}/aannemen", follow_redirects=True)
    assert "U hebt de ruil aangenomen" in alerts(done.get_data(as_text=True))
    assert the_swap().status == ScenarioStatus.SOLVED
    received = smtp.wait_for(2)
    answer = next(r for r in received if r.recipients == ["bram@ommen.nl"])
    assert str(answer.message["Subject"]) == "Anouk de Vries heeft uw ruil aangenomen"
    auth.logout()

    auth.login("secretaris")
    side = client.get(f"/planning/rondes/{approved.id}/scenarios").get_data(
        as_text=True
    )
    assert "aangenomen, wacht op uw goedkeuring" in side
    detail = client.get(f"/planning/scenarios/{swap.id}").get_data(as_text=True)
    assert "aangenomen door de collega, wacht op uw goedkeuring" in detail
    assert "Wijziging toevoegen" not in detail and "Doorrekenen" not in detail
    confirm = client.get(f"/planning/scenarios/{swap.id}/doorvoeren")
    assert "Ja, doorvoeren vanaf" in confirm.get_data(as_text=True)
    client.post(f"/planning/scenarios/{swap.id}/doorvoeren")
    assert the_swap().status == ScenarioStatus.PUBLISHED
    assert approved.status == RoundStatus.PROPOSED
    bram, anouk = plan_of(org, "bram"), plan_of(org, "anouk")
    assert ("r01", "holder", 2_000) in roles_of(bram)
    assert ("r01", "holder", 3_000) in roles_of(anouk)
    assert bram.valid_from == APRIL and bram.status == WorkPlanStatus.PROPOSED
    assert plan_of(org, "carla").status == WorkPlanStatus.APPROVED  # not affected
    entries = list(db.session.scalars(select(AuditEntry)))
    names = audit_log.load_names(entries)
    sentences = [audit_log.sentence(e, names) for e in entries]
    assert any("heeft een ruil voorgesteld" in s for s in sentences)
    assert any("heeft de ruil geaccepteerd" in s for s in sentences)
    assert any("heeft scenario 'Ruil: Bram" in s for s in sentences)


def test_a_declined_swap_is_told_and_cannot_be_published(
    org: Org,
    approved: PlanningRound,
    auth: Any,
    client: Any,
    smtp: SmtpServer,
) -> None:
    with_emails(org, "anouk", "bram")
    auth.login("bram")
    # swap roles: Bram takes Anouk's r01 and gives her his r02
    client.post(
        "/mijn/ruilen/",
        data=propose_form(org, give_role_id=str(org.roles["r02"].id)),
    )
    swap = the_swap()
    assert swap.name == "Ruil: Bram Jansen en Anouk de Vries ruilen Regie ICT en " + (
        "Regie financiën"
    )
    smtp.wait_for(1)
    # the proposer cannot answer for the colleague
    refused = client.post(f"/mijn/ruilen/{swap.id}/aannemen", follow_redirects=True)
    assert "niet aan u voorgesteld" in alerts(refused.get_data(as_text=True))
    auth.logout()
    auth.login("anouk")
    client.post(f"/mijn/ruilen/{swap.id}/afwijzen")
    assert the_swap().status == ScenarioStatus.DECLINED
    answer = [r for r in smtp.wait_for(2) if r.recipients == ["bram@ommen.nl"]]
    assert str(answer[0].message["Subject"]) == "Anouk de Vries heeft uw ruil afgewezen"
    auth.logout()
    auth.login("secretaris")
    page = client.get(f"/planning/scenarios/{swap.id}/doorvoeren").get_data(
        as_text=True
    )
    assert "De collega heeft deze ruil afgewezen." in page
    client.post(f"/planning/scenarios/{swap.id}/doorvoeren")
    assert the_swap().status == ScenarioStatus.DECLINED
    assert approved.status == RoundStatus.APPROVED


def test_accepting_is_refused_with_the_reason_when_the_checker_refuses_now(
    org: Org, approved: PlanningRound, auth: Any, client: Any
) -> None:
    splittable(org)
    auth.login("bram")
    client.post("/mijn/ruilen/", data=propose_form(org))  # all of r01
    swap = the_swap()
    auth.logout()
    # meanwhile Bram's competence is gone: he may no longer hold r01
    regie = db.session.scalars(select(Competence)).one()
    db.session.execute(
        EmployeeCompetence.__table__.delete().where(  # type: ignore[attr-defined]
            EmployeeCompetence.employee_id == org.employees["bram"].id,
            EmployeeCompetence.competence_id == regie.id,
        )
    )
    db.session.commit()
    auth.login("anouk")
    page = client.post(
        f"/mijn/ruilen/{swap.id}/aannemen", follow_redirects=True
    ).get_data(as_text=True)
    assert "Deze ruil kan niet (meer)" in alerts(page)
    assert "Bram Jansen" in alerts(page) and "Regie ICT" in alerts(page)
    assert the_swap().status == ScenarioStatus.PROPOSED


def test_bad_proposals_get_a_dutch_error_and_store_nothing(
    org: Org, approved: PlanningRound, auth: Any, client: Any
) -> None:
    auth.login("bram")
    before = snapshot()
    cases = {
        "Uren: ": propose_form(org, hours="veel"),
        "Kies een collega.": propose_form(org, colleague_id=""),
        "niet met uzelf": propose_form(org, colleague_id=str(org.employees["bram"].id)),
        "geen rolhouder van Regie ICT": propose_form(
            org, colleague_id=str(org.employees["carla"].id)
        ),
        "geldige datum": propose_form(org, valid_from="31-02-2027"),
        "in de periode van de planronde": propose_form(org, valid_from="2030-01-01"),
        # all of r01 to Bram, but r01 may not be split: 7,2 of 18 hours is refused
        "harde regel": propose_form(org, hours="7,2"),
    }
    for expected, form in cases.items():
        page = client.post("/mijn/ruilen/", data=form, follow_redirects=True)
        assert expected in alerts(page.get_data(as_text=True)), expected
    too_many = propose_form(org, hours="40")
    page = client.post("/mijn/ruilen/", data=too_many, follow_redirects=True)
    assert "hoogstens de 18 uur die Anouk de Vries van Regie ICT heeft" in alerts(
        page.get_data(as_text=True)
    )
    assert snapshot() == before


def test_only_the_two_colleagues_see_a_swap(
    org: Org, approved: PlanningRound, auth: Any, client: Any
) -> None:
    splittable(org)
    auth.login("bram")
    client.post("/mijn/ruilen/", data=propose_form(org, hours="3,6"))
    swap = the_swap()
    assert client.get(f"/mijn/ruilen/{swap.id}").status_code == 200
    auth.logout()
    auth.login("carla")
    assert client.get(f"/mijn/ruilen/{swap.id}").status_code == 404
    assert client.post(f"/mijn/ruilen/{swap.id}/aannemen").status_code == 404
    assert "Bram Jansen neemt" not in client.get("/mijn/ruilen/").get_data(as_text=True)
    auth.logout()
    auth.login("secretaris")
    assert client.get("/mijn/ruilen/").status_code == 403  # no medewerker
    assert the_swap().status == ScenarioStatus.PROPOSED


def test_without_an_approved_round_there_is_nothing_to_swap(
    org: Org, auth: Any, client: Any
) -> None:
    auth.login("bram")
    page = client.get("/mijn/ruilen/").get_data(as_text=True)
    assert "Er is geen goedgekeurde planronde om in te ruilen." in page
    refused = client.post("/mijn/ruilen/", data=propose_form(org))
    assert refused.status_code == 302
    assert db.session.scalars(select(Scenario)).all() == []
