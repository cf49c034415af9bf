"""The start page: medewerkers see their own page, the secretaris the overview."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .access import access

bp = Blueprint("home", __name__)


@bp.route("/")
@access("login")
def index() -> str | Response:
    """Send each user to where their work is."""
    if current_user.is_secretary:
        return redirect(url_for("beheer.index"))
    return render_template("home/index.html", user=current_user)
