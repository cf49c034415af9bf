"""`ommen-rollen solve INSTANCE.json -o PLAN.json` and `ommen-rollen check ...`.

``solve --from-plan APPROVED.json [--changes CHANGES.json] [--disruption-weight N]
[--write-instance SOLVED.json]`` re-plans an approved plan with the least
disruption (solver/replan.py), so any scenario can be reproduced from files.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import wording

if TYPE_CHECKING:
    from .plan import Plan

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
    solve.add_argument(
        "--from-plan",
        default=None,
        help="PLAN.json: herplan vanuit dit (vastgestelde) plan, zo min mogelijk "
        "wijzigingen",
    )
    solve.add_argument(
        "--changes",
        default=None,
        help="CHANGES.json: lijst van wijzigingen (afwezig, contract, rol erbij/"
        "eraf/groter/kleiner, nieuwe medewerker); alleen met --from-plan",
    )
    solve.add_argument(
        "--disruption-weight",
        type=int,
        default=None,
        help="gewicht van elke gewijzigde fte-eenheid (standaard 1); alleen met "
        "--from-plan",
    )
    solve.add_argument(
        "--write-instance",
        default=None,
        help="schrijf de opgeloste instantie (met wijzigingen) hierheen, voor "
        "`ommen-rollen check`",
    )
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
    from . import InstanceError, instance_to_json, parse_instance, solve

    if args.from_plan is None and (
        args.changes is not None or args.disruption_weight is not None
    ):
        print("--changes en --disruption-weight vragen --from-plan", file=sys.stderr)
        return EXIT_INVALID
    try:
        if args.from_plan is None:
            instance = parse_instance(data)
            plan = solve(
                instance,
                time_limit_s=args.time_limit,
                workers=args.workers,
                seed=args.seed,
            )
        else:
            replanned = _replan(data, args)
            if isinstance(replanned, int):
                return replanned
            instance, plan = replanned
    except InstanceError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        return EXIT_INVALID
    if args.write_instance:
        Path(args.write_instance).write_text(
            json.dumps(instance_to_json(instance), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
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
    if args.from_plan is not None:
        from .replan import disruption_summary

        changed = disruption_summary(instance, plan)
        print(
            f"Herplanning: {changed['fte']} fte gewijzigd bij "
            f"{wording.count(len(changed['people']), 'medewerker')}: "
            f"{', '.join(changed['people']) or '-'}"
        )
    for line in _summary(plan):
        print(line)
    for error in plan.errors:
        print(error, file=sys.stderr)
    return EXIT_OK


def _replan(data: Any, args: argparse.Namespace) -> Any:
    """(instance, plan) of a re-plan, or an exit code when a file is unreadable."""
    from .replan import DEFAULT_DISRUPTION_WEIGHT, solve_from_plan

    files: dict[str, Any] = {}
    for name, path in (("plan", args.from_plan), ("changes", args.changes)):
        if path is None:
            continue
        try:
            files[name] = _read_json(path)
        except (OSError, ValueError) as exc:
            print(f"{path}: niet te lezen als JSON: {exc}", file=sys.stderr)
            return EXIT_INVALID
    changes = files.get("changes", [])
    if not isinstance(changes, list) or not isinstance(files["plan"], dict):
        print(
            "--changes moet een JSON-lijst zijn en --from-plan een plan (object)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    weight = args.disruption_weight
    return solve_from_plan(
        data,
        files["plan"],
        changes=changes,
        disruption_weight=DEFAULT_DISRUPTION_WEIGHT if weight is None else weight,
        time_limit_s=args.time_limit,
        workers=args.workers,
        seed=args.seed,
    )


def _summary(plan: Plan) -> list[str]:
    """The biggest risk and the formation advice of a plan, as Dutch lines."""
    from .instance import fte_number

    lines = []
    v = plan.vulnerability
    alone = v.single_points.roles_without_backup if v else ()
    if alone:
        lines.append(f"Zonder vervanger: {', '.join(alone)}")
    worst = v.worst if v else None
    if worst is not None and worst.uncovered_fte:
        lines.append(
            f"Grootste risico: afwezigheid van {worst.employee} laat "
            f"{fte_number(worst.uncovered_fte)} fte liggen "
            f"({fte_number(worst.uncovered_critical_fte)} fte kritiek)"
        )
    if plan.formation is not None and plan.formation.hires:
        lines.append(f"Formatieadvies ({fte_number(plan.formation.total_fte)} fte):")
        lines.extend(f"  {h.text}" for h in plan.formation.hires)
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
