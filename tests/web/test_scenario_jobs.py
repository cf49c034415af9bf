"""A scenario's re-plan runs as a background job like an optimisation (thread
back end here, RQ with Redis): the request returns at once, the scenario page
polls the progress and reloads with the comparison; a crashed or vanished run
ends with a Dutch error and never locks the scenario."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from ommen_rollen.extensions import db
from ommen_rollen.models import (
    AuditEntry,
    Job,
    JobStatus,
    PlanningRound,
    Scenario,
    ScenarioStatus,
)
from ommen_rollen.services import audit_log, jobs, scenarios
from ommen_rollen.services.base import ServiceError, utcnow
from tests.conftest import REDIS_URL_ENV, require_service
from tests.web.conftest import MARCH, Org, absence, work_the_queue


def draft(org: Org, round_: PlanningRound) -> Scenario:
    scenario = scenarios.create_scenario(round_.id, "Anouk weg", MARCH, org.secretary)
    return scenarios.add_change(scenario.id, absence(org, "anouk"), org.secretary)


def fresh(model: Any, ident: int) -> Any:
    db.session.expire_all()
    return db.session.get(model, ident)


def running_job(scenario: Scenario, **fields: Any) -> Job:
    job = Job(
        kind="scenario",
        round_id=scenario.round_id,
        scenario_id=scenario.id,
        status=JobStatus.RUNNING,
        started_at=utcnow(),
        heartbeat_at=utcnow(),
        runner=jobs.process_identity(),
        progress={"params": {"time_limit_s": 20}, "elapsed_s": 2.5},
        **fields,
    )
    db.session.add(job)
    db.session.commit()
    return job


def test_solving_returns_at_once_and_the_job_stores_the_plan_on_the_scenario(
    org: Org, approved: PlanningRound, auth: Any, client: Any
) -> None:
    scenario = draft(org, approved)
    auth.login("secretaris")
    response = client.post(f"/planning/scenarios/{scenario.id}/doorrekenen")
    assert response.location.endswith(f"/planning/scenarios/{scenario.id}")
    job = db.session.scalars(select(Job).where(Job.scenario_id == scenario.id)).one()
    assert job.kind == "scenario" and job.round_id == approved.id
    assert jobs.wait_for_thread(job.id, 60)
    done = fresh(Job, job.id)
    assert done.status == JobStatus.FINISHED, done.error
    assert done.progress["params"]["time_limit_s"] > 0
    assert done.progress["coverage_pct"] == 100
    solved = scenarios.get_scenario(scenario.id)
    assert solved.status == ScenarioStatus.SOLVED and solved.plan is not None
    page = client.get(f"/planning/scenarios/{scenario.id}").get_data(as_text=True)
    assert "Vergelijking met de goedgekeurde werkplannen" in page
    assert 'hx-trigger="every 1s"' not in page
    # the round's list of optimisations does not show scenario re-plans
    assert jobs.round_jobs(approved.id) == []
    entries = list(db.session.scalars(select(AuditEntry)))
    started = next(e for e in entries if e.action == "scenario_solve_started")
    sentence = audit_log.sentence(started, audit_log.load_names([started]))
    assert "doorrekenen van scenario 'Anouk weg' gestart" in sentence


def test_while_the_job_runs_the_page_polls_and_the_scenario_stays_as_it_is(
    org: Org, approved: PlanningRound, auth: Any, client: Any
) -> None:
    scenario = draft(org, approved)
    job = running_job(scenario)
    auth.login("secretaris")
    page = client.get(f"/planning/scenarios/{scenario.id}").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page
    assert f"/planning/scenarios/{scenario.id}/voortgang" in page
    assert "2,5 s van maximaal 20 s" in page
    assert "Wijziging toevoegen" not in page  # no edits while it runs
    fragment = client.get(f"/planning/scenarios/{scenario.id}/voortgang")
    assert "HX-Refresh" not in fragment.headers
    with pytest.raises(ServiceError, match="wordt doorgerekend"):
        scenarios.add_change(scenario.id, absence(org, "bram"), org.secretary)
    with pytest.raises(ServiceError, match="wordt doorgerekend"):
        scenarios.start_solve(scenario.id, org.secretary)
    assert db.session.scalar(select(Job.id).where(Job.id != job.id)) is None
    assert len(scenarios.get_scenario(scenario.id).changes) == 1
    # an optimisation of the round is not what runs: approval is not held up
    assert not jobs.solve_in_progress(approved.id)


def test_stopping_a_replan_returns_to_the_scenario(
    org: Org, approved: PlanningRound, auth: Any, client: Any
) -> None:
    scenario = draft(org, approved)
    job = running_job(scenario)
    auth.login("secretaris")
    response = client.post(f"/planning/taken/{job.id}/annuleren")
    assert response.location.endswith(f"/planning/scenarios/{scenario.id}")
    assert fresh(Job, job.id).cancel_requested
    page = client.get(f"/planning/taken/{job.id}").get_data(as_text=True)
    assert "Doorrekenen scenario, taak" in page


def test_a_replan_stopped_before_a_plan_leaves_the_scenario_as_it_was(
    org: Org, approved: PlanningRound, monkeypatch: Any
) -> None:
    scenario = draft(org, approved)
    real = scenarios.solve_from_plan

    def until_stopped(*args: Any, should_stop: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + 30
        while not should_stop() and time.monotonic() < deadline:
            time.sleep(0.1)
        target, plan = real(*args, should_stop=should_stop, **kwargs)
        plan.status = "cancelled"  # as a search stopped before its first plan
        return target, plan

    monkeypatch.setattr(scenarios, "solve_from_plan", until_stopped)
    job = scenarios.start_solve(scenario.id, org.secretary, time_limit_s=5)
    deadline = time.monotonic() + 10
    while fresh(Job, job.id).status != JobStatus.RUNNING:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    jobs.request_cancel(job.id, org.secretary)
    assert jobs.wait_for_thread(job.id, 60)
    assert fresh(Job, job.id).status == JobStatus.CANCELLED
    after = scenarios.get_scenario(scenario.id)
    assert after.status == ScenarioStatus.DRAFT and after.plan is None
    assert after.error == ""


def test_a_crashing_replan_shows_the_error_and_frees_the_scenario(
    org: Org, approved: PlanningRound, auth: Any, client: Any, monkeypatch: Any
) -> None:
    scenario = draft(org, approved)

    def crash(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("geheugen vol")

    monkeypatch.setattr(scenarios, "solve_from_plan", crash)
    job = scenarios.start_solve(scenario.id, org.secretary, time_limit_s=5)
    assert jobs.wait_for_thread(job.id, 30)
    failed = fresh(Job, job.id)
    assert failed.status == JobStatus.FAILED
    assert failed.error == "Het doorrekenen is mislukt: RuntimeError: geheugen vol"
    after = scenarios.get_scenario(scenario.id)
    assert after.status == ScenarioStatus.DRAFT and after.plan is None
    auth.login("secretaris")
    page = client.get(f"/planning/scenarios/{scenario.id}").get_data(as_text=True)
    assert "geheugen vol" in page and "Het scenario is weer vrij" in page
    fragment = client.get(f"/planning/scenarios/{scenario.id}/voortgang")
    assert fragment.headers["HX-Refresh"] == "true"
    # free again: another change and another run are accepted
    scenarios.add_change(scenario.id, absence(org, "bram"), org.secretary)
    monkeypatch.undo()
    again = scenarios.start_solve(scenario.id, org.secretary, time_limit_s=5)
    assert jobs.wait_for_thread(again.id, 60)
    assert fresh(Job, again.id).status == JobStatus.FINISHED


def test_a_replan_whose_thread_is_gone_is_marked_failed_when_the_page_is_shown(
    org: Org, approved: PlanningRound, auth: Any, client: Any
) -> None:
    scenario = draft(org, approved)
    quiet = utcnow() - timedelta(seconds=jobs.THREAD_START_GRACE_S + 5)
    job = running_job(scenario)
    job.heartbeat_at = job.started_at = quiet
    db.session.commit()
    auth.login("secretaris")
    page = client.get(f"/planning/scenarios/{scenario.id}").get_data(as_text=True)
    assert "gestopt zonder uitkomst" in page
    assert fresh(Job, job.id).status == JobStatus.FAILED
    assert not jobs.scenario_in_progress(scenario.id)
    scenarios.add_change(scenario.id, absence(org, "bram"), org.secretary)


def test_a_result_for_changes_that_were_edited_meanwhile_is_discarded(
    org: Org, approved: PlanningRound, monkeypatch: Any
) -> None:
    scenario = draft(org, approved)
    real = scenarios.solve_from_plan

    def edit_then_solve(*args: Any, **kwargs: Any) -> Any:
        # as if the changes were edited in another request during the solve
        db.session.execute(
            Scenario.__table__.update()  # type: ignore[attr-defined]
            .where(Scenario.id == scenario.id)
            .values(changes=[])
        )
        db.session.commit()
        return real(*args, **kwargs)

    monkeypatch.setattr(scenarios, "solve_from_plan", edit_then_solve)
    job = scenarios.start_solve(scenario.id, org.secretary, time_limit_s=5)
    assert jobs.wait_for_thread(job.id, 60)
    ended = fresh(Job, job.id)
    assert ended.status == JobStatus.FAILED
    assert "veranderd tijdens het doorrekenen" in ended.error
    assert scenarios.get_scenario(scenario.id).plan is None


def test_a_medewerker_cannot_start_or_watch_a_replan(
    org: Org, approved: PlanningRound, auth: Any, client: Any
) -> None:
    scenario = draft(org, approved)
    running_job(scenario)
    auth.login("bram")
    assert (
        client.post(f"/planning/scenarios/{scenario.id}/doorrekenen").status_code == 403
    )
    assert client.get(f"/planning/scenarios/{scenario.id}/voortgang").status_code == 403
    assert len(db.session.scalars(select(Job)).all()) == 1


@pytest.mark.redis
def test_with_redis_the_replan_runs_on_the_rq_queue_in_a_worker(
    org: Org, approved: PlanningRound, app: Any, monkeypatch: Any
) -> None:
    redis_url = require_service("Redis", REDIS_URL_ENV)
    scenario = draft(org, approved)
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "RQ_QUEUE", f"test-{uuid.uuid4().hex}")
    job = scenarios.start_solve(scenario.id, org.secretary, time_limit_s=5)
    job_id = job.id
    assert job.status == JobStatus.QUEUED and job.rq_job_id.startswith("ommen-scen")
    assert job_id not in jobs._threads
    work_the_queue(app)
    done = fresh(Job, job_id)
    assert done.status == JobStatus.FINISHED, done.error
    assert scenarios.get_scenario(scenario.id).status == ScenarioStatus.SOLVED
