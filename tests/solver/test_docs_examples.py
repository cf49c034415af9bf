"""The examples in docs/ load, solve and pass the independent checker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ommen_rollen.solver import check_plan, parse_instance, plan_from_json, solve

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return data


def test_the_example_instance_solves_to_an_optimal_checked_plan() -> None:
    data = load("instance.json")
    plan = solve(parse_instance(data), time_limit_s=5).to_json()
    assert plan["status"] == "optimal"
    assert check_plan(data, plan) == []


def test_the_example_plan_is_the_plan_the_solver_makes() -> None:
    data = load("instance.json")
    stored = load("plan.json")
    plan = solve(parse_instance(data), time_limit_s=5).to_json()
    assert plan["assignments"] == stored["assignments"]
    assert plan["uncovered"] == stored["uncovered"]
    assert plan["objective"]["terms"] == stored["objective"]["terms"]


def test_the_example_plan_passes_the_checker_and_round_trips() -> None:
    data, stored = load("instance.json"), load("plan.json")
    assert check_plan(data, stored) == []
    again = plan_from_json(stored).to_json()
    assert again["assignments"] == stored["assignments"]
    assert again["uncovered"] == stored["uncovered"]
    assert again["missing_backups"] == stored["missing_backups"]


def test_the_example_plan_explains_every_unfulfilled_want() -> None:
    stored = load("plan.json")
    employees = stored["explanations"]["employees"]
    assert {w["role"] for w in employees["m005"]} == {"r01"}
    assert employees["m005"][0]["reason_code"] == "not_eligible"
    assert "ict en informatievoorziening" in employees["m005"][0]["reason"]
