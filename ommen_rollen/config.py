"""Default settings; instance/config.py and environment variables override them."""

from __future__ import annotations

import os

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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"

# Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (0 = none).
# Without it every user seems to come from the proxy and shares one login limit.
PROXY_COUNT = 0

# Solver jobs: "thread" (in-process, nothing to install) or "rq" when REDIS_URL is set.
SOLVER_TIME_LIMIT_S = 30
MUNICIPALITY = "Gemeente Ommen"


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
    for name in ("SESSION_IDLE_MINUTES", "SESSION_LIFETIME_HOURS"):
        if value := os.environ.get(name):
            found[name] = int(value)
    if proxies := os.environ.get("PROXY_COUNT"):
        found["PROXY_COUNT"] = int(proxies)
    if os.environ.get("OMMEN_DEMO") == "1":
        found["DEMO"] = True
    return found


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
