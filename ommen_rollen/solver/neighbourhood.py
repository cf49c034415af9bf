"""Large-neighbourhood search on the joint model: keep everyone but a few people at
the current plan and let CP-SAT re-plan those few. Used by repair.py (shortfalls)
and soft_lns.py (the soft terms)."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from .candidate import Candidate
from .hints import hint_plan
from .model import PlanModel

Pair = tuple[str, str]


def variables_by_employee(
    s: PlanModel, *, backups: bool = True
) -> dict[str, list[cp_model.IntVar]]:
    """Every decision variable of ``s`` that belongs to one employee (without
    ``backups``: what they hold and learn only)."""
    result: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for pair, var in s.holds.items():
        result[pair[0]].append(var)
        share = s.share[pair]
        if isinstance(share, cp_model.IntVar):
            result[pair[0]].append(share)
    for pair, var in s.learns.items():
        result[pair[0]].append(var)
    for pair, var in s.backs.items() if backups else ():
        result[pair[0]].append(var)
    return result


def freeze_others(
    model: cp_model.CpModel,
    freed: set[str],
    by_employee: dict[str, list[cp_model.IntVar]],
) -> dict[int, list[int]]:
    """Fix the variables of everyone outside ``freed`` at their value in
    ``model``'s hint (hint the plan first: hints.hint_plan, then copy the model);
    returns the original domain of every variable it fixed."""
    hinted = model.proto.solution_hint
    values = dict(zip(hinted.vars, hinted.values, strict=True))
    variables = model.proto.variables
    originals: dict[int, list[int]] = {}
    for e, items in by_employee.items():
        if e in freed:
            continue
        for var in items:
            value = values.get(var.index)
            if value is None or var.index in originals:
                continue
            domain = variables[var.index].domain
            originals[var.index] = list(domain)
            domain.clear()
            domain.extend([value, value])
    return originals


def bounded_copy(s: PlanModel, plan: Candidate) -> cp_model.CpModel:
    """A copy of the model with every shortfall component at most ``plan``'s."""
    model = s.model.clone()
    shortfall = plan.shortfall(s.facts)
    kept = plan.keeps_pins(s.facts)  # else its values bound nothing that is allowed
    for expr, value in zip(s.shortfall().components(), shortfall, strict=True):
        if kept and not isinstance(expr, int):
            model.add(expr <= value)
    return model


class FrozenPlan:
    """The joint model with every employee's variables fixed at a plan, for rounds
    that free a few people at a time (repair.py, soft_lns.py).

    Fixing everyone in a fresh copy costs about 0.5 s per round at 600 people
    (100,000 variables, freeze_others); this fixes them once, and a round copies
    the fixed model (0.04 s) and restores the original domains of the freed people
    only. A round's solution is read back for the freed people only (nobody else
    could change) and becomes the next fixed plan with its values as the hint.
    """

    def __init__(
        self,
        s: PlanModel,
        plan: Candidate,
        *,
        bounded: bool = False,
    ) -> None:
        self.s = s
        self.plan = plan
        self.by_employee = variables_by_employee(s)
        hint_plan(s, plan)
        self.base = bounded_copy(s, plan) if bounded else s.model.clone()
        # the original domain per fixed variable
        self.domains = freeze_others(self.base, set(), self.by_employee)
        self.holds_of: dict[str, list[Pair]] = defaultdict(list)
        for pair in s.holds:
            self.holds_of[pair[0]].append(pair)
        self.learns_of: dict[str, list[Pair]] = defaultdict(list)
        for pair in s.learns:
            self.learns_of[pair[0]].append(pair)
        self.backs_of: dict[str, list[Pair]] = defaultdict(list)
        for pair in s.backs:
            self.backs_of[pair[0]].append(pair)

    def freeing(self, freed: set[str]) -> cp_model.CpModel:
        """A copy of the fixed model in which ``freed`` may change again."""
        model = self.base.clone()
        variables = model.proto.variables
        for e in freed:
            for var in self.by_employee.get(e, ()):
                original = self.domains.get(var.index)
                if original is not None:
                    domain = variables[var.index].domain
                    domain.clear()
                    domain.extend(original)
        return model

    def read(self, solver: cp_model.CpSolver, freed: set[str]) -> Candidate:
        """The plan of a round's solution: the fixed plan with the freed people's
        assignments as solved."""
        s = self.s
        holders = {p: v for p, v in self.plan.holders.items() if p[0] not in freed}
        learners = {p for p in self.plan.learners if p[0] not in freed}
        backups = {p for p in self.plan.backups if p[0] not in freed}
        for e in freed:
            for pair in self.holds_of.get(e, ()):
                if solver.value(s.holds[pair]):
                    share = int(solver.value(s.share[pair]))
                    if share > 0:
                        holders[pair] = share
            learners.update(
                p for p in self.learns_of.get(e, ()) if solver.value(s.learns[p])
            )
            backups.update(
                p for p in self.backs_of.get(e, ()) if solver.value(s.backs[p])
            )
        return Candidate(holders, learners, backups)

    def move_to(
        self, plan: Candidate, solver: cp_model.CpSolver, freed: set[str]
    ) -> None:
        """Make ``plan`` (read from ``solver``'s solution of a round that freed
        ``freed``) the fixed plan: its solution is the hint, the freed people's
        variables are fixed at their new values."""
        self.plan = plan
        solution = list(solver.response_proto.solution)
        self.base.clear_hints()  # type: ignore[no-untyped-call]
        hint = self.base.proto.solution_hint
        hint.vars.extend(range(len(solution)))
        hint.values.extend(solution)
        variables = self.base.proto.variables
        for e in freed:
            for var in self.by_employee.get(e, ()):
                if var.index in self.domains:
                    domain = variables[var.index].domain
                    domain.clear()
                    domain.extend([solution[var.index], solution[var.index]])
