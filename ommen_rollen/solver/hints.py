"""Moving plans in and out of the joint model: hints, extraction, comparison."""

from __future__ import annotations

from ortools.sat.python import cp_model

from .candidate import Candidate
from .eligibility import Facts
from .model import BackupModel, PlanModel


def hint_plan(s: PlanModel, plan: Candidate) -> None:
    """Hint every decision variable of ``s`` with ``plan`` (written straight into
    the proto: add_hint costs microseconds per call, too many at 2,000 people)."""
    facts = s.facts
    values: list[tuple[cp_model.IntVar, int]] = []
    for pair, holds in s.holds.items():
        share = plan.holders.get(pair, 0)
        values.append((holds, 1 if share else 0))
        expr = s.share[pair]
        if isinstance(expr, cp_model.IntVar):
            values.append((expr, share))
        load = s.load[pair]
        if isinstance(load, cp_model.IntVar) and load is not expr:
            values.append((load, facts.holder_load_ceil(pair[0], pair[1], share)))
    rest = plan.off_grid(facts)
    values.extend((v, 1 if pair in rest else 0) for pair, v in s.remainder.items())
    values.extend((v, 1 if p in plan.learners else 0) for p, v in s.learns.items())
    values.extend((v, 1 if p in plan.backups else 0) for p, v in s.backs.items())
    uncovered, missing = plan.lacking(facts)
    values.extend((var, uncovered[r]) for r, var in s.uncovered.items())
    values.extend((var, missing[r]) for r, var in s.missing.items())
    set_hints(s.model, values)


def hint_backups(b: BackupModel, plan: Candidate) -> None:
    """Hint a backup model with ``plan``'s backups."""
    _, lacking = plan.lacking(b.facts)
    set_hints(
        b.model,
        [(var, 1 if pair in plan.backups else 0) for pair, var in b.backs.items()]
        + [(var, lacking[r]) for r, var in b.missing.items()],
    )


def set_hints(
    model: cp_model.CpModel, values: list[tuple[cp_model.IntVar, int]]
) -> None:
    """Replace ``model``'s hint by ``values``, written straight into the proto.

    One value per variable: OR-Tools folds ``1 * holds`` into ``holds`` itself, so a
    one-unit role's share (or a one-unit effort's load) is the holds variable again,
    and CP-SAT refuses a hint that names a variable twice (MODEL_INVALID)."""
    by_index: dict[int, int] = {}
    for var, value in values:
        by_index.setdefault(var.index, value)
    model.clear_hints()  # type: ignore[no-untyped-call]
    hint = model.proto.solution_hint
    hint.vars.extend(by_index.keys())
    hint.values.extend(by_index.values())


def extract_plan(s: PlanModel, solver: cp_model.CpSolver) -> Candidate:
    holders = {
        pair: int(solver.value(s.share[pair]))
        for pair, holds in s.holds.items()
        if solver.value(holds)
    }
    return Candidate(
        {pair: share for pair, share in holders.items() if share > 0},
        {pair for pair, v in s.learns.items() if solver.value(v)},
        {pair for pair, v in s.backs.items() if solver.value(v)},
    )


def better(facts: Facts, a: Candidate, b: Candidate) -> Candidate:
    """The better of two plans in the lexicographic order (ties keep ``a``); the
    soft totals are only computed when the shortfalls tie (they cost a pass over
    the whole plan, too much for every repair round)."""
    first_a, first_b = a.shortfall_key(facts), b.shortfall_key(facts)
    if first_a != first_b:
        return b if first_b < first_a else a
    return b if b.soft(facts) < a.soft(facts) else a
