"""Solver runs as background jobs with progress, cancel, result and error.

Two back ends: a thread in the app process (default, nothing to install), or an RQ
queue on Redis when REDIS_URL is set, served by ``ommen-rollen worker``. Either way
the request that starts a run returns at once; the job writes its progress to
``Job.progress``. A crash leaves the database as it was and the message in
``Job.error``; the plan is written in one transaction.

While a job runs, a monitor thread next to the solver writes ``Job.heartbeat_at``
every few seconds and reads ``Job.cancel_requested`` every second (the solver's
own callbacks can be silent for a minute). A job whose thread or worker is gone is
marked failed when anyone looks at it, and a thread job left behind by a stopped
app process when the app starts again; the round is then free again. RQ jobs are
judged by RQ itself: the job's status, its StartedJobRegistry (RQ's handling of
abandoned jobs) and the heartbeat of the worker that took it.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..domain import (
    DEFAULT_TIME_LIMIT_S,
    PlanStatus,
    RoundStatus,
)
from ..extensions import db
from ..models import Job, JobStatus, Proposal, ProposalStatus, User
from ..solver import Instance, Plan, solve
from ..solver.instance import fte_number
from . import audit
from .base import ServiceError, utcnow
from .limits import time_limit_problem
from .rounds import get_round
from .solver_bridge import mark_job, round_instance, store_plan

log = logging.getLogger(__name__)

QUEUE_NAME = "ommen_rollen"
PROGRESS_INTERVAL_S = 0.5
# The RQ job timeout: the time limit plus this much for building and storing.
STALE_GRACE_S = 300
# A running job writes its heartbeat this often and reads the cancel flag this often.
HEARTBEAT_INTERVAL_S = 5.0
CANCEL_POLL_S = 1.0
# No heartbeat for this long: the process that ran the job is gone.
HEARTBEAT_TIMEOUT_S = 40.0
# A thread of this very process that is gone, once its job shows no life this long
# (covers the moment between queueing a job and starting its thread).
THREAD_START_GRACE_S = 10.0
# An RQ job that no worker took in this time is given up.
QUEUED_TIMEOUT_S = 3600.0
# How often `ommen-rollen worker` tells Redis it is alive while a job runs.
RQ_MONITORING_INTERVAL_S = 10

SOLVABLE = (RoundStatus.CLOSED, RoundStatus.PROPOSED)
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
# Plans good enough to become werkplannen.
USABLE = tuple(s for s in PlanStatus if s.usable)

INTERRUPTED = "De berekening is onderbroken: "
AGAIN = " Start de optimalisatie opnieuw."
MSG_APP_RESTARTED = (
    INTERRUPTED + "de app is gestopt of opnieuw gestart terwijl de optimalisatie "
    "liep." + AGAIN
)
MSG_THREAD_GONE = (
    INTERRUPTED + "de achtergrondtaak in de app is gestopt zonder uitkomst." + AGAIN
)
MSG_SILENT = (
    INTERRUPTED + "de achtergrondtaak gaf al {seconds} seconden geen teken van "
    "leven; de app of de werker is waarschijnlijk gestopt." + AGAIN
)
MSG_WORKER_DIED = (
    INTERRUPTED + "de werker (ommen-rollen worker) is gestopt tijdens de "
    "berekening." + AGAIN
)
MSG_WORKER_ERROR = INTERRUPTED + "de werker meldde een fout: {detail}." + AGAIN
MSG_RQ_GONE = INTERRUPTED + "de taak staat niet meer in de wachtrij (Redis)." + AGAIN
MSG_RQ_STOPPED = (
    INTERRUPTED + "de taak is in de wachtrij gestopt of geannuleerd." + AGAIN
)
MSG_NOT_STORED = (
    INTERRUPTED + "de werker is klaar, maar de uitkomst is niet opgeslagen." + AGAIN
)
MSG_NO_WORKER = (
    INTERRUPTED + "na een uur had nog geen werker de taak opgepakt (draait "
    "ommen-rollen worker?)." + AGAIN
)

_threads: dict[int, threading.Thread] = {}
_worker_app: Flask | None = None
_worker_pid: int | None = None
_identity: tuple[int, str] | None = None


def backend(app: Flask) -> str:
    """'rq' when a Redis URL is configured, else 'thread'."""
    return "rq" if app.config.get("REDIS_URL") else "thread"


def process_identity() -> str:
    """This process as "host:pid:token"; the token is new in every process, so a
    later process that happens to get the same pid is told apart."""
    global _identity
    pid = os.getpid()
    if _identity is None or _identity[0] != pid:
        _identity = (pid, uuid.uuid4().hex[:12])
    return f"{socket.gethostname()}:{pid}:{_identity[1]}"


def default_time_limit(app: Flask) -> float:
    """The time limit of a run that names none: the app's SOLVER_TIME_LIMIT_S,
    else the domain's default."""
    return float(app.config.get("SOLVER_TIME_LIMIT_S", DEFAULT_TIME_LIMIT_S))


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
    if time_limit_s is not None and (problem := time_limit_problem(time_limit_s)):
        raise ServiceError(problem)
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
    if solve_in_progress(round_id):
        db.session.rollback()
        raise ServiceError(
            "Er loopt al een optimalisatie voor deze planronde; wacht tot die "
            "klaar is of annuleer hem."
        )
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    limit = float(time_limit_s or default_time_limit(app))
    params: dict[str, Any] = {"time_limit_s": limit, "seed": seed, "note": note}
    if continuity_proposal_id is not None:
        params["continuity_proposal_id"] = continuity_proposal_id
    job = Job(kind="solve", round_id=round_id)
    return queue_job(job, params, by, "solve_started")


def queue_job(job: Job, params: dict[str, Any], by: User | None, action: str) -> Job:
    """Store a new job with its parameters, record ``action`` in the audit log,
    commit and hand the job to its back end; the caller checked that it may run."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job.status = JobStatus.QUEUED
    job.progress = {"params": params}
    job.created_by_id = by.id if by is not None else None
    job.heartbeat_at = utcnow()
    db.session.add(job)
    db.session.flush()
    if backend(app) == "rq":
        job.rq_job_id = f"ommen-{job.kind}-{job.id}-{uuid.uuid4().hex[:12]}"
    else:
        job.runner = process_identity()
    details = {k: v for k, v in params.items() if v not in (None, "")}
    if job.scenario_id is not None:
        details["scenario_id"] = job.scenario_id
    audit.record(
        action,
        by,
        object_type="job",
        object_id=job.id,
        round_id=job.round_id,
        **details,
    )
    db.session.commit()
    dispatch(app, job, float(params["time_limit_s"]))
    return job


def dispatch(app: Flask, job: Job, time_limit_s: float) -> None:
    """Hand a queued job to its back end."""
    if job.rq_job_id:
        from redis.exceptions import RedisError

        try:
            queue = rq_queue(app, checks=True)
            queue.enqueue(
                "ommen_rollen.services.jobs.rq_run",
                job.id,
                job_id=job.rq_job_id,
                job_timeout=int(time_limit_s + STALE_GRACE_S),
                result_ttl=3600,
                failure_ttl=24 * 3600,
            )
        except RedisError as exc:
            db.session.rollback()
            _mark_dead(job, f"De wachtrij (Redis) is niet bereikbaar: {exc}")
            db.session.commit()
            raise ServiceError(
                "De optimalisatie kon niet in de wachtrij worden gezet: Redis is "
                "niet bereikbaar."
            ) from exc
        return
    for done in [k for k, t in _threads.items() if not t.is_alive()]:
        _threads.pop(done, None)
    thread = threading.Thread(
        target=_thread_main, args=(app, job.id), name=f"solve-{job.id}", daemon=True
    )
    _threads[job.id] = thread
    thread.start()


def rq_queue(app: Flask, *, checks: bool = False) -> Any:
    """The solver queue. ``checks`` gives it a connection with timeouts, for the
    app's own calls (enqueue, status); the worker blocks on the queue without."""
    from rq import Queue

    connection = _redis(str(app.config["REDIS_URL"]), timeouts=checks)
    name = app.config.get("RQ_QUEUE") or os.environ.get("OMMEN_RQ_QUEUE") or QUEUE_NAME
    return Queue(str(name), connection=connection)


@lru_cache(maxsize=8)
def _redis(url: str, *, timeouts: bool) -> Any:
    from redis import Redis

    if timeouts:
        return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
    return Redis.from_url(url)


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
    """Entry point of an RQ job (runs in the worker process or its work horse)."""
    in_worker_app(run_job, job_id)


def in_worker_app(task: Callable[..., Any], *args: Any) -> None:
    """Run a task of an RQ job inside the worker's app (made when missing)."""
    if has_app_context():
        task(*args)
        return
    app = _worker_app
    if app is None:
        from .. import create_app

        app = create_app()
    with app.app_context():
        if _worker_pid is not None and os.getpid() != _worker_pid:
            # A forked work horse: leave the parent's pooled connections alone.
            db.engine.dispose(close=False)
        try:
            task(*args)
        finally:
            db.session.remove()


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Serve the solver queue (``ommen-rollen worker``). The worker tells Redis it
    is alive every RQ_MONITORING_INTERVAL_S while a job runs; RQ moves a job whose
    worker died to its FailedJobRegistry (an abandoned job)."""
    from rq import Worker

    global _worker_app, _worker_pid
    _worker_app = app
    _worker_pid = os.getpid()
    queue = rq_queue(app)
    Worker(
        [queue],
        connection=queue.connection,
        job_monitoring_interval=RQ_MONITORING_INTERVAL_S,
    ).work(burst=burst)


class JobMonitor:
    """Runs next to the solver: writes the job's heartbeat every
    HEARTBEAT_INTERVAL_S and reads Job.cancel_requested every CANCEL_POLL_S,
    through its own connections, however long the solver stays silent."""

    def __init__(self, engine: Engine, job_id: int) -> None:
        self.engine = engine
        self.job_id = job_id
        self.cancelled = False
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"job-{job_id}-heartbeat", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join(10)

    def should_stop(self) -> bool:
        return self.cancelled

    def _run(self) -> None:
        next_beat = time.monotonic() + HEARTBEAT_INTERVAL_S
        while not self._done.wait(CANCEL_POLL_S):
            try:
                if time.monotonic() >= next_beat:
                    self.beat()
                    next_beat = time.monotonic() + HEARTBEAT_INTERVAL_S
                if not self.cancelled:
                    self.cancelled = self.cancel_wanted()
            except SQLAlchemyError as exc:  # a busy database: try again next time
                log.warning(
                    "job %s: heartbeat or cancel check failed: %s", self.job_id, exc
                )

    def beat(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(Job).where(Job.id == self.job_id).values(heartbeat_at=utcnow())
            )

    def cancel_wanted(self) -> bool:
        with self.engine.connect() as conn:
            wanted = conn.scalar(
                select(Job.cancel_requested).where(Job.id == self.job_id)
            )
        return bool(wanted)


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


class ProgressReporter:
    """Receives the solver's progress (possibly from solver threads) and writes it
    to the job row through its own connections, at most every half second; answers
    should_stop() from the job's monitor."""

    def __init__(
        self,
        engine: Engine,
        job_id: int,
        base: dict[str, Any],
        total: int,
        monitor: JobMonitor | None = None,
    ):
        self.engine = engine
        self.job_id = job_id
        self.base = base
        self.total = total
        self.monitor = monitor
        self.latest: dict[str, Any] = {}
        self.lock = threading.Lock()
        self.last_write = 0.0
        self.stop_asked = False

    def snapshot(self, progress: Any) -> dict[str, Any]:
        """The progress as JSON; fields the solver adds later pass through."""
        fields: dict[str, Any] = {}
        if dataclasses.is_dataclass(progress) and not isinstance(progress, type):
            fields = {
                k: v for k, v in dataclasses.asdict(progress).items() if _plain(v)
            }
        uncovered = fields.pop(
            "uncovered_units", getattr(progress, "uncovered_units", None)
        )
        snapshot = {
            **fields,
            "elapsed_s": round(float(getattr(progress, "elapsed_s", 0.0) or 0.0), 1),
            "solutions": getattr(progress, "solutions", 0),
            "objective": getattr(progress, "objective", None),
            "bound": getattr(progress, "bound", None),
            "missing_backups": getattr(progress, "missing_backups", None),
            "uncovered_fte": None if uncovered is None else fte_number(uncovered),
            "coverage_pct": (
                None
                if uncovered is None or not self.total
                else round(100 * (self.total - uncovered) / self.total, 1)
            ),
        }
        return snapshot

    def __call__(self, progress: Any) -> None:
        snapshot = self.snapshot(progress)
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
        if self.monitor is not None and self.monitor.should_stop():
            self.stop_asked = True
        return self.stop_asked

    @property
    def cancelled(self) -> bool:
        return self.should_stop()

    @property
    def final(self) -> dict[str, Any]:
        with self.lock:
            return {**self.base, **self.latest}


def solve_instance(
    instance: Instance,
    *,
    time_limit_s: float | None,
    seed: int | None,
    on_progress: Callable[[Any], None],
    should_stop: Callable[[], bool],
) -> Plan:
    """Solve a round's instance (tests stand in for this to script a run)."""
    return solve(
        instance,
        time_limit_s=time_limit_s,
        seed=seed,
        on_progress=on_progress,
        should_stop=should_stop,
    )


def _claim(job_id: int) -> bool:
    """Take a queued job: queued -> running, in one statement, so it runs once."""
    now = utcnow()
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            runner=process_identity(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def run_job(job_id: int) -> None:
    """Run a queued solve job to its end: a proposal, a cancel, or an error."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return
    if job.cancel_requested:
        mark_job(job, JobStatus.CANCELLED)
        db.session.commit()
        return
    if not _claim(job_id):
        return
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None:
        return
    params = dict(job.progress.get("params", {}))
    round_id, scenario_id = job.round_id, job.scenario_id
    db.session.commit()
    monitor = JobMonitor(db.engine, job_id)
    monitor.start()
    try:
        if scenario_id is not None:
            from .scenarios import run_scenario_job  # scenarios builds on jobs

            run_scenario_job(job_id, scenario_id, params, monitor)
        else:
            _run_solve(job_id, round_id, params, monitor)
    except Exception as exc:  # the job must end with a visible error, never hang
        db.session.rollback()
        fail_job(job_id, exc)
    finally:
        monitor.stop()


def running_job(job_id: int) -> Job | None:
    """The job, locked, when it still runs; None (and the session rolled back)
    when it was given up for dead while it ran (a silent database?): then its
    result must not land beside a newer one."""
    job = db.session.get(Job, job_id, populate_existing=True, with_for_update=True)
    if job is None or job.status != JobStatus.RUNNING:
        log.warning(
            "job %s ended as %s: its plan is discarded",
            job_id,
            job.status if job is not None else "gone",
        )
        db.session.rollback()
        return None
    return job


def _run_solve(
    job_id: int, round_id: int | None, params: dict[str, Any], monitor: JobMonitor
) -> None:
    """An optimisation: the round's instance solved and stored as a proposal."""
    if round_id is None:
        raise ServiceError("Deze taak hoort bij geen planronde.")
    instance = round_instance(
        round_id, continuity_proposal_id=params.get("continuity_proposal_id")
    )
    # End the read transaction before the long solve (SQLite snapshots).
    db.session.commit()
    total = sum(r.fte for r in instance.roles)
    reporter = ProgressReporter(db.engine, job_id, {"params": params}, total, monitor)
    plan = solve_instance(
        instance,
        time_limit_s=params.get("time_limit_s"),
        seed=params.get("seed"),
        on_progress=reporter,
        should_stop=reporter.should_stop,
    )
    cancelled = reporter.stop_asked or plan.status == PlanStatus.CANCELLED
    usable = plan.status in USABLE and not cancelled
    job = running_job(job_id)
    if job is None:
        return
    job.progress = {**reporter.final, **final_progress(plan)}
    error = ""
    if plan.status not in USABLE and plan.status != PlanStatus.CANCELLED:
        error = f"Geen bruikbaar plan gevonden ({plan.status}). " + "; ".join(
            str(e) for e in plan.errors
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
        plan,
        instance,
        by=by,
        settings=params,
        status=proposal_status,
        job=job,
        note=str(params.get("note") or ""),
        activate=usable,
    )


def fail_job(job_id: int, exc: BaseException) -> None:
    """Record a crashed job with its message; nothing else is written."""
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None or job.status not in ACTIVE:
        return
    if isinstance(exc, ServiceError):
        message = str(exc)
    else:
        what = "Het doorrekenen" if job.scenario_id else "De optimalisatie"
        message = f"{what} is mislukt: {type(exc).__name__}: {exc}"
    mark_job(job, JobStatus.FAILED, message[:2000])
    audit.record("solve_failed", None, object_type="job", object_id=job.id)
    db.session.commit()


def final_progress(plan: Plan) -> dict[str, Any]:
    """The summary a finished job shows (JSON for the job's progress), from the
    plan's figures."""
    figures = plan.figures
    found: dict[str, Any] = {"solver_status": str(plan.status)}
    if figures.covered_fte is not None and figures.uncovered_fte is not None:
        total = figures.covered_fte + figures.uncovered_fte
        found["uncovered_fte"] = fte_number(figures.uncovered_fte)
        found["coverage_pct"] = (
            round(100 * figures.covered_fte / total, 1) if total else 100
        )
    if figures.missing_backups is not None:
        found["missing_backups"] = figures.missing_backups
    if "value" in plan.objective:
        found["objective"] = plan.objective["value"]
    if "wall_s" in plan.metrics:
        found["elapsed_s"] = plan.metrics["wall_s"]
    return found


def get_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise ServiceError("Deze taak bestaat niet.")
    return job


# --- is the job still alive? ---------------------------------------------------


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # SQLite returns naive datetimes
        return moment.replace(tzinfo=utcnow().tzinfo)
    return moment


def silent_for(job: Job) -> float:
    """Seconds since the job's last sign of life: its heartbeat, else its start,
    else its creation."""
    last = job.heartbeat_at or job.started_at or job.created_at
    return (utcnow() - _aware(last)).total_seconds()


def _silent_message(job: Job) -> str:
    return MSG_SILENT.format(seconds=int(silent_for(job)))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def _thread_dead_reason(job: Job) -> str | None:
    """Why a job on an app thread is dead, or None while it may be alive."""
    host, _, rest = job.runner.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        if job.runner == process_identity():
            thread = _threads.get(job.id)
            if thread is not None and thread.is_alive():
                return None
            if silent_for(job) > THREAD_START_GRACE_S:
                return MSG_THREAD_GONE
            return None
        # Another process on this machine: gone if its pid is free, or if this
        # process now holds that pid (an earlier process of the app that stopped).
        if pid == os.getpid() or not _pid_alive(pid):
            return MSG_APP_RESTARTED
    if silent_for(job) > HEARTBEAT_TIMEOUT_S:
        return _silent_message(job)
    return None


def _rq_dead_reason(job: Job) -> str | None:
    """Why a job on the RQ queue is dead, from RQ's own view of it."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("REDIS_URL"):
        return _fallback_reason(job)
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob
    from rq.job import JobStatus as RQStatus
    from rq.registry import StartedJobRegistry

    connection = rq_queue(app, checks=True).connection
    try:
        rq_job = RQJob.fetch(job.rq_job_id, connection=connection)
        status = rq_job.get_status()
        if status == RQStatus.STARTED:
            # RQ's abandoned-job handling: an execution whose worker stopped
            # sending heartbeats moves to the FailedJobRegistry.
            StartedJobRegistry(rq_job.origin, connection=connection).cleanup()
            status = rq_job.get_status(refresh=True)
        if status == RQStatus.FAILED:
            return _rq_failure(rq_job)
        if status in (RQStatus.STOPPED, RQStatus.CANCELED):
            return MSG_RQ_STOPPED
        if status == RQStatus.FINISHED:
            return MSG_NOT_STORED
        if status == RQStatus.STARTED:
            if silent_for(job) <= HEARTBEAT_TIMEOUT_S:
                return None
            return MSG_WORKER_DIED if _rq_worker_gone(rq_job, connection) else None
    except NoSuchJobError:
        return MSG_RQ_GONE
    except RedisError as exc:
        log.warning("job %s: Redis not reachable: %s", job.id, exc)
        return _fallback_reason(job)
    # Still waiting in the queue for a worker.
    if job.status == JobStatus.QUEUED and silent_for(job) > QUEUED_TIMEOUT_S:
        _cancel_rq_job(job)
        return MSG_NO_WORKER
    return None


def _rq_failure(rq_job: Any) -> str:
    from rq.exceptions import AbandonedJobError

    result = rq_job.latest_result()
    detail = str(getattr(result, "exc_string", "") or "").strip()
    if AbandonedJobError.__name__ in detail or "terminated unexpectedly" in detail:
        return MSG_WORKER_DIED
    last = detail.splitlines()[-1] if detail else "onbekende fout"
    return MSG_WORKER_ERROR.format(detail=last[:300])


def _rq_worker_gone(rq_job: Any, connection: Any) -> bool:
    """Whether the worker that took this job stopped telling Redis it lives."""
    from rq import Worker

    if not rq_job.worker_name:
        return True
    worker = Worker.find_by_key(
        Worker.redis_worker_namespace_prefix + rq_job.worker_name,
        connection=connection,
    )
    if worker is None or worker.last_heartbeat is None:
        return True
    quiet = (utcnow() - _aware(worker.last_heartbeat)).total_seconds()
    return quiet > HEARTBEAT_TIMEOUT_S


def _fallback_reason(job: Job) -> str | None:
    """Without a view into Redis: only the heartbeat of a running job counts."""
    if job.status == JobStatus.RUNNING and silent_for(job) > HEARTBEAT_TIMEOUT_S:
        return _silent_message(job)
    if job.status == JobStatus.QUEUED and silent_for(job) > QUEUED_TIMEOUT_S:
        return MSG_NO_WORKER
    return None


def dead_reason(job: Job) -> str | None:
    """Why a queued or running job can no longer end by itself (its thread or
    worker is gone), in Dutch; None when it is alive or already ended."""
    if job.status not in ACTIVE:
        return None
    if job.rq_job_id:
        return _rq_dead_reason(job)
    return _thread_dead_reason(job)


def _mark_dead(job: Job, message: str) -> bool:
    """Mark a queued or running job failed (in the session; the caller commits).
    Only a job that is still active in the database is touched: one that just
    ended keeps its outcome. True when it was marked."""
    result = db.session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status.in_(ACTIVE))
        .values(status=JobStatus.FAILED, error=message[:2000], finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(job)
    marked = bool(result.rowcount)  # type: ignore[attr-defined]
    if marked:
        log.warning("job %s marked failed: %s", job.id, message)
        audit.record(
            "solve_interrupted",
            None,
            object_type="job",
            object_id=job.id,
            round_id=job.round_id,
        )
    return marked


def _active_jobs(
    round_id: int | None = None, *, scenario_id: int | None = None
) -> list[Job]:
    """Queued or running jobs: all of them, a round's optimisations, or a
    scenario's re-plans."""
    query = select(Job).where(Job.status.in_(ACTIVE)).order_by(Job.id)
    if round_id is not None:
        query = query.where(Job.round_id == round_id, Job.scenario_id.is_(None))
    if scenario_id is not None:
        query = query.where(Job.scenario_id == scenario_id)
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def check_job(job: Job) -> bool:
    """Mark the job failed (and commit) when its thread or worker is gone; True
    when it was. Called whenever a job's status is shown."""
    reason = dead_reason(job)
    if reason is None:
        return False
    marked = _mark_dead(job, reason)
    db.session.commit()
    return marked


def check_round(round_id: int) -> None:
    """check_job for every queued or running job of the round."""
    dead = [
        (job, reason) for job in _active_jobs(round_id) if (reason := dead_reason(job))
    ]
    for job, reason in dead:
        _mark_dead(job, reason)
    if dead:
        db.session.commit()


def solve_in_progress(round_id: int) -> bool:
    """Whether an optimisation of this round is queued or running. Jobs whose
    thread or worker is gone are marked failed on the way (in the session; the
    caller commits) and do not count. A live job's plan will replace the current
    werkplannen when it ends."""
    return _any_alive(_active_jobs(round_id))


def scenario_in_progress(scenario_id: int) -> bool:
    """Whether a re-plan of this scenario is queued or running (dead jobs are
    marked failed on the way, as in solve_in_progress)."""
    return _any_alive(_active_jobs(scenario_id=scenario_id))


def _any_alive(active: list[Job]) -> bool:
    alive = False
    for job in active:
        reason = dead_reason(job)
        if reason is None:
            alive = True
        else:
            _mark_dead(job, reason)
    return alive


def recover_after_restart(app: Flask) -> None:
    """At app start: a job on a thread of an earlier process of this app is dead
    (its thread died with it); mark it failed so its round is free again. Jobs on
    threads of other live processes keep running; RQ jobs are left to RQ."""
    with app.app_context():
        try:
            jobs = [j for j in _active_jobs() if not j.rq_job_id]
            for job in jobs:
                if reason := _thread_dead_reason(job):
                    _mark_dead(job, reason)
            db.session.commit()
        except SQLAlchemyError as exc:  # no schema yet (before `db upgrade`)
            db.session.rollback()
            log.info("no check for jobs left running: %s", exc)
        finally:
            db.session.remove()
            # Leave no pooled connection behind for a process that forks later
            # (gunicorn --preload, the RQ worker).
            db.engine.dispose()


def request_cancel(job_id: int, by: User | None) -> Job:
    """Ask a job to stop: a queued job is cancelled at once, a running one ends
    its search within seconds and keeps the best plan found so far."""
    job = get_job(job_id)
    if check_job(job):
        raise ServiceError("Deze taak liep al niet meer; er is niets te stoppen.")
    if job.status == JobStatus.QUEUED:
        mark_job(job, JobStatus.CANCELLED)
        if job.rq_job_id:
            _cancel_rq_job(job)
    elif job.status == JobStatus.RUNNING:
        job.cancel_requested = True
    else:
        raise ServiceError("Deze taak is al afgelopen.")
    audit.record("solve_cancel", by, object_type="job", object_id=job.id)
    db.session.commit()
    return job


def _cancel_rq_job(job: Job) -> None:
    """Take a queued job off the RQ queue (a worker would skip it anyway)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("REDIS_URL"):
        return
    from redis.exceptions import RedisError
    from rq.exceptions import InvalidJobOperation, NoSuchJobError
    from rq.job import Job as RQJob

    try:
        connection = rq_queue(app, checks=True).connection
        RQJob.fetch(job.rq_job_id, connection=connection).cancel()
    except (NoSuchJobError, InvalidJobOperation, RedisError) as exc:
        log.info("job %s: RQ job not cancelled: %s", job.id, exc)


def round_jobs(round_id: int) -> list[Job]:
    """The round's optimisations, newest first (scenario re-plans are on their
    scenario's page)."""
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.round_id == round_id, Job.scenario_id.is_(None))
            .order_by(Job.id.desc())
        )
    )


def scenario_jobs(scenario_id: int) -> list[Job]:
    """The scenario's re-plans, newest first."""
    return list(
        db.session.scalars(
            select(Job).where(Job.scenario_id == scenario_id).order_by(Job.id.desc())
        )
    )
