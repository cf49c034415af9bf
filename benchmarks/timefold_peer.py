"""Timefold Solver as a peer: the planning problem modelled as a Timefold user would.

Timefold (the engine a municipality could pick instead of this product) solves with
a construction heuristic followed by local search on planning entities. The model,
read here from the instance JSON on its own (no code from ommen_rollen.solver) and
solved by the Java engine in ``timefold/StaffPeer.java``:

- a **holder slot** per role (one per allowed piece of a split role: a role with
  ``max_holders`` 2 and ``min_share`` at most half its fte gets two half slots, which
  one person may both take), its planning variable the holder (may stay unassigned),
  its value range the eligible employees (rompfunctie, competences, no forbid);
- a **backup slot** per backup a role needs, likewise;
- pins as pinned slots;
- a bendable score: hard (capacity with effort, backup cap, ``max_roles``, a backup
  is not the holder, one backup slot per person and role), then three soft levels in
  the product's order: uncovered units (critical x 10), missing backups (critical x
  10), then the soft terms want, avoid, score, learn (as held), continuity and
  fragments with the product's weights.

Not modelled (a Timefold user would need custom moves or more entities): learners
(a learn wish counts as granted only when the role is held), ``fairness`` and
``backup_spread``. Every plan is scored with score.py's J and passes the checker in
the worker like any other method, so what is not modelled costs J, never hides.

The Java engine comes from PyPI: the ``timefold`` package (the ``bench`` extra) ships
Timefold Solver's jars, compiled against here with the machine's JDK 17 (``javac``).
Its Python API is not used: its constraint lambdas ran at ~500 move evaluations a
second on these instances, too slow to be a fair peer.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ommen_rollen.domain import FTE_SCALE

from .score import (
    CRITICAL,
    DEFAULT_MAX_BACKUP_SHARE,
    plan_from_assignments,
    units,
    weights_of,
)

SOURCE = Path(__file__).resolve().parent / "timefold" / "StaffPeer.java"


@dataclass
class Person:
    id: str
    capacity: int  # fte units for holding (contract minus reserved)
    backup_capacity: int  # fte units of roles this person may back up
    max_roles: int  # distinct roles held (a large number when uncapped)


@dataclass
class HolderSlot:
    id: str
    role: str
    share: int  # fte units this slot covers
    weight: int  # per uncovered unit (critical roles count CRITICAL times)
    load: dict[str, int]  # per eligible person: capacity this slot costs them
    hold_cost: dict[str, int]  # per eligible person: soft cost of holding the role
    eligible: list[Person]
    pinned: bool = False
    person: Person | None = field(default=None)


@dataclass
class BackupSlot:
    id: str
    role: str
    fte: int  # the role's fte (the backup cap counts it)
    weight: int  # per missing backup
    back_cost: dict[str, int]  # per eligible person: soft cost of backing up
    eligible: list[Person]
    pinned: bool = False
    person: Person | None = field(default=None)


@dataclass
class Staffing:
    people: list[Person]
    holders: list[HolderSlot]
    backups: list[BackupSlot]


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


def to_plan(
    problem: Staffing, holders: list[int], backups: list[int]
) -> dict[str, Any]:
    """A solution (a person index or -1 per slot) as a plan v1: shares of one person
    on one role summed, shortfalls computed from the assignments."""
    shares: dict[tuple[str, str], int] = {}
    role_fte: dict[str, int] = {}
    for slot, who in zip(problem.holders, holders, strict=True):
        role_fte[slot.role] = role_fte.get(slot.role, 0) + slot.share
        if who >= 0:
            key = (problem.people[who].id, slot.role)
            shares[key] = shares.get(key, 0) + slot.share
    assignments = [
        {"employee": e, "role": r, "kind": "holder", "fte": _fte(u)}
        for (e, r), u in sorted(shares.items())
    ]
    needed: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for slot, who in zip(problem.backups, backups, strict=True):
        needed[slot.role] = needed.get(slot.role, 0) + 1
        pair = (problem.people[who].id, slot.role) if who >= 0 else None
        if pair is not None and pair not in seen:
            seen.add(pair)
            assignments.append({"employee": pair[0], "role": pair[1], "kind": "backup"})
    return plan_from_assignments(
        role_fte, needed, assignments, why_uncovered="Niet gedekt.",
        why_missing="Geen vervanger.",
    )  # fmt: skip


def problem_text(problem: Staffing) -> str:
    """The slots in the whitespace-separated layout StaffPeer.java reads."""
    index = {p.id: k for k, p in enumerate(problem.people)}
    out = [str(len(problem.people))]
    out += [f"{p.capacity} {p.backup_capacity} {p.max_roles}" for p in problem.people]
    out.append(str(len(problem.holders)))
    for h in problem.holders:
        pinned = index[h.person.id] if h.pinned and h.person else -1
        pairs = " ".join(
            f"{index[p.id]} {h.load[p.id]} {h.hold_cost[p.id]}" for p in h.eligible
        )
        out.append(f"{_role_number(h.role)} {h.share} {h.weight} {pinned} "
                   f"{len(h.eligible)} {pairs}")  # fmt: skip
    out.append(str(len(problem.backups)))
    for b in problem.backups:
        pinned = index[b.person.id] if b.pinned and b.person else -1
        pairs = " ".join(f"{index[p.id]} {b.back_cost[p.id]}" for p in b.eligible)
        out.append(f"{_role_number(b.role)} {b.fte} {b.weight} {pinned} "
                   f"{len(b.eligible)} {pairs}")  # fmt: skip
    return "\n".join(out) + "\n"


_ROLES: dict[str, int] = {}


def _role_number(role: str) -> int:
    return _ROLES.setdefault(role, len(_ROLES))


def jars() -> Path:
    """Timefold Solver's jars, as the ``timefold`` package from PyPI ships them."""
    spec = importlib.util.find_spec("timefold")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Timefold is not installed: pip install -e '.[bench]'")
    return Path(next(iter(spec.submodule_search_locations))) / "solver" / "jars"


def compiled(workdir: Path) -> str:
    """The class path with StaffPeer compiled into ``workdir``."""
    classpath = os.pathsep.join(str(j) for j in sorted(jars().glob("*.jar")))
    subprocess.run(
        ["javac", "-nowarn", "-cp", classpath, "-d", str(workdir), str(SOURCE)],
        check=True,
        capture_output=True,
    )
    return classpath + os.pathsep + str(workdir)


def solve(instance: dict, time_limit_s: float) -> dict[str, Any]:
    """Build, solve for ``time_limit_s`` of Timefold's own clock, trace every best."""
    t0 = time.monotonic()
    problem = build(instance)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        classpath = compiled(work)
        (work / "problem.txt").write_text(problem_text(problem), encoding="ascii")
        build_s = time.monotonic() - t0
        subprocess.run(
            ["java", "-Xmx4g", "-cp", classpath, "StaffPeer", str(work / "problem.txt"),
             str(time_limit_s), str(work / "out.txt")],
            check=True, capture_output=True, timeout=time_limit_s * 3 + 120,
        )  # fmt: skip
        lines = (work / "out.txt").read_text(encoding="ascii").splitlines()
    meta = dict(line.split(" ", 1) for line in lines[:3])
    jvm_build_s = int(meta["build_ms"]) / 1000
    bests: list[tuple[float, dict[str, Any]]] = []
    final: dict[str, Any] = {}
    for k in range(3, len(lines), 3):
        kind, ms, _score = lines[k].split(" ", 2)
        holders = [int(v) for v in lines[k + 1].split()[1:]]
        backups = [int(v) for v in lines[k + 2].split()[1:]]
        plan = to_plan(problem, holders, backups)
        if kind == "best":
            bests.append((build_s + jvm_build_s + int(ms) / 1000, plan))
        else:
            final = plan
    return {
        "build_s": build_s + jvm_build_s,
        "solve_s": int(meta["solve_ms"]) / 1000,
        "wall_s": time.monotonic() - t0,
        "termination": "feasible"
        if meta["score"].startswith("[0]hard")
        else "infeasible",
        "score": meta["score"],
        "bests": bests,
        "plan": final,
    }
