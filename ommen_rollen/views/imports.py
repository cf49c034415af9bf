"""Import for the secretaris: upload -> map columns -> preview with every row's
errors -> commit all or nothing; a planning round from an instance file goes
upload -> preview -> commit the same way."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from ..forms.imports import (
    RoundImportForm,
    UploadForm,
    column_field,
    mapping_form_class,
    mapping_from_form,
)
from ..services import imports
from ..services.imports import ImportRefused
from ..services.imports.instance_json import (
    RoundPreview,
    StagedRound,
    import_round,
    load_round,
    preview_round,
    stage_round,
)
from .access import access

bp = Blueprint("imports", __name__, url_prefix="/beheer/import")

SESSION_KEY = "import_token"
# Requests larger than this are cut off by Werkzeug (413) before any parsing;
# files between the import limit and this get the import's own clear message.
REQUEST_CEILING = 32 * 1024 * 1024


@bp.record_once
def _limit_requests(state: Any) -> None:
    state.app.config.setdefault("MAX_CONTENT_LENGTH", REQUEST_CEILING)


def _folder() -> Path:
    configured = current_app.config.get("IMPORT_STAGING_DIR")
    return Path(configured or os.path.join(current_app.instance_path, "imports"))


def _limits() -> dict[str, int]:
    return {
        "max_bytes": int(current_app.config.get("IMPORT_MAX_BYTES", imports.MAX_BYTES)),
        "max_rows": int(current_app.config.get("IMPORT_MAX_ROWS", imports.MAX_ROWS)),
    }


def _staged() -> imports.Staged | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    try:
        return imports.load(_folder(), token, current_user)
    except ImportRefused:
        session.pop(SESSION_KEY, None)
        return None


def _start_over() -> Response:
    flash("Er is geen bestand om te importeren. Kies eerst een bestand.", "warning")
    return redirect(url_for("imports.upload"))


@bp.route("/", methods=["GET", "POST"])
@access("secretary")
def upload() -> Response | tuple[str, int]:
    """Step 1: choose what to import and the file."""
    form = UploadForm()
    refused: ImportRefused | None = None
    if form.validate_on_submit():
        limits = _limits()
        upload_file = form.file.data
        try:
            data = upload_file.stream.read(limits["max_bytes"] + 1)
        finally:
            upload_file.close()  # a large upload is a temporary file
        try:
            table = imports.read_upload(upload_file.filename or "", data, **limits)
            staged = imports.stage(
                _folder(),
                form.kind.data,
                upload_file.filename or "",
                table,
                current_user,
            )
        except ImportRefused as exc:
            refused = exc
        else:
            old = session.get(SESSION_KEY)
            if old:
                imports.discard(_folder(), old)
            session[SESSION_KEY] = staged.token
            return redirect(url_for("imports.columns"))
    status = 400 if refused is not None else 200
    return render_template(
        "imports/upload.html",
        form=form,
        refused=refused,
        kinds=imports.KINDS,
        limits=_limits(),
    ), status


@bp.route("/kolommen", methods=["GET", "POST"])
@access("secretary")
def columns() -> str | Response:
    """Step 2: which column of the file fills which field (presets for HR systems)."""
    staged = _staged()
    if staged is None:
        return _start_over()
    kind = imports.KINDS[staged.kind]
    headers = staged.table.headers
    preset = request.args.get("voorinstelling", "")
    mapping = staged.mapping
    if preset in imports.PRESETS:
        mapping = imports.suggest_mapping(kind, headers, preset)
    form = mapping_form_class(kind, headers)()
    if request.method == "GET":
        for index, header in enumerate(headers):
            form[column_field(index)].data = mapping.get(header, "")
    elif form.validate_on_submit():
        mapping = mapping_from_form(form, headers)
        problems = imports.check_mapping(kind, headers, mapping)
        if not problems:
            staged.mapping = mapping
            imports.save(_folder(), staged)
            return redirect(url_for("imports.preview"))
        form.form_errors.extend(problems)
    samples = staged.table.rows[:3]
    return render_template(
        "imports/columns.html",
        form=form,
        staged=staged,
        kind=kind,
        samples=samples,
        presets=imports.PRESETS,
        column_field=column_field,
    )


@bp.route("/voorbeeld")
@access("secretary")
def preview() -> str | Response:
    """Step 3: every row with what it would do and all its errors."""
    staged = _staged()
    if staged is None:
        return _start_over()
    try:
        analysis = imports.analyse(staged.kind, staged.table, staged.mapping)
    except ImportRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("imports.columns"))
    return render_template("imports/preview.html", staged=staged, analysis=analysis)


@bp.route("/vastleggen", methods=["POST"])
@access("secretary")
def commit() -> Response:
    """Step 4: import every row, or nothing when any row has an error."""
    staged = _staged()
    if staged is None:
        return _start_over()
    try:
        summary = imports.commit(
            staged.kind,
            staged.table,
            staged.mapping,
            current_user,
            filename=staged.filename,
        )
    except ImportRefused as exc:
        flash(f"{exc} Verbeter het bestand en probeer het opnieuw.", "error")
        return redirect(url_for("imports.preview"))
    imports.discard(_folder(), staged.token)
    session.pop(SESSION_KEY, None)
    flash(summary.describe(), "success")
    return redirect(url_for("imports.upload"))


@bp.route("/annuleren", methods=["POST"])
@access("secretary")
def cancel() -> Response:
    """Forget the uploaded file."""
    token = session.pop(SESSION_KEY, None)
    if token:
        imports.discard(_folder(), token)
    flash("De import is geannuleerd; er is niets gewijzigd.", "info")
    return redirect(url_for("imports.upload"))


ROUND_SESSION_KEY = "round_import_token"


def _staged_round() -> StagedRound | None:
    token = session.get(ROUND_SESSION_KEY)
    if not token:
        return None
    try:
        return load_round(_folder(), token, current_user)
    except ImportRefused:
        session.pop(ROUND_SESSION_KEY, None)
        return None


def _forget_round() -> None:
    token = session.pop(ROUND_SESSION_KEY, None)
    if token:
        imports.discard(_folder(), token)


def _start_round_over() -> Response:
    flash("Er is geen bestand om te importeren. Kies eerst een bestand.", "warning")
    return redirect(url_for("imports.round_from_instance"))


@bp.route("/ronde", methods=["GET", "POST"])
@access("secretary")
def round_from_instance() -> Response | tuple[str, int]:
    """Step 1 of a round import: name, period and an instance JSON file (another
    municipality's export, or a round exported here). A file that cannot be read
    or exceeds the bounds is refused here; otherwise the preview follows."""
    form = RoundImportForm()
    refused: ImportRefused | None = None
    if form.validate_on_submit():
        limits = _limits()
        upload_file = form.file.data
        try:
            data = upload_file.stream.read(limits["max_bytes"] + 1)
        finally:
            upload_file.close()
        label = (form.label.data or "").strip()
        try:
            preview_round(
                data,
                label,
                form.starts_on.data,
                form.ends_on.data,
                current_user,
                max_bytes=limits["max_bytes"],
            )
            staged = stage_round(
                _folder(),
                upload_file.filename or "",
                data,
                label,
                form.starts_on.data,
                form.ends_on.data,
                current_user,
            )
        except ImportRefused as exc:
            refused = exc
        else:
            _forget_round()
            session[ROUND_SESSION_KEY] = staged.token
            return redirect(url_for("imports.round_preview"))
    status = 400 if refused is not None else 200
    return render_template("imports/round.html", form=form, refused=refused), status


@bp.route("/ronde/voorbeeld")
@access("secretary")
def round_preview() -> str | Response:
    """Step 2: every employee and role of the file with what the import would do
    and all errors; import only when there are none."""
    staged = _staged_round()
    if staged is None:
        return _start_round_over()
    try:
        preview = _preview(staged)
    except ImportRefused as exc:  # the database changed since the upload
        _forget_round()
        details = " ".join(str(e) for e in exc.errors[:10])
        flash(f"{exc} {details}".strip(), "error")
        return redirect(url_for("imports.round_from_instance"))
    return render_template("imports/round_preview.html", staged=staged, p=preview)


def _preview(staged: StagedRound) -> RoundPreview:
    return preview_round(
        staged.data,
        staged.label,
        staged.starts_on,
        staged.ends_on,
        current_user,
        max_bytes=_limits()["max_bytes"],
    )


@bp.route("/ronde/vastleggen", methods=["POST"])
@access("secretary")
def round_commit() -> Response:
    """Step 3: create the round with everything in the file, or nothing at all."""
    staged = _staged_round()
    if staged is None:
        return _start_round_over()
    try:
        result = import_round(
            staged.data,
            staged.label,
            staged.starts_on,
            staged.ends_on,
            current_user,
            max_bytes=_limits()["max_bytes"],
        )
    except ImportRefused as exc:
        flash(f"{exc} Verbeter het bestand en probeer het opnieuw.", "error")
        return redirect(url_for("imports.round_preview"))
    _forget_round()
    flash(result.describe(), "success")
    return redirect(url_for("planning.round_detail", round_id=result.round_id))


@bp.route("/ronde/annuleren", methods=["POST"])
@access("secretary")
def round_cancel() -> Response:
    """Forget the uploaded round file."""
    _forget_round()
    flash("De import is geannuleerd; er is niets gewijzigd.", "info")
    return redirect(url_for("imports.round_from_instance"))
