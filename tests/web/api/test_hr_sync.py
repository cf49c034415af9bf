"""The HR-style sync script in docs/examples, run as a separate process against
the app on a real HTTP server: it creates 50 medewerkers with their competences,
then updates some; a round is optimised and its werkplannen are read back, all
through the API."""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from ommen_rollen.extensions import db
from ommen_rollen.models import Employee, PlanningRound
from tests.live_server import LiveServer

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "docs" / "examples" / "hr_sync.py"
COMPETENCES = ["Regievoering", "Financiën", "Juridisch", "Communicatie", "Data"]
CLUSTERS = ["Concern", "Sociaal Domein"]


def load_script() -> Any:
    spec = importlib.util.spec_from_file_location("hr_sync", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hr_sync"] = module
    spec.loader.exec_module(module)
    return module


def export_rows(changed: bool) -> list[dict[str, str]]:
    rows = []
    for n in range(50):
        hours = 24 + (n % 13)  # 24 .. 36 hours
        levels = {COMPETENCES[n % 5]: 1 + n % 3, COMPETENCES[(n + 2) % 5]: 2}
        if changed and n < 10:
            hours = 36 if hours != 36 else 32
        if changed and 40 <= n < 45:
            levels[COMPETENCES[(n + 1) % 5]] = 3
        rows.append(
            {
                "personeelsnummer": f"P{1000 + n}",
                "naam": f"Medewerker {n:02d}",
                "uren": str(hours),
                "rompfunctie": "BC"[n % 2],
                "cluster": CLUSTERS[n % 2],
                "competenties": "|".join(f"{k}:{v}" for k, v in levels.items()),
            }
        )
    return rows


def write_export(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


def run_script(url: str, token: str, export: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(SCRIPT), "--url", url, str(export)],
        env={**os.environ, "OMMEN_API_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def server(app: Flask) -> Iterator[LiveServer]:
    with LiveServer(app) as live:
        yield live


@pytest.mark.slow
def test_hr_sync_then_optimise_and_read_the_werkplannen_back(
    app: Flask,
    server: LiveServer,
    make_token: Callable[..., dict[str, str]],
    make_cluster: Callable[..., Any],
    tmp_path: Path,
) -> None:
    for name in CLUSTERS:
        make_cluster(name)
    headers = make_token("read", "write-organisation", "optimise")
    token = headers["Authorization"].removeprefix("Bearer ")
    export = tmp_path / "afas-export.csv"

    write_export(export, export_rows(changed=False))
    first = run_script(server.url, token, export)
    assert first.returncode == 0, first.stderr
    assert (
        first.stdout.strip() == "nieuw: 50, bijgewerkt: 0, ongewijzigd: 0, mislukt: 0"
    )
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Employee.id))) == 50

    write_export(export, export_rows(changed=True))
    second = run_script(server.url, token, export)
    assert second.returncode == 0, second.stderr
    assert (
        second.stdout.strip() == "nieuw: 0, bijgewerkt: 15, ongewijzigd: 35, mislukt: 0"
    )

    api = load_script().Client(server.url, token)
    p1000, _ = api.call("GET", "/employees/p1000")
    assert (p1000["contract_hours"], p1000["contract_fte"]) == ("36.00", "1.0000")
    p1040, _ = api.call("GET", "/employees/p1040")
    assert p1040["competences"] == {"Financiën": 3, "Juridisch": 2, "Regievoering": 2}

    # roles through the API, then a closed round to optimise
    roles = {}
    for n in range(12):
        body = {
            "code": f"R{n + 1:02d}",
            "name": f"Rol {n + 1}",
            "cluster": CLUSTERS[n % 2],
            "fte": "0.5" if n % 3 else "0.7778",
            "base_functions": ["B", "C"],
            "requirements": {COMPETENCES[n % 5]: 1},
            "backups_needed": 1,
        }
        made, _ = api.call("POST", "/roles", body)
        roles[made["code"]] = Decimal(made["fte"])
    round_ = PlanningRound(
        label="2027-1",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 6, 30),
        status="closed",
    )
    db.session.add(round_)
    db.session.commit()

    job, _ = api.call("POST", f"/rounds/{round_.id}/optimise", {"time_limit_s": 5})
    deadline = time.monotonic() + 120
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        job, _ = api.call("GET", f"/jobs/{job['id']}")
    assert job["status"] == "finished", job
    assert job["proposal"] == 1

    plans = api.all(f"/rounds/{round_.id}/werkplannen")
    assert len(plans) == 50
    held: dict[str, Decimal] = {code: Decimal(0) for code in roles}
    backups: dict[str, set[str]] = {code: set() for code in roles}
    for plan in plans:
        assert Decimal(plan["total_fte"]) <= Decimal(plan["contract_fte"])
        for line in plan["assignments"]:
            if line["kind"] == "holder":
                held[line["role"]] += Decimal(line["fte"])
                hours = (Decimal(line["fte"]) * 36).quantize(
                    Decimal("0.01"), ROUND_HALF_UP
                )
                assert Decimal(line["hours"]) == hours
            elif line["kind"] == "backup":
                backups[line["role"]].add(plan["employee"])
                assert line["holders"], line
    assert held == roles  # every role covered exactly, in exact fte
    assert all(backups.values())
    vulnerability, _ = api.call("GET", f"/rounds/{round_.id}/proposals/1/vulnerability")
    assert vulnerability["proposal"] == 1
    for item in vulnerability["absence"]:
        assert item["employee"].startswith("p1")
