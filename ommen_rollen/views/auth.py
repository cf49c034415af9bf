"""Login and logout, the own password, and the limits on a session (idle
timeout, absolute lifetime, a first password that must be changed)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ..extensions import db, limiter
from ..forms.auth import (
    CodeForm,
    LoginForm,
    PasswordChangeForm,
    PasswordSetForm,
    ResetRequestForm,
)
from ..models import User
from ..services import accounts, invitations, sso, two_factor
from ..services.base import ServiceError
from ..services.limits import USERNAME_LENGTH
from ..services.tokens import PURPOSES, LinkInvalid
from .access import access

bp = Blueprint("auth", __name__)

Page = str | Response | tuple[str, int]

# While a first password must be replaced, only these pages open.
OPEN_WHILE_CHANGING = {"auth.account", "auth.logout", "auth.login", "static"}
# While the secretaris has no second factor yet, only these pages open.
OPEN_WHILE_ENROLLING = {"auth.two_factor_setup", "auth.logout", "static"}
PENDING = "pending_second_factor"
SSO = "sso"  # the session came from the gemeente's identity provider
MAX_TOKEN_LENGTH = 500
LOGIN_AT, SEEN_AT = "login_at", "seen_at"
SEEN_REFRESH_S = 60
"""The idle clock moves at most once a minute. Every move rewrites the session
cookie, and a request that answers with a rewritten cookie drops what a request
running at the same time put in it: an autosave beside a submit lost the submit's
"opgeslagen" message."""


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _account_limit() -> str:
    return str(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])


def _account_key() -> str:
    """The per-account limit counts attempts on one username from anywhere."""
    name = (request.form.get("username") or "").strip().lower()[:USERNAME_LENGTH]
    return f"account:{name}"


def _throttled(_limit: Any) -> None:
    """A throttled login attempt goes into the audit log with its address."""
    accounts.record_refusal(
        "login_throttled", request.form.get("username") or "", _address()
    )


def _address() -> str:
    return request.remote_addr or ""


def start_session(user: Any) -> None:
    """Log the user in and start the clocks of the idle and absolute limits."""
    login_user(user)
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], on_breach=_throttled)
@limiter.limit(
    _account_limit,
    key_func=_account_key,
    methods=["POST"],
    on_breach=_throttled,
    scope="login-account",
)
@access("public")
def login() -> str | Response:
    """Log in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if request.method == "POST" and not sso.local_passwords():
        return _local_off()
    if form.validate_on_submit():
        user = accounts.authenticate(
            form.username.data or "", form.password.data or "", _address()
        )
        if user is not None and user.totp_enabled:
            session.clear()
            session[PENDING] = {"id": user.id, "at": int(time.time())}
            return redirect(
                url_for("auth.second_factor", next=request.args.get("next"))
            )
        if user is not None:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("Onbekende gebruikersnaam of onjuist wachtwoord.", "error")
    return render_template(
        "auth/login.html",
        form=form,
        sso_enabled=sso.enabled(),
        local_passwords=sso.local_passwords(),
        sso_label=current_app.config["OIDC_LABEL"],
    )


def _local_off() -> tuple[str, int]:
    return render_template(
        "error.html",
        title="Inloggen met wachtwoord staat uit",
        text="Deze gemeente logt in via de eigen inlogdienst: gebruik de knop "
        f"'{current_app.config['OIDC_LABEL']}' op de inlogpagina.",
        code=403,
    ), 403


@bp.route("/inloggen/sso")
@access("public")
def sso_login() -> Page:
    """Go to the gemeente's identity provider (OpenID Connect)."""
    if not sso.enabled():
        abort(404)
    try:
        return sso.authorize_redirect(url_for("auth.sso_callback", _external=True))
    except sso.SsoRefused as exc:
        return _sso_refused(str(exc))


@bp.route("/inloggen/sso/terug")
@access("public")
def sso_callback() -> Page:
    """The provider sends the browser back here with a code."""
    if not sso.enabled():
        abort(404)
    try:
        user, _id_token = sso.finish_login(_address())
    except sso.SsoRefused as exc:
        return _sso_refused(str(exc))
    start_session(user)
    session[SSO] = True
    return redirect(url_for("home.index"))


def _sso_refused(text: str) -> tuple[str, int]:
    return render_template(
        "error.html", title="Inloggen niet gelukt", text=text, code=403
    ), 403


def _pending_user() -> User | None:
    """The account whose password was right a moment ago, waiting for its code."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    at, user_id = pending.get("at"), pending.get("id")
    limit = int(current_app.config["TWO_FACTOR_STEP_SECONDS"])
    if not isinstance(at, int) or not isinstance(user_id, int):
        return None
    if time.time() - at > limit:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active and user.totp_enabled else None


@bp.route("/inloggen/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], on_breach=_throttled)
@access("public")
def second_factor() -> Page:
    """The second step of a login: the code from the authenticator app."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("Log opnieuw in.", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.verify_login(user, form.code.data or "", _address()):
            session.pop(PENDING, None)
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        form.code.errors = [
            *form.code.errors,
            "Deze code klopt niet (of is al gebruikt).",
        ]
        return render_template("auth/second_factor.html", form=form), 422
    page = render_template("auth/second_factor.html", form=form)
    return (page, 400) if form.errors else page


@bp.route("/account/tweestaps", methods=["GET", "POST"])
@access("secretary")
def two_factor_setup() -> Page:
    """Set up two-factor sign-in: scan the QR code, confirm with a code."""
    user = current_user._get_current_object()
    form = CodeForm()
    status = 200
    if request.method == "POST" and request.form.get("opnieuw") == "1":
        two_factor.start_enrolment(user)
        flash("Er is een nieuwe sleutel gemaakt: scan de QR-code opnieuw.", "info")
        return redirect(url_for("auth.two_factor_setup"))
    if not user.totp_secret:
        if request.method == "POST":  # a code before any QR code was shown
            flash("Scan eerst de QR-code; daarna vult u de code in.", "error")
            return redirect(url_for("auth.two_factor_setup"))
        two_factor.start_enrolment(user)
    if not user.totp_enabled and form.validate_on_submit():
        try:
            two_factor.confirm_enrolment(user, form.code.data or "")
        except ServiceError as exc:
            form.code.errors = [*form.code.errors, str(exc)]
            status = 422
        else:
            flash("Inloggen in twee stappen staat aan.", "success")
            return redirect(url_for("home.index"))
    elif form.errors:
        status = 400
    page = render_template(
        "auth/two_factor.html",
        form=form,
        user=user,
        secret=user.totp_secret,
        uri=two_factor.provisioning_uri(user),
        qr=two_factor.qr_svg(user),
        required=two_factor.required(user),
    )
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/uitloggen", methods=["POST"])
@access("login")
def logout() -> Response:
    """End the session everywhere."""
    accounts.end_sessions(current_user._get_current_object(), _address())
    from_sso = bool(session.get(SSO)) and sso.enabled()
    logout_user()
    session.clear()
    flash("U bent uitgelogd.", "info")
    back = url_for("auth.login", _external=True)
    if from_sso and (provider := sso.logout_url("", back)):
        return redirect(provider)  # also end the session at the provider
    return redirect(url_for("auth.login"))


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@access("login")
def account() -> Page:
    """Change the own password (required after a first password)."""
    form = PasswordChangeForm()
    user = current_user._get_current_object()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.change_password(
                user,
                form.current_password.data or "",
                form.new_password.data or "",
                form.repeat.data or "",
            )
        except accounts.PasswordRefused as exc:
            for name, messages in exc.errors.items():
                form[name].errors = [*form[name].errors, *messages]
            status = 422
        else:
            start_session(user)  # the new session token: other sessions end
            flash("Uw wachtwoord is gewijzigd.", "success")
            return redirect(url_for("home.index"))
    elif form.errors:
        status = 400
    page = render_template("auth/password_change.html", form=form, user=user)
    return (page, status) if status != 200 else page


@bp.route("/account/instellen", methods=["GET", "POST"])
@access("public")
def set_password() -> Page:
    """Choose a password through a one-time link (invitation or reset)."""
    if not sso.local_passwords():
        return _local_off()
    purpose = request.args.get("soort", "")
    token = request.args.get("token", "")[:MAX_TOKEN_LENGTH]
    if purpose not in PURPOSES:
        return _link_refused("Deze link is ongeldig.")
    try:
        account = invitations.account_for_link(token, purpose)
    except LinkInvalid as exc:
        return _link_refused(str(exc))
    form = PasswordSetForm()
    status = 200
    if form.validate_on_submit():
        try:
            invitations.set_password_by_link(
                token, purpose, form.new_password.data or "", form.repeat.data or ""
            )
        except accounts.PasswordRefused as exc:
            for name, messages in exc.errors.items():
                form[name].errors = [*form[name].errors, *messages]
            status = 422
        except LinkInvalid as exc:
            return _link_refused(str(exc))
        else:
            if current_user.is_authenticated:
                logout_user()
            flash("Uw wachtwoord is ingesteld. Log nu in.", "success")
            return redirect(url_for("auth.login"))
    elif form.errors:
        status = 400
    page = render_template("auth/set_password.html", form=form, account=account)
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    return response


def _link_refused(text: str) -> tuple[str, int]:
    return render_template(
        "error.html", title="Link niet bruikbaar", text=text, code=400
    ), 400


@bp.route("/account/vergeten", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], on_breach=_throttled)
@access("public")
def forgot_password() -> Page:
    """Ask for a reset link by e-mail; the answer does not tell whether the
    address is known."""
    if not sso.local_passwords():
        return _local_off()
    form = ResetRequestForm()
    if form.validate_on_submit():
        invitations.request_reset(form.email.data or "", _address())
        flash(
            "Als dit e-mailadres bij een account hoort, ontvangt u binnen enkele "
            "minuten een e-mail met een link om een nieuw wachtwoord te kiezen.",
            "info",
        )
        return redirect(url_for("auth.login"))
    page = render_template("auth/forgot_password.html", form=form)
    return (page, 400) if form.errors else page


@bp.before_app_request
def enforce_session_limits() -> Response | None:
    """End a session that was idle too long or is older than its lifetime; send
    an account with a first password to the password page."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = int(time.time())
    config = current_app.config
    idle = int(config["SESSION_IDLE_MINUTES"]) * 60
    lifetime = int(config["SESSION_LIFETIME_HOURS"]) * 3600
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if (
        not isinstance(login_at, int)
        or not isinstance(seen_at, int)
        or now - seen_at > idle
        or now - login_at > lifetime
    ):
        logout_user()
        session.clear()
        flash("Uw sessie is verlopen. Log opnieuw in.", "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if now - seen_at >= SEEN_REFRESH_S:
        session[SEEN_AT] = now
    if current_user.must_change_password and request.endpoint not in (
        OPEN_WHILE_CHANGING
    ):
        flash("Kies eerst een eigen wachtwoord.", "info")
        return redirect(url_for("auth.account"))
    user = current_user._get_current_object()
    if (
        two_factor.required(user)
        and not user.totp_enabled
        and not session.get(SSO)  # the provider's own second factor applies
        and request.endpoint not in OPEN_WHILE_ENROLLING
    ):
        flash("Stel eerst inloggen in twee stappen in.", "info")
        return redirect(url_for("auth.two_factor_setup"))
    return None


def _safe_next(target: str | None) -> str:
    """Only follow local redirect targets after login."""
    if target and target.startswith("/") and not urlsplit(target).netloc:
        if not target.startswith("//"):
            return target
    return url_for("home.index")
