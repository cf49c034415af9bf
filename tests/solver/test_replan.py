"""Re-planning from an approved plan (solver/replan.py): every kind of change, the
least disruption, backups first in line, the disruption terms in model and
evaluation alike, and the CLI's --from-plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

from ommen_rollen.solver import (
    InstanceError,
    check_plan,
    instance_to_json,
    parse_instance,
)
from ommen_rollen.solver.cli import main
from ommen_rollen.solver.eligibility import facts_of
from ommen_rollen.solver.evaluate import raw_terms
from ommen_rollen.solver.hints import extract_plan
from ommen_rollen.solver.model import build_plan_model
from ommen_rollen.solver.replan import (
    disruption_summary,
    replan_json,
    solve_from_plan,
)

from .factories import employee, held, instance, role, solved


def holder(e: str, r: str, fte: float) -> dict[str, Any]:
    return {"employee": e, "role": r, "kind": "holder", "fte": fte}


def backup(e: str, r: str) -> dict[str, Any]:
    return {"employee": e, "role": r, "kind": "backup"}


def office() -> dict[str, Any]:
    """Four colleagues, each holding one 0.5 fte role; m2 backs up r1."""
    return instance(
        [employee(f"m{i}") for i in range(1, 5)],
        [role("r1", 0.5, backups=1)] + [role(f"r{i}", 0.5) for i in range(2, 5)],
    )


APPROVED = {
    "assignments": [
        holder("m1", "r1", 0.5),
        holder("m2", "r2", 0.5),
        holder("m3", "r3", 0.5),
        holder("m4", "r4", 0.5),
        backup("m2", "r1"),
    ]
}


def replanned(
    data: dict[str, Any], plan: dict[str, Any], changes: list[dict[str, Any]], **kw: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Re-plan, assert the independent checker accepts the result, return both."""
    kw.setdefault("workers", 1)
    kw.setdefault("seed", 0)
    kw.setdefault("time_limit_s", 10)
    target, result = solve_from_plan(data, plan, changes=changes, **kw)
    target_json, plan_json = instance_to_json(target), result.to_json()
    assert check_plan(target_json, plan_json) == []
    return target_json, plan_json


def changed(before: dict[str, Any], after: dict[str, Any]) -> set[tuple[str, str]]:
    old = held(before)
    new = held(after)
    return {p for p in set(old) | set(new) if old.get(p) != new.get(p)}


def test_an_absence_goes_to_the_backup_and_nobody_else_changes() -> None:
    change = {"kind": "absence", "employee": "m1", "from": "2027-03-01"}
    target, plan = replanned(office(), APPROVED, [change])
    assert held(plan)[("m2", "r1")] == 0.5  # the backup is first in line
    assert changed(APPROVED, plan) == {("m1", "r1"), ("m2", "r1")}
    assert not plan["uncovered"] and not plan["missing_backups"]
    summary = disruption_summary(parse_instance(target), solved_plan(plan))
    assert summary == {"fte": 1, "people": ["m1", "m2"], "takeovers": 0}
    # from the ring of m1 and the backup of her role, the first one tried (m1 alone
    # has no fte left for r1)
    assert plan["metrics"]["replan_ring"] == 2
    assert plan["metrics"]["replan_rings_tried"] == 1


def solved_plan(plan: dict[str, Any]) -> Any:
    from ommen_rollen.solver import plan_from_json

    return plan_from_json(plan)


def test_without_a_backup_the_role_goes_to_someone_with_room() -> None:
    data = office()
    data["employees"][1]["fte"] = 0.5  # the backup m2 is full
    _, plan = replanned(data, APPROVED, [{"kind": "absence", "employee": "m1"}])
    takers = {e for (e, r) in held(plan) if r == "r1"}
    assert len(takers) == 1 and takers <= {"m3", "m4"}
    assert len(changed(APPROVED, plan)) == 2


def test_a_lower_contract_moves_only_what_no_longer_fits() -> None:
    data = instance(
        [employee("m1"), employee("m2"), employee("m3", 0.5)],
        [role("r1", 0.5), role("r2", 0.5), role("r3", 0.5)],
    )
    approved = {
        "assignments": [
            holder("m1", "r1", 0.5),
            holder("m1", "r2", 0.5),
            holder("m3", "r3", 0.5),
        ]
    }
    change = {"kind": "contract", "employee": "m1", "fte": "0,5"}
    _, plan = replanned(data, approved, [change])
    mine = {r for (e, r) in held(plan) if e == "m1"}
    assert len(mine) == 1  # keeps one of the two roles
    moved = ({"r1", "r2"} - mine).pop()
    assert held(plan)[("m2", moved)] == 0.5
    assert held(plan)[("m3", "r3")] == 0.5


def test_a_new_role_goes_to_one_person_and_the_rest_stays() -> None:
    change = {"kind": "add_role", "role": role("r9", 0.3)}
    _, plan = replanned(office(), APPROVED, [change])
    assert {p for p in changed(APPROVED, plan)} == {
        (e, "r9") for (e, r) in held(plan) if r == "r9"
    }
    assert sum(f for (_, r), f in held(plan).items() if r == "r9") == 0.3


def test_a_removed_role_leaves_every_other_werkplan_alone() -> None:
    _, plan = replanned(office(), APPROVED, [{"kind": "remove_role", "role": "r3"}])
    assert changed(APPROVED, plan) == {("m3", "r3")}


def test_a_larger_role_grows_with_its_holder() -> None:
    change = {"kind": "resize_role", "role": "r1", "fte": 0.8}
    _, plan = replanned(office(), APPROVED, [change])
    assert held(plan)[("m1", "r1")] == 0.8
    assert changed(APPROVED, plan) == {("m1", "r1")}


def test_a_smaller_role_shrinks_with_its_holder() -> None:
    change = {"kind": "resize_role", "role": "r2", "fte": 0.2}
    target, plan = replanned(office(), APPROVED, [change])
    assert held(plan)[("m2", "r2")] == 0.2
    assert changed(APPROVED, plan) == {("m2", "r2")}


def test_a_new_hire_takes_over_when_the_others_are_full() -> None:
    data = office()
    for e in data["employees"]:
        e["fte"] = 0.5  # nobody has room
    hire = employee("m9", 0.6, name="Nieuwe collega")
    changes = [
        {"kind": "absence", "employee": "m1"},
        {"kind": "hire", "employee": hire},
    ]
    _, plan = replanned(data, APPROVED, changes)
    assert held(plan)[("m9", "r1")] == 0.5
    assert changed(APPROVED, plan) == {("m1", "r1"), ("m9", "r1")}


def test_the_approved_plan_outweighs_wishes_unless_the_weight_is_zero() -> None:
    data = office() | {
        "preferences": [{"employee": "m4", "role": "r3", "choice": "want"}]
    }
    change = [{"kind": "add_role", "role": role("r9", 0.2)}]
    _, kept = replanned(data, APPROVED, change)
    assert held(kept)[("m3", "r3")] == 0.5  # the approved holder stays
    _, free = replanned(data, APPROVED, change, disruption_weight=0)
    assert ("m4", "r3") in held(free)  # without the weight the wish wins


def test_the_model_counts_the_disruption_terms_like_the_evaluation() -> None:
    data = replan_json(
        office()
        | {"preferences": [{"employee": "m4", "role": "r1", "choice": "want"}]},
        APPROVED,
        changes=[{"kind": "contract", "employee": "m2", "fte": 0.5}],
        disruption_weight=1,
    )
    data["settings"]["weights"]["want"] = 100_000  # make some disruption worth it
    facts = facts_of(parse_instance(data))
    s = build_plan_model(facts)
    s.model.minimize(s.soft_objective())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(s.model) == cp_model.OPTIMAL
    plan = extract_plan(s, solver)
    raw = raw_terms(facts, plan.holders, plan.learners, plan.backups)
    terms = {t.name: int(solver.value(t.expr)) for t in s.terms}
    for name in ("disruption_fte", "disruption_people", "takeover"):
        assert terms[name] == raw[name], name
    assert raw["disruption_fte"] > 0  # the wish moved r1 after all


def test_invalid_changes_are_refused_with_dutch_messages() -> None:
    data = office()
    before = json.dumps(data, sort_keys=True)
    with pytest.raises(InstanceError) as refused:
        replan_json(
            data,
            APPROVED,
            changes=[
                {"kind": "absence", "employee": "m99"},
                {"kind": "contract", "employee": "m1", "fte": "0,12345"},
                {"kind": "verhuizen"},
                {"kind": "resize_role", "role": "r1", "fte": 0, "extra": 1},
                {"kind": "absence", "employee": "m1", "from": "1 maart"},
            ],
        )
    assert refused.value.errors == [
        "changes[0].employee: onbekende medewerker 'm99'",
        "changes[1].fte: '0,12345' heeft meer dan vier decimalen",
        "changes[2].kind: onbekend (bekend: absence, contract, add_role, "
        "remove_role, resize_role, hire)",
        "changes[3].extra: onbekend veld",
        "changes[3].fte: moet groter zijn dan 0",
        "changes[4].from: geen datum (JJJJ-MM-DD)",
    ]
    assert json.dumps(data, sort_keys=True) == before  # nothing changed
    with pytest.raises(InstanceError):
        replan_json(data, APPROVED, disruption_weight=-1)


def test_the_previous_plan_is_the_approved_plan_with_exact_shares() -> None:
    target = parse_instance(
        replan_json(
            office(),
            APPROVED,
            changes=[{"kind": "resize_role", "role": "r4", "fte": 0.25}],
        )
    )
    previous = {(p.employee, p.role, p.kind): p.fte for p in target.previous}
    assert previous[("m1", "r1", "holder")] == 5000
    assert previous[("m4", "r4", "holder")] == 2500  # cut to the smaller role
    assert previous[("m2", "r1", "backup")] is None
    assert target.weight("disruption_fte") == 1


def test_a_plain_solve_counts_no_disruption() -> None:
    plan = solved(office() | {"previous": APPROVED["assignments"]})
    assert plan["objective"]["terms"]["disruption_fte"] == 0


def write(path: Path, data: object) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_the_cli_replans_from_files_and_check_accepts_the_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "i.json", office())
    approved = write(tmp_path / "approved.json", APPROVED)
    changes = write(tmp_path / "c.json", [{"kind": "absence", "employee": "m1"}])
    out, solved_instance = tmp_path / "p.json", tmp_path / "solved.json"
    args = ["solve", source, "-o", str(out), "--from-plan", approved]
    args += ["--changes", changes, "--disruption-weight", "2", "--workers", "1"]
    args += ["--write-instance", str(solved_instance)]
    assert main(args) == 0
    assert "Herplanning: 1 fte gewijzigd bij 2 medewerkers: m1, m2" in (
        capsys.readouterr().out
    )
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert held(plan)[("m2", "r1")] == 0.5
    assert main(["check", str(solved_instance), str(out)]) == 0


def test_the_cli_refuses_changes_without_a_plan_and_bad_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "i.json", office())
    changes = write(tmp_path / "c.json", [{"kind": "absence", "employee": "x"}])
    out = str(tmp_path / "p.json")
    assert main(["solve", source, "-o", out, "--changes", changes]) == 2
    assert "vragen --from-plan" in capsys.readouterr().err
    approved = write(tmp_path / "a.json", APPROVED)
    args = ["solve", source, "-o", out, "--from-plan", approved, "--changes", changes]
    assert main(args) == 2
    assert "changes[0].employee: onbekende medewerker 'x'" in capsys.readouterr().err
    assert not Path(out).exists()


def test_contradicting_pins_stay_infeasible_after_a_replan() -> None:
    data = office() | {
        "pins": [
            {"employee": "m3", "role": "r3", "fte": 0.5},
            {"employee": "m3", "role": "r4", "fte": 0.5},
        ]
    }
    data["employees"][2]["fte"] = 0.5  # m3 cannot hold both pinned roles
    target, plan = solve_from_plan(
        data, APPROVED, changes=[{"kind": "absence", "employee": "m1"}], workers=1
    )
    assert plan.status == "infeasible"
    assert plan.errors and plan.assignments == []
    assert len(target.pins) == 2
