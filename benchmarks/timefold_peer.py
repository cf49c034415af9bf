"""Timefold Solver as a peer: the planning problem modelled as a Timefold user would.

Timefold (the engine a municipality could pick instead of this product) solves with
a construction heuristic followed by local search on planning entities. The model
here, read from the instance JSON on its own (no code from ommen_rollen.solver):

- a **holder slot** per role (one per allowed piece of a split role: a role with
  ``max_holders`` 2 and ``min_share`` at most half its fte gets two half slots, which
  one person may both take), its planning variable the holder (may stay unassigned),
  its value range the eligible employees (rompfunctie, competences, no forbid);
- a **backup slot** per backup a role needs, likewise;
- pins as pinned slots;
- a bendable score: hard (capacity with effort, backup cap, ``max_roles``, a backup
  is not the holder, one backup slot per person and role), then three soft levels in
  the issue's order: uncovered units (critical x 10), missing backups (critical x 10),
  then the soft terms want, avoid, score, continuity and fragments with the
  product's weights.

Not modelled (a Timefold user would need custom moves or more entities): learners
(every learn wish counts as not granted unless the role is held), ``fairness`` and
``backup_spread``. Every plan is scored with score.py's J and passes the checker in
the worker like any other method, so what is not modelled costs J, never hides.

Needs ``pip install timefold`` (the ``bench`` extra) and Java 17.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from timefold.solver import SolverFactory
from timefold.solver.config import (
    Duration,
    ScoreDirectorFactoryConfig,
    SolverConfig,
    TerminationConfig,
)
from timefold.solver.domain import (
    PlanningEntityCollectionProperty,
    PlanningId,
    PlanningPin,
    PlanningScore,
    PlanningVariable,
    ProblemFactCollectionProperty,
    ValueRangeProvider,
    planning_entity,
    planning_solution,
)
from timefold.solver.score import (
    BendableScore,
    ConstraintCollectors,
    ConstraintFactory,
    Joiners,
    constraint_provider,
)

from ommen_rollen.domain import FTE_SCALE

from .score import CRITICAL, DEFAULT_MAX_BACKUP_SHARE, units, weights_of

HARD, SOFT = 1, 3
COVER, BACKUP, TERMS = 0, 1, 2


def _soft(level: int) -> BendableScore:
    return BendableScore.of_soft(HARD, SOFT, level, 1)


HARD_ONE = BendableScore.of_hard(HARD, SOFT, 0, 1)


@dataclass
class Person:
    id: Annotated[str, PlanningId]
    capacity: int  # fte units for holding (contract minus reserved)
    backup_capacity: int  # fte units of roles this person may back up
    max_roles: int  # distinct roles held (a large number when uncapped)


@planning_entity
@dataclass
class HolderSlot:
    id: Annotated[str, PlanningId]
    role: str
    share: int  # fte units this slot covers
    weight: int  # per uncovered unit (critical roles count CRITICAL times)
    load: dict[str, int]  # per eligible person: capacity this slot costs them
    hold_cost: dict[str, int]  # per eligible person: soft cost of holding the role
    eligible: Annotated[list[Person], ValueRangeProvider(id="holders")]
    pinned: Annotated[bool, PlanningPin] = False
    person: Annotated[
        Person | None,
        PlanningVariable(value_range_provider_refs=["holders"], allows_unassigned=True),
    ] = field(default=None)


@planning_entity
@dataclass
class BackupSlot:
    id: Annotated[str, PlanningId]
    role: str
    fte: int  # the role's fte (the backup cap counts it)
    weight: int  # per missing backup
    back_cost: dict[str, int]  # per eligible person: soft cost of backing up
    eligible: Annotated[list[Person], ValueRangeProvider(id="backups")]
    pinned: Annotated[bool, PlanningPin] = False
    person: Annotated[
        Person | None,
        PlanningVariable(value_range_provider_refs=["backups"], allows_unassigned=True),
    ] = field(default=None)


@planning_solution
@dataclass
class Staffing:
    people: Annotated[list[Person], ProblemFactCollectionProperty]
    holders: Annotated[list[HolderSlot], PlanningEntityCollectionProperty]
    backups: Annotated[list[BackupSlot], PlanningEntityCollectionProperty]
    score: Annotated[
        BendableScore | None,
        PlanningScore(bendable_hard_levels_size=HARD, bendable_soft_levels_size=SOFT),
    ] = field(default=None)


@constraint_provider
def constraints(f: ConstraintFactory) -> list:
    return [
        f.for_each(HolderSlot)
        .group_by(
            lambda s: s.person, ConstraintCollectors.sum(lambda s: s.load[s.person.id])
        )
        .filter(lambda p, used: used > p.capacity)
        .penalize(HARD_ONE, lambda p, used: used - p.capacity)
        .as_constraint("capacity"),
        f.for_each(BackupSlot)
        .group_by(lambda s: s.person, ConstraintCollectors.sum(lambda s: s.fte))
        .filter(lambda p, used: used > p.backup_capacity)
        .penalize(HARD_ONE, lambda p, used: used - p.backup_capacity)
        .as_constraint("backup cap"),
        f.for_each(HolderSlot)
        .group_by(
            lambda s: s.person, ConstraintCollectors.count_distinct(lambda s: s.role)
        )
        .filter(lambda p, n: n > p.max_roles)
        .penalize(HARD_ONE, lambda p, n: n - p.max_roles)
        .as_constraint("max roles"),
        f.for_each(BackupSlot)
        .join(
            HolderSlot,
            Joiners.equal(lambda b: b.role, lambda h: h.role),
            Joiners.equal(lambda b: b.person, lambda h: h.person),
        )
        .penalize(HARD_ONE)
        .as_constraint("backup is not the holder"),
        f.for_each_unique_pair(
            BackupSlot,
            Joiners.equal(lambda b: b.role),
            Joiners.equal(lambda b: b.person),
        )
        .penalize(HARD_ONE)
        .as_constraint("one backup slot per person"),
        f.for_each_including_unassigned(HolderSlot)
        .filter(lambda s: s.person is None)
        .penalize(_soft(COVER), lambda s: s.share * s.weight)
        .as_constraint("uncovered"),
        f.for_each_including_unassigned(BackupSlot)
        .filter(lambda s: s.person is None)
        .penalize(_soft(BACKUP), lambda s: s.weight)
        .as_constraint("missing backup"),
        # the soft terms of holding: once per (person, role), however many slots
        f.for_each(HolderSlot)
        .group_by(
            lambda s: s.person,
            lambda s: s.role,
            ConstraintCollectors.min(lambda s: s.hold_cost[s.person.id]),
        )  # fmt: skip
        .filter(lambda p, r, cost: cost > 0)
        .penalize(_soft(TERMS), lambda p, r, cost: cost)
        .as_constraint("holding costs"),
        f.for_each(HolderSlot)
        .group_by(
            lambda s: s.person,
            lambda s: s.role,
            ConstraintCollectors.min(lambda s: s.hold_cost[s.person.id]),
        )  # fmt: skip
        .filter(lambda p, r, cost: cost < 0)
        .reward(_soft(TERMS), lambda p, r, cost: -cost)
        .as_constraint("holding gains"),
        f.for_each(BackupSlot)
        .filter(lambda s: s.back_cost[s.person.id] < 0)
        .reward(_soft(TERMS), lambda s: -s.back_cost[s.person.id])
        .as_constraint("backup continuity"),
    ]


def _fte(units_: int) -> str:
    return f"{units_ / FTE_SCALE:.4f}"


def _qualified(emp: dict, role: dict) -> bool:
    if emp["base_function"] not in role["base_functions"]:
        return False
    levels = emp.get("competences") or {}
    return all(
        levels.get(c, 0) >= lvl for c, lvl in (role.get("requires") or {}).items()
    )


def _pieces(role: dict) -> list[int]:
    fte = units(role["fte"])
    holders = int(role.get("max_holders", 1))
    smallest = units(role["min_share"]) if "min_share" in role else fte
    if holders < 2 or smallest >= fte:
        return [fte]
    count = min(holders, max(fte // max(smallest, 1), 1))
    base = fte // count
    return [base] * (count - 1) + [fte - base * (count - 1)]


class _Reader:
    """What the slots of every role need from the instance, read once."""

    def __init__(self, instance: dict) -> None:
        self.w = weights_of(instance).soft
        settings = instance.get("settings") or {}
        share = settings.get("max_backup_share")
        cap_share = DEFAULT_MAX_BACKUP_SHARE if share is None else units(share)
        self.people: dict[str, Person] = {}
        self.employees: dict[str, dict] = {}
        for e in instance["employees"]:
            if not e.get("available", True):
                continue
            fte = units(e["fte"])
            cap = e.get("max_roles")
            self.people[e["id"]] = Person(
                e["id"],
                fte - units(e.get("reserved_fte", 0)),
                fte * cap_share // FTE_SCALE,
                10**6 if cap is None else int(cap),
            )
            self.employees[e["id"]] = e
        self.forbidden = {
            (f["employee"], f["role"], f.get("kind"))
            for f in instance.get("forbid", [])
        }
        self.effort = {
            (x["employee"], x["role"]): units(x["fte"])
            for x in instance.get("effort", [])
        }
        self.previous = {
            (p["employee"], p["role"], p.get("kind", "holder"))
            for p in instance.get("previous", [])
        }
        self.pins = instance.get("pins", [])
        self.wish_cost = {
            (p["employee"], p["role"]): self._wish_cost(p)
            for p in instance.get("preferences", [])
        }

    def _wish_cost(self, pref: dict) -> int:
        """Soft cost of holding the role, for this wish (fragments included)."""
        w = self.w
        score = int(pref.get("score") or 0)
        choice = pref.get("choice")
        if choice is None:
            choice = "want" if score > 0 else "avoid" if score < 0 else "neutral"
        bonus = {"want": -w["want"], "learn": -w["learn"], "avoid": w["avoid"]}
        return w["fragments"] - w["score"] * score + bonus.get(choice, 0)

    def able(self, role: dict, kind: str) -> list[Person]:
        r = role["id"]
        return [
            self.people[e]
            for e, emp in self.employees.items()
            if _qualified(emp, role)
            and (e, r, None) not in self.forbidden
            and (e, r, kind) not in self.forbidden
        ]

    def hold_cost(self, e: str, r: str) -> int:
        base = self.wish_cost.get((e, r), self.w["fragments"])
        return base - (self.w["continuity"] if (e, r, "holder") in self.previous else 0)

    def back_cost(self, e: str, r: str) -> int:
        return -self.w["continuity"] if (e, r, "backup") in self.previous else 0

    def load(self, e: str, role: dict, share: int) -> int:
        need = self.effort.get((e, role["id"]))
        return share if need is None else -(-need * share // units(role["fte"]))


def _holder_slots(reader: _Reader, role: dict) -> list[HolderSlot]:
    r = role["id"]
    fte = units(role["fte"])
    weight = CRITICAL if role.get("critical") else 1
    slots = []
    pinned_units = 0
    pins = [
        p for p in reader.pins if p["role"] == r and p.get("kind", "holder") == "holder"
    ]
    for k, pin in enumerate(pins):
        person = reader.people.get(pin["employee"])
        if person is None:
            continue  # an unavailable person's pin: the checker reports it
        share = units(pin["fte"]) if "fte" in pin else fte
        slots.append(
            HolderSlot(
                f"{r}/pin{k}", r, share, weight,
                {person.id: reader.load(person.id, role, share)},
                {person.id: reader.hold_cost(person.id, r)},
                [person], True, person,
            )
        )  # fmt: skip
        pinned_units += share
    if fte <= pinned_units:
        return slots
    able = reader.able(role, "holder")
    rest = {**role, "fte": _fte(fte - pinned_units)} if pinned_units else role
    for k, share in enumerate(_pieces(rest)):
        slots.append(
            HolderSlot(
                f"{r}/{k}", r, share, weight,
                {p.id: reader.load(p.id, role, share) for p in able},
                {p.id: reader.hold_cost(p.id, r) for p in able},
                able,
            )
        )  # fmt: skip
    return slots


def _backup_slots(reader: _Reader, role: dict) -> list[BackupSlot]:
    r = role["id"]
    fte = units(role["fte"])
    weight = CRITICAL if role.get("critical") else 1
    able = reader.able(role, "backup")
    costs = {p.id: reader.back_cost(p.id, r) for p in able}
    slots = []
    pins = [p for p in reader.pins if p["role"] == r and p.get("kind") == "backup"]
    for k, pin in enumerate(pins):
        person = reader.people.get(pin["employee"])
        if person is not None:
            slots.append(
                BackupSlot(f"{r}/bpin{k}", r, fte, weight,
                           {person.id: reader.back_cost(person.id, r)}, [person], True,
                           person)
            )  # fmt: skip
    for k in range(max(int(role.get("backups", 1)) - len(pins), 0)):
        slots.append(BackupSlot(f"{r}/b{k}", r, fte, weight, costs, able))
    return slots


def build(instance: dict) -> Staffing:
    """The Timefold problem of one instance v1."""
    reader = _Reader(instance)
    holders = [s for role in instance["roles"] for s in _holder_slots(reader, role)]
    backups = [s for role in instance["roles"] for s in _backup_slots(reader, role)]
    return Staffing(list(reader.people.values()), holders, backups)


def to_plan(solution: Staffing) -> dict[str, Any]:
    """The solution as a plan v1 (shares of one person on one role summed), with
    its shortfalls computed from the assignments."""
    shares: dict[tuple[str, str], int] = {}
    role_fte: dict[str, int] = {}
    for s in solution.holders:
        role_fte[s.role] = role_fte.get(s.role, 0) + s.share
        if s.person is not None:
            key = (s.person.id, s.role)
            shares[key] = shares.get(key, 0) + s.share
    assignments = [
        {"employee": e, "role": r, "kind": "holder", "fte": _fte(u)}
        for (e, r), u in sorted(shares.items())
    ]
    covered: dict[str, int] = {}
    for (_, r), u in shares.items():
        covered[r] = covered.get(r, 0) + u
    needed: dict[str, int] = {}
    backed: dict[str, set[str]] = {}
    for b in solution.backups:
        needed[b.role] = needed.get(b.role, 0) + 1
        if b.person is not None and b.person.id not in backed.setdefault(b.role, set()):
            backed[b.role].add(b.person.id)
            assignments.append(
                {"employee": b.person.id, "role": b.role, "kind": "backup"}
            )
    uncovered = [
        {"role": r, "fte": _fte(fte - covered.get(r, 0)), "reason": "Niet gedekt."}
        for r, fte in role_fte.items()
        if fte > covered.get(r, 0)
    ]
    missing = [
        {"role": r, "missing": n - len(backed.get(r, ())), "reason": "Geen vervanger."}
        for r, n in needed.items()
        if n > len(backed.get(r, ()))
    ]
    return {
        "version": 1,
        "status": "feasible",
        "assignments": assignments,
        "uncovered": uncovered,
        "missing_backups": missing,
    }


def solve(instance: dict, time_limit_s: float) -> dict[str, Any]:
    """Build, solve for ``time_limit_s`` of Timefold's own clock, trace every best."""
    t0 = time.monotonic()
    problem = build(instance)
    config = SolverConfig(
        solution_class=Staffing,
        entity_class_list=[HolderSlot, BackupSlot],
        score_director_factory_config=ScoreDirectorFactoryConfig(
            constraint_provider_function=constraints
        ),
        termination_config=TerminationConfig(
            spent_limit=Duration(milliseconds=int(time_limit_s * 1000))
        ),
    )
    solver = SolverFactory.create(config).build_solver()
    build_s = time.monotonic() - t0
    bests: list[tuple[float, dict[str, Any]]] = []

    def on_best(event: Any) -> None:
        # Local search improves thousands of times: keep the newest best per quarter
        # second, so J at any budget that is a multiple of 0.25 s is exact.
        if not event.is_new_best_solution_initialized:
            return
        at = time.monotonic() - t1
        point = (build_s + at, to_plan(event.new_best_solution))
        if bests and int(bests[-1][0] * 4) == int(point[0] * 4):
            bests[-1] = point
        else:
            bests.append(point)

    solver.add_event_listener(on_best)
    t1 = time.monotonic()
    solution = solver.solve(problem)
    return {
        "build_s": build_s,
        "solve_s": time.monotonic() - t1,
        "wall_s": time.monotonic() - t0,
        "termination": "feasible" if solution.score.is_feasible else "infeasible",
        "score": str(solution.score),
        "bests": bests,
        "plan": to_plan(solution),
    }
