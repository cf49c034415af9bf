"""Fixtures: one app per test session on SQLite or PostgreSQL, a clean database per
test, clients, login helper and factories that return callables."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from ommen_rollen import create_app
from ommen_rollen.domain import BaseFunction, UserRole
from ommen_rollen.extensions import db

PG_URL_ENV = "OMMEN_TEST_DATABASE_URL"
REDIS_URL_ENV = "OMMEN_TEST_REDIS_URL"
REQUIRE_ENV = "OMMEN_REQUIRE_SERVICES"
# "sqlite" keeps the suite on SQLite even when a PostgreSQL URL is given (the URL
# then only serves the tests that need PostgreSQL itself).
DATABASE_CHOICE_ENV = "OMMEN_TEST_DATABASE"


def require_service(what: str, env: str) -> str:
    """The URL of a service a test needs; skip without it, but fail in CI
    (OMMEN_REQUIRE_SERVICES=1), where a skipped service test would hide a gap."""
    url = os.environ.get(env)
    if url:
        return url
    message = f"{what} niet beschikbaar: zet {env} om deze test te draaien"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_ENV}=1 maakt overslaan een fout)")
    pytest.skip(message)


def scratch_postgres_database(server_url: str) -> tuple[str, Callable[[], None]]:
    """Create an empty PostgreSQL database next to the one in the URL; return its
    URL and a function that drops it."""
    from ommen_rollen.config import normalise_database_url

    url = sa.make_url(normalise_database_url(server_url))
    name = f"ommen_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite by default; a scratch PostgreSQL database when OMMEN_TEST_DATABASE_URL
    is set (unless OMMEN_TEST_DATABASE=sqlite)."""
    server = os.environ.get(PG_URL_ENV)
    if not server or os.environ.get(DATABASE_CHOICE_ENV) == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
        return
    url, drop = scratch_postgres_database(server)
    yield url
    drop()


def base_config(database_url: str, **extra: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SOLVER_TIME_LIMIT_S": 5,
        # tests/web/test_two_factor.py turns it on
        "SECRETARY_2FA_REQUIRED": False,
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """One app per session; the schema is built by the migrations."""
    from flask_migrate import upgrade

    app = create_app(base_config(database_url))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test that uses the app starts from empty tables."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table.name == "audit_entry" and conn.dialect.name == "postgresql":
                    # append-only: a DELETE is refused by its trigger
                    conn.execute(sa.text("TRUNCATE audit_entry"))
                else:
                    conn.execute(table.delete())


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """A second app on the same database with other settings (CSRF, throttling)."""
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        extra_app = create_app(base_config(database_url, **settings))
        made.append(extra_app)
        return extra_app

    yield make
    for extra_app in made:
        with extra_app.app_context():
            db.session.remove()
            db.engine.dispose()
    if made:
        # Flask-Limiter is one object for every app: an extra app that turned
        # throttling on would throttle the tests that come after it.
        from ommen_rollen.extensions import limiter

        if limiter.enabled:
            limiter.reset()
        limiter.enabled = False


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


# --- factories ---------------------------------------------------------------


@pytest.fixture
def make_cluster() -> Callable[..., Any]:
    from ommen_rollen.models import Cluster

    def make(name: str | None = None, **fields: Any) -> Cluster:
        cluster = Cluster(name=name or f"Cluster {uuid.uuid4().hex[:6]}", **fields)
        db.session.add(cluster)
        db.session.commit()
        return cluster

    return make


@pytest.fixture
def make_competence() -> Callable[..., Any]:
    from ommen_rollen.models import Competence

    def make(name: str | None = None, **fields: Any) -> Competence:
        competence = Competence(name=name or f"comp-{uuid.uuid4().hex[:6]}", **fields)
        db.session.add(competence)
        db.session.commit()
        return competence

    return make


@pytest.fixture
def make_employee(make_competence: Callable[..., Any]) -> Callable[..., Any]:
    from ommen_rollen.models import Employee, EmployeeCompetence

    def make(
        username: str | None = None,
        *,
        contract_units: int = 10_000,
        base_function: BaseFunction = BaseFunction.B,
        competences: dict[Any, int] | None = None,
        **fields: Any,
    ) -> Employee:
        username = username or f"mw{uuid.uuid4().hex[:6]}"
        employee = Employee(
            username=username,
            name=fields.pop("name", username.title()),
            contract_units=contract_units,
            base_function=base_function,
            **fields,
        )
        for competence, level in (competences or {}).items():
            if isinstance(competence, str):
                competence = make_competence(competence)
            employee.competences.append(
                EmployeeCompetence(competence=competence, level=level)
            )
        db.session.add(employee)
        db.session.commit()
        return employee

    return make


@pytest.fixture
def make_role(make_cluster: Callable[..., Any]) -> Callable[..., Any]:
    from ommen_rollen.models import Role, RoleRequirement

    def make(
        code: str | None = None,
        *,
        fte_units: int = 2_000,
        base_functions: str = "AB",
        requires: dict[Any, int] | None = None,
        cluster: Any = None,
        **fields: Any,
    ) -> Role:
        code = code or f"r{uuid.uuid4().hex[:5]}"
        role = Role(
            code=code,
            name=fields.pop("name", f"Rol {code}"),
            fte_units=fte_units,
            base_functions_code=base_functions,
            cluster=cluster or make_cluster(),
            **fields,
        )
        for competence, level in (requires or {}).items():
            role.requirements.append(
                RoleRequirement(competence=competence, min_level=level)
            )
        db.session.add(role)
        db.session.commit()
        return role

    return make


@pytest.fixture
def make_user(make_employee: Callable[..., Any]) -> Callable[..., Any]:
    from ommen_rollen.services.accounts import create_account

    def make(
        username: str | None = None,
        role: UserRole = UserRole.EMPLOYEE,
        *,
        password: str = "geheim-wachtwoord",
        employee: Any = None,
        **fields: Any,
    ) -> Any:
        username = username or f"u{uuid.uuid4().hex[:6]}"
        if role == UserRole.EMPLOYEE and employee is None:
            employee = make_employee(username)
        user = create_account(
            username,
            password,
            role,
            employee_id=employee.id if employee is not None else None,
            **fields,
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_round_with_proposal() -> Callable[..., Any]:
    """A planning round (2027-H1 dates) with one ready proposal and its finished
    job: the objects a URL can name, without running the solver."""
    from datetime import date

    from ommen_rollen.models import Job, PlanningRound, Proposal

    def make(label: str, status: str) -> tuple[Any, Any, Any]:
        round_ = PlanningRound(
            label=label,
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 6, 30),
            status=status,
        )
        db.session.add(round_)
        db.session.flush()
        proposal = Proposal(
            round_id=round_.id, number=1, status="ready", instance={}, plan={}
        )
        db.session.add(proposal)
        db.session.flush()
        job = Job(round_id=round_.id, proposal_id=proposal.id, status="finished")
        db.session.add(job)
        db.session.flush()
        return round_, proposal, job

    return make


class Auth:
    """Log a test client in and out."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str, password: str = "geheim-wachtwoord") -> Any:
        return self.client.post(
            "/inloggen", data={"username": username, "password": password}
        )

    def logout(self) -> Any:
        return self.client.post("/uitloggen")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def secretary(make_user: Callable[..., Any]) -> Any:
    return make_user("secretaris", UserRole.SECRETARY)


@pytest.fixture
def employee_user(make_user: Callable[..., Any]) -> Any:
    return make_user("anouk", UserRole.EMPLOYEE)
