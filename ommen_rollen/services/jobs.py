"""Solver runs as background jobs with progress, cancel, result and error.

Two back ends: a thread in the app process (default, nothing to install), or an RQ
queue on Redis when REDIS_URL is set, served by ``ommen-rollen worker``. Either way
the request that starts a run returns at once; the job writes its progress to
``Job.progress`` and polls ``Job.cancel_requested``. A crash leaves the database
as it was and the message in ``Job.error``; the plan is written in one transaction.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from ..domain import FTE_SCALE, RoundStatus
from ..extensions import db
from ..models import Job, JobStatus, Proposal, ProposalStatus, User
from . import audit
from .base import ServiceError, utcnow
from .rounds import get_round
from .solver_bridge import build_instance, mark_job, store_plan

QUEUE_NAME = "ommen_rollen"
PROGRESS_INTERVAL_S = 0.5
# A job still running this long after its time limit is taken to be lost.
STALE_GRACE_S = 300

SOLVABLE = (RoundStatus.CLOSED, RoundStatus.PROPOSED)
# Plans good enough to become werkplannen.
USABLE = ("optimal", "feasible")

_threads: dict[int, threading.Thread] = {}
_worker_app: Flask | None = None


def backend(app: Flask) -> str:
    """'rq' when a Redis URL is configured, else 'thread'."""
    return "rq" if app.config.get("REDIS_URL") else "thread"


def start_solve(
    round_id: int,
    by: User | None,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    continuity_proposal_id: int | None = None,
    note: str = "",
) -> Job:
    """Queue an optimiser run for a closed round and return its job at once."""
    round_ = get_round(round_id, lock=True)
    if round_.status not in SOLVABLE:
        raise ServiceError(
            "Optimaliseren kan pas als de planronde gesloten is en nog niet is "
            "goedgekeurd."
        )
    if continuity_proposal_id is not None:
        proposal = db.session.get(Proposal, continuity_proposal_id)
        if proposal is None or proposal.round_id != round_id:
            raise ServiceError("Dit voorstel hoort niet bij deze planronde.")
    busy = db.session.scalar(
        select(Job.id).where(
            Job.round_id == round_id,
            Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        )
    )
    if busy is not None:
        job = db.session.get(Job, busy)
        if job is not None and not reap_if_stale(job):
            raise ServiceError(
                "Er loopt al een optimalisatie voor deze planronde; wacht tot die "
                "klaar is of annuleer hem."
            )
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    limit = float(time_limit_s or app.config.get("SOLVER_TIME_LIMIT_S", 30))
    params: dict[str, Any] = {"time_limit_s": limit, "seed": seed, "note": note}
    if continuity_proposal_id is not None:
        params["continuity_proposal_id"] = continuity_proposal_id
    job = Job(
        kind="solve",
        round_id=round_id,
        status=JobStatus.QUEUED,
        progress={"params": params},
        created_by_id=by.id if by is not None else None,
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "solve_started",
        by,
        object_type="job",
        object_id=job.id,
        round_id=round_id,
        **{k: v for k, v in params.items() if v not in (None, "")},
    )
    db.session.commit()
    dispatch(app, job.id, limit)
    return job


def dispatch(app: Flask, job_id: int, time_limit_s: float) -> None:
    """Hand a queued job to the configured back end."""
    if backend(app) == "rq":
        queue = rq_queue(app)
        queue.enqueue(
            "ommen_rollen.services.jobs.rq_run",
            job_id,
            job_timeout=int(time_limit_s + STALE_GRACE_S),
            result_ttl=3600,
            failure_ttl=24 * 3600,
        )
        return
    for done in [k for k, t in _threads.items() if not t.is_alive()]:
        _threads.pop(done, None)
    thread = threading.Thread(
        target=_thread_main, args=(app, job_id), name=f"solve-{job_id}", daemon=True
    )
    _threads[job_id] = thread
    thread.start()


def rq_queue(app: Flask) -> Any:
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(str(app.config["REDIS_URL"]))
    name = app.config.get("RQ_QUEUE") or os.environ.get("OMMEN_RQ_QUEUE") or QUEUE_NAME
    return Queue(str(name), connection=connection)


def _thread_main(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def wait_for_thread(job_id: int, timeout_s: float = 60) -> bool:
    """Wait for an in-process job to end (tests, shutdown); True when it ended."""
    thread = _threads.get(job_id)
    if thread is None:
        return True
    thread.join(timeout_s)
    if not thread.is_alive():
        _threads.pop(job_id, None)
        return True
    return False


def rq_run(job_id: int) -> None:
    """Entry point of an RQ job (runs in the worker process)."""
    if has_app_context():
        run_job(job_id)
        return
    app = _worker_app
    if app is None:
        from .. import create_app

        app = create_app()
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Serve the solver queue (``ommen-rollen worker``)."""
    from rq import Worker

    global _worker_app
    _worker_app = app
    queue = rq_queue(app)
    Worker([queue], connection=queue.connection).work(burst=burst)


class ProgressReporter:
    """Receives the solver's progress (possibly from solver threads) and writes it
    to the job row through its own connections, at most every half second; answers
    should_stop() from Job.cancel_requested."""

    def __init__(self, engine: Engine, job_id: int, base: dict[str, Any], total: int):
        self.engine = engine
        self.job_id = job_id
        self.base = base
        self.total = total
        self.latest: dict[str, Any] = {}
        self.lock = threading.Lock()
        self.last_write = 0.0
        self.last_poll = 0.0
        self.cancelled = False

    def __call__(self, progress: Any) -> None:
        uncovered = getattr(progress, "uncovered_units", None)
        snapshot = {
            "elapsed_s": round(float(getattr(progress, "elapsed_s", 0.0)), 1),
            "solutions": getattr(progress, "solutions", 0),
            "objective": getattr(progress, "objective", None),
            "bound": getattr(progress, "bound", None),
            "missing_backups": getattr(progress, "missing_backups", None),
            "uncovered_fte": None if uncovered is None else uncovered / FTE_SCALE,
            "coverage_pct": (
                None
                if uncovered is None or not self.total
                else round(100 * (self.total - uncovered) / self.total, 1)
            ),
        }
        with self.lock:
            self.latest = snapshot
            due = time.monotonic() - self.last_write >= PROGRESS_INTERVAL_S
        if due:
            self.flush()

    def flush(self) -> None:
        with self.lock:
            data = {**self.base, **self.latest}
            self.last_write = time.monotonic()
        with self.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == self.job_id).values(progress=data))

    def should_stop(self) -> bool:
        if self.cancelled:
            return True
        now = time.monotonic()
        if now - self.last_poll < PROGRESS_INTERVAL_S:
            return False
        self.last_poll = now
        with self.engine.connect() as conn:
            wanted = conn.scalar(
                select(Job.cancel_requested).where(Job.id == self.job_id)
            )
        self.cancelled = bool(wanted)
        return self.cancelled

    @property
    def final(self) -> dict[str, Any]:
        with self.lock:
            return {**self.base, **self.latest}


def solve_instance(
    instance_json: dict[str, Any],
    *,
    time_limit_s: float | None,
    seed: int | None,
    on_progress: Callable[[Any], None],
    should_stop: Callable[[], bool],
) -> dict[str, Any]:
    """Validate and solve an instance; the plan as JSON (format v1)."""
    from .. import solver

    try:
        instance = solver.parse_instance(instance_json)
    except solver.InstanceError as exc:
        raise ServiceError(
            "De gegevens van de planronde zijn ongeldig: " + "; ".join(exc.errors)
        ) from exc
    plan = solver.solve(
        instance,
        time_limit_s=time_limit_s,
        seed=seed,
        on_progress=on_progress,
        should_stop=should_stop,
    )
    result: dict[str, Any] = plan.to_json()
    return result


def run_job(job_id: int) -> None:
    """Run a queued solve job to its end: a proposal, a cancel, or an error."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return
    if job.cancel_requested:
        mark_job(job, JobStatus.CANCELLED)
        db.session.commit()
        return
    job.status = JobStatus.RUNNING
    job.started_at = utcnow()
    params = dict(job.progress.get("params", {}))
    round_id = job.round_id
    db.session.commit()
    try:
        if round_id is None:
            raise ServiceError("Deze taak hoort bij geen planronde.")
        instance_json = build_instance(
            round_id,
            settings=None,
            continuity_proposal_id=params.get("continuity_proposal_id"),
        )
        # End the read transaction before the long solve (SQLite snapshots).
        db.session.commit()
        total = sum(round(float(r["fte"]) * FTE_SCALE) for r in instance_json["roles"])
        reporter = ProgressReporter(db.engine, job_id, {"params": params}, total)
        plan_json = solve_instance(
            instance_json,
            time_limit_s=params.get("time_limit_s"),
            seed=params.get("seed"),
            on_progress=reporter,
            should_stop=reporter.should_stop,
        )
        status = str(plan_json.get("status", ""))
        cancelled = reporter.cancelled or status == "cancelled"
        usable = status in USABLE and not cancelled
        job = db.session.get(Job, job_id, populate_existing=True)
        if job is None:
            return
        job.progress = {**reporter.final, **final_progress(plan_json)}
        error = ""
        if status not in USABLE and status != "cancelled":
            error = (
                "Geen bruikbaar plan gevonden ("
                + status
                + "). "
                + "; ".join(str(e) for e in plan_json.get("errors", []))
            )
        mark_job(job, JobStatus.CANCELLED if cancelled else JobStatus.FINISHED, error)
        by = db.session.get(User, job.created_by_id) if job.created_by_id else None
        if cancelled:
            proposal_status = ProposalStatus.CANCELLED
        elif usable:
            proposal_status = ProposalStatus.READY
        else:
            proposal_status = ProposalStatus.FAILED
        store_plan(
            round_id,
            plan_json,
            instance_json,
            by=by,
            settings={**instance_json.get("settings", {}), **params},
            status=proposal_status,
            job=job,
            note=str(params.get("note") or ""),
            activate=usable,
        )
    except Exception as exc:  # the job must end with a visible error, never hang
        db.session.rollback()
        fail_job(job_id, exc)


def fail_job(job_id: int, exc: BaseException) -> None:
    """Record a crashed job with its message; nothing else is written."""
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None:
        return
    if isinstance(exc, ServiceError):
        message = str(exc)
    else:
        message = f"De optimalisatie is mislukt: {type(exc).__name__}: {exc}"
    mark_job(job, JobStatus.FAILED, message[:2000])
    audit.record("solve_failed", None, object_type="job", object_id=job.id)
    db.session.commit()


def final_progress(plan_json: dict[str, Any]) -> dict[str, Any]:
    """The summary a finished job shows, from the plan's metrics."""
    metrics = plan_json.get("metrics", {}) or {}
    covered = metrics.get("covered_fte")
    uncovered = metrics.get("uncovered_fte")
    found: dict[str, Any] = {"solver_status": plan_json.get("status")}
    if covered is not None and uncovered is not None:
        total = float(covered) + float(uncovered)
        found["uncovered_fte"] = uncovered
        found["coverage_pct"] = round(100 * float(covered) / total, 1) if total else 100
    if "missing_backups" in metrics:
        found["missing_backups"] = metrics["missing_backups"]
    if (objective := plan_json.get("objective")) and "value" in objective:
        found["objective"] = objective["value"]
    if "wall_s" in metrics:
        found["elapsed_s"] = metrics["wall_s"]
    return found


def get_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise ServiceError("Deze taak bestaat niet.")
    return job


def is_stale(job: Job) -> bool:
    """Whether a queued or running job is evidently lost (its worker is gone)."""
    if job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
        return False
    limit = float(job.progress.get("params", {}).get("time_limit_s") or 30)
    since = job.started_at or job.created_at
    if since.tzinfo is None:  # SQLite returns naive datetimes
        since = since.replace(tzinfo=utcnow().tzinfo)
    allowed = timedelta(seconds=limit + STALE_GRACE_S)
    if job.status == JobStatus.QUEUED:
        allowed = timedelta(hours=1)
    return utcnow() - since > allowed


def solve_in_progress(round_id: int) -> bool:
    """Whether an optimisation of this round is queued or running (lost jobs do
    not count). Its plan will replace the current werkplannen when it ends."""
    active = db.session.scalars(
        select(Job).where(
            Job.round_id == round_id,
            Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        )
    )
    return any(not is_stale(job) for job in active)


def reap_if_stale(job: Job) -> bool:
    """Mark a job failed when its worker is evidently gone; True when reaped."""
    if not is_stale(job):
        return False
    mark_job(
        job,
        JobStatus.FAILED,
        "De taak is niet op tijd klaar gekomen; is de werker gestopt? Start de "
        "optimalisatie opnieuw.",
    )
    db.session.commit()
    return True


def request_cancel(job_id: int, by: User | None) -> Job:
    """Ask a job to stop: a queued job is cancelled at once, a running one keeps
    the best plan found so far."""
    job = get_job(job_id)
    if job.status == JobStatus.QUEUED:
        mark_job(job, JobStatus.CANCELLED)
    elif job.status == JobStatus.RUNNING:
        job.cancel_requested = True
    else:
        raise ServiceError("Deze taak is al afgelopen.")
    audit.record("solve_cancel", by, object_type="job", object_id=job.id)
    db.session.commit()
    return job


def round_jobs(round_id: int) -> list[Job]:
    return list(
        db.session.scalars(
            select(Job).where(Job.round_id == round_id).order_by(Job.id.desc())
        )
    )
