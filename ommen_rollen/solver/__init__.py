"""Pure planning solver: plain dataclasses in, plain dataclasses out (no Flask, no
database). Instance and plan formats v1 are documented in docs/instance-format.md and
docs/plan-format.md."""

from __future__ import annotations

from typing import Any

from .evaluate import evaluate_plan
from .greedy import greedy_plan
from .instance import Instance, InstanceError, instance_to_json, parse_instance
from .plan import Plan, plan_from_json
from .runner import Progress
from .solve import solve, solve_json

__all__ = [
    "Instance",
    "InstanceError",
    "Plan",
    "Progress",
    "build_model",
    "check_plan",
    "evaluate_plan",
    "greedy_plan",
    "instance_to_json",
    "parse_instance",
    "plan_from_json",
    "solve",
    "solve_json",
]


def check_plan(instance_json: dict[str, Any], plan_json: dict[str, Any]) -> list[str]:
    """The independent checker (solver/checker.py): [] when every hard rule holds."""
    from .checker import check_plan as independent_check

    return independent_check(instance_json, plan_json)


def build_model(instance: Instance) -> tuple[Any, object]:
    """The joint CP-SAT model (holders, learners, backups) and its variables."""
    from .eligibility import facts_of
    from .model import build_plan_model

    joint = build_plan_model(facts_of(instance))
    return joint.model, joint
