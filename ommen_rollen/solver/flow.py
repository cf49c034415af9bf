"""The holding relaxation: who could carry which part of which role, as one linear
programme (GLOP).

Continuous shares, eligibility, each holder's largest fitting share and every
contract's capacity (effort included); integrality, max_holders, backups and the
soft terms are dropped. Solved in well under a second at 600 people and in a few
seconds at 2,000. Its optimum is a lower bound on the uncovered fte, and its
solution is a map of the organisation: a basic solution is a forest, so the people
and roles it connects fall apart into small groups that can each cover their own
roles (measured: at most 73 people per group at 600 people, 84 at 2,000). blocks.py
solves by those groups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from ..domain import AssignmentKind
from .eligibility import Facts

Pair = tuple[str, str]
EPSILON = 1e-6  # a flow below this is zero


@dataclass
class Flow:
    """The relaxation's solution: fte units per (employee, role) and per role the
    units it leaves uncovered."""

    shares: dict[Pair, float]
    uncovered: dict[str, float]
    optimal: bool


class _Relaxation:
    """The linear programme: shares per eligible pair, uncovered units per role,
    one cover row per role and one capacity row per employee."""

    def __init__(self, facts: Facts, room: float = 0.0) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
            raise RuntimeError("GLOP is not available in this OR-Tools build")
        self.facts, self.solver = facts, solver
        infinity = solver.infinity()
        cover = {
            r: solver.Constraint(role.fte, role.fte) for r, role in facts.roles.items()
        }
        capacity = {
            e: solver.Constraint(-infinity, employee.capacity * (1 - room))
            for e, employee in facts.employees.items()
        }
        pins = facts.instance.pins
        pinned = {(p.employee, p.role) for p in pins if p.kind == AssignmentKind.HOLDER}
        # a pinned backup never holds the role it stands in for
        standing_in = {
            (p.employee, p.role) for p in pins if p.kind == AssignmentKind.BACKUP
        }
        self.shares: dict[Pair, pywraplp.Variable] = {}
        for e, r in facts.holder_pairs:
            role = facts.roles[r]
            high = fitting_share(facts, e, r)
            if high <= 0 or high < role.min_share or (e, r) in standing_in:
                continue
            low = (
                facts.pinned_fte.get((e, r), role.min_share) if (e, r) in pinned else 0
            )
            var = solver.NumVar(min(low, high), high, "")
            self.shares[e, r] = var
            cover[r].SetCoefficient(var, 1)
            capacity[e].SetCoefficient(var, load_factor(facts, e, r))
        objective = solver.Objective()
        self.uncovered: dict[str, pywraplp.Variable] = {}
        for r, role in facts.roles.items():
            var = solver.NumVar(0, role.fte, "")
            self.uncovered[r] = var
            cover[r].SetCoefficient(var, 1)
            objective.SetCoefficient(var, 10 if role.critical else 1)
        objective.SetMinimization()

    def solve(self) -> Flow:
        status = self.solver.Solve()
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            roles = self.facts.roles
            return Flow({}, {r: float(role.fte) for r, role in roles.items()}, False)
        return Flow(
            {
                p: v.solution_value()
                for p, v in self.shares.items()
                if v.solution_value() > EPSILON
            },
            {r: v.solution_value() for r, v in self.uncovered.items()},
            status == pywraplp.Solver.OPTIMAL,
        )


def fitting_share(facts: Facts, employee: str, role: str) -> int:
    """The largest share of ``role`` that fits ``employee``'s capacity (0 when not
    even its smallest share fits)."""
    r = facts.roles[role]
    capacity = facts.employees[employee].capacity
    effort = facts.effort.get((employee, role))
    fits = min(r.fte, capacity if effort is None else capacity * r.fte // effort)
    return fits if fits >= r.min_share else 0


def load_factor(facts: Facts, employee: str, role: str) -> float:
    effort = facts.effort.get((employee, role))
    return 1.0 if effort is None else effort / facts.roles[role].fte


ROOM = 0.03  # of every contract the relaxation first tries to leave free


def holding_flow(facts: Facts) -> Flow:
    """Solve the relaxation, critical roles covered first (weight 10); a holder pin
    keeps at least its share (so it lands in the group of its role). It first
    leaves ROOM of every contract free, so that each group keeps some slack for
    whole roles (a group used to the last hour is often not coverable in whole
    roles); where that leaves work uncovered, the full contracts count."""
    roomy = _Relaxation(facts, ROOM).solve()
    if roomy.optimal and sum(roomy.uncovered.values()) < EPSILON:
        return roomy
    return _Relaxation(facts).solve()


def groups(facts: Facts, flow: Flow) -> list[tuple[set[str], set[str]]]:
    """(employees, roles) connected by the flow; a role without flow and a person
    without flow each form a group of their own."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(node: tuple[str, str]) -> tuple[str, str]:
        root = node
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for e, r in flow.shares:
        a, b = find(("e", e)), find(("r", r))
        if a != b:
            parent[a] = b
    members: dict[tuple[str, str], tuple[set[str], set[str]]] = defaultdict(
        lambda: (set(), set())
    )
    for e in facts.employees:
        members[find(("e", e))][0].add(e)
    for r in facts.roles:
        members[find(("r", r))][1].add(r)
    return list(members.values())
