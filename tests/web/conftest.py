"""Set-ups shared by the web tests: a small organisation with accounts (``org``),
a round opened or proposed for it, a logged-in secretaris, a real SMTP server
(``smtp``), and helpers that read pages, mails and the whole database and set up
scenarios and swaps. Test modules import the helpers from here; pytest
finds the fixtures itself."""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select

from ommen_rollen.domain import BaseFunction, RoundStatus, UserRole
from ommen_rollen.extensions import db
from ommen_rollen.extensions import mail as mail_extension
from ommen_rollen.models import Job, JobStatus, PlanningRound, Proposal, WorkPlan
from ommen_rollen.services import approval, jobs, mail, rounds, scenarios
from ommen_rollen.services.solver_bridge import round_instance, store_plan
from ommen_rollen.solver import Plan, plan_from_json
from tests.web.smtp_server import SmtpServer

if TYPE_CHECKING:
    from tests.web.hostile.base import World


@dataclass
class Org:
    """A small organisation: three roles, four employees, accounts."""

    roles: dict[str, Any]
    employees: dict[str, Any]
    users: dict[str, Any]
    secretary: Any


@pytest.fixture
def org(
    app: Any,
    make_competence: Callable[..., Any],
    make_cluster: Callable[..., Any],
    make_role: Callable[..., Any],
    make_employee: Callable[..., Any],
    make_user: Callable[..., Any],
) -> Org:
    """Anouk and Bram (B, regievoering) can hold r01; Carla (C) only r03; Dirk (A)."""
    regie = make_competence("regievoering")
    regie_cluster = make_cluster("Regie en Coördinatie")
    beleid = make_cluster("Beleid en Ontwikkeling")
    roles = {
        "r01": make_role(
            "r01",
            name="Regie ICT",
            fte_units=5_000,
            base_functions="AB",
            requires={regie: 1},
            cluster=regie_cluster,
        ),
        "r02": make_role(
            "r02",
            name="Regie financiën",
            fte_units=4_000,
            base_functions="B",
            cluster=regie_cluster,
        ),
        "r03": make_role(
            "r03",
            name="Beleid economie",
            fte_units=3_000,
            base_functions="ABC",
            backups_needed=1,
            cluster=beleid,
        ),
    }
    employees = {
        "anouk": make_employee("anouk", name="Anouk de Vries", competences={regie: 2}),
        "bram": make_employee("bram", name="Bram Jansen", competences={regie: 1}),
        "carla": make_employee(
            "carla", name="Carla Smit", base_function=BaseFunction.C
        ),
        "dirk": make_employee(
            "dirk",
            name="Dirk Mulder",
            base_function=BaseFunction.A,
            competences={regie: 1},
            contract_units=8_889,
        ),
    }
    users = {
        name: make_user(name, UserRole.EMPLOYEE, employee=employee)
        for name, employee in employees.items()
    }
    secretary = make_user("secretaris", UserRole.SECRETARY)
    return Org(roles=roles, employees=employees, users=users, secretary=secretary)


def open_round_for(org: Org, **fields: Any) -> PlanningRound:
    """An open round with a deadline next week, created through the service."""
    return rounds.open_round(
        fields.pop("label", "2027-H1"),
        fields.pop("starts_on", date(2027, 1, 1)),
        fields.pop("ends_on", date(2027, 6, 30)),
        fields.pop("deadline", date.today() + timedelta(days=7)),
        org.secretary,
        **fields,
    )


def form_for(org: Org, choices: dict[str, tuple[str, str]]) -> dict[str, Any]:
    data: dict[str, Any] = {"role_id": []}
    for code, (choice, comment) in choices.items():
        role_id = org.roles[code].id
        data["role_id"].append(str(role_id))
        data[f"choice-{role_id}"] = choice
        data[f"comment-{role_id}"] = comment
    return data


def proposed_round(
    org: Org, *, publish: bool = True, extra: list[dict[str, Any]] | None = None
) -> PlanningRound:
    """A closed round with a hand-made proposal: Anouk holds r01 (Bram backs up),
    Bram r02, Dirk r03 (Anouk backs up r02, Carla r03); ``extra`` assignments are
    added as they are (to make a proposal that breaks a hard rule)."""
    round_ = open_round_for(org)
    rounds.close_round(round_.id, org.secretary)

    def m(name: str) -> str:
        return f"m{org.employees[name].id}"

    plan = {
        "version": 1,
        "status": "optimal",
        "assignments": [
            {"employee": m("anouk"), "role": "r01", "kind": "holder", "fte": 0.5},
            {"employee": m("bram"), "role": "r01", "kind": "backup"},
            {"employee": m("bram"), "role": "r02", "kind": "holder", "fte": 0.4},
            {"employee": m("anouk"), "role": "r02", "kind": "backup"},
            {"employee": m("dirk"), "role": "r03", "kind": "holder", "fte": 0.3},
            {"employee": m("carla"), "role": "r03", "kind": "backup"},
            *(extra or []),
        ],
        "uncovered": [],
        "missing_backups": [],
        "explanations": {
            "employees": {
                m("carla"): [
                    {
                        "role": "r01",
                        "wish": "want",
                        "reason_code": "not_eligible",
                        "reason": "Rompfunctie C past niet bij deze rol.",
                    }
                ]
            }
        },
    }
    store_plan(
        round_.id, plan_from_json(plan), round_instance(round_.id), by=org.secretary
    )
    if publish:
        approval.publish(round_.id, org.secretary)
    return round_


def plan_of(org: Org, name: str) -> WorkPlan:
    plan = db.session.scalar(
        select(WorkPlan).where(
            WorkPlan.employee_id == org.employees[name].id,
            WorkPlan.current.is_(True),
        )
    )
    assert plan is not None
    return plan


def alerts(page: str) -> str:
    """The text of the messages at the top of a page (tags stripped)."""
    found = re.findall(
        r'<div class="utrecht-alert[^"]*"[^>]*>(.*?)</div>\s*</div>', page, re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", f) for f in found)


def run_optimiser(client: Any, url: str) -> Job:
    response = client.post(url, data={"time_limit_s": "3", "seed": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(response.location.rstrip("/").split("/")[-1])
    assert jobs.wait_for_thread(job_id, 60)
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job is not None and job.status == JobStatus.FINISHED, job and job.error
    return job


def hand_plan(org: Org, *holders: tuple[str, str, float]) -> Plan:
    """A plan of these holders, with shortfalls, vulnerability and formation."""
    return plan_from_json(
        {
            "version": 1,
            "status": "feasible",
            "assignments": [
                {
                    "employee": f"m{org.employees[name].id}",
                    "role": role,
                    "kind": "holder",
                    "fte": fte,
                }
                for name, role, fte in holders
            ],
            "uncovered": [
                {"role": "r02", "fte": 0.4, "reason": "Niemand met rompfunctie B vrij."}
            ],
            "missing_backups": [
                {"role": "r01", "missing": 1, "reason": "Geen bekwame vervanger over."}
            ],
            "vulnerability": {
                "single_eligible_roles": ["r02"],
                "single_points": {
                    "roles_without_backup": ["r01"],
                    "single_eligible_roles": ["r02"],
                    "only_backup": [],
                },
                "clusters": [
                    {
                        "cluster": "Regie en Coördinatie",
                        "bus_factor": 1,
                        "roles_on_one_person": 2,
                        "roles": 2,
                    }
                ],
                "absence": {
                    f"m{org.employees['anouk'].id}": {
                        "uncovered_fte": 0.5,
                        "uncovered_critical_fte": 0,
                        "roles": ["r01"],
                        "lost_last_backup": [],
                        "knock_on_fte": 0.1,
                        "knock_on": [
                            {
                                "employee": f"m{org.employees['dirk'].id}",
                                "role": "r03",
                                "fte": 0.1,
                            }
                        ],
                    },
                    f"m{org.employees['dirk'].id}": {"uncovered_fte": 0, "roles": []},
                },
                "ranking": [
                    f"m{org.employees['anouk'].id}",
                    f"m{org.employees['dirk'].id}",
                ],
                "worst": {
                    "employee": f"m{org.employees['anouk'].id}",
                    "uncovered_fte": 0.5,
                },
            },
            "formation": {
                "gap": {"uncovered_fte": 0.4, "missing_backups": 1},
                "hires": [
                    {
                        "base_function": "B",
                        "competences": {"financiën": 2},
                        "fte": 0.4,
                        "covers_fte": 0.4,
                        "roles": {"r02": 0.4},
                        "backup_roles": [],
                        "text": "1 Regisseur/adviseur (B), financiën niveau 2, 0,4 fte "
                        "dekt 0,4 fte",
                    }
                ],
                "total_fte": 0.4,
                "remaining": {"uncovered_fte": 0, "missing_backups": 1},
            },
            "metrics": {"covered_fte": 0.8, "uncovered_fte": 0.4},
        }
    )


def two_proposals(org: Org) -> tuple[Any, Proposal, Proposal]:
    round_ = open_round_for(org)
    rounds.close_round(round_.id, org.secretary)
    instance = round_instance(round_.id)
    first = store_plan(
        round_.id,
        hand_plan(org, ("anouk", "r01", 0.5), ("dirk", "r03", 0.3)),
        instance,
    )
    second = store_plan(
        round_.id,
        hand_plan(
            org, ("bram", "r01", 0.5), ("dirk", "r03", 0.2), ("carla", "r03", 0.1)
        ),
        instance,
    )
    return round_, first, second


def table_dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted by primary key."""
    with db.engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(
                    sa.select(table).order_by(*table.primary_key.columns)
                )
            ]
            for table in db.metadata.sorted_tables
        }


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refused save changed nothing."""
    db.session.expire_all()
    rows = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            found = conn.execute(sa.select(table)).all()
            rows[table.name] = sorted((tuple(r) for r in found), key=repr)
    return rows


def page(response: Any) -> str:
    return str(response.get_data(as_text=True))


def error_next_to(html: str, field_id: str) -> str:
    """The error message rendered next to a form field (by the _forms.html macro
    or the competence table)."""
    match = re.search(
        rf'id="{re.escape(field_id)}-fout">([^<]*)</p>', html, flags=re.DOTALL
    )
    assert match, f"no error next to {field_id}"
    return html_module.unescape(match.group(1))


@pytest.fixture
def as_secretary(auth: Any, secretary: Any) -> Any:
    """A client logged in as the secretaris."""
    assert auth.login("secretaris").status_code == 302
    return secretary


@pytest.fixture
def world(
    app: Flask,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    make_user: Callable[..., Any],
    make_employee: Callable[..., Any],
    make_role: Callable[..., Any],
    make_competence: Callable[..., Any],
    make_cluster: Callable[..., Any],
) -> World:
    """The world the bad-input tests post into (tests/web/hostile/base.py)."""
    from tests.web.hostile.base import build_world  # it reads tables with ours

    return build_world(
        app,
        tmp_path,
        monkeypatch,
        make_user,
        make_employee,
        make_role,
        make_competence,
        make_cluster,
    )


# --- approved rounds and scenarios -------------------------------------------------


def approve_everything(round_: PlanningRound, org: Org) -> int:
    """Approve every werkplan of the round, also those without akkoord (with a
    reason, as the secretaris must type one)."""
    return approval.approve_all(
        round_.id, org.secretary, all_listed=True, reason="Besproken in het MT."
    )


@pytest.fixture
def approved(org: Org) -> PlanningRound:
    """The hand-made round of test_approval, every werkplan approved: Anouk holds
    r01 (Bram backs up), Bram r02, Dirk r03 (Anouk backs up r02, Carla r03)."""
    round_ = proposed_round(org)
    approve_everything(round_, org)
    assert round_.status == RoundStatus.APPROVED
    return round_


def roles_of(plan: WorkPlan) -> set[tuple[str, str, int]]:
    return {(a.role.code, a.kind.value, a.fte_units) for a in plan.assignments}


# --- mail: a real SMTP server on loopback ------------------------------------

BASE = "https://rollen.ommen.test"
MAIL_KEYS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_DEFAULT_SENDER", "BASE_URL")


def use_smtp(app: Flask, port: int) -> None:
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_DEFAULT_SENDER="rollenplanning@ommen.test",
        BASE_URL=BASE,
    )
    mail_extension.init_app(app)


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpServer]:
    """A running SMTP server that the app sends to."""
    saved = {key: app.config.get(key) for key in MAIL_KEYS}
    server = SmtpServer().start()
    use_smtp(app, server.port)
    yield server
    assert mail.wait_idle()
    mail.cancel_retry()
    server.stop()
    app.config.update(saved)
    mail_extension.init_app(app)


def links(text: str) -> list[str]:
    return re.findall(r"https://rollen\.ommen\.test/[^\s\"<]+", text)


def path_of(url: str) -> str:
    return url.replace(BASE, "").replace("&amp;", "&")


def with_emails(org: Org, *names: str) -> None:
    for name in names:
        org.employees[name].email = f"{name}@ommen.nl"
    db.session.commit()


# --- background jobs, scenarios and swaps --------------------------------------


def work_the_queue(app: Any) -> None:
    """One job waits on the RQ queue: a worker in this process runs it."""
    from rq import SimpleWorker

    queue = jobs.rq_queue(app)
    assert queue.count == 1
    try:
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    finally:
        queue.delete(delete_jobs=True)


MARCH = date(2027, 3, 1)  # a scenario date in the approved round 2027-H1


def absence(org: Org, name: str) -> dict[str, Any]:
    return scenarios.build_change("absence", employee_id=org.employees[name].id)


APRIL = date(2027, 4, 1)  # a swap date in the approved round 2027-H1


def splittable(org: Org) -> None:
    """r01 may be shared by two holders with at least 0,1 fte each."""
    role = org.roles["r01"]
    role.splittable, role.max_holders, role.min_share_units = True, 2, 1_000
    db.session.commit()
