"""The medewerker's pages: Voorkeuren, Samen kiezen, Mijn werkplan. Every page shows
only the logged-in employee's own data; ids of others give 404."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..extensions import db
from ..forms.planning import CommentForm
from ..models import Cluster, Employee, PlanningRound, WorkPlan, WorkPlanStatus
from ..services import approval, preferences, rounds, scenarios
from ..services.base import ServiceError
from ..services.review import werkplan_view
from .access import access
from .form_values import row_id

bp = Blueprint("medewerker", __name__, url_prefix="/mijn")


def _me() -> Employee:
    employee = db.session.get(Employee, current_user.employee_id)
    if employee is None:
        abort(404)
    return employee


def _filters() -> tuple[int | None, str]:
    cluster_id = row_id(request.args.get("cluster", ""))
    return cluster_id, request.args.get("q", "")[:100]


def _clusters() -> list[Cluster]:
    return list(
        db.session.scalars(
            select(Cluster).where(Cluster.active.is_(True)).order_by(Cluster.name)
        )
    )


@bp.app_template_global()
def employee_overview(employee_id: int | None) -> dict[str, Any]:
    """What the medewerker's home page shows: the current round and werkplan."""
    round_ = rounds.open_round_now()
    found: dict[str, Any] = {"round": round_, "plan": None, "approved": None}
    if employee_id is None:
        return found
    if round_ is not None:
        found["accepts"] = rounds.accepts_preferences(round_)
        found["plan"] = approval.visible_plan(employee_id, round_.id)
        found["count"] = len(preferences.my_preferences(round_.id, employee_id))
    found["approved"] = db.session.scalar(
        select(WorkPlan)
        .join(PlanningRound)
        .where(
            WorkPlan.employee_id == employee_id,
            WorkPlan.current.is_(True),
            WorkPlan.status == WorkPlanStatus.APPROVED,
        )
        .order_by(PlanningRound.starts_on.desc())
        .limit(1)
    )
    return found


@bp.route("/voorkeuren", methods=["GET", "POST"])
@access("employee")
def voorkeuren() -> str | Response:
    """All active roles with eligibility and my choice per role."""
    me = _me()
    round_ = rounds.open_round_now()
    cluster_id, q = _filters()
    if request.method == "POST":
        if round_ is None:
            abort(404)
        choices: dict[int, tuple[str, str]] = {}
        for raw in request.form.getlist("role_id"):
            role_id = row_id(raw)
            if role_id is None:
                flash("Het formulier is ongeldig.", "error")
                return redirect(url_for(".voorkeuren"))
            choices[role_id] = (
                request.form.get(f"choice-{role_id}", "neutral"),
                request.form.get(f"comment-{role_id}", ""),
            )
        partial = request.headers.get("HX-Request") == "true"
        try:
            changed = preferences.save_preferences(
                round_.id, me.id, choices, current_user
            )
        except ServiceError as exc:
            if partial:  # saved as they go (htmx): answer in the status line
                return render_template("medewerker/_saved.html", error=str(exc))
            flash(str(exc), "error")
        else:
            if partial:
                return render_template("medewerker/_saved.html", changed=changed)
            flash(f"Uw voorkeuren zijn opgeslagen ({changed} gewijzigd).", "success")
        return redirect(url_for(".voorkeuren", cluster=cluster_id or None, q=q or None))
    rows = (
        preferences.preference_rows(round_.id, me, cluster_id=cluster_id, q=q)
        if round_ is not None
        else []
    )
    return render_template(
        "medewerker/voorkeuren.html",
        round=round_,
        rows=rows,
        editable=round_ is not None and rounds.accepts_preferences(round_),
        clusters=_clusters(),
        cluster_id=cluster_id,
        q=q,
        choices=preferences.CHOICES,
    )


@bp.route("/samen-kiezen")
@access("employee")
def samen_kiezen() -> str:
    """Interest per role, so colleagues see where nobody has chosen yet."""
    round_ = rounds.open_round_now()
    cluster_id, q = _filters()
    rows = preferences.interest(round_, cluster_id=cluster_id, q=q) if round_ else []
    return render_template(
        "medewerker/samen_kiezen.html",
        round=round_,
        rows=rows,
        clusters=_clusters(),
        cluster_id=cluster_id,
        q=q,
    )


@bp.route("/werkplan")
@access("employee")
def werkplan() -> str | Response:
    """My werkplan in the current round (once proposed), else a new version from
    a published scenario that waits for my akkoord."""
    me = _me()
    round_ = rounds.open_round_now()
    plan = approval.visible_plan(me.id, round_.id) if round_ else None
    if plan is None:  # a new version from a published scenario waits for akkoord
        plan = scenarios.awaiting_akkoord(me.id)
    if plan is not None:
        return redirect(url_for(".werkplan_detail", plan_id=plan.id))
    return render_template("medewerker/geen_werkplan.html", round=round_)


@bp.route("/werkplannen/<int:plan_id>")
@access("employee")
def werkplan_detail(plan_id: int) -> str:
    """One of my werkplannen with roles, backups, mentor, load and reasons."""
    try:
        plan = approval.own_plan(plan_id, current_user.employee_id)
    except approval.PlanNotFound:
        abort(404)
    if approval.visible_plan(plan.employee_id, plan.round_id) is None:
        abort(404)
    return render_template(
        "medewerker/werkplan.html",
        view=werkplan_view(plan),
        form=CommentForm(obj=None, comment=plan.employee_comment),
    )


@bp.route("/werkplannen/<int:plan_id>/akkoord", methods=["POST"])
@access("employee")
def akkoord(plan_id: int) -> Response:
    """I agree with my proposed werkplan."""
    try:
        approval.agree(plan_id, current_user.employee_id, current_user)
    except approval.PlanNotFound:
        abort(404)
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash("U bent akkoord met uw werkplan.", "success")
    return redirect(url_for(".werkplan_detail", plan_id=plan_id))


@bp.route("/werkplannen/<int:plan_id>/opmerking", methods=["POST"])
@access("employee")
def opmerking(plan_id: int) -> Response:
    """I leave a comment on my proposed werkplan."""
    form = CommentForm()
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        try:
            approval.own_plan(plan_id, current_user.employee_id)
        except approval.PlanNotFound:
            abort(404)
        return redirect(url_for(".werkplan_detail", plan_id=plan_id))
    try:
        approval.comment(
            plan_id, current_user.employee_id, form.comment.data or "", current_user
        )
    except approval.PlanNotFound:
        abort(404)
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash("Uw opmerking is verstuurd naar de secretaris.", "success")
    return redirect(url_for(".werkplan_detail", plan_id=plan_id))
