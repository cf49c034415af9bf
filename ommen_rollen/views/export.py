"""Downloads: the werkplan PDF (a medewerker their own, the secretaris any or all
of a round as a ZIP) and the round overview as XLSX and CSV."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import PlanningRound, WorkPlan
from ..services import approval, exports
from ..services.base import ServiceError
from ..services.exports.common import current_plans
from .access import access

bp = Blueprint("export", __name__, url_prefix="/export")

PDF = "application/pdf"
ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _send(data: bytes, filename: str, mimetype: str) -> Response:
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename
    )
    response.headers["Cache-Control"] = "no-store"  # personal data
    return response


def _round_or_404(round_id: int) -> PlanningRound:
    round_ = db.session.get(PlanningRound, round_id)
    if round_ is None:
        abort(404)
    return round_


@bp.route("/")
@access("secretary")
def index() -> str:
    """Every planning round with its downloads."""
    rounds = db.session.scalars(
        select(PlanningRound).order_by(PlanningRound.starts_on.desc())
    ).all()
    return render_template("export/index.html", rounds=rounds)


@bp.route("/rondes/<int:round_id>")
@access("secretary")
def round_downloads(round_id: int) -> str:
    """The werkplannen of one round, each as a PDF, and the overviews."""
    round_ = _round_or_404(round_id)
    return render_template(
        "export/round.html", round=round_, plans=current_plans(round_id)
    )


@bp.route("/werkplannen/<int:plan_id>.pdf")
@access("secretary")
def werkplan_pdf(plan_id: int) -> Response:
    """Any werkplan as a PDF."""
    try:
        pdf, filename = exports.werkplan_pdf(plan_id)
    except ServiceError:
        abort(404)
    exports.record_export(
        current_user, "pdf", object_type="work_plan", object_id=plan_id
    )
    return _send(pdf, filename, PDF)


@bp.route("/mijn-werkplannen")
@access("employee")
def my_werkplannen() -> str:
    """The medewerker's own werkplannen, newest round first (only those shown to
    them: a proposal is theirs to see once it is published)."""
    plans = db.session.scalars(
        select(WorkPlan)
        .join(PlanningRound)
        .where(
            WorkPlan.employee_id == current_user.employee_id,
            WorkPlan.current.is_(True),
        )
        .order_by(PlanningRound.starts_on.desc())
    ).all()
    plans = [plan for plan in plans if _shown_to_employee(plan)]
    return render_template("export/mine.html", plans=plans)


def _shown_to_employee(plan: WorkPlan) -> bool:
    """Whether the medewerker may see this werkplan of theirs: not while the
    secretaris is still working on an unpublished proposal (as on Mijn werkplan)."""
    return approval.visible_plan(plan.employee_id, plan.round_id) is not None


@bp.route("/mijn-werkplannen/<int:plan_id>.pdf")
@access("employee")
def my_werkplan_pdf(plan_id: int) -> Response:
    """The medewerker's own werkplan as a PDF; someone else's does not exist here."""
    plan = db.session.get(WorkPlan, plan_id)
    if plan is None or plan.employee_id != current_user.employee_id:
        abort(404)
    if not _shown_to_employee(plan):
        abort(404)
    pdf, filename = exports.werkplan_pdf(plan.id)
    exports.record_export(
        current_user, "pdf", object_type="work_plan", object_id=plan_id
    )
    return _send(pdf, filename, PDF)


@bp.route("/rondes/<int:round_id>/werkplannen.zip")
@access("secretary")
def round_zip(round_id: int) -> Response:
    """All current werkplannen of a round: one PDF per medewerker in one ZIP."""
    _round_or_404(round_id)
    if not current_plans(round_id):
        flash("Deze planronde heeft nog geen werkplannen.", "warning")
        return redirect(url_for("export.round_downloads", round_id=round_id))
    data, filename = exports.round_werkplannen_zip(round_id)
    exports.record_export(
        current_user, "zip", object_type="planning_round", object_id=round_id
    )
    return _send(data, filename, ZIP)


@bp.route("/rondes/<int:round_id>/overzicht.xlsx")
@access("secretary")
def round_xlsx(round_id: int) -> Response:
    """The overview of a round as an Excel workbook."""
    _round_or_404(round_id)
    data, filename = exports.overview_xlsx(round_id)
    exports.record_export(
        current_user, "xlsx", object_type="planning_round", object_id=round_id
    )
    return _send(data, filename, XLSX)


@bp.route("/rondes/<int:round_id>/toewijzingen.csv")
@access("secretary")
def round_csv(round_id: int) -> Response:
    """Every assignment of a round as CSV for Dutch Excel."""
    _round_or_404(round_id)
    data, filename = exports.overview_csv(round_id)
    exports.record_export(
        current_user, "csv", object_type="planning_round", object_id=round_id
    )
    return _send(data, filename, CSV)
