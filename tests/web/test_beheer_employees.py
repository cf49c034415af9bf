"""Beheer of medewerkers: create with an account, edit, validation, stale saves."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from ommen_rollen.domain import BaseFunction, UserRole
from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry, Employee, User
from tests.web.conftest import error_next_to, page, snapshot


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Bram Jansen",
        "username": "bram",
        "contract": "32",
        "contract_unit": "uren",
        "base_function": "B",
        "home_cluster_id": "",
        "active": "y",
    }
    data.update(overrides)
    return data


def with_levels(data: dict[str, Any], levels: dict[Any, Any]) -> dict[str, Any]:
    for index, (competence_id, level) in enumerate(levels.items()):
        data[f"competences-{index}-competence_id"] = str(competence_id)
        data[f"competences-{index}-level"] = str(level)
    return data


def employee(username: str) -> Employee | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Employee).where(Employee.username == username))


def test_the_new_medewerker_form_lists_every_active_competence(
    client: Any, as_secretary: Any, make_competence: Any
) -> None:
    make_competence("regievoering")
    make_competence("oud", active=False)
    html = page(client.get("/beheer/medewerkers/nieuw"))
    assert "regievoering" in html and ">oud<" not in html
    assert 'name="competences-0-level"' in html


def test_creating_a_medewerker_stores_contract_competences_and_an_account(
    client: Any, auth: Any, as_secretary: Any, make_cluster: Any, make_competence: Any
) -> None:
    cluster = make_cluster("Regie en Coördinatie")
    regie, schrijven = make_competence("regievoering"), make_competence("schrijven")
    data = with_levels(
        form_data(home_cluster_id=str(cluster.id)), {regie.id: 2, schrijven.id: ""}
    )
    response = client.post("/beheer/medewerkers/nieuw", data=data)
    assert response.status_code == 200
    assert "Eerste wachtwoord voor Bram Jansen" in page(response)
    made = employee("bram")
    assert made is not None
    assert made.contract_units == 8889  # 32 of 36 hours, exact units
    assert made.base_function == BaseFunction.B
    assert made.home_cluster_id == cluster.id
    assert made.competence_levels() == {"regievoering": 2}
    assert made.version_id == 1
    assert made.created_by_id == as_secretary.id
    account = db.session.scalar(sa.select(User).where(User.username == "bram"))
    assert account is not None and account.employee_id == made.id
    assert account.role == UserRole.EMPLOYEE
    assert db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.action == "beheer.create", AuditEntry.object_id == made.id
        )
    )


def first_password_in(html: str) -> str:
    match = re.search(r'<code class="app-first-password">([a-z0-9-]+)</code>', html)
    assert match, html
    return match.group(1)


def test_the_first_password_is_shown_once_and_must_be_changed_at_first_login(
    client: Any, auth: Any, as_secretary: Any
) -> None:
    response = client.post("/beheer/medewerkers/nieuw", data=form_data())
    assert response.headers["Cache-Control"] == "no-store"
    password = first_password_in(page(response))
    assert password != "demo" and len(password) >= 12
    # Never in the (signed, readable) session cookie: no flash carries it.
    cookie = client.get_cookie("session")
    assert cookie is None or password not in _decoded(cookie.value)
    assert password not in page(client.get("/beheer/medewerkers"))
    auth.logout()
    assert auth.login("bram", password).status_code == 302
    assert client.get("/").headers["Location"] == "/account/wachtwoord"


def _decoded(cookie: str) -> str:
    import base64
    import zlib

    data = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return (zlib.decompress(raw) if cookie.startswith(".") else raw).decode()


def test_two_new_medewerkers_get_different_passwords(
    client: Any, as_secretary: Any
) -> None:
    passwords = []
    for username in ("bram", "carla"):
        response = client.post(
            "/beheer/medewerkers/nieuw", data=form_data(username=username)
        )
        passwords.append(first_password_in(page(response)))
    assert passwords[0] != passwords[1]


def test_the_email_address_is_stored_and_becomes_the_username_when_none_is_given(
    client: Any, as_secretary: Any
) -> None:
    data = form_data(username="", email="Bram.Jansen@Ommen.nl")
    assert client.post("/beheer/medewerkers/nieuw", data=data).status_code == 200
    made = employee("bram.jansen@ommen.nl")
    assert made is not None and made.email == "bram.jansen@ommen.nl"
    account = db.session.scalar(sa.select(User).where(User.employee_id == made.id))
    assert account is not None and account.username == "bram.jansen@ommen.nl"
    assert account.must_change_password


@pytest.mark.parametrize(
    ("email", "message"),
    [("bram@", "geen geldig e-mailadres"), ("bram ommen.nl", "geen geldig")],
)
def test_an_invalid_email_address_is_refused(
    client: Any, as_secretary: Any, email: str, message: str
) -> None:
    before = snapshot()
    response = client.post("/beheer/medewerkers/nieuw", data=form_data(email=email))
    assert response.status_code == 422
    assert message in error_next_to(page(response), "email")
    assert snapshot() == before


def test_an_email_address_of_someone_else_is_refused(
    client: Any, as_secretary: Any, make_employee: Any
) -> None:
    make_employee("carla", email="carla@ommen.nl")
    before = snapshot()
    data = form_data(email="CARLA@ommen.nl")
    response = client.post("/beheer/medewerkers/nieuw", data=data)
    assert "al van een ander" in error_next_to(page(response), "email")
    assert snapshot() == before


def test_a_spil_is_a_medewerker_whose_account_reads_a_cluster(
    client: Any, auth: Any, as_secretary: Any, make_cluster: Any
) -> None:
    cluster = make_cluster("Samenleving")
    data = form_data(spil_cluster_id=str(cluster.id))
    password = first_password_in(
        page(client.post("/beheer/medewerkers/nieuw", data=data))
    )
    made = employee("bram")
    assert made is not None
    account = db.session.scalar(sa.select(User).where(User.employee_id == made.id))
    assert account is not None
    assert account.role == UserRole.COORDINATOR and account.cluster_id == cluster.id
    edit = edit_data(made, spil_cluster_id="")
    assert client.post(f"/beheer/medewerkers/{made.id}", data=edit).status_code == 302
    db.session.expire_all()
    assert account.role == UserRole.EMPLOYEE and account.cluster_id is None
    assert password


def test_a_new_first_password_replaces_the_old_one(
    client: Any, auth: Any, as_secretary: Any, make_employee: Any
) -> None:
    made = make_employee("carla")  # no account yet, as made before accounts
    response = client.post(f"/beheer/medewerkers/{made.id}/eerste-wachtwoord")
    password = first_password_in(page(response))
    auth.logout()
    assert auth.login("carla", password).status_code == 302
    assert client.get("/").headers["Location"] == "/account/wachtwoord"


@pytest.mark.parametrize(
    ("contract", "unit", "units"),
    [("0,8889", "fte", 8889), ("1", "fte", 10_000), ("18", "uren", 5000)],
)
def test_the_contract_is_accepted_in_fte_or_in_hours(
    client: Any, as_secretary: Any, contract: str, unit: str, units: int
) -> None:
    data = form_data(contract=contract, contract_unit=unit)
    assert client.post("/beheer/medewerkers/nieuw", data=data).status_code == 200
    made = employee("bram")
    assert made is not None and made.contract_units == units


@pytest.mark.parametrize(
    ("contract", "unit", "message"),
    [
        ("-0,5", "fte", "groter dan 0"),
        ("0", "fte", "groter dan 0"),
        ("0", "uren", "groter dan 0"),
        ("1,2", "fte", "hoogstens 1 fte"),
        ("40", "uren", "hoogstens 1 fte"),
        ("0,12345", "fte", "meer dan vier decimalen"),
        ("32,125", "uren", "hoogstens twee decimalen"),
        ("veel", "fte", "geen getal"),
        ("", "fte", "Vul het contract in"),
    ],
)
def test_a_wrong_contract_is_refused_next_to_the_field_and_changes_nothing(
    client: Any, as_secretary: Any, contract: str, unit: str, message: str
) -> None:
    before = snapshot()
    data = form_data(contract=contract, contract_unit=unit)
    response = client.post("/beheer/medewerkers/nieuw", data=data)
    assert response.status_code == 422
    assert message in error_next_to(page(response), "contract")
    assert snapshot() == before


def test_an_unknown_rompfunctie_is_refused(client: Any, as_secretary: Any) -> None:
    before = snapshot()
    response = client.post(
        "/beheer/medewerkers/nieuw", data=form_data(base_function="Z")
    )
    assert "Onbekende rompfunctie" in error_next_to(page(response), "base_function")
    assert snapshot() == before


@pytest.mark.parametrize("taken", ["bram", "BRAM", "secretaris"])
def test_a_username_in_use_by_a_medewerker_or_an_account_is_refused(
    client: Any, as_secretary: Any, make_employee: Any, taken: str
) -> None:
    make_employee("bram")
    before = snapshot()
    response = client.post("/beheer/medewerkers/nieuw", data=form_data(username=taken))
    assert "al in gebruik" in error_next_to(page(response), "username")
    assert snapshot() == before


def test_a_username_with_spaces_is_refused(client: Any, as_secretary: Any) -> None:
    response = client.post(
        "/beheer/medewerkers/nieuw", data=form_data(username="bram jansen")
    )
    assert "kleine letters" in error_next_to(page(response), "username")
    assert employee("bram jansen") is None


@pytest.mark.parametrize("level", ["4", "0", "x"])
def test_a_competence_level_outside_one_to_three_is_refused(
    client: Any, as_secretary: Any, make_competence: Any, level: str
) -> None:
    regie = make_competence("regievoering")
    before = snapshot()
    data = with_levels(form_data(), {regie.id: level})
    response = client.post("/beheer/medewerkers/nieuw", data=data)
    assert "Kies niveau 1, 2 of 3" in error_next_to(
        page(response), "competences-0-level"
    )
    assert snapshot() == before


def test_a_tampered_competence_id_is_refused(client: Any, as_secretary: Any) -> None:
    before = snapshot()
    data = with_levels(form_data(), {99999: 2})
    response = client.post("/beheer/medewerkers/nieuw", data=data)
    assert "bestaat niet" in error_next_to(page(response), "competences-0-level")
    assert snapshot() == before


def test_a_tampered_home_cluster_is_refused(client: Any, as_secretary: Any) -> None:
    before = snapshot()
    data = form_data(home_cluster_id="12345")
    response = client.post("/beheer/medewerkers/nieuw", data=data)
    assert "bestaand cluster" in error_next_to(page(response), "home_cluster_id")
    assert snapshot() == before


def test_all_errors_of_a_form_are_shown_at_once(client: Any, as_secretary: Any) -> None:
    data = form_data(name="", contract="2", contract_unit="fte", base_function="Q")
    html = page(client.post("/beheer/medewerkers/nieuw", data=data))
    for field_id in ("name", "contract", "base_function"):
        assert error_next_to(html, field_id)
    assert "Het formulier is niet opgeslagen" in html


def edit_data(made: Employee, **overrides: Any) -> dict[str, Any]:
    data = form_data(
        name=made.name,
        username=made.username,
        contract="1",
        contract_unit="fte",
        base_function=made.base_function.value,
        version_id=str(made.version_id),
    )
    data.update(overrides)
    return data


def test_the_edit_form_shows_the_stored_medewerker(
    client: Any, as_secretary: Any, make_employee: Any
) -> None:
    made = make_employee("bram", contract_units=8889, competences={"regie": 3})
    html = page(client.get(f"/beheer/medewerkers/{made.id}"))
    assert 'value="0,8889"' in html
    assert f'name="version_id" type="hidden" value="{made.version_id}"' in html
    assert re.search(r'<option selected value="3">3</option>', html)


def test_editing_a_medewerker_changes_contract_competences_and_username(
    client: Any, as_secretary: Any, make_user: Any, make_competence: Any
) -> None:
    account = make_user("bram")
    made = db.session.get(Employee, account.employee_id)
    regie = make_competence("regievoering")
    data = with_levels(
        edit_data(made, contract="24", contract_unit="uren", username="bram.j"),
        {regie.id: 3},
    )
    response = client.post(f"/beheer/medewerkers/{made.id}", data=data)
    assert response.status_code == 302
    changed = employee("bram.j")
    assert changed is not None
    assert changed.contract_units == 6667
    assert changed.competence_levels() == {"regievoering": 3}
    assert changed.version_id == 2
    assert changed.updated_by_id == as_secretary.id
    assert db.session.get(User, account.id).username == "bram.j"


def test_a_medewerker_may_keep_their_own_username(
    client: Any, as_secretary: Any, make_user: Any
) -> None:
    made = db.session.get(Employee, make_user("bram").employee_id)
    response = client.post(f"/beheer/medewerkers/{made.id}", data=edit_data(made))
    assert response.status_code == 302


def test_a_stale_save_is_refused_and_changes_nothing(
    client: Any, as_secretary: Any, make_employee: Any, make_competence: Any
) -> None:
    made = make_employee("bram")
    regie = make_competence("regievoering")
    first = edit_data(made, name="Bram de Eerste")
    second = with_levels(edit_data(made, name="Bram de Tweede"), {regie.id: 1})
    assert client.post(f"/beheer/medewerkers/{made.id}", data=first).status_code == 302
    before = snapshot()
    response = client.post(f"/beheer/medewerkers/{made.id}", data=second)
    assert response.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in page(response)
    assert snapshot() == before
    assert employee("bram").name == "Bram de Eerste"


def test_changing_only_competences_still_bumps_the_version(
    client: Any, as_secretary: Any, make_employee: Any, make_competence: Any
) -> None:
    made = make_employee("bram")
    regie = make_competence("regievoering")
    data = with_levels(edit_data(made), {regie.id: 2})
    client.post(f"/beheer/medewerkers/{made.id}", data=data)
    assert employee("bram").version_id == 2


def test_a_save_without_a_version_is_treated_as_stale(
    client: Any, as_secretary: Any, make_employee: Any
) -> None:
    made = make_employee("bram")
    data = edit_data(made)
    del data["version_id"]
    before = snapshot()
    response = client.post(f"/beheer/medewerkers/{made.id}", data=data)
    assert response.status_code == 409
    assert snapshot() == before
