"""Large-neighbourhood search on the soft terms: free a few people who could swap
work, keep everyone else at the best plan, let CP-SAT minimise the soft terms with
every shortfall component bounded by the best plan's.

One CP-SAT solve over the whole model stalls on instances where a better plan needs
several people to trade roles at once (the generalised assignment instances of
benchmarks/gap.py: 1.68 % above the best known cost after 60 s on 20 agents x 100
jobs); short rounds on a few people at a time keep improving. A neighbourhood starts
from one person and adds the people who may do the same roles, most overlap first.
"""

from __future__ import annotations

import random
from collections import defaultdict

from .candidate import Candidate
from .eligibility import Facts
from .hints import better
from .model import PlanModel
from .neighbourhood import FrozenPlan
from .runner import MIN_STAGE_S, Runner

ROUND_S = 1.0  # at most this long per round
NEIGHBOURHOOD_SHARE = 0.2  # of the people freed per round ...
NEIGHBOURHOOD_MIN, NEIGHBOURHOOD_MAX = 4, 30  # ... within these bounds


class _Colleagues:
    """Per person: the people who may do their roles, most shared roles first;
    counted for one person when asked (all pairs at once is quadratic in the
    people per role: about 70 million steps at 2,000 people)."""

    def __init__(self, facts: Facts) -> None:
        self.people_of: dict[str, set[str]] = defaultdict(set)
        self.roles_of: dict[str, set[str]] = defaultdict(set)
        for e, r in {*facts.holder_pairs, *facts.backup_pairs, *facts.learner_pairs}:
            self.people_of[r].add(e)
            self.roles_of[e].add(r)

    def of(self, person: str) -> list[str]:
        shared: dict[str, int] = defaultdict(int)
        for r in self.roles_of[person]:
            for other in self.people_of[r]:
                if other != person:
                    shared[other] += 1
        return [b for b, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))]


def improve_soft(
    s: PlanModel,
    runner: Runner,
    plan: Candidate,
    budget: float,
) -> Candidate:
    """Rounds until ``budget`` is used; each keeps every shortfall component at
    most the starting plan's, and a round's plan is kept only when it is better
    in the order of candidate.py, so the plan only gets better."""
    facts = s.facts
    frozen = FrozenPlan(s, plan, bounded=True)
    people = sorted(e for e in facts.employees if frozen.by_employee.get(e))
    if len(people) < 2:
        return plan
    colleagues = _Colleagues(facts)
    size = min(
        max(NEIGHBOURHOOD_MIN, int(len(people) * NEIGHBOURHOOD_SHARE)),
        NEIGHBOURHOOD_MAX,
        len(people),
    )
    rng = random.Random(runner.seed)
    objective = s.soft_objective()
    spent = 0.0
    rounds = 0
    while (
        spent < budget - MIN_STAGE_S
        and not runner.out_of_time()
        and not runner.cancelled
    ):
        seed = rng.choice(people)
        freed = {seed}
        near = colleagues.of(seed)
        # half the neighbourhood among the closest colleagues, the rest at random
        # among everyone who shares a role, so rounds do not repeat themselves
        freed.update(near[: size // 2])
        rest = [e for e in near[size // 2 :] if e not in freed]
        freed.update(rng.sample(rest, min(len(rest), size - len(freed))))
        if len(freed) < size:
            others = [e for e in people if e not in freed]
            freed.update(rng.sample(others, min(len(others), size - len(freed))))
        model = frozen.freeing(freed)
        model.minimize(objective)
        result = runner.run(
            "soft-lns",
            model,
            min(ROUND_S, budget - spent),
            uncovered=list(s.uncovered.values()),
            missing=list(s.missing.values()),
            seed_offset=rounds,
        )
        rounds += 1
        spent += runner.used_by(result)
        if result.status in ("INFEASIBLE", "MODEL_INVALID"):
            break  # bounded by the plan itself: cannot happen unless pins contradict
        if result.has_solution:
            found = better(facts, plan, frozen.read(result.solver, freed))
            if found is not plan:
                plan = found
                frozen.move_to(plan, result.solver, freed)
    return plan
