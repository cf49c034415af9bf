"""The benchmark generator: deterministic, valid, the stated sizes and tightness."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.generate import TIERS, generate, generate_with_plan, utilisation
from ommen_rollen.domain import parse_fte
from ommen_rollen.solver import check_plan, parse_instance

ROOT = Path(__file__).resolve().parents[2]


def _units(value: object) -> int:
    return parse_fte(str(value))


def _eligible(instance: dict, role: dict) -> list[str]:
    return [
        e["id"]
        for e in instance["employees"]
        if e.get("available", True)
        and e["base_function"] in role["base_functions"]
        and all(
            e["competences"].get(name, 0) >= level
            for name, level in role["requires"].items()
        )
    ]


def test_the_same_tier_seed_and_variant_give_the_same_instance():
    assert generate("S", 3, "normal") == generate("S", 3, "normal")
    assert generate("M", 1, "tight") == generate("M", 1, "tight")


def test_the_same_instance_comes_out_of_every_process():
    # Set iteration order changes with PYTHONHASHSEED; the generator must not care.
    code = (
        "import hashlib, json; from benchmarks.generate import generate; "
        "print(hashlib.sha256(json.dumps(generate('M', 0)).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in (1, 2, 3)
    }
    assert len(digests) == 1


def test_another_seed_gives_another_instance():
    assert generate("S", 0) != generate("S", 1)


@pytest.mark.parametrize("variant", ["normal", "tight", "infeasible"])
@pytest.mark.parametrize("tier", ["S", "M"])
def test_every_generated_instance_is_valid_instance_format_v1(tier, variant):
    parsed = parse_instance(generate(tier, 0, variant))
    assert len(parsed.employees) == TIERS[tier][0]


@pytest.mark.parametrize("tier", ["S", "M", "L"])
def test_tiers_have_the_stated_numbers_of_employees_and_roles(tier):
    instance = generate(tier, 0)
    employees, roles = TIERS[tier]
    assert len(instance["employees"]) == employees
    assert len(instance["roles"]) == roles


@pytest.mark.slow
def test_the_xl_tier_has_2000_employees_and_7000_roles():
    instance = generate("XL", 0)
    assert (len(instance["employees"]), len(instance["roles"])) == (2000, 7000)


def test_the_stated_sizes_are_those_of_the_issue():
    assert TIERS == {
        "S": (50, 100),
        "M": (200, 600),
        "L": (600, 2000),
        "XL": (2000, 7000),
    }


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("tier", ["S", "M"])
def test_normal_instances_use_90_to_99_percent_of_the_available_fte(tier, seed):
    assert Decimal("0.90") <= utilisation(generate(tier, seed)) <= Decimal("0.99")


@pytest.mark.parametrize("tier", ["S", "M"])
def test_tight_instances_use_exactly_all_available_fte(tier):
    assert utilisation(generate(tier, 0, "tight")) == 1


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("tier", ["S", "M"])
def test_a_just_infeasible_instance_has_more_work_than_its_staff_can_do(tier, seed):
    instance = generate(tier, seed, "infeasible")
    work = sum(_units(r["fte"]) for r in instance["roles"])
    staff = sum(
        _units(e["fte"]) - _units(e.get("reserved_fte", 0))
        for e in instance["employees"]
        if e.get("available", True)
    )
    assert staff < work <= staff + 500  # short by at most 0.05 fte: "just"
    # No holder is faster than the role's fte, so every covered unit costs a unit
    # of capacity and the shortfall cannot be absorbed.
    fte = {r["id"]: _units(r["fte"]) for r in instance["roles"]}
    assert all(_units(x["fte"]) >= fte[x["role"]] for x in instance["effort"])


@pytest.mark.parametrize("variant", ["normal", "tight"])
@pytest.mark.parametrize("tier", ["S", "M"])
def test_the_planted_plan_covers_everything_and_passes_the_checker(tier, variant):
    instance, plan = generate_with_plan(tier, 1, variant)
    assert plan["uncovered"] == [] and plan["missing_backups"] == []
    assert check_plan(instance, plan) == []


def test_the_planted_plan_of_an_infeasible_instance_names_the_shortfall():
    instance, plan = generate_with_plan("S", 0, "infeasible")
    assert [u["fte"] for u in plan["uncovered"]] == [0.05]
    assert check_plan(instance, plan) == []  # the least shortfall there can be


@pytest.mark.parametrize("tier", ["S", "M"])
def test_roles_are_open_to_a_handful_of_people(tier):
    instance = generate(tier, 0)
    counts = [len(_eligible(instance, r)) for r in instance["roles"]]
    assert 3 <= statistics.median(counts) <= 12
    assert min(counts) >= 2  # a holder and at least one possible backup


def test_instances_look_like_ommen():
    instance = generate("S", 0)
    contracts = {_units(e["fte"]) for e in instance["employees"]}
    assert contracts <= {5556, 6667, 7778, 8889, 10000}
    assert {e["base_function"] for e in instance["employees"]} == set("ABCDE")
    roles = instance["roles"]
    assert any(r.get("max_holders", 1) > 1 for r in roles)
    assert any(r.get("max_holders", 1) == 1 for r in roles)
    assert {r["backups"] for r in roles} <= {0, 1, 2}
    assert sum(r["backups"] >= 1 for r in roles) >= 0.95 * len(roles)
    wishes = {p["employee"] for p in instance["preferences"]}
    assert len(wishes) >= 0.7 * len(instance["employees"])
    choices = {p.get("choice") for p in instance["preferences"]}
    assert {"want", "avoid", "learn"} <= choices
    assert instance["previous"] and instance["pins"]
