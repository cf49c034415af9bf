"""Formatieadvies: hires that close the gap the staffing causes, checked by the
solver on the houtskoolschets of Ommen with its 2021 staffing (40 fte of people
against 44.5 fte of designed work)."""

from __future__ import annotations

from typing import Any

from ommen_rollen.domain import hours_to_units
from ommen_rollen.services import demo_data
from ommen_rollen.solver import parse_instance, solve
from ommen_rollen.solver.instance import fte_number
from ommen_rollen.solver.solve import verify_advice

from .factories import employee, instance, role, solved


def ommen(max_fte: float) -> dict[str, Any]:
    """The demo organisation as an instance, dropping people from the end of the
    staff list until at most ``max_fte`` fte is left."""
    people = [
        {
            "id": row.username,
            "name": row.name,
            "fte": fte_number(hours_to_units(row.hours)),
            "base_function": row.base_function,
            "competences": dict(row.competences),
        }
        for row in demo_data.EMPLOYEES
    ]
    while sum(p["fte"] for p in people) > max_fte:
        people.pop()
    roles = [
        {
            "id": row.code,
            "name": row.name,
            "cluster": row.cluster,
            "fte": float(row.fte),
            "base_functions": list(row.base_functions),
            "requires": dict(row.requires),
            "backups": row.backups,
            "max_holders": row.max_holders,
            "critical": row.critical,
        }
        | ({"min_share": float(row.min_share)} if row.min_share else {})
        for row in demo_data.ROLES
    ]
    return instance(people, roles, settings=dict(demo_data.ROUND_SETTINGS))


def test_the_2021_staffing_gets_4_5_fte_of_hires_that_the_solver_confirms() -> None:
    data = ommen(40.0)
    assert round(sum(r["fte"] for r in data["roles"]), 4) == 44.5
    assert round(sum(e["fte"] for e in data["employees"]), 4) <= 40.0
    parsed = parse_instance(data)
    plan = solve(parsed, time_limit_s=8, workers=1, seed=0)
    advice = plan.formation
    assert advice is not None
    assert plan.metrics["uncovered_fte"] >= 4.5
    assert advice.total_fte >= 45_000
    for hire in advice.hires:
        assert hire.text.startswith("1 ")
        assert " fte dekt " in hire.text
    # the solver plans again with the hires on board: most of the gap closes
    again = verify_advice(parsed, advice, time_limit_s=8, workers=1, seed=0)
    assert again.metrics["uncovered_fte"] < plan.metrics["uncovered_fte"] / 2


def test_a_missing_specialist_is_advised_with_rompfunctie_competence_and_fte() -> None:
    data = instance(
        [employee("m1", competences={"omgevingsrecht": 1})],
        [
            role("r1", 0.6, requires={"omgevingsrecht": 2}, backups=1),
            role("r2", 0.3, requires={"omgevingsrecht": 2}, backups=1),
        ],
    )
    advice = solved(data)["formation"]
    assert advice["hires"][0]["text"] == (
        "1 Regisseur/adviseur (B), omgevingsrecht niveau 2, 0,9 fte dekt 0,9 fte"
    )
    assert advice["gap"] == {"uncovered_fte": 0.9, "missing_backups": 2}


def test_backups_missing_for_want_of_colleagues_get_a_hire_for_the_backups() -> None:
    data = instance(
        [employee("m1", competences={"x": 2}), employee("m2", competences={"x": 2})],
        [
            role("r1", 0.4, requires={"x": 2}, backups=1),
            role("r2", 0.4, requires={"x": 2}, backups=1),
            role("r3", 0.4, requires={"x": 2}, backups=2),
        ],
        pins=[
            {"employee": "m1", "role": "r1", "kind": "holder"},
            {"employee": "m1", "role": "r2", "kind": "holder"},
            {"employee": "m2", "role": "r3", "kind": "holder"},
        ],
    )
    advice = solved(data)["formation"]
    assert advice["gap"]["missing_backups"] >= 1
    assert advice["remaining"]["missing_backups"] == 0
    assert "ontbrekende vervanger" in advice["hires"][0]["text"]


def test_a_fully_staffed_plan_gets_no_advice() -> None:
    data = instance([employee("m1"), employee("m2")], [role("r1", 0.5, backups=1)])
    advice = solved(data)["formation"]
    assert advice["hires"] == []
    assert advice["total_fte"] == 0
