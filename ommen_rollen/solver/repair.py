"""Large-neighbourhood repair of shortfalls: free a few people, keep the rest.

When no complete plan is found in one go (tight or large organisations), each round
picks roles that are still short (uncovered fte or missing backups), frees every
employee who could hold or back them up plus the people who share their current
roles, fixes everyone else at the current plan, and lets CP-SAT minimise the
shortfall in that neighbourhood. A neighbourhood is small, so each round takes a
fraction of a second; a better plan (in the lexicographic order) is kept.
"""

from __future__ import annotations

import random
from collections import defaultdict

from .candidate import Candidate
from .eligibility import Facts
from .hints import better, extract_plan, hint_plan
from .model import PlanModel, shortfall_goal
from .neighbourhood import freeze_others, variables_by_employee
from .runner import Runner

NEIGHBOURHOOD = 40  # employees freed per round
ROUND_S = 2.0  # at most this long per round
SEED_ROLES = 3  # short roles a neighbourhood starts from


STALE_ROUNDS = 8  # stop after this many rounds in a row without a better plan


def _short_roles(facts: Facts, plan: Candidate, forced: dict[str, int]) -> list[str]:
    """Roles with more uncovered fte than ``forced`` or with missing backups."""
    uncovered, missing = plan.lacking(facts)
    return [r for r in facts.roles if uncovered[r] > forced.get(r, 0) or missing[r] > 0]


def repair(
    s: PlanModel,
    runner: Runner,
    plan: Candidate,
    budget: float,
    forced: dict[str, int],
) -> Candidate:
    """Rounds of neighbourhood search until ``budget`` is used, nothing is short
    beyond ``forced`` (units no plan can cover), or rounds stop paying off."""
    facts = s.facts
    rng = random.Random(runner.seed)
    candidates: dict[str, list[str]] = defaultdict(list)
    for e, r in {*facts.holder_pairs, *facts.backup_pairs}:
        candidates[r].append(e)
    for people in candidates.values():
        people.sort()
    by_employee = variables_by_employee(s)
    objective = shortfall_goal(s)
    spent = 0.0
    rounds = stale = 0
    while spent < budget and runner.remaining() > 0.2 and not runner.cancelled:
        short = _short_roles(facts, plan, forced)
        if not short or stale >= STALE_ROUNDS:
            break
        seeds = rng.sample(short, min(SEED_ROLES, len(short)))
        freed: set[str] = set()
        for r in seeds:
            freed.update(candidates[r])
        # the people who share the freed people's roles can make room too
        held_by: dict[str, set[str]] = defaultdict(set)
        for e, r in plan.holders:
            held_by[r].add(e)
        for e, r in list(plan.holders):
            if e in freed:
                freed |= held_by[r]
        if len(freed) > NEIGHBOURHOOD:
            must = {e for r in seeds for e in candidates[r]}
            rest = sorted(freed - must)
            freed = set(rng.sample(sorted(must), min(len(must), NEIGHBOURHOOD)))
            freed |= set(rng.sample(rest, max(NEIGHBOURHOOD - len(freed), 0)))
        hint_plan(s, plan)
        model = s.model.clone()
        freeze_others(model, freed, by_employee)
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
            found = better(facts, plan, extract_plan(s, result.solver))
            if found is not plan:
                plan, stale = found, 0
        if len(freed) >= len(facts.employees):
            break  # the whole organisation was free: another round finds no more
    return plan
