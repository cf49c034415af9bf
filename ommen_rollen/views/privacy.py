"""Privacy (AVG): a medewerker downloads everything held about them; the
secretaris does so for anyone and erases (pseudonymises) people who left."""

from __future__ import annotations

import io

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
from ..models import Employee
from ..services.base import ServiceError
from ..services.exports.common import safe_filename
from ..services.privacy import erasure, inzage
from .access import access

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

MIMETYPES = {"json": "application/json", "pdf": "application/pdf"}


def _download(employee_id: int, what: str) -> Response:
    """Build the inzage, log who took it from where, send it (never cached)."""
    try:
        build = inzage.inzage_json if what == "json" else inzage.inzage_pdf
        data, filename = build(employee_id)
    except ServiceError:
        abort(404)
    inzage.record_inzage(employee_id, what, current_user, request.remote_addr)
    response = send_file(
        io.BytesIO(data),
        mimetype=MIMETYPES[what],
        as_attachment=True,
        download_name=safe_filename(filename),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/mijn-gegevens")
@access("employee")
def mine() -> str:
    """What the system holds about me, and the downloads."""
    return render_template(
        "privacy/mine.html", data=inzage.collect(current_user.employee_id)
    )


@bp.route("/mijn-gegevens.json")
@access("employee")
def mine_json() -> Response:
    return _download(current_user.employee_id, "json")


@bp.route("/mijn-gegevens.pdf")
@access("employee")
def mine_pdf() -> Response:
    return _download(current_user.employee_id, "pdf")


@bp.route("/medewerkers")
@access("secretary")
def employees() -> str:
    """Everyone, with inzage downloads and erasure; who is due for erasure first."""
    everyone = db.session.scalars(select(Employee).order_by(Employee.name)).all()
    return render_template(
        "privacy/employees.html",
        employees=everyone,
        due={e.id for e in erasure.due()},
        retention_days=erasure.retention_days(),
    )


@bp.route("/medewerkers/<int:employee_id>/inzage.json")
@access("secretary")
def employee_json(employee_id: int) -> Response:
    return _download(employee_id, "json")


@bp.route("/medewerkers/<int:employee_id>/inzage.pdf")
@access("secretary")
def employee_pdf(employee_id: int) -> Response:
    return _download(employee_id, "pdf")


@bp.route("/medewerkers/<int:employee_id>/wissen", methods=["GET", "POST"])
@access("secretary")
def erase(employee_id: int) -> str | Response:
    """Confirm, then erase (pseudonymise) one person's data; irreversible."""
    try:
        preview = erasure.preview(employee_id)
    except ServiceError:
        abort(404)
    if request.method == "POST":
        if request.form.get("bevestigd") != "1":
            flash("Bevestig eerst dat u de gegevens wilt wissen.", "error")
            return redirect(url_for("privacy.erase", employee_id=employee_id))
        try:
            result = erasure.erase(
                employee_id, current_user, remote_addr=request.remote_addr
            )
        except ServiceError as exc:
            flash(str(exc), "error")
            return redirect(url_for("privacy.erase", employee_id=employee_id))
        flash(
            f"De persoonsgegevens zijn gewist; de medewerker heet nu "
            f"'{result.pseudonym}'.",
            "success",
        )
        return redirect(url_for("privacy.employees"))
    return render_template("privacy/erase.html", preview=preview)
