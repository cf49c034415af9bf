"""The objective terms of any plan, computed without CP-SAT (same names, weights
and units as the model), e.g. for a previous period's plan or the greedy baseline."""

from __future__ import annotations

from collections import defaultdict

from ..domain import AssignmentKind
from .eligibility import Facts, facts_of
from .instance import Instance
from .plan import Plan
from .rules_soft import COUNTS
from .weights import TERM_NAMES

Pair = tuple[str, str]


def raw_terms(
    facts: Facts, holders: dict[Pair, int], learners: set[Pair], backups: set[Pair]
) -> dict[str, int]:
    """Unweighted amount of every soft term: each term's count_<rule>() in
    rules_soft.py, next to its model encoding."""
    raw = dict.fromkeys(TERM_NAMES, 0)
    for name, count in COUNTS:
        raw[name] += count(facts, holders, learners, backups)
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
        if a.kind == AssignmentKind.HOLDER:
            holders[a.employee, a.role] = holders.get((a.employee, a.role), 0) + (
                a.fte or 0
            )
        elif a.kind == AssignmentKind.LEARNER:
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
