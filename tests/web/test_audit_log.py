"""The audit log: hash-chained and verifiable (tampering on SQLite is found and
the entry named), and the Logboek for the ondernemingsraad: every action the code
records reads as a Dutch sentence with names, filtered by person, round and
kind, paged through every entry, exported as Dutch-Excel CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from ommen_rollen.domain import Choice, RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    AuditEntry,
    Employee,
    Job,
    JobStatus,
    PlanningRound,
    Proposal,
)
from ommen_rollen.services import audit, audit_log, beheer, preferences
from tests.web.conftest import Org, plan_of, proposed_round

SOURCE = Path(__file__).resolve().parents[2] / "ommen_rollen"


def recorded_actions() -> set[str]:
    """Every action string the code passes to audit.record(...): literals,
    f-string alternatives and the values a variable first argument is given."""
    actions: set[str] = set()
    everything = "\n".join(p.read_text(encoding="utf-8") for p in SOURCE.rglob("*.py"))
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"audit\.record\(\s*", text):
            rest = text[match.end() :]
            depth, end = 0, len(rest)
            for index, char in enumerate(rest):
                if char in "([{":
                    depth += 1
                elif char in ")]}":
                    depth -= 1
                elif char == "," and depth == 0:
                    end = index
                    break
            first = rest[:end].strip()
            if first.startswith('f"'):
                head = re.match(r'f"([a-z_.]*)\{', first)
                assert head is not None, first
                for word in re.findall(r"'([a-z_]+)'", first):
                    if word not in ("new",):
                        actions.add(head.group(1) + word)
            elif re.fullmatch(r"\w+", first):
                # a constant may live in another module, a local in this one
                where = everything if first.isupper() else text
                actions.update(re.findall(rf'\b{first}\s*=\s*"([a-z_.]+)"', where))
            else:
                actions.update(re.findall(r'"([a-z_.]+)"', first))
    return actions


def test_the_scan_finds_the_actions_of_every_kind() -> None:
    found = recorded_actions()
    assert len(found) >= 35
    assert {
        "login",
        "preferences_saved",
        "import_create",
        "import_update",
        "beheer.activate",
        "beheer.deactivate",
        "werkplan_approved",
        "werkplan_approved_without_consent",
        "privacy_erased",
        "privacy_inzage",
    } <= found


def test_every_action_the_code_records_has_a_sentence_and_a_kind() -> None:
    found = recorded_actions()
    assert found - set(audit_log.SENTENCES) == set()
    assert found - set(audit_log.ACTION_KINDS) == set()
    assert set(audit_log.ACTION_KINDS.values()) <= set(audit_log.KINDS)


# Realistic details for every action, as the services write them.
def _details(
    org: Org, round_id: int, job: int, proposal: int
) -> dict[str, tuple[str, int | None, dict[str, Any]]]:
    anouk, bram = org.employees["anouk"].id, org.employees["bram"].id
    r01 = org.roles["r01"]
    plan = plan_of(org, "anouk").id
    return {
        "login": ("user", org.users["anouk"].id, {}),
        "logout": ("user", org.users["anouk"].id, {}),
        "login_failed": ("user", org.users["anouk"].id, {"username": "anouk"}),
        "login_throttled": ("user", None, {"username": "anouk"}),
        "login_second_factor": ("user", org.users["anouk"].id, {}),
        "sso_token_refused": ("", None, {"detail": "verlopen"}),
        "sso_unknown_person": ("", None, {"detail": "x@ommen.nl"}),
        "account_created": ("user", org.users["bram"].id, {}),
        "first_password_set": ("user", org.users["bram"].id, {}),
        "invitation_sent": ("user", org.users["bram"].id, {}),
        "password_changed": ("user", org.users["anouk"].id, {}),
        "password_set_by_invite": ("user", org.users["anouk"].id, {}),
        "password_set_by_reset": ("user", org.users["anouk"].id, {}),
        "password_reset_requested": ("user", org.users["anouk"].id, {}),
        "password_reset_refused": ("", None, {}),
        "two_factor_enabled": ("user", org.users["anouk"].id, {}),
        "api_token.create": (
            "api_token",
            1,
            {"name": "AFAS", "scopes": ["read"], "expires_on": "2027-06-30"},
        ),
        "api_token.revoke": ("api_token", 1, {"name": "AFAS"}),
        "api.request": (
            "api_token",
            1,
            {"token": "AFAS", "method": "GET", "path": "/api/v1/employees"},
        ),
        "preferences_saved": (
            "planning_round",
            round_id,
            {"employee_id": anouk, "choices": {"r01": "avoid"}},
        ),
        "round_opened": (
            "planning_round",
            round_id,
            {"label": "2027-H1", "previous": None},
        ),
        "round_closed": ("planning_round", round_id, {"without_preferences": 2}),
        "round_reopened": ("planning_round", round_id, {}),
        "round_show_names": ("planning_round", round_id, {"show_names": True}),
        "round_published": ("planning_round", round_id, {}),
        "round_approved": ("planning_round", round_id, {}),
        "demo_loaded": ("planning_round", round_id, {"employees": 40, "roles": 90}),
        "solve_started": ("job", job, {"round_id": round_id, "time_limit": 30}),
        "solve_failed": ("job", job, {}),
        "solve_interrupted": ("job", job, {"round_id": round_id}),
        "solve_cancel": ("job", job, {}),
        "proposal_stored": (
            "proposal",
            1,
            {"round_id": round_id, "number": 1, "solver_status": "optimal"},
        ),
        "proposal_activated": (
            "proposal",
            1,
            {"number": 1, "akkoord_vervallen": "Bram Jansen", "akkoord_behouden": 2},
        ),
        "pin_added": (
            "pin",
            1,
            {
                "round_id": round_id,
                "employee_id": anouk,
                "role": "r01",
                "kind": "holder",
                "pin_kind": "pin",
            },
        ),
        "pin_removed": (
            "pin",
            1,
            {"round_id": round_id, "employee_id": anouk, "role_id": r01.id},
        ),
        "assignment_moved": (
            "planning_round",
            round_id,
            {
                "role_id": r01.id,
                "from_employee_id": anouk,
                "to_employee_id": bram,
                "fte": 0.5,
            },
        ),
        "werkplan_agreed": ("work_plan", plan, {}),
        "werkplan_commented": ("work_plan", plan, {}),
        "werkplan_approved": ("work_plan", plan, {"employee_id": anouk, "version": 1}),
        "werkplan_approved_without_consent": (
            "work_plan",
            plan,
            {
                "employee_id": anouk,
                "version": 2,
                "concerns": "geen akkoord",
                "reason": "Besproken",
            },
        ),
        "scenario_created": (
            "scenario",
            1,
            {"round_id": round_id, "name": "Anouk weg", "valid_from": "2027-03-01"},
        ),
        "scenario_change_added": (
            "scenario",
            1,
            {"round_id": round_id, "name": "Anouk weg", "change": "Anouk afwezig"},
        ),
        "scenario_change_removed": (
            "scenario",
            1,
            {"round_id": round_id, "name": "Anouk weg", "change": "Anouk afwezig"},
        ),
        "scenario_solve_started": (
            "job",
            1,
            {"round_id": round_id, "name": "Anouk weg", "time_limit_s": 20},
        ),
        "scenario_solved": (
            "scenario",
            1,
            {
                "round_id": round_id,
                "name": "Anouk weg",
                "status": "feasible",
                "uncovered_fte": 0.1,
                "missing_backups": 1,
                "roles": 3,
            },
        ),
        "scenario_published": (
            "scenario",
            1,
            {
                "round_id": round_id,
                "name": "Anouk weg",
                "valid_from": "2027-03-01",
                "werkplannen": 3,
            },
        ),
        **{
            action: (
                "scenario",
                1,
                {"round_id": round_id, "name": "Ruil: Anouk neemt Regie ICT over"},
            )
            for action in ("swap_proposed", "swap_accepted", "swap_declined")
        },
        "werkplan_new_version": (
            "work_plan",
            plan,
            {"employee_id": anouk, "version": 2},
        ),
        "beheer.create": (
            "employee",
            anouk,
            {"changes": {"name": [None, "Anouk de Vries"]}},
        ),
        "beheer.update": ("role", r01.id, {"changes": {"fte_units": [4000, 5000]}}),
        "beheer.activate": ("employee", anouk, {"name": "Anouk de Vries"}),
        "beheer.deactivate": ("employee", anouk, {"name": "Anouk de Vries"}),
        "beheer.delete": ("cluster", 999, {"name": "Oud cluster"}),
        "import": (
            "employee",
            None,
            {
                "kind": "employees",
                "filename": "mw.csv",
                "created": 3,
                "updated": 1,
                "unchanged": 0,
            },
        ),
        "import_create": ("employee", anouk, {"row": 2, "changes": []}),
        "import_update": (
            "employee",
            anouk,
            {"row": 3, "changes": ["contract: 0,8 → 1,0 fte"]},
        ),
        "import_instance": (
            "planning_round",
            round_id,
            {"name": "Ommen", "employees": 4, "roles": 3, "preferences": 5},
        ),
        "export": ("work_plan", plan, {"format": "pdf"}),
        "privacy_inzage": ("employee", anouk, {"format": "json"}),
        "privacy_erased": (
            "employee",
            bram,
            {"reason": "request", "rewritten_entries": []},
        ),
    }


def test_every_action_reads_as_a_dutch_sentence_with_names(org: Org) -> None:
    round_ = proposed_round(org)
    job = Job(round_id=round_.id, status=JobStatus.FAILED)
    db.session.add(job)
    db.session.commit()
    proposal = db.session.scalar(
        select(Proposal.id).where(Proposal.round_id == round_.id)
    )
    samples = _details(org, round_.id, job.id, proposal)
    assert set(samples) >= recorded_actions(), "a sample for every recorded action"
    assert set(samples) >= set(audit_log.SENTENCES), "a sample for every sentence"
    by = {
        "login": org.users["anouk"],
        "logout": org.users["anouk"],
        "preferences_saved": org.users["anouk"],
        "werkplan_agreed": org.users["anouk"],
        "werkplan_commented": org.users["anouk"],
        "solve_failed": None,
        "solve_interrupted": None,
        "login_failed": None,
        "login_throttled": None,
        "sso_token_refused": None,
        "sso_unknown_person": None,
        "password_reset_requested": None,
        "password_reset_refused": None,
        "password_changed": org.users["anouk"],
        "password_set_by_invite": org.users["anouk"],
        "password_set_by_reset": org.users["anouk"],
        "login_second_factor": org.users["anouk"],
        "two_factor_enabled": org.users["anouk"],
    }
    for action, (object_type, object_id, details) in samples.items():
        audit.record(
            action,
            by.get(action, org.secretary),
            object_type=object_type,
            object_id=object_id,
            **details,
        )
    db.session.commit()
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.in_(samples)).order_by(AuditEntry.id)
    ).all()
    sentences = {
        line.entry.action: line.sentence for line in audit_log.describe_entries(entries)
    }
    assert sentences["login_failed"] == (
        "Mislukte aanmelding met gebruikersnaam 'anouk'."
    )
    bram = org.employees["bram"].name
    assert sentences["invitation_sent"].endswith(
        f"een uitnodiging aan {bram} gestuurd."
    )
    for action, text in sentences.items():
        assert text.endswith("."), (action, text)
        assert text[0].isupper(), (action, text)
        for raw in ("{", "}", "None", "_id", action):
            assert raw not in text, (action, text)
    assert sentences["preferences_saved"] == (
        "Anouk de Vries heeft voorkeuren opgeslagen voor ronde 2027-H1 "
        "(r01 Regie ICT: liever niet)."
    )
    assert sentences["login"] == "Anouk de Vries heeft zich aangemeld."
    assert sentences["werkplan_agreed"] == (
        "Anouk de Vries is akkoord gegaan met het eigen werkplan voor ronde 2027-H1."
    )
    assert sentences["werkplan_approved"] == (
        "Secretaris heeft het werkplan van Anouk de Vries voor ronde 2027-H1 "
        "goedgekeurd."
    )
    assert "van Anouk de Vries naar Bram Jansen" in sentences["assignment_moved"]
    assert sentences["beheer.deactivate"] == (
        "Secretaris heeft medewerker Anouk de Vries op non-actief gezet."
    )
    assert sentences["solve_failed"].startswith("De optimalisatie van ronde 2027-H1")
    assert sentences["scenario_published"] == (
        "Secretaris heeft scenario 'Anouk weg' doorgevoerd in ronde 2027-H1: 3 "
        "nieuwe werkplanversies vanaf 1-3-2027."
    )


def test_the_logboek_shows_sentences_and_filters_by_person_round_and_kind(
    org: Org, auth: Any, client: Any
) -> None:
    proposed_round(org)
    other = PlanningRound(
        label="2027-H2",
        starts_on=date(2027, 7, 1),
        ends_on=date(2027, 12, 31),
        deadline=date.today() + timedelta(days=7),
        status=RoundStatus.OPEN,
    )
    db.session.add(other)
    db.session.commit()
    preferences.save_preferences(
        other.id,
        org.employees["anouk"].id,
        {org.roles["r01"].id: (Choice.AVOID.value, "")},
        org.users["anouk"],
    )
    beheer.set_active(Employee, org.employees["dirk"].id, False, org.secretary)
    auth.login("secretaris")
    html = client.get("/planning/logboek").data.decode()
    assert "Anouk de Vries heeft voorkeuren opgeslagen voor ronde 2027-H2" in html
    assert "preferences_saved" not in html and "{&#39;" not in html

    anouk = org.employees["anouk"].id
    html = client.get(f"/planning/logboek?medewerker={anouk}").data.decode()
    assert "Anouk de Vries heeft voorkeuren" in html
    assert "Dirk Mulder op non-actief" not in html
    html = client.get(f"/planning/logboek?ronde={other.id}").data.decode()
    assert "voorkeuren opgeslagen voor ronde 2027-H2" in html
    assert "ronde 2027-H1" not in html
    html = client.get("/planning/logboek?soort=beheer").data.decode()
    assert "Dirk Mulder op non-actief gezet" in html
    assert "heeft voorkeuren" not in html
    # Bad filters: a Dutch message, the unfiltered log.
    for bad in ("medewerker=abc", "ronde=999999", "soort=onzin", "pagina=0"):
        response = client.get(f"/planning/logboek?{bad}", follow_redirects=True)
        assert response.status_code == 200
        assert "utrecht-alert--error" in response.data.decode(), bad


def test_the_logboek_pages_through_every_entry(
    org: Org, auth: Any, client: Any
) -> None:
    for number in range(120):
        audit.record("round_show_names", org.secretary, show_names=bool(number % 2))
    db.session.commit()
    total = db.session.scalar(select(sa.func.count()).select_from(AuditEntry))
    selection = audit_log.Selection()
    seen: list[int] = []
    first = audit_log.page(selection, 1)
    assert first.total == total and first.pages == -(-total // audit_log.PAGE_SIZE)
    for number in range(1, first.pages + 1):
        seen += [line.entry.id for line in audit_log.page(selection, number).lines]
    assert sorted(seen) == sorted(db.session.scalars(select(AuditEntry.id)).all()), (
        "every entry exactly once"
    )
    assert seen == sorted(seen, reverse=True), "newest first"
    assert audit_log.page(selection, 9999).number == first.pages
    auth.login("secretaris")
    html = client.get("/planning/logboek?pagina=2").data.decode()
    assert f"pagina 2 van {first.pages}" in html
    assert "Volgende pagina" in html and "Vorige pagina" in html


def test_the_logboek_exports_the_whole_selection_as_dutch_excel_csv(
    org: Org, auth: Any, client: Any
) -> None:
    for _ in range(70):
        audit.record("round_reopened", org.secretary, object_type="planning_round")
    db.session.commit()
    auth.login("secretaris")
    response = client.get("/planning/logboek.csv?soort=planronde")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(
        csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0] == audit_log.CSV_HEADER
    assert len(rows) == 1 + 70, "all entries, not one page"
    assert rows[1][2] == "secretaris" and rows[1][3] == "Planrondes"
    assert rows[1][4].endswith("heropend voor voorkeuren.")
    logged = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "export")
        .order_by(AuditEntry.id.desc())
    )
    assert logged is not None and logged.object_type == "audit_log"
    assert logged.remote_addr == "127.0.0.1"


# --- the hash chain -------------------------------------------------------------


def test_each_entry_carries_the_hash_of_the_one_before(org: Org) -> None:
    proposed_round(org)
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert len(entries) >= 3
    assert entries[0].prev_hash == ""
    for before, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == before.hash
        assert len(entry.hash) == 64
    assert audit.verify() == []


def _sqlite_only() -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("tampering by hand is refused on PostgreSQL (its trigger test)")


def test_verify_names_an_entry_whose_details_were_changed(
    org: Org, runner: Any
) -> None:
    _sqlite_only()
    proposed_round(org)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
    victim = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[1]
    with db.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE audit_entry SET details = :d WHERE id = :id"),
            {"d": '{"label": "vervalst"}', "id": victim.id},
        )
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert f"logregel {victim.id}: de details zijn gewijzigd" in result.output
    assert "aangetast" in result.output


def test_verify_finds_a_changed_field_a_removed_entry_and_a_fake_pseudonymisation(
    org: Org,
) -> None:
    _sqlite_only()
    proposed_round(org)
    ids = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    assert len(ids) >= 4
    with db.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE audit_entry SET user_id = NULL WHERE id = :i"),
            {"i": ids[0]},
        )
        conn.execute(sa.text("DELETE FROM audit_entry WHERE id = :i"), {"i": ids[2]})
        conn.execute(
            sa.text(
                "UPDATE audit_entry SET pseudonymised = 1, details_salt = '' "
                "WHERE id = :i"
            ),
            {"i": ids[1]},
        )
    db.session.expire_all()
    problems = [str(p) for p in audit.verify()]
    assert f"logregel {ids[0]}: de regel is gewijzigd (hash klopt niet)" in problems
    assert any(p.startswith(f"logregel {ids[3]}: de verwijzing") for p in problems)
    fake = "gemarkeerd als gepseudonimiseerd zonder vastgelegde wissing"
    assert f"logregel {ids[1]}: {fake}" in problems


def _chain_existing_log(url: str) -> None:
    """A database at 0002 with a log and a former employee, upgraded to 0003."""
    from flask_migrate import upgrade

    from ommen_rollen import create_app
    from tests.conftest import base_config

    app = create_app(base_config(url))
    with app.app_context():
        try:
            upgrade(revision="0002")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO employee (username, name, contract_units, "
                    "base_function, active, version_id, created_at, updated_at) "
                    "VALUES ('oud', 'Oud Gediende', 5000, 'B', false, 1, "
                    "'2024-01-31 10:00:00', '2024-01-31 10:00:00')"
                ))  # fmt: skip
                for number in range(3):
                    conn.execute(
                        sa.text(
                            "INSERT INTO audit_entry (at, action, object_type, details)"
                            " VALUES (:at, 'round_opened', 'planning_round', :d)"
                        ),
                        {
                            "at": f"2026-0{number + 1}-01 12:00:00",
                            "d": '{"label": "x"}',
                        },
                    )
            upgrade()
            assert audit.verify() == []
            left = db.session.scalar(select(Employee.left_at))
            assert left is not None and left.year == 2024
            audit.record("login", None)
            db.session.commit()
            assert audit.verify() == []
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_migration_chains_the_entries_already_there_on_sqlite(
    tmp_path: Path,
) -> None:
    _chain_existing_log(f"sqlite:///{tmp_path}/chain.sqlite")


@pytest.mark.postgres
def test_the_migration_chains_the_entries_already_there_on_postgresql() -> None:
    from tests.conftest import PG_URL_ENV, require_service, scratch_postgres_database

    url, drop = scratch_postgres_database(require_service("PostgreSQL", PG_URL_ENV))
    try:
        _chain_existing_log(url)
    finally:
        drop()
