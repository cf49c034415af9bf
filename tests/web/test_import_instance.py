"""Instance JSON (format v1) import as a new planning round: upload, preview,
confirm, all or nothing; the round export imports back without changes; every
bound of services.limits holds for a hostile file."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
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
from ommen_rollen.services.validation import CONTRACT_TOO_LARGE

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
        "employees[0].base_function: Onbekende rompfunctie 'X': kies A, B, C, D of E.",
        f"employees[1].fte: {CONTRACT_TOO_LARGE}",
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


@pytest.fixture
def staging(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(app.config, "IMPORT_STAGING_DIR", str(tmp_path))
    return tmp_path


def upload_round(
    client: Any, data: bytes, label: str = "Dalfsen 2027", name: str = "r.json"
) -> Any:
    return client.post(
        "/beheer/import/ronde",
        data={
            "label": label,
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def test_secretaris_uploads_previews_and_confirms_a_round_import(
    secretary: Any, staging: Path, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    response = upload_round(
        client, json.dumps(instance()).encode(), name="dalfsen.json"
    )
    assert response.status_code == 302
    assert response.location.endswith("/beheer/import/ronde/voorbeeld")

    preview = client.get("/beheer/import/ronde/voorbeeld").get_data(as_text=True)
    assert "Voorbeeld: planronde Dalfsen 2027 uit dalfsen.json" in preview
    assert "Medewerkers: 2 nieuw, 0 gewijzigd, 0 ongewijzigd" in preview
    assert "Rollen: 2 nieuw, 0 gewijzigd, 0 ongewijzigd" in preview
    assert "Anouk de Vries" in preview and "Regie afval" in preview
    assert "Nieuwe competenties</dt><dd>beleid, regievoering" in preview
    # the preview changes nothing, not even the clusters and competences
    assert count(PlanningRound) == count(Employee) == count(Role) == 0
    assert count(Cluster) == count(Competence) == 0

    done = client.post("/beheer/import/ronde/vastleggen", follow_redirects=True)

    assert "Planronde aangemaakt" in done.get_data(as_text=True)
    round_ = db.session.scalars(select(PlanningRound)).one()
    assert done.request.path == f"/planning/rondes/{round_.id}"
    assert count(Employee) == 2 and count(Preference) == 2
    assert list(staging.iterdir()) == []  # the staged file is gone


def test_the_round_preview_shows_every_error_and_a_commit_imports_nothing(
    secretary: Any, staging: Path, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    data = instance()
    data["employees"][1]["fte"] = 1.2  # more than a full contract
    assert upload_round(client, json.dumps(data).encode()).status_code == 302

    preview = client.get("/beheer/import/ronde/voorbeeld").get_data(as_text=True)
    assert "Er wordt niets geïmporteerd zolang het bestand fouten bevat (1)" in preview
    assert f"employees[1].fte: {CONTRACT_TOO_LARGE}" in preview
    assert "/beheer/import/ronde/vastleggen" not in preview  # no button to import

    refused = client.post("/beheer/import/ronde/vastleggen", follow_redirects=True)

    assert "er is niets geïmporteerd" in refused.get_data(as_text=True)
    assert count(PlanningRound) == count(Employee) == count(Competence) == 0
    cancelled = client.post("/beheer/import/ronde/annuleren", follow_redirects=True)
    assert "geannuleerd" in cancelled.get_data(as_text=True)
    assert list(staging.iterdir()) == []
    again = client.get("/beheer/import/ronde/voorbeeld", follow_redirects=True)
    assert "Kies eerst een bestand" in again.get_data(as_text=True)


def snapshot() -> dict[str, Any]:
    """Every employee, role, competence and cluster with all it holds."""
    return {
        "employees": [
            (
                e.id, e.username, e.name, e.contract_units, e.base_function,
                e.home_cluster_id, e.active, e.version_id,
                sorted((c.competence_id, c.level) for c in e.competences),
            )
            for e in db.session.scalars(select(Employee).order_by(Employee.id))
        ],
        "roles": [
            (
                r.id, r.code, r.name, r.description, r.cluster_id, r.task_field_id,
                r.fte_units, r.base_functions_code, r.backups_needed, r.splittable,
                r.max_holders, r.min_share_units, r.critical, r.active, r.version_id,
                sorted((q.competence_id, q.min_level) for q in r.requirements),
            )
            for r in db.session.scalars(select(Role).order_by(Role.id))
        ],
        "competences": [
            (c.id, c.name, c.description, c.active)
            for c in db.session.scalars(select(Competence).order_by(Competence.id))
        ],
        "clusters": [
            (c.id, c.name, c.description, c.active)
            for c in db.session.scalars(select(Cluster).order_by(Cluster.id))
        ],
    }  # fmt: skip


@pytest.mark.slow
def test_the_exported_demo_round_imports_back_without_changing_anything(
    staging: Path, auth: Any, client: Any
) -> None:
    from ommen_rollen.services.demo import load_demo
    from ommen_rollen.services.demo_data import DEMO_PASSWORD
    from ommen_rollen.services.solver_bridge import build_instance

    load_demo()
    demo_round = db.session.scalars(
        select(PlanningRound).where(PlanningRound.status == RoundStatus.OPEN)
    ).one()
    auth.login("secretaris", DEMO_PASSWORD)
    exported = client.get(f"/export/rondes/{demo_round.id}/instance.json")
    assert exported.status_code == 200
    usernames = {e.username for e in db.session.scalars(select(Employee))}
    file = json.loads(exported.data)
    assert {e["id"] for e in file["employees"]} <= usernames  # the import's key
    before = snapshot()
    employees = count(Employee)

    assert upload_round(client, exported.data, label="Kopie").status_code == 302
    preview = client.get("/beheer/import/ronde/voorbeeld").get_data(as_text=True)
    assert f"Medewerkers: 0 nieuw, 0 gewijzigd, {employees} ongewijzigd" in preview
    assert f"Rollen: 0 nieuw, 0 gewijzigd, {len(file['roles'])} ongewijzigd" in preview
    assert "maakt alleen de planronde met de voorkeuren aan" in preview
    client.post("/beheer/import/ronde/vastleggen")

    db.session.expire_all()
    assert snapshot() == before  # counts and contents: nothing changed
    copy = db.session.scalars(
        select(PlanningRound).where(PlanningRound.label == "Kopie")
    ).one()
    original, imported = build_instance(demo_round.id), build_instance(copy.id)
    for part in ("employees", "roles", "preferences", "settings"):
        assert imported[part] == original[part], part
    assert count(Employee) == employees  # the next optimise plans 50, not 100


def test_a_solver_runs_own_file_is_refused_instead_of_duplicating_everyone(
    make_employee: Callable[..., Any],
) -> None:
    from ommen_rollen.services.solver_bridge import build_instance

    anouk = make_employee("anouk.devries", name="Anouk de Vries")
    round_ = PlanningRound(
        label="2027-H1", starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30)
    )
    db.session.add(round_)
    db.session.commit()
    own = build_instance(round_.id)  # what a proposal's instance.json holds
    assert own["employees"][0]["id"] == f"m{anouk.id}"

    with pytest.raises(ImportRefused, match="interne nummer") as caught:
        run(own, label="Kopie")

    assert "gebruikersnaam" in str(caught.value)
    assert count(Employee) == 1 and count(PlanningRound) == 1


# --- bounds (services.limits) -------------------------------------------------------


def refusal(data: bytes, label: str = "Dalfsen 2027") -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        import_round(data, label, date(2027, 1, 1), date(2027, 12, 31), None)
    assert count(PlanningRound) == count(Employee) == count(Competence) == 0
    return caught.value


def said(refused: ImportRefused) -> str:
    return " ".join([str(refused), *map(str, refused.errors)])


def test_an_employee_with_twenty_thousand_competences_is_refused() -> None:
    data = instance()
    data["employees"][0]["competences"] = {f"c{i}": 1 for i in range(20_000)}

    refused = refusal(json.dumps(data).encode())

    assert "grenzen van deze applicatie" in str(refused)
    assert refused.errors == [
        "employees[0].competences: Hoogstens 50 competenties per medewerker "
        "(nu 20.000)."
    ]


def test_competences_and_clusters_are_bounded_in_total_with_what_is_stored(
    make_competence: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ommen_rollen.services import limits

    monkeypatch.setattr(limits, "MAX_COMPETENCES", 2)
    make_competence("projectmanagement")

    with pytest.raises(ImportRefused) as caught:
        run(instance())

    assert caught.value.errors == [
        "competences: Er kunnen hoogstens 2 competenties zijn; er zijn er nu 1, "
        "dit zou 3 maken."
    ]
    assert count(Competence) == 1 and count(PlanningRound) == 0


def test_employees_and_roles_are_bounded_in_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ommen_rollen.services import limits

    monkeypatch.setattr(limits, "MAX_EMPLOYEES", 1)
    monkeypatch.setattr(limits, "MAX_ROLES", 1)

    refused = refusal(json.dumps(instance()).encode())

    assert refused.errors == [
        "employees: Hoogstens 1 medewerkers (nu 2).",
        "roles: Hoogstens 1 rollen (nu 2).",
    ]


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("employees[0].name", "Anouk\nde Vries"),
        ("employees[0].name", "x" * 161),
        ("roles[0].name", "Regie\u0007afval"),
        ("roles[0].cluster", "c" * 121),
    ],
)
def test_names_are_bounded_and_hold_no_line_breaks(where: str, value: str) -> None:
    section, rest = where.split("[0].")
    data = instance()
    data[section][0][rest] = value

    refused = refusal(json.dumps(data).encode())

    assert any(e.startswith(where) for e in refused.errors), refused.errors
    assert "tekens" in said(refused)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b'{"version": 1, "settings": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
         "te diep genest"),
        (b'{"version": 1, "settings": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
         "te diep genest"),
        (b'{"version": 1, "employees": [{"id": "a", "fte": 1, "base_function": "B", '
         b'"max_roles": ' + b"9" * 5_000 + b"}]}", "5.000 cijfers"),
        (b'{"version": 1, "settings": {"seed": ' + b"9" * 200 + b"}}", "200 cijfers"),
        (b'{"version": 1, "settings": {"time_limit_s": 1.' + b"5" * 100 + b"}}",
         "102 tekens"),
    ],
)  # fmt: skip
def test_nesting_and_numbers_no_file_needs_get_a_dutch_refusal(
    text: bytes, message: str
) -> None:
    assert message in said(refusal(text))


@pytest.mark.parametrize("fte", [1e308, "1e308", "1e999999", "9" * 5_000, 1e300])
def test_an_fte_no_one_can_have_is_refused_by_its_place(fte: Any) -> None:
    data = instance()
    data["employees"][0]["fte"] = fte

    refused = refusal(json.dumps(data).encode())

    assert any(e.startswith("employees[0].fte:") for e in refused.errors), said(refused)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("workers", 10**9),
        ("time_limit_s", 1e9),
        ("seed", -1),
        ("weights", {"want": 10**12}),
    ],
)
def test_solver_settings_the_round_would_keep_are_bounded(
    setting: str, value: Any
) -> None:
    data = instance(settings={setting: value})

    refused = refusal(json.dumps(data).encode())

    assert [e.split(":")[0] for e in refused.errors] == [f"settings.{setting}"]


@pytest.mark.parametrize("label", ["2027\nH1", "2027\rH1", "tab\there", "nul\u0000"])
def test_a_round_name_with_line_breaks_or_control_characters_is_refused(
    label: str,
) -> None:
    refused = refusal(json.dumps(instance()).encode(), label)
    assert "regeleinden" in str(refused)


def test_the_round_form_refuses_a_name_with_a_line_break(
    secretary: Any, staging: Path, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    response = upload_round(client, json.dumps(instance()).encode(), label="a\r\nb")
    assert response.status_code == 200
    assert "Gebruik geen regeleinden" in response.get_data(as_text=True)
    assert list(staging.iterdir()) == []


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
