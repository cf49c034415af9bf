"""The Timefold peer (benchmarks/timefold_peer.py) builds the same problem and its
plans pass the independent checker. Solving needs the ``bench`` extra and a JDK."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from benchmarks import score, timefold_peer
from ommen_rollen.solver import check_plan

needs_timefold = pytest.mark.skipif(
    importlib.util.find_spec("timefold") is None or shutil.which("javac") is None,
    reason="Timefold is a benchmark peer only: pip install -e '.[bench]' and a JDK 17",
)


def _instance() -> dict:
    emp = {"base_function": "B", "competences": {"ict": 2}}
    return {
        "version": 1,
        "employees": [
            {"id": "a", "fte": 1.0, **emp},
            {"id": "b", "fte": 0.5, **emp},
            {"id": "c", "fte": 0.5, "base_function": "C"},
        ],
        "roles": [
            {"id": "r1", "fte": 0.5, "base_functions": ["B"], "requires": {"ict": 1}},
            {"id": "r2", "fte": 0.4, "base_functions": ["B", "C"], "backups": 1},
            {
                "id": "r3",
                "fte": 0.6,
                "base_functions": ["B"],
                "max_holders": 2,
                "min_share": 0.2,
                "backups": 0,
            },
        ],  # fmt: skip
        "preferences": [{"employee": "b", "role": "r1", "choice": "want"}],
        "forbid": [{"employee": "c", "role": "r2", "kind": "backup"}],
        "settings": {"max_backup_share": 1.0},
    }


def test_slots_follow_the_rules_of_the_instance() -> None:
    problem = timefold_peer.build(_instance())
    slots = {s.id: s for s in problem.holders}
    assert [s.share for s in problem.holders if s.role == "r3"] == [3000, 3000]
    assert {p.id for p in slots["r1/0"].eligible} == {"a", "b"}
    assert slots["r1/0"].hold_cost["b"] == 1 - 10  # fragments minus a granted want
    (backup,) = [b for b in problem.backups if b.role == "r2"]
    assert {p.id for p in backup.eligible} == {"a", "b"}  # c's backup is forbidden


def test_the_problem_text_lists_every_slot_with_its_people() -> None:
    problem = timefold_peer.build(_instance())
    lines = timefold_peer.problem_text(problem).splitlines()
    assert lines[0] == "3"  # people: a, b, c
    assert lines[1:4] == [
        "10000 10000 1000000",
        "5000 5000 1000000",
        "5000 5000 1000000",
    ]
    holders = int(lines[4])
    assert holders == len(problem.holders) == 4  # r1, r2 and two halves of r3
    # r1: role number, share, weight, not pinned, 2 eligible: a and b with load, cost
    assert lines[5].split()[1:] == [
        "5000",
        "1",
        "-1",
        "2",
        "0",
        "5000",
        "1",
        "1",
        "5000",
        "-9",
    ]


def test_a_solution_becomes_a_plan_with_its_shortfalls() -> None:
    problem = timefold_peer.build(_instance())
    holders = [0] * len(problem.holders)  # everything on a
    backups = [-1] * len(problem.backups)
    plan = timefold_peer.to_plan(problem, holders, backups)
    held = {(a["employee"], a["role"]): a["fte"] for a in plan["assignments"]}
    assert held[("a", "r3")] == "0.6000"  # both halves on one person: one share
    assert {m["role"] for m in plan["missing_backups"]} == {"r1", "r2"}
    assert plan["uncovered"] == []


@needs_timefold
def test_the_solved_plan_is_complete_and_passes_the_checker() -> None:
    instance = _instance()
    out = timefold_peer.solve(instance, 3)
    assert check_plan(instance, out["plan"]) == []
    scored = score.score_plan(instance, out["plan"])
    assert scored["uncovered_units"] == 0
    assert scored["missing_backups"] == 0
    assert out["bests"], "the best-solution trace is empty"
