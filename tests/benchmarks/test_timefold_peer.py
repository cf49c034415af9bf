"""The Timefold peer (benchmarks/timefold_peer.py) builds the same problem and its
plans pass the independent checker. Needs the ``bench`` extra and Java."""

from __future__ import annotations

import shutil

import pytest

if shutil.which("java") is None:
    pytest.skip("Timefold needs Java 17 (not on this machine)", allow_module_level=True)
timefold_peer = pytest.importorskip(
    "benchmarks.timefold_peer",
    reason="Timefold is a benchmark peer only: pip install -e '.[bench]'",
)

from benchmarks import score  # noqa: E402
from ommen_rollen.solver import check_plan  # noqa: E402


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


def test_the_solved_plan_is_complete_and_passes_the_checker() -> None:
    instance = _instance()
    out = timefold_peer.solve(instance, 3)
    assert check_plan(instance, out["plan"]) == []
    scored = score.score_plan(instance, out["plan"])
    assert scored["uncovered_units"] == 0
    assert scored["missing_backups"] == 0
    assert out["bests"], "the best-solution trace is empty"
