"""Privacy (AVG): inzage of everything held about a medewerker (JSON and PDF,
every download logged with who and from where), erasure on request or after the
retention period that leaves no trace of the name in any table or export, and
the public privacy page."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from ommen_rollen.domain import Choice
from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry, Employee, Proposal, User
from ommen_rollen.services import approval, audit, beheer, exports, preferences
from ommen_rollen.services.base import ServiceError, utcnow
from ommen_rollen.services.exports.instance_export import round_instance_json
from ommen_rollen.services.privacy import erasure
from ommen_rollen.services.solver_bridge import round_instance, store_plan
from ommen_rollen.solver import solve
from tests.web.conftest import Org, plan_of, proposed_round


def _history(org: Org) -> Any:
    """Anouk with a full history: preferences with a comment, a published
    proposal she commented on, an approval (with a typed reason naming her), a
    real solver run stored as a second proposal, a colleague's comment naming her,
    logins, downloads, and then she leaves."""
    anouk, bram = org.employees["anouk"], org.employees["bram"]
    anouk.email = "anouk.devries@ommen.nl"  # the werkplan mail goes to her outbox
    db.session.commit()
    round_ = proposed_round(org, publish=False)
    round_.status = "open"
    db.session.commit()
    preferences.save_preferences(
        round_.id,
        anouk.id,
        {
            org.roles["r01"].id: (
                Choice.WANT.value,
                "Anouk de Vries wil regie blijven doen",
            )
        },
        org.users["anouk"],
    )
    preferences.save_preferences(
        round_.id,
        bram.id,
        {org.roles["r02"].id: (Choice.AVOID.value, "Liever samen met Anouk de Vries")},
        org.users["bram"],
    )
    round_.status = "closed"
    db.session.commit()
    instance = round_instance(round_.id)
    plan = solve(instance, time_limit_s=5, workers=1)
    store_plan(round_.id, plan, instance, by=org.secretary, activate=False)
    approval.publish(round_.id, org.secretary)
    approval.comment(
        plan_of(org, "anouk").id,
        anouk.id,
        "Ik (anouk) wil minder uren",
        org.users["anouk"],
    )
    approval.approve_plan(
        plan_of(org, "anouk").id, org.secretary, reason="Besproken met Anouk de Vries"
    )
    return round_


def _login(client: Any, username: str) -> None:
    response = client.post(
        "/inloggen", data={"username": username, "password": "geheim-wachtwoord"}
    )
    assert response.status_code == 302


# --- inzage --------------------------------------------------------------------


def test_a_medewerker_downloads_everything_held_about_them_as_json(
    org: Org, client: Any
) -> None:
    round_ = _history(org)
    _login(client, "anouk")
    response = client.get("/privacy/mijn-gegevens.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["profiel"]["naam"] == "Anouk de Vries"
    assert data["profiel"]["gebruikersnaam"] == "anouk"
    assert data["competenties"] == [{"competentie": "regievoering", "niveau": 2}]
    (part,) = data["rondes"]
    assert part["ronde"] == round_.label
    assert part["voorkeuren"][0]["opmerking"] == "Anouk de Vries wil regie blijven doen"
    assert part["voorkeuren"][0]["keuze"] == "graag"
    (plan,) = [p for p in part["werkplannen"] if p["actueel"]]
    assert plan["status"] == "goedgekeurd"
    assert plan["goedgekeurd_door"] == "secretaris"
    assert plan["opmerking"] == "Ik (anouk) wil minder uren"
    assert plan["rollen"], "the werkplan's roles are part of the inzage"
    assert data["account"]["gebruikersnaam"] == "anouk"
    assert [a["handeling"] for a in data["aanmeldingen"]] == ["aangemeld"]
    assert data["aanmeldingen"][0]["adres"] == "127.0.0.1"
    sentences = [line["wat"] for line in data["logboek"]]
    assert any("Anouk de Vries heeft voorkeuren opgeslagen" in s for s in sentences)
    assert any("goedgekeurd" in s for s in sentences)
    # Nothing of colleagues: Bram's preference is not in Anouk's inzage.
    assert "Liever samen met" not in response.data.decode()


def test_the_inzage_pdf_is_readable_and_every_download_is_logged(
    org: Org, client: Any
) -> None:
    _history(org)
    _login(client, "anouk")
    response = client.get("/privacy/mijn-gegevens.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages
    )
    for expected in (
        "Inzage persoonsgegevens Anouk de Vries",
        "Competenties",
        "regievoering",
        "Voorkeuren",
        "Werkplannen",
        "Aanmeldingen",
    ):
        assert expected in text  # fmt: skip
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "privacy_inzage")
    )
    assert entry is not None
    assert entry.user_id == org.users["anouk"].id
    assert entry.object_id == org.employees["anouk"].id
    assert entry.remote_addr == "127.0.0.1"
    assert entry.details["format"] == "pdf"


def test_the_secretaris_produces_the_inzage_for_anyone_a_medewerker_only_their_own(
    org: Org, client: Any
) -> None:
    _history(org)
    bram = org.employees["bram"]
    _login(client, "anouk")
    assert client.get(f"/privacy/medewerkers/{bram.id}/inzage.json").status_code == 403
    client.post("/uitloggen")
    _login(client, "secretaris")
    response = client.get(f"/privacy/medewerkers/{bram.id}/inzage.json")
    assert response.status_code == 200
    assert json.loads(response.data)["profiel"]["naam"] == "Bram Jansen"
    assert client.get("/privacy/medewerkers/999999/inzage.pdf").status_code == 404
    logged = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "privacy_inzage")
    ).all()
    assert [(e.user_id, e.object_id, e.remote_addr) for e in logged] == [
        (org.secretary.id, bram.id, "127.0.0.1")
    ]


def test_werkplan_downloads_are_logged_with_the_address(org: Org, client: Any) -> None:
    _history(org)
    _login(client, "secretaris")
    plan = plan_of(org, "anouk")
    assert client.get(f"/export/werkplannen/{plan.id}.pdf").status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry is not None and entry.remote_addr == "127.0.0.1"


# --- erasure ---------------------------------------------------------------------

NEEDLES = ("anouk", "de vries")


def _every_stored_text() -> list[tuple[str, str, str]]:
    """(table, column, text) of every value in every table, JSON as its text."""
    found = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    text = (
                        json.dumps(value, ensure_ascii=False)
                        if isinstance(value, dict | list)
                        else str(value)
                    )
                    found.append((table.name, column, text))
    return found


def _traces(texts: list[tuple[str, str, str]]) -> list[str]:
    return [
        f"{table}.{column}: {text[:120]}"
        for table, column, text in texts
        if any(needle in text.casefold() for needle in NEEDLES)
    ]


def _export_texts(round_id: int) -> dict[str, str]:
    """The text of every export of the round (PDFs, Excel, CSV, JSON)."""
    texts: dict[str, str] = {}
    data, _ = exports.round_werkplannen_zip(round_id)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            reader = PdfReader(io.BytesIO(archive.read(name)))
            texts[name] = name + "".join(p.extract_text() for p in reader.pages)
    data, _ = exports.overview_xlsx(round_id)
    workbook = load_workbook(io.BytesIO(data))
    texts["xlsx"] = " ".join(
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )
    data, _ = exports.overview_csv(round_id)
    texts["csv"] = " ".join(
        ";".join(row)
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    )
    data, _ = round_instance_json(round_id)
    texts["instance.json"] = data.decode()
    for proposal in db.session.scalars(
        select(Proposal).where(Proposal.round_id == round_id)
    ):
        texts[f"voorstel {proposal.number}"] = json.dumps(
            [proposal.instance, proposal.plan], ensure_ascii=False
        )
    return texts


def test_erasure_leaves_no_trace_of_the_name_in_any_table_or_export(
    org: Org, client: Any
) -> None:
    round_ = _history(org)
    anouk = org.employees["anouk"]
    _login(client, "anouk")
    client.get("/privacy/mijn-gegevens.json")
    client.post("/uitloggen")
    _login(client, "secretaris")
    client.get(f"/export/werkplannen/{plan_of(org, 'anouk').id}.pdf")
    beheer.set_active(Employee, anouk.id, False, org.secretary)
    # Before: the name is everywhere (the scan would find it).
    before = _traces(_every_stored_text())
    assert {t.split(":")[0] for t in before} >= {
        "employee.name",
        "employee.username",
        "employee.email",
        "outgoing_mail.recipient",
        "user.username",
        "preference.comment",
        "work_plan.employee_comment",
        "audit_entry.details",
        "proposal.instance",
    }
    assert any("anouk" in t.casefold() for t in _export_texts(round_.id).values())

    response = client.get(f"/privacy/medewerkers/{anouk.id}/wissen")
    assert response.status_code == 200
    assert "kan niet ongedaan worden gemaakt" in response.data.decode()
    assert client.post(f"/privacy/medewerkers/{anouk.id}/wissen").status_code == 302
    db.session.expire_all()
    assert db.session.get(Employee, anouk.id).erased_at is None, "not confirmed"
    response = client.post(
        f"/privacy/medewerkers/{anouk.id}/wissen", data={"bevestigd": "1"}
    )
    assert response.status_code == 302
    db.session.expire_all()

    assert _traces(_every_stored_text()) == []
    for name, text in _export_texts(round_.id).items():
        assert not any(n in text.casefold() for n in NEEDLES), name
    employee = db.session.get(Employee, anouk.id)
    assert employee.name == f"medewerker {anouk.id}"
    assert employee.erased_at is not None
    # Plans keep their structure, under the pseudonym.
    plan = plan_of(org, "anouk")
    assert plan.assignments and plan.employee_comment == ""
    csv_text = _export_texts(round_.id)["csv"]
    assert f"medewerker {anouk.id}" in csv_text
    # The account cannot log in any more, under either name.
    client.post("/uitloggen")
    for username in ("anouk", f"medewerker-{anouk.id}"):
        response = client.post(
            "/inloggen", data={"username": username, "password": "geheim-wachtwoord"}
        )
        assert response.status_code == 200  # the login form again, no session
    # The log records that it happened, not what; and the chain still holds.
    erased = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "privacy_erased")
    )
    assert erased is not None and erased.user_id == org.secretary.id
    assert set(erased.details) == {"reason", "rewritten_entries"}
    assert erased.details["rewritten_entries"]
    assert audit.verify() == []


def test_an_active_employee_is_not_erased_and_nothing_changes(org: Org) -> None:
    anouk = org.employees["anouk"]
    with pytest.raises(ServiceError, match="nog actief"):
        erasure.erase(anouk.id, org.secretary)
    db.session.expire_all()
    assert db.session.get(Employee, anouk.id).name == "Anouk de Vries"
    assert (
        db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "privacy_erased")
        )
        is None
    )


def test_leaving_sets_the_date_the_retention_period_runs_from(org: Org) -> None:
    anouk = org.employees["anouk"]
    assert anouk.left_at is None
    beheer.set_active(Employee, anouk.id, False, org.secretary)
    assert anouk.left_at is not None
    beheer.set_active(Employee, anouk.id, True, org.secretary)
    assert anouk.left_at is None


def test_due_erasures_are_listed_and_performed_by_the_command(
    org: Org, app: Any, runner: Any
) -> None:
    anouk, bram = org.employees["anouk"], org.employees["bram"]
    for person in (anouk, bram):
        beheer.set_active(Employee, person.id, False, org.secretary)
    anouk.left_at = utcnow() - timedelta(days=731)
    bram.left_at = utcnow() - timedelta(days=700)
    db.session.commit()
    assert [e.id for e in erasure.due()] == [anouk.id]

    result = runner.invoke(args=["privacy", "due"])
    assert result.exit_code == 0, result.output
    assert "Anouk de Vries" in result.output and "Bram" not in result.output
    result = runner.invoke(args=["privacy", "erase", "--dry-run"])
    assert result.exit_code == 0 and "Proefdraai: 1" in result.output
    db.session.expire_all()
    assert db.session.get(Employee, anouk.id).erased_at is None

    result = runner.invoke(args=["privacy", "erase"])
    assert result.exit_code == 0, result.output
    assert f"gewist: medewerker {anouk.id}" in result.output
    db.session.expire_all()
    assert db.session.get(Employee, anouk.id).name == f"medewerker {anouk.id}"
    assert db.session.get(Employee, bram.id).name == "Bram Jansen"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "privacy_erased")
    )
    assert entry is not None and entry.details["reason"] == "retention"
    result = runner.invoke(args=["privacy", "due"])
    assert "Niemand te wissen" in result.output

    # A shorter retention (config key) makes Bram due as well.
    app.config["PRIVACY_RETENTION_DAYS"] = 365
    try:
        assert [e.id for e in erasure.due()] == [bram.id]
    finally:
        app.config["PRIVACY_RETENTION_DAYS"] = 730


def test_the_erasure_fields_are_one_named_list(org: Org) -> None:
    """Fields added to Employee later (e-mail) are erased by adding them to
    PERSONAL_FIELDS; every field listed exists and is emptied."""
    for name in erasure.PERSONAL_FIELDS:
        assert hasattr(Employee, name)
    for name in erasure.ACCOUNT_FIELDS:
        assert hasattr(User, name)


# --- the privacy page ------------------------------------------------------------


def test_the_privacy_page_is_public_and_shows_the_verwerkingsregister(
    client: Any,
) -> None:
    response = client.get("/privacy")
    assert response.status_code == 200
    html = response.data.decode()
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text()
    first_heading = next(line for line in source.splitlines() if line.startswith("# "))
    assert first_heading[2:] in html
    for word in ("Grondslag", "Bewaartermijn", "Wie ziet wat"):
        assert word in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]


def test_raw_html_in_the_privacy_text_is_escaped(
    tmp_path: Any, monkeypatch: Any
) -> None:
    from ommen_rollen.views import home

    source = tmp_path / "privacy.md"
    source.write_text("# Kop\n\n<script>alert(1)</script>\n", encoding="utf-8")
    monkeypatch.setattr(home, "PRIVACY_TEXT", source)
    html = home.privacy_html.__wrapped__()
    assert "<h1>Kop</h1>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_colleague_whose_name_contains_the_username_keeps_her_name(
    org: Org, make_employee: Any
) -> None:
    """Erasing username "anouk" does not rename Anouk Bakker anywhere."""
    other = make_employee("abakker", name="Anouk Bakker")
    round_ = proposed_round(org)
    beheer.set_active(Employee, other.id, False, org.secretary)
    beheer.set_active(Employee, org.employees["anouk"].id, False, org.secretary)
    erasure.erase(org.employees["anouk"].id, org.secretary)
    db.session.expire_all()
    names = [e["name"] for e in db.session.scalar(
        select(Proposal.instance).where(Proposal.round_id == round_.id)
    )["employees"]]  # fmt: skip
    assert f"medewerker {org.employees['anouk'].id}" in names
    assert "Anouk de Vries" not in names
    details = db.session.scalars(
        select(AuditEntry.details).where(
            AuditEntry.action == "beheer.deactivate",
            AuditEntry.object_id == other.id,
        )
    ).all()
    assert details == [{"name": "Anouk Bakker"}]
    assert audit.verify() == []
