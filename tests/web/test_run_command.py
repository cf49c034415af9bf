"""`ommen-rollen run` loads the demo organisation only when asked (--demo)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask

from ommen_rollen.cli import main


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Flask.run is replaced: the command sets everything up, then stops."""
    started: list[str] = []
    monkeypatch.setattr(Flask, "run", lambda self, **kw: started.append(kw["host"]))
    monkeypatch.delenv("OMMEN_DEMO", raising=False)
    return started


def accounts_in(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = list(conn.scalars(sa.text("SELECT username FROM user")))
    engine.dispose()
    return names


def run(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> Any:
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(main, ["run", *args], catch_exceptions=False)
    monkeypatch.delenv("OMMEN_DEMO", raising=False)
    return result


def test_run_without_demo_loads_no_demo_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_server: list[str]
) -> None:
    url = f"sqlite:///{tmp_path}/prod.sqlite"
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    result = run(monkeypatch, url)
    assert result.exit_code == 0, result.output
    assert no_server == ["127.0.0.1"]
    assert accounts_in(url) == []


def test_run_without_demo_needs_a_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_server: list[str]
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(Exception, match="SECRET_KEY"):
        run(monkeypatch, f"sqlite:///{tmp_path}/prod.sqlite")
    assert no_server == []


def test_run_with_demo_loads_the_demo_organisation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_server: list[str]
) -> None:
    url = f"sqlite:///{tmp_path}/demo.sqlite"
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = run(monkeypatch, url, "--demo")
    assert result.exit_code == 0, result.output
    assert "secretaris" in accounts_in(url)
