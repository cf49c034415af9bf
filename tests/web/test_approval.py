"""Akkoord, comments and approval: only the secretaris approves, a medewerker only
ever reaches their own werkplan, and an approved werkplan changes only as a new
version. Hard rules block, they do not warn: a move or pin that breaks one is
refused on the spot and changes nothing, publishing and approving run the
independent checker, and a re-optimise whose pins contradict stores no proposal
and says in Dutch, with names, what conflicts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from ommen_rollen.domain import AssignmentKind, PlanStatus, RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    AuditEntry,
    Job,
    JobStatus,
    Pin,
    PlanningRound,
    Proposal,
    WorkPlan,
    WorkPlanStatus,
)
from ommen_rollen.services import approval, jobs
from ommen_rollen.services.solver_bridge import (
    build_instance,
    round_instance,
    store_plan,
)
from ommen_rollen.solver import Plan, check_plan, solve_json
from tests.web.conftest import Org, alerts, approve_everything, plan_of, proposed_round


def no_solver_ids(text: str, org: Org) -> None:
    """Messages for the secretaris name people and roles, never instance ids."""
    for employee in org.employees.values():
        assert not re.search(rf"\bm{employee.id}\b", text), text
    assert not re.search(r"\br0\d\b", text), text
    assert "pins[" not in text and " holder" not in text, text


def holders(org: Org, name: str) -> set[str]:
    return {
        a.role.code
        for a in plan_of(org, name).assignments
        if a.kind == AssignmentKind.HOLDER
    }


def count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_mijn_werkplan_shows_roles_backups_load_and_reasons(
    org: Org, auth: Any, client: Any
) -> None:
    proposed_round(org)
    auth.login("anouk")
    page = client.get("/mijn/werkplan", follow_redirects=True).get_data(as_text=True)
    assert "Regie ICT" in page
    assert "0,5 fte (18 uur per week) van een contract van 1,0 fte" in page
    assert "Bram Jansen" in page  # backs up r01
    assert "r02 – Regie financiën (rolhouder: Bram Jansen)" in page
    auth.logout()
    auth.login("carla")
    page = client.get("/mijn/werkplan", follow_redirects=True).get_data(as_text=True)
    assert "Rompfunctie C past niet bij deze rol." in page
    assert "r03 – Beleid economie (rolhouder: Dirk Mulder)" in page


def test_the_werkplan_stays_hidden_until_the_proposal_is_published(
    org: Org, auth: Any, client: Any
) -> None:
    proposed_round(org, publish=False)
    auth.login("anouk")
    page = client.get("/mijn/werkplan").get_data(as_text=True)
    assert "nog geen voorstel voorgelegd" in page
    assert (
        client.get(f"/mijn/werkplannen/{plan_of(org, 'anouk').id}").status_code == 404
    )


def test_a_medewerker_agrees_or_comments_on_their_own_werkplan(
    org: Org, auth: Any, client: Any
) -> None:
    proposed_round(org)
    plan = plan_of(org, "anouk")
    auth.login("anouk")
    client.post(f"/mijn/werkplannen/{plan.id}/akkoord")
    db.session.refresh(plan)
    assert plan.status == WorkPlanStatus.AGREED and plan.agreed_at is not None
    client.post(
        f"/mijn/werkplannen/{plan.id}/opmerking",
        data={"comment": "Liever minder regie"},
    )
    db.session.refresh(plan)
    assert plan.employee_comment == "Liever minder regie"
    assert plan.status == WorkPlanStatus.PROPOSED  # a comment withdraws akkoord
    response = client.post(
        f"/mijn/werkplannen/{plan.id}/opmerking",
        data={"comment": ""},
        follow_redirects=True,
    )
    assert "Schrijf een opmerking." in response.get_data(as_text=True)
    response = client.post(
        f"/mijn/werkplannen/{plan.id}/opmerking",
        data={"comment": "x" * 2001},
        follow_redirects=True,
    )
    assert "hoogstens 2000 tekens" in response.get_data(as_text=True)
    db.session.refresh(plan)
    assert plan.employee_comment == "Liever minder regie"


def test_a_medewerker_cannot_see_or_answer_someone_elses_werkplan(
    org: Org, auth: Any, client: Any
) -> None:
    proposed_round(org)
    other = plan_of(org, "bram")
    auth.login("anouk")
    assert client.get(f"/mijn/werkplannen/{other.id}").status_code == 404
    assert client.post(f"/mijn/werkplannen/{other.id}/akkoord").status_code == 404
    assert (
        client.post(
            f"/mijn/werkplannen/{other.id}/opmerking", data={"comment": "hack"}
        ).status_code
        == 404
    )
    db.session.refresh(other)
    assert other.status == WorkPlanStatus.PROPOSED and other.employee_comment == ""


def test_a_medewerker_cannot_approve(org: Org, auth: Any, client: Any) -> None:
    round_ = proposed_round(org)
    plan = plan_of(org, "anouk")
    auth.login("anouk")
    assert client.post(f"/planning/werkplannen/{plan.id}/goedkeuren").status_code == 403
    assert client.post(f"/planning/rondes/{round_.id}/goedkeuren").status_code == 403
    db.session.refresh(plan)
    assert plan.status == WorkPlanStatus.PROPOSED


def test_approving_one_by_one_approves_the_round_with_the_last(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    auth.login("secretaris")
    names = ["anouk", "bram", "carla", "dirk"]
    for name in names:
        db.session.refresh(round_)
        assert round_.status == RoundStatus.PROPOSED
        client.post(
            f"/planning/werkplannen/{plan_of(org, name).id}/goedkeuren",
            data={"reden": "Mondeling akkoord gegeven."},
        )
    db.session.refresh(round_)
    assert round_.status == RoundStatus.APPROVED
    plan = plan_of(org, "anouk")
    assert plan.approved_by_id == org.secretary.id
    response = client.post(
        f"/planning/werkplannen/{plan.id}/goedkeuren", follow_redirects=True
    )
    assert "al goedgekeurd" in response.get_data(as_text=True)


def test_an_approved_werkplan_is_read_only_for_the_medewerker(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    approve_everything(round_, org)
    plan = plan_of(org, "anouk")
    auth.login("anouk")
    response = client.post(
        f"/mijn/werkplannen/{plan.id}/opmerking",
        data={"comment": "toch anders"},
        follow_redirects=True,
    )
    assert "al goedgekeurd" in response.get_data(as_text=True)
    db.session.refresh(plan)
    assert plan.employee_comment == "" and plan.status == WorkPlanStatus.APPROVED


def test_moving_a_role_of_an_approved_werkplan_makes_a_new_version(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    approve_everything(round_, org)
    approved = plan_of(org, "anouk")
    auth.login("secretaris")
    client.post(
        f"/planning/rondes/{round_.id}/verplaatsen",
        data={
            "role_id": str(org.roles["r01"].id),
            "from_employee_id": str(org.employees["anouk"].id),
            "to_employee_id": str(org.employees["dirk"].id),
        },
    )
    db.session.expire_all()
    assert not approved.current and approved.status == WorkPlanStatus.APPROVED
    assert [a.role.code for a in approved.assignments if a.kind == "holder"] == ["r01"]
    newer = plan_of(org, "anouk")
    assert newer.version == approved.version + 1
    assert newer.status == WorkPlanStatus.PROPOSED
    assert all(a.kind != AssignmentKind.HOLDER for a in newer.assignments)
    dirk = plan_of(org, "dirk")
    assert {a.role.code for a in dirk.assignments if a.kind == "holder"} == {
        "r01",
        "r03",
    }
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.PROPOSED


def test_moving_a_role_to_someone_not_eligible_is_refused_and_changes_nothing(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    before = {name: holders(org, name) for name in org.employees}
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/verplaatsen",
        data={
            "role_id": str(org.roles["r01"].id),
            "from_employee_id": str(org.employees["anouk"].id),
            "to_employee_id": str(org.employees["carla"].id),
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "De rol is verplaatst." not in page and "Let op:" not in page
    message = alerts(page)
    # the reason in Dutch, naming the person, the role and the rule
    assert "Verplaatsen geweigerd" in message and "niets veranderd" in message
    assert "Carla Smit" in message and "Regie ICT" in message
    assert "rompfunctie C past niet bij de rol" in message
    no_solver_ids(message, org)
    db.session.expire_all()
    assert {name: holders(org, name) for name in org.employees} == before
    assert [p.version for p in db.session.scalars(select(WorkPlan))] == [1] * 4
    assert "assignment_moved" not in set(db.session.scalars(select(AuditEntry.action)))
    adjust_page = client.get(f"/planning/rondes/{round_.id}/aanpassen").get_data(
        as_text=True
    )
    assert "voldoen aan alle harde regels" in adjust_page


def test_moving_a_role_beyond_the_contract_is_refused_also_for_an_approved_plan(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    approve_everything(round_, org)
    org.employees["dirk"].contract_units = 6_000  # r03 (0,3) + r01 (0,5) > 0,6
    db.session.commit()
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/verplaatsen",
        data={
            "role_id": str(org.roles["r01"].id),
            "from_employee_id": str(org.employees["anouk"].id),
            "to_employee_id": str(org.employees["dirk"].id),
        },
        follow_redirects=True,
    )
    message = alerts(response.get_data(as_text=True))
    assert "Verplaatsen geweigerd" in message
    assert "medewerker Dirk Mulder: belasting 0,8 fte" in message
    assert "beschikbare 0,6 fte" in message
    no_solver_ids(message, org)
    # no new versions: the approved werkplannen stay as they were
    db.session.expire_all()
    assert all(
        p.version == 1 and p.current for p in db.session.scalars(select(WorkPlan))
    )
    assert {p.status for p in db.session.scalars(select(WorkPlan))} == {
        WorkPlanStatus.APPROVED
    }
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.APPROVED


def pin(
    client: Any, round_: PlanningRound, org: Org, name: str, role: str, **fields: str
) -> str:
    response = client.post(
        f"/planning/rondes/{round_.id}/vastzetten",
        data={
            "pin_kind": fields.get("pin_kind", "pin"),
            "employee_id": str(org.employees[name].id),
            "role_id": str(org.roles[role].id),
            "kind": fields.get("kind", "holder"),
            "fte": fields.get("fte", ""),
        },
        follow_redirects=True,
    )
    return alerts(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("contract", "first", "second", "rule"),
    [
        # eligibility: rompfunctie (Carla is C, r01 is for A and B)
        (None, None, ("carla", "r01", "holder"), "rompfunctie C past niet bij Regie"),
        # contract/capacity: r01 is 0,5 fte, Dirk's contract 0,4
        (4_000, None, ("dirk", "r01", "holder"), "meer dan de beschikbare 0,4 fte"),
        # backup duty cap: backing up 0,5 fte on a 0,4 contract
        (4_000, None, ("dirk", "r01", "backup"), "meer dan de toegestane 0,4 fte"),
        # max holders: r01 cannot be split
        (None, ("anouk", "r01", "holder"), ("bram", "r01", "holder"), "hoogstens 1"),
        # a backup is not the holder of the same role
        (None, ("anouk", "r01", "holder"), ("anouk", "r01", "backup"), "vervanger"),
    ],
    ids=["rompfunctie", "contract", "vervangingslast", "max-rolhouders", "zelfde-rol"],
)
def test_a_pin_that_breaks_a_hard_rule_is_refused_and_stores_nothing(
    org: Org,
    auth: Any,
    client: Any,
    contract: int | None,
    first: tuple[str, str, str] | None,
    second: tuple[str, str, str],
    rule: str,
) -> None:
    round_ = proposed_round(org)
    if contract is not None:
        org.employees["dirk"].contract_units = contract
        db.session.commit()
    auth.login("secretaris")
    if first is not None:
        name, role, kind = first
        assert "De keuze is vastgelegd" in pin(
            client, round_, org, name, role, kind=kind
        )
    pins_before = count(Pin)
    name, role, kind = second
    message = pin(client, round_, org, name, role, kind=kind)
    assert "Vastzetten geweigerd" in message and "niets vastgelegd" in message
    assert "De keuze is vastgelegd" not in message
    assert org.employees[name].name in message and org.roles[role].name in message
    assert rule in message
    no_solver_ids(message, org)
    assert count(Pin) == pins_before


def test_a_pin_below_the_smallest_share_of_a_split_role_is_refused(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    role = org.roles["r03"]
    role.splittable, role.max_holders, role.min_share_units = True, 2, 1_000
    db.session.commit()
    auth.login("secretaris")
    message = pin(client, round_, org, "carla", "r03", fte="0,05")
    assert "Vastzetten geweigerd" in message
    assert "Carla Smit als rolhouder van Beleid economie met 0,05 fte" in message
    assert "kleinste aandeel van 0,1 fte" in message
    no_solver_ids(message, org)
    assert count(Pin) == 0
    assert "De keuze is vastgelegd" in pin(
        client, round_, org, "carla", "r03", fte="0,1"
    )


def test_a_result_without_a_plan_is_not_stored(org: Org) -> None:
    from ommen_rollen.services.base import ServiceError

    round_ = proposed_round(org)
    instance = round_instance(round_.id)
    for plan, reason in (
        (Plan(PlanStatus.UNKNOWN), "rekentijd"),
        (Plan(PlanStatus.INFEASIBLE, errors=["Kan niet."]), "spreken elkaar tegen"),
    ):
        with pytest.raises(ServiceError, match=reason):
            store_plan(round_.id, plan, instance, by=org.secretary)
    assert count(Proposal) == 1
    assert {p.proposal_id for p in db.session.scalars(select(WorkPlan))} == {
        db.session.scalar(select(Proposal.id))
    }


def test_a_pin_or_forbid_against_an_approved_werkplan_is_refused(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    approval.approve_plan(plan_of(org, "anouk").id, org.secretary, reason="MT")
    auth.login("secretaris")
    taken = pin(client, round_, org, "bram", "r01")  # Anouk's approved r01
    assert "Vastzetten geweigerd" in taken
    assert "Anouk de Vries als rolhouder van Regie ICT" in taken
    forbidden = pin(client, round_, org, "anouk", "r01", pin_kind="forbid")
    assert "Verbieden geweigerd" in forbidden and "verboden" in forbidden
    other = pin(client, round_, org, "anouk", "r03")  # not in her approved plan
    assert "goedgekeurd en ligt vast" in other
    share = pin(client, round_, org, "anouk", "r01", fte="0,3")  # she has 0,5
    assert "geen rolhouder van Regie ICT met 0,3 fte" in share
    for message in (taken, forbidden, other, share):
        no_solver_ids(message, org)
    assert count(Pin) == 0
    # the approved werkplan as it is may be pinned (it changes nothing)
    assert "De keuze is vastgelegd" in pin(client, round_, org, "anouk", "r01")


def test_publishing_werkplannen_that_break_a_hard_rule_is_refused(
    org: Org, auth: Any, client: Any
) -> None:
    carla = f"m{org.employees['carla'].id}"
    round_ = proposed_round(
        org,
        publish=False,
        extra=[{"employee": carla, "role": "r02", "kind": "holder", "fte": 0.4}],
    )  # Carla (C) on r02 (B only), and r02 now overfilled
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/voorleggen", follow_redirects=True
    )
    message = alerts(response.get_data(as_text=True))
    assert "Voorleggen geweigerd" in message and "niets voorgelegd" in message
    assert "Carla Smit" in message and "Regie financiën" in message
    assert "rompfunctie C past niet" in message and "overdekt" in message
    no_solver_ids(message, org)
    db.session.expire_all()
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.CLOSED
    auth.logout()
    auth.login("carla")
    page = client.get("/mijn/werkplan", follow_redirects=True).get_data(as_text=True)
    assert "Akkoord</button>" not in page


def test_approving_a_werkplan_that_breaks_a_hard_rule_is_refused_even_with_a_reason(
    org: Org, auth: Any, client: Any
) -> None:
    carla = f"m{org.employees['carla'].id}"
    round_ = proposed_round(
        org,
        publish=False,
        extra=[{"employee": carla, "role": "r01", "kind": "learner", "fte": 0.1}],
    )  # Carla (C) may not learn r01 (A, B) and has no mentor
    auth.login("secretaris")
    single = client.post(
        f"/planning/werkplannen/{plan_of(org, 'carla').id}/goedkeuren",
        data={"reden": "Toch doen"},
        follow_redirects=True,
    )
    message = alerts(single.get_data(as_text=True))
    assert "Goedkeuren geweigerd" in message and "Carla Smit" in message
    assert "Regie ICT" in message and "rompfunctie C" in message
    no_solver_ids(message, org)
    everything = client.post(
        f"/planning/rondes/{round_.id}/goedkeuren",
        data={"alle": "1", "reden": "Toch doen"},
        follow_redirects=True,
    )
    assert "Goedkeuren geweigerd" in alerts(everything.get_data(as_text=True))
    db.session.expire_all()
    assert all(
        p.status != WorkPlanStatus.APPROVED
        for p in db.session.scalars(select(WorkPlan))
    )
    # a werkplan the violation is not about can still be approved
    client.post(
        f"/planning/werkplannen/{plan_of(org, 'bram').id}/goedkeuren",
        data={"reden": "Mondeling akkoord."},
    )
    db.session.expire_all()
    assert plan_of(org, "bram").status == WorkPlanStatus.APPROVED


def reoptimise(client: Any, round_: PlanningRound) -> Job:
    proposal = db.session.scalar(select(Proposal).where(Proposal.round_id == round_.id))
    assert proposal is not None
    response = client.post(
        f"/planning/voorstellen/{proposal.id}/heroptimaliseren",
        data={"time_limit_s": "5", "seed": "1"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(response.location.rstrip("/").split("/")[-1])
    assert jobs.wait_for_thread(job_id, 60)
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job is not None
    return job


def test_a_reoptimise_around_an_approved_werkplan_that_no_longer_fits_stores_nothing(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    approval.approve_plan(plan_of(org, "anouk").id, org.secretary, reason="MT")
    org.employees["anouk"].contract_units = 3_000  # r01 (0,5) no longer fits
    db.session.commit()
    auth.login("secretaris")
    job = reoptimise(client, round_)
    assert job.status == JobStatus.FAILED
    assert job.proposal_id is None and count(Proposal) == 1
    error = job.error
    assert error.startswith("Er is geen voorstel opgeslagen")
    assert "Anouk de Vries als rolhouder van Regie ICT" in error
    assert "meer dan de beschikbare 0,3 fte" in error
    assert "goedgekeurde werkplan van Anouk de Vries" in error
    assert "Aanpassen" in error  # what to do
    no_solver_ids(error, org)
    page = client.get(f"/planning/taken/{job.id}").get_data(as_text=True)
    assert "mislukt" in page and "Bekijk het voorstel" not in page
    assert "Dit voorstel gebruiken" not in page
    assert "<li>De vastgezette rollen van Anouk de Vries" in page  # a list item
    db.session.expire_all()
    assert plan_of(org, "anouk").status == WorkPlanStatus.APPROVED


def test_a_reoptimise_whose_pin_contradicts_an_approved_werkplan_names_both(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    auth.login("secretaris")
    # Dirk pinned on r01 first (allowed: nothing approved yet), then Anouk's
    # werkplan with r01 approved: the two cannot both hold the unsplit role.
    assert "De keuze is vastgelegd" in pin(client, round_, org, "dirk", "r01")
    client.post(
        f"/planning/werkplannen/{plan_of(org, 'anouk').id}/goedkeuren",
        data={"reden": "Mondeling akkoord."},
    )
    db.session.expire_all()
    assert plan_of(org, "anouk").status == WorkPlanStatus.APPROVED
    job = reoptimise(client, round_)
    assert job.status == JobStatus.FAILED and count(Proposal) == 1
    error = job.error
    assert "Dirk Mulder als rolhouder van Regie ICT" in error
    assert "Anouk de Vries als rolhouder van Regie ICT" in error
    assert "goedgekeurde werkplan van Anouk de Vries" in error
    assert "vastgezette keuze Dirk Mulder als rolhouder van Regie ICT" in error
    no_solver_ids(error, org)


def test_moving_a_role_someone_does_not_hold_is_refused_and_changes_nothing(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = proposed_round(org)
    before = {a.id for a in plan_of(org, "bram").assignments}
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/verplaatsen",
        data={
            "role_id": str(org.roles["r01"].id),
            "from_employee_id": str(org.employees["bram"].id),
            "to_employee_id": str(org.employees["dirk"].id),
        },
        follow_redirects=True,
    )
    assert "houdt deze rol niet" in response.get_data(as_text=True)
    assert {a.id for a in plan_of(org, "bram").assignments} == before


def test_a_pin_with_a_bad_fte_is_refused_with_a_dutch_message(
    org: Org, auth: Any, client: Any
) -> None:
    from ommen_rollen.models import Pin

    round_ = proposed_round(org)
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/vastzetten",
        data={
            "pin_kind": "pin",
            "employee_id": str(org.employees["dirk"].id),
            "role_id": str(org.roles["r01"].id),
            "kind": "holder",
            "fte": "0,123456",
        },
        follow_redirects=True,
    )
    assert "meer dan vier decimalen" in response.get_data(as_text=True)
    assert db.session.scalar(select(Pin)) is None


def test_a_new_run_keeps_an_approved_werkplan_exactly(org: Org) -> None:
    round_ = proposed_round(org)
    approval.approve_plan(plan_of(org, "anouk").id, org.secretary, reason="MT")
    anouk = f"m{org.employees['anouk'].id}"

    instance = build_instance(round_.id)

    pins = {
        (p["employee"], p["role"], p["kind"], p.get("fte")) for p in instance["pins"]
    }
    assert pins == {(anouk, "r01", "holder", 0.5), (anouk, "r02", "backup", None)}
    forbidden = {(f["employee"], f["role"]) for f in instance["forbid"]}
    codes = {r["id"] for r in instance["roles"]}
    assert forbidden == {(anouk, code) for code in codes - {"r01", "r02"}}
    plan = solve_json(instance, time_limit_s=5, workers=1)
    mine = {
        (a["role"], a["kind"], a.get("fte"))
        for a in plan["assignments"]
        if a["employee"] == anouk
    }
    assert mine == {("r01", "holder", 0.5), ("r02", "backup", None)}
    assert check_plan(instance, plan) == []
