"""A plan in the making (holders, learners, backups) and the order plans are compared
in: pins kept, uncovered critical units, uncovered units, missing critical backups,
missing backups, then the weighted soft total."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..domain import AssignmentKind
from .eligibility import Facts
from .evaluate import raw_terms, weighted_terms
from .greedy import greedy_assign
from .shares import off_grid

Pair = tuple[str, str]


@dataclass
class Candidate:
    holders: dict[Pair, int] = field(default_factory=dict)  # share units
    learners: set[Pair] = field(default_factory=set)
    backups: set[Pair] = field(default_factory=set)

    def lacking(self, facts: Facts) -> tuple[dict[str, int], dict[str, int]]:
        """Per role: the fte units nobody holds, and the backups it lacks."""
        covered: dict[str, int] = defaultdict(int)
        for (_, r), share in self.holders.items():
            covered[r] += share
        count: dict[str, int] = defaultdict(int)
        for _, r in self.backups:
            count[r] += 1
        uncovered = {
            r: max(role.fte - covered[r], 0) for r, role in facts.roles.items()
        }
        missing = {
            r: max(role.backups - count[r], 0) for r, role in facts.roles.items()
        }
        return uncovered, missing

    def shortfall(self, facts: Facts) -> tuple[int, int, int, int]:
        """(uncovered critical, uncovered other, missing critical, missing other)."""
        uncovered, missing = self.lacking(facts)
        result = [0, 0, 0, 0]
        for r, role in facts.roles.items():
            result[0 if role.critical else 1] += uncovered[r]
            result[2 if role.critical else 3] += missing[r]
        return result[0], result[1], result[2], result[3]

    def soft(self, facts: Facts) -> int:
        raw = raw_terms(facts, self.holders, self.learners, self.backups)
        return sum(weighted_terms(facts, raw).values())

    def key(self, facts: Facts) -> tuple[int, int, int, int, int, int]:
        """The lexicographic order: a plan that breaks a pin is never better."""
        return (*self.shortfall_key(facts), self.soft(facts))

    def shortfall_key(self, facts: Facts) -> tuple[int, int, int, int, int]:
        """The order without the soft total (key's first five places)."""
        return (0 if self.keeps_pins(facts) else 1, *self.shortfall(facts))

    def uncovered(self, facts: Facts) -> int:
        critical, other, _, _ = self.shortfall(facts)
        return critical + other

    def missing(self, facts: Facts) -> int:
        _, _, critical, other = self.shortfall(facts)
        return critical + other

    def complete_cover(self, facts: Facts) -> bool:
        return self.uncovered(facts) == 0

    def complete(self, facts: Facts) -> bool:
        return self.shortfall(facts) == (0, 0, 0, 0)

    def off_grid(self, facts: Facts) -> set[Pair]:
        """Holder pairs whose share is the remainder of a split role."""
        step = facts.instance.settings.split_step_minutes
        return {
            (e, r)
            for (e, r), share in self.holders.items()
            if off_grid(share, facts.roles[r].fte, facts.roles[r].max_holders, step)
        }

    def keeps_pins(self, facts: Facts) -> bool:
        for p in facts.instance.pins:
            pair = (p.employee, p.role)
            if p.kind == AssignmentKind.HOLDER and (
                pair not in self.holders
                or (p.fte is not None and self.holders[pair] != p.fte)
            ):
                return False
            if p.kind == AssignmentKind.LEARNER and pair not in self.learners:
                return False
            if p.kind == AssignmentKind.BACKUP and pair not in self.backups:
                return False
        return True


def warm_start(facts: Facts) -> Candidate:
    """The best greedy plan in the lexicographic order: wishes first, or last
    period's holders first (measured on the demo round: 4.3 fte uncovered against
    none)."""
    results = [greedy_assign(facts)]
    if any(p.kind == AssignmentKind.HOLDER for p in facts.instance.previous):
        results.append(greedy_assign(facts, previous_first=True))
    candidates = [Candidate(g.holders, g.learners, g.backups) for g in results]
    return min(candidates, key=lambda c: c.key(facts))
