"""`ommen-rollen solve` and `ommen-rollen check` through solver.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ommen_rollen.solver.cli import main

from .factories import employee, instance, role


def write(path: Path, data: object) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_solve_writes_a_plan_and_check_accepts_it(tmp_path: Path) -> None:
    source = write(tmp_path / "i.json", instance([employee("m1")], [role("r1", 0.5)]))
    target = tmp_path / "p.json"
    args = ["solve", source, "-o", str(target), "--time-limit", "2", "--workers", "1"]
    assert main([*args, "--seed", "1"]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["status"] == "optimal"
    assert main(["check", source, str(target)]) == 0


def test_invalid_input_exits_2_with_the_message_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "i.json", instance([employee("m1")], [role("r1", 0)]))
    assert main(["solve", source, "-o", str(tmp_path / "p.json")]) == 2
    assert "roles[0].fte: moet groter zijn dan 0" in capsys.readouterr().err
    assert not (tmp_path / "p.json").exists()


def test_unreadable_json_exits_2(tmp_path: Path) -> None:
    (tmp_path / "i.json").write_text("{not json", encoding="utf-8")
    assert main(["solve", str(tmp_path / "i.json"), "-o", "x.json"]) == 2


def test_check_exits_1_and_lists_violations_of_a_tampered_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = instance([employee("m1", base="D")], [role("r1", 0.5)])
    source = write(tmp_path / "i.json", data)
    plan = {
        "version": 1,
        "status": "optimal",
        "assignments": [{"employee": "m1", "role": "r1", "kind": "holder", "fte": 0.5}],
        "uncovered": [],
        "missing_backups": [],
    }
    assert main(["check", source, write(tmp_path / "p.json", plan)]) == 1
    assert "m1" in capsys.readouterr().out


def test_solve_prints_the_biggest_risk_and_the_formation_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = instance(
        [employee("m1", competences={"omgevingsrecht": 2})],
        [
            role("r1", 0.6, requires={"omgevingsrecht": 2}, backups=1, critical=True),
            role("r2", 0.8, requires={"omgevingsrecht": 2}),
        ],
    )
    source = write(tmp_path / "i.json", data)
    target = str(tmp_path / "p.json")
    assert (
        main(["solve", source, "-o", target, "--time-limit", "2", "--workers", "1"])
        == 0
    )
    out = capsys.readouterr().out
    assert "0.8 fte onbezet, 1 vervanger ontbreekt" in out
    assert "Zonder vervanger: r1" in out
    assert (
        "Grootste risico: afwezigheid van m1 laat 0.6 fte liggen (0.6 fte kritiek)"
        in out
    )
    assert "Formatieadvies (0.8 fte):" in out
    assert (
        "  1 Regisseur/adviseur (B), omgevingsrecht niveau 2, 0,8 fte dekt 0,8 fte en "
        "1 ontbrekende vervanger" in out
    )
    assert main(["check", source, target]) == 0
