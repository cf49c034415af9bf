"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ..extensions import limiter
from ..forms.auth import LoginForm
from ..services import accounts
from .access import access

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@access("public")
def login() -> str | Response:
    """Log in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(
            form.username.data or "", form.password.data or "", request.remote_addr
        )
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("Onbekende gebruikersnaam of onjuist wachtwoord.", "error")
    return render_template("auth/login.html", form=form)


@bp.route("/uitloggen", methods=["POST"])
@access("login")
def logout() -> Response:
    """End the session everywhere."""
    accounts.end_sessions(current_user._get_current_object(), request.remote_addr)
    logout_user()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    """Only follow local redirect targets after login."""
    if target and target.startswith("/") and not urlsplit(target).netloc:
        if not target.startswith("//"):
            return target
    return url_for("home.index")
