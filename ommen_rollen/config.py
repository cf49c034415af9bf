"""Default settings; instance/config.py and environment variables override them."""

from __future__ import annotations

import os

from .domain import DEFAULT_TIME_LIMIT_S

SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
SQLALCHEMY_TRACK_MODIFICATIONS = False

# Login throttling (Flask-Limiter); memory storage unless RATELIMIT_STORAGE_URI is set.
RATELIMIT_STORAGE_URI = "memory://"
LOGIN_RATE_LIMIT = "10 per minute"  # per client address
LOGIN_ACCOUNT_RATE_LIMIT = "20 per hour"  # per username, from any address

# A session ends after this long without a request, and at the latest after the
# lifetime, whatever the user does.
SESSION_IDLE_MINUTES = 30
SESSION_LIFETIME_HOURS = 10

# Two-factor sign-in (TOTP) is required for the secretaris (BIO2, privileged).
SECRETARY_2FA_REQUIRED = True
# The second step of a login must follow the password within this time.
TWO_FACTOR_STEP_SECONDS = 300

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"

# Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (0 = none).
# Without it every user seems to come from the proxy and shares one login limit.
PROXY_COUNT = 0

# E-mail over SMTP (Flask-Mailman); nothing is sent while MAIL_SERVER is empty.
# Messages wait in the outbox and are retried MAIL_MAX_ATTEMPTS times, the first
# retry after MAIL_RETRY_SECONDS, then doubling (at most an hour apart).
MAIL_SERVER = ""
MAIL_BACKEND = "smtp"  # also under TESTING (Flask-Mailman would keep mail in memory)
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = ""
MAIL_PASSWORD = ""
MAIL_TIMEOUT = 10
MAIL_DEFAULT_SENDER = "rollenplanning@localhost"
MAIL_MAX_ATTEMPTS = 8
MAIL_RETRY_SECONDS = 60
# The address of the app in links in e-mail.
BASE_URL = "http://127.0.0.1:5000"
# One-time links: an invitation lasts a week, a reset link an hour.
INVITATION_DAYS = 7
RESET_MINUTES = 60
# `ommen-rollen remind`: this many days before the deadline.
REMIND_DAYS_BEFORE = 3

# Single sign-on over OpenID Connect (on when OIDC_ISSUER is set). OIDC_CLAIM names
# the medewerker: "email" matches the e-mail address, any other claim the username.
OIDC_ISSUER = ""
OIDC_CLIENT_ID = ""
OIDC_CLIENT_SECRET = ""
OIDC_SCOPE = "openid email profile"
OIDC_CLAIM = "email"
OIDC_LABEL = "Inloggen met uw gemeente-account"
OIDC_LEEWAY_SECONDS = 60
OIDC_TIMEOUT_S = 10
# With single sign-on on, LOCAL_LOGIN = False switches local passwords off.
LOCAL_LOGIN = True

# Solver jobs: "thread" (in-process, nothing to install) or "rq" when REDIS_URL is set.
SOLVER_TIME_LIMIT_S = DEFAULT_TIME_LIMIT_S
MUNICIPALITY = "Gemeente Ommen"

# Privacy: personal data of someone who left are erased (pseudonymised) this many
# days after they left (`ommen-rollen privacy erase`); default two years.
PRIVACY_RETENTION_DAYS = 730


def from_environment() -> dict[str, object]:
    """Settings taken from environment variables, only those that are set."""
    found: dict[str, object] = {}
    if url := os.environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if key := os.environ.get("SECRET_KEY"):
        found["SECRET_KEY"] = key
    if redis_url := os.environ.get("REDIS_URL"):
        found["REDIS_URL"] = redis_url
        found.setdefault("RATELIMIT_STORAGE_URI", redis_url)
    for name in (
        "MAIL_SERVER",
        "MAIL_USERNAME",
        "MAIL_PASSWORD",
        "BASE_URL",
        "OIDC_ISSUER",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
        "OIDC_CLAIM",
        "OIDC_SCOPE",
        "OIDC_LABEL",
    ):
        if value := os.environ.get(name):
            found[name] = value
    if sender := os.environ.get("MAIL_FROM"):
        found["MAIL_DEFAULT_SENDER"] = sender
    for name in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        if value := os.environ.get(name):
            found[name] = value.lower() in ("1", "true", "ja", "yes")
    for name in (
        "SESSION_IDLE_MINUTES",
        "SESSION_LIFETIME_HOURS",
        "MAIL_PORT",
        "REMIND_DAYS_BEFORE",
    ):
        if value := os.environ.get(name):
            found[name] = int(value)
    if proxies := os.environ.get("PROXY_COUNT"):
        found["PROXY_COUNT"] = int(proxies)
    if os.environ.get("LOCAL_LOGIN") in ("0", "false", "nee"):
        found["LOCAL_LOGIN"] = False
    if os.environ.get("SECRETARY_2FA_REQUIRED") in ("0", "false", "nee"):
        found["SECRETARY_2FA_REQUIRED"] = False
    if os.environ.get("OMMEN_DEMO") == "1":
        found["DEMO"] = True
    return found


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
