"""/api/v1 rounds, proposals, werkplannen, vulnerability, optimisation jobs and
preferences. Reads with 'read', optimising with 'optimise', everybody's
preferences with 'preferences'; a medewerker's own preferences with their own
session (/api/v1/me/...)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain import AssignmentKind
from ..extensions import db
from ..models import (
    Assignment,
    Employee,
    Job,
    PlanningRound,
    Preference,
    Proposal,
    Role,
    WorkPlan,
)
from ..services import jobs, preferences, review, rounds
from ..services.base import ServiceError
from ..services.rounds import accepts_preferences
from ..services.solver_bridge import employee_id_of, stored_figures
from ..solver.sections import AbsenceReport
from . import schemas
from .auth import own_session, requires, token_user
from .common import (
    documented,
    fte_text,
    hours_text,
    make_blueprint,
    moment,
    page,
    page_body,
)
from .errors import refuse, service_error_response

blp = make_blueprint(
    "api_planning",
    "Planrondes, voorstellen, werkplannen, kwetsbaarheid, optimaliseren en voorkeuren.",
)


def _round(round_id: int) -> PlanningRound:
    try:
        return rounds.get_round(round_id)
    except ServiceError as exc:
        refuse(404, str(exc))


def round_json(round_: PlanningRound) -> dict[str, Any]:
    return {
        "id": round_.id,
        "label": round_.label,
        "starts_on": round_.starts_on,
        "ends_on": round_.ends_on,
        "deadline": round_.deadline,
        "status": round_.status.value,
    }


@blp.route("/rounds")
@requires("read")
@blp.arguments(schemas.PageQuery, location="query")
@blp.response(200, schemas.RoundPage)
@documented(blp, 422)
def list_rounds(args: dict[str, int]) -> dict[str, Any]:
    """Planrondes, nieuwste periode eerst"""
    query = select(PlanningRound).order_by(
        PlanningRound.starts_on.desc(), PlanningRound.id.desc()
    )
    rows, total = page(query, **args)
    return page_body([round_json(r) for r in rows], total, args)


@blp.route("/rounds/<int:round_id>")
@requires("read")
@blp.response(200, schemas.RoundOut)
@documented(blp, 404)
def get_round(round_id: int) -> dict[str, Any]:
    """Eén planronde"""
    return round_json(_round(round_id))


# --- proposals and vulnerability ------------------------------------------------


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    figures = stored_figures(proposal)
    uncovered = figures.uncovered_fte
    return {
        "number": proposal.number,
        "status": proposal.status.value,
        "solver_status": proposal.solver_status,
        "note": proposal.note,
        "created_at": moment(proposal.created_at),
        "uncovered_fte": fte_text(uncovered) if uncovered is not None else None,
        "missing_backups": figures.missing_backups,
    }


def _proposal(round_id: int, number: int) -> Proposal:
    found = db.session.scalar(
        select(Proposal).where(Proposal.round_id == round_id, Proposal.number == number)
    )
    if found is None:
        refuse(404, f"Voorstel {number} bestaat niet in deze planronde.")
    return found


@blp.route("/rounds/<int:round_id>/proposals")
@requires("read")
@blp.arguments(schemas.PageQuery, location="query")
@blp.response(200, schemas.ProposalPage)
@documented(blp, 404, 422)
def list_proposals(args: dict[str, int], round_id: int) -> dict[str, Any]:
    """Voorstellen (optimalisatieruns) van een planronde, nieuwste eerst"""
    _round(round_id)
    query = (
        select(Proposal)
        .where(Proposal.round_id == round_id)
        .order_by(Proposal.number.desc())
    )
    rows, total = page(query, **args)
    return page_body([proposal_json(p) for p in rows], total, args)


@blp.route("/rounds/<int:round_id>/proposals/<int:number>")
@requires("read")
@blp.response(200, schemas.ProposalOut)
@documented(blp, 404)
def get_proposal(round_id: int, number: int) -> dict[str, Any]:
    """Eén voorstel"""
    return proposal_json(_proposal(round_id, number))


def _usernames(keys: set[str]) -> dict[str, str]:
    """Instance employee keys (m<id>) to usernames."""
    ids = {k: employee_id_of(k) for k in keys}
    wanted = [i for i in ids.values() if i is not None]
    names = {
        e.id: e.username
        for e in db.session.scalars(
            select(Employee).where(Employee.id.in_(wanted or [0]))
        )
    }
    return {k: names.get(i, k) if i is not None else k for k, i in ids.items()}


@blp.route("/rounds/<int:round_id>/proposals/<int:number>/vulnerability")
@requires("read")
@blp.response(200, schemas.VulnerabilityOut)
@documented(blp, 404)
def get_vulnerability(round_id: int, number: int) -> dict[str, Any]:
    """Kwetsbaarheid van een voorstel: wat blijft liggen als iemand uitvalt"""
    proposal = _proposal(round_id, number)
    found = review.review(proposal)
    worst = found.worst
    keys = {a.employee for a in found.absence}
    if worst is not None:
        keys.add(worst.employee)
    usernames = _usernames(keys)

    def absence(item: AbsenceReport) -> dict[str, Any]:
        return {
            "employee": usernames.get(item.employee, item.employee),
            "uncovered_fte": fte_text(item.uncovered_fte),
            "roles": list(item.roles),
        }

    return {
        "proposal": proposal.number,
        "single_eligible_roles": found.single_eligible,
        "absence": [absence(a) for a in found.absence],
        "worst": absence(worst) if worst is not None else None,
    }


# --- werkplannen ------------------------------------------------


def werkplannen_json(plans: list[WorkPlan]) -> list[dict[str, Any]]:
    """Current werkplannen with per role who holds and who backs up (all plans of
    the round, not only this page, are read for the holders and backups)."""
    if not plans:
        return []
    round_id = plans[0].round_id
    everyone = db.session.execute(
        select(Assignment.role_id, Assignment.kind, Employee.username)
        .join(WorkPlan, WorkPlan.id == Assignment.work_plan_id)
        .join(Employee, Employee.id == WorkPlan.employee_id)
        .where(WorkPlan.round_id == round_id, WorkPlan.current.is_(True))
        .order_by(Employee.username)
    ).all()
    holders: dict[int, list[str]] = defaultdict(list)
    backups: dict[int, list[str]] = defaultdict(list)
    for role_id, kind, username in everyone:
        if kind == AssignmentKind.HOLDER:
            holders[role_id].append(username)
        elif kind == AssignmentKind.BACKUP:
            backups[role_id].append(username)
    items = []
    for plan in plans:
        me = plan.employee.username
        lines = []
        total = 0
        for a in sorted(plan.assignments, key=lambda a: (a.role.code, a.kind.value)):
            if a.kind != AssignmentKind.BACKUP:
                total += a.fte_units
            lines.append(
                {
                    "role": a.role.code,
                    "kind": a.kind.value,
                    "fte": fte_text(a.fte_units),
                    "hours": hours_text(a.fte_units),
                    "mentor": a.mentor.username if a.mentor else None,
                    "holders": (
                        [u for u in holders[a.role_id] if u != me]
                        if a.kind == AssignmentKind.BACKUP
                        else []
                    ),
                    "backups": (
                        [u for u in backups[a.role_id] if u != me]
                        if a.kind == AssignmentKind.HOLDER
                        else []
                    ),
                }
            )
        items.append(
            {
                "employee": me,
                "name": plan.employee.name,
                "version": plan.version,
                "status": plan.status.value,
                "proposal": plan.proposal.number if plan.proposal else None,
                "contract_fte": fte_text(plan.employee.contract_units),
                "total_fte": fte_text(total),
                "total_hours": hours_text(total),
                "assignments": lines,
            }
        )
    return items


@blp.route("/rounds/<int:round_id>/werkplannen")
@requires("read")
@blp.arguments(schemas.PageQuery, location="query")
@blp.response(200, schemas.WerkplanPage)
@documented(blp, 404, 422)
def list_werkplannen(args: dict[str, int], round_id: int) -> dict[str, Any]:
    """De huidige werkplannen van een planronde: rollen, vervangingen, uren"""
    _round(round_id)
    query = (
        select(WorkPlan)
        .join(Employee, Employee.id == WorkPlan.employee_id)
        .where(WorkPlan.round_id == round_id, WorkPlan.current.is_(True))
        .options(
            selectinload(WorkPlan.assignments).selectinload(Assignment.role),
            selectinload(WorkPlan.assignments).selectinload(Assignment.mentor),
            selectinload(WorkPlan.employee),
            selectinload(WorkPlan.proposal),
        )
        .order_by(Employee.username)
    )
    rows, total = page(query, **args)
    return page_body(werkplannen_json(rows), total, args)


# --- optimising ------------------------------------------------


def job_json(job: Job) -> dict[str, Any]:
    proposal = db.session.get(Proposal, job.proposal_id) if job.proposal_id else None
    return {
        "id": job.id,
        "round_id": job.round_id,
        "status": job.status.value,
        "proposal": proposal.number if proposal else None,
        "progress": job.progress or {},
        "error": job.error,
        "created_at": moment(job.created_at),
        "finished_at": moment(job.finished_at),
    }


@blp.route("/rounds/<int:round_id>/optimise", methods=["POST"])
@requires("optimise")
@blp.arguments(schemas.OptimiseIn)
@blp.response(202, schemas.JobOut)
@documented(blp, 404, 409, 415, 422)
def optimise(data: dict[str, Any], round_id: int) -> Any:
    """Een optimalisatie starten; volg de voortgang op /jobs/{job_id}

    Kan als de planronde gesloten is en nog niet goedgekeurd."""
    _round(round_id)
    try:
        job = jobs.start_solve(
            round_id,
            token_user(),
            time_limit_s=data.get("time_limit_s"),
            seed=data.get("seed"),
            note=data.get("note", ""),
        )
    except ServiceError as exc:
        return service_error_response(exc)
    location = url_for(".get_job", job_id=job.id)
    return job_json(job), 202, {"Location": location}


@blp.route("/jobs/<int:job_id>")
@requires("optimise")
@blp.response(200, schemas.JobOut)
@documented(blp, 404)
def get_job(job_id: int) -> dict[str, Any]:
    """Status en voortgang van een optimalisatie"""
    job = db.session.get(Job, job_id)
    if job is None:
        refuse(404, "Deze taak bestaat niet.")
    jobs.check_job(job)
    return job_json(job)


# --- preferences ------------------------------------------------


def _preference_lines(prefs: list[Preference]) -> list[dict[str, Any]]:
    return [
        {"role": p.role.code, "choice": p.choice.value, "comment": p.comment}
        for p in sorted(prefs, key=lambda p: p.role.code)
    ]


@blp.route("/rounds/<int:round_id>/preferences")
@requires("preferences")
@blp.arguments(schemas.PageQuery, location="query")
@blp.response(200, schemas.PreferencePage)
@documented(blp, 404, 422)
def list_preferences(args: dict[str, int], round_id: int) -> dict[str, Any]:
    """De voorkeuren van alle medewerkers in een planronde, per medewerker"""
    _round(round_id)
    query = (
        select(Employee)
        .where(
            Employee.id.in_(
                select(Preference.employee_id).where(Preference.round_id == round_id)
            )
        )
        .order_by(Employee.username)
    )
    people, total = page(query, **args)
    prefs: dict[int, list[Preference]] = defaultdict(list)
    for pref in db.session.scalars(
        select(Preference)
        .where(
            Preference.round_id == round_id,
            Preference.employee_id.in_([e.id for e in people] or [0]),
        )
        .options(selectinload(Preference.role))
    ):
        prefs[pref.employee_id].append(pref)
    items = [
        {"employee": e.username, "preferences": _preference_lines(prefs[e.id])}
        for e in people
    ]
    return page_body(items, total, args)


def _mine(round_: PlanningRound, employee_id: int, changed: int | None = None) -> Any:
    mine = list(preferences.my_preferences(round_.id, employee_id).values())
    body: dict[str, Any] = {
        "round_id": round_.id,
        "open": accepts_preferences(round_),
        "preferences": _preference_lines(mine),
    }
    if changed is not None:
        body["changed"] = changed
    return body


@blp.route("/me/rounds/<int:round_id>/preferences")
@own_session
@blp.response(200, schemas.MyPreferencesOut)
@documented(blp, 404)
def my_preferences(round_id: int) -> Any:
    """Mijn eigen voorkeuren in een planronde (eigen sessie)"""
    return _mine(_round(round_id), token_user().employee_id or 0)


@blp.route("/me/rounds/<int:round_id>/preferences", methods=["PUT"])
@own_session
@blp.arguments(schemas.MyPreferencesIn)
@blp.response(200, schemas.MyPreferencesOut)
@documented(blp, 404, 409, 415, 422)
def save_my_preferences(data: dict[str, Any], round_id: int) -> Any:
    """Mijn voorkeuren opslaan (eigen sessie, JSON en header X-CSRFToken)

    Alleen de genoemde rollen veranderen; alles of niets."""
    round_ = _round(round_id)
    user = token_user()
    employee_id = user.employee_id or 0
    codes = [line["role"] for line in data["preferences"]]
    roles = {
        r.code: r
        for r in db.session.scalars(
            select(Role).where(Role.code.in_(codes or [""]), Role.active.is_(True))
        )
    }
    errors: dict[str, list[str]] = {}
    choices: dict[int, tuple[str, str]] = {}
    for line in data["preferences"]:
        role = roles.get(line["role"])
        key = f"preferences.{line['role']}"
        if role is None:
            errors[key] = [f"Rol {line['role']} bestaat niet of is niet actief."]
        elif role.id in choices:
            errors[key] = [f"Rol {role.code} staat er twee keer in."]
        else:
            choices[role.id] = (line["choice"], line["comment"])
    if errors:
        refuse(422, "De voorkeuren zijn niet opgeslagen.", errors)
    code_of = {r.id: r.code for r in roles.values()}
    try:
        changed = preferences.save_preferences(round_id, employee_id, choices, user)
    except preferences.PreferenceError as exc:
        renamed = {
            f"preferences.{code_of.get(k, k)}": [v] for k, v in exc.errors.items()
        }
        return service_error_response(exc, renamed)
    except ServiceError as exc:
        return service_error_response(exc)
    return _mine(round_, employee_id, changed)
