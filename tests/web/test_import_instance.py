"""Instance JSON (format v1) import as a new planning round: all or nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from ommen_rollen.domain import Choice, RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    AuditEntry,
    Cluster,
    Competence,
    Employee,
    PlanningRound,
    Preference,
    Role,
)
from ommen_rollen.services.imports import ImportRefused
from ommen_rollen.services.imports.instance_json import import_round

pytestmark = pytest.mark.usefixtures("app")


def instance(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": 1,
        "name": "Gemeente Dalfsen 2027",
        "employees": [
            {"id": "anouk", "name": "Anouk de Vries", "fte": 0.8889,
             "base_function": "B", "competences": {"regievoering": 2}},
            {"id": "bram", "name": "Bram Jansen", "fte": 1,
             "base_function": "A", "competences": {"beleid": 3, "regievoering": 1}},
        ],
        "roles": [
            {"id": "d01", "name": "Regie afval", "cluster": "Regie", "fte": 0.6,
             "base_functions": ["A", "B"], "requires": {"regievoering": 1},
             "backups": 1, "max_holders": 2, "min_share": 0.2},
            {"id": "d02", "name": "Economie", "cluster": "Beleid", "fte": 0.4,
             "base_functions": ["A"], "requires": {"beleid": 2}, "backups": 0},
        ],
        "preferences": [
            {"employee": "anouk", "role": "d01", "choice": "want"},
            {"employee": "bram", "role": "d02", "choice": "learn"},
        ],
        "settings": {"time_limit_s": 10},
    }  # fmt: skip
    data.update(changes)
    return data


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def run(data: dict[str, Any], label: str = "Dalfsen 2027") -> Any:
    return import_round(
        json.dumps(data).encode(), label, date(2027, 1, 1), date(2027, 12, 31), None
    )


def test_an_instance_becomes_a_new_round_with_people_roles_and_preferences() -> None:
    result = run(instance())

    round_ = db.session.get(PlanningRound, result.round_id)
    assert (round_.label, round_.status) == ("Dalfsen 2027", RoundStatus.CONCEPT)
    assert round_.settings == {"time_limit_s": 10}
    people = {e.username: e for e in db.session.scalars(select(Employee))}
    assert people["anouk"].contract_units == 8889
    assert people["bram"].competence_levels() == {"beleid": 3, "regievoering": 1}
    role = db.session.scalars(select(Role).where(Role.code == "d01")).one()
    assert (role.fte_units, role.base_functions_code, role.cluster.name) == (
        6000,
        "AB",
        "Regie",
    )
    assert (role.splittable, role.max_holders, role.min_share_units) == (True, 2, 2000)
    assert {c.name for c in db.session.scalars(select(Cluster))} == {"Regie", "Beleid"}
    assert count(Competence) == 2
    choices = {
        (p.employee.username, p.role.code): p.choice
        for p in db.session.scalars(select(Preference))
    }
    assert choices == {("anouk", "d01"): Choice.WANT, ("bram", "d02"): Choice.LEARN}
    assert "medewerkers" in result.describe()
    assert count(AuditEntry) >= 5  # 2 employees, 2 roles, the import itself


def test_an_invalid_instance_is_refused_naming_every_entry_and_field() -> None:
    data = instance()
    data["roles"][1]["fte"] = 0
    data["employees"][0].pop("base_function")

    with pytest.raises(ImportRefused) as caught:
        run(data)

    errors = caught.value.errors
    assert any(e.startswith("roles[1].fte") for e in errors)
    assert any(e.startswith("employees[0].base_function") for e in errors)
    assert count(PlanningRound) == count(Employee) == count(Role) == 0


def test_an_instance_that_does_not_fit_here_changes_nothing_at_all() -> None:
    data = instance()
    data["employees"][1]["fte"] = 1.2  # more than a full contract
    data["employees"][0]["base_function"] = "X"  # no such rompfunctie here

    with pytest.raises(ImportRefused) as caught:
        run(data)

    assert caught.value.errors == [
        "employees[0].base_function: 'X': kies rompfunctie A, B, C, D of E.",
        "employees[1].fte: het contract moet meer dan 0 en hoogstens 1 fte zijn "
        "(nu 1,2 fte).",
    ]
    # not even the clusters and competences made before the rows were checked
    assert count(Cluster) == count(Competence) == count(PlanningRound) == 0


def test_a_round_label_that_exists_or_wrong_dates_are_refused() -> None:
    run(instance())
    with pytest.raises(ImportRefused, match="al een planronde"):
        run(instance())
    with pytest.raises(ImportRefused, match="einddatum"):
        import_round(
            json.dumps(instance()).encode(),
            "Ander",
            date(2027, 6, 1),
            date(2027, 1, 1),
            None,
        )


def test_a_file_that_is_not_json_is_refused_with_the_line() -> None:
    with pytest.raises(ImportRefused, match="regel 2"):
        import_round(b'{"version": 1,\n oeps}', "X", date(2027, 1, 1),
                     date(2027, 2, 1), None)  # fmt: skip


def test_reimporting_an_instance_updates_people_and_roles_in_place(
    make_cluster: Callable[..., Any],
) -> None:
    run(instance())
    ids = {e.username: e.id for e in db.session.scalars(select(Employee))}
    changed = instance()
    changed["employees"][0]["fte"] = 0.5

    run(changed, label="Dalfsen 2027 (2)")

    db.session.expire_all()
    people = {e.username: e for e in db.session.scalars(select(Employee))}
    assert {u: e.id for u, e in people.items()} == ids
    assert people["anouk"].contract_units == 5000
    assert count(Role) == 2 and count(PlanningRound) == 2


def test_secretaris_imports_a_round_through_the_form(
    secretary: Any, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    response = client.post(
        "/beheer/import/ronde",
        data={
            "label": "Dalfsen 2027",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "file": (io.BytesIO(json.dumps(instance()).encode()), "dalfsen.json"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )

    assert "Planronde aangemaakt" in response.get_data(as_text=True)
    assert count(PlanningRound) == 1


def test_the_form_lists_every_problem_of_a_refused_instance(
    secretary: Any, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    data = instance()
    data["roles"][0]["fte"] = -1

    response = client.post(
        "/beheer/import/ronde",
        data={
            "label": "Dalfsen 2027",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "file": (io.BytesIO(json.dumps(data).encode()), "dalfsen.json"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "roles[0].fte" in response.get_data(as_text=True)
    assert count(PlanningRound) == 0
