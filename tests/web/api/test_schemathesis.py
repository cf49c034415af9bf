"""Schemathesis against the app on a real HTTP server: every operation of the
OpenAPI description with generated and hostile input (positive and negative
modes: coverage and fuzzing phases). No answer may be a server error, and every
answer must match the description (status, content type, headers, body);
input that breaks the description must be refused.

Two runs: one with only a key (hostile paths, every operation), one against a
small organisation with a key and a medewerker's session, so the operations
reach their objects. ``max-examples`` keeps it under a minute or two."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from ommen_rollen.domain import UserRole
from ommen_rollen.extensions import db
from tests.live_server import LiveServer

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    ]
)
MAX_EXAMPLES = os.environ.get("OMMEN_SCHEMATHESIS_EXAMPLES", "15")


@pytest.fixture
def server(app: Flask) -> Iterator[LiveServer]:
    with LiveServer(app) as live:
        yield live


def schemathesis(
    url: str, config: Path, *, bearer: str, session: str = "", parameters: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run the CLI; schemathesis knows the two security schemes, so it also
    tries every operation without them."""
    text = f'[auth.openapi.token]\nbearer = "{bearer}"\n'
    if session:
        text += f'[auth.openapi.session]\napi_key = "{session}"\n'
    config.write_text(parameters + text, encoding="utf-8")
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config)]
    command += ["run", f"{url}/api/v1/openapi.json", "--checks", CHECKS]
    command += ["--mode", "all", "--phases", "examples,coverage,fuzzing"]
    command += ["--max-examples", MAX_EXAMPLES, "--seed", "18", "--workers", "1"]
    command += ["--request-timeout", "30", "--no-color"]
    # in the test's own folder: schemathesis keeps a cache in its working directory
    return subprocess.run(  # noqa: S603
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=config.parent,
    )


def session_cookie(url: str, username: str) -> str:
    """Log in on the live server like a browser; the session cookie."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = urllib.parse.urlencode(
        {"username": username, "password": "geheim-wachtwoord"}
    ).encode()
    opener.open(f"{url}/inloggen", data=form, timeout=10)  # noqa: S310
    cookies = {c.name: c.value for c in jar}
    return cookies["session"]


def assert_clean(run: subprocess.CompletedProcess[str]) -> None:
    tail = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, tail
    assert "No operations" not in run.stdout, tail


@pytest.mark.slow
def bearer(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def test_every_operation_with_hostile_input_and_only_a_key(
    app: Flask, server: LiveServer, headers: dict[str, str], tmp_path: Path
) -> None:
    run = schemathesis(server.url, tmp_path / "st.toml", bearer=bearer(headers))
    assert_clean(run)
    assert "24 selected / 24 total" in run.stdout, run.stdout[-3000:]


@pytest.mark.slow
def test_every_operation_against_a_small_organisation(
    app: Flask,
    server: LiveServer,
    headers: dict[str, str],
    make_user: Callable[..., Any],
    make_role: Callable[..., Any],
    make_competence: Callable[..., Any],
    make_cluster: Callable[..., Any],
    make_round_with_proposal: Callable[..., Any],
    tmp_path: Path,
) -> None:

    cluster = make_cluster("Regie")
    competence = make_competence("regievoering")
    make_role("r01", cluster=cluster, requires={competence: 1})
    make_user("p1", UserRole.EMPLOYEE)
    # open: preferences can be saved, optimising is refused (no solver runs)
    round_, proposal, job = make_round_with_proposal("2027-1", "open")
    db.session.commit()
    parameters = (
        "[parameters]\n"
        f'"path.username" = "p1"\n'
        f'"path.code" = "r01"\n'
        f'"path.name" = "regievoering"\n'
        f'"path.round_id" = {round_.id}\n'
        f'"path.number" = 1\n'
        f'"path.job_id" = {job.id}\n'
    )
    run = schemathesis(
        server.url,
        tmp_path / "st.toml",
        bearer=bearer(headers),
        session=session_cookie(server.url, "p1"),
        parameters=parameters,
    )
    assert_clean(run)
    # the run reached the services: the key created competences (and more)
    from ommen_rollen.models import AuditEntry

    db.session.expire_all()
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"api.request", "beheer.create"} <= actions, actions
