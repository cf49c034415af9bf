"""`ommen-rollen solve INSTANCE.json -o PLAN.json` and `ommen-rollen check ...`."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import wording

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_INVALID = 2


def _read_json(path: str) -> Any:
    with Path(path).open(encoding="utf-8") as handle:
        return json.load(handle, parse_float=Decimal)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ommen-rollen")
    commands = parser.add_subparsers(dest="command", required=True)
    solve = commands.add_parser("solve", help="los een instantie op tot een plan")
    solve.add_argument("instance", help="INSTANCE.json (instance format v1)")
    solve.add_argument("-o", "--output", required=True, help="PLAN.json")
    solve.add_argument("--time-limit", type=float, default=None, help="seconden")
    solve.add_argument("--workers", type=int, default=None)
    solve.add_argument("--seed", type=int, default=None)
    check = commands.add_parser("check", help="controleer een plan onafhankelijk")
    check.add_argument("instance", help="INSTANCE.json")
    check.add_argument("plan", help="PLAN.json")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a solver command; returns the exit code (0 ok, 1 violations, 2 invalid)."""
    args = _parser().parse_args(argv)
    try:
        instance_data = _read_json(args.instance)
    except (OSError, ValueError) as exc:
        print(f"{args.instance}: niet te lezen als JSON: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.command == "check":
        return _check(instance_data, args.plan)
    return _solve(instance_data, args)


def _solve(data: Any, args: argparse.Namespace) -> int:
    from . import InstanceError, parse_instance, solve

    try:
        instance = parse_instance(data)
    except InstanceError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        return EXIT_INVALID
    plan = solve(
        instance, time_limit_s=args.time_limit, workers=args.workers, seed=args.seed
    )
    Path(args.output).write_text(
        json.dumps(plan.to_json(), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    m = plan.metrics
    missing = int(m.get("missing_backups") or 0)
    print(
        f"{plan.status}: {m.get('uncovered_fte')} fte onbezet, "
        f"{wording.count_verb(missing, 'vervanger', 'ontbreekt')}, "
        f"{m.get('wall_s')} s -> {args.output}"
    )
    for line in _summary(plan.to_json()):
        print(line)
    for error in plan.errors:
        print(error, file=sys.stderr)
    return EXIT_OK


def _summary(plan: dict[str, Any]) -> list[str]:
    """The biggest risk and the formation advice of a plan, as Dutch lines."""
    lines = []
    v = plan.get("vulnerability") or {}
    spof = v.get("single_points") or {}
    alone = spof.get("roles_without_backup") or []
    if alone:
        lines.append(f"Zonder vervanger: {', '.join(alone)}")
    ranking = v.get("ranking") or []
    if ranking:
        worst = (v.get("absence") or {}).get(ranking[0]) or {}
        if worst.get("uncovered_fte"):
            lines.append(
                f"Grootste risico: afwezigheid van {ranking[0]} laat "
                f"{worst['uncovered_fte']} fte liggen "
                f"({worst.get('uncovered_critical_fte', 0)} fte kritiek)"
            )
    hires = (plan.get("formation") or {}).get("hires") or []
    if hires:
        total = plan["formation"].get("total_fte")
        lines.append(f"Formatieadvies ({total} fte):")
        lines.extend(f"  {h['text']}" for h in hires)
    return lines


def _check(instance_data: Any, plan_path: str) -> int:
    from .checker import check_plan

    try:
        plan_data = _read_json(plan_path)
    except (OSError, ValueError) as exc:
        print(f"{plan_path}: niet te lezen als JSON: {exc}", file=sys.stderr)
        return EXIT_INVALID
    violations = check_plan(instance_data, plan_data)
    if not violations:
        print("Plan voldoet aan alle harde regels.")
        return EXIT_OK
    for violation in violations:
        print(violation)
    return EXIT_VIOLATIONS
