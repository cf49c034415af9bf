"""Large-neighbourhood repair of shortfalls: free a few people, keep the rest.

When no complete plan is found in one go (tight or large organisations), each round
picks a few roles that are still short: uncovered roles first, and only when every
role is covered the roles with missing backups (coverage comes first in the order
of candidate.py). It frees everyone who could hold or back them up plus the people
who share their current roles, keeps everyone else at the current plan (one
FrozenPlan per repair: the fixing is done once, each round only frees its people)
and lets CP-SAT minimise the shortfall in that neighbourhood. A neighbourhood is
small, so a round takes a fraction of a second; a better plan (in the
lexicographic order) is kept and becomes the next round's hint."""

from __future__ import annotations

import random
from collections import defaultdict

from .candidate import Candidate
from .eligibility import Facts
from .hints import better
from .model import PlanModel, shortfall_goal
from .neighbourhood import FrozenPlan
from .runner import Runner

NEIGHBOURHOOD = 40  # employees freed per round
NEIGHBOURHOOD_LARGE = 80  # in large organisations (search.py's LARGE_FROM)
ROUND_S = 2.0  # at most this long per round
SEED_ROLES = 3  # short roles a neighbourhood starts from


STALE_ROUNDS = 8  # stop after this many rounds in a row without a better plan


def _short_roles(facts: Facts, plan: Candidate, forced: dict[str, int]) -> list[str]:
    """Roles with more uncovered fte than ``forced``; when there are none, roles
    with missing backups (coverage comes first in the order of candidate.py, so
    the rounds work on it first)."""
    uncovered, missing = plan.lacking(facts)
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


def repair(
    s: PlanModel,
    runner: Runner,
    plan: Candidate,
    budget: float,
    forced: dict[str, int],
    *,
    neighbourhood: int = NEIGHBOURHOOD,
) -> Candidate:
    """Rounds of neighbourhood search until ``budget`` is used, nothing is short
    beyond ``forced`` (units no plan can cover), or rounds stop paying off;
    ``neighbourhood`` people are freed per round."""
    facts = s.facts
    rng = random.Random(runner.seed)
    candidates: dict[str, list[str]] = defaultdict(list)
    for e, r in {*facts.holder_pairs, *facts.backup_pairs}:
        candidates[r].append(e)
    for people in candidates.values():
        people.sort()
    frozen = FrozenPlan(s, plan)
    objective = shortfall_goal(s)
    spent = 0.0
    rounds = stale = 0
    while spent < budget and runner.remaining() > 0.2 and not runner.cancelled:
        short = _short_roles(facts, plan, forced)
        if not short or stale >= STALE_ROUNDS:
            break
        seeds = rng.sample(short, min(SEED_ROLES, len(short)))
        freed = _neighbourhood(plan, seeds, candidates, rng, neighbourhood)
        model = frozen.freeing(freed)
        model.minimize(objective)
        budget_left = budget - spent
        result = runner.run(
            "repair",
            model,
            min(ROUND_S, budget_left),
            uncovered=list(s.uncovered.values()),
            missing=list(s.missing.values()),
            seed_offset=rounds,
        )
        rounds += 1
        spent += runner.used_by(result)
        if result.status in ("INFEASIBLE", "MODEL_INVALID"):
            break  # the pins contradict each other: solve.py names them
        stale += 1
        if result.has_solution:
            found = better(facts, plan, frozen.read(result.solver, freed))
            if found is not plan:
                plan, stale = found, 0
                frozen.move_to(plan, result.solver, freed)
        if len(freed) >= len(facts.employees):
            break  # the whole organisation was free: another round finds no more
    return plan
