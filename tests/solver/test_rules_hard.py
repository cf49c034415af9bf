"""Hard rules, each in a satisfied/violated pair on a small hand-built instance.
Every plan also passes the independent checker (factories.solved)."""

from __future__ import annotations

from .factories import employee, held, instance, missing, role, solved, uncovered


def test_a_role_is_fully_covered_when_an_eligible_employee_has_room() -> None:
    plan = solved(instance([employee("m1")], [role("r1", 0.6)]))
    assert held(plan) == {("m1", "r1"): 0.6}
    assert plan["uncovered"] == []
    assert plan["status"] == "optimal"


def test_a_role_nobody_is_eligible_for_is_reported_uncovered_with_the_reason() -> None:
    plan = solved(instance([employee("m1", base="D")], [role("r1", 0.6)]))
    assert held(plan) == {}
    assert uncovered(plan) == {"r1": 0.6}
    assert plan["uncovered"][0]["reason_code"] == "no_eligible"
    assert plan["explanations"]["roles"]["r1"]["reason_code"] == "no_eligible"


def test_a_holder_needs_every_required_competence_level() -> None:
    data = instance(
        [
            employee("m1", competences={"ict": 1}),
            employee("m2", competences={"ict": 2}),
        ],
        [role("r1", 0.5, requires={"ict": 2})],
    )
    assert held(solved(data)) == {("m2", "r1"): 0.5}
    data["employees"][1]["competences"] = {"ict": 1}
    assert uncovered(solved(data)) == {"r1": 0.5}


def test_a_holder_needs_one_of_the_roles_rompfuncties() -> None:
    data = instance([employee("m1", base="C")], [role("r1", 0.5, bases=("B", "C"))])
    assert held(solved(data)) == {("m1", "r1"): 0.5}
    data["roles"][0]["base_functions"] = ["B"]
    assert held(solved(data)) == {}


def test_holder_load_never_exceeds_fte_minus_reserved_fte() -> None:
    data = instance([employee("m1", 1.0)], [role("r1", 0.9)])
    assert held(solved(data)) == {("m1", "r1"): 0.9}
    data["employees"][0]["reserved_fte"] = 0.2
    plan = solved(data)
    assert held(plan) == {}
    assert plan["uncovered"][0]["reason_code"] == "capacity"


def test_a_split_role_is_covered_by_shares_of_at_least_min_share() -> None:
    data = instance(
        [employee("m1", 0.5), employee("m2", 0.5)],
        [role("r1", 0.9, max_holders=2, min_share=0.3)],
    )
    shares = held(solved(data))
    assert sum(shares.values()) == 0.9 and min(shares.values()) >= 0.3
    data["roles"][0]["min_share"] = 0.9  # not splittable any more
    assert uncovered(solved(data)) == {"r1": 0.9}


def test_max_holders_limits_how_many_people_share_a_role() -> None:
    people = [employee(f"m{i}", 0.4) for i in range(3)]
    data = instance(people, [role("r1", 1.0, max_holders=3, min_share=0.2)])
    assert solved(data)["uncovered"] == []
    data["roles"][0]["max_holders"] = 2
    plan = solved(data)
    assert uncovered(plan) == {"r1": 0.2}
    assert len(held(plan)) == 2


def test_effort_scales_the_load_of_holding_a_role() -> None:
    data = instance([employee("m1", 1.0)], [role("r1", 0.6), role("r2", 0.6)])
    assert len(held(solved(data))) == 1  # 1.2 fte of work does not fit
    data["effort"] = [
        {"employee": "m1", "role": "r1", "fte": 0.4},
        {"employee": "m1", "role": "r2", "fte": 0.5},
    ]
    assert len(held(solved(data))) == 2  # a specialist needs only 0.9 fte


def test_effort_on_a_split_share_is_exact() -> None:
    # 0.3333 fte of a 1.0 role at effort 1.5 costs 0.49995 fte: 0.5 must fit
    data = instance(
        [employee("m1", 0.5), employee("m2", 1.0)],
        [role("r1", 1.0, max_holders=2, min_share=0.3333)],
        effort=[{"employee": "m1", "role": "r1", "fte": 1.5}],
        preferences=[{"employee": "m1", "role": "r1", "choice": "want"}],
    )
    plan = solved(data)
    assert ("m1", "r1") in held(plan)
    assert plan["uncovered"] == []


def test_an_unavailable_employee_gets_nothing() -> None:
    data = instance([employee("m1"), employee("m2")], [role("r1", 0.5, backups=1)])
    data["employees"][0]["available"] = False
    plan = solved(data)
    assert all(a["employee"] != "m1" for a in plan["assignments"])
    data["employees"][0]["available"] = True
    assert any(a["employee"] == "m1" for a in solved(data)["assignments"])


def test_a_backup_is_never_the_holder_of_the_same_role() -> None:
    data = instance([employee("m1")], [role("r1", 0.5, backups=1)])
    plan = solved(data)
    assert held(plan) == {("m1", "r1"): 0.5}
    assert held(plan, "backup") == {}
    assert missing(plan) == {"r1": 1}
    data["employees"].append(employee("m2"))
    plan = solved(data)
    assert len(held(plan, "backup")) == 1
    assert set(held(plan, "backup")).isdisjoint(held(plan))


def test_each_role_gets_the_number_of_backups_it_asks_for() -> None:
    people = [employee(f"m{i}") for i in range(4)]
    plan = solved(instance(people, [role("r1", 0.5, backups=2)]))
    assert len(held(plan, "backup")) == 2
    assert plan["missing_backups"] == []


def test_backup_load_stays_within_max_backup_share() -> None:
    data = instance(
        [employee("m1"), employee("m2"), employee("b", 1.0, base="B")],
        [role("r1", 0.6, backups=1), role("r2", 0.6, backups=1)],
        forbid=[
            {"employee": "m1", "role": "r2", "kind": "backup"},
            {"employee": "m2", "role": "r1", "kind": "backup"},
            {"employee": "m1", "role": "r2", "kind": "holder"},
            {"employee": "m2", "role": "r1", "kind": "holder"},
            {"employee": "b", "role": "r1", "kind": "holder"},
            {"employee": "b", "role": "r2", "kind": "holder"},
        ],
        settings={"max_backup_share": 1.2},
    )
    assert solved(data)["missing_backups"] == []  # b backs up both: 1.2 <= 1.2
    data["settings"]["max_backup_share"] = 1.0
    assert sum(missing(solved(data)).values()) == 1


def test_max_roles_caps_the_roles_someone_holds() -> None:
    data = instance([employee("m1")], [role(f"r{i}", 0.2) for i in range(3)])
    assert len(held(solved(data))) == 3
    data["employees"][0]["max_roles"] = 2
    plan = solved(data)
    assert len(held(plan)) == 2
    assert sum(uncovered(plan).values()) == 0.2


def test_critical_roles_are_covered_first() -> None:
    data = instance(
        [employee("m1", 0.5)],
        [role("r1", 0.5), role("r2", 0.5, critical=True)],
        preferences=[{"employee": "m1", "role": "r1", "choice": "want"}],
    )
    assert held(solved(data)) == {("m1", "r2"): 0.5}
    data["roles"][1]["critical"] = False
    assert held(solved(data)) == {("m1", "r1"): 0.5}


def test_coverage_comes_before_preferences() -> None:
    data = instance(
        [employee("m1", 0.5), employee("m2", 0.5, competences={"ict": 2})],
        [role("r1", 0.5), role("r2", 0.5, requires={"ict": 2})],
        preferences=[{"employee": "m2", "role": "r1", "choice": "want"}],
    )
    plan = solved(data)
    assert held(plan) == {("m1", "r1"): 0.5, ("m2", "r2"): 0.5}
    # m2 is full with r2, which only m2 can do
    assert plan["explanations"]["employees"]["m2"][0]["reason_code"] == "capacity"
    assert plan["explanations"]["employees"]["m2"][0]["given_to"] == ["m1"]


def test_a_pinned_holder_holds_with_the_pinned_fte() -> None:
    data = instance(
        [employee("m1"), employee("m2")],
        [role("r1", 1.0, max_holders=2, min_share=0.2)],
        preferences=[{"employee": "m2", "role": "r1", "choice": "want"}],
    )
    assert held(solved(data)) == {("m2", "r1"): 1}
    data["pins"] = [{"employee": "m1", "role": "r1", "kind": "holder", "fte": 0.3}]
    assert held(solved(data)) == {("m1", "r1"): 0.3, ("m2", "r1"): 0.7}


def test_a_pinned_backup_is_the_backup() -> None:
    data = instance([employee(f"m{i}") for i in range(3)], [role("r1", 0.5)])
    data["pins"] = [{"employee": "m2", "role": "r1", "kind": "backup"}]
    assert ("m2", "r1") in held(solved(data), "backup")


def test_a_forbidden_assignment_never_appears() -> None:
    data = instance(
        [employee("m1"), employee("m2")],
        [role("r1", 0.5, backups=0)],
        preferences=[{"employee": "m1", "role": "r1", "choice": "want"}],
    )
    assert held(solved(data)) == {("m1", "r1"): 0.5}
    data["forbid"] = [{"employee": "m1", "role": "r1", "kind": "holder"}]
    assert held(solved(data)) == {("m2", "r1"): 0.5}


def test_a_forbid_without_kind_forbids_every_kind() -> None:
    data = instance([employee("m1"), employee("m2")], [role("r1", 0.5)])
    data["forbid"] = [{"employee": "m1", "role": "r1"}]
    plan = solved(data)
    assert all(a["employee"] != "m1" for a in plan["assignments"])


def test_a_split_role_is_split_in_whole_hours_with_one_remainder_share() -> None:
    data = instance(
        [employee("m1", 0.4), employee("m2", 0.4), employee("m3", 0.4)],
        [role("r1", 0.85, max_holders=3, min_share=0.1)],
        settings={"split_step_minutes": 60},
    )
    shares = held(solved(data))
    assert sum(shares.values()) == 0.85
    hours = sorted(round(s * 36, 2) for s in shares.values())
    whole = [h for h in hours if h == int(h)]
    assert len(whole) >= len(hours) - 1  # 0.85 fte is 30.6 h: one share has the 0.6


def test_without_a_step_a_share_may_be_any_unit() -> None:
    people = [employee("m1", 0.4), employee("m2", 0.4)]
    data = instance(
        people,
        [role("r1", 0.8, max_holders=2, min_share=0.1)],
        settings={"split_step_minutes": 60},
    )
    assert uncovered(solved(data)) == {"r1": 0.0222}  # 14 h + 14 h of 28,8 h
    data["settings"]["split_step_minutes"] = 0
    assert solved(data)["uncovered"] == []
