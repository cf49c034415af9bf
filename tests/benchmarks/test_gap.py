"""GAP instances from the literature as instances v1: the conversion is exact and the
product finds the published optimum of small ones (benchmarks/gap.py)."""

from __future__ import annotations

import pytest

from benchmarks import gap
from ommen_rollen.solver import check_plan, parse_instance, solve

# 2 agents, 3 jobs: costs, resources, capacities (single-problem file format).
TINY = """2 3
 4 1 3
 2 5 1
 3 2 2
 2 2 4
 4 5
"""


def test_single_and_multi_problem_files_parse_alike() -> None:
    (one,) = gap.parse("tiny", TINY)
    assert one.cost == [[4, 1, 3], [2, 5, 1]]
    assert one.resource == [[3, 2, 2], [2, 2, 4]]
    assert one.capacity == [4, 5]
    both = gap.parse("twice", "2\n" + TINY + TINY)
    assert [g.name for g in both] == ["twice#0", "twice#1"]
    assert both[1] == gap.Gap("twice#1", one.cost, one.resource, one.capacity)


def test_a_truncated_file_is_refused() -> None:
    with pytest.raises(ValueError, match="onvolledig"):
        gap.parse("kapot", "2 3\n 4 1 3\n")


def test_the_product_solves_the_tiny_gap_to_its_optimum() -> None:
    # By hand: jobs 1 and 2 to agent 0 (load 2 + 2 = 4, cost 1 + 3) and job 0 to
    # agent 1 (cost 2) is the only plan of cost 6; job 2 on agent 1 (load 4) leaves
    # jobs 0 and 1 for agent 0 (load 5 > 4), and every other plan costs more.
    (tiny,) = gap.parse("tiny", TINY)
    instance = gap.to_instance(tiny)
    plan = solve(parse_instance(instance), time_limit_s=10, workers=1, seed=0)
    data = plan.to_json()
    assert check_plan(instance, data) == []
    assert gap.plan_cost(tiny, data) == (6, "ok")
    assert data["objective"]["value"] == 6  # the product's J is the GAP cost


def test_plan_cost_refuses_what_is_no_gap_solution() -> None:
    (tiny,) = gap.parse("tiny", TINY)
    over = {
        "assignments": [
            {"employee": "a1", "role": f"j{j}", "kind": "holder"} for j in range(3)
        ]
    }
    assert gap.plan_cost(tiny, over) == (None, "capaciteit overschreden bij agent 1")
    assert gap.plan_cost(tiny, {"assignments": []}) == (None, "3 jobs niet toegewezen")


def test_orlibrary_gap1_first_problem_reaches_the_known_optimum() -> None:
    first = gap.load(["gap1"])[0]
    best, proven = gap.best_known()[first.name]
    assert proven
    instance = gap.to_instance(first)
    plan = solve(parse_instance(instance), time_limit_s=20, workers=1, seed=0)
    data = plan.to_json()
    assert check_plan(instance, data) == []
    assert gap.plan_cost(first, data) == (best, "ok")


def test_every_named_file_is_in_the_data_folder() -> None:
    for names in gap.SETS.values():
        for name in names:
            assert (gap.DATA / f"{name}.txt").is_file(), name
    known = gap.best_known()
    for problem in gap.load(gap.SETS["small"] + gap.SETS["medium"]):
        assert problem.name in known, problem.name
