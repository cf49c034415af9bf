"""Bad input: hostile and random values posted to every form and import.

Every POST route of the app is fuzzed (a test fails when a new one is not): huge
and negative numbers, unicode, NUL bytes, SQL and HTML fragments, very long text,
garbage and truncated CSV, XLSX and JSON files. The answer is always a Dutch
message or a 4xx, never a 500, and the database is unchanged: every example
carries at least one value that must be refused (a "poison"), so any change is a
bug. Runs with CSRF off (the test default) so that validation is what is hit.
"""

from __future__ import annotations

import codecs
import csv
import importlib
import inspect
import io
import json
import pkgutil
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from flask import Flask, message_flashed, template_rendered
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.security import generate_password_hash as hash_password
from wtforms import Form

from ommen_rollen.domain import TaskMode, UserRole
from ommen_rollen.extensions import db
from ommen_rollen.models import people
from ommen_rollen.services.imports import KINDS, ImportRefused

pytestmark = pytest.mark.usefixtures("app")

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


@pytest.fixture
def world(
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


def table_dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted by primary key."""
    with db.engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(
                    sa.select(table).order_by(*table.primary_key.columns)
                )
            ]
            for table in db.metadata.sorted_tables
        }


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


@target("auth.login")
def _login(w: World) -> st.SearchStrategy[Post]:
    # No account has a nasty name or password: every login is refused.
    data = form_with_poison(
        {"username": nasty_text(), "password": nasty_text()},
        {"username": nasty_text().filter(not_in({"secretaris", "anouk", "bram"}))},
    )
    return st.builds(
        Post,
        who=st.just("anonymous"),
        url=st.just("/inloggen"),
        data=data,
        may_change=st.just(AUDITED),
    )


AUDITED = frozenset({"audit_entry"})


@target("auth.account")
def _account(w: World) -> st.SearchStrategy[Post]:
    # The current password is never nasty text: every change is refused.
    data = st.fixed_dictionaries(
        {
            "current_password": nasty_text(),
            "new_password": nasty_text(),
            "repeat": nasty_text(),
        }
    )
    return _posts("medewerker", st.just("/account/wachtwoord"), data)


@target("auth.set_password")
def _set_password(w: World) -> st.SearchStrategy[Post]:
    urls = st.builds(
        lambda kind, token: (
            f"/account/instellen?{urlencode({'soort': kind, 'token': token})}"
        ),
        st.one_of(st.sampled_from(["invite", "reset"]), nasty_text()),
        nasty_text(max_size=80),
    )
    data = st.fixed_dictionaries({"new_password": nasty_text(), "repeat": nasty_text()})
    return _posts("anonymous", urls, data)


@target("auth.forgot_password")
def _forgot_password(w: World) -> st.SearchStrategy[Post]:
    # No account has a nasty address: the same answer, an audited refusal.
    return st.builds(
        Post,
        who=st.just("anonymous"),
        url=st.just("/account/vergeten"),
        data=st.fixed_dictionaries({"email": nasty_text()}),
        may_change=st.just(AUDITED),
    )


@target("auth.second_factor")
def _second_factor(w: World) -> st.SearchStrategy[Post]:
    # No password step before it: back to the login page.
    data = st.fixed_dictionaries({"code": nasty_text()})
    return _posts("anonymous", st.just("/inloggen/code"), data)


@target("auth.two_factor_setup")
def _two_factor_setup(w: World) -> st.SearchStrategy[Post]:
    data = st.fixed_dictionaries({"code": nasty_text()})
    return _as_secretaris(st.just("/account/tweestaps"), data)


@target("beheer.employee_first_password", "beheer.employee_invite")
def _employee_account(w: World) -> st.SearchStrategy[Post]:
    # On a real medewerker these work by design; on no medewerker they refuse.
    actions = st.sampled_from(["eerste-wachtwoord", "uitnodigen"])
    urls = st.builds(lambda i, a: f"/beheer/medewerkers/{i}/{a}", url_id(), actions)
    return _as_secretaris(urls, _junk())


def _name_poisons(clash: str) -> dict[str, st.SearchStrategy[str]]:
    return {
        "name": st.one_of(
            st.sampled_from(["", "   ", "\t\n", "x" * 121, "é" * 200]),
            st.sampled_from([clash, clash.upper(), f"  {clash.lower()} "]),
        )
    }


def _named(w: World, noun: str, plural: str, key: str, clash: str) -> Any:
    fields = {"name": nasty_text(), "description": nasty_text(), "active": nasty_text()}
    poisons = _name_poisons(clash)
    if noun != "partners":
        poisons["description"] = st.just("d" * 2001)
    else:
        del fields["description"]
    urls = st.sampled_from(
        [f"/beheer/{plural}/nieuw", f"/beheer/{plural}/{w.ids[key]}"]
    )
    return _as_secretaris(urls, form_with_poison(fields, poisons))


@target("beheer.cluster_new", "beheer.cluster_edit")
def _clusters(w: World) -> st.SearchStrategy[Post]:
    return _named(w, "clusters", "clusters", "cluster", "Beleid")


@target("beheer.competence_new", "beheer.competence_edit")
def _competences(w: World) -> st.SearchStrategy[Post]:
    return _named(w, "competences", "competenties", "competence", "beleid")


@target("beheer.partner_new", "beheer.partner_edit")
def _partners(w: World) -> st.SearchStrategy[Post]:
    return _named(w, "partners", "partners", "partner", "Hardenberg")


@target("beheer.task_field_new", "beheer.task_field_edit")
def _task_fields(w: World) -> st.SearchStrategy[Post]:
    modes = {m.value for m in TaskMode}
    fields = {
        "name": nasty_text(),
        "mode": st.one_of(st.sampled_from(sorted(modes)), nasty_text()),
        "partner_id": some_id(w.ids["partner"], w.ids["partner2"]),
        "cluster_id": some_id(w.ids["cluster"]),
        "description": nasty_text(),
        "active": nasty_text(),
    }
    poisons = {
        **_name_poisons("Handhaving"),
        "mode": nasty_text().filter(not_in(modes)),
        "partner_id": unknown_id(),
        "cluster_id": unknown_id(),
        "description": st.just("d" * 2001),
    }
    urls = st.sampled_from(
        ["/beheer/taakvelden/nieuw", f"/beheer/taakvelden/{w.ids['task_field']}"]
    )
    return _as_secretaris(urls, form_with_poison(fields, poisons))


def _level_rows(prefix: str, w: World) -> st.SearchStrategy[dict[str, str]]:
    """FieldList rows (competence id, level) as the form posts them."""
    row = st.tuples(
        some_id(w.ids["competence"], w.ids["competence2"]),
        st.one_of(st.sampled_from(["", "1", "2", "3"]), nasty_text()),
    )

    def flatten(rows: list[tuple[str, str]]) -> dict[str, str]:
        data = {}
        for i, (competence_id, level) in enumerate(rows):
            data[f"{prefix}-{i}-competence_id"] = competence_id
            data[f"{prefix}-{i}-level"] = level
        return data

    return st.lists(row, max_size=4).map(flatten)


@st.composite
def _with_rows(
    draw: st.DrawFn, form: st.SearchStrategy[dict[str, Any]], rows: Any
) -> dict[str, Any]:
    data = draw(rows)
    data.update(draw(form))
    return data


@target("beheer.role_new", "beheer.role_edit")
def _roles(w: World) -> st.SearchStrategy[Post]:
    fields = {
        "version_id": st.one_of(st.just("1"), nasty_text()),
        "code": nasty_text(),
        "name": nasty_text(),
        "description": nasty_text(),
        "cluster_id": some_id(w.ids["cluster"], w.ids["cluster2"]),
        "task_field_id": some_id(w.ids["task_field"]),
        "fte": nasty_text(),
        "base_functions": st.lists(
            st.one_of(st.sampled_from("ABCDE"), nasty_text()), max_size=6
        ),
        "backups_needed": nasty_text(),
        "splittable": nasty_text(),
        "max_holders": nasty_text(),
        "min_share": nasty_text(),
        "critical": nasty_text(),
        "active": nasty_text(),
    }
    poisons = {
        "code": st.sampled_from(["", "  ", "c" * 41, "R02"]),
        "name": st.sampled_from(["", " ", "n" * 161]),
        "cluster_id": st.one_of(st.just(""), unknown_id()),
        "fte": st.sampled_from(
            ["", "0", "-1", "-0,5", "abc", "10,0001", "11", "1e3", "NaN", "0,00001"]
        ),
        "backups_needed": st.sampled_from(["-1", "11", "abc", "1,5", "²"]),
        "max_holders": st.sampled_from(["0", "21", "abc", "-3", "9" * 30]),
        "base_functions": st.just(["F"]),
    }
    new = _as_secretaris(
        st.just("/beheer/rollen/nieuw"),
        _with_rows(form_with_poison(fields, poisons), _level_rows("requirements", w)),
    )
    stale = {**poisons, "version_id": st.sampled_from(["", "0", "2", "abc", "²"])}
    edit = _as_secretaris(
        st.just(f"/beheer/rollen/{w.ids['role']}"),
        _with_rows(form_with_poison(fields, stale), _level_rows("requirements", w)),
    )
    return st.one_of(new, edit)


@target("beheer.employee_new", "beheer.employee_edit")
def _employees(w: World) -> st.SearchStrategy[Post]:
    fields = {
        "version_id": st.one_of(st.just("1"), nasty_text()),
        "name": nasty_text(),
        "username": nasty_text(),
        "contract": nasty_text(),
        "contract_unit": st.one_of(st.sampled_from(["uren", "fte"]), nasty_text()),
        "base_function": st.one_of(st.sampled_from("ABCDE"), nasty_text()),
        "home_cluster_id": some_id(w.ids["cluster"]),
        "active": nasty_text(),
    }
    poisons = {
        "name": st.sampled_from(["", "  ", "n" * 161]),
        "username": st.sampled_from(
            ["", "a", "A B", "-abc", "u" * 61, "bram", "BRAM", "secretaris", "ü-x"]
        ),
        "contract": st.sampled_from(["", "0", "-1", "-0", "abc", "NaN", "1e9", "inf"]),
        "contract_unit": nasty_text().filter(not_in({"uren", "fte"})),
        "base_function": nasty_text().filter(not_in(set("ABCDE"))),
        "home_cluster_id": unknown_id(),
    }
    new = _as_secretaris(
        st.just("/beheer/medewerkers/nieuw"),
        _with_rows(form_with_poison(fields, poisons), _level_rows("competences", w)),
    )
    stale = {**poisons, "version_id": st.sampled_from(["", "0", "2", "abc", "²"])}
    edit = _as_secretaris(
        st.just(f"/beheer/medewerkers/{w.ids['anouk']}"),
        _with_rows(form_with_poison(fields, stale), _level_rows("competences", w)),
    )
    return st.one_of(new, edit)


BEHEER_PATHS = {
    "employee": "medewerkers",
    "role": "rollen",
    "competence": "competenties",
    "cluster": "clusters",
    "partner": "partners",
    "task_field": "taakvelden",
}


def _confirm(path: str, action: str) -> Target:
    # (De)activating or deleting a real row always works: only ids that name
    # nothing can be refused, with whatever the form holds.
    def make(w: World) -> st.SearchStrategy[Post]:
        urls = url_id().map(lambda i: f"/beheer/{path}/{i}/{action}")
        return _as_secretaris(urls, _junk())

    return make


for _noun, _path in BEHEER_PATHS.items():
    target(f"beheer.{_noun}_active")(_confirm(_path, "actief"))
    target(f"beheer.{_noun}_delete")(_confirm(_path, "verwijderen"))
target("api_tokens.revoke")(_confirm("api-sleutels", "intrekken"))


@target("api_tokens.new")
def _api_tokens(w: World) -> st.SearchStrategy[Post]:
    from ommen_rollen.services.api_tokens import SCOPES

    unknown_scope = nasty_text().filter(lambda s: s.strip() not in SCOPES)
    fields = {
        "name": nasty_text(),
        "scopes": st.lists(
            st.one_of(st.sampled_from(sorted(SCOPES)), nasty_text()), max_size=4
        ),
        "expires_on": nasty_text(),
    }
    poisons = {
        "name": st.sampled_from(["", "   ", "\t\n", "x" * 121]),
        "scopes": st.one_of(st.just([]), unknown_scope.map(lambda s: [s])),
        "expires_on": st.sampled_from(["", "2000-01-01", "gisteren", "9999-12-31"]),
    }
    urls = st.just("/beheer/api-sleutels/nieuw")
    return _as_secretaris(urls, form_with_poison(fields, poisons))


@target("privacy.erase")
def _erase(w: World) -> st.SearchStrategy[Post]:
    # Anouk and Bram are active: their data are never erased, confirmed or not;
    # an id that names nobody is no page at all.
    urls = url_id(w.ids["anouk"], w.ids["bram"]).map(
        lambda i: f"/privacy/medewerkers/{i}/wissen"
    )
    data = st.one_of(
        _junk(),
        st.fixed_dictionaries({"bevestigd": st.one_of(st.just("1"), nasty_text())}),
    )
    return _as_secretaris(urls, data)


# --- imports ---------------------------------------------------------------------


def csv_bytes(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    text = out.getvalue()
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding, errors="replace")


XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([XLSX_ILLEGAL.sub("", value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def import_table(draw: st.DrawFn, kind_key: str) -> list[list[str]]:
    """Headers the app recognises (or not) and hostile rows, plus a row twice:
    whichever column identifies a row, the second one clashes with the first."""
    kind = KINDS[kind_key]
    headers = []
    for import_field in kind.fields:
        if import_field.key == kind.key_field or draw(st.booleans()):
            names = [import_field.label, *import_field.aliases]
            headers.append(draw(st.one_of(st.sampled_from(names), nasty_text(20))))
    headers.append("Opmerking")
    headers = draw(st.permutations(headers))
    width = len(headers)
    cells = st.lists(nasty_text(), min_size=width, max_size=width)
    rows = draw(st.lists(cells, max_size=4))
    twice = ["Dubbel"] * width
    rows.insert(draw(st.integers(0, len(rows))), twice)
    rows.insert(draw(st.integers(rows.index(twice) + 1, len(rows))), twice)
    return [list(headers), *rows]


@st.composite
def import_file(draw: st.DrawFn, kind_key: str) -> tuple[bytes, str, list[Any]]:
    """(content, file name, the table in it)."""
    rows = draw(import_table(kind_key))
    fmt = draw(st.sampled_from(["csv", "csv", "xlsx"]))
    if fmt == "xlsx":
        return xlsx_bytes(rows), "bestand.xlsx", rows
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return csv_bytes(rows, delimiter, encoding), "bestand.csv", rows


@st.composite
def garbage_upload(draw: st.DrawFn) -> tuple[bytes, str]:
    """A file no import may accept."""
    valid = xlsx_bytes([["Gebruikersnaam", "Naam"], ["a", "b"]])
    choice = draw(st.integers(0, 7))
    if choice == 0:  # binary: a control byte no text file has
        data = draw(st.binary(max_size=300)) + b"\x00\x01" + draw(st.binary())
        return data, draw(st.sampled_from(["x.csv", "x.txt", "x.xlsx"]))
    if choice == 1:  # an Excel file cut off
        return valid[: draw(st.integers(0, len(valid) - 1))], "x.xlsx"
    if choice == 2:  # a ZIP that is no workbook
        out = io.BytesIO()
        import zipfile

        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("a.txt", draw(st.binary(max_size=100)))
        return out.getvalue(), "x.xlsx"
    if choice == 3:  # an Excel file with a CSV name
        return valid, "x.csv"
    if choice == 4:  # a type the import does not read
        return draw(st.binary(max_size=50)), draw(
            st.sampled_from(["x.xls", "x.pdf", "x.exe", "x", ".csv.exe", "x.json"])
        )
    if choice == 5:  # too big
        return b"Gebruikersnaam;Naam\n" + b"a;b\n" * 20_000, "x.csv"
    if choice == 6:  # personal data the app refuses (BSN)
        return b"Gebruikersnaam;BSN\nanouk;123456782\n", "x.csv"
    # empty, only a header, or only blank lines
    return draw(st.sampled_from([b"", b"   \n", b"Naam;Code\n", b"\n\n;;\n"])), "x.csv"


@target("imports.upload")
def _upload(w: World) -> st.SearchStrategy[Post]:
    def post(kind: str, file: tuple[Any, ...]) -> Post:
        data, name = file[:2]
        form = {"kind": kind, "file": (io.BytesIO(data), name)}
        return Post("secretaris", "/beheer/import/", form)

    kinds = st.one_of(st.sampled_from(sorted(KINDS)), nasty_text())
    bad_kind = st.builds(
        post,
        nasty_text().filter(lambda k: k not in KINDS),
        import_file("employees"),
    )
    return st.one_of(st.builds(post, kinds, garbage_upload()), bad_kind)


def instance_json() -> dict[str, Any]:
    return {
        "version": 1,
        "name": "Gemeente Dalfsen 2027",
        "employees": [
            {"id": "ines", "name": "Ines Smit", "fte": 0.8889, "base_function": "B",
             "competences": {"regievoering": 2}},
        ],
        "roles": [
            {"id": "d01", "name": "Regie afval", "cluster": "Regie", "fte": 0.6,
             "base_functions": ["A", "B"], "requires": {"regievoering": 1},
             "backups": 1},
        ],
        "preferences": [{"employee": "ines", "role": "d01", "choice": "want"}],
        "settings": {"time_limit_s": 10},
    }  # fmt: skip


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(),
        nasty_text(),
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(nasty_text(10), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def instance_file(draw: st.DrawFn) -> tuple[bytes, str]:
    """An instance file that must be refused: garbage, cut off, or an instance
    with hostile values and one employee the app cannot take (negative fte)."""
    data = instance_json()
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(st.binary(max_size=200)) + b"\xff{", "ronde.json"
    if choice == 1:
        text = json.dumps(data).encode()
        return text[: draw(st.integers(0, len(text) - 1))], "ronde.json"
    if choice == 2:
        return json.dumps(draw(JSON_VALUES)).encode(), "ronde.json"
    # a real instance with a hostile value somewhere, and a poisoned employee
    section = draw(st.sampled_from(["employees", "roles", "preferences"]))
    entry = data[section][0]
    entry[draw(st.sampled_from(sorted(entry)))] = draw(JSON_VALUES)
    if draw(st.booleans()):
        data[draw(st.sampled_from(sorted(data)))] = draw(JSON_VALUES)
    if isinstance(data.get("employees"), list):
        data["employees"].append(
            {"id": "gif", "name": "Gif", "fte": -1, "base_function": "B"}
        )
    else:
        data["employees"] = [{"id": "gif", "name": "Gif", "fte": -1}]
    name = "ronde.json" if choice == 3 else draw(st.sampled_from(["r.JSON", "r.json"]))
    return json.dumps(data, allow_nan=True).encode(), name


@target("imports.round_from_instance")
def _round_import(w: World) -> st.SearchStrategy[Post]:
    date_text = st.one_of(
        st.dates().map(date.isoformat), st.sampled_from(NASTY_DATES), nasty_text()
    )

    @st.composite
    def data(draw: st.DrawFn) -> dict[str, Any]:
        content, name = draw(instance_file())
        form = draw(
            form_with_poison(
                {
                    "label": st.one_of(st.just("Dalfsen 2027"), nasty_text()),
                    "starts_on": date_text,
                    "ends_on": date_text,
                },
                {},
            )
        )
        if draw(st.integers(0, 5)):
            form["file"] = (io.BytesIO(content), name)
        return form

    return _as_secretaris(st.just("/beheer/import/ronde"), data())


# --- medewerker -----------------------------------------------------------------

CHOICES = {"want", "neutral", "avoid", "learn"}


@target("medewerker.voorkeuren")
def _voorkeuren(w: World) -> st.SearchStrategy[Post]:
    real = [w.ids["role"], w.ids["role2"]]

    @st.composite
    def data(draw: st.DrawFn) -> list[tuple[str, str]]:
        role = str(draw(st.sampled_from(real)))
        poison = draw(
            st.one_of(
                unknown_id().map(lambda i: (i, "want", "")),
                st.just((str(w.ids["inactive_role"]), "want", "")),
                nasty_text().filter(not_in(CHOICES)).map(lambda c: (role, c, "")),
                st.just((role, "avoid", "o" * 501)),
            )
        )
        entries = [poison] + draw(
            st.lists(
                st.tuples(
                    some_id(*real),
                    st.one_of(st.sampled_from(sorted(CHOICES)), nasty_text()),
                    nasty_text(),
                ),
                max_size=4,
            )
        )
        form = []
        for role_id, choice, comment in entries:
            form += [
                ("role_id", role_id),
                (f"choice-{role_id}", choice),
                (f"comment-{role_id}", comment),
            ]
        # ids of a colleague, another round and a colleague's preference
        form += [
            ("employee_id", str(w.ids["bram"])),
            ("round_id", str(w.ids["proposed_round"])),
            ("preference_id", str(w.ids["bram_preference"])),
        ]
        return form

    htmx = st.sampled_from([{}, {"HX-Request": "true"}])
    return st.builds(
        Post,
        who=st.just("medewerker"),
        url=st.just("/mijn/voorkeuren"),
        data=data(),
        headers=htmx,
    )


@target("medewerker.akkoord")
def _akkoord(w: World) -> st.SearchStrategy[Post]:
    # Bram's werkplan, an approved one, or none: only her proposed one may agree.
    ids = url_id(w.ids["bram_plan"], w.ids["old_plan"])
    urls = ids.map(lambda i: f"/mijn/werkplannen/{i}/akkoord")
    return _posts("medewerker", urls, _junk())


@target("medewerker.opmerking")
def _opmerking(w: World) -> st.SearchStrategy[Post]:
    own = _posts(
        "medewerker",
        st.just(f"/mijn/werkplannen/{w.ids['anouk_plan']}/opmerking"),
        st.fixed_dictionaries(
            {"comment": st.sampled_from(["", "   ", "\n\t", "c" * 2001])}
        ),
    )
    others = _posts(
        "medewerker",
        url_id(w.ids["bram_plan"], w.ids["old_plan"]).map(
            lambda i: f"/mijn/werkplannen/{i}/opmerking"
        ),
        st.fixed_dictionaries({"comment": nasty_text()}),
    )
    return st.one_of(own, others)


# --- planning ---------------------------------------------------------------------


@target("planning.open_round")
def _open_round(w: World) -> st.SearchStrategy[Post]:
    # Round 2027-H2 is still open, so even a valid new round is refused.
    dates = st.one_of(
        st.dates().map(date.isoformat), st.sampled_from(NASTY_DATES), nasty_text()
    )
    data = form_with_poison(
        {
            "label": st.one_of(st.sampled_from(["2027-H2", "2028-H1"]), nasty_text()),
            "starts_on": dates,
            "ends_on": dates,
            "deadline": dates,
            "show_names": nasty_text(),
        },
        {},
    )
    return _as_secretaris(st.just("/planning/rondes/nieuw"), data)


def _round_action(action: str, *rounds: str) -> Target:
    """A round action on rounds whose status forbids it, or on no round."""

    def make(w: World) -> st.SearchStrategy[Post]:
        ids = url_id(*(w.ids[r] for r in rounds))
        return _as_secretaris(
            ids.map(lambda i: f"/planning/rondes/{i}/{action}"), _junk()
        )

    return make


target("planning.close_round")(_round_action("sluiten", "proposed_round", "old_round"))
target("planning.reopen_round")(
    _round_action("heropenen", "open_round", "proposed_round")
)
target("planning.publish")(_round_action("voorleggen", "open_round", "old_round"))
target("planning.approve_all")(_round_action("goedkeuren", "open_round", "old_round"))
# Any value of "show" is a valid choice (names on or off): only no round refuses.
target("planning.show_names")(_round_action("namen"))


@target("scenarios.round_scenarios")
def _new_scenario(w: World) -> st.SearchStrategy[Post]:
    # Only an approved round takes a scenario: these are open or proposed.
    dates = st.one_of(
        st.dates().map(date.isoformat), st.sampled_from(NASTY_DATES), nasty_text()
    )
    data = form_with_poison({"name": nasty_text(), "valid_from": dates}, {})
    urls = url_id(w.ids["open_round"], w.ids["proposed_round"]).map(
        lambda i: f"/planning/rondes/{i}/scenarios"
    )
    return _as_secretaris(urls, data)


def _scenario_action(action: str) -> Target:
    """A scenario action on a scenario that does not exist."""

    def make(w: World) -> st.SearchStrategy[Post]:
        data = form_with_poison(
            {
                "kind": st.one_of(
                    st.sampled_from(["absence", "contract", "hire"]), nasty_text()
                ),
                "employee_id": st.one_of(st.just(str(w.ids["anouk"])), nasty_text()),
                "role_id": nasty_text(),
                "fte": nasty_text(),
                "name": nasty_text(),
                "base_function": nasty_text(),
                "index": nasty_text(),
            },
            {},
        )
        return _as_secretaris(
            url_id().map(lambda i: f"/planning/scenarios/{i}/{action}"), data
        )

    return make


target("scenarios.add_change")(_scenario_action("wijzigingen"))
target("scenarios.remove_change")(_scenario_action("wijzigingen/verwijderen"))
target("scenarios.solve")(_scenario_action("doorrekenen"))
target("scenarios.publish")(_scenario_action("doorvoeren"))


def _optimise_form() -> st.SearchStrategy[dict[str, Any]]:
    return form_with_poison(
        {"time_limit_s": nasty_text(), "seed": nasty_text(), "note": nasty_text()},
        {
            "time_limit_s": st.sampled_from(
                ["", "0", "601", "-5", "abc", "1e3", "9" * 25, "1.5", "²", "NaN"]
            ),
            "seed": st.sampled_from(["-1", "2147483648", "abc", "1.5", "9" * 25]),
            "note": st.just("n" * 201),
        },
    )


@target("planning.optimise")
def _optimise(w: World) -> st.SearchStrategy[Post]:
    urls = url_id(w.ids["proposed_round"]).map(
        lambda i: f"/planning/rondes/{i}/optimaliseren"
    )
    return _as_secretaris(urls, _optimise_form())


@target("planning.reoptimise")
def _reoptimise(w: World) -> st.SearchStrategy[Post]:
    urls = url_id(w.ids["ready_proposal"]).map(
        lambda i: f"/planning/voorstellen/{i}/heroptimaliseren"
    )
    return _as_secretaris(urls, _optimise_form())


@target("planning.cancel_job")
def _cancel_job(w: World) -> st.SearchStrategy[Post]:
    urls = url_id(w.ids["job"]).map(lambda i: f"/planning/taken/{i}/annuleren")
    return _as_secretaris(urls, _junk())


@target("planning.choose_proposal")
def _choose(w: World) -> st.SearchStrategy[Post]:
    urls = url_id(w.ids["failed_proposal"]).map(
        lambda i: f"/planning/voorstellen/{i}/kiezen"
    )
    return _as_secretaris(urls, _junk())


@target("planning.add_pin")
def _add_pin(w: World) -> st.SearchStrategy[Post]:
    people = some_id(w.ids["anouk"], w.ids["bram"])
    roles = some_id(w.ids["role"], w.ids["role2"], w.ids["inactive_role"])
    kinds = {"holder", "backup", "learner"}
    fields = {
        "employee_id": people,
        "role_id": roles,
        "kind": st.one_of(st.sampled_from(sorted(kinds)), nasty_text()),
        "pin_kind": st.one_of(st.sampled_from(["pin", "forbid"]), nasty_text()),
        "fte": nasty_text(),
    }
    poisons = {
        "employee_id": unknown_id(),
        "role_id": st.one_of(unknown_id(), st.just(str(w.ids["inactive_role"]))),
        "kind": nasty_text().filter(lambda k: k not in kinds),
        "pin_kind": nasty_text().filter(lambda k: k not in ("pin", "forbid")),
        "fte": st.just("1" * 13),
    }
    urls = url_id(w.ids["proposed_round"]).map(
        lambda i: f"/planning/rondes/{i}/vastzetten"
    )
    return _as_secretaris(urls, form_with_poison(fields, poisons))


@target("planning.remove_pin")
def _remove_pin(w: World) -> st.SearchStrategy[Post]:
    urls = url_id().map(lambda i: f"/planning/pins/{i}/verwijderen")
    return _as_secretaris(urls, _junk())


@target("planning.move")
def _move(w: World) -> st.SearchStrategy[Post]:
    people = some_id(w.ids["anouk"], w.ids["bram"])
    fields = {
        "role_id": some_id(w.ids["role"], w.ids["role2"]),
        "from_employee_id": people,
        "to_employee_id": people,
    }
    poisons = {name: unknown_id() for name in fields}
    urls = url_id(w.ids["proposed_round"]).map(
        lambda i: f"/planning/rondes/{i}/verplaatsen"
    )
    return _as_secretaris(urls, form_with_poison(fields, poisons))


@target("planning.approve_plan")
def _approve_plan(w: World) -> st.SearchStrategy[Post]:
    urls = url_id(w.ids["old_plan"]).map(
        lambda i: f"/planning/werkplannen/{i}/goedkeuren"
    )
    return _as_secretaris(urls, _junk())


# POST routes fuzzed by a test of their own, or not at all (with the reason).
ELSEWHERE = {
    "imports.columns": "test_every_import_with_a_bad_row_is_refused_whole",
    "imports.commit": "test_every_import_with_a_bad_row_is_refused_whole",
    "imports.cancel": "test_every_import_with_a_bad_row_is_refused_whole",
    "imports.round_commit": "test_every_round_import_with_a_bad_entry_is_refused_whole",
    "imports.round_cancel": "test_every_round_import_with_a_bad_entry_is_refused_whole",
    "auth.logout": "takes no input and ends the session by design (test_security)",
    # the JSON API: schemathesis sends generated and hostile input to every operation
    **{
        endpoint: "tests/web/api/test_schemathesis.py"
        for endpoint in (
            "api_organisation.create_competence",
            "api_organisation.create_employee",
            "api_organisation.create_role",
            "api_planning.optimise",
        )
    },
}

# Which fuzz target posts each form of ommen_rollen/forms.
FORMS = {
    "LoginForm": "auth.login",
    "PasswordChangeForm": "auth.account",
    "PasswordSetForm": "auth.set_password",
    "ResetRequestForm": "auth.forgot_password",
    "CodeForm": "auth.second_factor",
    "ConfirmForm": "beheer.cluster_delete",
    "NamedForm": "beheer.cluster_new",
    "PartnerForm": "beheer.partner_new",
    "TaskFieldForm": "beheer.task_field_new",
    "RoleForm": "beheer.role_new",
    "EmployeeForm": "beheer.employee_new",
    "UploadForm": "imports.upload",
    "RoundImportForm": "imports.round_from_instance",
    "OpenRoundForm": "planning.open_round",
    "OptimiseForm": "planning.optimise",
    "PinForm": "planning.add_pin",
    "MoveForm": "planning.move",
    "CommentForm": "medewerker.opmerking",
    "MappingForm": "imports.columns",  # made per file by mapping_form_class()
    "ApiTokenForm": "api_tokens.new",
}


def post_endpoints(app: Flask) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set())
    }


def test_every_post_route_is_fuzzed(app: Flask) -> None:
    covered = set(TARGETS) | set(ELSEWHERE)
    missing = post_endpoints(app) - covered
    assert missing == set(), f"add a fuzz target for: {sorted(missing)}"
    assert covered - post_endpoints(app) == set(), "fuzz targets for removed routes"


def test_every_form_is_fuzzed() -> None:
    from flask_wtf import FlaskForm

    import ommen_rollen.forms as forms_package
    from ommen_rollen.forms import DutchForm

    found = {"MappingForm"}
    for module_info in pkgutil.iter_modules(forms_package.__path__):
        module = importlib.import_module(f"ommen_rollen.forms.{module_info.name}")
        for name, member in inspect.getmembers(module, inspect.isclass):
            if issubclass(member, FlaskForm) and member.__module__ == module.__name__:
                assert issubclass(member, DutchForm), f"{name} must be a DutchForm"
                found.add(name)
    assert found == set(FORMS), "map every form onto its fuzz target in FORMS"
    assert set(FORMS.values()) <= set(TARGETS) | set(ELSEWHERE)


@pytest.mark.parametrize("endpoint", sorted(TARGETS))
@FUZZ
@given(data=st.data())
def test_hostile_posts_get_a_dutch_answer_and_change_nothing(
    world: World, endpoint: str, data: st.DataObject
) -> None:
    post = data.draw(TARGETS[endpoint](world), label="post")
    form = MultiDict(post.data) if isinstance(post.data, list) else post.data
    answer = send(world, post.who, "POST", post.url, data=form, headers=post.headers)
    assert_refused(
        answer, sent_texts(post.data), f"{endpoint} {post.url}", post.may_change
    )


@pytest.mark.parametrize("kind", sorted(KINDS))
@FUZZ
@given(data=st.data())
def test_every_import_with_a_bad_row_is_refused_whole(
    world: World, kind: str, data: st.DataObject
) -> None:
    """Upload -> map columns -> preview -> commit with a file that has one row the
    app must refuse: each step answers in Dutch, the commit imports nothing."""
    content, filename, table = data.draw(import_file(kind), label="file")
    sent = sent_texts(table)

    def step(method: str, url: str, **kwargs: Any) -> Answer:
        answer = send(world, "secretaris", method, url, **kwargs)
        assert answer.status < 500, f"{method} {url}: {answer.status}"
        assert answer.changed == [], f"{method} {url}: changed {answer.changed}"
        return answer

    upload = step(
        "POST",
        "/beheer/import/",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
    )
    if upload.status != 302:  # refused at once: the reason is on the page
        assert_refused(upload, sent, "upload")
        return
    assert upload.location == "/beheer/import/kolommen"
    page = step("GET", "/beheer/import/kolommen")
    assert page.status == 200
    columns = len(re.findall(r'name="kolom_\d+"', page.body))
    choices = st.one_of(st.sampled_from(["", *KINDS[kind].keys]), nasty_text())
    mapping = data.draw(
        st.fixed_dictionaries({f"kolom_{i}": choices for i in range(columns)}),
        label="mapping",
    )
    mapped = step("POST", "/beheer/import/kolommen", data=mapping)
    if mapped.status != 302:
        assert_refused(mapped, [*sent, *sent_texts(mapping)], "mapping")
    preview = step("GET", "/beheer/import/voorbeeld")
    assert preview.status in (200, 302)
    committed = step("POST", "/beheer/import/vastleggen")
    assert_refused(committed, [*sent, *sent_texts(mapping)], "commit")
    assert [c for c, _m in committed.messages] == ["error"]
    cancelled = step("POST", "/beheer/import/annuleren")
    assert cancelled.status == 302


@st.composite
def round_file_with_a_bad_entry(draw: st.DrawFn) -> dict[str, Any]:
    """An instance file the format accepts, with hostile text in names and one
    employee the app must refuse (more than a full contract)."""
    data = instance_json()
    for section, key in draw(
        st.lists(
            st.sampled_from(
                [("employees", "name"), ("roles", "name"), ("roles", "cluster")]
            ),
            max_size=3,
        )
    ):
        data[section][0][key] = draw(nasty_text())
    if draw(st.booleans()):
        data["employees"][0]["competences"] = {
            draw(nasty_text(10)): draw(st.integers(0, 4))
        }
    data["employees"].append(
        {"id": "gif", "name": "Gif", "fte": 1.5, "base_function": "B"}
    )
    return data


@FUZZ
@given(data=st.data())
def test_every_round_import_with_a_bad_entry_is_refused_whole(
    world: World, data: st.DataObject
) -> None:
    """Upload -> preview -> commit of a round file with one employee the app must
    refuse: each step answers in Dutch, the preview and the commit change nothing
    (not even the clusters and competences the file names), cancel forgets it."""
    raw = data.draw(round_file_with_a_bad_entry(), label="file")
    label = data.draw(st.one_of(st.just("Dalfsen 2027"), nasty_text()), label="label")
    sent = sent_texts(raw, label)

    def step(method: str, url: str, **kwargs: Any) -> Answer:
        answer = send(world, "secretaris", method, url, **kwargs)
        assert answer.status < 500, f"{method} {url}: {answer.status}"
        assert answer.changed == [], f"{method} {url}: changed {answer.changed}"
        return answer

    form = {
        "label": label,
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "file": (io.BytesIO(json.dumps(raw).encode()), "ronde.json"),
    }
    upload = step("POST", "/beheer/import/ronde", data=form)
    if upload.status != 302:  # refused at once: the reason is on the page
        event("refused at upload")
        assert_refused(upload, sent, "upload")
        return
    event("previewed")
    assert upload.location == "/beheer/import/ronde/voorbeeld"
    preview = step("GET", "/beheer/import/ronde/voorbeeld")
    assert preview.status == 200
    assert "employees[1].fte" in preview.body
    committed = step("POST", "/beheer/import/ronde/vastleggen")
    assert_refused(committed, sent, "commit")
    assert [c for c, _m in committed.messages] == ["error"]
    cancelled = step("POST", "/beheer/import/ronde/annuleren")
    assert cancelled.status == 302


# --- URLs and query strings ---------------------------------------------------------


DOWNLOADS = (".pdf", ".zip", ".xlsx", ".csv", ".json")  # each download is audited


def routes(app: Flask, method: str) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if method in (rule.methods or set())
        and rule.endpoint != "static"
        and not rule.rule.endswith(DOWNLOADS)
    )


@FUZZ
@given(data=st.data())
def test_hostile_query_strings_never_break_a_page(
    world: World, data: st.DataObject
) -> None:
    rule = data.draw(st.sampled_from(routes(world.app, "GET")), label="route")
    who = data.draw(st.sampled_from(["secretaris", "medewerker"]), label="who")
    filled = re.sub(r"<int:(\w+)>", lambda _m: str(world.ids["proposed_round"]), rule)
    names = ["q", "cluster", "a", "b", "actie", "voorinstelling", "next", "inactief"]
    query = data.draw(
        st.dictionaries(st.sampled_from(names), nasty_text(), max_size=4),
        label="query",
    )
    answer = send(world, who, "GET", filled, query_string=query)
    assert answer.status < 500, f"{filled} {query}: {answer.status}"
    assert answer.changed == []


@FUZZ
@given(data=st.data())
def test_ids_in_urls_that_name_nothing_are_not_found(
    world: World, data: st.DataObject
) -> None:
    """Also ids beyond what a database integer holds (they used to be a 500)."""
    with_ids = [
        (method, rule)
        for method in ("GET", "POST")
        for rule in routes(world.app, method)
        # the API answers a session with 401: tests/web/api/test_api_access.py
        if "<int:" in rule and not rule.startswith("/api/")
    ]
    method, rule = data.draw(st.sampled_from(with_ids), label="route")
    number = data.draw(
        st.one_of(
            st.integers(min_value=BIG, max_value=2**31 - 1),
            st.integers(min_value=2**31, max_value=2**200),
        ),
        label="id",
    )
    url = re.sub(r"<int:\w+>", str(number), rule)
    who = "medewerker" if rule.startswith(("/mijn", "/export/mijn")) else "secretaris"
    answer = send(world, who, method, url, data={})
    assert answer.status == 404, f"{method} {url}: {answer.status}"
    assert answer.changed == []


# --- regressions found by the fuzzing above -------------------------------------------


def test_a_nul_byte_in_any_field_is_refused_before_it_reaches_the_database(
    world: World,
) -> None:
    """PostgreSQL cannot store NUL in text: it used to be a 500 there."""
    for url, data in [
        ("/beheer/clusters/nieuw", {"name": "Re\x00gie 2"}),
        ("/beheer/competenties/nieuw", {"name": "ok", "description": "a\x00"}),
        ("/inloggen?next=/\x00", {"username": "x", "password": "y"}),
    ]:
        answer = send(world, "secretaris", "POST", url, data=data)
        assert answer.status == 400, url
        assert answer.changed == []
        assert ("page", "Ongeldig verzoek: Het verzoek kon niet worden verwerkt.") in (
            answer.messages
        )


def test_unicode_digits_are_no_row_ids(world: World) -> None:
    """'²'.isdigit() is True but int('²') fails: it used to be a 500."""
    answer = send(
        world,
        "secretaris",
        "POST",
        f"/beheer/rollen/{world.ids['role']}",
        data={"version_id": "²", "code": "R01", "name": "x", "cluster_id": "²"},
    )
    assert answer.status == 409 and answer.changed == []
    answer = send(
        world,
        "secretaris",
        "POST",
        "/beheer/rollen/nieuw",
        data={"code": "R77", "name": "x", "cluster_id": "²", "fte": "0,5"},
    )
    assert answer.status == 422 and answer.changed == []
    assert ("form", "Kies een bestaand cluster") in answer.messages
    answer = send(
        world,
        "medewerker",
        "POST",
        "/mijn/voorkeuren",
        data={"role_id": ["²", "99999999999999999999"], "choice-²": "want"},
    )
    assert answer.changed == []
    assert ("error", "Het formulier is ongeldig.") in answer.messages
    page = send(world, "medewerker", "GET", "/mijn/samen-kiezen?cluster=9" + "9" * 30)
    assert page.status == 200


def test_the_forms_own_messages_are_dutch(world: World) -> None:
    """WTForms speaks English unless told otherwise ("Not a valid date value.")."""
    answer = send(
        world,
        "secretaris",
        "POST",
        "/planning/rondes/nieuw",
        data={"label": "2028-H1", "starts_on": "abc", "ends_on": "2028-13-01"},
    )
    assert ("form", "Ongeldige datum.") in answer.messages
    answer = send(
        world,
        "secretaris",
        "POST",
        f"/planning/rondes/{world.ids['proposed_round']}/vastzetten",
        data={
            "employee_id": "abc",
            "role_id": str(BIG),
            "kind": "x",
            "pin_kind": "pin",
        },
    )
    assert ("error", "Ongeldige keuze: kon niet omgezet worden.") in answer.messages
    assert ("error", "Ongeldige keuze.") in answer.messages
