"""Inzage (AVG art. 15): everything the system holds about one medewerker, as one
JSON-ready dictionary; the PDF is the same data in a readable document."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import current_app, render_template
from sqlalchemy import or_, select

from ...domain import format_fte, format_hours
from ...extensions import db
from ...models import (
    AuditEntry,
    Employee,
    PlanningRound,
    Preference,
    User,
    WorkPlan,
)
from .. import audit
from ..base import ServiceError, utcnow

FORMAT = "ommen-rollen/inzage/v1"
LOGIN_ACTIONS = ("login", "logout")


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def get_employee(employee_id: int) -> Employee:
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        raise ServiceError("Deze medewerker bestaat niet.")
    return employee


def account_of(employee: Employee) -> User | None:
    return db.session.scalar(select(User).where(User.employee_id == employee.id))


def collect(employee_id: int) -> dict[str, Any]:
    """Every piece of personal data about this employee, grouped by subject."""
    employee = get_employee(employee_id)
    account = account_of(employee)
    rounds: dict[int, dict[str, Any]] = {}

    def round_part(round_: PlanningRound) -> dict[str, Any]:
        return rounds.setdefault(
            round_.id,
            {
                "ronde": round_.label,
                "periode": [round_.starts_on.isoformat(), round_.ends_on.isoformat()],
                "voorkeuren": [],
                "werkplannen": [],
            },
        )

    preferences = db.session.scalars(
        select(Preference)
        .where(Preference.employee_id == employee.id)
        .order_by(Preference.round_id, Preference.role_id)
    ).all()
    for pref in preferences:
        round_part(pref.round)["voorkeuren"].append(
            {
                "rol": pref.role.code,
                "rolnaam": pref.role.name,
                "keuze": pref.choice.label,
                "opmerking": pref.comment,
                "bijgewerkt": _time(pref.updated_at),
            }
        )
    plans = db.session.scalars(
        select(WorkPlan)
        .where(WorkPlan.employee_id == employee.id)
        .order_by(WorkPlan.round_id, WorkPlan.version)
    ).all()
    for plan in plans:
        approver = (
            db.session.get(User, plan.approved_by_id) if plan.approved_by_id else None
        )
        round_part(plan.round)["werkplannen"].append(
            {
                "versie": plan.version,
                "actueel": plan.current,
                "status": plan.status.label,
                "opmerking": plan.employee_comment,
                "akkoord_op": _time(plan.agreed_at),
                "goedgekeurd_op": _time(plan.approved_at),
                "goedgekeurd_door": approver.username if approver else None,
                "rollen": [
                    {
                        "rol": a.role.code,
                        "rolnaam": a.role.name,
                        "soort": a.kind.label,
                        "fte": format_fte(a.fte_units),
                        "uur_per_week": format_hours(a.fte_units),
                        "mentor": a.mentor.name if a.mentor else None,
                    }
                    for a in sorted(
                        plan.assignments, key=lambda a: (a.kind, a.role.code)
                    )
                ],
            }
        )
    return {
        "formaat": FORMAT,
        "gemaakt_op": utcnow().isoformat(),
        "organisatie": current_app.config.get("MUNICIPALITY", ""),
        "profiel": {
            "naam": employee.name,
            "gebruikersnaam": employee.username,
            "contract_fte": format_fte(employee.contract_units),
            "contract_uur_per_week": format_hours(employee.contract_units),
            "rompfunctie": employee.base_function.value,
            "cluster": employee.home_cluster.name if employee.home_cluster else None,
            "actief": employee.active,
            "uit_dienst_op": _time(employee.left_at),
            "aangemaakt": _time(employee.created_at),
            "bijgewerkt": _time(employee.updated_at),
        },
        "account": _account(account),
        "competenties": [
            {"competentie": ec.competence.name, "niveau": ec.level}
            for ec in sorted(employee.competences, key=lambda ec: ec.competence.name)
        ],
        "rondes": [rounds[key] for key in sorted(rounds)],
        "aanmeldingen": _logins(account),
        "logboek": _log_about(employee, account),
    }


def _account(account: User | None) -> dict[str, Any] | None:
    if account is None:
        return None
    return {
        "gebruikersnaam": account.username,
        "rol": account.role.value,
        "actief": account.active,
        "laatst_aangemeld": _time(account.last_login_at),
    }


def _logins(account: User | None) -> list[dict[str, Any]]:
    if account is None:
        return []
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.user_id == account.id, AuditEntry.action.in_(LOGIN_ACTIONS))
        .order_by(AuditEntry.id)
    ).all()
    return [
        {
            "wanneer": _time(e.at),
            "handeling": "aangemeld" if e.action == "login" else "afgemeld",
            "adres": e.remote_addr or None,
        }
        for e in entries
    ]


def _log_about(employee: Employee, account: User | None) -> list[dict[str, Any]]:
    """Every other log entry by or about this person, as a Dutch sentence."""
    from ..audit_log import describe_entries, person_filter

    query = (
        select(AuditEntry)
        .where(person_filter(employee.id, account.id if account else None))
        .where(
            or_(
                AuditEntry.action.not_in(LOGIN_ACTIONS),
                AuditEntry.user_id.is_(None),
            )
        )
        .order_by(AuditEntry.id)
    )
    entries = db.session.scalars(query).all()
    return [
        {"wanneer": _time(line.entry.at), "wat": line.sentence, "adres": line.address}
        for line in describe_entries(entries)
    ]


def inzage_json(employee_id: int) -> tuple[bytes, str]:
    data = collect(employee_id)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return body, _filename(data, "json")


def inzage_pdf(employee_id: int) -> tuple[bytes, str]:
    from ..exports.werkplan_pdf import html_to_pdf

    data = collect(employee_id)
    html = render_template("privacy/inzage_pdf.html", data=data)
    return html_to_pdf(html), _filename(data, "pdf")


def _filename(data: dict[str, Any], ext: str) -> str:
    from ..exports.common import safe_filename

    return safe_filename(f"inzage-{data['profiel']['gebruikersnaam']}.{ext}")


def record_inzage(
    employee_id: int, what: str, by: User | None, remote_addr: str | None
) -> None:
    """Log who downloaded whose data, in which form, from which address."""
    audit.record(
        "privacy_inzage",
        by,
        object_type="employee",
        object_id=employee_id,
        remote_addr=remote_addr,
        format=what,
    )
    db.session.commit()
