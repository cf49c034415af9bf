"""On PostgreSQL the audit table itself refuses UPDATE and DELETE (the trigger of
migration 0003); the one update it lets through is an erasure's pseudonymisation
of the details, flagged by a setting for that transaction only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from ommen_rollen import create_app
from ommen_rollen.extensions import db
from tests.conftest import (
    PG_URL_ENV,
    base_config,
    require_service,
    scratch_postgres_database,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app() -> Iterator[Flask]:
    """An app on a scratch PostgreSQL database built by the migrations."""
    from flask_migrate import upgrade

    server = require_service("PostgreSQL", PG_URL_ENV)
    url, drop = scratch_postgres_database(server)
    app = create_app(base_config(url))
    try:
        with app.app_context():
            upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


def _entries() -> list[int]:
    from ommen_rollen.domain import UserRole
    from ommen_rollen.services import audit
    from ommen_rollen.services.accounts import create_account

    user = create_account("secretaris", "geheim-wachtwoord", UserRole.SECRETARY)
    db.session.commit()
    for label in ("2027-H1", "2027-H2"):
        audit.record("round_opened", user, object_type="planning_round", label=label)
    db.session.commit()
    return list(db.session.scalars(sa.text("SELECT id FROM audit_entry ORDER BY id")))


ON = "SELECT set_config('ommen_rollen.pseudonymise', 'on', true)"


def _refused(statement: str, *, setting: bool = False, **params: Any) -> str:
    """The database's error for this statement (in its own transaction, with the
    pseudonymisation setting on when asked)."""
    with pytest.raises(sa.exc.DBAPIError) as caught:
        with db.engine.begin() as conn:
            if setting:
                conn.execute(sa.text(ON))
            conn.execute(sa.text(statement), params)
    return str(caught.value)


def test_update_and_delete_are_refused(pg_app: Flask) -> None:
    first, second = _entries()
    assert "append-only" in _refused(
        "UPDATE audit_entry SET details = '{}' WHERE id = :i", i=first
    )
    assert "append-only" in _refused("DELETE FROM audit_entry WHERE id = :i", i=second)
    assert "append-only" in _refused("DELETE FROM audit_entry")
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_entry")).scalar() == 2
    from ommen_rollen.services import audit

    assert audit.verify() == []


def test_with_the_setting_only_the_pseudonymisation_passes(pg_app: Flask) -> None:
    first, _second = _entries()
    # changing a chained field, or rewriting without marking it, stays refused
    for change in (
        "action = 'login'",
        "hash = 'x'",
        "details = '{}'",  # not marked pseudonymised, salt kept
        "details = '{}', pseudonymised = true",  # salt kept
    ):
        message = _refused(
            f"UPDATE audit_entry SET {change} WHERE id = :i", setting=True, i=first
        )
        assert "append-only" in message, change
    with db.engine.begin() as conn:
        conn.execute(sa.text(ON))
        conn.execute(
            sa.text(
                'UPDATE audit_entry SET details = \'{"label": "x"}\', '
                "details_salt = '', pseudonymised = true WHERE id = :i"
            ),
            {"i": first},
        )
    # the setting lasts for that transaction only
    assert "append-only" in _refused(
        "UPDATE audit_entry SET details = '{}', details_salt = '', "
        "pseudonymised = true WHERE id = :i",
        i=_second,
    )
    # the chain still holds, but a pseudonymised entry without an erasure shows up
    from ommen_rollen.services import audit

    problems = [str(p) for p in audit.verify()]
    assert problems == [
        f"logregel {first}: gemarkeerd als gepseudonimiseerd zonder vastgelegde wissing"
    ]
