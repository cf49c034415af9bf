"""Property tests: every plan the solver (and the greedy baseline) makes for small
random instances, tight ones included, passes the independent checker."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ommen_rollen.solver import check_plan, greedy_plan, parse_instance, solve

FTES = (0.1, 0.2, 0.3333, 0.4, 0.5, 0.5556, 0.6667, 0.8, 0.8889, 1.0, 1.2)
BASES = ("A", "B")
COMPETENCES = ("x", "y")


@st.composite
def instances(draw: st.DrawFn, *, with_pins: bool = True) -> dict[str, Any]:
    n_emp = draw(st.integers(1, 5))
    n_role = draw(st.integers(1, 5))
    employees = []
    for i in range(n_emp):
        fte = draw(st.sampled_from(FTES[2:10]))
        employees.append(
            {
                "id": f"m{i}",
                "fte": fte,
                "base_function": draw(st.sampled_from(BASES)),
                "competences": {c: draw(st.integers(0, 2)) for c in COMPETENCES},
                "available": draw(st.booleans() | st.just(True)),
                "reserved_fte": draw(st.sampled_from((0, 0, 0.1))) if fte > 0.1 else 0,
                "max_roles": draw(st.none() | st.integers(0, 3)),
            }
        )
    roles = []
    for j in range(n_role):
        fte = draw(st.sampled_from(FTES))
        max_holders = draw(st.integers(1, 3))
        min_share = (
            fte if max_holders == 1 else draw(st.sampled_from((0.1, 0.2, 0.3333)))
        )
        roles.append(
            {
                "id": f"r{j}",
                "fte": fte,
                "base_functions": draw(st.sampled_from((["A"], ["B"], ["A", "B"]))),
                "requires": draw(
                    st.dictionaries(st.sampled_from(COMPETENCES), st.integers(1, 2))
                ),
                "backups": draw(st.integers(0, 2)),
                "max_holders": max_holders,
                "min_share": min(min_share, fte),
                "critical": draw(st.booleans()),
            }
        )
    pairs = st.tuples(
        st.sampled_from([e["id"] for e in employees]),
        st.sampled_from([r["id"] for r in roles]),
    )
    choices = st.sampled_from(("want", "avoid", "learn", "neutral"))
    preferences = {}
    for e, r in draw(st.lists(pairs, max_size=8)):
        preferences[e, r] = {"employee": e, "role": r, "choice": draw(choices)}
    previous = [
        {"employee": e, "role": r, "kind": draw(st.sampled_from(("holder", "backup")))}
        for e, r in draw(st.lists(pairs, max_size=3))
    ]
    forbid = [
        {"employee": e, "role": r, "kind": draw(st.sampled_from(("holder", "backup")))}
        for e, r in draw(st.lists(pairs, max_size=2))
    ]
    effort = {
        (e, r): {
            "employee": e,
            "role": r,
            "fte": draw(st.sampled_from((0.3, 0.7, 1.5))),
        }
        for e, r in draw(st.lists(pairs, max_size=2))
    }
    pins = {}
    if with_pins:
        for e, r in draw(st.lists(pairs, max_size=2)):
            kind = draw(st.sampled_from(("holder", "backup", "learner")))
            pins[e, r] = {"employee": e, "role": r, "kind": kind}
    return {
        "version": 1,
        "employees": employees,
        "roles": roles,
        "preferences": list(preferences.values()),
        "previous": previous,
        "forbid": forbid,
        "effort": list(effort.values()),
        "pins": list(pins.values()),
        "settings": {
            "max_backup_share": draw(st.sampled_from((0.5, 1.0, 2.0))),
            "learner_share": 0.05,
        },
    }


PROFILE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROFILE
@given(instances())
def test_every_solver_plan_passes_the_independent_checker(data: dict[str, Any]) -> None:
    plan = solve(parse_instance(data), time_limit_s=2, workers=1).to_json()
    if plan["status"] == "infeasible":
        assert plan["errors"]
        assert all("vastgezet" in e.lower() for e in plan["errors"])
        return
    assert plan["status"] in ("optimal", "feasible")
    assert check_plan(data, plan) == []


@PROFILE
@given(instances(with_pins=False))
def test_every_greedy_plan_passes_the_independent_checker(data: dict[str, Any]) -> None:
    plan = greedy_plan(parse_instance(data)).to_json()
    assert check_plan(data, plan) == []


@PROFILE
@given(instances(with_pins=False))
def test_without_pins_the_solver_always_returns_a_plan(data: dict[str, Any]) -> None:
    plan = solve(parse_instance(data), time_limit_s=2, workers=1)
    assert plan.status in ("optimal", "feasible")


@PROFILE
@given(instances())
def test_tight_instances_cover_as_much_as_fits_and_pass_the_checker(
    data: dict[str, Any],
) -> None:
    work = sum(r["fte"] for r in data["roles"])
    staff = sum(e["fte"] for e in data["employees"] if e["available"])
    assume(work >= staff * 0.9)
    plan = solve(parse_instance(data), time_limit_s=2, workers=1).to_json()
    if plan["status"] != "infeasible":
        assert check_plan(data, plan) == []
        if not data["effort"]:  # without effort nobody covers more than their fte
            assert plan["metrics"]["covered_fte"] <= staff
