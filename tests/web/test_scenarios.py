"""Scenarios from an approved round (services/scenarios.py): each kind of change
is re-planned with the least disruption and compared; publishing gives only the
affected medewerkers a new werkplan version from the scenario's date, asks their
akkoord again and keeps every other werkplan approved; refusals change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from ommen_rollen.domain import RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    AuditEntry,
    Competence,
    Employee,
    Job,
    JobStatus,
    OutgoingMail,
    PlanningRound,
    Role,
    Scenario,
    ScenarioStatus,
    User,
    WorkPlan,
    WorkPlanStatus,
)
from ommen_rollen.services import approval, jobs, scenarios, staff
from ommen_rollen.services.base import ServiceError
from ommen_rollen.services.hard_rules import HardRuleError
from tests.web.conftest import (
    MARCH,
    Org,
    absence,
    approve_everything,
    plan_of,
    proposed_round,
    roles_of,
    snapshot,
)


def scenario_with(
    org: Org, round_: PlanningRound, *changes: dict[str, Any], name: str = "Test"
) -> Scenario:
    scenario = scenarios.create_scenario(round_.id, name, MARCH, org.secretary)
    for change in changes:
        scenarios.add_change(scenario.id, change, org.secretary)
    return solved(scenario.id, org)


def solved(scenario_id: int, org: Org) -> Scenario:
    """Start the re-plan job (thread back end) and wait for its end."""
    job = scenarios.start_solve(scenario_id, org.secretary, time_limit_s=5)
    assert jobs.wait_for_thread(job.id, 60)
    db.session.expire_all()
    finished = db.session.get(Job, job.id)
    assert finished is not None and finished.status == JobStatus.FINISHED, (
        finished and finished.error
    )
    return scenarios.get_scenario(scenario_id)


def test_a_scenario_needs_an_approved_round_a_name_and_a_date_in_the_period(
    org: Org,
) -> None:
    round_ = proposed_round(org)
    with pytest.raises(ServiceError, match="keur eerst alle"):
        scenarios.create_scenario(round_.id, "Te vroeg", MARCH, org.secretary)
    approve_everything(round_, org)
    with pytest.raises(ServiceError) as refused:
        scenarios.create_scenario(round_.id, " ", date(2028, 1, 1), org.secretary)
    assert "Geef het scenario een naam." in str(refused.value)
    assert "in de periode van de planronde" in str(refused.value)
    assert db.session.scalars(select(Scenario)).all() == []


def test_an_absence_is_replanned_and_compared_without_touching_the_approved_plan(
    org: Org, approved: PlanningRound
) -> None:
    before = {name: roles_of(plan_of(org, name)) for name in org.employees}
    scenario = scenario_with(org, approved, absence(org, "anouk"), name="Anouk weg")
    assert scenario.status == ScenarioStatus.SOLVED
    comparison = scenarios.compare(scenario.id)
    assert comparison.changes == ["Anouk de Vries afwezig"]
    anouk = next(p for p in comparison.people if p.name == "Anouk de Vries")
    assert anouk.before == ["Regie ICT (18 uur)"] and anouk.after == []
    assert anouk.units_before == 5_000 and anouk.units_after == 0
    takers = [p for p in comparison.people if "Regie ICT (18 uur)" in p.after]
    assert [p.name for p in takers] == ["Bram Jansen"]  # the backup takes over
    assert comparison.units_changed == 10_000  # 18 hours off Anouk, 18 onto Bram
    assert comparison.uncovered_units_after == 0
    assert comparison.violations == [] and comparison.publishable
    # nothing approved changed
    assert {n: roles_of(plan_of(org, n)) for n in org.employees} == before
    assert all(plan_of(org, n).status == WorkPlanStatus.APPROVED for n in before)


def test_publishing_gives_the_affected_a_new_version_from_the_date(
    org: Org, approved: PlanningRound
) -> None:
    scenario = scenario_with(org, approved, absence(org, "anouk"))
    old_anouk, old_carla = plan_of(org, "anouk"), plan_of(org, "carla")
    compared = scenarios.compare(scenario.id)
    affected = {p.name for p in compared.changed_people}
    for name, employee in org.employees.items():
        employee.email = f"{name}@ommen.example"
    db.session.commit()

    made = scenarios.publish_scenario(scenario.id, org.secretary)

    assert {p.employee.name for p in made} == affected
    # Bram takes over r01, Dirk becomes its backup; Carla keeps backing up r03
    assert affected == {"Anouk de Vries", "Bram Jansen", "Dirk Mulder"}
    for plan in made:
        assert plan.valid_from == MARCH and plan.status == WorkPlanStatus.PROPOSED
        assert plan.scenario_id == scenario.id and plan.current
    assert not old_anouk.current and old_anouk.valid_until == MARCH - timedelta(1)
    assert old_anouk.status == WorkPlanStatus.APPROVED  # the history keeps it
    assert plan_of(org, "carla") is old_carla  # unaffected: stays approved
    assert old_carla.status == WorkPlanStatus.APPROVED
    assert old_carla.valid_until is None
    assert roles_of(plan_of(org, "anouk")) == set()
    assert ("r01", "holder", 5_000) in roles_of(plan_of(org, "bram"))
    assert approved.status == RoundStatus.PROPOSED  # akkoord asked again
    assert scenario.status == ScenarioStatus.PUBLISHED
    mails = db.session.scalars(select(OutgoingMail)).all()
    assert sorted(m.recipient for m in mails) == [
        "anouk@ommen.example",
        "bram@ommen.example",
        "dirk@ommen.example",
    ]
    assert all("is gewijzigd" in m.subject for m in mails)
    # the affected agree to their new werkplan; the round can be approved again
    bram = plan_of(org, "bram")
    approval.agree(bram.id, org.employees["bram"].id, org.users["bram"])
    assert bram.status == WorkPlanStatus.AGREED
    actions = [e.action for e in db.session.scalars(select(AuditEntry))]
    for action in ("scenario_created", "scenario_change_added", "scenario_solved"):
        assert action in actions
    assert "scenario_published" in actions
    with pytest.raises(ServiceError):
        scenarios.publish_scenario(scenario.id, org.secretary)  # once only


def test_a_lower_contract_moves_only_what_no_longer_fits(
    org: Org, approved: PlanningRound
) -> None:
    change = scenarios.build_change(
        "contract", employee_id=org.employees["bram"].id, fte="0,2"
    )
    scenario = scenario_with(org, approved, change)
    comparison = scenarios.compare(scenario.id)
    bram = next(p for p in comparison.people if p.name == "Bram Jansen")
    assert bram.units_after <= 2_000
    assert comparison.changes == ["Bram Jansen naar 0,2 fte"]
    assert comparison.publishable


def new_role(org: Org, **fields: Any) -> dict[str, Any]:
    """Omgevingswet, 0,3 fte, rompfunctie C, in Carla's cluster."""
    return scenarios.build_change(
        "add_role",
        name="Omgevingswet",
        fte="0,3",
        base_function="C",
        cluster_id=org.roles["r03"].cluster_id,
        **fields,
    )


def publish_and_approve(org: Org, scenario: Scenario) -> list[Any]:
    """Publish, let everyone affected agree, approve all: the round is approved
    again, which runs the checker on the werkplannen as they now are."""
    made = scenarios.publish_scenario(scenario.id, org.secretary)
    for plan in made:
        approval.agree(plan.id, plan.employee_id, None)
    approval.approve_all(
        scenario.round_id, org.secretary, all_listed=True, reason="Besproken."
    )
    assert scenario.round.status == RoundStatus.APPROVED
    return made


def test_a_new_role_is_made_from_the_date_and_held_by_the_new_versions(
    org: Org, approved: PlanningRound
) -> None:
    regie = db.session.scalars(select(Competence)).one()
    scenario = scenario_with(org, approved, new_role(org, levels={regie.id: ""}))
    comparison = scenarios.compare(scenario.id)
    assert comparison.changes == [
        "nieuwe rol Omgevingswet (0,3 fte, rompfunctie C, cluster Beleid en "
        "Ontwikkeling)"
    ]
    assert comparison.publishable
    effects = scenarios.publish_effects(comparison)
    assert "geldig vanaf 01-03-2027" in effects[0] and "Beheer" in effects[0]
    made = publish_and_approve(org, scenario)
    role = db.session.scalars(select(Role).where(Role.name == "Omgevingswet")).one()
    assert role.code == f"S{scenario.id}-1" and role.active
    assert role.valid_from == MARCH and role.fte_units == 3_000
    assert role.cluster.name == "Beleid en Ontwikkeling"
    assert [p.employee.name for p in made] == ["Carla Smit"]
    assert (role.code, "holder", 3_000) in roles_of(plan_of(org, "carla"))
    assert plan_of(org, "carla").valid_from == MARCH
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "beheer.create", AuditEntry.object_id == role.id
        )
    ).one()
    assert entry.object_type == "role"


def test_a_removed_role_ends_the_day_before_and_leaves_every_werkplan(
    org: Org, approved: PlanningRound
) -> None:
    r03 = org.roles["r03"]
    change = scenarios.build_change("remove_role", role_id=r03.id)
    scenario = scenario_with(org, approved, change)
    made = publish_and_approve(org, scenario)
    assert r03.active is False and r03.valid_until == MARCH - timedelta(days=1)
    assert {p.employee.name for p in made} >= {"Dirk Mulder", "Carla Smit"}
    for name in org.employees:
        assert all(code != "r03" for code, _, _ in roles_of(plan_of(org, name)))
    old_dirk = next(
        p
        for p in db.session.scalars(select(WorkPlan))
        if p.employee_id == org.employees["dirk"].id and not p.current
    )
    assert ("r03", "holder", 3_000) in roles_of(old_dirk)  # the history keeps it
    assert old_dirk.valid_until == MARCH - timedelta(days=1)
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "beheer.update", AuditEntry.object_id == r03.id
        )
    ).one()
    assert entry.details["changes"]["active"] == [True, False]


def test_a_resized_role_gets_its_new_size_and_the_holder_the_new_share(
    org: Org, approved: PlanningRound
) -> None:
    r03 = org.roles["r03"]
    change = scenarios.build_change("resize_role", role_id=r03.id, fte="0,4")
    scenario = scenario_with(org, approved, change)
    assert scenarios.compare(scenario.id).changes == [
        "rol Beleid economie naar 0,4 fte"
    ]
    publish_and_approve(org, scenario)
    assert r03.fte_units == 4_000
    held = sum(
        units
        for name in org.employees
        for code, kind, units in roles_of(plan_of(org, name))
        if code == "r03" and kind == "holder"
    )
    assert held == 4_000


def test_a_new_hire_becomes_a_medewerker_without_a_login_and_gets_a_werkplan(
    org: Org, approved: PlanningRound
) -> None:
    regie = db.session.scalars(select(Competence)).one()
    anouk_away = absence(org, "anouk")
    hire = scenarios.build_change(
        "hire",
        name="Eva Groen",
        fte="0,5",
        base_function="B",
        levels={regie.id: "2"},
    )
    scenario = scenario_with(org, approved, anouk_away, hire)
    comparison = scenarios.compare(scenario.id)
    assert comparison.changes[1] == (
        "nieuwe medewerker Eva Groen (0,5 fte, rompfunctie B, kan regievoering 2)"
    )
    assert comparison.publishable
    made = publish_and_approve(org, scenario)
    eva = db.session.scalars(select(Employee).where(Employee.name == "Eva Groen")).one()
    assert eva.active and eva.contract_units == 5_000 and eva.username == "eva.groen"
    assert {c.competence.name: c.level for c in eva.competences} == {"regievoering": 2}
    account = db.session.scalars(select(User).where(User.employee_id == eva.id)).one()
    assert not account.has_password  # no login until invited
    plan = next(p for p in made if p.employee_id == eva.id)
    assert plan.version == 1 and plan.valid_from == MARCH and plan.current
    assert roles_of(plan)  # she takes on work
    assert plan_of(org, "anouk").valid_from == MARCH


def test_a_hire_that_beheer_refuses_changes_nothing(
    org: Org, approved: PlanningRound, monkeypatch: Any
) -> None:
    hire = scenarios.build_change(
        "hire", name="Eva Groen", fte="0,5", base_function="B"
    )
    scenario = scenario_with(org, approved, hire)
    before = snapshot()
    monkeypatch.setattr(
        staff,
        "_check_username_free",
        lambda check, *_: check.errors.setdefault("username", []).append(
            "Deze gebruikersnaam is al in gebruik."
        ),
    )
    with pytest.raises(ServiceError, match="nieuwe medewerker Eva Groen kan zo niet"):
        scenarios.publish_scenario(scenario.id, org.secretary)
    assert snapshot() == before
    assert scenarios.get_scenario(scenario.id).status == ScenarioStatus.SOLVED


def test_a_new_role_goes_to_one_person_and_the_rest_stays(
    org: Org, approved: PlanningRound
) -> None:
    comparison = scenarios.compare(scenario_with(org, approved, new_role(org)).id)
    assert [p.name for p in comparison.changed_people if p.holder_changed] == [
        "Carla Smit"
    ]


def test_a_bad_change_is_refused_and_changes_nothing(
    org: Org, approved: PlanningRound
) -> None:
    scenario = scenarios.create_scenario(approved.id, "Fout", MARCH, org.secretary)
    with pytest.raises(ServiceError, match="meer dan vier decimalen"):
        scenarios.build_change(
            "contract", employee_id=org.employees["bram"].id, fte="0,12345"
        )
    with pytest.raises(ServiceError, match="Kies een medewerker"):
        scenarios.build_change("absence", employee_id=None)
    with pytest.raises(ServiceError, match="Voeg eerst een wijziging toe"):
        scenarios.start_solve(scenario.id, org.secretary)
    assert scenarios.get_scenario(scenario.id).changes == []


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("contract", {"employee": "bram", "fte": "0"}, "Fte: moet groter zijn dan 0"),
        ("resize_role", {"role": "r03", "fte": "0"}, "Fte: moet groter zijn dan 0"),
        ("hire", {"fte": "0", "name": "Eva", "base_function": "B"}, "Fte: moet"),
    ],
)
def test_a_change_that_does_not_apply_is_refused_in_dutch_and_changes_nothing(
    org: Org, approved: PlanningRound, kind: str, fields: dict[str, str], message: str
) -> None:
    """The one check of a change (solver/changes.py) answers for the form."""
    scenario = scenarios.create_scenario(approved.id, "Fout", MARCH, org.secretary)
    scenarios.add_change(scenario.id, absence(org, "anouk"), org.secretary)
    employee, role = fields.pop("employee", None), fields.pop("role", None)
    change = scenarios.build_change(
        kind,
        employee_id=org.employees[employee].id if employee else None,
        role_id=org.roles[role].id if role else None,
        **fields,
    )
    before = snapshot()
    with pytest.raises(ServiceError, match="Deze wijziging past niet") as refused:
        scenarios.add_change(scenario.id, change, org.secretary)
    assert message in str(refused.value) and "changes[" not in str(refused.value)
    assert snapshot() == before


def test_a_scenario_stored_before_plans_were_typed_still_compares_and_publishes(
    org: Org, approved: PlanningRound
) -> None:
    """The approved plan was stored as assignments only (no version), a change
    with its fte as text: both are read through the typed readers."""
    change = scenarios.build_change(
        "contract", employee_id=org.employees["bram"].id, fte="0,2"
    )
    scenario = scenario_with(org, approved, change)
    typed_compare = scenarios.compare(scenario.id)
    stored = scenario.approved_plan or {}
    assert stored.get("version") == 1
    bram = f"m{org.employees['bram'].id}"
    scenario.approved_plan = {"assignments": stored["assignments"]}
    scenario.changes = [{"kind": "contract", "employee": bram, "fte": "0.2"}]
    db.session.commit()
    old = scenarios.compare(scenario.id)
    assert not old.stale and old.publishable, old.not_publishable_reason
    assert old.changes == ["Bram Jansen naar 0,2 fte"]
    assert old.people == typed_compare.people and old.roles == typed_compare.roles
    made = publish_and_approve(org, scenario)
    assert "Bram Jansen" in {p.employee.name for p in made}
    held = sum(u for _, kind, u in roles_of(plan_of(org, "bram")) if kind == "holder")
    assert held <= 2_000  # what no longer fits went elsewhere


def test_a_scenario_solved_before_another_was_published_must_be_solved_again(
    org: Org, approved: PlanningRound
) -> None:
    first = scenario_with(org, approved, absence(org, "anouk"), name="Anouk weg")
    second = scenario_with(org, approved, absence(org, "carla"), name="Carla weg")
    assert scenarios.compare(second.id).publishable
    publish_and_approve(org, first)
    comparison = scenarios.compare(second.id)
    assert comparison.stale and not comparison.publishable
    assert "reken het opnieuw door" in comparison.not_publishable_reason
    with pytest.raises(ServiceError, match="veranderd sinds dit scenario"):
        scenarios.publish_scenario(second.id, org.secretary)
    again = solved(second.id, org)  # from the werkplannen as they are now
    assert scenarios.compare(again.id).publishable


def test_publishing_refuses_a_plan_the_checker_rejects(
    org: Org, approved: PlanningRound
) -> None:
    scenario = scenario_with(org, approved, absence(org, "anouk"))
    plan = dict(scenario.plan or {})
    carla = f"m{org.employees['carla'].id}"
    plan["assignments"] = [
        *plan["assignments"],
        {"employee": carla, "role": "r01", "kind": "holder", "fte": 0.5},
    ]
    scenario.plan = plan
    db.session.commit()
    with pytest.raises(HardRuleError) as refused:
        scenarios.publish_scenario(scenario.id, org.secretary)
    assert "Carla Smit" in " ".join(refused.value.lines)
    assert approved.status == RoundStatus.APPROVED
    assert plan_of(org, "anouk").status == WorkPlanStatus.APPROVED
    assert scenarios.get_scenario(scenario.id).status == ScenarioStatus.SOLVED


def test_the_secretaris_walks_a_scenario_through_the_pages_and_the_medewerker_sees_it(
    org: Org, approved: PlanningRound, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    page = client.get(f"/planning/rondes/{approved.id}").get_data(as_text=True)
    assert f"/planning/rondes/{approved.id}/scenarios" in page
    response = client.post(
        f"/planning/rondes/{approved.id}/scenarios",
        data={
            "name": "Anouk de Vries afwezig vanaf 1 maart",
            "valid_from": "2027-03-01",
        },
    )
    scenario = db.session.scalars(select(Scenario)).one()
    assert response.headers["Location"].endswith(f"/planning/scenarios/{scenario.id}")
    client.post(
        f"/planning/scenarios/{scenario.id}/wijzigingen",
        data={"kind": "absence", "employee_id": str(org.employees["anouk"].id)},
    )
    bad = client.post(
        f"/planning/scenarios/{scenario.id}/wijzigingen",
        data={"kind": "contract", "employee_id": "", "fte": "0,5"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Kies een medewerker." in bad
    started = client.post(
        f"/planning/scenarios/{scenario.id}/doorrekenen", follow_redirects=True
    ).get_data(as_text=True)
    assert "wordt doorgerekend" in started
    job = db.session.scalars(select(Job).where(Job.scenario_id == scenario.id)).one()
    assert jobs.wait_for_thread(job.id, 60)
    db.session.expire_all()
    done = client.get(f"/planning/scenarios/{scenario.id}/voortgang")
    assert done.headers["HX-Refresh"] == "true"  # the page reloads with the result
    page = client.get(f"/planning/scenarios/{scenario.id}").get_data(as_text=True)
    assert "Anouk de Vries afwezig" in page
    assert "Regie ICT (18 uur)" in page and "Bram Jansen" in page
    side = client.get(f"/planning/rondes/{approved.id}/scenarios").get_data(
        as_text=True
    )
    assert "Anouk de Vries afwezig vanaf 1 maart" in side and "doorgerekend" in side
    confirm = client.get(f"/planning/scenarios/{scenario.id}/doorvoeren")
    assert "Ja, doorvoeren vanaf" in confirm.get_data(as_text=True)
    client.post(f"/planning/scenarios/{scenario.id}/doorvoeren")
    assert scenarios.get_scenario(scenario.id).status == ScenarioStatus.PUBLISHED

    auth.logout()
    auth.login("bram")
    mine = plan_of(org, "bram")
    landing = client.get("/mijn/werkplan")  # the new version waits for akkoord
    assert landing.headers["Location"].endswith(f"/mijn/werkplannen/{mine.id}")
    page = client.get(f"/mijn/werkplannen/{mine.id}").get_data(as_text=True)
    assert "Geldig" in page and "vanaf" in page and "2027" in page
    client.post(f"/mijn/werkplannen/{mine.id}/akkoord")
    assert plan_of(org, "bram").status == WorkPlanStatus.AGREED
