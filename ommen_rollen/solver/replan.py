"""Re-plan from an approved plan: scenarios and changes during a period.

``replan(instance, plan, changes=..., disruption_weight=...)`` returns the instance
to solve: the changes applied (someone absent, a lower contract, a role added,
removed or resized, a new hire), the approved plan as ``previous`` (holder shares
exact, backups and learners) and the disruption terms (disruption.py) switched on
with a weight that outranks every wish, so the solver keeps the approved plan
wherever it still fits, changes as few people and hours as it can and lets a
role's backups take over first. Pure: instance format dicts and dataclasses only.

A change is a dict (instance-format style, validated with Dutch messages):

- ``{"kind": "absence", "employee": ID}``: absent (ziek, verlof, vertrek) for the
  rest of the period;
- ``{"kind": "contract", "employee": ID, "fte": FTE}``: a lower (or other) contract;
- ``{"kind": "add_role", "role": {ROLE}}``: a new role (instance format roles[]);
- ``{"kind": "remove_role", "role": ID}``;
- ``{"kind": "resize_role", "role": ID, "fte": FTE}``;
- ``{"kind": "hire", "employee": {EMPLOYEE}}``: a new colleague (employees[]).

Optional ``from`` (a date, ``YYYY-MM-DD``) and ``note`` are kept for the people
who read the scenario; the solver plans one period and does not use them.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain import FteError, parse_fte
from .disruption import (
    changed_people,
    changed_units,
    previous_backups,
    previous_shares,
    takeovers,
)
from .eligibility import facts_of
from .instance import (
    Instance,
    InstanceError,
    fte_number,
    instance_to_json,
    parse_instance,
)
from .near import Near
from .plan import Plan
from .runner import Progress
from .shares import grid_value
from .solve import solve

CHANGE_KINDS = ("absence", "contract", "add_role", "remove_role", "resize_role", "hire")
CHANGE_KEYS: dict[str, tuple[str, ...]] = {
    "absence": ("employee",),
    "contract": ("employee", "fte"),
    "add_role": ("role",),
    "remove_role": ("role",),
    "resize_role": ("role", "fte"),
    "hire": ("employee",),
}
INFORMATIVE_KEYS = ("kind", "from", "note")

DEFAULT_DISRUPTION_WEIGHT = 1
# Per unit of disruption weight: one fte unit (0.0001 fte) changed costs 1, one
# person changed as much as 0.2 fte, a takeover by a non-backup as much as 0.1 fte,
# a previous assignment not repeated (continuity, also backups) as much as 0.05 fte.
# At weight 1 moving a 0.5 fte role costs 10,000 + 4,000: more than every wish of
# a 50-person round together, so wishes only choose between equally small changes.
PEOPLE_FACTOR = 2_000
TAKEOVER_FACTOR = 1_000
CONTINUITY_FACTOR = 500


def replan(
    instance: Instance,
    plan: Plan | Mapping[str, Any],
    *,
    changes: Iterable[Mapping[str, Any]] = (),
    disruption_weight: int = DEFAULT_DISRUPTION_WEIGHT,
) -> Instance:
    """The instance to solve for a re-plan of ``plan`` with ``changes``; raises
    InstanceError (Dutch messages) for an invalid change or weight."""
    data = replan_json(
        instance_to_json(instance),
        plan.to_json() if isinstance(plan, Plan) else plan,
        changes=changes,
        disruption_weight=disruption_weight,
    )
    return parse_instance(data)


def replan_json(
    instance: Mapping[str, Any],
    plan: Mapping[str, Any],
    *,
    changes: Iterable[Mapping[str, Any]] = (),
    disruption_weight: int = DEFAULT_DISRUPTION_WEIGHT,
) -> dict[str, Any]:
    """replan() on instance format and plan format dicts (the CLI's path)."""
    return _prepare(instance, plan, changes, disruption_weight).data


@dataclass
class _Prepared:
    data: dict[str, Any]  # the instance to solve (format v1)
    employees: set[str] = field(default_factory=set)  # changed or new employees
    roles: set[str] = field(default_factory=set)  # changed, new or removed roles


def _prepare(
    instance: Mapping[str, Any],
    plan: Mapping[str, Any],
    changes: Iterable[Mapping[str, Any]],
    disruption_weight: int,
) -> _Prepared:
    if (
        isinstance(disruption_weight, bool)
        or not isinstance(disruption_weight, int)
        or disruption_weight < 0
    ):
        raise InstanceError(["disruption_weight: moet een geheel getal >= 0 zijn"])
    prepared = _Prepared(copy.deepcopy(dict(instance)))
    data = prepared.data
    errors: list[str] = []
    for i, change in enumerate(changes):
        _apply(data, change, f"changes[{i}]", errors, prepared)
    if errors:
        raise InstanceError(errors)
    data["previous"] = _previous_from(data, plan)
    data["pins"] = [
        p
        for p in data.get("pins") or []
        if p.get("employee") not in prepared.employees
        and p.get("role") not in prepared.roles
    ]
    settings = dict(data.get("settings") or {})
    weights = dict(settings.get("weights") or {})
    n = disruption_weight
    weights["disruption_fte"] = n
    weights["disruption_people"] = PEOPLE_FACTOR * n
    weights["takeover"] = TAKEOVER_FACTOR * n
    weights["continuity"] = max(
        int(weights.get("continuity", 2)), CONTINUITY_FACTOR * n
    )
    settings["weights"] = weights
    data["settings"] = settings
    return prepared


def change_errors(
    instance: Mapping[str, Any], changes: Iterable[Mapping[str, Any]]
) -> list[str]:
    """The Dutch problems with ``changes`` on ``instance`` ([] when all apply)."""
    try:
        parse_instance(replan_json(instance, {"assignments": []}, changes=changes))
    except InstanceError as exc:
        return exc.errors
    return []


def _previous_from(
    data: Mapping[str, Any], plan: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The plan's assignments as ``previous``, for employees and roles that are
    still there; a holder share larger than a resized role is cut to the role."""
    employees = {e.get("id") for e in data.get("employees") or []}
    role_fte: dict[str, int] = {}
    for r in data.get("roles") or []:
        try:
            role_fte[r.get("id")] = parse_fte(str(r.get("fte")))
        except FteError:
            continue  # parse_instance names the bad fte
    previous: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for a in plan.get("assignments") or []:
        pair = (a.get("employee"), a.get("role"))
        if pair[0] not in employees or pair[1] not in role_fte or pair in seen:
            continue
        seen.add(pair)
        kind = a.get("kind", "holder")
        entry: dict[str, Any] = {"employee": pair[0], "role": pair[1], "kind": kind}
        if kind == "holder" and a.get("fte") is not None:
            try:
                share = parse_fte(str(a["fte"]))
            except FteError as exc:
                raise InstanceError([f"plan: assignments {pair}: {exc}"]) from exc
            entry["fte"] = fte_number(min(share, role_fte[pair[1]]))
        previous.append(entry)
    return previous


def _apply(
    data: dict[str, Any],
    change: Mapping[str, Any],
    where: str,
    errors: list[str],
    prepared: _Prepared,
) -> None:
    if not isinstance(change, Mapping):
        errors.append(f"{where}: moet een object zijn")
        return
    kind = change.get("kind")
    if kind not in CHANGE_KINDS:
        errors.append(f"{where}.kind: onbekend (bekend: {', '.join(CHANGE_KINDS)})")
        return
    required = CHANGE_KEYS[kind]
    for key in change:
        if key not in required and key not in INFORMATIVE_KEYS:
            errors.append(f"{where}.{key}: onbekend veld")
    for key in required:
        if key not in change:
            errors.append(f"{where}.{key}: ontbreekt")
    if "from" in change:
        try:
            dt.date.fromisoformat(str(change["from"]))
        except ValueError:
            errors.append(f"{where}.from: geen datum (JJJJ-MM-DD)")
    if any(key not in change for key in required):
        return
    employees = {e.get("id"): e for e in data.get("employees") or []}
    roles = {r.get("id"): r for r in data.get("roles") or []}
    if kind in ("absence", "contract"):
        employee = employees.get(change["employee"])
        if employee is None:
            errors.append(
                f"{where}.employee: onbekende medewerker {change['employee']!r}"
            )
            return
        prepared.employees.add(employee["id"])
        if kind == "absence":
            employee["available"] = False
            return
        fte = _fte(change["fte"], f"{where}.fte", errors)
        if fte is not None:
            employee["fte"] = change["fte"]
            reserved = parse_fte(str(employee.get("reserved_fte") or 0))
            if reserved > fte:
                employee["reserved_fte"] = change["fte"]
    elif kind == "hire":
        new = change["employee"]
        if not isinstance(new, Mapping) or new.get("id") in employees:
            errors.append(f"{where}.employee: een object met een nieuw id")
            return
        data.setdefault("employees", []).append(dict(new))
        prepared.employees.add(str(new.get("id")))
    elif kind == "add_role":
        new = change["role"]
        if not isinstance(new, Mapping) or new.get("id") in roles:
            errors.append(f"{where}.role: een object met een nieuw id")
            return
        data.setdefault("roles", []).append(dict(new))
        prepared.roles.add(str(new.get("id")))
    else:
        role = roles.get(change["role"])
        if role is None:
            errors.append(f"{where}.role: onbekende rol {change['role']!r}")
            return
        prepared.roles.add(role["id"])
        if kind == "remove_role":
            _remove_role(data, role["id"])
            return
        fte = _fte(change["fte"], f"{where}.fte", errors)
        if fte is not None:
            role["fte"] = change["fte"]
            if parse_fte(str(role.get("min_share") or role["fte"])) > fte:
                role["min_share"] = change["fte"]


def _remove_role(data: dict[str, Any], role_id: str) -> None:
    data["roles"] = [r for r in data.get("roles") or [] if r.get("id") != role_id]
    for key in ("preferences", "previous", "pins", "forbid", "effort"):
        data[key] = [x for x in data.get(key) or [] if x.get("role") != role_id]


def _fte(value: Any, where: str, errors: list[str]) -> int | None:
    try:
        units = parse_fte(str(value))
    except FteError as exc:
        errors.append(f"{where}: {exc}")
        return None
    if units <= 0:
        errors.append(f"{where}: moet groter zijn dan 0")
        return None
    return units


# ------------------------------------------------------------------- solving


RING_STEP = 5  # colleagues added to the first growing ring (tripled each time)


def solve_from_plan(
    instance: Instance | Mapping[str, Any],
    plan: Plan | Mapping[str, Any],
    *,
    changes: Iterable[Mapping[str, Any]] = (),
    disruption_weight: int = DEFAULT_DISRUPTION_WEIGHT,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[Instance, Plan]:
    """Re-plan ``plan`` with ``changes``: the instance solved (replan()) and its plan.

    Least disruption first (near.py): growing rings of people around the change
    are re-planned while everyone else keeps what the approved plan gave them to
    hold and learn; the first ring that repairs what the change broke wins: it
    leaves no more uncovered and lacks no more backups than the approved plan did
    (or than any plan must; when the organisation no longer has the capacity, the
    work beyond it plus one split step may stay uncovered). Else the whole
    organisation is re-planned, with the disruption terms, from the approved plan
    or the warm start, whichever is better. The plan keeps every hard rule of the
    returned instance.
    """
    base_json = (
        instance_to_json(instance) if isinstance(instance, Instance) else instance
    )
    plan_json = plan.to_json() if isinstance(plan, Plan) else plan
    prepared = _prepare(base_json, plan_json, list(changes), disruption_weight)
    target = parse_instance(prepared.data)
    started = time.monotonic()
    near = None
    if disruption_weight:  # weight 0 re-plans freely: no ring keeps anyone's roles
        deficit = _deficit(target)
        slack = grid_value(1, target.settings.split_step_minutes) if deficit else 0
        near = Near(
            rings=[frozenset(r) for r in _rings(target, prepared)],
            uncovered_ok=max(_uncovered_before(target, prepared), deficit + slack),
            missing_ok=_missing_before(target),
        )
    result = solve(
        target,
        time_limit_s=time_limit_s,
        workers=workers,
        seed=seed,
        on_progress=on_progress,
        should_stop=should_stop,
        near=near,
    )
    ring = result.metrics.get("near_ring")
    result.metrics["replan_ring"] = ring if ring is not None else len(target.employees)
    result.metrics["replan_rings_tried"] = result.metrics.get("near_rings_tried", 0)
    result.metrics["replan_wall_s"] = round(time.monotonic() - started, 3)
    return target, result


def _rings(target: Instance, prepared: _Prepared) -> list[set[str]]:
    """Growing sets of employees to re-plan (everyone else keeps their plan):

    0. the people a change touches (and the holders of a changed role);
    1. also the backups of the roles they held (first in line);
    2. then, RING_STEP at a time and three times as many each time, the colleagues
       who may hold a role held in the ring so far or back up a role backed up in
       it, most fte to spare first (the knock-on: who takes over what a new holder
       has to let go, and who backs up what a ring member no longer can).
    """
    holders_of: dict[str, set[str]] = defaultdict(set)
    backups_of: dict[str, set[str]] = defaultdict(set)
    held_by: dict[str, set[str]] = defaultdict(set)
    backed_by: dict[str, set[str]] = defaultdict(set)
    load: dict[str, int] = defaultdict(int)
    for p in target.previous:
        if p.kind == "holder":
            holders_of[p.role].add(p.employee)
            held_by[p.employee].add(p.role)
            load[p.employee] += p.fte or target.role(p.role).fte
        elif p.kind == "backup":
            backups_of[p.role].add(p.employee)
            backed_by[p.employee].add(p.role)
    facts = facts_of(target)
    eligible: dict[str, set[str]] = defaultdict(set)
    for e, r in facts.holder_pairs:
        eligible[r].add(e)
    may_back: dict[str, set[str]] = defaultdict(set)
    for e, r in facts.backup_pairs:
        may_back[r].add(e)
    spare = {e.id: e.capacity - load[e.id] for e in target.employees}

    ring = set(prepared.employees)
    for role in prepared.roles:
        ring |= holders_of[role]
    rings = [set(ring)]
    open_roles = set(prepared.roles) | {r for e in ring for r in held_by[e]}
    ring |= {b for r in open_roles for b in backups_of[r]}
    rings.append(set(ring))
    step = RING_STEP
    everyone = {e.id for e in target.employees}
    while ring != everyone:
        open_roles |= {r for e in ring for r in held_by[e]}
        backed = {r for e in ring for r in backed_by[e]}
        candidates = (
            {e for r in open_roles for e in eligible[r]}
            | {e for r in backed for e in may_back[r]}
        ) - ring
        if not candidates:
            break
        ranked = sorted(candidates, key=lambda e: (-spare[e], e))
        ring |= set(ranked[:step])
        rings.append(set(ring))
        step *= 3
    unique: list[set[str]] = []
    for found in rings:
        if found and found != everyone and (not unique or found != unique[-1]):
            unique.append(found)
    return unique


def _deficit(target: Instance) -> int:
    """Fte units no plan can cover: the work beyond everyone's capacity (0 with
    efforts, which change loads)."""
    if target.effort:
        return 0
    work = sum(r.fte for r in target.roles)
    return max(0, work - sum(e.capacity for e in target.employees))


def _uncovered_before(target: Instance, prepared: _Prepared) -> int:
    """Fte units the approved plan left uncovered in the roles no change touches
    (a new or resized role is to be covered whole)."""
    held: dict[str, int] = defaultdict(int)
    for p in target.previous:
        if p.kind == "holder":
            held[p.role] += p.fte or target.role(p.role).fte
    return sum(
        max(0, r.fte - held[r.id]) for r in target.roles if r.id not in prepared.roles
    )


def _missing_before(target: Instance) -> int:
    """Backups the approved plan lacks for the roles of ``target``."""
    count: dict[str, int] = defaultdict(int)
    for p in target.previous:
        if p.kind == "backup":
            count[p.role] += 1
    return sum(max(0, r.backups - count[r.id]) for r in target.roles)


def disruption_summary(instance: Instance, plan: Plan) -> dict[str, Any]:
    """What ``plan`` changes against ``instance.previous``: the changed holder fte
    (a number), the people changed (ids, sorted) and the takeovers by non-backups."""
    before = previous_shares(instance)
    holders: dict[tuple[str, str], int] = defaultdict(int)
    for a in plan.assignments:
        if a.kind == "holder":
            holders[a.employee, a.role] += a.fte or 0
    return {
        "fte": fte_number(changed_units(before, holders)),
        "people": sorted(changed_people(before, holders)),
        "takeovers": takeovers(before, previous_backups(instance), holders),
    }
