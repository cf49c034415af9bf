"""One set of bounds (services.limits) for the beheer screens and every import:
what a form refuses, a file refuses too, with the same Dutch words, and a value
no one can mean (1e999999 fte, a name with a line break) is a message, never a
500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from ommen_rollen.extensions import db
from ommen_rollen.models import Cluster, Competence, Employee, PlanningRound, Role
from ommen_rollen.services import imports, limits
from ommen_rollen.services.beheer import InvalidInput
from ommen_rollen.services.imports import ImportRefused
from ommen_rollen.services.organisation import (
    NamedInput,
    RoleInput,
    save_cluster,
    save_competence,
    save_role,
)
from ommen_rollen.services.staff import EmployeeInput, create_employee

pytestmark = pytest.mark.usefixtures("app")


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def beheer_errors(save: Callable[[], Any]) -> dict[str, list[str]]:
    """The field errors of a refused beheer save ({} when it was saved)."""
    try:
        save()
    except InvalidInput as exc:
        return exc.errors
    return {}


def import_errors(kind: str, csv: str) -> list[str]:
    """The messages of a refused CSV import ([] when it was imported)."""
    try:
        imports.import_file(kind, "x.csv", csv.encode(), None)
    except ImportRefused as exc:
        return [str(exc), *map(str, exc.errors)]
    return []


@pytest.fixture
def cluster(make_cluster: Callable[..., Any]) -> Cluster:
    return make_cluster("Regie")


def role_input(cluster: Cluster, code: str, **changes: Any) -> RoleInput:
    fields: dict[str, Any] = {
        "code": code,
        "name": "Regie afval",
        "cluster_id": str(cluster.id),
        "fte": "1",
        "base_functions": ["A"],
        "splittable": True,
        "min_share": "0,05",
    }
    fields.update(changes)
    return RoleInput(**fields)


ROLES_CSV = "Rolcode;Naam;Cluster;Omvang (fte);Rompfuncties;Deelbaar;Kleinste deel (fte);{column}\n"  # noqa: E501


@pytest.mark.parametrize(
    ("field", "column", "maximum"),
    [
        ("backups_needed", "Aantal vervangers", limits.MAX_BACKUPS),
        ("max_holders", "Max. aantal rolhouders", limits.MAX_HOLDERS),
    ],
)
def test_backups_and_holders_have_one_bound_in_beheer_and_import(
    cluster: Cluster, secretary: Any, field: str, column: str, maximum: int
) -> None:
    header = ROLES_CSV.format(column=column)

    def csv(code: str, value: int) -> str:
        return header + f"{code};Regie afval;Regie;1;A;ja;0,05;{value}\n"

    assert (
        beheer_errors(
            lambda: save_role(role_input(cluster, "b1", **{field: maximum}), secretary)
        )
        == {}
    )
    assert import_errors("roles", csv("i1", maximum)) == []
    refused = beheer_errors(
        lambda: save_role(role_input(cluster, "b2", **{field: maximum + 1}), secretary)
    )
    low = 0 if field == "backups_needed" else 1
    assert refused == {field: [f"Vul een getal van {low} tot en met {maximum} in."]}
    messages = import_errors("roles", csv("i2", maximum + 1))
    assert messages[1].endswith(": " + refused[field][0])
    assert {r.code for r in db.session.scalars(select(Role))} == {"b1", "i1"}


def test_competences_per_employee_are_bounded_in_beheer_and_import(
    make_competence: Callable[..., Any],
    secretary: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MAX_COMPETENCES_PER_EMPLOYEE", 2)
    a, b, c = (make_competence(name) for name in ("a", "b", "c"))

    def employee(username: str, levels: list[Any]) -> EmployeeInput:
        return EmployeeInput(
            name="Anouk de Vries",
            username=username,
            contract="1",
            base_function="B",
            competences=[(x.id, "1") for x in levels],
        )

    assert (
        beheer_errors(lambda: create_employee(employee("e2", [a, b]), secretary)) == {}
    )
    refused = beheer_errors(
        lambda: create_employee(employee("e3", [a, b, c]), secretary)
    )
    assert refused == {
        "competences": ["Hoogstens 2 competenties per medewerker (nu 3)."]
    }
    header = "Gebruikersnaam;Naam;Contract (fte);Rompfunctie;Competenties\n"
    assert import_errors("employees", header + 'i2;Bram;1;B;"a:1; b:2"\n') == []
    messages = import_errors("employees", header + 'i3;Carla;1;B;"a:1; b:2; c:3"\n')
    assert "Hoogstens 2 competenties per medewerker (nu 3)." in messages[1]
    assert {e.username for e in db.session.scalars(select(Employee))} == {"e2", "i2"}


def test_the_number_of_competences_is_bounded_in_beheer_and_import(
    make_competence: Callable[..., Any],
    secretary: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MAX_COMPETENCES", 2)
    make_competence("regievoering")

    save_competence(NamedInput(name="juridisch"), secretary)
    refused = beheer_errors(
        lambda: save_competence(NamedInput(name="beleid"), secretary)
    )
    messages = import_errors("competences", "Naam\nbeleid\nfinanciën\n")

    expected = (
        "Er kunnen hoogstens 2 competenties zijn; er zijn er nu 2, dit zou 3 maken."
    )
    assert refused == {"name": [expected]}
    assert (
        "Er kunnen hoogstens 2 competenties zijn; er zijn er nu 2, dit zou 4 maken."
        in (messages[1])
    )
    assert count(Competence) == 2


def test_employees_and_roles_are_bounded_in_number_in_import(
    make_employee: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_EMPLOYEES", 1)
    make_employee("anouk")
    header = "Gebruikersnaam;Naam;Contract (fte);Rompfunctie\n"

    messages = import_errors("employees", header + "anouk;Anouk;1;B\nbram;Bram;1;A\n")

    assert messages[1] == (
        "Rij 3, kolom 'Gebruikersnaam': Er kunnen hoogstens 1 medewerkers zijn; er "
        "zijn er nu 1, dit zou 2 maken."
    )
    assert count(Employee) == 1


@pytest.mark.parametrize("name", ["Regie\nen Coördinatie", "Regie\ten", "Re\x85gie"])
def test_names_with_line_breaks_are_refused_in_beheer_and_import(
    secretary: Any, name: str
) -> None:
    refused = beheer_errors(lambda: save_cluster(NamedInput(name=name), secretary))
    quoted = name.replace('"', '""')
    messages = import_errors(
        "employees",
        f'Gebruikersnaam;Naam;Contract (fte);Rompfunctie\nanouk;"{quoted}";1;B\n',
    )

    sentence = "Gebruik geen regeleinden, tabs of andere besturingstekens."
    assert refused == {"name": [sentence]}
    assert any(sentence in m for m in messages), messages
    assert count(Cluster) == count(Employee) == 0


def test_a_role_code_follows_one_rule_in_beheer_and_import(
    cluster: Cluster, secretary: Any
) -> None:
    refused = beheer_errors(lambda: save_role(role_input(cluster, "R 12"), secretary))
    assert refused == {
        "code": [f"'R 12' is geen geldige rolcode. {limits.ROLE_CODE_RULE}"]
    }
    messages = import_errors(
        "roles", "Rolcode;Naam;Cluster;Omvang (fte);Rompfuncties\nR 12;X;Regie;1;A\n"
    )
    assert messages[1].endswith(": " + refused["code"][0])
    assert count(Role) == 0


@pytest.mark.parametrize("value", ["1e999999", "1e308", "9" * 400, "-1e400"])
def test_an_fte_no_one_can_mean_is_a_dutch_message_in_beheer_and_import(
    cluster: Cluster, secretary: Any, auth: Any, client: Any, value: str
) -> None:
    auth.login("secretaris")
    page = client.post(
        "/beheer/rollen/nieuw",
        data={
            "code": "R20",
            "name": "Regie afval",
            "cluster_id": str(cluster.id),
            "fte": value,
            "base_functions": ["A"],
            "backups_needed": "1",
            "max_holders": "1",
        },
    )
    assert page.status_code == 422  # the form again, with the message
    assert "Het formulier is niet opgeslagen" in page.get_data(as_text=True)
    for column in ("Contract (fte)", "Contract (uur per week)", "Deeltijdpercentage"):
        messages = import_errors(
            "employees",
            f"Gebruikersnaam;Naam;{column};Rompfunctie\nanouk;Anouk;{value};B\n",
        )
        assert messages and "Rij 2" in messages[1], (column, messages)
    messages = import_errors(
        "roles",
        f"Rolcode;Naam;Cluster;Omvang (fte);Rompfuncties\nr1;X;Regie;{value};A\n",
    )
    assert messages and "Rij 2, kolom 'Omvang (fte)'" in messages[1]
    assert count(Role) == count(Employee) == 0


@pytest.mark.parametrize("label", ["2027\nH1", "2027\r\nH1", "2027\tH1", "2027\u2028"])
def test_a_new_round_name_refuses_line_breaks_and_control_characters(
    secretary: Any, auth: Any, client: Any, label: str
) -> None:
    auth.login("secretaris")
    page = client.post(
        "/planning/rondes/nieuw",
        data={"label": label, "starts_on": "2027-01-01", "ends_on": "2027-06-30"},
    )
    assert page.status_code == 200
    assert "Gebruik geen regeleinden" in page.get_data(as_text=True)
    assert count(PlanningRound) == 0


ROLE_COLUMNS = {
    "code": "Rolcode",
    "fte": "Omvang (fte)",
    "base_functions": "Rompfuncties",
    "min_share": "Kleinste deel (fte)",
    "backups_needed": "Aantal vervangers",
    "max_holders": "Max. aantal rolhouders",
}
GOOD_ROLE = {
    "code": "r1",
    "fte": "1",
    "base_functions": "A",
    "min_share": "0,05",
    "backups_needed": "1",
    "max_holders": "2",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "R 12"),
        ("fte", "0"),
        ("fte", "11"),
        ("fte", "veel"),
        ("fte", "0,12345"),
        ("base_functions", "X"),
        ("min_share", "2"),
        ("min_share", "0"),
        ("backups_needed", "-1"),
        ("backups_needed", "11"),
        ("backups_needed", "twee"),
        ("max_holders", "0"),
        ("max_holders", "21"),
        ("max_holders", "1,5"),
    ],
)
def test_a_bad_role_value_gets_the_same_refusal_in_beheer_and_import(
    cluster: Cluster, secretary: Any, field: str, value: str
) -> None:
    typed = {**GOOD_ROLE, field: value}
    form = {k: v for k, v in typed.items() if k != "base_functions"}
    refused = beheer_errors(
        lambda: save_role(
            role_input(cluster, base_functions=list(typed["base_functions"]), **form),
            secretary,
        )
    )
    header = "Naam;Cluster;Deelbaar;" + ";".join(ROLE_COLUMNS.values())
    row = "Regie afval;Regie;ja;" + ";".join(typed[k] for k in ROLE_COLUMNS)
    messages = import_errors("roles", f"{header}\n{row}\n")

    assert list(refused) == [field] and len(refused[field]) == 1
    assert len(messages) == 2, messages
    assert messages[1].endswith(f"kolom '{ROLE_COLUMNS[field]}': {refused[field][0]}")
    assert count(Role) == 0


EMPLOYEE_COLUMNS = {
    "username": "Gebruikersnaam",
    "contract": "Contract (fte)",
    "hours": "Contract (uur per week)",
    "base_function": "Rompfunctie",
    "competences": "Competenties",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "anouk de vries"),
        ("contract", "1,2"),
        ("contract", "0"),
        ("hours", "40"),
        ("hours", "32,125"),
        ("base_function", "X"),
        ("competences", "4"),
    ],
)
def test_a_bad_employee_value_gets_the_same_refusal_in_beheer_and_import(
    make_competence: Callable[..., Any], secretary: Any, field: str, value: str
) -> None:
    regie = make_competence("regie")
    typed = {
        "username": "anouk",
        "contract": "",
        "hours": "",
        "base_function": "B",
        "competences": "2",
        "name": "Anouk de Vries",
        field: value,
    }
    hours = bool(typed["hours"])
    if not hours and not typed["contract"]:
        typed["contract"] = "1"
    refused = beheer_errors(
        lambda: create_employee(
            EmployeeInput(
                name=typed["name"],
                username=typed["username"],
                contract=typed["hours"] if hours else typed["contract"],
                contract_unit="uren" if hours else "fte",
                base_function=typed["base_function"],
                competences=[(regie.id, typed["competences"])],
            ),
            secretary,
        )
    )
    cells = {**typed, "competences": f"regie:{typed['competences']}"}
    header = "Naam;" + ";".join(EMPLOYEE_COLUMNS.values())
    row = f"{typed['name']};" + ";".join(cells[k] for k in EMPLOYEE_COLUMNS)
    messages = import_errors("employees", f"{header}\n{row}\n")

    beheer_field = {"hours": "contract", "competences": f"competences.{regie.id}"}
    (message,) = refused[beheer_field.get(field, field)]
    assert len(messages) == 2, messages
    assert f"kolom '{EMPLOYEE_COLUMNS[field]}': " in messages[1]
    assert messages[1].endswith(message)
    assert count(Employee) == 0


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("1", False),
        (3600, False),
        (600.0, False),
        (" 30 ", False),
        ("0", True),
        (3601, True),
        ("2,5", True),
        (2.5, True),
        ("nan", True),
        ("inf", True),
        ("1e999999", True),
        ("9" * 40, True),
        ("dertig", True),
        ("", True),
    ],
)
def test_a_time_limit_is_a_whole_number_of_seconds_within_one_bound(
    value: Any, refused: bool
) -> None:
    problem = limits.time_limit_problem(value)
    assert problem == (limits.TIME_LIMIT_RULE if refused else None)
    assert limits.SETTING_BOUNDS["time_limit_s"] == limits.TIME_LIMIT_S
