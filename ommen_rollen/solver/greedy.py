"""A simple greedy planner: the warm start of the CP-SAT stages and a benchmark
baseline.

It honours every hard rule (it is checked like any plan), but optimises nothing:

1. pinned holders first (their fte, or as much as fits);
2. roles in order critical first, then fewest eligible holders, then largest fte;
   per role, candidates in order pinned > want > previous holder > higher score >
   not avoided > best fit (the fullest employee who can take the whole rest, else
   the emptiest) > id; each takes as much of the rest as fits (at least
   min_share, at most max_holders holders);
3. repair: an uncovered role goes to an eligible employee after one of their
   (unpinned) roles moves whole to a colleague with room;
4. learn wishes that fit and have a holder as mentor;
5. backups per role (critical first): pinned, then previous backups, then the
   candidates with the least backup load so far (max_roles counts held and learnt
   roles only, so backups do not use it up).
"""

from __future__ import annotations

from collections import defaultdict

from ..domain import AssignmentKind, PlanStatus
from .eligibility import Facts, facts_of, may_back_up
from .instance import Instance, Role
from .plan import Plan
from .shares import off_grid, snap_down

Pair = tuple[str, str]


class GreedyResult:
    """Holders (share units), learners and backups of a greedy plan."""

    def __init__(self) -> None:
        self.holders: dict[Pair, int] = {}
        self.learners: set[Pair] = set()
        self.backups: set[Pair] = set()


class _Packing:
    """The state the stages of greedy_assign share: the result so far, each
    employee's free capacity and roles, each role's uncovered rest and holders."""

    def __init__(self, facts: Facts) -> None:
        instance = facts.instance
        self.facts = facts
        self.result = GreedyResult()
        self.free = {e.id: e.capacity for e in instance.employees}
        self.roles_of: dict[str, set[str]] = defaultdict(set)
        self.remaining = {r.id: r.fte for r in instance.roles}
        self.holder_count: dict[str, int] = defaultdict(int)
        self.candidates: dict[str, list[str]] = defaultdict(list)
        for e, r in facts.holder_pairs:
            self.candidates[r].append(e)
        pins = instance.pins
        self.pinned_holder = {(p.employee, p.role) for p in pins if p.kind == "holder"}
        self.pinned_backup = {(p.employee, p.role) for p in pins if p.kind == "backup"}
        self.pinned_learner = {
            (p.employee, p.role) for p in pins if p.kind == "learner"
        }
        self.previous = {(p.employee, p.role, p.kind) for p in instance.previous}
        self.step = instance.settings.split_step_minutes
        # split roles whose off-step remainder share is given
        self.remainder_taken: set[str] = set()

    def room(self, e: str, r: str) -> bool:
        """e may take r without exceeding their max_roles."""
        cap = self.facts.employees[e].max_roles
        roles = self.roles_of[e]
        return r in roles or cap is None or len(roles) < cap

    def off_grid(self, r: str, share: int) -> bool:
        role = self.facts.roles[r]
        return off_grid(share, role.fte, role.max_holders, self.step)

    def practical(self, e: str, r: str, share: int) -> int:
        """The share in whole steps (shares.py): the rest of the role as the one
        remainder share, else the largest step value that fits."""
        values = self.facts.share_values(e, r)
        if values is None:
            return share
        if share in values and (
            not self.off_grid(r, share) or r not in self.remainder_taken
        ):
            return share
        return snap_down(share, [v for v in values if not self.off_grid(r, v)])

    def take(self, e: str, r: str, wanted: int | None, *, pinned: bool = False) -> None:
        """e holds as much of r as fits (or ``wanted``), when the rules allow it."""
        facts, role = self.facts, self.facts.roles[r]
        if (e, r) in self.result.holders or self.holder_count[r] >= role.max_holders:
            return
        if (e, r) in self.pinned_backup or not self.room(e, r):
            return
        effort = facts.effort.get((e, r))
        free, remaining = self.free[e], self.remaining[r]
        fit = free if effort is None else free * role.fte // effort
        share = min(remaining, fit) if wanted is None else wanted
        if role.min_share == role.fte:
            share = role.fte if remaining == role.fte and fit >= role.fte else 0
        elif not pinned:
            share = self.practical(e, r, share)
        if share < role.min_share or share > min(fit, remaining) or share <= 0:
            return
        self.result.holders[e, r] = share
        self.remaining[r] -= share
        self.holder_count[r] += 1
        self.free[e] -= facts.holder_load_ceil(e, r, share)
        self.roles_of[e].add(r)
        if not pinned and self.off_grid(r, share):
            self.remainder_taken.add(r)

    def drop(self, e: str, r: str) -> int:
        """Undo e holding r; the share they held."""
        share = self.result.holders.pop((e, r))
        if self.off_grid(r, share):
            self.remainder_taken.discard(r)
        self.remaining[r] += share
        self.holder_count[r] -= 1
        self.free[e] += self.facts.holder_load_ceil(e, r, share)
        self.roles_of[e].discard(r)
        return share

    def relocate(self, e: str, r: str) -> bool:
        """Move e's whole share of r to a colleague who has room for it."""
        share = self.result.holders[e, r]
        for f in self.candidates[r]:
            if f == e or (f, r) in self.result.holders or (f, r) in self.pinned_backup:
                continue
            load = self.facts.holder_load_ceil(f, r, share)
            if self.room(f, r) and self.free[f] >= load:
                self.drop(e, r)
                self.take(f, r, share)
                if (f, r) in self.result.holders:
                    return True
                self.take(e, r, share)  # undo
                return False
        return False

    def priority(self, e: str, r: str) -> tuple[int, int, int, int, int, int, int, str]:
        """The order of candidates for what is left of r (module docstring)."""
        facts = self.facts
        choice = facts.choice.get((e, r))
        # best fit: the fullest employee who can take the whole rest, else the
        # emptiest one (packs capacity tightly, like best-fit decreasing)
        whole = facts.holder_load_ceil(e, r, self.remaining[r])
        free = self.free[e]
        fits = free >= whole
        return (
            (e, r) not in self.pinned_holder,
            choice != "want",
            (e, r, "holder") not in self.previous,
            -facts.score.get((e, r), 0),
            choice == "avoid",
            not fits,
            free - whole if fits else -free,
            e,
        )


def _take_pinned_holders(pack: _Packing) -> None:
    """Stage 1: pinned holders, their fte or as much as fits."""
    eligible = set(pack.facts.holder_pairs)
    for p in pack.facts.instance.pins:
        if p.kind == "holder" and (p.employee, p.role) in eligible:
            pack.take(p.employee, p.role, p.fte, pinned=p.fte is not None)


def _keep_previous_holders(pack: _Packing) -> None:
    """previous_first: last period's holders keep their shares where they fit."""
    eligible = set(pack.facts.holder_pairs)
    for p in pack.facts.instance.previous:
        if p.kind == "holder" and (p.employee, p.role) in eligible:
            share = p.fte if p.fte is not None else pack.remaining.get(p.role)
            if share is not None:
                pack.take(p.employee, p.role, min(share, pack.remaining[p.role]))


def _role_order(pack: _Packing) -> list[Role]:
    """Critical first, then fewest eligible holders, then largest fte."""
    return sorted(
        pack.facts.instance.roles,
        key=lambda r: (not r.critical, len(pack.candidates[r.id]), -r.fte, r.id),
    )


def _fill_roles(pack: _Packing, order: list[Role]) -> None:
    """Stage 2: per role, the best candidates take as much of the rest as fits."""
    for role in order:
        r = role.id
        # candidates best first for what is left; re-ranked after each take
        options = sorted(pack.candidates[r], key=lambda e: pack.priority(e, r))
        while pack.remaining[r] > 0 and options:
            e = options.pop(0)
            took = (e, r) in pack.result.holders
            pack.take(e, r, None)
            if not took and (e, r) in pack.result.holders:
                options.sort(key=lambda e: pack.priority(e, r))


def _repair_uncovered(pack: _Packing, order: list[Role]) -> None:
    """Stage 3: an uncovered role may fit someone after one of their roles moves."""
    holders, facts = pack.result.holders, pack.facts
    for role in order:
        r = role.id
        for e in pack.candidates[r]:
            whole = role.min_share == role.fte
            if pack.remaining[r] <= 0 or (whole and pack.remaining[r] != role.fte):
                break
            if (e, r) in holders or (e, r) in pack.pinned_backup:
                continue
            if pack.holder_count[r] >= role.max_holders or not pack.room(e, r):
                continue
            need = facts.holder_load_ceil(e, r, max(pack.remaining[r], role.min_share))
            if pack.free[e] < need:
                movable = [
                    r2
                    for r2 in pack.roles_of[e]
                    if (e, r2) in holders
                    and (e, r2) not in pack.pinned_holder
                    and pack.free[e] + facts.holder_load_ceil(e, r2, holders[e, r2])
                    >= need
                ]
                if not any(pack.relocate(e, r2) for r2 in sorted(movable)):
                    continue
            pack.take(e, r, None)


def _add_learners(pack: _Packing) -> None:
    """Stage 4: learn wishes that fit and have a holder as mentor."""
    facts, result = pack.facts, pack.result
    holders_of: dict[str, list[str]] = defaultdict(list)
    for e, r in result.holders:
        holders_of[r].append(e)
    pinned = pack.pinned_learner
    for e, r in sorted(facts.learner_pairs, key=lambda p: (p not in pinned, p)):
        units = facts.instance.learner_units(facts.roles[r])
        if (e, r) in result.holders or (e, r) in pack.pinned_backup:
            continue
        if (
            not [h for h in holders_of[r] if h != e]
            or pack.free[e] < units
            or not pack.room(e, r)
        ):
            continue
        result.learners.add((e, r))
        pack.free[e] -= units
        pack.roles_of[e].add(r)


def greedy_assign(facts: Facts, *, previous_first: bool = False) -> GreedyResult:
    """Build holders, learners and backups greedily (see the module docstring).

    With ``previous_first`` the previous period's holders keep their shares where
    they still fit, before any wish is looked at: last period's plan is a packing
    that covered everything, so it is usually the best start for coverage.
    """
    pack = _Packing(facts)
    _take_pinned_holders(pack)
    if previous_first:
        _keep_previous_holders(pack)
    order = _role_order(pack)
    _fill_roles(pack, order)
    _repair_uncovered(pack, order)
    _add_learners(pack)
    result = pack.result
    result.backups = greedy_backups(facts, result.holders, result.learners)
    return result


def greedy_plan(instance: Instance) -> Plan:
    """A complete plan from the greedy heuristic (status "feasible")."""
    from .assemble import assemble_plan

    facts = facts_of(instance)
    result = greedy_assign(facts)
    return assemble_plan(
        facts, PlanStatus.FEASIBLE, result.holders, result.learners, result.backups
    )


def greedy_backups(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair]
) -> set[Pair]:
    """Backups given holders and learners: pinned, previous, then least loaded."""
    instance = facts.instance
    backups: set[Pair] = set()
    pinned_backup = {
        (p.employee, p.role) for p in instance.pins if p.kind == AssignmentKind.BACKUP
    }
    previous = {(p.employee, p.role, p.kind) for p in instance.previous}
    backup_load: dict[str, int] = defaultdict(int)
    backup_candidates: dict[str, list[str]] = defaultdict(list)
    for e, r in facts.backup_pairs:
        backup_candidates[r].append(e)
    # pins first, over all roles, so an earlier role's free choice cannot use up
    # the backup capacity a pinned backup needs later on
    chosen: dict[str, int] = defaultdict(int)
    for e, r in sorted(pinned_backup):
        role = facts.roles.get(r)
        if role is None or not may_back_up((e, r), holders, learners):
            continue
        if backup_load[e] + role.fte > facts.backup_cap(e):
            continue
        backups.add((e, r))
        backup_load[e] += role.fte
        chosen[r] += 1
    for role in sorted(instance.roles, key=lambda r: (not r.critical, r.id)):
        r = role.id

        def backup_key(e: str, r: str = r) -> tuple[int, int, str]:
            return ((e, r, AssignmentKind.BACKUP) not in previous, backup_load[e], e)

        for e in sorted(backup_candidates[r], key=backup_key):
            if chosen[r] >= role.backups or (e, r) in backups:
                continue
            if not may_back_up((e, r), holders, learners):
                continue
            if backup_load[e] + role.fte > facts.backup_cap(e):
                continue
            backups.add((e, r))
            backup_load[e] += role.fte
            chosen[r] += 1
    return backups
