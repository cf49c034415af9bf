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

from ..domain import AssignmentKind, Choice, PlanStatus
from .eligibility import Facts, facts_of
from .instance import Instance
from .plan import Plan
from .shares import off_grid, snap_down

Pair = tuple[str, str]


class GreedyResult:
    """Holders (share units), learners and backups of a greedy plan."""

    def __init__(self) -> None:
        self.holders: dict[Pair, int] = {}
        self.learners: set[Pair] = set()
        self.backups: set[Pair] = set()


def greedy_assign(facts: Facts, *, previous_first: bool = False) -> GreedyResult:
    """Build holders, learners and backups greedily (see the module docstring).

    With ``previous_first`` the previous period's holders keep their shares where
    they still fit, before any wish is looked at: last period's plan is a packing
    that covered everything, so it is usually the best start for coverage.
    """
    instance = facts.instance
    result = GreedyResult()
    free = {e.id: e.capacity for e in instance.employees}
    roles_of: dict[str, set[str]] = defaultdict(set)
    pins = instance.pins
    pinned_backup = {
        (p.employee, p.role) for p in pins if p.kind == AssignmentKind.BACKUP
    }
    remaining = {r.id: r.fte for r in instance.roles}
    holder_count: dict[str, int] = defaultdict(int)
    candidates: dict[str, list[str]] = defaultdict(list)
    for e, r in facts.holder_pairs:
        candidates[r].append(e)

    def room(e: str, r: str) -> bool:
        cap = facts.employees[e].max_roles
        return r in roles_of[e] or cap is None or len(roles_of[e]) < cap

    step = instance.settings.split_step_minutes
    remainder_taken: set[str] = set()  # split roles whose off-step share is given

    def practical(e: str, r: str, share: int) -> int:
        """The share in whole steps (shares.py): the rest of the role as the one
        remainder share, else the largest step value that fits."""
        role = facts.roles[r]
        values = facts.share_values(e, r)
        if values is None:
            return share

        def is_rest(v: int) -> bool:
            return off_grid(v, role.fte, role.max_holders, step)

        if share in values and (not is_rest(share) or r not in remainder_taken):
            return share
        return snap_down(share, [v for v in values if not is_rest(v)])

    def take(e: str, r: str, wanted: int | None, *, pinned: bool = False) -> None:
        role = facts.roles[r]
        if (e, r) in result.holders or holder_count[r] >= role.max_holders:
            return
        if (e, r) in pinned_backup or not room(e, r):
            return
        effort = facts.effort.get((e, r))
        fit = free[e] if effort is None else free[e] * role.fte // effort
        share = min(remaining[r], fit) if wanted is None else wanted
        if role.min_share == role.fte:
            share = role.fte if remaining[r] == role.fte and fit >= role.fte else 0
        elif not pinned:
            share = practical(e, r, share)
        if share < role.min_share or share > min(fit, remaining[r]) or share <= 0:
            return
        result.holders[e, r] = share
        remaining[r] -= share
        holder_count[r] += 1
        free[e] -= facts.holder_load_ceil(e, r, share)
        roles_of[e].add(r)
        if not pinned and off_grid(share, role.fte, role.max_holders, step):
            remainder_taken.add(r)

    for p in pins:
        if p.kind == AssignmentKind.HOLDER and (p.employee, p.role) in set(
            facts.holder_pairs
        ):
            take(p.employee, p.role, p.fte, pinned=p.fte is not None)
    pinned_holder = {
        (p.employee, p.role) for p in pins if p.kind == AssignmentKind.HOLDER
    }
    previous = {(p.employee, p.role, p.kind) for p in instance.previous}
    if previous_first:
        eligible = set(facts.holder_pairs)
        for p in instance.previous:
            if p.kind == AssignmentKind.HOLDER and (p.employee, p.role) in eligible:
                share = p.fte if p.fte is not None else remaining.get(p.role)
                if share is not None:
                    take(p.employee, p.role, min(share, remaining[p.role]))

    def priority(e: str, r: str) -> tuple[int, int, int, int, int, int, int, str]:
        choice = facts.choice.get((e, r))
        # best fit: the fullest employee who can take the whole rest, else the
        # emptiest one (packs capacity tightly, like best-fit decreasing)
        whole = facts.holder_load_ceil(e, r, remaining[r])
        fits = free[e] >= whole
        return (
            (e, r) not in pinned_holder,
            choice != Choice.WANT,
            (e, r, AssignmentKind.HOLDER) not in previous,
            -facts.score.get((e, r), 0),
            choice == Choice.AVOID,
            not fits,
            free[e] - whole if fits else -free[e],
            e,
        )

    order = sorted(
        instance.roles,
        key=lambda r: (not r.critical, len(candidates[r.id]), -r.fte, r.id),
    )
    for role in order:
        # candidates best first for what is left; re-ranked after each take
        options = sorted(candidates[role.id], key=lambda e: priority(e, role.id))
        while remaining[role.id] > 0 and options:
            e = options.pop(0)
            took = (e, role.id) in result.holders
            take(e, role.id, None)
            if not took and (e, role.id) in result.holders:
                options.sort(key=lambda e: priority(e, role.id))

    def drop(e: str, r: str) -> int:
        share = result.holders.pop((e, r))
        role = facts.roles[r]
        if off_grid(share, role.fte, role.max_holders, step):
            remainder_taken.discard(r)
        remaining[r] += share
        holder_count[r] -= 1
        free[e] += facts.holder_load_ceil(e, r, share)
        roles_of[e].discard(r)
        return share

    def relocate(e: str, r: str) -> bool:
        """Move e's whole share of r to a colleague who has room for it."""
        share = result.holders[e, r]
        for f in candidates[r]:
            if f == e or (f, r) in result.holders or (f, r) in pinned_backup:
                continue
            if room(f, r) and free[f] >= facts.holder_load_ceil(f, r, share):
                drop(e, r)
                take(f, r, share)
                if (f, r) in result.holders:
                    return True
                take(e, r, share)  # undo
                return False
        return False

    # repair: an uncovered role may fit someone after one of their roles moves on
    for role in order:
        r = role.id
        for e in candidates[r]:
            whole = role.min_share == role.fte
            if remaining[r] <= 0 or (whole and remaining[r] != role.fte):
                break
            if (e, r) in result.holders or (e, r) in pinned_backup:
                continue
            if holder_count[r] >= role.max_holders or not room(e, r):
                continue
            need = facts.holder_load_ceil(e, r, max(remaining[r], role.min_share))
            if free[e] < need:
                movable = [
                    r2
                    for r2 in roles_of[e]
                    if (e, r2) in result.holders
                    and (e, r2) not in pinned_holder
                    and free[e] + facts.holder_load_ceil(e, r2, result.holders[e, r2])
                    >= need
                ]
                if not any(relocate(e, r2) for r2 in sorted(movable)):
                    continue
            take(e, r, None)

    holders_of: dict[str, list[str]] = defaultdict(list)
    for e, r in result.holders:
        holders_of[r].append(e)
    pinned_learner = {
        (p.employee, p.role) for p in pins if p.kind == AssignmentKind.LEARNER
    }
    for e, r in sorted(facts.learner_pairs, key=lambda p: (p not in pinned_learner, p)):
        units = instance.learner_units(facts.roles[r])
        if (e, r) in result.holders or (e, r) in pinned_backup:
            continue
        if (
            not [h for h in holders_of[r] if h != e]
            or free[e] < units
            or not room(e, r)
        ):
            continue
        result.learners.add((e, r))
        free[e] -= units
        roles_of[e].add(r)

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
        if role is None or (e, r) in holders or (e, r) in learners:
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
            if (e, r) in holders or (e, r) in learners:
                continue
            if backup_load[e] + role.fte > facts.backup_cap(e):
                continue
            backups.add((e, r))
            backup_load[e] += role.fte
            chosen[r] += 1
    return backups
