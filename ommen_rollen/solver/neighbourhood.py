"""Large-neighbourhood search on the joint model: keep everyone but a few people at
the current plan and let CP-SAT re-plan those few. Used by repair.py (shortfalls)
and soft_lns.py (the soft terms)."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from .candidate import Candidate
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
) -> None:
    """Fix the variables of everyone outside ``freed`` at their value in
    ``model``'s hint (hint the plan first: hints.hint_plan, then copy the model)."""
    hinted = model.proto.solution_hint
    values = dict(zip(hinted.vars, hinted.values, strict=True))
    variables = model.proto.variables
    for e, items in by_employee.items():
        if e in freed:
            continue
        for var in items:
            value = values.get(var.index)
            if value is not None:
                domain = variables[var.index].domain
                domain.clear()
                domain.extend([value, value])


def bounded_copy(s: PlanModel, plan: Candidate) -> cp_model.CpModel:
    """A copy of the model with every shortfall component at most ``plan``'s."""
    model = s.model.clone()
    shortfall = plan.shortfall(s.facts)
    kept = plan.keeps_pins(s.facts)  # else its values bound nothing that is allowed
    for expr, value in zip(s.shortfall().components(), shortfall, strict=True):
        if kept and not isinstance(expr, int):
            model.add(expr <= value)
    return model
