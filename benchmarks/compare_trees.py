"""Before/after: the product's solver from two source trees on the same instances.

    git worktree add /tmp/before <commit>
    python -m benchmarks.compare_trees --before /tmp/before --tier S \\
        --seeds 0,1 --variants normal,tight --budgets 2,10

Every run is its own Python process (``python -c`` with the tree on ``sys.path``),
one after the other, so both trees get the same machine. Instances come from this
tree's generator; settings the older tree does not know are dropped for it. Prints
one table row per instance and budget: first complete plan (s), uncovered fte,
missing backups and J (benchmarks/score.py) before -> after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess  # nosec B404 - runs this machine's own Python on our own code
import sys
import tempfile
from pathlib import Path

from .generate import generate
from .score import score_plan

HERE = Path(__file__).resolve().parents[1]

RUN = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from ommen_rollen.solver import parse_instance, solve
data = json.load(open(sys.argv[2]))
start = time.monotonic()
first = []
def progress(p):
    if not first and p.uncovered_units == 0 and p.missing_backups == 0:
        first.append(round(time.monotonic() - start, 2))
limit = float(sys.argv[3])
plan = solve(parse_instance(data), time_limit_s=limit, on_progress=progress)
out = plan.to_json()
out["first_full_s"] = first[0] if first else None
json.dump(out, open(sys.argv[4], "w"))
"""


def _run(tree: Path, instance: dict, budget: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "i.json", Path(tmp) / "p.json"
        src.write_text(json.dumps(instance), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        subprocess.run(  # nosec B603 - fixed argument list, no shell
            [sys.executable, "-c", RUN, str(tree), str(src), str(budget), str(dst)],
            check=True,
            cwd=tmp,
            env=env,
        )
        return json.loads(dst.read_text(encoding="utf-8"))


def _fte(units: int) -> str:
    return f"{units / 10_000:.4f}"


def _cell(before: object, after: object) -> str:
    return f"{before} -> {after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare_trees")
    parser.add_argument("--before", required=True, help="source tree of the before")
    parser.add_argument("--tier", default="S")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--variants", default="normal,tight")
    parser.add_argument("--budgets", default="2,10")
    args = parser.parse_args(argv)
    print(
        "| instance | budget (s) | first complete (s) | uncovered fte | "
        "missing backups | J |"
    )
    print("|---|---|---|---|---|---|")
    for variant in args.variants.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            data = generate(args.tier, seed, variant)
            old = json.loads(json.dumps(data))
            old["settings"].pop("split_step_minutes", None)
            for budget in (float(b) for b in args.budgets.split(",")):
                a = _run(Path(args.before).resolve(), old, budget)
                b = _run(HERE, data, budget)
                sa, sb = score_plan(data, a), score_plan(data, b)
                first = _cell(
                    a["first_full_s"] or "never", b["first_full_s"] or "never"
                )
                uncovered = _cell(
                    _fte(sa["uncovered_units"]), _fte(sb["uncovered_units"])
                )
                missing = _cell(sa["missing_backups"], sb["missing_backups"])
                j = _cell(f"{sa['J']:.3g}", f"{sb['J']:.3g}")
                print(
                    f"| {args.tier}/{seed}/{variant} | {budget:g} | {first} | "
                    f"{uncovered} | {missing} | {j} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
