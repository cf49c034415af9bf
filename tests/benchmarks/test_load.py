"""The load script: its form reading and table, and a tiny real run (gunicorn on
loopback, a scratch PostgreSQL database) that must end without errors and leave
nothing behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from benchmarks.load import STEPS, Stats, parse_forms, percentile, table
from ommen_rollen.config import normalise_database_url
from tests.conftest import PG_URL_ENV, require_service

ROOT = Path(__file__).resolve().parents[2]

PAGE = """
<form method="get" action="/zoeken"><input name="q" value="x"></form>
<form method="post" action="/mijn/voorkeuren?cluster=2">
  <input type="hidden" name="csrf_token" value="tok&amp;en">
  <input type="hidden" name="role_id" value="7">
  <input type="radio" name="choice-7" value="want">
  <input type="radio" name="choice-7" value="avoid" checked>
  <input type="hidden" name="role_id" value="8">
  <input type="radio" name="choice-8" value="want" checked disabled>
  <input type="checkbox" name="active" value="y" checked>
  <input type="checkbox" name="critical" value="y">
  <select name="level"><option value="">geen</option>
    <option selected>2</option></select>
  <select name="cluster_id"><option value="4">A</option>
    <option value="5">B</option></select>
  <textarea name="description">
Regel een</textarea>
  <button type="submit">Opslaan</button>
</form>
"""


def test_forms_are_read_as_a_browser_would_submit_them() -> None:
    search, prefs = parse_forms(PAGE)
    assert (search.method, search.fields) == ("get", [("q", "x")])
    assert prefs.action == "/mijn/voorkeuren?cluster=2"
    assert prefs.fields == [
        ("csrf_token", "tok&en"),
        ("role_id", "7"),
        ("choice-7", "avoid"),
        ("role_id", "8"),
        ("active", "y"),
        ("level", "2"),
        ("cluster_id", "4"),
        ("description", "Regel een"),
    ]
    assert prefs.values("role_id") == ["7", "8"]
    prefs.set("choice-7", "learn")
    assert prefs.values("choice-7") == ["learn"]


def test_the_table_has_a_row_per_step_with_nearest_rank_percentiles() -> None:
    stats = Stats()
    for ms in range(1, 101):
        stats.record("save", ms / 1000)
    stats.record("login", None, "anouk: status 500, expected 302")
    assert percentile([0.3, 0.1, 0.2], 50) == 0.2
    assert percentile([i / 1000 for i in range(1, 101)], 95) == 0.095
    lines = table(stats).splitlines()
    assert len(lines) == 2 + len(STEPS) + 1
    assert "| save (POST /mijn/voorkeuren) | 100 | 0 | 50 | 95 | 100 |" in lines
    assert "| login (POST /inloggen) | 0 | 1 | – | – | – |" in lines
    assert lines[-1].startswith("| **all** | 100 | 1 |")
    assert stats.samples == ["login: anouk: status 500, expected 302"]


def _load_databases(server: str) -> set[str]:
    engine = sa.create_engine(normalise_database_url(server))
    try:
        with engine.connect() as conn:
            return set(
                conn.scalars(
                    sa.text(
                        "SELECT datname FROM pg_database "
                        "WHERE datname LIKE 'ommen_load_%'"
                    )
                )
            )
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_tiny_load_run_has_no_errors_prints_the_table_and_cleans_up() -> None:
    server = require_service("PostgreSQL", PG_URL_ENV)
    before = _load_databases(server)
    env = {**os.environ, "OMMEN_LOAD_DATABASE_URL": server}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "load",
            "--users",
            "3",
            "--max-requests",
            "24",
            "--duration",
            "120",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "errors: 0" in out.splitlines()
    rows = {
        line.split(" | ")[0].lstrip("| "): line
        for line in out.splitlines()
        if line.startswith("| ")
    }
    for _key, label in STEPS:
        assert label in rows, out
    assert rows["login (POST /inloggen)"].startswith(
        "| login (POST /inloggen) | 3 | 0 |"
    )
    assert "| **all** | 24 | 0 |" in out
    saved = re.search(r"(\d+) medewerkers saved, last save found in the database "
                      r"for (\d+), lost 0", out)  # fmt: skip
    assert saved is not None, out
    assert int(saved[1]) == int(saved[2]) >= 1
    assert _load_databases(server) == before
