"""The benchmark's scoring and naive model agree with the product and the checker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks import naive, score
from benchmarks.generate import generate, generate_with_plan
from ommen_rollen.solver import (
    check_plan,
    evaluate_plan,
    parse_instance,
    plan_from_json,
)
from ommen_rollen.solver.weights import DEFAULT_WEIGHTS

ROOT = Path(__file__).resolve().parents[2]


def _tiny() -> dict:
    """Two roles, three people: the cheapest plan is known by hand."""
    emp = {"base_function": "B", "competences": {"ict": 2}}
    return {
        "version": 1,
        "name": "tiny",
        "employees": [
            {"id": "a", "name": "A", "fte": 1.0, **emp},
            {"id": "b", "name": "B", "fte": 0.6667, **emp},
            {"id": "c", "name": "C", "fte": 0.8889, **emp},
        ],
        "roles": [
            {
                "id": "r1",
                "name": "R1",
                "cluster": "X",
                "fte": 0.8,
                "base_functions": ["B"],
                "requires": {"ict": 2},
                "backups": 1,
            },
            {
                "id": "r2",
                "name": "R2",
                "cluster": "X",
                "fte": 0.6,
                "base_functions": ["B"],
                "requires": {"ict": 1},
                "backups": 1,
                "max_holders": 2,
                "min_share": 0.2,
            },
        ],  # fmt: skip
        "preferences": [
            {"employee": "b", "role": "r2", "choice": "want"},
            {"employee": "a", "role": "r2", "choice": "avoid"},
        ],
        "previous": [{"employee": "c", "role": "r1", "kind": "holder", "fte": 0.8}],
        "pins": [],
        "forbid": [],
        "effort": [],
        "settings": {"max_backup_share": 1.5},
    }


def test_the_benchmark_weights_mirror_the_products_defaults():
    assert score.DEFAULT_WEIGHTS == DEFAULT_WEIGHTS


def test_the_soft_part_of_j_equals_the_products_own_evaluation():
    instance, plan = generate_with_plan("S", 0, "normal")
    ours = score.score_plan(instance, plan)
    theirs = evaluate_plan(parse_instance(instance), plan_from_json(plan))
    assert ours["soft"] == theirs["total"]


def test_j_puts_coverage_before_backups_before_the_soft_terms():
    instance = generate("S", 0)
    w = score.weights_of(instance)
    n_backups = sum(r["backups"] for r in instance["roles"])
    assert w.backup > 0
    assert w.cover > w.backup * score.CRITICAL * n_backups


def test_the_naive_model_solves_a_tiny_instance_to_a_checked_optimum():
    instance = _tiny()
    for solver in ("cpsat", "highs"):
        result = naive.solve(instance, solver, 10)
        assert result["termination"] == "optimal"
        plan = result["plan"]
        assert check_plan(instance, plan) == []
        scored = score.score_plan(instance, plan)
        assert scored["uncovered_units"] == 0 and scored["missing_backups"] == 0
        assert scored["J"] == round(result["objective"])
        # c keeps r1 (continuity), b gets the wanted r2 share, a only backs up.
        holders = {
            (a["employee"], a["role"])
            for a in plan["assignments"]
            if a["kind"] == "holder"
        }
        assert ("c", "r1") in holders and ("b", "r2") in holders
        assert ("a", "r2") not in holders


def test_the_lp_relaxation_bounds_the_optimum_from_below():
    instance = _tiny()
    lp = naive.solve(instance, "lp", 10)
    best = naive.solve(instance, "cpsat", 10)
    assert lp["objective"] <= best["objective"] + 1e-6


def test_the_previous_plan_baseline_reports_what_it_leaves_open():
    instance = generate("S", 0)
    plan = score.previous_plan(instance)
    scored = score.score_plan(instance, plan)
    reported = sum(score.units(u["fte"]) for u in plan["uncovered"])
    assert reported == scored["uncovered_units"] > 0  # new roles this period
    assert (
        sum(m["missing"] for m in plan["missing_backups"]) == scored["missing_backups"]
    )
    assert scored["terms"]["continuity"] < len(instance["previous"])


def test_the_runner_measures_a_run_in_its_own_process(tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(__import__("json").dumps(_tiny()), encoding="utf-8")
    from benchmarks.runner import run_job

    result, peak_mb = run_job(
        {"instance_path": str(path), "method": "mip", "budget": 5}, 120
    )
    assert result["status"] == "optimal"
    assert result["n_violations"] == 0 and result["full"]
    assert peak_mb > 20  # the child's own resident memory, OR-Tools included


def test_the_benchmarks_command_prints_its_usage():
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "run" in out.stdout and "determinism" in out.stdout


def test_highs_log_rows_give_time_and_best_solution():
    from benchmarks.naive import _highs_log_point

    row = " H  120  3  5   12.00%   1015.08     1100     7.7%  5  5  5  5000  12.3s"
    assert _highs_log_point(row) == (12.3, 1100.0)
    assert _highs_log_point("  Status            Time limit reached") is None
    assert _highs_log_point(row.replace("1100 ", "inf ")) is None


def test_the_table_reads_j_at_each_budget_and_the_first_full_plan():
    from benchmarks import report
    from benchmarks.runner import InstanceResult, Run

    res = InstanceResult("S", 0, "normal", 50, 100, 0.95)
    res.runs = [
        Run("product", 2, {"status": "feasible", "J": 5e11, "wall_s": 2.0,
                           "trace": [[1.5, 9.0, False]], "n_violations": 0}, 100),
        Run("product", 10, {"status": "optimal", "J": 980, "wall_s": 4.0,
                            "trace": [[3.0, 1.0, True]], "n_violations": 0}, 110),
        Run("product", 60, {"status": "optimal", "J": 980, "wall_s": 4.0,
                            "trace": [[3.0, 1.0, True]], "n_violations": 0}, 110,
            reused=True),
        Run("naive", 60, {"status": "feasible", "J": 990, "build_s": 1.0,
                          "trace": [[2.0, 7e11, False], [20.0, 990, True]],
                          "bound": 950, "n_violations": 0}, 300),
        Run("lp", 60, {"status": "optimal", "objective": 940.0}, 150),
    ]  # fmt: skip
    assert report.best_bound(res) == 950
    assert report.j_at(res, "naive", 2) == 7e11
    assert report.j_at(res, "naive", 10) == 7e11
    assert report.j_at(res, "naive", 60) == 990
    assert report.first_full(res, "product") == "3.00"
    assert report.first_full(res, "naive") == "20.00"
    text = report.table([res], [2, 10, 60])
    assert "| S/0/normal (95.0%) | product (solve) | optimal | 3.00 |" in text
    assert "3.1%" in text  # (980 - 950) / 980
    (verdict,) = report.verdicts([res], [2, 10, 60])
    assert verdict.startswith("- S/0/normal: MISSED: first full plan 3.00 s")
    assert "proven optimal after 4.00 s (MET" in verdict
