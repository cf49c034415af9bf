"""Downloads: the werkplan PDF (a medewerker their own, the secretaris any or all
of a round as a ZIP), the round overview as XLSX and CSV, and the solver's JSON
(a round as instance v1, a proposal's own instance and plan v1) so that
`ommen-rollen solve` and `check` reproduce any run."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import PlanningRound, Proposal, WorkPlan
from ..services import approval, exports
from ..services.base import ServiceError
from ..services.exports.common import current_plans, proposal_filename, safe_filename
from ..services.exports.instance_export import round_instance_json
from .access import access

bp = Blueprint("export", __name__, url_prefix="/export")

PDF = "application/pdf"
ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
JSON = "application/json"


def _send(data: bytes, filename: str, mimetype: str) -> Response:
    """A download; its name is sanitised whatever it was built from (a round's
    name is typed by people)."""
    response = send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=safe_filename(filename),
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
    from ..services.review import round_proposals

    return render_template(
        "export/round.html",
        round=round_,
        plans=current_plans(round_id),
        proposals=round_proposals(round_id),
    )


@bp.route("/werkplannen/<int:plan_id>.pdf")
@access("secretary")
def werkplan_pdf(plan_id: int) -> Response:
    """Any werkplan as a PDF."""
    return _werkplan_pdf(plan_id)


def _werkplan_pdf(plan_id: int) -> Response:
    """The werkplan as a PDF download, recorded in the audit log."""
    try:
        pdf, filename = exports.werkplan_pdf(plan_id)
    except ServiceError:
        abort(404)
    exports.record_export(
        current_user,
        "pdf",
        object_type="work_plan",
        object_id=plan_id,
        remote_addr=request.remote_addr,
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
    return _werkplan_pdf(plan.id)


@bp.route("/rondes/<int:round_id>/werkplannen.zip")
@access("secretary")
def round_zip(round_id: int) -> Response:
    """All current werkplannen of a round: one PDF per medewerker in one ZIP."""
    _round_or_404(round_id)
    if not current_plans(round_id):
        flash("Deze planronde heeft nog geen werkplannen.", "warning")
        return redirect(url_for("export.round_downloads", round_id=round_id))
    return _round_file(round_id, exports.round_werkplannen_zip, "zip", ZIP)


@bp.route("/rondes/<int:round_id>/overzicht.xlsx")
@access("secretary")
def round_xlsx(round_id: int) -> Response:
    """The overview of a round as an Excel workbook."""
    _round_or_404(round_id)
    return _round_file(round_id, exports.overview_xlsx, "xlsx", XLSX)


@bp.route("/rondes/<int:round_id>/toewijzingen.csv")
@access("secretary")
def round_csv(round_id: int) -> Response:
    """Every assignment of a round as CSV for Dutch Excel."""
    _round_or_404(round_id)
    return _round_file(round_id, exports.overview_csv, "csv", CSV)


def _round_file(
    round_id: int,
    build: Callable[[int], tuple[bytes, str]],
    kind: str,
    mimetype: str,
) -> Response:
    """Build a download of a whole round, record it in the audit log, send it."""
    data, filename = build(round_id)
    exports.record_export(
        current_user,
        kind,
        object_type="planning_round",
        object_id=round_id,
        remote_addr=request.remote_addr,
    )
    return _send(data, filename, mimetype)


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


@bp.route("/rondes/<int:round_id>/instance.json")
@access("secretary")
def round_instance(round_id: int) -> Response:
    """The round as it stands now, as solver instance format v1 with every
    employee named by username: the file imports back without duplicates."""
    _round_or_404(round_id)
    return _round_file(round_id, round_instance_json, "json", JSON)


@bp.route("/voorstellen/<int:proposal_id>/instance.json")
@access("secretary")
def proposal_instance(proposal_id: int) -> Response:
    """A proposal's own input (instance v1), exactly as the solver saw it."""
    return _proposal_json(proposal_id, "instance")


@bp.route("/voorstellen/<int:proposal_id>/plan.json")
@access("secretary")
def proposal_plan(proposal_id: int) -> Response:
    """A proposal's result (plan v1), exactly as the solver returned it."""
    return _proposal_json(proposal_id, "plan")


def _proposal_json(proposal_id: int, part: str) -> Response:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404)
    data = proposal.instance if part == "instance" else proposal.plan
    if not data:
        flash("Dit voorstel heeft geen plan (de run is mislukt).", "warning")
        return redirect(url_for("export.round_downloads", round_id=proposal.round_id))
    exports.record_export(
        current_user,
        "json",
        object_type="proposal",
        object_id=proposal_id,
        remote_addr=request.remote_addr,
    )
    filename = proposal_filename(proposal.round.label, part, proposal.number)
    return _send(_json(data), filename, JSON)
