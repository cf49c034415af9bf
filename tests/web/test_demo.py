"""The demo organisation of Ommen: the numbers of the houtskoolschets, a correct
approved plan (within the backup cap, accepted by the independent checker), an open
round, and a loader that refuses to overwrite data."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from ommen_rollen.domain import (
    FTE_SCALE,
    AssignmentKind,
    Choice,
    RoundStatus,
    TaskMode,
    UserRole,
    parse_fte,
)
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    Assignment,
    Cluster,
    Employee,
    PlanningRound,
    Preference,
    Role,
    TaskField,
    User,
    WorkPlan,
    WorkPlanStatus,
)
from ommen_rollen.services.base import ServiceError
from ommen_rollen.services.demo import database_is_empty, load_demo
from ommen_rollen.services.hard_rules import current_plan
from ommen_rollen.services.solver_bridge import build_instance
from ommen_rollen.solver import check_plan, parse_instance

TODAY = date(2026, 11, 23)


@pytest.fixture
def demo(app: Flask) -> Any:
    return load_demo(today=TODAY)


def all_of(model: Any) -> list[Any]:
    return list(db.session.scalars(sa.select(model)))


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def is_eligible(employee: Employee, role: Role) -> bool:
    """Checked here from the rows, independently of the demo loader."""
    if employee.base_function.value not in role.base_functions_code:
        return False
    levels = {ec.competence_id: ec.level for ec in employee.competences}
    return all(
        levels.get(req.competence_id, 0) >= req.min_level for req in role.requirements
    )


def round_with(status: RoundStatus) -> PlanningRound:
    found = db.session.scalar(
        sa.select(PlanningRound).where(PlanningRound.status == status)
    )
    assert found is not None
    return found


def backup_cap_units(planning_round: PlanningRound) -> int:
    """The round's max_backup_share in fte units per fte of contract."""
    return parse_fte(str(planning_round.settings["max_backup_share"]))


def previous_assignments() -> list[Assignment]:
    previous = round_with(RoundStatus.APPROVED)
    return list(
        db.session.scalars(
            sa.select(Assignment)
            .join(WorkPlan)
            .where(WorkPlan.round_id == previous.id, WorkPlan.current.is_(True))
        )
    )


def test_the_demo_loads_on_an_empty_database(app: Flask) -> None:
    assert database_is_empty()
    summary = load_demo(today=TODAY)
    assert not database_is_empty()
    assert len(all_of(Employee)) == 50
    assert 45 <= len(all_of(Role)) <= 55
    assert [c.name for c in all_of(Cluster)] == [
        "Concern en Ondersteuning",
        "Regie en Coördinatie",
        "Beleid en Ontwikkeling",
        "Management en sturing",
    ]
    text = summary.describe()
    assert "secretaris" in text and "anouk.devries" in text and "demo" in text


def test_every_demo_account_uses_the_demo_password(demo: Any) -> None:
    secretary = db.session.scalar(sa.select(User).where(User.username == "secretaris"))
    assert secretary.role == UserRole.SECRETARY
    assert secretary.check_password("demo")
    anouk = db.session.scalar(sa.select(User).where(User.username == "anouk.devries"))
    assert anouk.role == UserRole.COORDINATOR  # spil of Concern en Ondersteuning
    assert anouk.employee.username == "anouk.devries"
    assert anouk.check_password("demo")
    accounts = {u.employee_id for u in all_of(User) if u.employee_id is not None}
    assert accounts == {e.id for e in all_of(Employee)}
    usernames = {u.username for u in all_of(User)}
    assert usernames >= {e.username for e in all_of(Employee)}


def test_each_cluster_has_a_spil_whose_own_account_reads_that_cluster(
    demo: Any,
) -> None:
    spil = [u for u in all_of(User) if u.role == UserRole.COORDINATOR]
    assert sorted(u.cluster.name for u in spil) == [
        "Beleid en Ontwikkeling",
        "Concern en Ondersteuning",
        "Regie en Coördinatie",
    ]
    # a spil account belongs to a person: the medewerker who is the spil
    assert all(u.employee_id is not None for u in spil)
    assert all(u.username == u.employee.username for u in spil)


def test_the_describe_text_lists_every_demo_account(demo: Any) -> None:
    text = demo.describe()
    for user in all_of(User):
        assert user.username in text


def test_contracts_per_rompfunctie_match_table_6_3_exactly(demo: Any) -> None:
    per_letter: Counter[str] = Counter()
    for employee in all_of(Employee):
        per_letter[employee.base_function.value] += employee.contract_units
        assert parse_fte("0.4444") <= employee.contract_units <= parse_fte("1")
    assert dict(per_letter) == {
        "A": parse_fte(11),
        "B": parse_fte(16),
        "C": parse_fte(6),
        "D": parse_fte(8),
        "E": parse_fte(4),
    }
    assert sum(per_letter.values()) == parse_fte(45)


def test_role_fte_per_cluster_follows_chapter_6_1(demo: Any) -> None:
    per_cluster: Counter[str] = Counter()
    for role in all_of(Role):
        per_cluster[role.cluster.name] += role.fte_units
    assert dict(per_cluster) == {
        "Concern en Ondersteuning": parse_fte(13),
        "Regie en Coördinatie": parse_fte("15.5"),
        "Beleid en Ontwikkeling": parse_fte(12),
        "Management en sturing": parse_fte(4),
    }


def test_task_fields_carry_the_mode_and_partner_of_chapter_4_3(demo: Any) -> None:
    fields = {tf.name: tf for tf in all_of(TaskField)}
    modes = Counter(tf.mode for tf in fields.values())
    assert modes == {
        TaskMode.OUTSOURCED: 8,
        TaskMode.PARTNERSHIP: 5,
        TaskMode.IN_HOUSE: 8,
    }
    vth = fields["Vergunning, toezicht en handhaving (VTH)"]
    assert vth.mode == TaskMode.OUTSOURCED
    assert vth.partner.name == "Omgevingsdienst IJsselland"
    assert fields["Publiekszaken"].partner.name == "Gemeente Hardenberg"
    assert fields["HRM"].mode == TaskMode.IN_HOUSE
    assert fields["DIV"].mode == TaskMode.PARTNERSHIP


def test_outsourced_task_fields_have_regie_roles(demo: Any) -> None:
    for task_field in all_of(TaskField):
        if task_field.mode == TaskMode.OUTSOURCED:
            roles = [r for r in all_of(Role) if r.task_field_id == task_field.id]
            assert roles, task_field.name


def test_management_holds_the_gemeentesecretaris_and_three_spil_roles(
    demo: Any,
) -> None:
    names = {r.name for r in all_of(Role) if r.cluster.name == "Management en sturing"}
    assert "Gemeentesecretaris" in names
    assert sum(name.startswith("Spil ") for name in names) == 3


def test_every_role_is_open_to_at_least_two_employees(demo: Any) -> None:
    employees = all_of(Employee)
    counts = {
        role.code: sum(is_eligible(e, role) for e in employees) for role in all_of(Role)
    }
    assert min(counts.values()) >= 2, counts
    # a couple of roles deliberately depend on few people
    assert sum(count == 2 for count in counts.values()) >= 2


def test_the_previous_plan_covers_every_role_exactly(demo: Any) -> None:
    shares: dict[int, list[int]] = defaultdict(list)
    for a in previous_assignments():
        if a.kind == AssignmentKind.HOLDER:
            shares[a.role_id].append(a.fte_units)
    for role in all_of(Role):
        assert sum(shares[role.id]) == role.fte_units, role.code
        assert len(shares[role.id]) <= role.max_holders, role.code
        assert min(shares[role.id]) >= role.effective_min_share_units, role.code


def test_no_employee_holds_more_than_their_contract(demo: Any) -> None:
    load: Counter[int] = Counter()
    for a in previous_assignments():
        load[a.work_plan.employee_id] += a.fte_units
    for employee in all_of(Employee):
        assert load[employee.id] <= employee.contract_units, employee.username


def test_holders_and_backups_are_eligible_and_backups_are_not_holders(
    demo: Any,
) -> None:
    holders: dict[int, set[int]] = defaultdict(set)
    backups: dict[int, list[int]] = defaultdict(list)
    for a in previous_assignments():
        employee = a.work_plan.employee
        if a.kind == AssignmentKind.HOLDER:
            assert is_eligible(employee, a.role), (a.role.code, employee.username)
            holders[a.role_id].add(employee.id)
        elif a.kind == AssignmentKind.BACKUP:
            assert is_eligible(employee, a.role), (a.role.code, employee.username)
            assert a.fte_units == 0
            backups[a.role_id].append(employee.id)
    for role in all_of(Role):
        assert len(backups[role.id]) <= role.backups_needed, role.code
        assert len(set(backups[role.id])) == len(backups[role.id]), role.code
        assert not holders[role.id] & set(backups[role.id]), role.code
    assert any(len(backups[role.id]) == 2 for role in all_of(Role))


def previous_backups() -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Per role: the employees who hold or learn it, and its backups."""
    taken: dict[int, set[int]] = defaultdict(set)
    backups: dict[int, set[int]] = defaultdict(set)
    for a in previous_assignments():
        if a.kind == AssignmentKind.BACKUP:
            backups[a.role_id].add(a.work_plan.employee_id)
        else:
            taken[a.role_id].add(a.work_plan.employee_id)
    return taken, backups


def test_every_backup_load_stays_within_the_rounds_cap_and_is_spread(
    demo: Any,
) -> None:
    cap = backup_cap_units(round_with(RoundStatus.APPROVED))
    roles = {r.id: r for r in all_of(Role)}
    load: Counter[int] = Counter()
    count: Counter[int] = Counter()
    for role_id, employee_ids in previous_backups()[1].items():
        for employee_id in employee_ids:
            load[employee_id] += roles[role_id].fte_units
            count[employee_id] += 1
    for employee in all_of(Employee):
        # load / contract <= cap / FTE_SCALE, in exact integers
        assert load[employee.id] * FTE_SCALE <= cap * employee.contract_units, (
            employee.username
        )
    # spread: backing up is shared, nobody stands in for more than two roles
    assert max(count.values()) <= 2
    assert len(count) >= 35


def test_a_role_lacks_a_backup_only_when_no_eligible_colleague_has_room(
    demo: Any,
) -> None:
    cap = backup_cap_units(round_with(RoundStatus.APPROVED))
    employees = all_of(Employee)
    taken, backups = previous_backups()
    roles = {r.id: r for r in all_of(Role)}
    load: Counter[int] = Counter()
    for role_id, employee_ids in backups.items():
        for employee_id in employee_ids:
            load[employee_id] += roles[role_id].fte_units
    short = [r for r in roles.values() if len(backups[r.id]) < r.backups_needed]
    for role in short:
        for employee in employees:
            if employee.id in taken[role.id] | backups[role.id]:
                continue
            if not is_eligible(employee, role):
                continue
            room = cap * employee.contract_units - load[employee.id] * FTE_SCALE
            assert role.fte_units * FTE_SCALE > room, (role.code, employee.username)
    # the cap leaves most roles their backups; the rest is an honest shortfall
    missing = sum(r.backups_needed - len(backups[r.id]) for r in short)
    needed = sum(r.backups_needed for r in roles.values())
    assert 0 < missing <= needed // 5


def test_the_approved_previous_plan_passes_the_independent_checker(
    demo: Any,
) -> None:
    previous = round_with(RoundStatus.APPROVED)
    instance = build_instance(previous.id)
    plan = current_plan(previous.id, parse_instance(instance)).to_json()
    assert instance["settings"]["max_backup_share"] == 1.5
    assert len(plan["assignments"]) == demo.counts["assignments"]
    assert {a["kind"] for a in plan["assignments"]} == {"holder", "backup", "learner"}
    assert plan["uncovered"] == []
    assert check_plan(instance, plan) == []


def test_the_open_round_has_room_for_all_its_backup_duty(demo: Any) -> None:
    current = round_with(RoundStatus.OPEN)
    assert current.settings == current.previous_round.settings
    instance = build_instance(current.id)
    cap = parse_fte(str(instance["settings"]["max_backup_share"]))
    # backup duty: every role's fte once per backup it needs
    duty = sum(parse_fte(str(r["fte"])) * r["backups"] for r in instance["roles"])
    staff = sum(parse_fte(str(e["fte"])) for e in instance["employees"])
    assert duty * FTE_SCALE <= cap * staff


def test_learners_have_a_mentor_who_holds_the_role(demo: Any) -> None:
    assignments = previous_assignments()
    holders = {
        (a.role_id, a.work_plan.employee_id)
        for a in assignments
        if a.kind == AssignmentKind.HOLDER
    }
    learners = [a for a in assignments if a.kind == AssignmentKind.LEARNER]
    assert len(learners) >= 2
    for learner in learners:
        assert (learner.role_id, learner.mentor_id) in holders
        assert learner.mentor_id != learner.work_plan.employee_id


def test_every_employee_has_an_approved_werkplan_in_the_previous_round(
    demo: Any,
) -> None:
    previous = db.session.scalar(
        sa.select(PlanningRound).where(PlanningRound.status == RoundStatus.APPROVED)
    )
    assert previous.label == "2026-H2"
    secretary = db.session.scalar(sa.select(User).where(User.username == "secretaris"))
    plans = [p for p in all_of(WorkPlan) if p.round_id == previous.id]
    assert {p.employee_id for p in plans} == {e.id for e in all_of(Employee)}
    for plan in plans:
        assert plan.status == WorkPlanStatus.APPROVED
        assert plan.approved_at is not None
        assert plan.approved_by_id == secretary.id


def test_the_open_round_follows_the_approved_one_with_preferences(demo: Any) -> None:
    current = db.session.scalar(
        sa.select(PlanningRound).where(PlanningRound.status == RoundStatus.OPEN)
    )
    assert current.label == "2027-H1"
    assert current.previous_round.status == RoundStatus.APPROVED
    assert TODAY < current.deadline <= TODAY + timedelta(weeks=6)
    preferences = [p for p in all_of(Preference) if p.round_id == current.id]
    respondents = {p.employee_id for p in preferences}
    assert 30 <= len(respondents) < len(all_of(Employee))
    assert {p.choice for p in preferences} == set(Choice)
    assert sum(bool(p.comment) for p in preferences) >= 3
    # entered by the employee's own account
    accounts = {u.id: u.employee_id for u in all_of(User)}
    assert all(accounts[p.created_by_id] == p.employee_id for p in preferences)


def test_loading_twice_without_reset_is_refused_and_changes_nothing(
    demo: Any,
) -> None:
    employee = db.session.scalar(sa.select(Employee).order_by(Employee.id))
    employee.name = "Gewijzigde Naam"
    db.session.commit()
    before = row_counts()
    with pytest.raises(ServiceError, match="bevat al gegevens"):
        load_demo(today=TODAY)
    db.session.expire_all()
    assert row_counts() == before
    assert db.session.get(Employee, employee.id).name == "Gewijzigde Naam"


def test_a_database_with_only_an_account_is_not_overwritten(
    app: Flask, make_user: Any
) -> None:
    make_user("beheerder", UserRole.SECRETARY)
    with pytest.raises(ServiceError):
        load_demo(today=TODAY)
    assert [u.username for u in all_of(User)] == ["beheerder"]


def test_reset_deletes_everything_and_loads_the_demo_again(demo: Any) -> None:
    fresh = row_counts()
    employee = db.session.scalar(sa.select(Employee).order_by(Employee.id))
    employee.name = "Gewijzigde Naam"
    db.session.add(Cluster(name="Tijdelijk cluster"))
    db.session.commit()
    load_demo(reset=True, today=TODAY)
    db.session.expire_all()
    assert row_counts() == fresh
    names = {e.name for e in all_of(Employee)}
    assert "Gewijzigde Naam" not in names
    assert "Tijdelijk cluster" not in {c.name for c in all_of(Cluster)}


def test_the_demo_command_prints_the_accounts(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "secretaris" in result.output
    assert "anouk.devries" in result.output
    assert "45,0 fte" in result.output


def test_the_demo_command_refuses_a_filled_database_with_a_message(
    demo: Any, app: Flask
) -> None:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1
    assert "Error: De database bevat al gegevens" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_demo_employee_can_log_in_with_the_demo_password(
    demo: Any, auth: Any
) -> None:
    response = auth.login("anouk.devries", "demo")
    assert response.status_code == 302
    assert "/inloggen" not in response.headers["Location"]
