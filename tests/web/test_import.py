"""Imports of employees, competences and roles from CSV and XLSX: good files,
files with errors in some rows, encodings, huge files, formula cells, personal
data, presets, re-imports, and the web flow upload -> columns -> preview -> commit."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select

from ommen_rollen.domain import BaseFunction
from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry, Competence, Employee, Role
from ommen_rollen.services import imports
from ommen_rollen.services.imports import ImportRefused

pytestmark = pytest.mark.usefixtures("app")

EMPLOYEES_CSV = (
    "Gebruikersnaam;Naam;Contract (uur per week);Rompfunctie;Cluster;Competenties\n"
    "anouk.devries;Anouk de Vries;32;B;Regie en Coördinatie;"
    '"regievoering:2; communicatie:1"\n'
    "bram.jansen;Bram Jansen;36;A;;regievoering:3\n"
    "carla.bakker;Carla Bakker;18;D;Regie en Coördinatie;\n"
)


@pytest.fixture
def organisation(
    make_cluster: Callable[..., Any], make_competence: Callable[..., Any]
) -> dict[str, Any]:
    return {
        "cluster": make_cluster("Regie en Coördinatie"),
        "regie": make_competence("regievoering"),
        "communicatie": make_competence("communicatie"),
    }


def employees() -> dict[str, Employee]:
    return {e.username: e for e in db.session.scalars(select(Employee))}


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def refused(kind: str, filename: str, data: bytes, **limits: int) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        imports.import_file(kind, filename, data, None, **limits)
    return caught.value


# --- good files and re-imports ----------------------------------------------------


def test_a_good_employee_file_creates_everyone_with_contract_and_competences(
    organisation: dict[str, Any], secretary: Any
) -> None:
    summary = imports.import_file(
        "employees", "mw.csv", EMPLOYEES_CSV.encode(), secretary
    )

    assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
    people = employees()
    anouk = people["anouk.devries"]
    assert anouk.name == "Anouk de Vries"
    assert anouk.contract_units == 8889  # 32 of 36 hours, exact units
    assert anouk.base_function == BaseFunction.B
    assert anouk.home_cluster_id == organisation["cluster"].id
    assert anouk.competence_levels() == {"regievoering": 2, "communicatie": 1}
    assert people["bram.jansen"].contract_units == 10_000
    assert people["bram.jansen"].home_cluster_id is None
    assert people["carla.bakker"].contract_units == 5000
    assert anouk.created_by_id == secretary.id
    actions = [e.action for e in db.session.scalars(select(AuditEntry))]
    assert actions.count("import_create") == 3 and "import" in actions


def test_importing_the_same_file_again_changes_nothing(
    organisation: dict[str, Any], secretary: Any
) -> None:
    imports.import_file("employees", "mw.csv", EMPLOYEES_CSV.encode(), secretary)
    before = {
        u: (e.version_id, e.updated_at, e.competence_levels())
        for u, e in employees().items()
    }
    audit_before = count(AuditEntry)

    summary = imports.import_file(
        "employees", "mw.csv", EMPLOYEES_CSV.encode(), secretary
    )

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)
    db.session.expire_all()
    after = {
        u: (e.version_id, e.updated_at, e.competence_levels())
        for u, e in employees().items()
    }
    assert after == before
    assert count(AuditEntry) == audit_before + 1  # only the import itself


def test_a_changed_row_updates_the_employee_in_place_by_username(
    organisation: dict[str, Any], secretary: Any
) -> None:
    imports.import_file("employees", "mw.csv", EMPLOYEES_CSV.encode(), secretary)
    anouk_id = employees()["anouk.devries"].id
    changed = (
        "Gebruikersnaam;Contract (fte);Competenties\n"
        "anouk.devries;0,7222;communicatie:3\n"
    )

    summary = imports.import_file("employees", "wijz.csv", changed.encode(), secretary)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    db.session.expire_all()
    anouk = employees()["anouk.devries"]
    assert anouk.id == anouk_id
    assert anouk.contract_units == 7222
    assert anouk.competence_levels() == {"communicatie": 3}  # the list replaces
    assert anouk.name == "Anouk de Vries"  # columns not in the file stay
    update = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "import_update")
    ).one()
    assert update.object_id == anouk_id
    assert "contract: 0,8889 fte → 0,7222 fte" in update.details["changes"]


def test_usernames_are_matched_and_stored_in_lower_case(
    organisation: dict[str, Any], make_employee: Callable[..., Any]
) -> None:
    make_employee("anouk.devries", contract_units=5000)
    data = (
        "Gebruikersnaam;Naam;Contract (fte);Rompfunctie\n"
        "Anouk.DeVries;;0,8;\nNieuw.Persoon;Nieuw Persoon;1;C\n"
    )

    summary = imports.import_file("employees", "mw.csv", data.encode(), None)

    assert (summary.created, summary.updated) == (1, 1)
    people = employees()
    assert people["anouk.devries"].contract_units == 8000
    assert "nieuw.persoon" in people


def test_a_new_employee_cannot_take_the_username_of_an_account(
    organisation: dict[str, Any], secretary: Any
) -> None:
    data = "Gebruikersnaam;Naam;Contract (fte);Rompfunctie\nSecretaris;S;1;E\n"

    error = refused("employees", "mw.csv", data.encode())

    assert "al in gebruik" in str(error.errors[0])
    assert count(Employee) == 0


def test_competences_are_imported_and_updated_by_name(secretary: Any) -> None:
    data = "Competentie;Omschrijving\nregievoering;Sturen op partners\nHRM;\n"
    assert imports.import_file("competences", "c.csv", data.encode(), None).created == 2
    again = "Competentie;Omschrijving\nRegievoering;Sturen op uitbesteed werk\n"

    summary = imports.import_file("competences", "c.csv", again.encode(), None)

    assert (summary.created, summary.updated) == (0, 1)
    names = {c.name: c.description for c in db.session.scalars(select(Competence))}
    assert names == {"regievoering": "Sturen op uitbesteed werk", "HRM": ""}


def test_roles_are_imported_with_requirements_and_updated_by_code(
    organisation: dict[str, Any],
) -> None:
    data = (
        "Rolcode;Naam;Cluster;fte;Rompfuncties;Vervangers;Deelbaar;"
        "Max. rolhouders;Kleinste deel;Vereiste competenties\n"
        "r10;Regie sport;Regie en Coördinatie;0,6;A, B;2;ja;2;0,2;regievoering:2\n"
        "r11;Communicatie;Regie en Coördinatie;0,4;B;;nee;;;\n"
    )
    assert imports.import_file("roles", "rollen.csv", data.encode(), None).created == 2
    role = db.session.scalars(select(Role).where(Role.code == "r10")).one()
    assert (role.name, role.fte_units, role.base_functions_code) == (
        "Regie sport",
        6000,
        "AB",
    )
    assert (role.backups_needed, role.splittable, role.max_holders) == (2, True, 2)
    assert role.min_share_units == 2000
    assert {r.competence.name: r.min_level for r in role.requirements} == {
        "regievoering": 2
    }
    version = role.version_id

    again = imports.import_file("roles", "rollen.csv", data.encode(), None)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    db.session.expire_all()
    assert db.session.get(Role, role.id).version_id == version


# --- bad rows: nothing imported, every error listed -----------------------------


def test_a_file_with_errors_in_some_rows_imports_nothing_and_lists_every_error(
    organisation: dict[str, Any],
) -> None:
    data = (
        "Gebruikersnaam;Naam;Contract (uur per week);Rompfunctie;Competenties\n"
        "goed.persoon;Goed Persoon;36;B;regievoering:1\n"
        "te.veel;Te Veel;40;B;\n"
        "foute.functie;Foute Functie;20;F;\n"
        "onbekend;Onbekende Competentie;20;A;toveren:2\n"
        "niveau;Te Hoog Niveau;20;A;regievoering:4\n"
        "goed.persoon;Dubbel;20;A;\n"
        "geen.naam;;20;A;\n"
        ";Geen Gebruikersnaam;20;A;\n"
    )

    error = refused("employees", "fout.csv", data.encode())

    assert count(Employee) == 0
    assert "niets geïmporteerd" in str(error)
    located = [(e.row, e.column) for e in error.errors]
    assert located == [
        (3, "Contract (uur per week)"),
        (4, "Rompfunctie"),
        (5, "Competenties"),
        (6, "Competenties"),
        (7, "Gebruikersnaam"),
        (8, "Naam"),
        (9, "Gebruikersnaam"),
    ]
    messages = [str(e) for e in error.errors]
    assert "hoogstens 1 fte" in messages[0] and "Rij 3" in messages[0]
    assert "toveren" in messages[2]
    assert "1, 2 of 3" in messages[3]
    assert "ook in rij 2" in messages[4]


def test_roles_with_bad_values_are_refused_per_cell(
    organisation: dict[str, Any],
) -> None:
    data = (
        "Rolcode;Naam;Cluster;fte;Rompfuncties;Kleinste deel;Max. rolhouders\n"
        "r20;Te groot;Regie en Coördinatie;12;A;;\n"
        "r21;Onbekend cluster;Nergens;0,5;A;;\n"
        "r22;Deel te groot;Regie en Coördinatie;0,5;AB;0,6;2\n"
        "r23;Vijf decimalen;Regie en Coördinatie;0,12345;XZ;;0\n"
    )

    error = refused("roles", "rollen.csv", data.encode())

    assert count(Role) == 0
    assert [(e.row, e.column) for e in error.errors] == [
        (2, "fte"),
        (3, "Cluster"),
        (4, "Kleinste deel"),
        (5, "fte"),
        (5, "Rompfuncties"),
        (5, "Max. rolhouders"),
    ]


# --- encodings --------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_utf8_with_or_without_bom_windows_1252_and_utf16_are_read_correctly(
    organisation: dict[str, Any], encoding: str
) -> None:
    data = (
        "Gebruikersnaam;Naam;Contract (fte);Rompfunctie\nzoe;Zoë Müller-Sánchez;1;C\n"
    )

    imports.import_file("employees", "mw.csv", data.encode(encoding), None)

    assert employees()["zoe"].name == "Zoë Müller-Sánchez"


@pytest.mark.parametrize(
    "data",
    [
        "Gebruikersnaam;Naam\nzoe;Zoë\n".encode("utf-16-le"),  # UTF-16 without BOM
        bytes(range(256)) * 4,  # not text at all
        "Gebruikersnaam;Naam\nzoe;Zo\x81\n".encode("latin-1"),  # not UTF-8 or 1252
    ],
)
def test_unreadable_encodings_are_refused_with_a_clear_message(data: bytes) -> None:
    error = refused("employees", "mw.csv", data)
    assert "tekencodering" in str(error)
    assert "CSV UTF-8" in str(error)


# --- huge files -------------------------------------------------------------------


def test_a_huge_file_is_refused_with_its_size_before_reading(
    organisation: dict[str, Any],
) -> None:
    row = "mw{};Medewerker;36;B\n"
    data = ("Gebruikersnaam;Naam;Contract (uur per week);Rompfunctie\n" + "".join(
        row.format(i) for i in range(200_000)
    )).encode()  # fmt: skip
    assert len(data) > imports.MAX_BYTES

    error = refused("employees", "groot.csv", data)

    assert "te groot" in str(error) and "maximum is 2,0 MB" in str(error)
    assert count(Employee) == 0


def test_a_file_with_too_many_rows_is_refused(organisation: dict[str, Any]) -> None:
    data = "Gebruikersnaam;Naam;Contract (fte);Rompfunctie\n" + "".join(
        f"mw{i};M;1;B\n" for i in range(51)
    )

    error = refused("employees", "rijen.csv", data.encode(), max_rows=50)

    assert "meer dan 50 rijen" in str(error)
    assert count(Employee) == 0


def test_an_xlsx_with_too_many_rows_is_refused_while_reading() -> None:
    rows: list[list[Any]] = [["Gebruikersnaam", "Naam"]]
    rows += [[f"mw{i}", "M"] for i in range(30)]

    error = refused("employees", "rijen.xlsx", xlsx(rows), max_rows=20)

    assert "meer dan 20 rijen" in str(error)


def test_a_damaged_xlsx_is_refused_clearly() -> None:
    error = refused("employees", "kapot.xlsx", b"PK\x03\x04 dit is geen werkmap")
    assert "geen geldig Excel-bestand" in str(error)


# --- formula cells ------------------------------------------------------------------


def test_formula_looking_cells_in_a_csv_are_stored_as_text(
    organisation: dict[str, Any],
) -> None:
    data = (
        "Gebruikersnaam;Naam;Contract (fte);Rompfunctie\n"
        'formule;"=HYPERLINK(""http://x"";""klik"")";1;B\n'
        "plus;+31 nummer;1;B\n"
    )

    imports.import_file("employees", "f.csv", data.encode(), None)

    people = employees()
    assert people["formule"].name == '=HYPERLINK("http://x";"klik")'
    assert people["plus"].name == "+31 nummer"


def test_formula_cells_in_an_xlsx_are_read_as_their_text_never_computed(
    organisation: dict[str, Any],
) -> None:
    good = xlsx(
        [
            ["Gebruikersnaam", "Naam", "Contract (fte)", "Rompfunctie"],
            ["formule", '=CONCAT("Anouk";" de Vries")', 0.8889, "B"],
        ]
    )
    imports.import_file("employees", "f.xlsx", good, None)
    assert employees()["formule"].name == '=CONCAT("Anouk";" de Vries")'
    assert employees()["formule"].contract_units == 8889  # a number cell

    computed = xlsx(
        [
            ["Gebruikersnaam", "Naam", "Contract (uur per week)", "Rompfunctie"],
            ["som", "Som Persoon", "=30+2", "B"],
        ]
    )
    error = refused("employees", "som.xlsx", computed)
    assert [(e.row, e.column) for e in error.errors] == [(2, "Contract (uur per week)")]


def test_a_good_xlsx_file_imports_numbers_and_text(
    organisation: dict[str, Any],
) -> None:
    data = xlsx(
        [
            ["Gebruikersnaam", "Naam", "Contract (uur per week)", "Rompfunctie"],
            ["anouk", "Anouk de Vries", 32, "B"],
            [None, None, None, None],  # an empty row is skipped
            ["bram", "Bram Jansen", 25.5, "A"],
        ]
    )

    summary = imports.import_file("employees", "mw.xlsx", data, None)

    assert summary.created == 2
    assert employees()["bram"].contract_units == 7083  # 25,5 h of 36, rounded


# --- data minimisation and presets ------------------------------------------------


@pytest.mark.parametrize("column", ["BSN", "Burgerservicenummer", "Geboortedatum",
                                    "Adres", "Postcode", "Date of birth"])  # fmt: skip
def test_files_with_personal_data_the_product_does_not_need_are_refused(
    organisation: dict[str, Any], column: str
) -> None:
    data = f"Gebruikersnaam;Naam;{column};Contract (fte);Rompfunctie\nx1;X;123;1;B\n"

    error = refused("employees", "hr.csv", data.encode())

    assert column in str(error) and "dataminimalisatie" in str(error)
    assert count(Employee) == 0


def test_a_column_full_of_bsns_is_refused_whatever_it_is_called(
    organisation: dict[str, Any],
) -> None:
    data = (
        "Gebruikersnaam;Naam;Nummer;Contract (fte);Rompfunctie\n"
        "a1;A;111222333;1;B\nb1;B;123456782;1;B\nc1;C;012345672;1;B\n"
    )

    error = refused("employees", "hr.csv", data.encode())

    assert "'Nummer' (lijkt BSN's te bevatten)" in str(error)


def test_staff_numbers_that_are_not_bsns_are_accepted(
    organisation: dict[str, Any],
) -> None:
    data = (
        "Gebruikersnaam;Naam;Contract (fte);Rompfunctie\n"
        "111222333;A;1;B\n123456789;B;1;B\n100000000;C;1;B\n"
    )
    assert imports.import_file("employees", "hr.csv", data.encode(), None).created == 3


def test_the_afas_preset_maps_hr_columns_and_builds_the_name(
    organisation: dict[str, Any],
) -> None:
    data = (
        "Medewerker;Roepnaam;Voorvoegsel;Achternaam;Parttimepercentage;Rompfunctie\n"
        "1042;Anouk;de;Vries;88,89;B\n"
    )

    imports.import_file("employees", "afas.csv", data.encode(), None, preset="afas")

    anouk = employees()["1042"]
    assert (anouk.name, anouk.contract_units) == ("Anouk de Vries", 8889)


def test_a_mapping_without_the_identifying_column_is_refused() -> None:
    table = imports.read_table("x.csv", b"Naam;Contract\nA;1\n")
    with pytest.raises(ImportRefused, match="Gebruikersnaam"):
        imports.analyse("employees", table, {"Naam": "name"})
    with pytest.raises(ImportRefused, match="twee kolommen"):
        imports.analyse(
            "employees", table, {"Naam": "username", "Contract": "username"}
        )


# --- the web flow -----------------------------------------------------------------


@pytest.fixture
def staging(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(app.config, "IMPORT_STAGING_DIR", str(tmp_path))
    return tmp_path


def upload(client: Any, kind: str, name: str, data: bytes) -> Any:
    return client.post(
        "/beheer/import/",
        data={"kind": kind, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_secretaris_uploads_maps_previews_and_commits_an_import(
    organisation: dict[str, Any], secretary: Any, staging: Path, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    data = EMPLOYEES_CSV.replace("Gebruikersnaam", "Login").encode("cp1252")

    response = upload(client, "employees", "mw.csv", data)
    assert response.status_code == 302 and response.location.endswith("/kolommen")
    page = client.get("/beheer/import/kolommen").get_data(as_text=True)
    assert "Login" in page and "anouk.devries" in page
    # "Login" is not a known name: map it by hand, keep the suggestions for the rest
    form = {
        "kolom_0": "username",
        "kolom_1": "name",
        "kolom_2": "contract_hours",
        "kolom_3": "base_function",
        "kolom_4": "home_cluster",
        "kolom_5": "competences",
    }
    assert client.post("/beheer/import/kolommen", data=form).status_code == 302
    preview = client.get("/beheer/import/voorbeeld").get_data(as_text=True)
    assert "3 nieuw, 0 gewijzigd, 0 ongewijzigd" in preview
    assert "Coördinatie" in preview  # Windows-1252 read correctly
    assert count(Employee) == 0  # the preview changes nothing

    done = client.post("/beheer/import/vastleggen", follow_redirects=True)

    assert "Import voltooid: 3 nieuw, 0 gewijzigd, 0 ongewijzigd." in done.get_data(
        as_text=True
    )
    assert count(Employee) == 3
    assert list(staging.iterdir()) == []  # the staged upload is gone


def test_the_preview_lists_every_error_and_commit_is_refused(
    organisation: dict[str, Any], secretary: Any, staging: Path, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    data = (
        b"Gebruikersnaam;Naam;Contract (fte);Rompfunctie\n"
        b"goed;Goed;1;B\nfout;Fout;1,5;B\nook.fout;Ook Fout;0,5;Q\n"
    )
    upload(client, "employees", "mw.csv", data)
    client.post(
        "/beheer/import/kolommen",
        data={f"kolom_{i}": k for i, k in enumerate(
            ["username", "name", "contract_fte", "base_function"])},
    )  # fmt: skip

    preview = client.get("/beheer/import/voorbeeld").get_data(as_text=True)

    assert "Rij 3, kolom &#39;Contract (fte)&#39;" in preview
    assert "Rij 4, kolom &#39;Rompfunctie&#39;" in preview
    assert "vastleggen" not in preview  # no commit button
    done = client.post("/beheer/import/vastleggen", follow_redirects=True)
    assert "niets geïmporteerd: 2 fout(en)" in done.get_data(as_text=True)
    assert count(Employee) == 0


def test_a_refused_upload_shows_why_and_stages_nothing(
    secretary: Any, staging: Path, auth: Any, client: Any
) -> None:
    auth.login("secretaris")

    response = upload(client, "employees", "hr.csv", b"Naam;BSN\nA;123456782\n")

    assert response.status_code == 400
    assert "BSN" in response.get_data(as_text=True)
    assert list(staging.iterdir()) == []
    assert client.get("/beheer/import/voorbeeld").status_code == 302


def test_a_huge_upload_is_refused_with_a_clear_message(
    app: Flask,
    secretary: Any,
    staging: Path,
    auth: Any,
    client: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A small configured limit keeps the test client's request in memory.
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 100_000)
    auth.login("secretaris")
    data = b"Gebruikersnaam;Naam\n" + b"x;y\n" * 50_000

    response = upload(client, "employees", "groot.csv", data)

    assert response.status_code == 400
    assert "Het bestand is te groot" in response.get_data(as_text=True)
    assert "het maximum is 0,1 MB" in response.get_data(as_text=True)
    assert list(staging.iterdir()) == []


def test_a_mapping_that_uses_a_field_twice_is_shown_again_with_the_problem(
    organisation: dict[str, Any], secretary: Any, staging: Path, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    upload(client, "employees", "mw.csv", EMPLOYEES_CSV.encode())

    response = client.post(
        "/beheer/import/kolommen", data={"kolom_0": "username", "kolom_1": "username"}
    )

    assert response.status_code == 200
    assert "twee kolommen" in response.get_data(as_text=True)


def test_cancel_forgets_the_upload(
    organisation: dict[str, Any], secretary: Any, staging: Path, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    upload(client, "employees", "mw.csv", EMPLOYEES_CSV.encode())
    assert len(list(staging.iterdir())) == 1

    client.post("/beheer/import/annuleren")

    assert list(staging.iterdir()) == []
    assert client.post("/beheer/import/vastleggen").status_code == 302
    assert count(Employee) == 0


def test_a_medewerker_cannot_import(
    make_user: Callable[..., Any], auth: Any, client: Any
) -> None:
    make_user("anouk")
    auth.login("anouk")
    assert client.get("/beheer/import/").status_code == 403
    assert (
        upload(client, "employees", "mw.csv", EMPLOYEES_CSV.encode()).status_code == 403
    )


def test_a_preset_on_the_column_page_preselects_the_hr_system_columns(
    organisation: dict[str, Any], secretary: Any, staging: Path, auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    data = b"Medewerker;Roepnaam;Achternaam;Parttimepercentage\n1042;A;B;50\n"
    upload(client, "employees", "afas.csv", data)

    page = client.get("/beheer/import/kolommen?voorinstelling=afas").get_data(
        as_text=True
    )

    assert '<option selected value="username">' in page
    assert '<option selected value="contract_percent">' in page


# --- accounts and e-mail ------------------------------------------------------------


def account_of(username: str) -> Any:
    from ommen_rollen.models import User

    return db.session.scalar(select(User).where(User.username == username))


def test_every_imported_medewerker_gets_an_account_without_a_password(
    organisation: dict[str, Any], secretary: Any
) -> None:
    imports.import_file("employees", "mw.csv", EMPLOYEES_CSV.encode(), secretary)
    for username, employee in employees().items():
        account = account_of(username)
        assert account is not None and account.employee_id == employee.id
        assert not account.has_password  # the invitation link sets one
        assert not account.check_password("")


def test_an_email_column_is_stored_and_an_email_username_fills_it(
    organisation: dict[str, Any], secretary: Any
) -> None:
    data = (
        "Personeelsnummer;E-mailadres;Naam;Contract (uur per week);Rompfunctie\n"
        "10023;Anouk.deVries@Ommen.nl;Anouk de Vries;32;B\n"
        "bram.jansen@ommen.nl;;Bram Jansen;36;A\n"
    )
    mapping = {
        "Personeelsnummer": "username",
        "E-mailadres": "email",
        "Naam": "name",
        "Contract (uur per week)": "contract_hours",
        "Rompfunctie": "base_function",
    }
    from ommen_rollen.services.imports.readers import read_table
    from ommen_rollen.services.imports.service import commit

    commit("employees", read_table("mw.csv", data.encode()), mapping, secretary)
    people = employees()
    assert people["10023"].email == "anouk.devries@ommen.nl"
    assert people["bram.jansen@ommen.nl"].email == "bram.jansen@ommen.nl"
    assert account_of("bram.jansen@ommen.nl") is not None


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("a1;geen-adres;A;36;A\n", "geen geldig e-mailadres"),
        ("a1;x@ommen.nl;A;36;A\na2;X@ommen.nl;B;36;A\n", "staat ook bij a1"),
    ],
)
def test_bad_or_repeated_email_addresses_refuse_the_file(
    organisation: dict[str, Any], secretary: Any, rows: str, message: str
) -> None:
    data = "Gebruikersnaam;E-mail;Naam;Uren per week;Rompfunctie\n" + rows
    error = refused("employees", "mw.csv", data.encode())
    assert message in str(error.errors)
    assert count(Employee) == 0
