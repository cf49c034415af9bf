"""Swaps between colleagues (services/swaps.py): taking over (part of) a role or
swapping roles, judged by the independent checker at once, accepted or declined
by the colleague, published by the secretaris like a scenario."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ommen_rollen.domain import RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import PlanningRound, Scenario, ScenarioStatus, WorkPlanStatus
from ommen_rollen.services import scenarios, swaps
from ommen_rollen.services.base import ServiceError
from ommen_rollen.services.hard_rules import HardRuleError
from tests.web.conftest import APRIL, Org, plan_of, roles_of, splittable


def propose(org: Org, round_: PlanningRound, **kw: object) -> Scenario:
    e = org.employees
    return swaps.propose_swap(
        round_.id,
        kw.pop("proposer", e["bram"]).id,  # type: ignore[attr-defined]
        kw.pop("colleague", e["anouk"]).id,  # type: ignore[attr-defined]
        kw.pop("take", org.roles["r01"]).id,  # type: ignore[attr-defined]
        org.users["bram"],
        valid_from=APRIL,
        **kw,  # type: ignore[arg-type]
    )


def test_taking_over_part_of_a_role_accepted_and_published(
    org: Org, approved: PlanningRound
) -> None:
    # Bram (backup of r01) takes 0,2 of Anouk's 0,5 fte of r01
    splittable(org)
    swap = propose(org, approved, take_fte="0,2")
    assert swap.status == ScenarioStatus.PROPOSED and swap.is_swap
    assert swap.name == "Ruil: Bram Jansen neemt Regie ICT over van Anouk de Vries"
    comparison = scenarios.compare(swap.id)
    assert comparison.violations == [] and not comparison.publishable
    bram = next(p for p in comparison.people if p.name == "Bram Jansen")
    assert "Regie ICT (7,2 uur)" in bram.after  # 0,2 fte of 36 hours
    assert "Regie ICT" not in bram.backups_after  # no backup of his own role
    assert comparison.missing_backups_after == comparison.missing_backups_before + 1
    with pytest.raises(ServiceError, match="niet aan u voorgesteld"):
        swaps.accept_swap(swap.id, org.employees["bram"].id, org.users["bram"])
    swaps.accept_swap(swap.id, org.employees["anouk"].id, org.users["anouk"])
    assert scenarios.compare(swap.id).publishable
    made = scenarios.publish_scenario(swap.id, org.secretary)
    assert {p.employee.name for p in made} == {"Anouk de Vries", "Bram Jansen"}
    assert ("r01", "holder", 3_000) in roles_of(plan_of(org, "anouk"))
    assert ("r01", "holder", 2_000) in roles_of(plan_of(org, "bram"))
    assert plan_of(org, "bram").valid_from == APRIL
    assert plan_of(org, "dirk").status == WorkPlanStatus.APPROVED
    assert approved.status == RoundStatus.PROPOSED


def test_swapping_roles_moves_both_whole_shares(
    org: Org, approved: PlanningRound
) -> None:
    # Bram gives r02 (0,4) to Anouk and takes r01 (0,5) from her
    swap = propose(org, approved, give_role_id=org.roles["r02"].id)
    held = {(a["employee"], a["role"]): a["fte"] for a in swap.plan["assignments"]
            if a["kind"] == "holder"}  # fmt: skip
    anouk, bram = (f"m{org.employees[n].id}" for n in ("anouk", "bram"))
    assert held[(bram, "r01")] == 0.5 and held[(anouk, "r02")] == 0.4
    assert (anouk, "r01") not in held and (bram, "r02") not in held
    swaps.decline_swap(swap.id, org.employees["anouk"].id, org.users["anouk"])
    assert swap.status == ScenarioStatus.DECLINED
    with pytest.raises(ServiceError, match="al geantwoord"):
        swaps.accept_swap(swap.id, org.employees["anouk"].id, org.users["anouk"])
    with pytest.raises(ServiceError, match="heeft deze ruil afgewezen"):
        scenarios.publish_scenario(swap.id, org.secretary)


def test_a_swap_that_breaks_a_hard_rule_is_refused_and_nothing_is_stored(
    org: Org, approved: PlanningRound
) -> None:
    # Carla (rompfunctie C) may not hold r01; 0,2 of an unsplittable role neither
    with pytest.raises(HardRuleError) as refused:
        propose(org, approved, proposer=org.employees["carla"])
    assert "Carla Smit" in " ".join(refused.value.lines)
    with pytest.raises(HardRuleError) as refused:
        propose(org, approved, take_fte="0,2")
    assert "rol Regie ICT: 2 rolhouders, maximaal 1" in refused.value.lines
    with pytest.raises(ServiceError, match="geen rolhouder"):
        propose(org, approved, take=org.roles["r03"])  # Anouk does not hold r03
    with pytest.raises(ServiceError, match="tussen 0 en de 0.5 fte"):
        propose(org, approved, take_fte="0,6")
    with pytest.raises(ServiceError, match="niet met uzelf"):
        propose(org, approved, colleague=org.employees["bram"])
    assert db.session.scalars(select(Scenario)).all() == []


def test_accepting_is_refused_when_the_werkplannen_changed_meanwhile(
    org: Org, approved: PlanningRound
) -> None:
    splittable(org)
    swap = propose(org, approved, take_fte="0,1")
    other = propose(org, approved, take_fte="0,2")
    swaps.accept_swap(other.id, org.employees["anouk"].id, org.users["anouk"])
    scenarios.publish_scenario(other.id, org.secretary)
    with pytest.raises(ServiceError):
        swaps.accept_swap(swap.id, org.employees["anouk"].id, org.users["anouk"])
    assert swap.status == ScenarioStatus.PROPOSED
