"""Soft rules, each deciding the outcome in a satisfied/violated pair (the violated
side switches the term off with weight 0 or removes what makes it matter)."""

from __future__ import annotations

from typing import Any

from .factories import employee, held, instance, role, solved


def two_candidates(**extra: Any) -> dict[str, Any]:
    return instance([employee("m1"), employee("m2")], [role("r1", 0.5)], **extra)


def pref(e: str, r: str, choice: str) -> dict[str, str]:
    return {"employee": e, "role": r, "choice": choice}


PREVIOUS_M1 = [{"employee": "m1", "role": "r1", "kind": "holder"}]


def test_a_wanted_role_goes_to_the_employee_who_wants_it() -> None:
    # want (10) outweighs continuity (2) of the previous holder m1
    data = two_candidates(preferences=[pref("m2", "r1", "want")], previous=PREVIOUS_M1)
    assert held(solved(data)) == {("m2", "r1"): 0.5}
    data["settings"] = {"weights": {"want": 0, "fairness": 0}}
    assert held(solved(data)) == {("m1", "r1"): 0.5}


def test_an_avoided_role_goes_to_someone_else() -> None:
    data = two_candidates(preferences=[pref("m1", "r1", "avoid")], previous=PREVIOUS_M1)
    assert held(solved(data)) == {("m2", "r1"): 0.5}
    data["settings"] = {"weights": {"avoid": 0}}
    assert held(solved(data)) == {("m1", "r1"): 0.5}


def test_a_higher_score_wins() -> None:
    data = two_candidates(
        preferences=[
            {"employee": "m1", "role": "r1", "choice": "neutral", "score": 1},
            {"employee": "m2", "role": "r1", "choice": "neutral", "score": 4},
        ],
        previous=PREVIOUS_M1,
    )
    assert held(solved(data)) == {("m2", "r1"): 0.5}
    data["settings"] = {"weights": {"score": 0}}
    assert held(solved(data)) == {("m1", "r1"): 0.5}


def test_a_learn_wish_becomes_a_learner_assignment_with_a_mentor() -> None:
    data = instance(
        [employee("m1", competences={"ict": 2}), employee("m2")],
        [role("r1", 0.5, requires={"ict": 2}, backups=0)],
        preferences=[pref("m2", "r1", "learn")],
    )
    plan = solved(data)
    learner = [a for a in plan["assignments"] if a["kind"] == "learner"]
    assert learner == [
        {"employee": "m2", "role": "r1", "kind": "learner", "fte": 0.05, "mentor": "m1"}
    ]
    assert plan["uncovered"] == []  # the learner does not count towards coverage
    data["forbid"] = [{"employee": "m2", "role": "r1", "kind": "learner"}]
    assert held(solved(data), "learner") == {}


def test_a_learner_needs_a_holder_to_learn_from() -> None:
    data = instance(
        [employee("m2")],
        [role("r1", 0.5, requires={"ict": 2}, backups=0)],
        preferences=[pref("m2", "r1", "learn")],
    )
    plan = solved(data)
    assert held(plan, "learner") == {}
    reason = plan["explanations"]["employees"]["m2"][0]
    assert (reason["wish"], reason["reason_code"]) == ("learn", "no_mentor")


def test_learner_time_counts_against_the_learners_fte() -> None:
    data = instance(
        [employee("m1", competences={"ict": 2}), employee("m2", 0.5)],
        [role("r1", 0.5, requires={"ict": 2}, backups=0), role("r2", 0.5, backups=0)],
        preferences=[pref("m2", "r1", "learn"), pref("m2", "r2", "want")],
        forbid=[{"employee": "m1", "role": "r2"}],
    )
    plan = solved(data)  # m2 is full with r2: no room for 0.05 fte of learning
    assert ("m2", "r2") in held(plan)
    assert held(plan, "learner") == {}
    data["employees"][1]["fte"] = 0.55
    assert ("m2", "r1") in held(solved(data), "learner")


def test_the_previous_holder_keeps_the_role() -> None:
    # continuity (2) outweighs a score of 1 for m1
    data = two_candidates(
        previous=[{"employee": "m2", "role": "r1", "kind": "holder"}],
        preferences=[{"employee": "m1", "role": "r1", "choice": "neutral", "score": 1}],
    )
    assert held(solved(data)) == {("m2", "r1"): 0.5}
    data["settings"] = {"weights": {"continuity": 0}}
    assert held(solved(data)) == {("m1", "r1"): 0.5}


def test_the_previous_backup_stays_backup() -> None:
    data = instance(
        [employee(f"m{i}") for i in range(3)],
        [role("r1", 0.5, backups=1)],
        previous=[{"employee": "m2", "role": "r1", "kind": "backup"}],
        pins=[{"employee": "m0", "role": "r1", "kind": "holder"}],
    )
    assert held(solved(data), "backup") == {("m2", "r1"): True}
    data["previous"][0]["employee"] = "m1"
    assert held(solved(data), "backup") == {("m1", "r1"): True}


def test_fairness_spreads_unfulfilled_wishes_over_employees() -> None:
    # m1 wants r1 and r2, m2 wants r1 only; each can hold one role
    data = instance(
        [employee("m1", 0.5), employee("m2", 0.5)],
        [role("r1", 0.5, backups=0), role("r2", 0.5, backups=0)],
        preferences=[
            pref("m1", "r1", "want"),
            pref("m1", "r2", "want"),
            pref("m2", "r1", "want"),
        ],
    )
    # without fairness both plans grant two wants; fairness makes nobody miss two
    assert held(solved(data)) == {("m1", "r2"): 0.5, ("m2", "r1"): 0.5}


def test_fragments_prefers_whole_roles_to_split_ones() -> None:
    data = instance(
        [employee("m1"), employee("m2")],
        [role("r1", 1.0, max_holders=2, min_share=0.2, backups=0)],
    )
    assert len(held(solved(data))) == 1
    data["settings"] = {"weights": {"fragments": 0}}
    # without the term a split plan costs nothing more; the plan is still valid
    assert 1 <= len(held(solved(data))) <= 2


def test_backups_are_spread_over_colleagues() -> None:
    # m1 holds two roles; two colleagues can back up either: one each, not both
    data = instance(
        [employee("m1", competences={"x": 1}), employee("b1"), employee("b2")],
        [
            role("r1", 0.5, requires={"x": 1}, backups=1),
            role("r2", 0.5, requires={"x": 1}, backups=1),
        ],
        forbid=[
            {"employee": b, "role": r, "kind": "holder"}
            for b in ("b1", "b2")
            for r in ("r1", "r2")
        ],
    )
    data["employees"][1]["competences"] = {"x": 1}
    data["employees"][2]["competences"] = {"x": 1}
    plan = solved(data)
    backups = sorted(e for e, _ in held(plan, "backup"))
    assert backups == ["b1", "b2"]
    assert plan["objective"]["terms"]["backup_spread"] == 5


def test_every_term_can_be_switched_off_with_weight_zero() -> None:
    data = two_candidates(preferences=[pref("m2", "r1", "want")], previous=PREVIOUS_M1)
    data["settings"] = {"weights": {"want": 0, "fairness": 0}}
    plan = solved(data)
    assert plan["objective"]["terms"]["want"] == 0
    assert held(plan) == {("m1", "r1"): 0.5}


def test_every_soft_term_is_counted_in_a_plan_and_nothing_else_is() -> None:
    from ommen_rollen.solver.rules_soft import COUNTS
    from ommen_rollen.solver.weights import TERM_NAMES

    assert {name for name, _ in COUNTS} == set(TERM_NAMES)
