"""Blocks for large organisations: the holding relaxation (flow.py) and the
partition built on it (blocks.py)."""

from __future__ import annotations

import pytest

from benchmarks.generate import generate
from ommen_rollen.solver import blocks
from ommen_rollen.solver.blocks import holders_only, partition
from ommen_rollen.solver.eligibility import facts_of
from ommen_rollen.solver.flow import EPSILON, groups, holding_flow
from ommen_rollen.solver.instance import parse_instance
from ommen_rollen.solver.submodel import sub_instance

from .factories import employee, instance, role


def test_the_relaxation_covers_what_the_contracts_can_carry() -> None:
    data = instance(
        [employee("m1", 1.0), employee("m2", 0.5)],
        [role("r1", 0.8), role("r2", 0.6, max_holders=2, min_share=0.1)],
    )
    flow = holding_flow(facts_of(parse_instance(data)))
    assert flow.optimal
    # 1.4 fte of work on 1.5 fte of contracts: nothing uncovered, nobody overloaded
    assert sum(flow.uncovered.values()) < EPSILON
    load: dict[str, float] = {}
    for (e, _), units in flow.shares.items():
        load[e] = load.get(e, 0.0) + units
    assert load["m1"] <= 10_000 + EPSILON and load["m2"] <= 5_000 + EPSILON


def test_the_relaxation_is_a_lower_bound_on_uncovered_work() -> None:
    data = instance([employee("m1", 0.5)], [role("r1", 0.4), role("r2", 0.3)])
    flow = holding_flow(facts_of(parse_instance(data)))
    # 0.7 fte of work, 0.5 fte of contract: at least 0.2 fte stays uncovered
    assert sum(flow.uncovered.values()) == pytest.approx(2_000)


def test_a_holder_pin_keeps_its_share_in_the_relaxation() -> None:
    data = instance(
        [employee("m1", 1.0), employee("m2", 1.0)],
        [role("r1", 0.5)],
        pins=[{"employee": "m2", "role": "r1", "kind": "holder"}],
    )
    flow = holding_flow(facts_of(parse_instance(data)))
    assert flow.shares.get(("m2", "r1"), 0.0) == pytest.approx(5_000)
    found = groups(facts_of(parse_instance(data)), flow)
    assert ({"m2"}, {"r1"}) in found


@pytest.mark.parametrize("variant", ["normal", "shared"])
def test_every_block_can_cover_its_own_roles(
    variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # blocks by cluster left 2.4-3.5 fte per block that nobody in the block could
    # hold; blocks from the relaxation can each cover their roles (relaxed)
    monkeypatch.setattr(blocks, "BLOCK_EMPLOYEES", 60)
    data = generate("M", 0, variant)
    inst = parse_instance(data)
    facts = facts_of(inst)
    parts = partition(facts, holding_flow(facts))
    assert len(parts) >= 3
    people = [e for p, _ in parts for e in p]
    roles = [r for _, rs in parts for r in rs]
    assert sorted(people) == sorted(facts.employees)
    assert sorted(roles) == sorted(facts.roles)
    for members, tasks in parts:
        # groups fill a block up to 60 people; people with spare capacity join
        # on top, where their skills are needed
        assert len(members) <= 90
        block = facts_of(holders_only(sub_instance(inst, members, tasks, name="blok")))
        assert sum(holding_flow(block).uncovered.values()) < 1  # under one unit


def test_blocks_choose_no_backups_and_keep_pinned_backups_free() -> None:
    data = instance(
        [employee("m1"), employee("m2")],
        [role("r1", 0.5, backups=1)],
        pins=[{"employee": "m1", "role": "r1", "kind": "backup"}],
    )
    inst = holders_only(parse_instance(data))
    assert [r.backups for r in inst.roles] == [0]
    assert inst.pins == ()
    facts = facts_of(inst)
    # m1 is pinned as backup: in a block only m2 may hold r1
    assert [e for e, r in facts.holder_pairs if r == "r1"] == ["m2"]
