"""Instance format v1: parsing, defaults, round trip and refusals that name the
entry and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ommen_rollen.solver import (
    InstanceError,
    instance_to_json,
    parse_instance,
    solve_json,
)

from .factories import employee, instance, role

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "instance.json"


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InstanceError) as caught:
        parse_instance(data)
    return caught.value.errors


def minimal() -> dict[str, Any]:
    return instance([employee("m1")], [role("r1")])


def test_defaults_are_filled_in_for_optional_fields() -> None:
    parsed = parse_instance(
        {
            "version": 1,
            "employees": [{"id": "m1", "fte": 0.8889, "base_function": "B"}],
            "roles": [{"id": "r1", "fte": 1.2, "base_functions": ["B"]}],
        }
    )
    e, r = parsed.employees[0], parsed.roles[0]
    assert (e.fte, e.available, e.reserved_fte, e.max_roles) == (8889, True, 0, None)
    assert (r.backups, r.max_holders, r.min_share, r.critical) == (1, 1, 12000, False)


def test_fte_is_read_exactly_from_numbers_and_strings() -> None:
    data = minimal()
    data["employees"][0]["fte"] = "0,8889"
    data["roles"][0]["fte"] = 0.3
    parsed = parse_instance(data)
    assert parsed.employees[0].fte == 8889
    assert parsed.roles[0].fte == 3000


def test_the_documented_example_round_trips() -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    parsed = parse_instance(data)
    assert parse_instance(instance_to_json(parsed)) == parsed


def test_a_role_with_zero_fte_is_refused_naming_entry_and_field() -> None:
    data = instance(
        [employee("m1")], [role("r1"), role("r2"), role("r3"), role("r4", 0)]
    )
    assert "roles[3].fte: moet groter zijn dan 0" in errors_of(data)


def test_a_preference_for_an_unknown_role_is_refused() -> None:
    data = minimal()
    data["preferences"] = [{"employee": "m1", "role": "r99", "choice": "want"}]
    assert "preferences[0].role: onbekende rol 'r99'" in errors_of(data)


def test_an_unknown_employee_in_a_pin_is_refused() -> None:
    data = minimal()
    data["pins"] = [{"employee": "x", "role": "r1", "kind": "holder"}]
    assert "pins[0].employee: onbekende medewerker 'x'" in errors_of(data)


def test_more_than_four_decimals_is_refused() -> None:
    data = minimal()
    data["employees"][0]["fte"] = 0.88889
    assert errors_of(data) == [
        "employees[0].fte: '0.88889' heeft meer dan vier decimalen"
    ]


def test_duplicate_ids_are_refused() -> None:
    data = instance([employee("m1"), employee("m1")], [role("r1")])
    assert errors_of(data)[0].startswith("employees[1].id: dubbele id 'm1'")


def test_an_unknown_field_is_refused_rather_than_ignored() -> None:
    data = minimal()
    data["roles"][0]["bakups"] = 2
    assert "roles[0].bakups: onbekend veld" in errors_of(data)


def test_min_share_above_the_role_fte_is_refused() -> None:
    data = instance([employee("m1")], [role("r1", 0.5, min_share=0.6)])
    assert "roles[0].min_share: mag niet groter zijn dan fte" in errors_of(data)


def test_reserved_fte_above_contract_fte_is_refused() -> None:
    data = instance([employee("m1", 0.5, reserved_fte=0.6)], [role("r1")])
    assert "employees[0].reserved_fte: mag niet groter zijn dan fte" in errors_of(data)


def test_an_unknown_choice_and_an_unknown_weight_are_refused() -> None:
    data = minimal()
    data["preferences"] = [{"employee": "m1", "role": "r1", "choice": "maybe"}]
    data["settings"] = {"weights": {"happiness": 3}}
    errors = errors_of(data)
    assert errors[0].startswith("preferences[0].choice: moet een van")
    assert errors[1].startswith("settings.weights.happiness: onbekende term")


def test_every_problem_is_reported_at_once() -> None:
    data = instance([employee("m1", -1)], [role("r1", "x")])
    data["version"] = 2
    assert len(errors_of(data)) == 3


def test_wrong_types_are_refused_without_a_traceback() -> None:
    data = {"version": 1, "employees": "none", "roles": [17, {"id": 3}]}
    errors = errors_of(data)
    assert "employees: moet een lijst zijn" in errors
    assert "roles[0]: moet een object zijn" in errors
    assert "roles[1].id: moet een niet-lege tekst zijn" in errors


def test_solve_json_returns_status_invalid_instead_of_raising() -> None:
    data = instance([employee("m1")], [role("r1", 0)])
    assert solve_json(data) == {
        "version": 1,
        "status": "invalid",
        "errors": ["roles[0].fte: moet groter zijn dan 0"],
    }
