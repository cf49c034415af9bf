"""The objective terms of any plan, computed without CP-SAT (same names, weights
and units as the model), e.g. for a previous period's plan or the greedy baseline."""

from __future__ import annotations

from collections import defaultdict

from .disruption import (
    changed_people,
    changed_units,
    previous_backups,
    previous_shares,
    takeovers,
)
from .eligibility import Facts, facts_of
from .instance import Instance
from .plan import Plan
from .weights import TERM_NAMES

Pair = tuple[str, str]


def raw_terms(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> dict[str, int]:
    """Unweighted amount of every soft term (see rules_soft.py for the definitions)."""
    instance = facts.instance
    raw = dict.fromkeys(TERM_NAMES, 0)
    missed: dict[str, int] = defaultdict(int)
    for (e, r), choice in facts.choice.items():
        held = (e, r) in holders
        if choice == "want" and not held:
            raw["want"] += 1
            missed[e] += 1
        elif choice == "avoid" and held:
            raw["avoid"] += 1
        elif choice == "learn" and not held and (e, r) not in learners:
            raw["learn"] += 1
            missed[e] += 1
    for pair, score in facts.score.items():
        if pair in holders:
            raw["score"] -= score
    for p in instance.previous:
        if p.kind == "holder" and (p.employee, p.role) not in holders:
            raw["continuity"] += 1
        elif p.kind == "backup" and (p.employee, p.role) not in backups:
            raw["continuity"] += 1
    raw["fairness"] = max(missed.values(), default=0)
    raw["fragments"] = len(holders)
    stand_in: dict[tuple[str, str], int] = defaultdict(int)
    held_by: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (h, r), share in holders.items():
        held_by[r].append((h, share))
    for b, r in backups:
        for h, share in held_by[r]:
            stand_in[h, b] += share
    worst = max(stand_in.values(), default=0)
    raw["backup_spread"] = -(-worst // 1000)
    before = previous_shares(instance)
    raw["disruption_fte"] = changed_units(before, holders)
    raw["disruption_people"] = len(changed_people(before, holders))
    raw["takeover"] = takeovers(before, previous_backups(instance), holders)
    return raw


def weighted_terms(facts: Facts, raw: dict[str, int]) -> dict[str, int]:
    return {name: facts.instance.weight(name) * value for name, value in raw.items()}


def evaluate_plan(instance: Instance, plan: Plan) -> dict[str, float]:
    """Weighted soft terms of ``plan`` plus "total" (the model's reported value),
    "uncovered_units", "uncovered_critical_units" and "missing_backups"."""
    facts = facts_of(instance)
    holders: dict[Pair, int] = {}
    learners: set[Pair] = set()
    backups: set[Pair] = set()
    for a in plan.assignments:
        if a.kind == "holder":
            holders[a.employee, a.role] = holders.get((a.employee, a.role), 0) + (
                a.fte or 0
            )
        elif a.kind == "learner":
            learners.add((a.employee, a.role))
        else:
            backups.add((a.employee, a.role))
    result: dict[str, float] = dict(
        weighted_terms(facts, raw_terms(facts, holders, learners, backups))
    )
    result["total"] = sum(result.values())
    covered: dict[str, int] = defaultdict(int)
    for (_, r), share in holders.items():
        covered[r] += share
    count: dict[str, int] = defaultdict(int)
    for _, r in backups:
        count[r] += 1
    result["uncovered_units"] = sum(
        max(0, role.fte - covered[role.id]) for role in instance.roles
    )
    result["uncovered_critical_units"] = sum(
        max(0, role.fte - covered[role.id]) for role in instance.roles if role.critical
    )
    result["missing_backups"] = sum(
        max(0, role.backups - count[role.id]) for role in instance.roles
    )
    return result
