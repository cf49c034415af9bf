"""Neighbourhood rounds on the soft terms (soft_lns.py)."""

from __future__ import annotations

from ommen_rollen.solver.candidate import Candidate
from ommen_rollen.solver.eligibility import facts_of
from ommen_rollen.solver.instance import parse_instance
from ommen_rollen.solver.model import build_plan_model
from ommen_rollen.solver.runner import Runner
from ommen_rollen.solver.soft_lns import improve_soft

from .factories import employee, instance, role


def _swap_instance() -> dict:
    # six people, six one-person roles; everyone wants the role of the next person
    people = [employee(f"m{i}", 0.5) for i in range(6)]
    roles = [role(f"r{i}", 0.5) for i in range(6)]
    wishes = [
        {"employee": f"m{i}", "role": f"r{(i + 1) % 6}", "choice": "want"}
        for i in range(6)
    ]
    return instance(people, roles, preferences=wishes)


def test_rounds_trade_roles_between_people_and_never_worsen_the_shortfall() -> None:
    facts = facts_of(parse_instance(_swap_instance()))
    s = build_plan_model(facts)
    start = Candidate({(f"m{i}", f"r{i}"): 5_000 for i in range(6)})
    assert start.shortfall(facts) == (0, 0, 0, 0)
    runner = Runner(5.0, 1, 0, None, None)  # one worker: deterministic time
    found = improve_soft(s, runner, start, 3.0)
    assert found.shortfall(facts) == (0, 0, 0, 0)
    assert found.soft(facts) < start.soft(facts)
    # the soft optimum: everyone holds the role they asked for
    assert found.holders == {(f"m{i}", f"r{(i + 1) % 6}"): 5_000 for i in range(6)}
    assert [level.name for level in runner.levels][:1] == ["soft-lns"]
