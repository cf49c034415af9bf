"""Employees, competences and roles through the API: stable keys, exact fte,
pagination, optimistic locking and the beheer services' own checks and messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry, Employee, Role
from ommen_rollen.services.staff import CONTRACT_TOO_LARGE


def new_employee(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "username": "P10023",
        "name": "Anouk de Vries",
        "contract_fte": "0.7778",
        "base_function": "B",
        "home_cluster": None,
        "competences": {},
    }
    body.update(changes)
    return body


def test_an_employee_is_created_read_and_updated_with_exact_fte(
    client: FlaskClient,
    headers: dict[str, str],
    make_cluster: Callable[..., Any],
    make_competence: Callable[..., Any],
) -> None:
    make_cluster("Sociaal Domein")
    make_competence("Regievoering")
    body = new_employee(home_cluster="sociaal domein", competences={"regievoering": 2})
    created = client.post("/api/v1/employees", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    # usernames are stored in lower case, as in beheer
    assert data["username"] == "p10023"
    assert data["contract_fte"] == "0.7778"
    assert data["contract_hours"] == "28.00"
    assert data["home_cluster"] == "Sociaal Domein"
    assert data["competences"] == {"Regievoering": 2}
    # shown once, in the beheer format (four groups of four, changed at first login)
    assert re.fullmatch(r"\w{4}(-\w{4}){3}", data["first_password"])
    assert created.headers["Location"].endswith("/api/v1/employees/p10023")
    assert db.session.scalar(db.select(Employee.contract_units)) == 7778

    read = client.get("/api/v1/employees/P10023", headers=headers)
    assert read.status_code == 200
    assert "first_password" not in read.get_json()
    tag = read.headers["ETag"]

    body = new_employee(contract_hours="32", name="Anouk de Vries-Jansen")
    del body["contract_fte"]
    updated = client.put(
        "/api/v1/employees/p10023", json=body, headers={**headers, "If-Match": tag}
    )
    assert updated.status_code == 200, updated.get_json()
    assert updated.get_json()["contract_fte"] == "0.8889"
    assert updated.get_json()["competences"] == {}
    assert updated.headers["ETag"] != tag


def test_a_stale_write_gets_409_and_the_other_change_stays(
    client: FlaskClient, headers: dict[str, str], make_employee: Callable[..., Any]
) -> None:
    make_employee("p1", name="Eerste Naam")
    tag = client.get("/api/v1/employees/p1", headers=headers).headers["ETag"]
    first = client.put(
        "/api/v1/employees/p1",
        json=new_employee(username="p1", name="Door HR"),
        headers={**headers, "If-Match": tag},
    )
    assert first.status_code == 200
    second = client.put(
        "/api/v1/employees/p1",
        json=new_employee(username="p1", name="Door script"),
        headers={**headers, "If-Match": tag},
    )
    assert second.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in second.get_json()["message"]
    assert db.session.scalar(db.select(Employee.name)) == "Door HR"
    # the body's version works as well as If-Match
    version = first.get_json()["version"]
    third = client.put(
        "/api/v1/employees/p1",
        json=new_employee(username="p1", name="Met versie", version=version),
        headers=headers,
    )
    assert third.status_code == 200


def test_a_write_without_a_version_is_refused(
    client: FlaskClient, headers: dict[str, str], make_employee: Callable[..., Any]
) -> None:
    make_employee("p1", name="Blijft")
    response = client.put(
        "/api/v1/employees/p1", json=new_employee(username="p1"), headers=headers
    )
    assert response.status_code == 428
    assert "If-Match" in response.get_json()["message"]
    assert db.session.scalar(db.select(Employee.name)) == "Blijft"


def test_the_beheer_checks_and_messages_apply(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    body = new_employee(
        contract_fte="1.2",
        base_function="X",
        home_cluster="Bestaat niet",
        competences={"Onbekend": 2},
    )
    response = client.post("/api/v1/employees", json=body, headers=headers)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["contract_fte"] == [CONTRACT_TOO_LARGE]
    assert errors["base_function"] == [
        "Onbekende rompfunctie 'X': kies A, B, C, D of E."
    ]
    assert errors["home_cluster"] == ["Kies een bestaand cluster"]
    assert errors["competences.Onbekend"] == ["Deze competentie bestaat niet."]
    assert db.session.scalar(db.select(db.func.count(Employee.id))) == 0


def test_request_shape_errors_are_dutch(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/employees",
        json={"name": 5, "contract_fte": "0,5", "extra": 1},
        headers=headers,
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["name"] == ["Verwacht tekst."]
    assert errors["base_function"] == ["Dit veld is verplicht."]
    assert errors["extra"] == ["Onbekend veld."]
    not_json = client.post(
        "/api/v1/employees",
        data="{kapot",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert not_json.status_code == 400
    assert not_json.get_json()["message"] == "Dit is geen geldige JSON."


def test_lists_are_paginated_and_bounded(
    client: FlaskClient, headers: dict[str, str], make_employee: Callable[..., Any]
) -> None:
    for number in range(5):
        make_employee(f"p{number}")
    page = client.get("/api/v1/employees?limit=2&offset=2", headers=headers)
    data = page.get_json()
    assert [e["username"] for e in data["items"]] == ["p2", "p3"]
    assert (data["total"], data["limit"], data["offset"]) == (5, 2, 2)
    too_many = client.get("/api/v1/employees?limit=201", headers=headers)
    assert too_many.status_code == 422
    assert too_many.get_json()["errors"]["limit"] == [
        "Kies een limit van 1 tot en met 200."
    ]


def test_roles_use_codes_names_and_exact_fte(
    client: FlaskClient,
    headers: dict[str, str],
    make_cluster: Callable[..., Any],
    make_competence: Callable[..., Any],
) -> None:
    make_cluster("Bedrijfsvoering")
    make_competence("Financiën")
    body = {
        "code": "R12",
        "name": "Begroting",
        "cluster": "Bedrijfsvoering",
        "fte": "0.4444",
        "base_functions": ["A", "B"],
        "requirements": {"Financiën": 2},
        "splittable": True,
        "max_holders": 2,
        "min_share": "0.2222",
    }
    created = client.post("/api/v1/roles", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    data = created.get_json()
    assert (data["fte"], data["min_share"]) == ("0.4444", "0.2222")
    assert data["requirements"] == {"Financiën": 2}
    tag = created.headers["ETag"]
    stale = {**body, "name": "Begroting en jaarrekening"}
    ok = client.put(
        "/api/v1/roles/R12", json=stale, headers={**headers, "If-Match": tag}
    )
    assert ok.status_code == 200
    again = client.put(
        "/api/v1/roles/R12",
        json={**body, "name": "Oud"},
        headers={**headers, "If-Match": tag},
    )
    assert again.status_code == 409
    assert db.session.scalar(db.select(Role.name)) == "Begroting en jaarrekening"
    bad = client.post(
        "/api/v1/roles",
        json={**body, "code": "R13", "cluster": "Nergens", "requirements": {"X": 5}},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.get_json()["errors"]["cluster"] == ["Kies een bestaand cluster"]
    assert "requirements.X" in bad.get_json()["errors"]


def test_competences_are_written_with_if_match(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    created = client.post(
        "/api/v1/competences", json={"name": "Regievoering"}, headers=headers
    )
    assert created.status_code == 201
    tag = created.headers["ETag"]
    duplicate = client.post(
        "/api/v1/competences", json={"name": "regievoering"}, headers=headers
    )
    assert duplicate.status_code == 422
    assert duplicate.get_json()["errors"]["name"] == [
        "Er is al een competentie 'regievoering'."
    ]
    changed = client.put(
        "/api/v1/competences/Regievoering",
        json={"name": "Regievoering", "description": "Sturen op samenwerking"},
        headers={**headers, "If-Match": tag},
    )
    assert changed.status_code == 200
    stale = client.put(
        "/api/v1/competences/Regievoering",
        json={"name": "Regie"},
        headers={**headers, "If-Match": tag},
    )
    assert stale.status_code == 409
    listed = client.get("/api/v1/competences", headers=headers).get_json()
    assert listed["items"] == [
        {
            "name": "Regievoering",
            "description": "Sturen op samenwerking",
            "active": True,
        }
    ]


def test_every_write_is_audited_as_the_keys_owner(
    client: FlaskClient, headers: dict[str, str], owner: Any
) -> None:
    client.post("/api/v1/competences", json={"name": "Regievoering"}, headers=headers)
    actions = [
        (e.action, e.user_id)
        for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))
    ]
    assert ("api.request", owner.id) in actions
    assert ("beheer.create", owner.id) in actions


def test_an_update_without_the_e_mail_keeps_it_and_the_spil_role_stays(
    client: FlaskClient,
    headers: dict[str, str],
    make_cluster: Callable[..., Any],
) -> None:
    """An HR sync that does not send the e-mail address (or cannot say whose spil
    someone is) must not wipe what beheer set; '' clears the address on purpose."""
    from ommen_rollen.domain import UserRole
    from ommen_rollen.models import User
    from ommen_rollen.services import staff

    cluster = make_cluster("Sociaal Domein")
    secretary = db.session.scalar(
        db.select(User).where(User.role == UserRole.SECRETARY)
    )  # the key's owner
    employee, _ = staff.create_employee(
        staff.EmployeeInput(
            name="Anouk de Vries",
            username="p10023",
            contract="0.7778",
            base_function="B",
            email="anouk@ommen.nl",
            spil_cluster_id=cluster.id,
        ),
        secretary,
    )
    tag = client.get("/api/v1/employees/p10023", headers=headers).headers["ETag"]
    assert client.get("/api/v1/employees/p10023", headers=headers).get_json()[
        "email"
    ] == ("anouk@ommen.nl")
    kept = client.put(
        "/api/v1/employees/p10023",
        json=new_employee(username="p10023", name="A. de Vries"),
        headers={**headers, "If-Match": tag},
    )
    assert kept.status_code == 200, kept.get_json()
    assert kept.get_json()["email"] == "anouk@ommen.nl"
    account = db.session.scalar(db.select(User).where(User.employee_id == employee.id))
    assert account.role == UserRole.COORDINATOR and account.cluster_id == cluster.id
    cleared = client.put(
        "/api/v1/employees/p10023",
        json=new_employee(username="p10023", email=""),
        headers={**headers, "If-Match": kept.headers["ETag"]},
    )
    assert cleared.status_code == 200, cleared.get_json()
    assert db.session.get(Employee, employee.id).email in (None, "")


def test_an_employee_created_through_the_api_gets_its_e_mail_address(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    created = client.post(
        "/api/v1/employees",
        json=new_employee(email="Anouk.deVries@Ommen.nl"),
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["email"] == "anouk.devries@ommen.nl"
    taken = client.post(
        "/api/v1/employees",
        json=new_employee(username="p2", email="anouk.devries@ommen.nl"),
        headers=headers,
    )
    assert taken.status_code == 422
    assert "al van een ander" in str(taken.get_json())
