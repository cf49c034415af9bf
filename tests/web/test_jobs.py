"""Solver runs as background jobs: on a thread in the app (default) and on an RQ
queue with Redis; progress, cancel, crash and stale jobs leave the database
consistent and show what happened."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from ommen_rollen.domain import PlanStatus, RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    Job,
    JobStatus,
    PlanningRound,
    Proposal,
    ProposalStatus,
    WorkPlan,
)
from ommen_rollen.services import api_tokens, approval, jobs, limits, rounds
from ommen_rollen.services.base import ServiceError, utcnow
from ommen_rollen.services.demo import load_demo
from ommen_rollen.services.demo_data import DEMO_PASSWORD, SECRETARY_USERNAME
from ommen_rollen.solver import Plan, plan_from_json
from tests.conftest import REDIS_URL_ENV, require_service
from tests.web.conftest import Org, open_round_for, proposed_round, work_the_queue


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

    def crash(*_args: Any, **_kwargs: Any) -> Plan:
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

    def bad_plan(*_args: Any, **_kwargs: Any) -> Plan:
        return plan_from_json(
            {
                "version": 1,
                "status": "optimal",
                "assignments": [
                    {"employee": "m99999", "role": "r01", "kind": "holder", "fte": 0.5}
                ],
            }
        )

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

    def until_stopped(*_args: Any, **kwargs: Any) -> Plan:
        deadline = time.monotonic() + 20
        while not kwargs["should_stop"]() and time.monotonic() < deadline:
            time.sleep(0.05)
        return Plan(PlanStatus.CANCELLED)

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
    assert limits.TIME_LIMIT_RULE in response.get_data(as_text=True)
    assert count(Job) == 0


def test_the_form_and_the_api_take_the_same_time_limits_with_the_same_words(
    org: Org, auth: Any, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[float] = []
    monkeypatch.setattr(
        jobs, "dispatch", lambda _app, _job, limit: started.append(limit)
    )
    round_ = closed_round(org)
    _token, secret = api_tokens.create_token(
        "rekentijd", ["optimise"], api_tokens.today() + timedelta(days=1), org.secretary
    )
    bearer = {"Authorization": f"Bearer {secret}"}
    api_url = f"/api/v1/rounds/{round_.id}/optimise"
    form_url = f"/planning/rondes/{round_.id}/optimaliseren"
    low, high = limits.TIME_LIMIT_S
    assert (low, high) == (1, 3600)
    for refused in (low - 1, high + 1):
        answer = client.post(api_url, json={"time_limit_s": refused}, headers=bearer)
        assert answer.status_code == 422
        assert limits.TIME_LIMIT_RULE in answer.get_data(as_text=True)
    with pytest.raises(ServiceError, match=limits.TIME_LIMIT_RULE):
        jobs.start_solve(round_.id, org.secretary, time_limit_s=high + 1)
    answer = client.post(api_url, json={"time_limit_s": high}, headers=bearer)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    assert started == [high]
    db.session.execute(update(Job).values(status=JobStatus.FAILED))
    db.session.commit()

    # the form: the same words below and above, and the highest the API takes
    # (the form used to stop at 600 s)
    auth.login("secretaris")
    for refused in (low - 1, high + 1):
        page = client.post(
            form_url, data={"time_limit_s": str(refused)}, follow_redirects=True
        ).get_data(as_text=True)
        assert limits.TIME_LIMIT_RULE in page
    assert count(Job) == 1 and started == [high]
    response = client.post(form_url, data={"time_limit_s": str(high)})
    assert response.status_code == 302 and "/planning/taken/" in response.location
    assert started == [high, high]
    assert count(Job) == 2


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
    assert "De berekening is onderbroken" in page
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
    redis_url = require_service("Redis", REDIS_URL_ENV)
    round_ = closed_round(org)
    assert round_.status == RoundStatus.CLOSED
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "RQ_QUEUE", f"test-{uuid.uuid4().hex}")
    job = jobs.start_solve(round_.id, None, time_limit_s=3, seed=1)
    job_id = job.id
    assert job.status == JobStatus.QUEUED
    assert job_id not in jobs._threads  # not on a thread
    work_the_queue(app)
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
        "SECRET_KEY": "t" * 32,
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
    monkeypatch.setenv("SECRET_KEY", "t" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    result = CliRunner().invoke(main, ["worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is niet gezet" in result.output


# --- jobs that die are noticed, and Stoppen stops ----------------------------------


def wait_until(condition: Callable[[], Any], timeout_s: float = 30) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


def long_ago() -> Any:
    return utcnow() - timedelta(seconds=jobs.HEARTBEAT_TIMEOUT_S + 30)


def demo_closed_round() -> PlanningRound:
    """The demo organisation with its open round closed: large enough that a solve
    with a long time limit keeps searching for minutes."""
    load_demo()
    round_ = db.session.scalar(
        select(PlanningRound).where(PlanningRound.status == RoundStatus.OPEN)
    )
    assert round_ is not None
    rounds.close_round(round_.id, None)
    return round_


def job_id_of(response: Any) -> int:
    assert response.status_code == 302 and "/planning/taken/" in response.location
    return int(response.location.rstrip("/").split("/")[-1])


def test_a_job_whose_heartbeat_stopped_is_marked_failed_and_the_round_is_free(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = closed_round(org)
    silent_since = long_ago()
    job = Job(
        round_id=round_.id,
        status=JobStatus.RUNNING,
        started_at=silent_since,
        heartbeat_at=silent_since,
        runner="een-andere-server:4242:abcdef",
        # The time limit alone would keep it 'bezig' for another quarter hour.
        progress={"params": {"time_limit_s": 600}},
    )
    db.session.add(job)
    db.session.commit()
    auth.login("secretaris")

    page = client.get(f"/planning/rondes/{round_.id}").get_data(as_text=True)
    assert "mislukt: De berekening is onderbroken" in page
    assert fresh(job.id).status == JobStatus.FAILED
    page = client.get(f"/planning/taken/{job.id}").get_data(as_text=True)
    assert "De berekening is onderbroken" in page and "geen teken van" in page
    assert "De planronde is weer vrij" in page
    assert "Stoppen" not in page and "hx-trigger" not in page

    # The round is free: a new optimisation starts and ends.
    response = client.post(
        f"/planning/rondes/{round_.id}/optimaliseren", data={"time_limit_s": "3"}
    )
    new_id = job_id_of(response)
    assert new_id != job.id
    assert jobs.wait_for_thread(new_id, 60)
    assert fresh(new_id).status == JobStatus.FINISHED, fresh(new_id).error


def refusal(action: Callable[[], Any]) -> str | None:
    """The message a service call is refused with, None when it went ahead."""
    try:
        action()
    except ServiceError as exc:
        db.session.rollback()
        return str(exc)
    return None


def test_approval_is_no_longer_blocked_once_a_dead_job_is_noticed(org: Org) -> None:
    round_ = proposed_round(org)
    job = Job(
        round_id=round_.id,
        status=JobStatus.RUNNING,
        started_at=utcnow(),
        heartbeat_at=utcnow(),
        progress={"params": {"time_limit_s": 600}},
    )
    db.session.add(job)
    db.session.commit()

    def approve() -> Any:
        return approval.approve_all(round_.id, org.secretary)

    assert refusal(approve) == approval.SOLVE_RUNNING_MESSAGE  # alive: blocks

    job = fresh(job.id)
    job.started_at = job.heartbeat_at = long_ago()  # then its worker died
    db.session.commit()
    # Whatever else approval asks for, a running optimisation is not it any more.
    assert refusal(approve) != approval.SOLVE_RUNNING_MESSAGE
    assert not jobs.solve_in_progress(round_.id)
    db.session.commit()
    assert fresh(job.id).status == JobStatus.FAILED
    assert "De berekening is onderbroken" in fresh(job.id).error


def test_a_job_whose_thread_in_this_process_is_gone_is_marked_failed(
    org: Org, auth: Any, client: Any
) -> None:
    round_ = closed_round(org)
    quiet = utcnow() - timedelta(seconds=jobs.THREAD_START_GRACE_S + 5)
    job = Job(
        round_id=round_.id,
        status=JobStatus.RUNNING,
        started_at=quiet,
        heartbeat_at=quiet,
        runner=jobs.process_identity(),  # this process, but no thread runs it
        progress={"params": {"time_limit_s": 600}},
    )
    db.session.add(job)
    db.session.commit()
    auth.login("secretaris")
    fragment = client.get(f"/planning/taken/{job.id}/voortgang").get_data(as_text=True)
    assert "gestopt zonder uitkomst" in fragment
    assert fresh(job.id).status == JobStatus.FAILED
    assert not jobs.solve_in_progress(round_.id)


def test_app_start_marks_jobs_left_on_threads_of_an_earlier_process_failed(
    org: Org, make_app: Callable[..., Any]
) -> None:
    round_ = closed_round(org)
    host = socket.gethostname()
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    runners = {
        # An earlier app process that had this very pid (a restart in a container).
        "earlier_same_pid": f"{host}:{os.getpid()}:vorigproces",
        "ended_process": f"{host}:{ended.pid}:vorigproces",
        # Another process of the app on this machine that still lives.
        "live_process": f"{host}:{os.getppid()}:anderproces",
    }
    ids = {}
    for name, runner in runners.items():
        job = Job(
            round_id=round_.id,
            status=JobStatus.RUNNING,
            started_at=utcnow(),
            heartbeat_at=utcnow(),  # fresh: only the restart tells they are dead
            runner=runner,
            progress={"params": {"time_limit_s": 600}},
        )
        db.session.add(job)
        db.session.flush()
        ids[name] = job.id
    rq_job = Job(
        round_id=round_.id,
        status=JobStatus.RUNNING,
        started_at=utcnow(),
        heartbeat_at=utcnow(),
        runner=f"{host}:{ended.pid}:werker",
        rq_job_id="ommen-solve-in-een-werker",
    )
    db.session.add(rq_job)
    db.session.commit()

    make_app()  # the app starts again

    for name in ("earlier_same_pid", "ended_process"):
        job = fresh(ids[name])
        assert job.status == JobStatus.FAILED, name
        assert job.error.startswith("De berekening is onderbroken: de app is gestopt")
    assert fresh(ids["live_process"]).status == JobStatus.RUNNING
    assert fresh(rq_job.id).status == JobStatus.RUNNING  # RQ's worker decides


def test_a_running_job_writes_its_heartbeat_while_the_solver_is_silent(
    org: Org, monkeypatch: Any
) -> None:
    round_ = closed_round(org)
    monkeypatch.setattr(jobs, "HEARTBEAT_INTERVAL_S", 0.2)
    monkeypatch.setattr(jobs, "CANCEL_POLL_S", 0.05)

    def silent(*_args: Any, **kwargs: Any) -> Plan:
        deadline = time.monotonic() + 20
        while not kwargs["should_stop"]() and time.monotonic() < deadline:
            time.sleep(0.05)  # no progress callbacks at all
        return Plan(PlanStatus.CANCELLED)

    monkeypatch.setattr(jobs, "solve_instance", silent)
    job = jobs.start_solve(round_.id, org.secretary, time_limit_s=30)
    assert wait_until(lambda: fresh(job.id).status == JobStatus.RUNNING, 10)
    first = fresh(job.id).heartbeat_at
    assert first is not None
    assert wait_until(lambda: fresh(job.id).heartbeat_at > first, 10)
    assert fresh(job.id).runner == jobs.process_identity()
    jobs.request_cancel(job.id, org.secretary)
    assert jobs.wait_for_thread(job.id, 30)
    assert fresh(job.id).status == JobStatus.CANCELLED


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING])
def test_a_round_cannot_be_reopened_while_a_solve_is_queued_or_running(
    org: Org, auth: Any, client: Any, status: JobStatus
) -> None:
    round_ = closed_round(org)
    job = Job(
        round_id=round_.id,
        status=status,
        heartbeat_at=utcnow(),
        started_at=utcnow() if status == JobStatus.RUNNING else None,
        progress={"params": {"time_limit_s": 30}},
    )
    db.session.add(job)
    db.session.commit()
    auth.login("secretaris")
    page = client.post(
        f"/planning/rondes/{round_.id}/heropenen", follow_redirects=True
    ).get_data(as_text=True)
    assert "kan niet weer worden geopend zolang er een optimalisatie loopt" in page
    db.session.expire_all()
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.CLOSED

    # Once the run has ended, the round opens again.
    fresh(job.id).status = JobStatus.CANCELLED
    db.session.commit()
    page = client.post(
        f"/planning/rondes/{round_.id}/heropenen", follow_redirects=True
    ).get_data(as_text=True)
    assert "weer open voor voorkeuren" in page
    db.session.expire_all()
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.OPEN


@dataclass
class RicherProgress:
    """The solver's Progress with fields it may gain later."""

    elapsed_s: float
    solutions: int
    objective: float | None
    bound: float | None
    uncovered_units: int | None
    missing_backups: int | None
    lower_bound: float | None = None
    levels: list[str] = field(default_factory=list)


def test_progress_with_fields_the_solver_adds_later_is_kept(app: Any) -> None:
    job = Job(status=JobStatus.RUNNING, started_at=utcnow())
    db.session.add(job)
    db.session.commit()
    reporter = jobs.ProgressReporter(db.engine, job.id, {"params": {}}, 10_000)
    reporter(RicherProgress(1.23, 2, 40.0, 30.0, 2_500, 1, lower_bound=12.5))
    progress = fresh(job.id).progress
    assert progress["lower_bound"] == 12.5
    assert progress["coverage_pct"] == 75.0 and progress["uncovered_fte"] == 0.25
    assert progress["elapsed_s"] == 1.2 and progress["solutions"] == 2
    assert "levels" not in progress  # only plain values go into the job row


@pytest.mark.slow
def test_stop_ends_a_real_solve_and_keeps_the_best_plan_as_a_stopped_proposal(
    app: Any, auth: Any, client: Any
) -> None:
    round_ = demo_closed_round()
    auth.login(SECRETARY_USERNAME, DEMO_PASSWORD)
    response = client.post(
        f"/planning/rondes/{round_.id}/optimaliseren",
        data={"time_limit_s": "600", "seed": "1"},
    )
    job_id = job_id_of(response)
    try:
        searching(job_id)
        asked = time.monotonic()
        client.post(f"/planning/taken/{job_id}/annuleren")
        assert jobs.wait_for_thread(job_id, 30), "Stoppen did not end the search"
        assert time.monotonic() - asked < 30
    finally:
        if fresh(job_id).status in jobs.ACTIVE:  # do not leave a 10-minute solve
            jobs.request_cancel(job_id, None)
            jobs.wait_for_thread(job_id, 60)
    assert_stopped_with_a_plan(job_id)
    page = client.get(f"/planning/taken/{job_id}").get_data(as_text=True)
    assert "gestopt" in page and "Het beste plan tot dan is bewaard" in page
    page = client.get(f"/planning/rondes/{round_.id}").get_data(as_text=True)
    assert "gestopt (beste plan tot dan)" in page
    assert not jobs.solve_in_progress(round_.id)


def searching(job_id: int) -> None:
    """Wait until the job runs and the solver has reported (a plan to improve on),
    far from its time limit."""
    assert wait_until(lambda: fresh(job_id).status == JobStatus.RUNNING, 90)
    wait_until(lambda: "elapsed_s" in fresh(job_id).progress, 30)
    assert fresh(job_id).status == JobStatus.RUNNING


def assert_stopped_with_a_plan(job_id: int) -> None:
    job = fresh(job_id)
    assert job.status == JobStatus.CANCELLED, job.error
    proposal = db.session.get(Proposal, job.proposal_id)
    assert proposal is not None and proposal.status == ProposalStatus.CANCELLED
    assert proposal.solver_status == "cancelled"
    assert proposal.plan is not None and proposal.plan["assignments"]
    # Kept for review, not made the current werkplannen.
    assert not db.session.scalar(
        select(func.count())
        .select_from(WorkPlan)
        .where(WorkPlan.proposal_id == proposal.id, WorkPlan.current.is_(True))
    )


# --- the same on the RQ queue, with a real worker process ----------------------------


@pytest.fixture
def rq_app(app: Any, monkeypatch: Any) -> Any:
    """The session app switched to a queue of its own on the test Redis."""
    redis_url = require_service("Redis", REDIS_URL_ENV)
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "RQ_QUEUE", f"test-{uuid.uuid4().hex}")
    yield app
    jobs.rq_queue(app).delete(delete_jobs=True)


def start_worker(app: Any, database_url: str, log: Path) -> subprocess.Popen[bytes]:
    """`ommen-rollen worker --burst` in its own process (and session)."""
    command = Path(sys.executable).with_name("ommen-rollen")
    env = {
        **os.environ,
        "REDIS_URL": app.config["REDIS_URL"],
        "DATABASE_URL": database_url,
        "SECRET_KEY": "t" * 32,
        "OMMEN_RQ_QUEUE": app.config["RQ_QUEUE"],
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(command), "worker", "--burst"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def running_in_a_horse(job_id: int, worker: subprocess.Popen[bytes]) -> int:
    """Wait until the worker's work horse runs the job; its pid."""

    def started() -> bool:
        job = fresh(job_id)
        return job.status == JobStatus.RUNNING and bool(job.runner)

    assert wait_until(started, 90), "the worker did not start the job"
    horse = int(fresh(job_id).runner.split(":")[1])
    assert horse != worker.pid  # RQ's Worker forks a horse per job
    return horse


@pytest.mark.redis
def test_with_redis_a_job_missing_from_the_queue_is_marked_failed(
    org: Org, rq_app: Any, auth: Any, client: Any
) -> None:
    round_ = closed_round(org)
    job = Job(
        round_id=round_.id,
        status=JobStatus.RUNNING,
        started_at=utcnow(),
        heartbeat_at=utcnow(),
        rq_job_id=f"ommen-solve-weg-{uuid.uuid4().hex}",
    )
    db.session.add(job)
    db.session.commit()
    auth.login("secretaris")
    page = client.get(f"/planning/taken/{job.id}").get_data(as_text=True)
    assert "staat niet meer in de wachtrij" in page
    assert fresh(job.id).status == JobStatus.FAILED


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.parametrize("how", ["horse", "worker_registry_cleanup", "worker_silent"])
def test_with_redis_a_job_whose_worker_was_killed_is_marked_failed(
    rq_app: Any,
    database_url: str,
    auth: Any,
    client: Any,
    monkeypatch: Any,
    tmp_path: Path,
    how: str,
) -> None:
    from rq.registry import StartedJobRegistry

    round_ = demo_closed_round()
    job_id = jobs.start_solve(round_.id, None, time_limit_s=600, seed=1).id
    worker = start_worker(rq_app, database_url, tmp_path / "worker.log")
    horse = 0
    try:
        horse = running_in_a_horse(job_id, worker)
        auth.login(SECRETARY_USERNAME, DEMO_PASSWORD)
        if how == "horse":
            # The work horse dies; RQ's worker sees it and fails the RQ job.
            kill(horse)
            assert wait_until(lambda: jobs.check_job(fresh(job_id)), 30)
        else:
            kill(horse)
            kill(worker.pid)
            worker.wait(10)
            # At once nothing tells yet that it is gone: heartbeats are recent.
            assert not jobs.check_job(fresh(job_id))
            assert fresh(job_id).status == JobStatus.RUNNING
            if how == "worker_registry_cleanup":
                # RQ's abandoned-job handling, as any worker runs it once the
                # execution's time to live (monitoring interval + 60 s) is over.
                queue = jobs.rq_queue(rq_app)
                StartedJobRegistry(queue.name, connection=queue.connection).cleanup(
                    timestamp=time.time() + 3600
                )
            else:
                # No heartbeat from the horse (database) or the worker (Redis).
                monkeypatch.setattr(jobs, "HEARTBEAT_TIMEOUT_S", 1.0)
                time.sleep(2.5)
        page = client.get(f"/planning/taken/{job_id}").get_data(as_text=True)
        assert "De berekening is onderbroken: de werker" in page
        assert "is gestopt tijdens de berekening" in page
        job = fresh(job_id)
        assert job.status == JobStatus.FAILED
        assert job.proposal_id is None
        # The round is free again.
        assert not jobs.solve_in_progress(round_.id)
        again = jobs.start_solve(round_.id, None, time_limit_s=2)
        assert again.status == JobStatus.QUEUED
    finally:
        if horse:
            kill(horse)
        if worker.poll() is None:
            kill(worker.pid)
            worker.wait(10)


@pytest.mark.redis
@pytest.mark.slow
def test_with_redis_stop_ends_the_solve_in_the_worker_and_keeps_the_best_plan(
    rq_app: Any, database_url: str, auth: Any, client: Any, tmp_path: Path
) -> None:
    round_ = demo_closed_round()
    auth.login(SECRETARY_USERNAME, DEMO_PASSWORD)
    response = client.post(
        f"/planning/rondes/{round_.id}/optimaliseren",
        data={"time_limit_s": "600", "seed": "1"},
    )
    job_id = job_id_of(response)
    assert job_id not in jobs._threads
    worker = start_worker(rq_app, database_url, tmp_path / "worker.log")
    horse = 0
    try:
        horse = running_in_a_horse(job_id, worker)
        searching(job_id)
        asked = time.monotonic()
        client.post(f"/planning/taken/{job_id}/annuleren")
        # The worker is another process: it reads the flag from the database.
        assert wait_until(lambda: fresh(job_id).status not in jobs.ACTIVE, 30), (
            "Stoppen did not end the search in the worker"
        )
        assert time.monotonic() - asked < 30
        assert worker.wait(30) == 0  # --burst: the queue is empty, it ends
    finally:
        if horse:
            kill(horse)
        if worker.poll() is None:
            kill(worker.pid)
            worker.wait(10)
    assert_stopped_with_a_plan(job_id)
