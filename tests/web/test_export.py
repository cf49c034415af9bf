"""Exports: every file is opened with the library that reads it (pypdf, openpyxl,
csv) and checked against the round's werkplannen."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from ommen_rollen.domain import AssignmentKind, BaseFunction, RoundStatus, TaskMode
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    Assignment,
    AuditEntry,
    Employee,
    Partner,
    PlanningRound,
    Proposal,
    ProposalStatus,
    TaskField,
    WorkPlan,
    WorkPlanStatus,
)
from ommen_rollen.services.exports.common import neutralise, werkplan_filename

pytestmark = pytest.mark.usefixtures("app")

EVIL = '=HYPERLINK("http://example.invalid";"klik")'


@pytest.fixture
def planned_round(
    make_cluster: Callable[..., Any],
    make_role: Callable[..., Any],
    make_employee: Callable[..., Any],
    make_user: Callable[..., Any],
) -> dict[str, Any]:
    """Round 2027-H1 with three werkplannen, one uncovered role, missing backups
    and the solver's plan (reasons, vulnerability) behind it."""
    from ommen_rollen.domain import UserRole

    regie = make_cluster("Regie en Coördinatie")
    beleid = make_cluster("Beleid en Ontwikkeling")
    partner = Partner(name="Omgevingsdienst IJsselland")
    vergunningen = TaskField(
        name="Vergunningen", mode=TaskMode.OUTSOURCED, partner=partner
    )
    db.session.add_all([partner, vergunningen])
    db.session.commit()
    roles = {
        "r01": make_role(
            "r01", name="Regie vergunningen", fte_units=5000, cluster=regie,
            task_field=vergunningen,
        ),
        "r02": make_role("r02", name="Economie", fte_units=4000, cluster=beleid),
        "r03": make_role(
            "r03", name="Sport", fte_units=3000, cluster=regie, backups_needed=2
        ),
        "r04": make_role("r04", name="Participatie", fte_units=2000, cluster=beleid),
        "r05": make_role(
            "r05", name=EVIL, fte_units=1000, cluster=regie, backups_needed=0
        ),
    }  # fmt: skip
    anouk = make_employee("anouk", name="Anouk de Vries", contract_units=8889)
    bram = make_employee("bram", name="Bram Jansen", base_function=BaseFunction.A)
    carla = make_employee("carla", name="Carla Bakker", contract_units=5000)
    secretary = make_user("secretaris", UserRole.SECRETARY)
    round_ = PlanningRound(
        label="2027-H1",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 6, 30),
        status=RoundStatus.PROPOSED,
    )
    db.session.add(round_)
    db.session.flush()
    proposal = Proposal(
        round_id=round_.id,
        number=1,
        status=ProposalStatus.READY,
        plan={
            "version": 1,
            "status": "feasible",
            "uncovered": [
                {"role": "r04", "fte": 0.2, "reason": "Niemand heeft nog ruimte."}
            ],
            "missing_backups": [
                {"role": "r03", "missing": 1, "reason": "Te weinig geschikten."}
            ],
            "assignments": [
                {"employee": "anouk", "role": "r01", "kind": "holder", "fte": 0.5},
                {"employee": "bram", "role": "r01", "kind": "backup"},
                {"employee": "bram", "role": "r02", "kind": "holder", "fte": 0.4},
            ],
            "vulnerability": {
                "single_eligible_roles": ["r03"],
                "single_points": {
                    "roles_without_backup": ["r02"],
                    "single_eligible_roles": ["r03"],
                    "only_backup": [{"employee": "bram", "roles": ["r01", "r03"]}],
                },
                "clusters": [
                    {
                        "cluster": "Regie en Coördinatie",
                        "bus_factor": 1,
                        "roles_on_one_person": 1,
                        "roles": 3,
                    },
                ],
                "absence": {
                    "anouk": {
                        "uncovered_fte": 0.7,
                        "uncovered_critical_fte": 0.5,
                        "roles": ["r01", "r02"],
                        "lost_last_backup": ["r03"],
                        "knock_on_fte": 0.1,
                        "knock_on": [{"employee": "bram", "role": "r02", "fte": 0.1}],
                    },
                    "bram": {"uncovered_fte": 0.4, "roles": ["r02"]},
                },
                "ranking": ["anouk", "bram"],
                "worst": {"employee": "anouk", "uncovered_fte": 0.7},
            },
            "formation": {
                "gap": {"uncovered_fte": 0.2, "missing_backups": 1},
                "hires": [
                    {
                        "base_function": "B",
                        "competences": {"participatie": 2},
                        "fte": 0.2,
                        "covers_fte": 0.2,
                        "roles": {"r04": 0.2},
                        "backup_roles": ["r03"],
                        "text": "1 Regisseur/adviseur (B), participatie niveau 2, "
                        "0,2 fte dekt 0,2 fte en 1 ontbrekende vervanger",
                    },
                ],
                "total_fte": 0.2,
                "remaining": {"uncovered_fte": 0, "missing_backups": 0},
            },
        },
    )
    db.session.add(proposal)
    db.session.flush()

    def plan(employee: Any, *assignments: tuple[str, AssignmentKind, int, Any]) -> Any:
        work_plan = WorkPlan(
            round_id=round_.id, employee_id=employee.id, proposal_id=proposal.id
        )
        for code, kind, units, mentor in assignments:
            work_plan.assignments.append(
                Assignment(
                    role_id=roles[code].id,
                    kind=kind,
                    fte_units=units,
                    mentor_id=mentor.id if mentor else None,
                )
            )
        db.session.add(work_plan)
        return work_plan

    H, B, L = AssignmentKind.HOLDER, AssignmentKind.BACKUP, AssignmentKind.LEARNER
    plans = {
        "anouk": plan(
            anouk, ("r01", H, 5000, None), ("r02", H, 2000, None), ("r03", B, 0, None)
        ),
        "bram": plan(
            bram, ("r02", H, 2000, None), ("r03", H, 3000, None), ("r01", B, 0, None)
        ),
        "carla": plan(
            carla, ("r05", H, 1000, None), ("r02", B, 0, None), ("r01", L, 1000, anouk)
        ),
    }
    # An older version of Anouk's plan that must not show up anywhere.
    old = plan(anouk, ("r04", H, 2000, None))
    old.version, old.current = 0, False
    plans["anouk"].status = WorkPlanStatus.APPROVED
    # 23:30 UTC is already the next day in Ommen (CET, UTC+1).
    plans["anouk"].approved_at = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    plans["anouk"].approved_by_id = secretary.id
    db.session.commit()
    return {
        "round": round_,
        "plans": plans,
        "roles": roles,
        "employees": {"anouk": anouk, "bram": bram, "carla": carla},
        "secretary": secretary,
    }


def pdf_text(data: bytes) -> str:
    """All text of a PDF with whitespace collapsed."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


# --- file names and neutralising ------------------------------------------------


def test_werkplan_file_names_put_the_surname_first_so_they_sort_well() -> None:
    assert (
        werkplan_filename("2027-H1", "Anouk de Vries")
        == "werkplan-2027-H1-devries-anouk.pdf"
    )
    assert werkplan_filename("2027 H1", "Ömer") == "werkplan-2027-H1-omer.pdf"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_cells_starting_like_a_formula_are_neutralised(start: str) -> None:
    assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("Jansen") == "Jansen"


# --- werkplan PDF -----------------------------------------------------------------


def test_medewerker_downloads_their_own_werkplan_with_everything_in_it(
    planned_round: dict[str, Any], make_user: Callable[..., Any], auth: Any, client: Any
) -> None:
    anouk = planned_round["employees"]["anouk"]
    make_user("anouk.login", employee=anouk)
    auth.login("anouk.login")
    plan = planned_round["plans"]["anouk"]

    response = client.get(f"/export/mijn-werkplannen/{plan.id}.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert (
        "werkplan-2027-H1-devries-anouk.pdf" in response.headers["Content-Disposition"]
    )
    text = pdf_text(response.data)
    for expected in [
        "Gemeente Ommen",
        "2027-H1",
        "1 januari 2027",
        "30 juni 2027",
        "Werkplan Anouk de Vries",
        "B – Regisseur/adviseur",
        "0,8889 fte (32 uur per week)",
        "r01 Regie vergunningen",
        "Regie en Coördinatie",
        "Vergunningen: uitbesteden (partner Omgevingsdienst IJsselland)",
        "r02 Economie",
        "Beleid en Ontwikkeling",
        "r03 Sport",  # backup for, held by Bram
        "Carla Bakker voor r01 Regie vergunningen",  # mentor of Carla
        "goedgekeurd",
        "Goedgekeurd 21 november 2026 door secretaris",
    ]:
        assert expected in text, expected
    # role shares and hours: 0,5 fte = 18 h, 0,2 fte = 7,2 h; total 0,7 of 0,8889
    assert re.search(r"0,5 18 Bram Jansen", text)
    assert re.search(r"0,2 7,2", text)
    assert "0,7 25,2" in text
    assert "nog 0,1889 fte vrij" in text
    # the old, non-current version of the plan does not leak in
    assert "Participatie" not in text


def test_medewerker_cannot_download_someone_elses_werkplan_by_changing_the_id(
    planned_round: dict[str, Any], make_user: Callable[..., Any], auth: Any, client: Any
) -> None:
    make_user("anouk.login", employee=planned_round["employees"]["anouk"])
    auth.login("anouk.login")
    bram_plan = planned_round["plans"]["bram"]

    assert client.get(f"/export/mijn-werkplannen/{bram_plan.id}.pdf").status_code in (
        403,
        404,
    )
    assert client.get(f"/export/werkplannen/{bram_plan.id}.pdf").status_code == 403
    assert client.get("/export/mijn-werkplannen/999999.pdf").status_code == 404


def test_medewerker_sees_a_list_of_their_own_werkplannen_only(
    planned_round: dict[str, Any], make_user: Callable[..., Any], auth: Any, client: Any
) -> None:
    make_user("anouk.login", employee=planned_round["employees"]["anouk"])
    auth.login("anouk.login")

    page = client.get("/export/mijn-werkplannen").get_data(as_text=True)

    own = planned_round["plans"]["anouk"].id
    assert f"/export/mijn-werkplannen/{own}.pdf" in page
    assert str(planned_round["plans"]["bram"].id) + ".pdf" not in page


def test_secretaris_downloads_any_werkplan_and_the_download_is_audited(
    planned_round: dict[str, Any], auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    plan = planned_round["plans"]["carla"]

    response = client.get(f"/export/werkplannen/{plan.id}.pdf")

    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "Werkplan Carla Bakker" in text
    assert "voorstel" in text
    assert "r01 Regie vergunningen" in text and "Anouk de Vries" in text  # mentor
    entry = db.session.query(AuditEntry).filter_by(action="export").one()
    assert (entry.object_type, entry.object_id) == ("work_plan", plan.id)


def test_secretaris_downloads_all_werkplannen_of_a_round_as_one_zip(
    planned_round: dict[str, Any], auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    round_id = planned_round["round"].id

    response = client.get(f"/export/rondes/{round_id}/werkplannen.zip")

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert names == [
        "werkplan-2027-H1-bakker-carla.pdf",
        "werkplan-2027-H1-devries-anouk.pdf",
        "werkplan-2027-H1-jansen-bram.pdf",
    ]
    assert names == sorted(names)
    for name, person in zip(
        names, ["Carla Bakker", "Anouk de Vries", "Bram Jansen"], strict=True
    ):
        assert f"Werkplan {person}" in pdf_text(archive.read(name))


def test_a_round_without_werkplannen_gives_a_message_instead_of_an_empty_zip(
    make_user: Callable[..., Any], auth: Any, client: Any
) -> None:
    from ommen_rollen.domain import UserRole

    make_user("secretaris", UserRole.SECRETARY)
    round_ = PlanningRound(
        label="2028-H1", starts_on=date(2028, 1, 1), ends_on=date(2028, 6, 30)
    )
    db.session.add(round_)
    db.session.commit()
    auth.login("secretaris")

    response = client.get(
        f"/export/rondes/{round_.id}/werkplannen.zip", follow_redirects=True
    )

    assert "nog geen werkplannen" in response.get_data(as_text=True)


def test_unknown_round_or_plan_is_not_found(
    make_user: Callable[..., Any], auth: Any, client: Any
) -> None:
    from ommen_rollen.domain import UserRole

    make_user("secretaris", UserRole.SECRETARY)
    auth.login("secretaris")
    assert client.get("/export/rondes/999/overzicht.xlsx").status_code == 404
    assert client.get("/export/rondes/999/toewijzingen.csv").status_code == 404
    assert client.get("/export/werkplannen/999.pdf").status_code == 404


# --- overview XLSX ----------------------------------------------------------------


def test_overview_xlsx_has_matrix_cluster_load_and_shortfall_sheets(
    planned_round: dict[str, Any], auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    response = client.get(f"/export/rondes/{planned_round['round'].id}/overzicht.xlsx")
    assert response.status_code == 200
    assert "overzicht-2027-H1.xlsx" in response.headers["Content-Disposition"]

    wb = load_workbook(io.BytesIO(response.data))

    assert wb.sheetnames == [
        "Matrix",
        "Beleid en Ontwikkeling",
        "Regie en Coördinatie",
        "Belasting",
        "Knelpunten",
        "Kwetsbaarheid",
        "Warmtekaart",
        "Formatieadvies",
    ]
    for sheet in wb.worksheets:  # prints on A4 landscape, one page wide
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == "$1:$1"
    assert wb["Matrix"].print_title_cols == "$A:$B"
    matrix = wb["Matrix"]
    header = [c.value for c in matrix[1]]
    assert header == [
        "Rol", "Naam", "Cluster", "fte rol", "Carla Bakker", "Anouk de Vries",
        "Bram Jansen",
    ]  # fmt: skip
    rows = {r[0]: r for r in matrix.iter_rows(min_row=2, values_only=True) if r[0]}
    # numbers are numbers: held fte; V = backup, O = learner
    assert rows["r01"][3:] == (0.5, "O", 0.5, "V")
    assert rows["r02"][3:] == (0.4, "V", 0.2, 0.2)
    assert rows["r03"][3:] == (0.3, None, "V", 0.3)
    assert rows["r04"][3:] == (0.2, None, None, None)
    assert isinstance(matrix["D2"].value, float)
    assert matrix.freeze_panes == "C2"
    assert matrix.column_dimensions["B"].width > 10
    # a name that looks like a formula stays text, never a formula
    assert rows["r05"][1] == EVIL
    assert all(cell.data_type != "f" for row in matrix.iter_rows() for cell in row)

    regie = wb["Regie en Coördinatie"]
    assert [r[0] for r in regie.iter_rows(min_row=2, values_only=True) if r[0]][:3] == [
        "r01",
        "r03",
        "r05",
    ]

    load = wb["Belasting"]
    assert load.freeze_panes == "B2"
    by_user = {r[1]: r for r in load.iter_rows(min_row=2, values_only=True)}
    assert by_user["anouk"][2:9] == ("B", 0.8889, 32, 0.7, 25.2, -0.1889, 1)
    assert by_user["carla"][5] == 0.2  # held 0,1 + learning 0,1
    assert by_user["anouk"][9] == "goedgekeurd"

    problems = [
        [v for v in r if v is not None]
        for r in wb["Knelpunten"].iter_rows(values_only=True)
    ]
    assert ["r04", "Participatie", "Beleid en Ontwikkeling", 0.2,
            "Niemand heeft nog ruimte."] in problems  # fmt: skip
    assert ["r03", "Sport", "Regie en Coördinatie", 1,
            "Te weinig geschikten."] in problems  # fmt: skip
    assert ["r04", "Participatie", "Beleid en Ontwikkeling", 1] in problems
    assert ["Anouk de Vries", 0.7, "r01, r02"] in problems
    assert ["r03"] in problems

    # Kwetsbaarheid: single points of failure first, then bus factor and ranking
    risk = [
        [v for v in r if v is not None]
        for r in wb["Kwetsbaarheid"].iter_rows(values_only=True)
    ]
    assert risk[1] == ["Rol zonder vervanger", "r02 – Economie"]
    assert ["Enige vervanger van meerdere rollen",
            "Bram Jansen: r01 – Regie vergunningen; r03 – Sport"] in risk  # fmt: skip
    assert ["Regie en Coördinatie", 1, 1, 3] in risk
    assert [1, "Anouk de Vries", 0.7, 25.2, 18, "r01 – Regie vergunningen; "
            "r02 – Economie", "r03 – Sport", 3.6,
            "Bram Jansen laat r02 – Economie liggen: 3,6 uur"] in risk  # fmt: skip
    assert [2, "Bram Jansen", 0.4, 14.4, 0, "r02 – Economie", 0] in risk

    heat = list(wb["Warmtekaart"].iter_rows(values_only=True))
    assert heat[0][:3] == ("Medewerker", "r01", "r02")
    assert heat[1][:3] == ("Anouk de Vries", "H", None)
    assert heat[2][:3] == ("Bram Jansen", "V!", "H!")

    hires = list(wb["Formatieadvies"].iter_rows(values_only=True))
    assert hires[1][:4] == (
        "1 Regisseur/adviseur (B), participatie niveau 2, 0,2 fte dekt 0,2 fte en "
        "1 ontbrekende vervanger", 0.2, 0.2, 1,
    )  # fmt: skip


# --- CSV --------------------------------------------------------------------------


def test_csv_is_dutch_excel_with_bom_semicolons_decimal_comma_and_no_formulas(
    planned_round: dict[str, Any], auth: Any, client: Any
) -> None:
    auth.login("secretaris")
    response = client.get(
        f"/export/rondes/{planned_round['round'].id}/toewijzingen.csv"
    )
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")

    rows = list(
        csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";")
    )

    assert rows[0][:3] == ["Planronde", "Medewerker", "Gebruikersnaam"]
    body = rows[1:]
    assert len(body) == 9  # every assignment of the three current werkplannen
    anouk_r01 = next(r for r in body if r[2] == "anouk" and r[5] == "r01")
    assert anouk_r01 == [
        "2027-H1", "Anouk de Vries", "anouk", "B", "0,8889", "r01",
        "Regie vergunningen", "Regie en Coördinatie", "rolhouder", "0,5", "18", "",
        "goedgekeurd",
    ]  # fmt: skip
    learner = next(r for r in body if r[2] == "carla" and r[8] == "ontwikkelrol")
    assert learner[9:12] == ["0,1", "3,6", "Anouk de Vries"]
    backup = next(r for r in body if r[2] == "bram" and r[8] == "vervanger")
    assert backup[9:11] == ["", ""]
    evil = next(r for r in body if r[5] == "r05")
    assert evil[6] == "'" + EVIL
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    assert Decimal(anouk_r01[4].replace(",", ".")) == Decimal("0.8889")


# --- a solved round, end to end ---------------------------------------------------


def test_exports_of_a_solved_round_match_the_stored_plan(
    make_cluster: Callable[..., Any],
    make_role: Callable[..., Any],
    make_employee: Callable[..., Any],
) -> None:
    """Solve a small round, store it through the bridge, export it: every holder
    assignment of the plan is in the CSV and the XLSX names people, not ids."""
    from ommen_rollen.services.exports import overview_csv, overview_xlsx
    from ommen_rollen.services.solver_bridge import round_instance, store_plan
    from ommen_rollen.solver import solve

    cluster = make_cluster("Concern en Ondersteuning")
    for code, units in (("c01", 6000), ("c02", 4000), ("c03", 3000)):
        make_role(code, fte_units=units, cluster=cluster, base_functions="AB")
    people = {
        make_employee(f"mw{i}", name=f"Medewerker {i}", contract_units=8000).id: i
        for i in range(3)
    }
    round_ = PlanningRound(
        label="2027-H2", starts_on=date(2027, 7, 1), ends_on=date(2027, 12, 31)
    )
    db.session.add(round_)
    db.session.commit()
    instance = round_instance(round_.id)
    plan = solve(instance, time_limit_s=5, workers=1, seed=1)
    store_plan(round_.id, plan, instance)
    plan_json = plan.to_json()

    data, _name = overview_csv(round_.id)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    exported = {(r[1], r[5], r[9]) for r in rows[1:] if r[8] == "rolhouder"}
    planned = {
        (
            f"Medewerker {people[int(a['employee'][1:])]}",
            a["role"],
            str(Decimal(str(a["fte"])).normalize()).replace(".", ","),
        )
        for a in plan_json["assignments"]
        if a["kind"] == "holder"
    }
    assert exported == planned and planned

    wb = load_workbook(io.BytesIO(overview_xlsx(round_.id)[0]))
    texts = {
        str(v) for row in wb["Knelpunten"].iter_rows(values_only=True) for v in row
    }
    assert not any(re.fullmatch(r"m\d+", t) for t in texts)  # names, not ids
    absences = plan_json.get("vulnerability", {}).get("absence", {})
    for key in absences:
        assert f"Medewerker {people[int(key[1:])]}" in texts


def test_the_round_and_each_proposal_download_as_json_the_cli_reproduces(
    make_cluster: Callable[..., Any],
    make_role: Callable[..., Any],
    make_employee: Callable[..., Any],
    make_user: Callable[..., Any],
    auth: Any,
    client: Any,
) -> None:
    import json

    from ommen_rollen.domain import UserRole
    from ommen_rollen.services.solver_bridge import (
        build_instance,
        round_instance,
        store_plan,
    )
    from ommen_rollen.solver import check_plan, solve, solve_json

    cluster = make_cluster("Concern en Ondersteuning")
    for code, units in (("c01", 6000), ("c02", 4000)):
        make_role(code, fte_units=units, cluster=cluster, base_functions="AB")
    for i in range(2):
        make_employee(f"mw{i}", contract_units=8000)
    make_user("secretaris", UserRole.SECRETARY)
    round_ = PlanningRound(
        label="2027-H2", starts_on=date(2027, 7, 1), ends_on=date(2027, 12, 31)
    )
    db.session.add(round_)
    db.session.commit()
    instance_json = build_instance(round_.id)
    typed = round_instance(round_.id)
    proposal = store_plan(round_.id, solve(typed, time_limit_s=5, workers=1), typed)

    auth.login("secretaris")
    page = client.get(f"/export/rondes/{round_.id}").get_data(as_text=True)
    assert f"/export/voorstellen/{proposal.id}/plan.json" in page
    response = client.get(f"/export/rondes/{round_.id}/instance.json")
    assert response.mimetype == "application/json"
    assert "instance-2027-H2.json" in response.headers["Content-Disposition"]
    # the round file names employees by username, the key the import matches on
    keys = {f"m{e.id}": e.username for e in db.session.scalars(sa.select(Employee))}
    round_file = json.loads(response.data)
    assert [e["id"] for e in round_file["employees"]] == [
        keys[e["id"]] for e in instance_json["employees"]
    ]
    assert {**round_file, "employees": []} == {**instance_json, "employees": []}
    assert (
        check_plan(round_file, solve_json(round_file, time_limit_s=5, workers=1)) == []
    )
    instance = json.loads(
        client.get(f"/export/voorstellen/{proposal.id}/instance.json").data
    )
    plan = json.loads(client.get(f"/export/voorstellen/{proposal.id}/plan.json").data)
    assert plan == proposal.plan and plan["version"] == 1
    assert check_plan(instance, plan) == []
    assert check_plan(instance, solve_json(instance, time_limit_s=5, workers=1)) == []
    assert client.get("/export/voorstellen/999999/plan.json").status_code == 404


def test_download_names_are_sanitised_whatever_the_round_is_called(
    planned_round: dict[str, Any], auth: Any, client: Any
) -> None:
    from ommen_rollen.services.solver_bridge import build_instance

    round_ = planned_round["round"]
    round_.label = 'Ronde\r\n"2027"/../ü H1;x=<y>'
    proposal = db.session.scalars(sa.select(Proposal)).one()
    proposal.instance = build_instance(round_.id)
    db.session.commit()
    plan = planned_round["plans"]["bram"]
    auth.login("secretaris")

    names = []
    for url in (
        f"/export/rondes/{round_.id}/werkplannen.zip",
        f"/export/rondes/{round_.id}/overzicht.xlsx",
        f"/export/rondes/{round_.id}/toewijzingen.csv",
        f"/export/rondes/{round_.id}/instance.json",
        f"/export/voorstellen/{proposal.id}/instance.json",
        f"/export/voorstellen/{proposal.id}/plan.json",
        f"/export/werkplannen/{plan.id}.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        disposition = response.headers["Content-Disposition"]
        match = re.fullmatch(r"attachment; filename=([A-Za-z0-9._-]+)", disposition)
        assert match is not None, (url, disposition)
        names.append(match.group(1))
    assert names == [
        "werkplannen-Ronde-2027-H1-x-y.zip",
        "overzicht-Ronde-2027-H1-x-y.xlsx",
        "toewijzingen-Ronde-2027-H1-x-y.csv",
        "instance-Ronde-2027-H1-x-y.json",
        "instance-Ronde-2027-H1-x-y-voorstel-1.json",
        "plan-Ronde-2027-H1-x-y-voorstel-1.json",
        "werkplan-Ronde-2027-H1-x-y-jansen-bram.pdf",
    ]
    archive = client.get(f"/export/rondes/{round_.id}/werkplannen.zip").data
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert all(re.fullmatch(r"[A-Za-z0-9._-]+", n) for n in opened.namelist())
