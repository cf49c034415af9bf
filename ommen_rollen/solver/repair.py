"""Large-neighbourhood repair of shortfalls: free a few people, keep the rest.

When no complete plan is found in one go (tight or large organisations), each round
picks a few roles that are still short: uncovered roles first, and only when every
role is covered the roles with missing backups (coverage comes first in the order
of candidate.py). It frees everyone who could hold or back them up plus the people
who share their current roles, keeps everyone else at the current plan and lets
CP-SAT minimise the shortfall in that neighbourhood, on a model of the freed people
and the roles they touch only (submodel.py). A neighbourhood is small, so a round
takes a fraction of a second at any size of organisation; a better plan (in the
lexicographic order) is kept and becomes the next round's hint."""

from __future__ import annotations

import random
from collections import defaultdict

from .candidate import Candidate
from .eligibility import Facts
from .model import shortfall_goal
from .runner import Runner
from .submodel import CandidatePairs, Lacking, build_sub_model, read_round

NEIGHBOURHOOD = 40  # employees freed per round
ROUND_S = 2.0  # at most this long per round
# In large organisations (search.py's LARGE_FROM) many short rounds beat fewer long
# ones (600 people, 30 s: rounds of 0.3 s left 0-0.2 fte uncovered, of 2 s 1.4)
ROUND_S_LARGE = 0.3
SEED_ROLES = 3  # short roles a neighbourhood starts from
# When only backups are missing, two rounds in three change backups alone (holders
# fixed): such a round frees more people around more roles in the same time.
# Measured at 600 people from the planted holders without backups (2,549 missing),
# 10 s: 60 people per round left 5-10 missing, 80 left 394, 150 left 1,542 (most
# rounds of 150 found nothing in their 0.3 s).
BACKUP_SEED_ROLES = 10
BACKUP_NEIGHBOURHOOD = 60
STALE_ROUNDS = 40  # stop after this many rounds in a row without a better plan


def lacking_work(lacking: Lacking, forced: dict[str, int]) -> bool:
    """Some role has more uncovered units than ``forced``."""
    return any(n > forced.get(r, 0) for r, n in lacking[0].items())


def _short_roles(facts: Facts, lacking: Lacking, forced: dict[str, int]) -> list[str]:
    """Roles with more uncovered fte than ``forced``; when there are none, roles
    with missing backups (coverage comes first in the order of candidate.py, so
    the rounds work on it first)."""
    uncovered, missing = lacking
    open_work = [r for r in facts.roles if uncovered[r] > forced.get(r, 0)]
    return open_work or [r for r in facts.roles if missing[r] > 0]


def _neighbourhood(
    plan: Candidate,
    seeds: list[str],
    candidates: dict[str, list[str]],
    rng: random.Random,
    size: int,
) -> set[str]:
    """Everyone who could hold or back up a seed role, and the people who share
    a role with one of them (they can make room), at random up to ``size``
    people with the seed roles' candidates first. (Adding everyone who could take
    over a role they hold, the whole knock-on, made rounds too hard to solve in
    their time: 1.1-1.3 fte uncovered instead of 0.01-0.4 at 600 people.)"""
    must = sorted({e for r in seeds for e in candidates[r]})
    if len(must) >= size:
        return set(rng.sample(must, size))
    inside = set(must)
    held_by: dict[str, set[str]] = defaultdict(set)
    for e, r in plan.holders:
        held_by[r].add(e)
    sharing = {o for e, r in plan.holders if e in inside for o in held_by[r]}
    rest = sorted(sharing - inside)
    return inside | set(rng.sample(rest, min(len(rest), size - len(must))))


def _half_of(must: list[str], rng: random.Random, size: int) -> set[str]:
    """At most half of ``size`` people from ``must``, at random."""
    half = max(size // 2, 1)
    return set(rng.sample(must, half)) if len(must) > half else set(must)


def _fill_by_room(
    inside: set[str],
    takers: set[str],
    room: dict[str, int],
    rng: random.Random,
    size: int,
) -> set[str]:
    """``inside`` filled up to ``size`` with the ``takers`` with most ``room``
    (ties at random)."""
    rest = sorted(takers - inside)
    rng.shuffle(rest)
    rest.sort(key=lambda o: -room[o])
    return inside | set(rest[: max(size - len(inside), 0)])


def _room_neighbourhood(
    facts: Facts,
    plan: Candidate,
    seeds: list[str],
    rng: random.Random,
    size: int,
) -> set[str]:
    """For uncovered seed roles: half the neighbourhood at most from the people
    who could hold them, the rest from the people with most room in their
    contract who could take over a role one of those holds (the work has to move
    to where there is room; 600 people, 30 s: 0-0.2 fte uncovered against
    0.1-0.5 with co-holders instead)."""
    holder_candidates = facts.holder_candidates
    inside = _half_of(
        sorted({e for r in seeds for e in holder_candidates[r]}), rng, size
    )
    load: dict[str, int] = defaultdict(int)
    for (e, r), share in plan.holders.items():
        load[e] += facts.holder_load_ceil(e, r, share)
    held = {r for e, r in plan.holders if e in inside}
    takers = {o for r in held for o in holder_candidates[r]}
    room = {o: facts.employees[o].capacity - load[o] for o in takers}
    return _fill_by_room(inside, takers, room, rng, size)


def _backup_neighbourhood(
    facts: Facts,
    plan: Candidate,
    seeds: list[str],
    rng: random.Random,
    size: int,
) -> set[str]:
    """For seed roles that lack backups: half the neighbourhood at most from the
    people who could back them up, the rest from the people with most room for
    backup duty who could take over a role one of those backs up."""
    backup_candidates = facts.backup_candidates
    inside = _half_of(
        sorted({e for r in seeds for e in backup_candidates[r]}), rng, size
    )
    duty: dict[str, int] = defaultdict(int)
    for e, r in plan.backups:
        duty[e] += facts.roles[r].fte
    backed = {r for e, r in plan.backups if e in inside}
    takers = {o for r in backed for o in backup_candidates[r]}
    room = {o: facts.backup_cap(o) - duty[o] for o in takers}
    return _fill_by_room(inside, takers, room, rng, size)


def repair(
    facts: Facts,
    runner: Runner,
    plan: Candidate,
    budget: float,
    forced: dict[str, int],
    *,
    neighbourhood: int = NEIGHBOURHOOD,
    round_s: float = ROUND_S,
) -> Candidate:
    """Rounds of neighbourhood search until ``budget`` is used, nothing is short
    beyond ``forced`` (units no plan can cover), or rounds stop paying off;
    ``neighbourhood`` people are freed per round, for at most ``round_s``."""
    rng = random.Random(runner.seed)
    candidates: dict[str, list[str]] = defaultdict(list)
    for e, r in {*facts.holder_pairs, *facts.backup_pairs}:
        candidates[r].append(e)
    for people in candidates.values():
        people.sort()
    pairs = CandidatePairs(facts)
    lacking = plan.lacking(facts)
    current = plan.shortfall(facts)
    spent = 0.0
    rounds = stale = 0
    while spent < budget and runner.remaining() > 0.2 and not runner.cancelled:
        short = _short_roles(facts, lacking, forced)
        if not short or stale >= STALE_ROUNDS:
            break
        backups_only = not lacking_work(lacking, forced) and rounds % 3 != 2
        seeds = rng.sample(
            short, min(BACKUP_SEED_ROLES if backups_only else SEED_ROLES, len(short))
        )
        if backups_only:
            freed = _backup_neighbourhood(facts, plan, seeds, rng, BACKUP_NEIGHBOURHOOD)
        elif all(lacking[0][r] for r in seeds):
            freed = _room_neighbourhood(facts, plan, seeds, rng, neighbourhood)
        else:
            freed = _neighbourhood(plan, seeds, candidates, rng, neighbourhood)
        sub = build_sub_model(
            facts, pairs, plan, freed, lacking, backups_only=backups_only
        )
        sub.s.model.minimize(shortfall_goal(sub.s))
        uncovered, missing = sub.organisation_totals()
        budget_left = budget - spent
        result = runner.run(
            "repair-backups" if backups_only else "repair",
            sub.s.model,
            min(round_s, budget_left),
            uncovered=uncovered,
            missing=missing,
            seed_offset=rounds,
        )
        rounds += 1
        spent += runner.used_by(result)
        if result.status in ("INFEASIBLE", "MODEL_INVALID"):
            break  # the pins contradict each other: solve.py names them
        stale += 1
        if result.has_solution and (found := sub.shortfall_of(result.solver)) < current:
            # the sub-model holds every assignment of the roles it touches, so its
            # shortfall plus the rest's is the new plan's (no pass over the plan)
            plan = read_round(sub, plan, result.solver)
            lacking, current, stale = plan.lacking(facts), found, 0
        if len(freed) >= len(facts.employees) and not backups_only:
            break  # the whole organisation was free: another round finds no more
    return plan
