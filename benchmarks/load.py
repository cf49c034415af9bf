"""Load run: many medewerkers log in and save their preferences at once.

python -m benchmarks.load [--users 50] [--duration 60] [--max-requests 5000]
    [--workers 4] [--database-url postgresql://postgres@127.0.0.1:5432/test]
    [--sqlite]    (also ``python -m benchmarks load ...``)

Everything stays on this machine and is cleaned up afterwards: a scratch
PostgreSQL database next to the one in the URL (migrations + the demo
organisation), gunicorn on 127.0.0.1 with a free port, then one thread per
simulated medewerker that behaves like a browser (cookies, CSRF tokens taken from
the pages, the full Voorkeuren form posted back); --sqlite puts the demo in a
temporary SQLite file instead, for comparison. The run stops at the first of
--duration seconds and --max-requests requests. It prints a table per step
(requests, errors, p50/p95/max latency) with the throughput, and checks in the
database that every medewerker's last save was stored. Exit 0 when nothing failed.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import platform
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parents[1]
SERVER_URL_ENVS = ("OMMEN_LOAD_DATABASE_URL", "OMMEN_TEST_DATABASE_URL")
REQUEST_TIMEOUT_S = 60
READY_TIMEOUT_S = 60
CHOICES = ("want", "neutral", "avoid", "learn")
SAVED_FLASH = "Uw voorkeuren zijn opgeslagen"

# (key, label in the table)
STEPS = (
    ("login_page", "login page (GET /inloggen)"),
    ("login", "login (POST /inloggen)"),
    ("open_form", "open form (GET /mijn/voorkeuren)"),
    ("save", "save (POST /mijn/voorkeuren)"),
)


# --- HTML forms, read like a browser ----------------------------------------


@dataclass
class Form:
    """One <form>: where it goes and the fields a browser would submit."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # every value a radio group offers, checked or not: what a user can pick
    offered: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        """The first submitted value of a field."""
        return next((v for n, v in self.fields if n == name), None)

    def values(self, name: str) -> list[str]:
        return [v for n, v in self.fields if n == name]

    def set(self, name: str, value: str) -> None:
        """Replace every value of a field by one (a radio choice, a text box)."""
        kept = [(n, v) for n, v in self.fields if n != name]
        self.fields = [*kept, (name, value)]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option_text: list[str] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind == "radio":
                self._form.offered.setdefault(name, []).append(a.get("value", "on"))
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self._form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
            if "value" not in a:
                self._option_text = []
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        if self._option_text is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option_text is not None:
            value, selected = self._options[-1]
            self._options[-1] = ("".join(self._option_text).strip(), selected)
            self._option_text = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = [v for v, selected in self._options if selected]
            if not chosen and self._options:  # a browser submits the first option
                chosen = [self._options[0][0]]
            self._form.fields += [(self._select, v) for v in chosen[:1]]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form:
            self._form.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def parse_forms(html: str) -> list[Form]:
    """Every form of a page with the values a browser would send."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def find_form(html: str, has_field: str) -> Form | None:
    """The first POST form with this field."""
    for form in parse_forms(html):
        if form.method == "post" and form.get(has_field) is not None:
            return form
    return None


# --- a browser on loopback ----------------------------------------------------


@dataclass
class Reply:
    status: int
    body: str
    location: str
    elapsed_s: float


class _KeepStatus(urllib.request.HTTPErrorProcessor):
    """Hand every response back as it is: no redirects followed, no exceptions
    for 4xx/5xx, so each request is measured on its own."""

    def http_response(self, request: Any, response: Any) -> Any:
        return response

    https_response = http_response


class Browser:
    """Cookies and plain HTTP to the local server. Session cookies are Secure (the
    app runs with production settings); like a browser on localhost this client
    sends them over plain http to 127.0.0.1 too."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        policy = http.cookiejar.DefaultCookiePolicy(
            secure_protocols=("https", "wss", "http")
        )
        self.jar = http.cookiejar.CookieJar(policy)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _KeepStatus()
        )

    def request(self, path: str, data: list[tuple[str, str]] | None = None) -> Reply:
        url = urllib.parse.urljoin(self.base_url + "/", path)
        if not url.startswith(self.base_url + "/"):
            raise ValueError(f"refusing to leave {self.base_url}: {url}")
        body = None if data is None else urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(url, data=body)  # noqa: S310 (loopback only)
        started = time.perf_counter()
        with self.opener.open(req, timeout=REQUEST_TIMEOUT_S) as response:
            text = response.read().decode("utf-8", "replace")
            status = response.status
            location = response.headers.get("Location", "")
        return Reply(status, text, location, time.perf_counter() - started)


# --- the run ------------------------------------------------------------------


@dataclass
class Stats:
    """Latencies and errors per step, shared by the user threads."""

    latencies: dict[str, list[float]] = field(
        default_factory=lambda: {key: [] for key, _ in STEPS}
    )
    errors: dict[str, int] = field(default_factory=lambda: {k: 0 for k, _ in STEPS})
    samples: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, step: str, elapsed_s: float | None, error: str = "") -> None:
        with self.lock:
            if elapsed_s is not None:
                self.latencies[step].append(elapsed_s)
            if error:
                self.errors[step] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{step}: {error}")

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


class Budget:
    """At most ``max_requests`` requests, and none after the deadline."""

    def __init__(self, max_requests: int, duration_s: float) -> None:
        self.left = max_requests
        self.duration_s = duration_s
        self.deadline = float("inf")
        self.lock = threading.Lock()

    def start(self) -> None:
        self.deadline = time.monotonic() + self.duration_s

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


@dataclass
class LastSave:
    """What a medewerker saved last, to find in the database afterwards."""

    role_id: int
    choice: str
    comment: str


def simulate_user(
    base_url: str,
    username: str,
    password: str,
    stats: Stats,
    budget: Budget,
    rng: random.Random,
    saved: dict[str, LastSave],
) -> None:
    """Log in, then open the Voorkeuren form, change one role and save, until the
    budget or the time is used up. Any surprise is counted as an error of its
    step and ends this user's run."""
    browser = Browser(base_url)

    def step(
        key: str, path: str, data: list[tuple[str, str]] | None, check: Callable
    ) -> Reply | None:
        if not budget.take():
            return None
        started = time.perf_counter()
        try:
            reply = browser.request(path, data)
        except (OSError, http.client.HTTPException) as exc:  # counted, not hidden
            failed_after = time.perf_counter() - started
            error = f"{username}: {type(exc).__name__}: {exc}"
            stats.record(key, failed_after, error)
            raise _Stop from exc
        problem = check(reply)
        stats.record(key, reply.elapsed_s, f"{username}: {problem}" if problem else "")
        if problem:
            raise _Stop
        return reply

    def status_is(code: int, location: str = "") -> Callable[[Reply], str]:
        def check(reply: Reply) -> str:
            if reply.status != code:
                return f"status {reply.status}, expected {code}"
            if location and urllib.parse.urlsplit(reply.location).path != location:
                return f"redirect to {reply.location!r}, expected {location}"
            return ""

        return check

    try:
        page = step("login_page", "/inloggen", None, status_is(200))
        if page is None:
            return
        login = find_form(page.body, "csrf_token")
        if login is None:
            stats.record("login_page", None, f"{username}: no login form")
            return
        login.set("username", username)
        login.set("password", password)
        if step("login", "/inloggen", login.fields, status_is(302, "/")) is None:
            return
        saves = 0
        while True:
            page = step("open_form", "/mijn/voorkeuren", None, status_is(200))
            if page is None:
                return
            if saves and SAVED_FLASH not in page.body:
                stats.record("open_form", None, f"{username}: no 'opgeslagen' shown")
                return
            form = find_form(page.body, "role_id")
            if form is None or form.get("csrf_token") is None:
                stats.record("open_form", None, f"{username}: no preferences form")
                return
            role_id = int(rng.choice(form.values("role_id")))
            current = form.get(f"choice-{role_id}")
            # only what the form offers: 'wil ik leren' is not there for a role
            # the rompfunctie does not allow
            offered = form.offered.get(f"choice-{role_id}", list(CHOICES))
            choice = rng.choice([c for c in offered if c != current])
            comment = f"belasting {username} {saves + 1}"
            form.set(f"choice-{role_id}", choice)
            form.set(f"comment-{role_id}", comment)
            action = form.action or "/mijn/voorkeuren"
            reply = step(
                "save", action, form.fields, status_is(302, "/mijn/voorkeuren")
            )
            if reply is None:
                return
            saves += 1
            saved[username] = LastSave(role_id, choice, comment)
    except _Stop:
        return


class _Stop(Exception):
    """A request failed; this simulated user stops."""


def run_users(
    base_url: str,
    usernames: list[str],
    password: str,
    *,
    duration_s: float,
    max_requests: int,
    seed: int = 0,
) -> tuple[Stats, dict[str, LastSave]]:
    """One thread per medewerker, all released at the same moment."""
    stats = Stats()
    budget = Budget(max_requests, duration_s)
    saved: dict[str, LastSave] = {}
    gate = threading.Barrier(len(usernames) + 1)
    crashed: list[BaseException] = []

    def user(username: str, n: int) -> None:
        gate.wait()
        try:
            simulate_user(
                base_url,
                username,
                password,
                stats,
                budget,
                random.Random(f"{seed}-{n}"),
                saved,
            )
        except BaseException as exc:  # a bug in this script: report it, never hide it
            crashed.append(exc)
            raise

    threads = [
        threading.Thread(target=user, args=(name, n), name=f"load-{name}")
        for n, name in enumerate(usernames)
    ]
    for thread in threads:
        thread.start()
    budget.start()
    started = time.perf_counter()
    gate.wait()
    for thread in threads:
        thread.join()
    stats.wall_s = time.perf_counter() - started
    if crashed:
        raise RuntimeError(f"{len(crashed)} user thread(s) crashed") from crashed[0]
    return stats, saved


# --- report -------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def table(stats: Stats) -> str:
    """A Markdown table: per step requests, errors and latency in ms."""
    lines = [
        "| step | requests | errors | p50 (ms) | p95 (ms) | max (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def row(label: str, values: list[float], errors: int) -> str:
        if not values:
            return f"| {label} | 0 | {errors} | – | – | – |"
        p50, p95 = percentile(values, 50) * 1000, percentile(values, 95) * 1000
        return (
            f"| {label} | {len(values)} | {errors} | {p50:.0f} | {p95:.0f} | "
            f"{max(values) * 1000:.0f} |"
        )

    every: list[float] = []
    for key, label in STEPS:
        lines.append(row(label, stats.latencies[key], stats.errors[key]))
        every += stats.latencies[key]
    lines.append(row("**all**", every, stats.error_count))
    return "\n".join(lines)


# --- scratch database, server -------------------------------------------------


def server_app() -> Flask:
    """The app gunicorn serves in a load run (``benchmarks.load:server_app()``):
    production settings from the environment (DATABASE_URL, SECRET_KEY), CSRF on,
    Secure cookies. Only the login throttle per address is raised: every
    simulated medewerker comes from 127.0.0.1."""
    from ommen_rollen import create_app
    from ommen_rollen.config import from_environment

    settings = from_environment()
    settings["LOGIN_RATE_LIMIT"] = "100000 per minute"
    return create_app(settings)


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """An empty PostgreSQL database next to the one in the URL, dropped after."""
    import sqlalchemy as sa

    from ommen_rollen.config import normalise_database_url

    url = sa.make_url(normalise_database_url(server_url))
    if url.get_backend_name() != "postgresql":
        raise SystemExit(f"the load run needs PostgreSQL, not {url.drivername}")
    name = f"ommen_load_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def scratch_sqlite() -> Iterator[str]:
    """A SQLite file in a temporary directory, removed after (for comparison)."""
    with tempfile.TemporaryDirectory(prefix="ommen_load_") as folder:
        yield "sqlite:///" + os.path.join(folder, "load.sqlite")


def load_demo_into(database_url: str) -> tuple[list[str], str]:
    """Migrations and the demo organisation; the medewerkers' usernames and the
    demo password."""
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import select

    from ommen_rollen import create_app
    from ommen_rollen.domain import UserRole
    from ommen_rollen.extensions import db
    from ommen_rollen.models import User
    from ommen_rollen.services.demo import load_demo
    from ommen_rollen.services.demo_data import DEMO_PASSWORD

    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secrets.token_hex()}
    )
    with app.app_context():
        try:
            upgrade()
            load_demo()
            usernames = list(
                db.session.scalars(
                    select(User.username)
                    .where(User.role == UserRole.EMPLOYEE, User.active.is_(True))
                    .order_by(User.id)
                )
            )
        finally:
            db.session.remove()
            db.engine.dispose()
    return usernames, DEMO_PASSWORD


def lost_saves(database_url: str, saved: dict[str, LastSave]) -> list[str]:
    """Medewerkers whose last acknowledged save is not what the database holds."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from ommen_rollen.models import Preference, User

    engine = sa.create_engine(database_url)
    lost = []
    try:
        with Session(engine) as session:
            for username, last in sorted(saved.items()):
                row = session.execute(
                    sa.select(Preference.choice, Preference.comment)
                    .join(User, User.employee_id == Preference.employee_id)
                    .where(
                        User.username == username, Preference.role_id == last.role_id
                    )
                    .order_by(Preference.round_id.desc())
                ).first()
                if row is None or (str(row[0]), row[1]) != (last.choice, last.comment):
                    lost.append(username)
    finally:
        engine.dispose()
    return lost


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(database_url: str, workers: int) -> Iterator[str]:
    """gunicorn on 127.0.0.1 with a free port; stopped (and waited for) after."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(32),
        PYTHONUNBUFFERED="1",
    )
    env.pop("REDIS_URL", None)  # solver jobs are not part of this run
    env.pop("OMMEN_DEMO", None)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        str(REQUEST_TIMEOUT_S),
        "--graceful-timeout",
        "10",
        "--log-level",
        "warning",
        "benchmarks.load:server_app()",
    ]
    log = tempfile.TemporaryFile("w+")
    process = subprocess.Popen(  # noqa: S603 (fixed argument list)
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base_url, process, log)
        yield base_url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        log.close()


def _wait_until_ready(base_url: str, process: subprocess.Popen, log: Any) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn stopped at start:\n{log.read()[-4000:]}")
        try:
            if Browser(base_url).request("/inloggen").status == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"gunicorn did not answer in time:\n{log.read()[-4000:]}")


# --- command ------------------------------------------------------------------


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load")
    parser.add_argument("--users", type=int, default=50, help="medewerkers (max 50)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help="use a scratch SQLite file instead of PostgreSQL (for comparison)",
    )
    parser.add_argument(
        "--database-url",
        default=next((os.environ[e] for e in SERVER_URL_ENVS if e in os.environ), ""),
        help="PostgreSQL server; a scratch database is made next to this one "
        "(default: $OMMEN_LOAD_DATABASE_URL or $OMMEN_TEST_DATABASE_URL)",
    )
    args = parser.parse_args(argv)
    if not args.database_url and not args.sqlite:
        parser.error("give --database-url (or set OMMEN_TEST_DATABASE_URL)")
    if args.users < 1 or args.duration <= 0 or args.max_requests < 1:
        parser.error("--users, --duration and --max-requests must be positive")

    command = "python -m benchmarks.load " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    scratch = scratch_sqlite() if args.sqlite else scratch_database(args.database_url)
    with scratch as database_url:
        usernames, password = load_demo_into(database_url)
        if args.users > len(usernames):
            parser.error(f"the demo has {len(usernames)} medewerkers")
        usernames = usernames[: args.users]
        with gunicorn(database_url, args.workers) as base_url:
            stats, saved = run_users(
                base_url,
                usernames,
                password,
                duration_s=args.duration,
                max_requests=args.max_requests,
                seed=args.seed,
            )
        lost = lost_saves(database_url, saved)

    print()
    print(
        f"`{command.strip()}` ({machine()}; {started}; {len(usernames)} users, "
        f"{args.workers} gunicorn workers, {'SQLite' if args.sqlite else 'PostgreSQL'})"
    )
    print()
    print(table(stats))
    print()
    throughput = stats.requests / stats.wall_s if stats.wall_s else 0.0
    print(
        f"{stats.requests} requests in {stats.wall_s:.1f} s: "
        f"{throughput:.1f} req/s; {len(saved)} medewerkers saved, last save found "
        f"in the database for {len(saved) - len(lost)}, lost {len(lost)}"
    )
    for sample in stats.samples:
        print(f"  error: {sample}")
    if lost:
        print(f"  lost: {', '.join(lost)}")
    print(f"errors: {stats.error_count + len(lost)}")
    return 0 if stats.error_count == 0 and not lost else 1


if __name__ == "__main__":
    raise SystemExit(main())
