"""The start page: medewerkers see their own page, the secretaris the overview."""

from __future__ import annotations

from functools import cache
from pathlib import Path

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


PRIVACY_TEXT = Path(__file__).resolve().parent.parent / "templates/home/privacy.md"


@cache
def privacy_html() -> str:
    """docs/privacy.md (the verwerkingsregister entry) as HTML. Raw HTML in the
    text is escaped (html off), so the result is safe to show as it is."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    return str(parser.render(PRIVACY_TEXT.read_text(encoding="utf-8")))


@bp.route("/privacy")
@access("public")
def privacy() -> str:
    """Privacyverklaring: which personal data, why, how long, who sees what."""
    return render_template("home/privacy.html", body=privacy_html())
