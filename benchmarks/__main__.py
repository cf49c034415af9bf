"""``python -m benchmarks``: generate instances, run a tier, print the table.

python -m benchmarks run --tier S [--budgets 2,10,60] [--seeds 0,1]
    [--variants normal,tight,infeasible] [--methods product,naive,...]
    [--workers N] [--json results.json]
python -m benchmarks report results.json [more.json ...]
python -m benchmarks generate --tier M --seed 0 [--variant tight] -o inst.json
python -m benchmarks determinism --tier S [--seed 0] [--budget 10]
python -m benchmarks gap [--set small|medium|large|all] [--budget 60]
    [--methods product,naive,mip] [--only d10100,e20200] [--json out.json]
    (GAP instances from the literature against their best-known costs: gap.py)
python -m benchmarks replan [--seeds 0,1,2] [--budget 10] [--workers N]
    (one long absence re-planned from a solved S plan: benchmarks/replan.py)
python -m benchmarks load [--users 50] [--duration 60] [--max-requests 5000]
    (the web app under load: see benchmarks/load.py and docs/load.md)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

from .generate import TIERS, VARIANTS, generate


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def _words(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    if args_in[:1] == ["load"]:  # its own options: benchmarks/load.py
        from .load import main as load_main

        return load_main(args_in[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="measure every method on a tier")
    run.add_argument("--tier", choices=list(TIERS), required=True)
    run.add_argument("--budgets", type=_floats, default=[2.0, 10.0, 60.0])
    run.add_argument("--seeds", type=_ints, default=[0, 1])
    run.add_argument("--variants", type=_words, default=list(VARIANTS))
    run.add_argument(
        "--methods",
        type=_words,
        default=["product", "naive", "mip", "lp", "greedy", "previous", "planted"],
    )
    run.add_argument(
        "--workers", type=int, default=None, help="CP-SAT workers (default: all)"
    )
    run.add_argument("--json", help="also write every measurement to this file")

    rep = sub.add_parser("report", help="print the table of saved runs")
    rep.add_argument("files", nargs="+")

    gen = sub.add_parser("generate", help="write one instance (format v1)")
    gen.add_argument("--tier", choices=list(TIERS), required=True)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--variant", choices=VARIANTS, default="normal")
    gen.add_argument("-o", "--output", required=True)

    det = sub.add_parser("determinism", help="solve twice with one worker, compare")
    det.add_argument("--tier", choices=list(TIERS), default="S")
    det.add_argument("--seed", type=int, default=0)
    det.add_argument("--budget", type=float, default=10.0)

    gap = sub.add_parser("gap", help="GAP instances against their best-known costs")
    gap.add_argument("--set", choices=["small", "medium", "large", "all"],
                     default="medium")  # fmt: skip
    gap.add_argument("--only", type=_words, default=[], help="these files only")
    gap.add_argument("--budget", type=float, default=60.0)
    gap.add_argument("--methods", type=_words, default=["product", "naive", "mip"])
    gap.add_argument("--workers", type=int, default=None)
    gap.add_argument("--json", help="also write every measurement to this file")

    rep_plan = sub.add_parser("replan", help="re-plan one long absence (S tier)")
    rep_plan.add_argument("--seeds", type=_ints, default=[0, 1, 2])
    rep_plan.add_argument("--budget", type=float, default=10.0)
    rep_plan.add_argument("--workers", type=int, default=None)

    sub.add_parser(
        "load",
        add_help=False,
        help="medewerkers log in and save preferences at once (see --help there)",
    )

    args = parser.parse_args(argv)
    if args.command == "generate":
        with open(args.output, "w", encoding="utf-8") as fh:
            json.dump(generate(args.tier, args.seed, args.variant), fh, indent=1)
        return 0
    if args.command == "determinism":
        return _determinism(args.tier, args.seed, args.budget)
    if args.command == "gap":
        return _gap(args)
    if args.command == "replan":
        from .replan import main as replan_main

        return replan_main(args.seeds, args.budget, args.workers)

    from . import report
    from .runner import run_tier

    if args.command == "report":
        results = []
        budgets: list[float] = []
        for path in args.files:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            results += report.from_json(data["results"])
            budgets = data["budgets"]
        _print(results, budgets, None)
        return 0

    unknown = set(args.methods) - set(report.LABELS)
    if unknown:
        parser.error(f"unknown methods: {', '.join(sorted(unknown))}")
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    results = run_tier(
        args.tier, args.seeds, args.budgets, args.variants, args.methods, args.workers
    )
    meta = {
        "command": "python -m benchmarks " + " ".join(argv or sys.argv[1:]),
        "started": started,
        "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
    }
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(
                {"meta": meta, "budgets": args.budgets,
                 "results": report.to_json(results)},
                fh, indent=1, default=str,
            )  # fmt: skip
    _print(results, args.budgets, meta)
    return 0


def _print(results, budgets: list[float], meta: dict | None) -> None:
    from . import report

    print()
    if meta:
        print(f"`{meta['command']}` ({meta['machine']}; {meta['started']} to "
              f"{meta['finished']})")  # fmt: skip
        print()
    print(report.table(results, budgets))
    print()
    tiers = sorted({r.tier for r in results}, key=list(TIERS).index)
    for tier in tiers:
        print(f"Target {tier}: {report.TARGETS[tier]}")
        for line in report.verdicts([r for r in results if r.tier == tier], budgets):
            print(line)
        print()


def _gap(args: argparse.Namespace) -> int:
    from . import gap

    if args.only:
        names = args.only
    elif args.set == "all":
        names = [n for names in gap.SETS.values() for n in names]
    else:
        names = gap.SETS[args.set]
    unknown = set(args.methods) - set(gap.METHOD_LABELS)
    if unknown:
        print(f"unknown methods: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    rows = gap.run(names, args.budget, args.methods, args.workers)
    command = "python -m benchmarks " + " ".join(sys.argv[1:])
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"command": command, "started": started, "rows": rows}, fh,
                      indent=1)  # fmt: skip
    print()
    print(f"`{command}` ({machine}; {started} to {time.strftime('%H:%M:%S')})")
    print()
    print(gap.table(rows))
    return 0


def _determinism(tier: str, seed: int, budget: float) -> int:
    """Two runs of the product with workers=1 and a fixed seed: same plan?"""
    import tempfile

    from .runner import run_job

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(generate(tier, seed, "normal"), fh)
        path = fh.name
    hashes = []
    for attempt in range(2):
        job = {"instance_path": path, "method": "product", "budget": budget,
               "workers": 1, "seed": 0}  # fmt: skip
        result, _ = run_job(job, budget * 2 + 120)
        hashes.append(result.get("plan_hash"))
        print(
            f"run {attempt + 1}: status={result.get('status')} "
            f"wall={result.get('wall_s', 0):.2f}s J={result.get('J')} "
            f"plan={result.get('plan_hash')}"
        )
    os.unlink(path)
    same = hashes[0] is not None and hashes[0] == hashes[1]
    print("same plan twice" if same else "PLANS DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
