"""The typed sections of a plan (explanations, vulnerability, formation): the solver
produces them typed, ``to_json`` writes plan format v1 exactly as before and
``plan_from_json`` reads it back; an older plan without them still loads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ommen_rollen.domain import Choice
from ommen_rollen.solver import parse_instance, plan_from_json, solve
from ommen_rollen.solver.sections import (
    AbsenceReport,
    Explanations,
    Formation,
    Takeover,
    Vulnerability,
)

from .factories import (
    employee,
    instance,
    knock_on_instance,
    random_organisation,
    role,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _text(data: dict[str, Any]) -> str:
    """The JSON text as stored and downloaded (key order included)."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def _round_trip(data: dict[str, Any]) -> dict[str, Any]:
    """Write, store as text, read back and write again."""
    return plan_from_json(json.loads(_text(data))).to_json()


def test_a_solved_organisation_round_trips_to_exactly_the_same_json() -> None:
    # tight: shortfalls, formation advice, explanations of all kinds
    data = random_organisation(3, 30, 60, tightness=1.1)
    plan = solve(parse_instance(data), time_limit_s=4, workers=1, seed=0)
    first = plan.to_json()
    assert plan.vulnerability is not None and plan.vulnerability.absence
    assert plan.explanations is not None and plan.explanations.employees
    assert plan.formation is not None and plan.formation.hires
    again = _round_trip(first)
    assert again == json.loads(_text(first))
    assert _text(again) == _text(first)
    # and the typed parts read back equal the ones the solver made
    back = plan_from_json(json.loads(_text(first)))
    assert back.explanations == plan.explanations
    assert back.vulnerability == plan.vulnerability
    assert back.formation == plan.formation


def test_the_stored_example_plan_round_trips_exactly() -> None:
    stored = json.loads((EXAMPLES / "plan.json").read_text(encoding="utf-8"))
    assert _text(plan_from_json(stored).to_json()) == _text(stored)


def test_a_knock_on_and_a_takeover_are_read_back_in_units() -> None:
    data = knock_on_instance()
    written = solve(parse_instance(data), time_limit_s=3, workers=1, seed=0).to_json()
    assert written["vulnerability"]["absence"]["m1"]["knock_on"] == [
        {"employee": "m2", "role": "r2", "fte": 0.5, "hours": 18.0}
    ]
    v = plan_from_json(written).vulnerability
    assert v is not None
    absent = v.absence["m1"]
    assert absent.knock_on == (Takeover("m2", "r2", 5000),)
    assert absent.knock_on_fte == 5000 and absent.uncovered_fte == 0
    assert Takeover("m2", "r1", 5000) in absent.taken_over
    assert v.worst is not None and v.worst.employee == v.ranking[0]
    assert _text(_round_trip(written)) == _text(written)


def test_a_want_given_to_a_colleague_keeps_who_got_it() -> None:
    data = instance(
        [employee("m1"), employee("m2")],
        [role("r1", 1.0)],
        preferences=[
            {"employee": "m1", "role": "r1", "choice": "want"},
            {"employee": "m2", "role": "r1", "choice": "want"},
        ],
    )
    plan = plan_from_json(
        solve(parse_instance(data), time_limit_s=3, workers=1, seed=0).to_json()
    )
    assert plan.explanations is not None
    (loser,) = [e for e in ("m1", "m2") if plan.explanations.of(e)]
    (reason,) = plan.explanations.of(loser)
    assert reason.wish == Choice.WANT and reason.role == "r1"
    (winner,) = {"m1", "m2"} - {loser}
    assert reason.given_to == (winner,)
    assert reason.reason


def test_an_old_plan_without_the_sections_loads_and_writes_them_empty() -> None:
    old = {
        "version": 1,
        "status": "feasible",
        "assignments": [
            {"employee": "m1", "role": "r1", "kind": "holder", "fte": 0.6},
        ],
        "uncovered": [],
        "missing_backups": [],
    }
    plan = plan_from_json(old)
    assert plan.explanations is None
    assert plan.vulnerability is None
    assert plan.formation is None
    written = plan.to_json()
    assert written["explanations"] == {}
    assert written["vulnerability"] == {}
    assert written["formation"] == {}
    assert plan.figures.uncovered_fte is None and plan.figures.lower_bounds is None


def test_an_older_vulnerability_section_loads_with_what_it_has() -> None:
    # before single points, the ranking and per-role amounts
    old = {
        "version": 1,
        "status": "feasible",
        "vulnerability": {
            "single_eligible_roles": ["r1"],
            "absence": {"m2": {"uncovered_fte": 0.25, "roles": ["r1"]}},
        },
        "formation": {"hires": [{"text": "1 Uitvoerder (A), 0,5 fte", "fte": 0.5}]},
        "explanations": {"employees": {"m1": [{"role": "r1", "reason": "Vol."}]}},
    }
    plan = plan_from_json(old)
    v = plan.vulnerability
    assert isinstance(v, Vulnerability)
    assert v.single_eligible_roles == ("r1",)
    assert v.absence == {"m2": AbsenceReport("m2", uncovered_fte=2500, roles=("r1",))}
    assert v.worst is not None and v.worst.employee == "m2"
    assert isinstance(plan.formation, Formation)
    assert plan.formation.total_fte == 5000
    assert isinstance(plan.explanations, Explanations)
    (wish,) = plan.explanations.of("m1")
    assert (wish.wish, wish.reason) == (Choice.WANT, "Vol.")


def test_figures_read_the_metrics_in_units() -> None:
    old = {
        "version": 1,
        "status": "feasible",
        "metrics": {
            "covered_fte": 3.9,
            "uncovered_fte": 0.2,
            "missing_backups": 3,
            "lower_bounds": {
                "uncovered_fte": 0.1,
                "missing_backups": 1,
                "missing_by_role": {"r12": {"missing": 1, "reason": "candidates"}},
            },
        },
    }
    figures = plan_from_json(old).figures
    assert (figures.covered_fte, figures.uncovered_fte) == (39_000, 2_000)
    assert figures.missing_backups == 3
    assert figures.lower_bounds is not None
    assert figures.lower_bounds.uncovered_fte == 1_000
    assert figures.lower_bounds.missing_by_role["r12"].reason == "candidates"
