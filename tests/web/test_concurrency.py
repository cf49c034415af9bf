"""Concurrency, with real threads and one test client per session.

On PostgreSQL (a scratch database with the demo organisation, so these tests also
run in the SQLite pass of the suite when OMMEN_TEST_DATABASE_URL is set): two
secretaris sessions saving the same role, many medewerkers saving preferences at
the same moment, a double click on Opslaan, and approving while an optimisation
runs. On SQLite: WAL and the busy timeout are in effect, and a few medewerkers can
save at the same moment. The approval guard itself is also tested on the suite's
own database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from werkzeug.datastructures import MultiDict

from benchmarks.load import Form, find_form
from ommen_rollen import create_app
from ommen_rollen.domain import Choice, RoundStatus, UserRole
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    AuditEntry,
    Employee,
    Job,
    JobStatus,
    PlanningRound,
    Preference,
    Role,
    User,
    WorkPlan,
    WorkPlanStatus,
)
from ommen_rollen.services import approval, jobs
from ommen_rollen.services.base import ServiceError, utcnow
from ommen_rollen.services.beheer import STALE_MESSAGE
from ommen_rollen.services.demo import load_demo
from ommen_rollen.services.demo_data import DEMO_PASSWORD, SECRETARY_USERNAME
from ommen_rollen.services.preferences import base_function_fits
from tests.conftest import (
    PG_URL_ENV,
    base_config,
    require_service,
    scratch_postgres_database,
)
from tests.web.conftest import Org, plan_of, proposed_round

T = TypeVar("T")
THREAD_TIMEOUT_S = 120
EMPLOYEES_AT_ONCE = 25
BUSY_MESSAGE = "Er loopt een optimalisatie voor deze planronde"
# Approve every werkplan, also those without akkoord: an explicit choice that takes
# a typed reason (the form fields of the confirmation page, and the service call).
EVERYONE = {"alle": "1", "reden": "Besproken in het MT."}
EVERYONE_KW: dict[str, Any] = {"all_listed": True, "reason": EVERYONE["reden"]}


# --- apps on their own database ------------------------------------------------


def demo_app(database_url: str) -> Flask:
    """An app on an empty database, brought up by the migrations, with the demo."""
    from flask_migrate import upgrade

    app = create_app(base_config(database_url))
    with app.app_context():
        upgrade()
        load_demo()
        db.session.remove()
    return app


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def pg_app() -> Iterator[Flask]:
    """The demo on a scratch PostgreSQL database of its own, dropped afterwards."""
    server = require_service("PostgreSQL", PG_URL_ENV)
    url, drop = scratch_postgres_database(server)
    try:
        app = demo_app(url)
        try:
            yield app
        finally:
            dispose(app)
    finally:
        drop()


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    """The demo in a SQLite file (not in memory: WAL needs a file)."""
    app = demo_app("sqlite:///" + str(tmp_path / "gelijktijdig.sqlite"))
    yield app
    dispose(app)


# --- threads -------------------------------------------------------------------


def in_threads(count: int, work: Callable[[int, threading.Barrier], T]) -> list[T]:
    """Run work(i, barrier) in ``count`` threads; the work waits on the barrier
    where all threads must start together. The first exception is raised here."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = work(i, barrier)
        except BaseException as exc:  # handed to the test below, not swallowed
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT_S)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    if errors:
        first = next(
            (e for e in errors if not isinstance(e, threading.BrokenBarrierError)),
            errors[0],
        )
        raise first
    return results


def logged_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    response = client.post(
        "/inloggen", data={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, f"{username} could not log in"
    return client


def form_on(client: FlaskClient, path: str, field: str) -> Form:
    """The form a browser would submit from this page."""
    response = client.get(path)
    assert response.status_code == 200
    form = find_form(response.get_data(as_text=True), field)
    assert form is not None, f"no form with {field} on {path}"
    return form


def employee_usernames(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(User.username)
                .where(User.role == UserRole.EMPLOYEE)
                .order_by(User.id)
            )
        )


def open_round_and_roles(app: Flask) -> tuple[int, list[int]]:
    with app.app_context():
        round_id = db.session.scalar(
            select(PlanningRound.id).where(PlanningRound.status == RoundStatus.OPEN)
        )
        roles = list(db.session.scalars(select(Role.id).order_by(Role.code)))
    assert round_id is not None and roles
    return round_id, roles


def preferences_of(app: Flask, round_id: int) -> dict[tuple[str, int], Any]:
    """{(username, role id): (choice, comment)} as stored."""
    with app.app_context():
        rows = db.session.execute(
            select(User.username, Preference.role_id, Preference.choice,
                   Preference.comment)
            .join(User, User.employee_id == Preference.employee_id)
            .where(Preference.round_id == round_id)
        ).all()  # fmt: skip
    return {(u, r): (c, comment) for u, r, c, comment in rows}


# --- beheer: two secretaris sessions on one role -------------------------------


def role_form(client: FlaskClient, role_id: int) -> Form:
    return form_on(client, f"/beheer/rollen/{role_id}", "version_id")


def stored_role(app: Flask, role_id: int) -> tuple[str, int, int]:
    with app.app_context():
        role = db.session.get(Role, role_id)
        assert role is not None
        return role.name, role.fte_units, role.version_id


@pytest.mark.postgres
def test_the_second_secretaris_saving_a_role_gets_a_conflict_and_loses_nothing(
    pg_app: Flask,
) -> None:
    first, second = (logged_in(pg_app, SECRETARY_USERNAME) for _ in range(2))
    _, (role_id, *_) = open_round_and_roles(pg_app)
    _, fte_units, version = stored_role(pg_app, role_id)
    form_a, form_b = role_form(first, role_id), role_form(second, role_id)
    assert form_a.get("version_id") == form_b.get("version_id") == str(version)

    form_a.set("name", "Gewijzigd in sessie A")
    form_b.set("fte", "0,9")
    saved = first.post(f"/beheer/rollen/{role_id}", data=MultiDict(form_a.fields))
    assert saved.status_code == 302
    refused = second.post(f"/beheer/rollen/{role_id}", data=MultiDict(form_b.fields))

    assert refused.status_code == 409
    assert STALE_MESSAGE in refused.get_data(as_text=True)
    assert stored_role(pg_app, role_id) == (
        "Gewijzigd in sessie A",
        fte_units,
        version + 1,
    )
    # Opened again, the form shows A's save and B can make the change after all.
    retry = role_form(second, role_id)
    assert retry.get("name") == "Gewijzigd in sessie A"
    retry.set("fte", "0,9")
    again = second.post(f"/beheer/rollen/{role_id}", data=MultiDict(retry.fields))
    assert again.status_code == 302
    assert stored_role(pg_app, role_id) == ("Gewijzigd in sessie A", 9_000, version + 2)


def saver(
    sessions: list[FlaskClient], forms: list[Form], role_id: int
) -> Callable[[int, threading.Barrier], Any]:
    """Thread work: session i saves its form of the role when all are ready."""

    def save(i: int, barrier: threading.Barrier) -> Any:
        data = MultiDict(forms[i].fields)
        barrier.wait()
        return sessions[i].post(f"/beheer/rollen/{role_id}", data=data)

    return save


@pytest.mark.postgres
def test_two_secretaris_saves_of_one_role_at_the_same_moment_one_wins_one_conflicts(
    pg_app: Flask,
) -> None:
    sessions = [logged_in(pg_app, SECRETARY_USERNAME) for _ in range(2)]
    _, roles = open_round_and_roles(pg_app)
    # Three rounds on three roles: more chances for the saves to interleave.
    for role_id in roles[:3]:
        _, _, version = stored_role(pg_app, role_id)
        forms = [role_form(client, role_id) for client in sessions]
        names = [f"Gelijktijdig {who} {role_id}" for who in ("A", "B")]
        for form, new_name in zip(forms, names, strict=True):
            form.set("name", new_name)

        answers = in_threads(2, saver(sessions, forms, role_id))

        codes = sorted(a.status_code for a in answers)
        assert codes == [302, 409], codes
        winner = next(i for i, a in enumerate(answers) if a.status_code == 302)
        loser = answers[1 - winner]
        assert STALE_MESSAGE in loser.get_data(as_text=True)
        name, _, stored_version = stored_role(pg_app, role_id)
        assert (name, stored_version) == (names[winner], version + 1)
        with pg_app.app_context():
            updates = db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(
                    AuditEntry.action == "beheer.update",
                    AuditEntry.object_id == role_id,
                    AuditEntry.object_type == "role",
                )
            )
        assert updates == 1


# --- preferences: many medewerkers at once -------------------------------------


def save_preferences_together(
    app: Flask, usernames: list[str], roles: list[int]
) -> dict[tuple[str, int], tuple[Choice, str]]:
    """Each medewerker logs in and opens Voorkeuren in their own thread; all save
    at the same moment. Returns what each one chose."""
    wanted: dict[tuple[str, int], tuple[Choice, str]] = {}
    with app.app_context():
        learnable = {
            (e.username, r.id)
            for e in db.session.scalars(select(Employee))
            for r in db.session.scalars(select(Role).where(Role.id.in_(roles)))
            if base_function_fits(e, r)
        }
    for i, username in enumerate(usernames):
        wanted[username, roles[i % len(roles)]] = (Choice.WANT, f"graag, {username}")
        # 'wil ik leren' only where the rompfunctie allows the role, as the form
        # offers it: the next such role from 7 places on
        learn = next(
            roles[(i + k) % len(roles)]
            for k in range(7, 7 + len(roles))
            if (username, roles[(i + k) % len(roles)]) in learnable
            and roles[(i + k) % len(roles)] != roles[i % len(roles)]
        )
        wanted[username, learn] = (Choice.LEARN, f"leren, {username}")

    def work(i: int, barrier: threading.Barrier) -> int:
        username = usernames[i]
        client = logged_in(app, username)
        form = form_on(client, "/mijn/voorkeuren", "role_id")
        for (who, role_id), (choice, comment) in wanted.items():
            if who == username:
                form.set(f"choice-{role_id}", choice.value)
                form.set(f"comment-{role_id}", comment)
        data = MultiDict(form.fields)
        barrier.wait()
        response = client.post("/mijn/voorkeuren", data=data)
        assert response.status_code == 302, response.status_code
        assert response.location.endswith("/mijn/voorkeuren")
        page = client.get("/mijn/voorkeuren").get_data(as_text=True)
        assert "Uw voorkeuren zijn opgeslagen" in page, username
        return response.status_code

    in_threads(len(usernames), work)
    return wanted


@pytest.mark.postgres
def test_many_medewerkers_saving_preferences_at_the_same_moment_are_all_stored(
    pg_app: Flask,
) -> None:
    usernames = employee_usernames(pg_app)[:EMPLOYEES_AT_ONCE]
    round_id, roles = open_round_and_roles(pg_app)
    before = preferences_of(pg_app, round_id)

    wanted = save_preferences_together(pg_app, usernames, roles)

    stored = preferences_of(pg_app, round_id)
    for key, value in wanted.items():
        assert stored.get(key) == value, key
    # Nobody else's preferences changed, and nothing of the savers was lost.
    untouched = {k: v for k, v in before.items() if k not in wanted}
    assert {k: stored.get(k) for k in untouched} == untouched
    with pg_app.app_context():
        saved = db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "preferences_saved")
        )
    assert saved == len(usernames)


def double_click(app: Flask, username: str) -> None:
    """A medewerker sends the same Voorkeuren form twice at once (a double click on
    Opslaan, or two tabs), choosing three roles not chosen before: both answers
    are ordinary, each choice is stored once."""
    round_id, roles = open_round_and_roles(app)
    before = preferences_of(app, round_id)
    fresh = [r for r in roles if (username, r) not in before][:3]
    tabs = [logged_in(app, username) for _ in range(2)]
    form = form_on(tabs[0], "/mijn/voorkeuren", "role_id")
    for role_id in fresh:
        form.set(f"choice-{role_id}", Choice.AVOID.value)
        form.set(f"comment-{role_id}", "dubbel geklikt")
    data = MultiDict(form.fields)

    def post(i: int, barrier: threading.Barrier) -> int:
        barrier.wait()
        return tabs[i].post("/mijn/voorkeuren", data=data).status_code

    assert in_threads(2, post) == [302, 302]
    stored = preferences_of(app, round_id)
    for role_id in fresh:
        assert stored[username, role_id] == (Choice.AVOID, "dubbel geklikt")
    with app.app_context():
        saves = db.session.scalars(
            select(AuditEntry.details)
            .join(User, User.id == AuditEntry.user_id)
            .where(AuditEntry.action == "preferences_saved", User.username == username)
        ).all()
    # One of the two clicks made the change; the other found nothing to change.
    assert len(saves) == 1 and len(saves[0]["choices"]) == len(fresh)


@pytest.mark.postgres
def test_a_double_click_on_opslaan_stores_each_preference_once_without_an_error(
    pg_app: Flask,
) -> None:
    # A few medewerkers in turn: the two requests must really overlap to matter.
    for username in employee_usernames(pg_app)[:5]:
        double_click(pg_app, username)


# --- approving while an optimisation runs --------------------------------------


class GatedSolver:
    """Stands in for jobs.solve_instance: tells when the run has started and holds
    it until released, then solves for real."""

    def __init__(self) -> None:
        self.real = jobs.solve_instance
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, instance: Any, **kwargs: Any) -> Any:
        self.started.set()
        assert self.release.wait(THREAD_TIMEOUT_S), "the test never released the run"
        return self.real(instance, **kwargs)


def start_optimiser(client: FlaskClient, round_id: int) -> int:
    response = client.post(
        f"/planning/rondes/{round_id}/optimaliseren",
        data={"time_limit_s": "3", "seed": "1"},
    )
    assert response.status_code == 302 and "/planning/taken/" in response.location
    return int(response.location.rstrip("/").split("/")[-1])


def finished(app: Flask, job_id: int) -> Job:
    assert jobs.wait_for_thread(job_id, THREAD_TIMEOUT_S)
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job is not None
        assert job.status == JobStatus.FINISHED, job.error
        db.session.expunge(job)
        return job


def closed_with_a_proposal(app: Flask, client: FlaskClient) -> int:
    """Close the demo's open round and optimise it once: werkplannen to approve."""
    round_id, _ = open_round_and_roles(app)
    closed = client.post(
        f"/planning/rondes/{round_id}/sluiten", data={"bevestigd": "1"}
    )
    assert closed.status_code == 302
    finished(app, start_optimiser(client, round_id))
    return round_id


def round_state(app: Flask, round_id: int) -> tuple[RoundStatus, list[Any]]:
    """The round's status and (proposal, status) of every current werkplan."""
    with app.app_context():
        round_ = db.session.get(PlanningRound, round_id)
        assert round_ is not None
        plans = db.session.execute(
            select(WorkPlan.proposal_id, WorkPlan.status).where(
                WorkPlan.round_id == round_id, WorkPlan.current.is_(True)
            )
        ).all()
        return round_.status, [tuple(p) for p in plans]


@pytest.mark.postgres
def test_approving_while_the_optimiser_runs_is_refused_and_never_mixes_proposals(
    pg_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    secretary = logged_in(pg_app, SECRETARY_USERNAME)
    round_id = closed_with_a_proposal(pg_app, secretary)
    status, plans = round_state(pg_app, round_id)
    assert status == RoundStatus.CLOSED and plans
    with pg_app.app_context():
        one_plan = db.session.scalar(
            select(WorkPlan.id).where(
                WorkPlan.round_id == round_id, WorkPlan.current.is_(True)
            )
        )

    gate = GatedSolver()
    monkeypatch.setattr(jobs, "solve_instance", gate)
    job_id = start_optimiser(secretary, round_id)
    assert gate.started.wait(THREAD_TIMEOUT_S)
    try:
        everything = secretary.post(
            f"/planning/rondes/{round_id}/goedkeuren",
            data=EVERYONE,
            follow_redirects=True,
        )
        one = secretary.post(
            f"/planning/werkplannen/{one_plan}/goedkeuren",
            data={"reden": EVERYONE["reden"]},
            follow_redirects=True,
        )
    finally:
        gate.release.set()
        job = finished(pg_app, job_id)
    assert BUSY_MESSAGE in everything.get_data(as_text=True)
    assert BUSY_MESSAGE in one.get_data(as_text=True)

    # Nothing was approved while the run was going; the new proposal is current.
    status, plans = round_state(pg_app, round_id)
    assert status == RoundStatus.CLOSED
    assert {p for p, _ in plans} == {job.proposal_id}
    assert {s for _, s in plans} == {WorkPlanStatus.PROPOSED}

    # Now approving works, and every werkplan comes from that one proposal.
    answer = secretary.post(
        f"/planning/rondes/{round_id}/goedkeuren", data=EVERYONE, follow_redirects=True
    )
    assert "werkplannen goedgekeurd" in answer.get_data(as_text=True)
    status, plans = round_state(pg_app, round_id)
    assert status == RoundStatus.APPROVED
    assert set(plans) == {(job.proposal_id, WorkPlanStatus.APPROVED)}


@pytest.mark.postgres
def test_approving_and_starting_the_optimiser_at_the_same_moment_only_one_goes_ahead(
    pg_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = [logged_in(pg_app, SECRETARY_USERNAME) for _ in range(2)]
    round_id = closed_with_a_proposal(pg_app, sessions[0])
    with pg_app.app_context():
        jobs_before = set(db.session.scalars(select(Job.id)))
    gate = GatedSolver()
    gate.release.set()  # the run may go on: only who goes ahead is of interest
    monkeypatch.setattr(jobs, "solve_instance", gate)

    def act(i: int, barrier: threading.Barrier) -> Any:
        barrier.wait()
        if i == 0:
            return sessions[0].post(
                f"/planning/rondes/{round_id}/goedkeuren", data=EVERYONE
            )
        return sessions[1].post(
            f"/planning/rondes/{round_id}/optimaliseren",
            data={"time_limit_s": "3", "seed": "2"},
        )

    in_threads(2, act)
    with pg_app.app_context():
        new_jobs = set(db.session.scalars(select(Job.id))) - jobs_before
    for job_id in new_jobs:
        finished(pg_app, job_id)
    status, plans = round_state(pg_app, round_id)
    approved = status == RoundStatus.APPROVED
    assert approved != bool(new_jobs), (status, new_jobs)
    proposals = {p for p, _ in plans}
    assert len(proposals) == 1, "the current werkplannen mix proposals"
    if approved:
        assert {s for _, s in plans} == {WorkPlanStatus.APPROVED}
    else:
        assert {s for _, s in plans} == {WorkPlanStatus.PROPOSED}


def test_a_queued_or_running_optimisation_blocks_approval_until_it_ends(
    org: Org,
) -> None:
    round_ = proposed_round(org)
    plan = plan_of(org, "anouk")
    job = Job(round_id=round_.id, status=JobStatus.QUEUED)
    job.progress = {"params": {"time_limit_s": 30}}
    db.session.add(job)
    db.session.commit()
    for status in (JobStatus.QUEUED, JobStatus.RUNNING):
        job.status, job.started_at = status, utcnow()
        db.session.commit()
        with pytest.raises(ServiceError, match=BUSY_MESSAGE):
            approval.approve_all(round_.id, org.secretary, **EVERYONE_KW)
        with pytest.raises(ServiceError, match=BUSY_MESSAGE):
            approval.approve_plan(plan.id, org.secretary, reason="Besproken.")
        db.session.refresh(plan)
        assert plan.status == WorkPlanStatus.PROPOSED
    # A run whose worker vanished long ago does not block approval for ever.
    job.started_at = utcnow() - timedelta(seconds=30 + jobs.STALE_GRACE_S + 60)
    db.session.commit()
    assert approval.approve_all(round_.id, org.secretary, **EVERYONE_KW) == len(
        org.employees
    )


# --- SQLite --------------------------------------------------------------------


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(
    sqlite_app: Flask,
) -> None:
    def pragmas() -> tuple[Any, ...]:
        with sqlite_app.app_context(), db.engine.connect() as conn:
            return tuple(
                conn.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys")
            )

    assert pragmas() == ("wal", 5000, 1)
    # Every new connection gets them (here: threads, each with its own).
    assert in_threads(3, lambda _i, _b: pragmas()) == [("wal", 5000, 1)] * 3
    with sqlite_app.app_context():
        assert db.engine.url.database and db.engine.url.database.endswith(".sqlite")


def test_a_few_medewerkers_saving_at_the_same_moment_on_sqlite_are_all_stored(
    sqlite_app: Flask,
) -> None:
    usernames = employee_usernames(sqlite_app)[:5]
    round_id, roles = open_round_and_roles(sqlite_app)

    wanted = save_preferences_together(sqlite_app, usernames, roles)

    stored = preferences_of(sqlite_app, round_id)
    for key, value in wanted.items():
        assert stored.get(key) == value, key


def test_a_double_click_on_opslaan_on_sqlite_stores_each_preference_once(
    sqlite_app: Flask,
) -> None:
    for username in employee_usernames(sqlite_app)[:3]:
        double_click(sqlite_app, username)
