"""Migrations build the schema from empty to head and back, on SQLite and
PostgreSQL, and the result matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from ommen_rollen import create_app
from ommen_rollen.extensions import db
from tests.conftest import (
    PG_URL_ENV,
    base_config,
    require_service,
    scratch_postgres_database,
)


def schema_differences() -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def table_names() -> set[str]:
    return set(db.inspect(db.engine).get_table_names())


def walk_migrations(url: str) -> None:
    app = create_app(base_config(url))
    with app.app_context():
        try:
            upgrade()
            assert {"employee", "role", "work_plan", "assignment"} <= table_names()
            assert schema_differences() == []
            downgrade(revision="base")
            assert table_names() <= {"alembic_version"}
            upgrade()
            assert schema_differences() == []
        finally:
            db.session.remove()
            db.engine.dispose()


def test_migrations_run_from_empty_to_head_and_back_on_sqlite(tmp_path: object) -> None:
    walk_migrations(f"sqlite:///{tmp_path}/migrations.sqlite")


@pytest.mark.postgres
def test_migrations_run_from_empty_to_head_and_back_on_postgresql() -> None:
    server = require_service("PostgreSQL", PG_URL_ENV)
    url, drop = scratch_postgres_database(server)
    try:
        walk_migrations(url)
    finally:
        drop()
