"""Re-plan from an approved plan: scenarios and changes during a period.

``replan(instance, plan, changes=..., disruption_weight=...)`` returns the instance
to solve: the changes applied (someone absent, a lower contract, a role added,
removed or resized, a new hire), the approved plan as ``previous`` (holder shares
exact, backups and learners) and the disruption terms (disruption.py) switched on
with a weight that outranks every wish, so the solver keeps the approved plan
wherever it still fits, changes as few people and hours as it can and lets a
role's backups take over first. Pure: dataclasses in and out; the JSON
formats only at the edge (``replan_json`` and ``solve_from_plan`` on the CLI's
files, read once).

A change is a typed one of changes.py (Absence, ContractChange, AddRole,
RemoveRole, ResizeRole, Hire), checked once against the instance there; at the
JSON edge the same in its JSON format (instance-format style, validated with
Dutch messages):

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

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any, cast, overload

from ..domain import AssignmentKind, FteError, PlanStatus, parse_fte
from .changes import Applied, Change, apply_changes, apply_json_changes
from .disruption import (
    changed_people,
    changed_units,
    previous_backups,
    previous_shares,
    takeovers,
)
from .eligibility import facts_of
from .instance import (
    Assignment,
    Instance,
    InstanceError,
    fte_number,
    instance_to_json,
    parse_instance,
)
from .near import Near
from .plan import Plan, PlanAssignment
from .runner import Progress
from .shares import grid_value
from .solve import solve

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
    plan: Plan,
    *,
    changes: Iterable[Change] = (),
    disruption_weight: int = DEFAULT_DISRUPTION_WEIGHT,
) -> Instance:
    """The instance to solve for a re-plan of ``plan`` with ``changes``; raises
    InstanceError (Dutch messages) for an invalid change or weight."""
    _check_weight(disruption_weight)
    return _prepare(apply_changes(instance, changes), plan, disruption_weight).instance


def replan_json(
    instance: Mapping[str, Any],
    plan: Mapping[str, Any],
    *,
    changes: Iterable[Mapping[str, Any]] = (),
    disruption_weight: int = DEFAULT_DISRUPTION_WEIGHT,
) -> dict[str, Any]:
    """replan() on instance format, plan format and changes dicts (the files of
    the CLI)."""
    applied = _from_json(instance, plan, changes, disruption_weight)
    return instance_to_json(applied.instance)


def _from_json(
    instance: Mapping[str, Any],
    plan: Mapping[str, Any],
    changes: Iterable[Any],
    disruption_weight: int,
) -> Applied:
    """The JSON edge, read once: the instance parsed, the changes read and made
    (a change that cannot be read refused beside those that do not apply), the
    approved plan read with _approved_from_json; then as replan prepares it."""
    _check_weight(disruption_weight)
    applied = apply_json_changes(parse_instance(instance), changes)
    return _prepare(applied, _approved_from_json(plan), disruption_weight)


def _check_weight(disruption_weight: int) -> None:
    if (
        isinstance(disruption_weight, bool)
        or not isinstance(disruption_weight, int)
        or disruption_weight < 0
    ):
        raise InstanceError(["disruption_weight: moet een geheel getal >= 0 zijn"])


def _prepare(applied: Applied, plan: Plan, disruption_weight: int) -> Applied:
    """The changed instance with ``plan`` as previous, the disruption terms
    weighted and no pin of a changed employee or role."""
    target = applied.instance
    n = disruption_weight
    weights = dict(target.settings.weights)
    weights["disruption_fte"] = n
    weights["disruption_people"] = PEOPLE_FACTOR * n
    weights["takeover"] = TAKEOVER_FACTOR * n
    weights["continuity"] = max(target.weight("continuity"), CONTINUITY_FACTOR * n)
    target = replace(
        target,
        previous=_previous_from(target, plan),
        pins=tuple(
            p
            for p in target.pins
            if p.employee not in applied.employees and p.role not in applied.roles
        ),
        settings=replace(target.settings, weights=weights),
    )
    return replace(applied, instance=target)


def _previous_from(target: Instance, plan: Plan) -> tuple[Assignment, ...]:
    """The plan's assignments as ``previous``, for employees and roles that are
    still there; a holder share larger than a resized role is cut to the role."""
    employees = set(target.employee_by_id)
    role_fte = {r.id: r.fte for r in target.roles}
    previous: list[Assignment] = []
    seen: set[tuple[str, str]] = set()
    for a in plan.assignments:
        pair = (a.employee, a.role)
        if pair[0] not in employees or pair[1] not in role_fte or pair in seen:
            continue
        share = None
        if a.kind == AssignmentKind.HOLDER and a.fte is not None:
            share = min(a.fte, role_fte[a.role])
            if share <= 0:
                continue  # holds nothing
        seen.add(pair)
        previous.append(Assignment(a.employee, a.role, a.kind, share))
    return tuple(previous)


def _approved_from_json(plan: Mapping[str, Any]) -> Plan:
    """An approved plan from JSON (the CLI's file): plan format v1 or its
    assignments only, the kind holder when absent; a bad kind or fte is an
    InstanceError (``plan: assignments[0]: ...``)."""
    found = []
    for i, a in enumerate(plan.get("assignments") or []):
        where = f"plan: assignments[{i}]"
        try:
            kind = AssignmentKind(a.get("kind", AssignmentKind.HOLDER))
            fte = None if a.get("fte") is None else parse_fte(str(a["fte"]))
        except (FteError, ValueError) as exc:
            raise InstanceError([f"{where}: {exc}"]) from exc
        found.append(PlanAssignment(str(a["employee"]), str(a["role"]), kind, fte))
    return Plan(PlanStatus.FEASIBLE, found)


# ------------------------------------------------------------------- solving


RING_STEP = 5  # colleagues added to the first growing ring (tripled each time)


@overload
def solve_from_plan(
    instance: Instance,
    plan: Plan,
    *,
    changes: Iterable[Change] = (),
    disruption_weight: int = DEFAULT_DISRUPTION_WEIGHT,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[Instance, Plan]: ...


@overload
def solve_from_plan(
    instance: Mapping[str, Any],
    plan: Mapping[str, Any],
    *,
    changes: Iterable[Mapping[str, Any]] = (),
    disruption_weight: int = DEFAULT_DISRUPTION_WEIGHT,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[Instance, Plan]: ...


def solve_from_plan(
    instance: Instance | Mapping[str, Any],
    plan: Plan | Mapping[str, Any],
    *,
    changes: Iterable[Change] | Iterable[Mapping[str, Any]] = (),
    disruption_weight: int = DEFAULT_DISRUPTION_WEIGHT,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[Instance, Plan]:
    """Re-plan ``plan`` with ``changes``: the instance solved (replan()) and its plan.
    Typed in and out; or, from the CLI's files, instance, plan and changes all in
    their JSON formats (read once, as replan_json reads them).

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
    if isinstance(instance, Instance) and isinstance(plan, Plan):
        _check_weight(disruption_weight)
        typed = cast("Iterable[Change]", changes)  # the overloads: typed with typed
        prepared = _prepare(apply_changes(instance, typed), plan, disruption_weight)
    elif not isinstance(instance, Instance) and not isinstance(plan, Plan):
        prepared = _from_json(instance, plan, changes, disruption_weight)
    else:
        raise TypeError("solve_from_plan: instance and plan both typed or both JSON")
    target = prepared.instance
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


def _rings(target: Instance, prepared: Applied) -> list[set[str]]:
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
        if p.kind == AssignmentKind.HOLDER:
            holders_of[p.role].add(p.employee)
            held_by[p.employee].add(p.role)
            load[p.employee] += p.fte or target.role(p.role).fte
        elif p.kind == AssignmentKind.BACKUP:
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


def _uncovered_before(target: Instance, prepared: Applied) -> int:
    """Fte units the approved plan left uncovered in the roles no change touches
    (a new or resized role is to be covered whole)."""
    held: dict[str, int] = defaultdict(int)
    for p in target.previous:
        if p.kind == AssignmentKind.HOLDER:
            held[p.role] += p.fte or target.role(p.role).fte
    return sum(
        max(0, r.fte - held[r.id]) for r in target.roles if r.id not in prepared.roles
    )


def _missing_before(target: Instance) -> int:
    """Backups the approved plan lacks for the roles of ``target``."""
    count: dict[str, int] = defaultdict(int)
    for p in target.previous:
        if p.kind == AssignmentKind.BACKUP:
            count[p.role] += 1
    return sum(max(0, r.backups - count[r.id]) for r in target.roles)


def disruption_summary(instance: Instance, plan: Plan) -> dict[str, Any]:
    """What ``plan`` changes against ``instance.previous``: the changed holder fte
    (a number), the people changed (ids, sorted) and the takeovers by non-backups."""
    before = previous_shares(instance)
    holders: dict[tuple[str, str], int] = defaultdict(int)
    for a in plan.assignments:
        if a.kind == AssignmentKind.HOLDER:
            holders[a.employee, a.role] += a.fte or 0
    return {
        "fte": fte_number(changed_units(before, holders)),
        "people": sorted(changed_people(before, holders)),
        "takeovers": takeovers(before, previous_backups(instance), holders),
    }
