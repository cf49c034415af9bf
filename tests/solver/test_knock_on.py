"""The knock-on of a re-plan (disruption.knock_on): which changed holder shares
and backup duties follow from the change through a chain of takeovers, and a
re-plan of a clean case changes nothing else."""

from __future__ import annotations

from typing import Any

from ommen_rollen.solver import check_plan, instance_to_json
from ommen_rollen.solver.disruption import knock_on, previous_shares
from ommen_rollen.solver.replan import solve_from_plan

from .factories import employee, instance, role

HALF = 5_000  # 0.5 fte in units


def test_a_chain_of_takeovers_is_knock_on_and_an_unrelated_swap_is_not() -> None:
    previous = {
        ("m1", "r1"): HALF,  # absent
        ("m2", "r2"): HALF,
        ("m2", "r3"): HALF,
        ("m3", "r4"): HALF,
        ("m4", "r2"): 2_000,
        ("m5", "r7"): HALF,
        ("m6", "r8"): HALF,
    }
    holders = {
        ("m2", "r1"): HALF,  # takes the absent person's role over ...
        ("m2", "r3"): HALF,
        ("m3", "r2"): HALF,  # ... and gives r2 up to m3, who had room
        ("m3", "r4"): HALF,
        ("m4", "r2"): 1_000,  # loses part of a chain role without taking anything
        ("m5", "r8"): HALF,  # m5 and m6 swap: nothing to do with the absence
        ("m6", "r7"): HALF,
    }
    chain = knock_on(previous, holders, people=["m1"])
    assert chain.people == {"m1", "m2", "m3"}
    assert chain.roles == {"r1", "r2"}
    assert chain.outside == {
        ("m4", "r2"),
        ("m5", "r7"),
        ("m5", "r8"),
        ("m6", "r7"),
        ("m6", "r8"),
    }
    assert chain.outside_roles == {"r2", "r7", "r8"}
    assert chain.outside_people == {"m4", "m5", "m6"}


def test_backup_duties_follow_the_chain_too() -> None:
    previous = {("m1", "r1"): HALF, ("m2", "r2"): HALF}
    holders = {("m2", "r1"): HALF, ("m2", "r2"): HALF}
    before = {("m1", "r9"), ("m2", "r1"), ("m4", "r10"), ("m8", "r11")}
    after = {
        ("m3", "r1"),  # m2 holds r1 now, so m3 backs it up
        ("m4", "r9"),  # the absent person's backup duty goes to m4 ...
        ("m7", "r10"),  # ... who gives r10 up to m7
        ("m9", "r11"),  # an unrelated exchange
    }
    chain = knock_on(
        previous,
        holders,
        people=["m1"],
        previous_backups=before,
        backups=after,
    )
    assert chain.outside == set()
    assert chain.people == {"m1", "m2", "m3", "m4", "m7"}
    assert chain.outside_backups == {("m8", "r11"), ("m9", "r11")}
    assert chain.outside_people == {"m8", "m9"}


def test_nothing_changed_is_nothing_outside() -> None:
    previous = {("m1", "r1"): HALF}
    chain = knock_on(previous, previous, people=["m2"], roles=["r5"])
    assert chain.outside == set() and chain.outside_backups == set()
    assert chain.people == {"m2"} and chain.roles == {"r5"}


def holder(e: str, r: str, fte: float) -> dict[str, Any]:
    return {"employee": e, "role": r, "kind": "holder", "fte": fte}


def chain_office() -> dict[str, Any]:
    """m1 (absent) holds r1, which only a C may hold, and r5; m2, the only other
    C, is full; m3 and m4 have 0.5 fte to spare; m5 and m6 are full and each
    wants the other's role (a swap only wishes would make)."""
    whole = {"min_share": 0.5, "max_holders": 1}
    return instance(
        [
            employee("m1", base="C"),
            employee("m2", base="C"),
            employee("m3"),
            employee("m4"),
            employee("m5", 0.5),
            employee("m6", 0.5),
        ],
        [role("r1", 0.5, ("C",), **whole)]
        + [role(r, 0.5, ("B", "C"), **whole) for r in ("r2", "r3", "r5")]
        + [role(r, 0.5, **whole) for r in ("r4", "r6", "r7", "r8")],
        preferences=[
            {"employee": "m5", "role": "r8", "choice": "want"},
            {"employee": "m6", "role": "r7", "choice": "want"},
        ],
    )


APPROVED = {
    "assignments": [
        holder("m1", "r1", 0.5),
        holder("m1", "r5", 0.5),
        holder("m2", "r2", 0.5),
        holder("m2", "r3", 0.5),
        holder("m3", "r4", 0.5),
        holder("m4", "r6", 0.5),
        holder("m5", "r7", 0.5),
        holder("m6", "r8", 0.5),
    ]
}


def test_a_clean_replan_changes_only_the_absent_roles_and_their_chain() -> None:
    target, plan = solve_from_plan(
        chain_office(),
        APPROVED,
        changes=[{"kind": "absence", "employee": "m1"}],
        time_limit_s=10,
        workers=1,
        seed=0,
    )
    assert check_plan(instance_to_json(target), plan.to_json()) == []
    assert plan.metrics["uncovered_fte"] == 0
    after = {(a.employee, a.role): a.fte or 0 for a in plan.assignments}
    before = previous_shares(target)
    chain = knock_on(before, after, people=["m1"])
    assert chain.outside == set()
    assert after[("m2", "r1")] == HALF  # the only other C takes r1 over
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    # m2 gives up one of r2 and r3 and keeps the other; r5 and that role go to
    # m3 and m4, one each; m5 and m6 keep their roles despite their wishes
    assert {r for _, r in changed} in ({"r1", "r5", "r2"}, {"r1", "r5", "r3"})
    assert {e for e, _ in changed} == {"m1", "m2", "m3", "m4"}
    assert len(changed) == 6  # m1 loses two, m2 gains one and loses one, m3, m4
