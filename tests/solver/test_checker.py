"""The independent checker accepts a plan that keeps every hard rule and reports,
rule by rule, a hand-built plan that breaks exactly one of them."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ommen_rollen.solver.checker import check_plan

Doc = dict[str, Any]
Mutation = Callable[[Doc, Doc], None]
DELETE = object()


def base_instance() -> Doc:
    """Six employees, four roles: a split role with effort, a role with a learner,
    a role nobody can back up and a role nobody can hold."""
    return {
        "version": 1,
        "name": "Checker-testorganisatie",
        "employees": [
            {
                "id": "m001",
                "name": "Anouk",
                "fte": 1.0,
                "base_function": "B",
                "competences": {"ict": 2, "regie": 1},
                "max_roles": 1,
            },
            {
                "id": "m002",
                "name": "Bram",
                "fte": 0.8889,
                "base_function": "B",
                "competences": {"ict": 2, "regie": 1},
            },
            {
                "id": "m003",
                "name": "Cor",
                "fte": 0.5,
                "base_function": "A",
                "competences": {"regie": 1},
            },
            {
                "id": "m004",
                "name": "Dewi",
                "fte": 1.0,
                "base_function": "B",
                "competences": {"ict": 2},
                "available": False,
            },
            {
                "id": "m005",
                "name": "Esra",
                "fte": 1.0,
                "base_function": "C",
                "reserved_fte": 0.2,
            },
            {
                "id": "m006",
                "name": "Fenna",
                "fte": 1.0,
                "base_function": "B",
                "competences": {"ict": 3},
            },
        ],
        "roles": [
            {
                "id": "r1",
                "name": "Regie ICT",
                "fte": 1.2,
                "base_functions": ["B"],
                "requires": {"ict": 2},
                "backups": 1,
                "max_holders": 2,
                "min_share": 0.2,
            },
            {
                "id": "r2",
                "name": "Beleid",
                "fte": 0.5,
                "base_functions": ["A", "B"],
                "requires": {"regie": 1},
            },
            {"id": "r3", "name": "Beheer", "fte": 0.4, "base_functions": ["C"]},
            {
                "id": "r4",
                "name": "Zware regie",
                "fte": 0.3,
                "base_functions": ["B"],
                "requires": {"regie": 2},
            },
        ],
        "preferences": [{"employee": "m006", "role": "r2", "choice": "learn"}],
        "previous": [],
        "pins": [
            {"employee": "m001", "role": "r1", "kind": "holder", "fte": 0.8},
            {"employee": "m002", "role": "r2", "kind": "backup"},
            {"employee": "m006", "role": "r2", "kind": "learner"},
            {"employee": "m005", "role": "r3", "kind": "holder"},
        ],
        "forbid": [{"employee": "m003", "role": "r1"}],
        "effort": [{"employee": "m002", "role": "r1", "fte": 1.5}],
        "settings": {"max_backup_share": 1.5},
    }


def base_plan() -> Doc:
    """Keeps every hard rule: r4 honestly uncovered, r3 and r4 without backup."""
    return {
        "version": 1,
        "status": "optimal",
        "assignments": [
            {"employee": "m001", "role": "r1", "kind": "holder", "fte": 0.8},
            {"employee": "m002", "role": "r1", "kind": "holder", "fte": 0.4},
            {"employee": "m006", "role": "r1", "kind": "backup"},
            {"employee": "m003", "role": "r2", "kind": "holder", "fte": 0.5},
            {"employee": "m002", "role": "r2", "kind": "backup"},
            {
                "employee": "m006",
                "role": "r2",
                "kind": "learner",
                "mentor": "m003",
                "fte": 0.1,
            },
            {"employee": "m005", "role": "r3", "kind": "holder", "fte": 0.4},
        ],
        "uncovered": [{"role": "r4", "fte": 0.3, "reason": "niemand geschikt"}],
        "missing_backups": [
            {"role": "r3", "missing": 1, "reason": "niemand geschikt"},
            {"role": "r4", "missing": 1, "reason": "niemand geschikt"},
        ],
        "objective": {"value": 0, "bound": 0, "terms": {}},
        "metrics": {},
        "explanations": {},
        "vulnerability": {},
    }


# --- small edits of the base documents ----------------------------------------------


def _edit(entry: Doc, changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if value is DELETE:
            entry.pop(key, None)
        else:
            entry[key] = value


def employee(ident: str, **changes: Any) -> Mutation:
    def apply(instance: Doc, plan: Doc) -> None:
        _edit(next(e for e in instance["employees"] if e["id"] == ident), changes)

    return apply


def role(ident: str, **changes: Any) -> Mutation:
    def apply(instance: Doc, plan: Doc) -> None:
        _edit(next(r for r in instance["roles"] if r["id"] == ident), changes)

    return apply


def instance_settings(**changes: Any) -> Mutation:
    def apply(instance: Doc, plan: Doc) -> None:
        _edit(instance["settings"], changes)

    return apply


def instance_add(key: str, entry: Doc) -> Mutation:
    def apply(instance: Doc, plan: Doc) -> None:
        instance.setdefault(key, []).append(entry)

    return apply


def assignment(emp: str, rol: str, kind: str, **changes: Any) -> Mutation:
    def apply(instance: Doc, plan: Doc) -> None:
        found = [
            a
            for a in plan["assignments"]
            if (a["employee"], a["role"], a["kind"]) == (emp, rol, kind)
        ]
        assert len(found) == 1, "the base plan has this assignment once"
        _edit(found[0], changes)

    return apply


def drop(emp: str, rol: str, kind: str) -> Mutation:
    def apply(instance: Doc, plan: Doc) -> None:
        before = len(plan["assignments"])
        plan["assignments"] = [
            a
            for a in plan["assignments"]
            if (a["employee"], a["role"], a["kind"]) != (emp, rol, kind)
        ]
        assert len(plan["assignments"]) == before - 1

    return apply


def plan_add(key: str, entry: Any) -> Mutation:
    def apply(instance: Doc, plan: Doc) -> None:
        plan.setdefault(key, []).append(entry)

    return apply


def plan_set(key: str, value: Any) -> Mutation:
    def apply(instance: Doc, plan: Doc) -> None:
        _edit(plan, {key: value})

    return apply


def both(*mutations: Mutation) -> Mutation:
    def apply(instance: Doc, plan: Doc) -> None:
        for mutation in mutations:
            mutation(instance, plan)

    return apply


def learner(emp: str, rol: str = "r2", mentor: str = "m003") -> Doc:
    return {
        "employee": emp,
        "role": rol,
        "kind": "learner",
        "mentor": mentor,
        "fte": 0.1,
    }


def checked(mutation: Mutation | None = None) -> list[str]:
    instance, plan = base_instance(), base_plan()
    if mutation is not None:
        mutation(instance, plan)
    return check_plan(instance, plan)


# --- accepted plans ----------------------------------------------------------------


def test_a_plan_that_keeps_every_hard_rule_and_reports_its_shortfalls_is_accepted() -> (
    None
):
    assert checked() == []


@pytest.mark.parametrize(
    "mutation",
    [
        pytest.param(employee("m002", fte=0.5), id="effort_load_exactly_at_capacity"),
        pytest.param(employee("m003", fte=0.5, reserved_fte=0), id="reserved_zero"),
        pytest.param(
            both(
                instance_add(
                    "pins", {"employee": "m001", "role": "r2", "kind": "backup"}
                ),
                plan_add(
                    "assignments", {"employee": "m001", "role": "r2", "kind": "backup"}
                ),
            ),
            id="an_extra_backup_that_is_pinned",
        ),
        pytest.param(
            both(role("r1", backups=DELETE), employee("m003", available=True)),
            id="documented_defaults_for_backups_and_availability",
        ),
        pytest.param(plan_set("status", "feasible"), id="status_feasible"),
        pytest.param(plan_set("status", "cancelled"), id="status_cancelled"),
        pytest.param(
            both(
                plan_set("assignments", []),
                plan_set(
                    "uncovered",
                    [
                        {"role": "r1", "fte": "1.2"},
                        {"role": "r2", "fte": 0.5},
                        {"role": "r3", "fte": 0.4},
                        {"role": "r4", "fte": 0.3},
                    ],
                ),
                plan_set(
                    "missing_backups",
                    [{"role": r, "missing": 1} for r in ("r1", "r2", "r3", "r4")],
                ),
                lambda instance, plan: instance.update(pins=[]),
                plan_set("status", "unknown"),
            ),
            id="an_empty_plan_that_reports_everything_as_uncovered",
        ),
    ],
)
def test_variations_that_keep_every_hard_rule_are_accepted(mutation: Mutation) -> None:
    assert checked(mutation) == []


def test_the_default_max_backup_share_of_one_still_allows_backup_load_up_to_fte() -> (
    None
):
    """m006 backs up 1.2 fte of r1: fine with 1.5, over the default 1.0 x fte."""
    assert checked(instance_settings(max_backup_share=1.2)) == []
    assert checked(instance_settings(max_backup_share=DELETE)) != []


# --- one broken rule at a time ------------------------------------------------------

VIOLATIONS = [
    # coverage: holders + reported uncovered == role fte, exactly
    (
        "an_unreported_shortfall",
        plan_set("uncovered", []),
        ["rol r4: 0,3 fte niet gedekt en niet gemeld als ongedekt"],
    ),
    (
        "a_shortfall_reported_too_small",
        plan_set("uncovered", [{"role": "r4", "fte": 0.1}]),
        ["rol r4: 0,3 fte niet gedekt, maar slechts 0,1 fte gemeld als ongedekt"],
    ),
    (
        "uncovered_reported_for_a_covered_role",
        plan_add("uncovered", {"role": "r2", "fte": 0.1}),
        ["rol r2: 0,1 fte gemeld als ongedekt, maar ongedekt is 0,0 fte"],
    ),
    (
        "over_coverage",
        assignment("m002", "r1", "holder", fte=0.5),
        ["rol r1: overdekt: rolhouders samen 1,3 fte, de rol is 1,2 fte"],
    ),
    # eligibility
    (
        "a_holder_with_the_wrong_rompfunctie",
        role("r2", base_functions=["B"]),
        ["medewerker m003, rol r2 (rolhouder): niet geschikt: rompfunctie A past niet"],
    ),
    (
        "a_holder_below_a_required_competence_level",
        employee("m001", competences={"ict": 1}),
        [
            "medewerker m001, rol r1 (rolhouder): niet geschikt: competentie 'ict' "
            "niveau 1, vereist 2"
        ],
    ),
    (
        "a_holder_without_a_required_competence",
        employee("m003", competences={}),
        [
            "medewerker m003, rol r2 (rolhouder): niet geschikt: competentie 'regie' "
            "niveau 0, vereist 1"
        ],
    ),
    (
        "a_backup_below_a_required_competence_level",
        employee("m006", competences={"ict": 1}),
        ["medewerker m006, rol r1 (vervanger): niet geschikt: competentie 'ict'"],
    ),
    (
        "a_backup_with_the_wrong_rompfunctie",
        employee("m006", base_function="A"),
        ["medewerker m006, rol r1 (vervanger): niet geschikt: rompfunctie A past niet"],
    ),
    (
        "a_learner_with_the_wrong_rompfunctie",
        plan_add("assignments", learner("m005")),
        ["medewerker m005, rol r2 (ontwikkelrol): niet geschikt: rompfunctie C"],
    ),
    # capacity: holder load (with effort) + learner fte <= fte - reserved_fte
    (
        "holder_load_scaled_by_effort_over_the_contract",
        employee("m002", fte=0.4),
        [
            "medewerker m002: belasting 0,5 fte (rolhouder en ontwikkelrol) is meer "
            "dan de beschikbare 0,4 fte"
        ],
    ),
    (
        "holder_load_over_the_contract_minus_reserved",
        employee("m005", reserved_fte=0.7),
        [
            "medewerker m005: belasting 0,4 fte (rolhouder en ontwikkelrol) is meer "
            "dan de beschikbare 0,3 fte (contract 1,0, gereserveerd 0,7)"
        ],
    ),
    (
        "learner_fte_counting_against_capacity",
        employee("m006", reserved_fte=0.95),
        [
            "medewerker m006: belasting 0,1 fte (rolhouder en ontwikkelrol) is meer "
            "dan de beschikbare 0,05 fte"
        ],
    ),
    # holders per role and their shares
    (
        "more_holders_than_max_holders",
        role("r1", max_holders=1),
        ["rol r1: 2 rolhouders, maximaal 1"],
    ),
    (
        "more_holders_than_the_default_of_one",
        role("r1", max_holders=DELETE),
        ["rol r1: 2 rolhouders, maximaal 1"],
    ),
    (
        "a_share_below_min_share",
        role("r1", min_share=0.5),
        [
            "medewerker m002, rol r1 (rolhouder): aandeel 0,4 fte is kleiner dan het "
            "minimale aandeel 0,5 fte"
        ],
    ),
    (
        "shares_below_the_default_min_share_of_the_whole_role",
        role("r1", min_share=DELETE),
        [
            "medewerker m001, rol r1 (rolhouder): aandeel 0,8 fte",
            "medewerker m002, rol r1 (rolhouder): aandeel 0,4 fte",
        ],
    ),
    # backups
    (
        "a_backup_who_holds_the_same_role",
        both(
            drop("m006", "r1", "backup"),
            plan_add(
                "assignments", {"employee": "m001", "role": "r1", "kind": "backup"}
            ),
        ),
        ["medewerker m001, rol r1 (vervanger): vervanger is ook rolhouder"],
    ),
    (
        "a_backup_shortfall_not_reported",
        plan_set("missing_backups", [{"role": "r4", "missing": 1}]),
        ["rol r3: 0 van 1 vervangers; tekort van 1 niet gemeld als ontbrekend"],
    ),
    (
        "a_backup_shortfall_reported_with_the_wrong_count",
        plan_set(
            "missing_backups",
            [{"role": "r3", "missing": 2}, {"role": "r4", "missing": 1}],
        ),
        ["rol r3: 2 ontbrekende vervangers gemeld, maar er ontbreken er 1"],
    ),
    (
        "missing_backups_reported_for_a_role_that_has_them",
        plan_add("missing_backups", {"role": "r1", "missing": 1}),
        ["rol r1: 1 ontbrekende vervangers gemeld, maar de rol heeft 1 van 1"],
    ),
    (
        "a_second_backup_that_nobody_asked_for",
        plan_add("assignments", {"employee": "m001", "role": "r2", "kind": "backup"}),
        ["rol r2: 2 vervangers, gevraagd zijn er 1"],
    ),
    (
        "backup_load_over_max_backup_share",
        instance_settings(max_backup_share=1.0),
        ["medewerker m006: vervanger voor samen 1,2 fte, maximaal 1,0 x 1,0 = 1,0 fte"],
    ),
    (
        "backup_load_over_the_default_max_backup_share",
        instance_settings(max_backup_share=DELETE),
        ["medewerker m006: vervanger voor samen 1,2 fte"],
    ),
    # availability, pins, forbids, max_roles
    (
        "an_unavailable_employee_with_an_assignment",
        plan_add("assignments", learner("m004")),
        ["medewerker m004, rol r2 (ontwikkelrol): medewerker is niet beschikbaar"],
    ),
    (
        "a_holder_pin_with_another_share",
        both(
            assignment("m001", "r1", "holder", fte=0.7),
            assignment("m002", "r1", "holder", fte=0.5),
        ),
        [
            "medewerker m001, rol r1 (rolhouder): vastgezet op 0,8 fte, maar in het "
            "plan 0,7 fte"
        ],
    ),
    (
        "a_holder_pin_left_out",
        both(
            drop("m005", "r3", "holder"),
            plan_add("uncovered", {"role": "r3", "fte": 0.4}),
        ),
        ["medewerker m005, rol r3 (rolhouder): vastgezette toewijzing ontbreekt"],
    ),
    (
        "a_backup_pin_left_out",
        both(
            drop("m002", "r2", "backup"),
            plan_add("missing_backups", {"role": "r2", "missing": 1}),
        ),
        ["medewerker m002, rol r2 (vervanger): vastgezette toewijzing ontbreekt"],
    ),
    (
        "a_learner_pin_left_out",
        drop("m006", "r2", "learner"),
        ["medewerker m006, rol r2 (ontwikkelrol): vastgezette toewijzing ontbreekt"],
    ),
    (
        "a_forbidden_assignment",
        instance_add("forbid", {"employee": "m006", "role": "r1", "kind": "backup"}),
        ["medewerker m006, rol r1 (vervanger): verboden toewijzing staat in het plan"],
    ),
    (
        "a_forbid_without_kind_forbids_every_kind",
        instance_add("forbid", {"employee": "m006", "role": "r2"}),
        ["medewerker m006, rol r2 (ontwikkelrol): verboden toewijzing"],
    ),
    (
        "more_roles_than_max_roles",
        plan_add("assignments", learner("m001")),
        ["medewerker m001: 2 rollen (r1, r2), maximaal 1"],
    ),
    # learners and mentors
    (
        "a_learner_without_a_mentor",
        assignment("m006", "r2", "learner", mentor=DELETE),
        ["medewerker m006, rol r2 (ontwikkelrol): geen mentor"],
    ),
    (
        "a_mentor_who_does_not_hold_the_role",
        assignment("m006", "r2", "learner", mentor="m001"),
        [
            "medewerker m006, rol r2 (ontwikkelrol): mentor m001 is geen rolhouder van "
            "rol r2"
        ],
    ),
    (
        "an_unknown_mentor",
        assignment("m006", "r2", "learner", mentor="m999"),
        ["medewerker m006, rol r2 (ontwikkelrol): onbekende mentor 'm999'"],
    ),
    (
        "a_learner_who_already_holds_the_role",
        plan_add("assignments", learner("m001", "r1", mentor="m002")),
        [
            "medewerker m001, rol r1 (ontwikkelrol): leert een rol die de medewerker "
            "zelf al houdt"
        ],
    ),
    # references and amounts
    (
        "an_unknown_employee",
        plan_add("assignments", {"employee": "m999", "role": "r2", "kind": "backup"}),
        ["assignments[7].employee: onbekende medewerker 'm999'"],
    ),
    (
        "an_employee_id_that_is_no_text",
        plan_add("assignments", {"employee": ["m001"], "role": "r2", "kind": "backup"}),
        ["assignments[7].employee: onbekende medewerker"],
    ),
    (
        "an_unknown_role",
        plan_add("assignments", {"employee": "m001", "role": "r99", "kind": "backup"}),
        ["assignments[7].role: onbekende rol 'r99'"],
    ),
    (
        "an_unknown_kind",
        plan_add("assignments", {"employee": "m001", "role": "r2", "kind": "baas"}),
        ["assignments[7].kind: onbekende soort 'baas'"],
    ),
    (
        "an_assignment_that_is_no_object",
        plan_add("assignments", "m001 houdt r2"),
        ["assignments[7]: moet een object zijn"],
    ),
    (
        "an_unknown_role_reported_uncovered",
        plan_add("uncovered", {"role": "r99", "fte": 0.1}),
        ["uncovered[1].role: onbekende rol 'r99'"],
    ),
    (
        "an_unknown_role_with_missing_backups",
        plan_add("missing_backups", {"role": "r99", "missing": 1}),
        ["missing_backups[2].role: onbekende rol 'r99'"],
    ),
    (
        "a_duplicate_backup_assignment",
        plan_add("assignments", {"employee": "m006", "role": "r1", "kind": "backup"}),
        ["medewerker m006, rol r1 (vervanger): dubbele toewijzing (assignments[7])"],
    ),
    (
        "a_duplicate_holder_assignment_is_not_counted_twice",
        plan_add(
            "assignments",
            {"employee": "m001", "role": "r1", "kind": "holder", "fte": 0.8},
        ),
        ["medewerker m001, rol r1 (rolhouder): dubbele toewijzing (assignments[7])"],
    ),
    (
        "a_zero_learner_fte",
        assignment("m006", "r2", "learner", fte=0),
        ["medewerker m006, rol r2 (ontwikkelrol): fte 0,0 moet groter zijn dan 0"],
    ),
    (
        "a_negative_holder_fte",
        assignment("m005", "r3", "holder", fte=-0.4),
        ["medewerker m005, rol r3 (rolhouder): fte -0,4 moet groter zijn dan 0"],
    ),
    (
        "a_holder_without_fte",
        assignment("m005", "r3", "holder", fte=DELETE),
        ["medewerker m005, rol r3 (rolhouder): fte ontbreekt"],
    ),
    (
        "an_fte_with_more_than_four_decimals",
        assignment("m006", "r2", "learner", fte=0.12345),
        [
            "medewerker m006, rol r2 (ontwikkelrol): fte '0.12345' heeft meer dan vier "
            "decimalen"
        ],
    ),
    (
        "an_fte_that_drifted_as_a_float",
        assignment("m006", "r2", "learner", fte=0.1 + 0.2),
        ["medewerker m006, rol r2 (ontwikkelrol): fte '0.30000000000000004' heeft"],
    ),
    (
        "an_fte_that_is_no_number",
        assignment("m006", "r2", "learner", fte=True),
        ["medewerker m006, rol r2 (ontwikkelrol): fte True is geen getal"],
    ),
    (
        "a_zero_uncovered_fte",
        plan_set("uncovered", [{"role": "r4", "fte": 0}]),
        ["rol r4: ongedekte fte 0,0 moet groter zijn dan 0"],
    ),
    (
        "an_uncovered_fte_with_more_than_four_decimals",
        plan_set("uncovered", [{"role": "r4", "fte": 0.30001}]),
        ["rol r4: ongedekte fte (uncovered[0]) '0.30001' heeft meer dan vier"],
    ),
    (
        "a_role_reported_uncovered_twice",
        plan_set(
            "uncovered", [{"role": "r4", "fte": 0.15}, {"role": "r4", "fte": 0.15}]
        ),
        ["rol r4: meer dan één melding van ongedekte fte (uncovered[1])"],
    ),
    (
        "a_zero_missing_backup_count",
        plan_set(
            "missing_backups",
            [{"role": "r3", "missing": 0}, {"role": "r4", "missing": 1}],
        ),
        ["rol r3: aantal ontbrekende vervangers 0 moet een geheel getal groter dan 0"],
    ),
    (
        "a_role_reported_with_missing_backups_twice",
        plan_add("missing_backups", {"role": "r3", "missing": 1}),
        ["rol r3: meer dan één melding van ontbrekende vervangers"],
    ),
    # the document itself
    (
        "another_plan_version",
        plan_set("version", 2),
        ["plan.version: 2 wordt niet ondersteund"],
    ),
    (
        "an_unknown_status",
        plan_set("status", "prima"),
        ["plan.status: onbekende status 'prima'"],
    ),
    (
        "uncovered_that_is_no_list",
        plan_set("uncovered", {"r4": 0.3}),
        ["plan.uncovered: moet een lijst zijn", "rol r4: 0,3 fte niet gedekt"],
    ),
]


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [pytest.param(m, e, id=name) for name, m, e in VIOLATIONS],
)
def test_a_plan_breaking_one_rule_is_reported_for_that_rule_alone(
    mutation: Mutation, expected: list[str]
) -> None:
    violations = checked(mutation)
    assert len(violations) == len(expected), violations
    for fragment, line in zip(expected, violations, strict=True):
        assert fragment in line, violations


@pytest.mark.parametrize("key", ["assignments", "uncovered", "missing_backups"])
def test_leaving_out_any_single_entry_of_a_valid_plan_is_noticed(key: str) -> None:
    for index in range(len(base_plan()[key])):
        plan = base_plan()
        left_out = plan[key].pop(index)
        assert check_plan(base_instance(), plan) != [], left_out


# --- what is not checked, and what the checker depends on ---------------------------


@pytest.mark.parametrize("status", ["invalid", "infeasible"])
def test_a_plan_without_a_plan_to_check_gets_one_line_saying_so(status: str) -> None:
    plan = {"version": 1, "status": status, "errors": ["roles[0].fte: ontbreekt"]}
    violations = check_plan(base_instance(), plan)
    assert len(violations) == 1
    assert f"status '{status}'" in violations[0]
    assert "geen plan om te controleren" in violations[0]


@pytest.mark.parametrize(
    ("fte", "message"), [(DELETE, "ontbreekt"), (0, "moet groter zijn dan 0")]
)
def test_an_unreadable_instance_is_named_by_entry_and_field(
    fte: object, message: str
) -> None:
    instance = base_instance()
    _edit(instance["roles"][0], {"fte": fte})
    assert check_plan(instance, base_plan()) == [
        f"instantie onleesbaar, plan niet gecontroleerd: roles[0].fte: {message}"
    ]


def test_a_plan_that_is_no_object_is_reported_without_a_traceback() -> None:
    assert check_plan(base_instance(), ["geen", "plan"]) == [  # type: ignore[arg-type]
        "plan: moet een JSON-object zijn"
    ]


def test_the_checker_imports_only_the_standard_library_and_the_domain() -> None:
    """Independence: nothing from the model, the solver's parsing, Flask or ortools."""
    source = Path(__file__).parents[2] / "ommen_rollen" / "solver" / "checker.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    outside = {
        name
        for name in imported
        if name.split(".")[0] not in sys.stdlib_module_names
        and name != "ommen_rollen.domain"
    }
    assert outside == set()


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=4)
    | st.sampled_from(
        ["m001", "r1", "r99", "holder", "backup", "learner", "0,5", "1e999999999"]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["employee", "role", "kind", "fte", "mentor", "missing", "x"]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += _paths(value, (*prefix, index))
    return found


@hypothesis_settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_damage_to_either_document_gives_dutch_lines_never_a_traceback(
    data: st.DataObject,
) -> None:
    documents = [base_instance(), base_plan()]
    which = data.draw(st.sampled_from([0, 1]))
    path = data.draw(st.sampled_from(_paths(documents[which])))
    value = data.draw(JSON_VALUES)
    if path:
        parent = documents[which]
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = value
    else:
        documents[which] = value
    violations = check_plan(documents[0], documents[1])
    assert isinstance(violations, list)
    assert all(isinstance(line, str) and line for line in violations)
