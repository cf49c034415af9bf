"""Beheer › API-sleutels: the secretaris creates a key per integration, sees its
secret once and revokes keys that are no longer needed."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..forms.api_tokens import ApiTokenForm
from ..forms.beheer import ConfirmForm
from ..models import ApiToken
from ..services import api_tokens
from ..services.base import ServiceError
from ..services.beheer import InvalidInput
from .access import access

bp = Blueprint("api_tokens", __name__, url_prefix="/beheer/api-sleutels")


@bp.route("/")
@access("secretary")
def index() -> str:
    """Every key with its scopes, expiry, last use and whether it still works."""
    tokens = api_tokens.all_tokens()
    return render_template(
        "beheer/api_tokens.html",
        tokens=tokens,
        valid={t.id: api_tokens.is_valid(t) for t in tokens},
        scopes=api_tokens.SCOPES,
    )


@bp.route("/nieuw", methods=["GET", "POST"])
@access("secretary")
def new() -> Response | tuple[str, int] | str:
    """Create a key; the secret is on the answer page only (never stored, never
    in the session)."""
    form = ApiTokenForm()
    if not form.is_submitted():
        form.expires_on.data = (api_tokens.today() + timedelta(days=365)).isoformat()
        form.scopes.data = ["read"]
    elif form.validate():
        try:
            token, secret = api_tokens.create_token(
                form.name.data or "",
                form.scopes.data or [],
                form.expires_on.data or "",
                current_user,
            )
        except InvalidInput as exc:
            for key, messages in exc.errors.items():
                target = form._fields.get(key)
                if target is not None:
                    target.errors = [*target.errors, *messages]
                else:
                    form.form_errors.extend(messages)
        else:
            response = make_response(
                render_template(
                    "beheer/api_token_created.html", token=token, secret=secret
                )
            )
            response.headers["Cache-Control"] = "no-store"
            return response
        return render_template("beheer/api_token_form.html", form=form), 400
    return render_template("beheer/api_token_form.html", form=form)


@bp.route("/<int:token_id>/intrekken", methods=["GET", "POST"])
@access("secretary")
def revoke(token_id: int) -> Response | str:
    """Revoke a key after confirmation; integrations using it stop at once."""
    token = db.get_or_404(ApiToken, token_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            api_tokens.revoke_token(token_id, current_user)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(f"De API-sleutel '{token.name}' is ingetrokken.", "success")
        return redirect(url_for(".index"))
    return render_template("beheer/api_token_revoke.html", token=token, form=form)
