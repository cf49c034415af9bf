"""Solver runs as background jobs: on a thread in the app (default) and on an RQ
queue with Redis; progress, cancel, crash and stale jobs leave the database
consistent and show what happened."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from ommen_rollen.domain import RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import Job, JobStatus, Proposal, ProposalStatus, WorkPlan
from ommen_rollen.services import jobs, rounds
from ommen_rollen.services.base import ServiceError, utcnow
from tests.conftest import REDIS_URL_ENV, require_service
from tests.web import test_rounds
from tests.web.test_rounds import Org, open_round_for

org = test_rounds.org  # the shared fixture


def closed_round(org: Org) -> Any:
    round_ = open_round_for(org)
    rounds.close_round(round_.id, org.secretary)
    return round_


def fresh(job_id: int) -> Job:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job is not None
    return job


def count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_optimising_returns_at_once_and_the_thread_stores_a_proposal(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = closed_round(org)
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/optimaliseren",
        data={"time_limit_s": "3", "seed": "1", "note": "eerste poging"},
    )
    assert response.status_code == 302 and "/planning/taken/" in response.location
    job_id = int(response.location.rstrip("/").split("/")[-1])
    assert jobs.wait_for_thread(job_id, 60)
    job = fresh(job_id)
    assert job.status == JobStatus.FINISHED, job.error
    assert job.error == ""
    assert job.progress["coverage_pct"] == 100
    assert job.progress["params"]["time_limit_s"] == 3
    proposal = db.session.get(Proposal, job.proposal_id)
    assert proposal is not None and proposal.number == 1
    assert proposal.status == ProposalStatus.READY
    assert proposal.note == "eerste poging"
    assert proposal.settings["seed"] == 1
    page = client.get(f"/planning/taken/{job_id}").get_data(as_text=True)
    assert "klaar" in page and f"/planning/voorstellen/{proposal.id}" in page
    fragment = client.get(f"/planning/taken/{job_id}/voortgang").get_data(as_text=True)
    assert "Dekking" in fragment and "100" in fragment
    assert "hx-trigger" not in fragment  # finished: no more polling


def test_the_progress_fragment_polls_while_the_job_runs(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = closed_round(org)
    job = Job(round_id=round_.id, status=JobStatus.RUNNING, started_at=utcnow())
    job.progress = {"params": {"time_limit_s": 30}, "elapsed_s": 1.5}
    db.session.add(job)
    db.session.commit()
    auth.login("secretaris")
    page = client.get(f"/planning/taken/{job.id}").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page
    assert "1,5 s van maximaal 30 s" in page
    assert "Stoppen" in page


def test_a_crashing_solver_leaves_no_proposal_and_shows_the_error(
    org: Org, monkeypatch: Any
) -> None:
    round_ = closed_round(org)

    def crash(*_args: Any, **_kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("geheugen vol")

    monkeypatch.setattr(jobs, "solve_instance", crash)
    job = jobs.start_solve(round_.id, org.secretary, time_limit_s=2)
    assert jobs.wait_for_thread(job.id, 30)
    job = fresh(job.id)
    assert job.status == JobStatus.FAILED
    assert "geheugen vol" in job.error
    assert count(Proposal) == 0 and count(WorkPlan) == 0


def test_a_plan_that_cannot_be_stored_fails_the_job_and_writes_nothing(
    org: Org, monkeypatch: Any
) -> None:
    round_ = closed_round(org)

    def bad_plan(*_args: Any, **_kwargs: Any) -> dict[str, Any]:
        return {
            "version": 1,
            "status": "optimal",
            "assignments": [
                {"employee": "m99999", "role": "r01", "kind": "holder", "fte": 0.5}
            ],
        }

    monkeypatch.setattr(jobs, "solve_instance", bad_plan)
    job = jobs.start_solve(round_.id, org.secretary, time_limit_s=2)
    assert jobs.wait_for_thread(job.id, 30)
    job = fresh(job.id)
    assert job.status == JobStatus.FAILED
    assert "onbekende medewerker" in job.error
    assert job.proposal_id is None
    assert count(Proposal) == 0 and count(WorkPlan) == 0


def test_cancel_stops_the_run_and_keeps_the_best_plan_without_making_it_current(
    org: Org, monkeypatch: Any, auth: Any, client: Any
) -> None:
    round_ = closed_round(org)

    def until_stopped(*_args: Any, **kwargs: Any) -> dict[str, Any]:
        deadline = time.monotonic() + 20
        while not kwargs["should_stop"]() and time.monotonic() < deadline:
            time.sleep(0.05)
        return {"version": 1, "status": "cancelled", "assignments": []}

    monkeypatch.setattr(jobs, "solve_instance", until_stopped)
    job = jobs.start_solve(round_.id, org.secretary, time_limit_s=30)
    for _ in range(200):
        if fresh(job.id).status == JobStatus.RUNNING:
            break
        time.sleep(0.05)
    auth.login("secretaris")
    client.post(f"/planning/taken/{job.id}/annuleren")
    assert jobs.wait_for_thread(job.id, 30)
    job = fresh(job.id)
    assert job.status == JobStatus.CANCELLED
    proposal = db.session.get(Proposal, job.proposal_id)
    assert proposal is not None and proposal.status == ProposalStatus.CANCELLED
    assert count(WorkPlan) > 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(WorkPlan).where(WorkPlan.current.is_(True))
        )
        == 0
    )


def test_a_round_that_is_still_open_cannot_be_optimised(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = open_round_for(org)
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/optimaliseren",
        data={"time_limit_s": "3"},
        follow_redirects=True,
    )
    assert "pas als de planronde gesloten is" in response.get_data(as_text=True)
    assert count(Job) == 0


def test_a_time_limit_out_of_range_is_refused_without_a_job(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = closed_round(org)
    auth.login("secretaris")
    response = client.post(
        f"/planning/rondes/{round_.id}/optimaliseren",
        data={"time_limit_s": "100000"},
        follow_redirects=True,
    )
    assert "tussen 1 en 600 seconden" in response.get_data(as_text=True)
    assert count(Job) == 0


def test_a_second_run_waits_for_the_first(org: Org) -> None:
    round_ = closed_round(org)
    db.session.add(
        Job(round_id=round_.id, status=JobStatus.RUNNING, started_at=utcnow())
    )
    db.session.commit()
    with pytest.raises(ServiceError, match="loopt al een optimalisatie"):
        jobs.start_solve(round_.id, org.secretary, time_limit_s=2)
    assert count(Job) == 1


def test_a_job_whose_worker_vanished_is_marked_failed(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = closed_round(org)
    job = Job(
        round_id=round_.id,
        status=JobStatus.RUNNING,
        started_at=utcnow() - timedelta(hours=2),
        progress={"params": {"time_limit_s": 30}},
    )
    db.session.add(job)
    db.session.commit()
    auth.login("secretaris")
    page = client.get(f"/planning/taken/{job.id}").get_data(as_text=True)
    assert "niet op tijd klaar gekomen" in page
    assert fresh(job.id).status == JobStatus.FAILED


def test_a_medewerker_cannot_start_or_cancel_a_run(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = closed_round(org)
    auth.login("anouk")
    assert (
        client.post(
            f"/planning/rondes/{round_.id}/optimaliseren", data={"time_limit_s": "3"}
        ).status_code
        == 403
    )
    assert count(Job) == 0


@pytest.mark.redis
def test_with_redis_the_job_runs_on_the_rq_queue_in_a_worker(
    org: Org, app: Any, monkeypatch: Any
) -> None:
    from rq import SimpleWorker

    redis_url = require_service("Redis", REDIS_URL_ENV)
    round_ = closed_round(org)
    assert round_.status == RoundStatus.CLOSED
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "RQ_QUEUE", f"test-{uuid.uuid4().hex}")
    job = jobs.start_solve(round_.id, None, time_limit_s=3, seed=1)
    job_id = job.id
    assert job.status == JobStatus.QUEUED
    assert job_id not in jobs._threads  # not on a thread
    queue = jobs.rq_queue(app)
    assert queue.count == 1
    try:
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    finally:
        queue.delete(delete_jobs=True)
    done = fresh(job_id)
    assert done.status == JobStatus.FINISHED, done.error
    assert done.proposal_id is not None
    assert db.session.get(Proposal, done.proposal_id) is not None


@pytest.mark.redis
@pytest.mark.slow
def test_the_worker_command_runs_queued_jobs_in_its_own_process(
    org: Org, app: Any, monkeypatch: Any, database_url: str
) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    redis_url = require_service("Redis", REDIS_URL_ENV)
    round_ = closed_round(org)
    queue_name = f"test-{uuid.uuid4().hex}"
    # The session app, switched to the queue for this test only.
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "RQ_QUEUE", queue_name)
    job_id = jobs.start_solve(round_.id, None, time_limit_s=2, seed=1).id
    queue = jobs.rq_queue(app)
    assert queue.count == 1
    command = Path(sys.executable).with_name("ommen-rollen")
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test",
        "OMMEN_RQ_QUEUE": queue_name,
    }
    try:
        result = subprocess.run(
            [str(command), "worker", "--burst"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        queue.delete(delete_jobs=True)
    assert result.returncode == 0, result.stderr
    job = fresh(job_id)
    assert job.status == JobStatus.FINISHED, job.error
    assert job.proposal_id is not None


def test_the_worker_command_explains_that_it_needs_redis(monkeypatch: Any) -> None:
    from click.testing import CliRunner

    from ommen_rollen.cli import main

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    result = CliRunner().invoke(main, ["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is niet gezet" in result.output
