"""What the bad-input tests share: hostile values, the world the posts land
in (built by the ``world`` fixture in tests/web/conftest.py), what an answer
must be, and the registry of fuzz targets (one per POST route, in the area
modules of this package)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

import pytest
from flask import Flask, message_flashed, template_rendered
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.security import generate_password_hash as hash_password
from wtforms import Form

from ommen_rollen.domain import TaskMode, UserRole
from ommen_rollen.extensions import db
from ommen_rollen.models import people
from ommen_rollen.services.imports import ImportRefused
from tests.web.conftest import table_dump

FUZZ = settings(
    derandomize=True,
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

PASSWORD = "geheim-wachtwoord"


# --- hostile values ------------------------------------------------------------

NASTY = [
    "", " ", "\t", "\r\n", "0", "-0", "-1", "-0,5", "-36", "0,00001", "1e309",
    "1E5", "NaN", "nan", "inf", "-Infinity", "99999999999999999999", "2147483648",
    "-2147483649", "9" * 400, "1_000", "0x1F", "١٢", "²", "½", "1.000.000,5",
    "36,001", "1,5", "0.8889", "'; DROP TABLE employee; --", "' OR '1'='1",
    "1; SELECT pg_sleep(1)", "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>', "{{ config }}", "{% raw %}", "${7*7}",
    "%s%s%n", "../../../etc/passwd", "\u202egnp.exe", "\ufeff", "Ω≈ç√∫˜µ≤≥÷",
    "😀" * 30, "a\x00b", "\x00", "x" * 5000, "é" * 300, "=cmd|' /C calc'!A0",
    "@SUM(1+1)", "null", "None", "true", "[]", "{}", "0001", " 1 ",
]  # fmt: skip
NASTY_DATES = [
    "2027-02-30", "0001-01-01", "9999-12-31", "10000-01-01", "2027-13-01",
    "01-01-2027", "1/1/2027", "2027-1-1", "2027-01-01T00:00", "vandaag",
]  # fmt: skip
BIG = 10**7  # no test world has this many rows: such an id names nothing


def nasty_text(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=max_size),
        st.integers().map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
    )


def unknown_id() -> st.SearchStrategy[str]:
    """Text that is no row id: garbage, negative, unicode digits, too large."""
    return st.one_of(
        st.sampled_from(["abc", "²", "١", "-1", "1.5", "1e3", "0x1", "9" * 40]),
        st.integers(min_value=BIG, max_value=2**80).map(str),
        st.integers(max_value=-1).map(str),
    )


def some_id(*real: int) -> st.SearchStrategy[str]:
    """A real id, an unknown one or any hostile text."""
    return st.one_of(
        st.sampled_from([str(i) for i in real] or [""]), unknown_id(), nasty_text()
    )


def url_id(*real: int) -> st.SearchStrategy[int]:
    """An id for a URL: one of the given rows, or one that names nothing (also
    beyond what a database integer holds)."""
    unknown = st.integers(min_value=BIG, max_value=2**80)
    return st.one_of(st.sampled_from(real), unknown) if real else unknown


def not_in(values: set[str]) -> Callable[[str], bool]:
    return lambda text: text.strip() not in values


@st.composite
def form_with_poison(
    draw: st.DrawFn,
    fields: dict[str, st.SearchStrategy[Any]],
    poisons: dict[str, st.SearchStrategy[Any]],
) -> dict[str, Any]:
    """Hostile values for the fields (some left out, some extra fields slipped in)
    and one poison: a value the app must refuse, so the post changes nothing."""
    data = {}
    for name, strategy in fields.items():
        if draw(st.integers(0, 3)):  # one in four fields is left out
            data[name] = draw(strategy)
    extra = draw(
        st.dictionaries(
            st.sampled_from(["id", "employee_id", "round_id", "user_id", "is_admin"]),
            nasty_text(),
            max_size=2,
        )
    )
    data.update({k: v for k, v in extra.items() if k not in fields})
    if poisons:
        name = draw(st.sampled_from(sorted(poisons)))
        data[name] = draw(poisons[name])
    return data


# --- the world the posts land in ------------------------------------------------


@dataclass
class World:
    app: Flask
    ids: dict[str, int]
    clients: dict[str, FlaskClient]
    names: dict[str, str] = field(default_factory=dict)


def login(app: Flask, username: str | None) -> FlaskClient:
    client = app.test_client()
    if username is not None:
        with app.app_context():  # see send()
            response = client.post(
                "/inloggen", data={"username": username, "password": PASSWORD}
            )
        assert response.headers["Location"] == "/"
    return client


def build_world(
    app: Flask,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    make_user: Callable[..., Any],
    make_employee: Callable[..., Any],
    make_role: Callable[..., Any],
    make_competence: Callable[..., Any],
    make_cluster: Callable[..., Any],
) -> World:
    """Two of every beheer object (so a name can clash), a secretaris, medewerker
    Anouk and colleague Bram, and three rounds: 2026-H2 approved, 2027-H1 proposed
    (werkplannen, proposals, a job, a pin) and 2027-H2 open with preferences."""
    from ommen_rollen.models import (
        Assignment,
        Job,
        Partner,
        Pin,
        PlanningRound,
        Preference,
        Proposal,
        TaskField,
        WorkPlan,
    )

    # Cheap password hashes: the fuzzing logs three people in for every target.
    monkeypatch.setattr(
        people,
        "generate_password_hash",
        partial(hash_password, method="pbkdf2:sha256:1"),
    )
    monkeypatch.setitem(app.config, "IMPORT_STAGING_DIR", str(tmp_path / "imports"))
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 64_000)
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 50)

    regie, beleid = make_cluster("Regie"), make_cluster("Beleid")
    comp, comp2 = make_competence("regievoering"), make_competence("beleid")
    partner, partner2 = Partner(name="Omgevingsdienst"), Partner(name="Hardenberg")
    db.session.add_all([partner, partner2])
    fields = [
        TaskField(
            name=name, mode=TaskMode.OUTSOURCED, partner=partner, cluster_id=regie.id
        )
        for name in ("Vergunningen", "Handhaving")
    ]
    db.session.add_all(fields)
    db.session.commit()
    role = make_role("R01", cluster=regie, requires={comp: 1})
    role2 = make_role("R02", cluster=beleid)
    inactive = make_role("R99", cluster=beleid, active=False)
    make_user("secretaris", UserRole.SECRETARY, password=PASSWORD)
    anouk = make_employee("anouk", name="Anouk de Vries", competences={comp: 2})
    bram = make_employee("bram", name="Bram Jansen")
    make_user("anouk", employee=anouk, password=PASSWORD)
    make_user("bram", employee=bram, password=PASSWORD)

    def plan(round_: Any, employee: Any, **fields: Any) -> Any:
        return WorkPlan(
            round_id=round_.id,
            employee_id=employee.id,
            assignments=[Assignment(role_id=role.id, kind="holder", fte_units=2000)],
            **fields,
        )

    old = PlanningRound(
        label="2026-H2",
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 12, 31),
        status="approved",
    )
    proposed = PlanningRound(
        label="2027-H1",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 6, 30),
        status="proposed",
    )
    open_ = PlanningRound(
        label="2027-H2",
        starts_on=date(2027, 7, 1),
        ends_on=date(2027, 12, 31),
        status="open",
    )
    db.session.add_all([old, proposed, open_])
    db.session.flush()
    ready = Proposal(round_id=proposed.id, number=1, status="ready", instance={})
    failed = Proposal(round_id=proposed.id, number=2, status="failed")
    db.session.add_all([ready, failed])
    db.session.flush()
    old_plan = plan(old, anouk, status="approved")
    anouk_plan = plan(proposed, anouk, proposal_id=ready.id)
    bram_plan = plan(proposed, bram, proposal_id=ready.id)
    job = Job(round_id=proposed.id, proposal_id=ready.id, status="finished")
    pin = Pin(
        round_id=proposed.id,
        employee_id=bram.id,
        role_id=role.id,
        pin_kind="pin",
        kind="holder",
        fte_units=2000,
    )
    prefs = [
        Preference(round_id=open_.id, employee_id=e.id, role_id=role.id, choice=c)
        for e, c in ((anouk, "want"), (bram, "avoid"))
    ]
    db.session.add_all([old_plan, anouk_plan, bram_plan, job, pin, *prefs])
    db.session.commit()
    ids = {
        "cluster": regie.id,
        "cluster2": beleid.id,
        "competence": comp.id,
        "competence2": comp2.id,
        "partner": partner.id,
        "partner2": partner2.id,
        "task_field": fields[0].id,
        "task_field2": fields[1].id,
        "role": role.id,
        "role2": role2.id,
        "inactive_role": inactive.id,
        "anouk": anouk.id,
        "bram": bram.id,
        "old_round": old.id,
        "proposed_round": proposed.id,
        "open_round": open_.id,
        "ready_proposal": ready.id,
        "failed_proposal": failed.id,
        "old_plan": old_plan.id,
        "anouk_plan": anouk_plan.id,
        "bram_plan": bram_plan.id,
        "job": job.id,
        "pin": pin.id,
        "bram_preference": prefs[1].id,
    }
    clients = {
        "anonymous": login(app, None),
        "secretaris": login(app, "secretaris"),
        "medewerker": login(app, "anouk"),
    }
    return World(app=app, ids=ids, clients=clients)


# --- what an answer must be ---------------------------------------------------


def changed_tables(
    before: dict[str, list[Any]], after: dict[str, list[Any]]
) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _flat(errors: Any) -> Iterator[str]:
    if isinstance(errors, str):
        yield errors
    elif isinstance(errors, dict):
        for value in errors.values():
            yield from _flat(value)
    elif isinstance(errors, list | tuple):
        for value in errors:
            yield from _flat(value)
    elif errors is not None:
        yield str(errors)


def messages_in(template: Any, context: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The messages a rendered page shows the user: form errors, refused imports,
    preview errors, an htmx error line and the error page itself."""
    for name, value in context.items():
        if isinstance(value, Form):
            for message in _flat(value.errors):
                yield "form", message
        elif isinstance(value, ImportRefused):
            yield "refused", str(value)
            for message in _flat([str(e) for e in value.errors]):
                yield "refused", message
        elif name == "analysis" and hasattr(value, "errors"):
            for error in value.errors:
                yield "form", str(error)
        elif name == "error" and isinstance(value, str) and value:
            yield "error", value
    if template.name == "error.html":
        yield "page", f"{context.get('title')}: {context.get('text')}"


@dataclass
class Answer:
    status: int
    location: str
    messages: list[tuple[str, str]]
    changed: list[str]
    body: str


@contextmanager
def listening(app: Flask) -> Iterator[list[tuple[str, str]]]:
    found: list[tuple[str, str]] = []

    def flashed(_sender: Any, message: str, category: str, **_: Any) -> None:
        found.append((category, str(message)))

    def rendered(_sender: Any, template: Any, context: Any, **_: Any) -> None:
        found.extend(messages_in(template, context))

    with (
        message_flashed.connected_to(flashed, app),
        template_rendered.connected_to(rendered, app),
    ):
        yield found


def send(world: World, who: str, method: str, url: str, **kwargs: Any) -> Answer:
    """One request as this user; the database is compared before and after."""
    before = table_dump()
    # A fresh app context, as in a real server: the test's own context would
    # carry the logged-in user (flask.g) and the database session from one
    # request, and one client, to the next.
    with listening(world.app) as found, world.app.app_context():
        response = world.clients[who].open(url, method=method, **kwargs)
    after = table_dump()
    return Answer(
        status=response.status_code,
        location=response.headers.get("Location", ""),
        messages=list(found),
        changed=changed_tables(before, after),
        body=response.get_data(as_text=True)
        if response.mimetype == "text/html"
        else "",
    )


ENGLISH = re.compile(
    r"\b(not|valid|invalid|field|must|required|please|value|choice|could|"
    r"missing|token|error|exception|traceback|should|cannot|characters)\b",
    re.IGNORECASE,
)
DUTCH = re.compile(
    r"\b(de|het|een|is|niet|geen|vul|kies|ongeldige?|mag|moet|bestaat|verplicht|"
    r"hoogstens|tekens|bestand|rij|kolom|gebruik|al|er|deze|dit|van|voor|of|en|"
    r"in|op|te|zijn|naam|wordt|kan|alleen|veld|getal|datum|keuze|formulier|"
    r"planronde|werkplan|opmerking|verzoek|gevonden|toegang|pagina|nummer|"
    r"onbekende?|bestaand|rompfunctie|rol|cluster|competentie|medewerker)\b",
    re.IGNORECASE,
)


def without_echoes(message: str, sent: list[str]) -> str:
    """The message without the user's own input in it (and quoted parts), so an
    English word someone typed does not count against the app."""
    for value in sorted({v.strip() for v in sent if len(v.strip()) >= 3}, key=len)[
        ::-1
    ]:
        message = message.replace(value, " ").replace(value.lower(), " ")
    return re.sub(r"'[^']*'|\"[^\"]*\"", " ", message)


def sent_texts(*values: Any) -> list[str]:
    texts: list[str] = []
    for value in values:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            texts += sent_texts(*value.keys(), *value.values())
        elif isinstance(value, list | tuple):
            texts += sent_texts(*value)
    return texts


def assert_refused(
    answer: Answer, sent: list[str], what: str, may_change: frozenset[str] = frozenset()
) -> None:
    """Never a 500, nothing changed (but the tables a refusal writes by design,
    such as the audit entry of a failed login), and the user is told why in
    Dutch (a 4xx page or form, or a message after the redirect)."""
    assert answer.status < 500, f"{what}: {answer.status}"
    changed = [t for t in answer.changed if t not in may_change]
    assert changed == [], f"{what}: changed {answer.changed}"
    assert not [m for c, m in answer.messages if c == "success"], (
        f"{what}: success message without a change: {answer.messages}"
    )
    if answer.status < 400:
        told = [m for c, m in answer.messages if c != "success"]
        assert told, f"{what}: {answer.status} {answer.location} without a message"
    for _category, message in answer.messages:
        cleaned = without_echoes(message, sent)
        assert not ENGLISH.search(cleaned), f"{what}: not Dutch: {message!r}"
        assert DUTCH.search(cleaned) or not cleaned.strip(), (
            f"{what}: not Dutch: {message!r}"
        )


# --- the fuzz targets, one per POST route ---------------------------------------


@dataclass(frozen=True)
class Post:
    who: str
    url: str
    data: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    # tables a refusal writes on purpose (failed logins are audited)
    may_change: frozenset[str] = frozenset()


Target = Callable[[World], st.SearchStrategy[Post]]
TARGETS: dict[str, Target] = {}


def target(*endpoints: str) -> Callable[[Target], Target]:
    def register(make: Target) -> Target:
        for endpoint in endpoints:
            TARGETS[endpoint] = make
        return make

    return register


def _posts(
    who: str, urls: st.SearchStrategy[str], data: st.SearchStrategy[Any]
) -> st.SearchStrategy[Post]:
    return st.builds(Post, who=st.just(who), url=urls, data=data)


def _as_secretaris(
    urls: st.SearchStrategy[str], data: st.SearchStrategy[Any]
) -> st.SearchStrategy[Post]:
    return _posts("secretaris", urls, data)


def _junk() -> st.SearchStrategy[dict[str, str]]:
    return st.dictionaries(
        st.sampled_from(["active", "show", "confirm", "id", "next"]),
        nasty_text(),
        max_size=3,
    )


def endpoints_in(module: object) -> list[str]:
    """The endpoints whose fuzz target lives in this area module."""
    name = getattr(module, "__name__", "")
    return sorted(e for e, make in TARGETS.items() if make.__module__ == name)


def post_hostile(world: World, endpoint: str, data: st.DataObject) -> None:
    """Post one hostile example to ``endpoint``: a Dutch refusal, nothing changed."""
    post = data.draw(TARGETS[endpoint](world), label="post")
    form = MultiDict(post.data) if isinstance(post.data, list) else post.data
    answer = send(world, post.who, "POST", post.url, data=form, headers=post.headers)
    assert_refused(
        answer, sent_texts(post.data), f"{endpoint} {post.url}", post.may_change
    )
