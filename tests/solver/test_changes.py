"""Typed changes (solver/changes.py): every kind applied to a typed instance, the
one check per kind with Dutch messages (nothing changes on a refusal), the JSON
format both ways, and a re-plan from typed data whose plan survives JSON."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ommen_rollen.domain import AssignmentKind, PlanStatus
from ommen_rollen.solver import (
    InstanceError,
    check_plan,
    instance_to_json,
    parse_instance,
    plan_from_json,
)
from ommen_rollen.solver.changes import (
    Absence,
    AddRole,
    Change,
    ContractChange,
    Hire,
    RemoveRole,
    ResizeRole,
    apply_changes,
    change_from_json,
    change_to_json,
)
from ommen_rollen.solver.instance import Employee, Instance, Role
from ommen_rollen.solver.plan import Plan, PlanAssignment
from ommen_rollen.solver.replan import replan, replan_json, solve_from_plan

from .factories import employee, instance, role


def office() -> Instance:
    """m1 holds r1 (0.5 fte, backed up by m2), m2 holds r2; m1 keeps 0.1 fte free;
    m1 wants r2, r1 may be split down to 0.2 fte."""
    return parse_instance(
        instance(
            [employee("m1", 0.8, reserved_fte=0.1), employee("m2")],
            [role("r1", 0.5, backups=1, max_holders=2, min_share=0.2), role("r2")],
            preferences=[{"employee": "m1", "role": "r2", "choice": "want"}],
            pins=[{"employee": "m2", "role": "r2", "kind": "holder"}],
        )
    )


APPROVED = Plan(
    PlanStatus.FEASIBLE,
    [
        PlanAssignment("m1", "r1", AssignmentKind.HOLDER, 5_000),
        PlanAssignment("m2", "r1", AssignmentKind.BACKUP),
        PlanAssignment("m2", "r2", AssignmentKind.HOLDER, 10_000),
    ],
)
NEW_ROLE = Role(
    "r9", "Omgevingswet", "Beleid", 3_000, ("C",), {"beleid": 2}, min_share=3_000
)
NEW_HIRE = Employee("m9", "Eva Groen", 5_000, "B", {"regievoering": 2})


def test_an_absence_makes_the_employee_unavailable_and_nothing_else() -> None:
    before = office()
    applied = apply_changes(before, [Absence("m1")])
    assert applied.instance.employee("m1").available is False
    assert applied.instance.employee("m1").capacity == 0
    assert applied.instance.employee("m2") == before.employee("m2")
    assert applied.instance.roles == before.roles
    assert applied.employees == {"m1"} and applied.roles == frozenset()
    assert before.employee("m1").available  # the input is never touched


def test_a_lower_contract_lowers_the_reserved_fte_with_it() -> None:
    applied = apply_changes(office(), [ContractChange("m1", 600)])
    m1 = applied.instance.employee("m1")
    assert (m1.fte, m1.reserved_fte) == (600, 600)
    assert (
        apply_changes(office(), [ContractChange("m1", 4_000)])
        .instance.employee("m1")
        .reserved_fte
        == 1_000
    )


def test_a_new_role_is_added_last() -> None:
    applied = apply_changes(office(), [AddRole(NEW_ROLE)])
    assert applied.instance.roles[-1] == NEW_ROLE
    assert applied.roles == {"r9"}


def test_a_removed_role_takes_its_preferences_pins_and_previous_with_it() -> None:
    before = replace(office(), previous=tuple(replan(office(), APPROVED).previous))
    applied = apply_changes(before, [RemoveRole("r2")])
    after = applied.instance
    assert [r.id for r in after.roles] == ["r1"]
    assert after.preferences == () and after.pins == ()
    assert all(p.role == "r1" for p in after.previous)


def test_a_resized_role_keeps_its_split_share_within_the_new_size() -> None:
    smaller = apply_changes(office(), [ResizeRole("r1", 1_000)]).instance.role("r1")
    assert (smaller.fte, smaller.min_share) == (1_000, 1_000)
    larger = apply_changes(office(), [ResizeRole("r1", 8_000)]).instance.role("r1")
    assert (larger.fte, larger.min_share) == (8_000, 2_000)


def test_a_new_hire_joins_the_employees() -> None:
    applied = apply_changes(office(), [Absence("m1"), Hire(NEW_HIRE)])
    assert applied.instance.employees[-1] == NEW_HIRE
    assert applied.employees == {"m1", "m9"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (Absence("m99"), "changes[0].employee: onbekende medewerker 'm99'"),
        (ContractChange("m1", 0), "changes[0].fte: moet groter zijn dan 0"),
        (RemoveRole("x"), "changes[0].role: onbekende rol 'x'"),
        (ResizeRole("r1", -5), "changes[0].fte: moet groter zijn dan 0"),
        (AddRole(replace(NEW_ROLE, id="r1")), "changes[0].role: een object met een"),
        (AddRole(replace(NEW_ROLE, fte=0)), "changes[0].role.fte: moet groter"),
        (AddRole(replace(NEW_ROLE, base_functions=())), "changes[0].role.base_"),
        (AddRole(replace(NEW_ROLE, min_share=0)), "changes[0].role.min_share"),
        (Hire(replace(NEW_HIRE, id="m2")), "changes[0].employee: een object met"),
        (Hire(replace(NEW_HIRE, fte=0)), "changes[0].employee.fte: moet groter"),
    ],
)
def test_a_bad_change_is_refused_in_dutch_and_changes_nothing(
    change: Change, message: str
) -> None:
    before = office()
    as_json = instance_to_json(before)
    with pytest.raises(InstanceError) as refused:
        apply_changes(before, [change])
    assert any(e.startswith(message) for e in refused.value.errors), refused.value
    assert instance_to_json(before) == as_json
    with pytest.raises(InstanceError):
        replan(before, APPROVED, changes=[Absence("m1"), change])


def test_the_problems_of_every_change_come_at_once() -> None:
    with pytest.raises(InstanceError) as refused:
        apply_changes(office(), [Absence("x"), Absence("m1"), RemoveRole("y")])
    assert refused.value.errors == [
        "changes[0].employee: onbekende medewerker 'x'",
        "changes[2].role: onbekende rol 'y'",
    ]


@pytest.mark.parametrize(
    "change",
    [
        Absence("m1"),
        ContractChange("m1", 2_222),
        AddRole(NEW_ROLE),
        RemoveRole("r2"),
        ResizeRole("r1", 4_000),
        Hire(NEW_HIRE),
    ],
)
def test_every_kind_survives_its_json_format(change: Change) -> None:
    assert change_from_json(change_to_json(change), "changes[0]") == change


def test_the_json_of_the_scenario_form_reads_as_before() -> None:
    """What the web app stored before changes were typed: fte as text, a new
    role or hire without defaults."""
    hire = change_from_json(
        {
            "kind": "hire",
            "employee": {
                "id": "nieuw-2",
                "name": "Eva Groen",
                "fte": "0.5",
                "base_function": "B",
                "competences": {"regievoering": 2},
            },
        },
        "changes[1]",
    )
    assert hire == Hire(
        Employee("nieuw-2", "Eva Groen", 5_000, "B", {"regievoering": 2})
    )
    assert change_from_json(
        {"kind": "contract", "employee": "m3", "fte": "0.2"}, "changes[0]"
    ) == ContractChange("m3", 2_000)


def test_typed_and_json_changes_give_the_same_instance_to_solve() -> None:
    changes: list[Change] = [ContractChange("m1", 5_000), AddRole(NEW_ROLE)]
    typed = replan(office(), APPROVED, changes=changes)
    as_json = replan_json(
        instance_to_json(office()),
        APPROVED.to_json(),
        changes=[change_to_json(c) for c in changes],
    )
    assert typed == parse_instance(as_json)
    assert typed.previous[0].fte == 5_000 and typed.weight("disruption_fte") == 1


def test_a_replanned_plan_round_trips_through_json() -> None:
    target, plan = solve_from_plan(
        office(),
        APPROVED,
        changes=[Absence("m1"), Hire(NEW_HIRE)],
        time_limit_s=10,
        workers=1,
        seed=0,
    )
    stored = plan.to_json()
    assert check_plan(instance_to_json(target), stored) == []
    again = plan_from_json(stored)
    assert again == plan
    assert again.to_json() == stored
    assert parse_instance(instance_to_json(target)) == target
    assert {a.employee for a in again.holders("r1")} <= {"m2", "m9"}
