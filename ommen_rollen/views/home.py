"""The start page (medewerkers see their own page, the secretaris the current
round), the toegankelijkheidsverklaring and the favicon."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from ..services.dashboard import round_dashboard
from .access import access

bp = Blueprint("home", __name__)


@bp.route("/")
@access("login")
def index() -> str:
    """Send each user to where their work is: the secretaris to the current round."""
    if current_user.is_secretary:
        return render_template("home/dashboard.html", d=round_dashboard())
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


@bp.route("/toegankelijkheid")
@access("public")
def accessibility() -> str:
    """The toegankelijkheidsverklaring (accessibility statement)."""
    return render_template("home/accessibility.html")


@bp.route("/favicon.ico")
@access("public")
def favicon() -> Response:
    """Browsers ask for /favicon.ico on every site; answer with the app's icon."""
    icon = Path(current_app.static_folder or "") / "img" / "favicon.ico"
    response = Response(icon.read_bytes(), mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
