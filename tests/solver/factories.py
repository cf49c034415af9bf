"""Instance builders for the solver tests: small hand-built pieces and a seeded
random organisation in instance format v1 (plain dicts)."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st

COMPETENCES = (
    "regievoering",
    "financien",
    "ict",
    "communicatie",
    "beleid",
    "juridisch",
)


def employee(
    ident: str, fte: float = 1.0, base: str = "B", **extra: Any
) -> dict[str, Any]:
    return {
        "id": ident,
        "name": f"Medewerker {ident}",
        "fte": fte,
        "base_function": base,
    } | extra


def role(
    ident: str, fte: float = 1.0, bases: tuple[str, ...] = ("B",), **extra: Any
) -> dict[str, Any]:
    return {
        "id": ident,
        "name": f"Rol {ident}",
        "cluster": "Regie en Coördinatie",
        "fte": fte,
        "base_functions": list(bases),
        "backups": 0,
    } | extra


def instance(
    employees: list[dict[str, Any]], roles: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    return {
        "version": 1,
        "name": "test",
        "employees": employees,
        "roles": roles,
    } | extra


def knock_on_instance() -> dict[str, Any]:
    """m1 alone holds the critical r1; its only vervanger m2 is full with r2, so
    m1's absence makes m2 drop 0.5 fte of r2 (knock-on) to take r1 over."""
    return instance(
        [employee("m1", 0.5), employee("m2", 0.6)],
        [role("r1", 0.5, backups=1, critical=True), role("r2", 0.6, backups=0)],
        pins=[
            {"employee": "m1", "role": "r1", "kind": "holder"},
            {"employee": "m2", "role": "r2", "kind": "holder"},
            {"employee": "m2", "role": "r1", "kind": "backup"},
        ],
    )


def random_organisation(
    seed: int, n_employees: int = 50, n_roles: int = 100, *, tightness: float = 0.9
) -> dict[str, Any]:
    """A seeded organisation like Ommen: role fte sums to ``tightness`` x staff fte."""
    rng = random.Random(seed)
    bases = ("A", "B", "C", "D")
    employees = []
    total = 0.0
    for i in range(n_employees):
        fte = rng.choice((1.0, 1.0, 0.8889, 0.8, 0.6667, 0.5556))
        total += fte
        competences = {c: rng.randint(1, 3) for c in rng.sample(COMPETENCES, 3)}
        employees.append(
            {
                "id": f"m{i:03d}",
                "name": f"Medewerker {i}",
                "fte": fte,
                "base_function": rng.choice(bases),
                "competences": competences,
            }
        )
    budget = total * tightness
    weights = [rng.uniform(0.5, 1.5) for _ in range(n_roles)]
    scale = budget / sum(weights)
    roles = []
    for j in range(n_roles):
        fte = round(max(0.05, weights[j] * scale), 2)
        splittable = fte > 0.6
        roles.append(
            {
                "id": f"r{j:03d}",
                "name": f"Rol {j}",
                "cluster": rng.choice(("Concern", "Regie", "Beleid")),
                "fte": fte,
                "base_functions": sorted(rng.sample(bases, rng.choice((1, 2, 2)))),
                "requires": {rng.choice(COMPETENCES): rng.randint(1, 2)},
                "backups": 1,
                "max_holders": 2 if splittable else 1,
                "min_share": round(min(0.2, fte), 2) if splittable else fte,
                "critical": rng.random() < 0.1,
            }
        )
    preferences = []
    for e in employees:
        for r in rng.sample(roles, 4):
            preferences.append(
                {
                    "employee": e["id"],
                    "role": r["id"],
                    "choice": rng.choice(("want", "want", "avoid", "learn")),
                }
            )
    return {
        "version": 1,
        "name": f"random-{seed}",
        "employees": employees,
        "roles": roles,
        "preferences": preferences,
    }


def solved(
    data: dict[str, Any], *, time_limit: float = 5.0, **kwargs: Any
) -> dict[str, Any]:
    """Solve instance JSON (one worker, seed 0), assert the independent checker
    accepts the plan, and return the plan JSON."""
    from ommen_rollen.solver import check_plan, parse_instance, solve

    kwargs.setdefault("workers", 1)
    kwargs.setdefault("seed", 0)
    plan = solve(parse_instance(data), time_limit_s=time_limit, **kwargs).to_json()
    assert check_plan(data, plan) == [], check_plan(data, plan)
    return plan


def held(plan: dict[str, Any], kind: str = "holder") -> dict[tuple[str, str], Any]:
    """{(employee, role): fte or True} of the plan's assignments of one kind."""
    return {
        (a["employee"], a["role"]): a.get("fte", True)
        for a in plan["assignments"]
        if a["kind"] == kind
    }


def uncovered(plan: dict[str, Any]) -> dict[str, float]:
    return {u["role"]: u["fte"] for u in plan["uncovered"]}


def missing(plan: dict[str, Any]) -> dict[str, int]:
    return {m["role"]: m["missing"] for m in plan["missing_backups"]}


# --- random small instances for the property tests --------------------------

RANDOM_FTES = (0.1, 0.2, 0.3333, 0.4, 0.5, 0.5556, 0.6667, 0.8, 0.8889, 1.0, 1.2)
RANDOM_BASES = ("A", "B")
RANDOM_COMPETENCES = ("x", "y")


@st.composite
def instances(draw: st.DrawFn, *, with_pins: bool = True) -> dict[str, Any]:
    n_emp = draw(st.integers(1, 5))
    n_role = draw(st.integers(1, 5))
    employees = []
    for i in range(n_emp):
        fte = draw(st.sampled_from(RANDOM_FTES[2:10]))
        employees.append(
            {
                "id": f"m{i}",
                "fte": fte,
                "base_function": draw(st.sampled_from(RANDOM_BASES)),
                "competences": {c: draw(st.integers(0, 2)) for c in RANDOM_COMPETENCES},
                "available": draw(st.booleans() | st.just(True)),
                "reserved_fte": draw(st.sampled_from((0, 0, 0.1))) if fte > 0.1 else 0,
                "max_roles": draw(st.none() | st.integers(0, 3)),
            }
        )
    roles = []
    for j in range(n_role):
        fte = draw(st.sampled_from(RANDOM_FTES))
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
                    st.dictionaries(
                        st.sampled_from(RANDOM_COMPETENCES), st.integers(1, 2)
                    )
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
