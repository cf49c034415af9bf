"""Security: CSRF on every kind of form, the session cookie, a logout that really
ends the session, login throttling, security headers on every kind of response,
local-only redirects after login, escaping of hostile names, and a medewerker who
changes an id in a URL or a form never reads or changes a colleague's preferences
or werkplan.

The requests go to a second app (make_app): each request then gets an app context
of its own, as in a real server. On the session-wide app every client shares the
test's app context, and with it flask.g and the user logged in last, so a test of
who may see what could pass without the session cookie playing any part.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import generate_password_hash as hash_password

from ommen_rollen.domain import UserRole
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    Assignment,
    Cluster,
    PlanningRound,
    Preference,
    WorkPlan,
    people,
)
from tests.web.conftest import table_dump

pytestmark = pytest.mark.usefixtures("app")

PASSWORD = "geheim-wachtwoord"
EVIL = '<script>alert("ommen")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;ommen&#34;)&lt;/script&gt;"


@pytest.fixture
def org(
    monkeypatch: pytest.MonkeyPatch,
    make_user: Callable[..., Any],
    make_employee: Callable[..., Any],
    make_role: Callable[..., Any],
    make_cluster: Callable[..., Any],
) -> dict[str, int]:
    """Medewerker Anouk and colleague Bram with werkplannen in the published round
    2027-H1 and preferences (with remarks) in the open round 2027-H2."""
    monkeypatch.setattr(
        people,
        "generate_password_hash",
        partial(hash_password, method="pbkdf2:sha256:1"),
    )
    cluster = make_cluster("Regie")
    role = make_role("R01", name="Regie afval", cluster=cluster)
    role2 = make_role("R02", name="Sport", cluster=cluster)
    make_user("secretaris", UserRole.SECRETARY)
    anouk = make_employee("anouk", name="Anouk de Vries")
    bram = make_employee("bram", name="Bram Jansen")
    make_user("anouk", employee=anouk)
    make_user("bram", employee=bram)
    published = PlanningRound(
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
    db.session.add_all([published, open_])
    db.session.flush()
    plans = {
        who: WorkPlan(
            round_id=published.id,
            employee_id=employee.id,
            assignments=[Assignment(role_id=r.id, kind="holder", fte_units=2000)],
        )
        for who, employee, r in (("anouk", anouk, role), ("bram", bram, role2))
    }
    prefs = {
        who: Preference(
            round_id=open_.id,
            employee_id=employee.id,
            role_id=role.id,
            choice=choice,
            comment=comment,
        )
        for who, employee, choice, comment in (
            ("anouk", anouk, "want", "Anouk wil dit graag"),
            ("bram", bram, "avoid", "Bram wil dit liever niet"),
        )
    }
    db.session.add_all([*plans.values(), *prefs.values()])
    db.session.commit()
    return {
        "cluster": cluster.id,
        "role": role.id,
        "role2": role2.id,
        "anouk": anouk.id,
        "bram": bram.id,
        "published": published.id,
        "open": open_.id,
        "anouk_plan": plans["anouk"].id,
        "bram_plan": plans["bram"].id,
        "bram_assignment": plans["bram"].assignments[0].id,
        "anouk_pref": prefs["anouk"].id,
        "bram_pref": prefs["bram"].id,
    }


@pytest.fixture
def web(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client)
    data = {"username": username, "password": PASSWORD, "csrf_token": token}
    assert client.post("/inloggen", data=data).headers["Location"] == "/"
    return client


def csrf_token(client: FlaskClient, url: str = "/") -> str:
    """The CSRF token a page of this session carries ("" when CSRF is off)."""
    page = client.get(url, follow_redirects=True).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return found.group(1) if found else ""


def logged_in(client: FlaskClient) -> bool:
    return "/inloggen" not in client.get("/").headers.get("Location", "")


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app: Flask, cookie: str) -> FlaskClient:
    """A new browser that presents a copied session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


# --- CSRF -----------------------------------------------------------------------


def _csv() -> tuple[io.BytesIO, str]:
    return io.BytesIO(b"Naam;Omschrijving\nJuridisch;Wetgeving\n"), "c.csv"


REASON = {"reden": "x"}
APPROVE_ALL = {"alle": "1", **REASON}
# (who, URL, form, whether the post changes the database once it has a token)
CSRF_POSTS = [
    ("", "/inloggen", {"username": "anouk", "password": PASSWORD}, True),
    ("anouk", "/mijn/voorkeuren", {"role_id": "{role2}", "comment-{role2}": "x"}, True),
    ("anouk", "/mijn/werkplannen/{anouk_plan}/akkoord", {}, True),
    ("anouk", "/mijn/werkplannen/{anouk_plan}/opmerking", {"comment": "Nee"}, True),
    ("secretaris", "/beheer/clusters/nieuw", {"name": "Nieuw cluster"}, True),
    ("secretaris", "/beheer/medewerkers/{bram}/actief", {"active": ""}, True),
    ("secretaris", "/beheer/import/", {"kind": "competences", "file": _csv}, False),
    # without akkoord, approving takes a typed reason (and "alle" for the round)
    ("secretaris", "/planning/werkplannen/{bram_plan}/goedkeuren", REASON, True),
    ("secretaris", "/planning/rondes/{published}/goedkeuren", APPROVE_ALL, True),
    ("secretaris", "/planning/rondes/{open}/sluiten", {"bevestigd": "1"}, True),
    ("anouk", "/uitloggen", {}, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "url", "form", "changes"),
    CSRF_POSTS,
    ids=[f"{who or 'anoniem'} {url}" for who, url, _f, _c in CSRF_POSTS],
)
def test_a_post_without_a_valid_csrf_token_is_refused(
    make_app: Callable[..., Flask],
    org: dict[str, int],
    tmp_path: Any,
    who: str,
    url: str,
    form: dict[str, Any],
    changes: bool,
) -> None:
    app = make_app(WTF_CSRF_ENABLED=True, IMPORT_STAGING_DIR=str(tmp_path))
    client = signed_in(app, who) if who else app.test_client()
    other = signed_in(app, "bram")
    url = url.format(**org)

    def data(token: str | None) -> dict[str, Any]:
        filled = {
            k.format(**org): v() if callable(v) else v.format(**org)
            for k, v in form.items()
        }
        return filled if token is None else {**filled, "csrf_token": token}

    before = table_dump()
    for token in (None, "", "nep-token", csrf_token(other)):
        response = client.post(url, data=data(token))
        assert response.status_code == 400, token
        assert "Ongeldig verzoek" in response.get_data(as_text=True)
    assert table_dump() == before
    assert logged_in(client) == bool(who)
    # The same post with this session's own token goes through.
    response = client.post(url, data=data(csrf_token(client)))
    assert response.status_code in (200, 302)
    assert (table_dump() != before) == changes


# --- the session cookie -----------------------------------------------------------


def login_cookie(app: Flask, org: dict[str, int]) -> str:
    client = app.test_client()
    response = client.post(
        "/inloggen", data={"username": "anouk", "password": PASSWORD}
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert not [c for c in cookies if c.startswith("remember_token")]
    (session,) = [c for c in cookies if c.startswith("session=")]
    return session


def test_the_session_cookie_is_httponly_lax_and_secure_in_production(
    make_app: Callable[..., Flask], org: dict[str, int]
) -> None:
    cookie = login_cookie(make_app(TESTING=False, SECRET_KEY="s" * 32), org)
    flags = {part.strip().split("=")[0].lower(): part for part in cookie.split(";")}
    assert "httponly" in flags
    assert flags["samesite"].strip() == "SameSite=Lax"
    assert "secure" in flags


def test_the_session_cookie_is_not_secure_in_debug_on_plain_http(
    make_app: Callable[..., Flask], org: dict[str, int]
) -> None:
    cookie = login_cookie(make_app(TESTING=False, DEBUG=True), org)
    assert "Secure" not in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- logging out ------------------------------------------------------------------


def test_a_session_cookie_replayed_after_logout_is_refused(
    web: Flask, org: dict[str, int]
) -> None:
    client = signed_in(web, "anouk")
    cookie = session_cookie(client)
    assert replay(web, cookie).get("/mijn/voorkeuren").status_code == 200
    assert client.post("/uitloggen").headers["Location"] == "/inloggen"

    thief = replay(web, cookie)
    assert "/inloggen" in thief.get("/mijn/voorkeuren").headers["Location"]
    before = table_dump()
    response = thief.post(
        "/mijn/voorkeuren",
        data={"role_id": str(org["role2"]), f"choice-{org['role2']}": "learn"},
    )
    assert "/inloggen" in response.headers["Location"]
    assert table_dump() == before


def test_an_old_session_stays_dead_when_the_user_logs_in_again(
    web: Flask, org: dict[str, int]
) -> None:
    client = signed_in(web, "anouk")
    old = session_cookie(client)
    client.post("/uitloggen")
    again = signed_in(web, "anouk")
    assert again.get("/mijn/voorkeuren").status_code == 200
    assert replay(web, old).get("/mijn/voorkeuren").status_code == 302


def test_logging_out_takes_a_post(web: Flask, org: dict[str, int]) -> None:
    client = signed_in(web, "anouk")
    assert client.get("/uitloggen").status_code == 405
    assert logged_in(client)


def test_a_deactivated_medewerker_is_logged_out_at_once(
    web: Flask, org: dict[str, int]
) -> None:
    anouk = signed_in(web, "anouk")
    secretaris = signed_in(web, "secretaris")
    response = secretaris.post(f"/beheer/medewerkers/{org['anouk']}/actief", data={})
    assert response.status_code == 302
    assert "/inloggen" in anouk.get("/mijn/voorkeuren").headers["Location"]
    assert not logged_in(anouk)


# --- login throttling -------------------------------------------------------------


def test_the_eleventh_login_in_a_minute_is_refused_in_dutch(
    make_app: Callable[..., Flask], org: dict[str, int]
) -> None:
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.7.0.1"
    for _ in range(10):
        wrong = client.post("/inloggen", data={"username": "anouk", "password": "x"})
        assert "onjuist wachtwoord" in wrong.get_data(as_text=True)
    refused = client.post("/inloggen", data={"username": "anouk", "password": "x"})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Te veel pogingen" in page and "Wacht een minuut" in page
    # Throttled means throttled: the right password gets in no sooner.
    right = client.post("/inloggen", data={"username": "anouk", "password": PASSWORD})
    assert right.status_code == 429 and not logged_in(client)
    assert client.get("/inloggen").status_code == 200
    # Someone at another address can still log in.
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.7.0.2"
    response = elsewhere.post(
        "/inloggen", data={"username": "anouk", "password": PASSWORD}
    )
    assert response.status_code == 302


# --- security headers ---------------------------------------------------------------


def csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_secure_headers(response: Any, what: str) -> None:
    headers = response.headers
    policy = csp(headers.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts == ["'self'"], f"{what}: script-src {scripts}"
    assert policy["default-src"] == ["'self'"], what
    assert policy["object-src"] == ["'none'"], what
    assert policy["frame-ancestors"] == ["'none'"], what
    assert policy["base-uri"] in (["'self'"], ["'none'"]), what
    assert policy["form-action"] == ["'self'"], what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("Referrer-Policy") in (
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    ), what


def test_every_kind_of_response_carries_the_security_headers(
    make_app: Callable[..., Flask], web: Flask, org: dict[str, int]
) -> None:
    anonymous = web.test_client()
    anouk = signed_in(web, "anouk")
    stylesheet = next(
        r.rule for r in web.url_map.iter_rules() if r.endpoint == "static"
    ).replace("<path:filename>", "css/app.css")
    responses = {
        "page": anonymous.get("/inloggen"),
        "redirect": anonymous.get("/"),
        "forbidden": anouk.get("/beheer/"),
        "not found": anouk.get("/bestaat-niet"),
        "wrong method": anouk.get("/uitloggen"),
        "download": anouk.get(f"/export/mijn-werkplannen/{org['anouk_plan']}.pdf"),
        "htmx fragment": anouk.post(
            "/mijn/voorkeuren",
            data={"role_id": str(org["role"]), f"choice-{org['role']}": "learn"},
            headers={"HX-Request": "true"},
        ),
        "static file": anonymous.get(stylesheet),
        "csrf refused": make_app(WTF_CSRF_ENABLED=True)
        .test_client()
        .post("/inloggen", data={}),
    }
    throttled = make_app(RATELIMIT_ENABLED=True).test_client()
    throttled.environ_base["REMOTE_ADDR"] = "10.7.1.1"
    for _ in range(11):
        responses["throttled"] = throttled.post("/inloggen", data={})
    expected = {
        "page": 200,
        "redirect": 302,
        "forbidden": 403,
        "not found": 404,
        "wrong method": 405,
        "download": 200,
        "htmx fragment": 200,
        "static file": 200,
        "csrf refused": 400,
        "throttled": 429,
    }
    assert {k: r.status_code for k, r in responses.items()} == expected
    for what, response in responses.items():
        assert_secure_headers(response, what)
        response.close()
    assert responses["download"].headers["Cache-Control"] == "no-store"


def test_no_page_needs_inline_script(
    make_app: Callable[..., Flask], org: dict[str, int]
) -> None:
    """The CSP forbids inline script, so no page may depend on it (an inline
    event handler or script block would silently not run)."""
    web = make_app(WTF_CSRF_ENABLED=True)
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=", re.I)
    pages = {
        "anouk": ["/", "/mijn/voorkeuren", "/mijn/samen-kiezen",
                  f"/mijn/werkplannen/{org['anouk_plan']}", "/export/mijn-werkplannen"],
        "secretaris": ["/beheer/", "/beheer/medewerkers", "/beheer/rollen/nieuw",
                       "/beheer/import/", "/planning/",
                       f"/planning/rondes/{org['published']}",
                       f"/planning/rondes/{org['published']}/werkplannen",
                       f"/planning/rondes/{org['published']}/aanpassen",
                       "/planning/logboek", "/export/"],
    }  # fmt: skip
    for who, urls in pages.items():
        client = signed_in(web, who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            found = inline.findall(response.get_data(as_text=True))
            assert found == [], f"{url}: {found}"


# --- redirects after login ------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://example.org/",
        "//example.org/",
        "///example.org/",
        "/\\example.org/",
        "\\\\example.org/",
        "/\t/example.org/",
        "http:example.org",
        "javascript:alert(1)",
        " //example.org",
        "/%2F%2Fexample.org/",
    ],
)
def test_login_never_redirects_to_another_site(
    web: Flask, org: dict[str, int], target: str
) -> None:
    response = web.test_client().post(
        "/inloggen",
        query_string={"next": target},
        data={"username": "anouk", "password": PASSWORD},
    )
    location = response.headers["Location"]
    # What a browser makes of it: backslashes and tabs count as slashes or vanish.
    browser = location.replace("\\", "/").replace("\t", "")
    assert browser.startswith("/") and not browser.startswith("//"), location
    assert urlsplit(browser).netloc == ""


def test_login_follows_a_local_next_page(web: Flask, org: dict[str, int]) -> None:
    response = web.test_client().post(
        "/inloggen",
        query_string={"next": "/mijn/samen-kiezen?q=regie"},
        data={"username": "anouk", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/mijn/samen-kiezen?q=regie"


# --- hostile names are shown, never run ----------------------------------------------


def test_hostile_names_and_remarks_are_escaped_on_every_page(
    web: Flask, org: dict[str, int]
) -> None:
    from ommen_rollen.models import Employee, Role

    db.session.get(Cluster, org["cluster"]).name = EVIL
    db.session.get(Role, org["role"]).name = EVIL
    db.session.get(Employee, org["bram"]).name = EVIL
    db.session.get(Preference, org["anouk_pref"]).comment = EVIL
    db.session.get(PlanningRound, org["open"]).show_names = True
    db.session.commit()
    anouk, secretaris = signed_in(web, "anouk"), signed_in(web, "secretaris")
    pages = [
        (anouk, "/mijn/voorkeuren"),
        (anouk, "/mijn/samen-kiezen"),
        (secretaris, "/beheer/clusters"),
        (secretaris, "/beheer/rollen"),
        (secretaris, "/beheer/medewerkers"),
        (secretaris, f"/planning/rondes/{org['published']}/werkplannen"),
    ]
    for client, url in pages:
        page = client.get(url).get_data(as_text=True)
        assert EVIL not in page, url
        assert ESCAPED in page, url
    # A Dutch message that repeats the name escapes it too.
    response = secretaris.post(
        "/beheer/clusters/nieuw", data={"name": EVIL}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Er is al een cluster" in page
    assert EVIL not in page and ESCAPED in page


# --- a medewerker and a colleague's data ------------------------------------------


def plan_state(plan_id: int) -> tuple[Any, ...]:
    db.session.expire_all()
    plan = db.session.get(WorkPlan, plan_id)
    assert plan is not None
    return (plan.status, plan.employee_comment, plan.agreed_at, plan.current)


def test_a_medewerker_cannot_open_or_answer_a_colleagues_werkplan(
    web: Flask, org: dict[str, int]
) -> None:
    anouk = signed_in(web, "anouk")
    bram_plan = org["bram_plan"]
    bram_before = plan_state(bram_plan)
    before = table_dump()
    page = anouk.get(f"/mijn/werkplannen/{bram_plan}")
    assert page.status_code == 404 and "Bram" not in page.get_data(as_text=True)
    akkoord = anouk.post(
        f"/mijn/werkplannen/{bram_plan}/akkoord",
        data={"assignment_id": str(org["bram_assignment"])},
    )
    assert akkoord.status_code == 404
    response = anouk.post(
        f"/mijn/werkplannen/{bram_plan}/opmerking", data={"comment": "Overgenomen"}
    )
    assert response.status_code == 404
    assert table_dump() == before
    # Her own plan, with a colleague's ids slipped into the form: only hers changes.
    response = anouk.post(
        f"/mijn/werkplannen/{org['anouk_plan']}/opmerking",
        data={
            "comment": "Graag minder uren",
            "plan_id": str(bram_plan),
            "employee_id": str(org["bram"]),
            "assignment_id": str(org["bram_assignment"]),
        },
    )
    assert response.status_code == 302
    assert plan_state(org["anouk_plan"])[1] == "Graag minder uren"
    assert plan_state(bram_plan) == bram_before


def test_a_medewerker_cannot_download_a_colleagues_werkplan_in_any_form(
    web: Flask, org: dict[str, int]
) -> None:
    anouk = signed_in(web, "anouk")
    plan, round_ = org["bram_plan"], org["published"]
    assert anouk.get(f"/export/mijn-werkplannen/{plan}.pdf").status_code == 404
    for url in [
        f"/export/werkplannen/{plan}.pdf",
        f"/export/rondes/{round_}",
        f"/export/rondes/{round_}/werkplannen.zip",
        f"/export/rondes/{round_}/overzicht.xlsx",
        f"/export/rondes/{round_}/toewijzingen.csv",
        f"/planning/rondes/{round_}/werkplannen",
    ]:
        assert anouk.get(url).status_code == 403, url
    own = anouk.get(f"/export/mijn-werkplannen/{org['anouk_plan']}.pdf")
    assert own.status_code == 200 and own.data.startswith(b"%PDF")
    listing = anouk.get(
        "/export/mijn-werkplannen", query_string={"employee_id": org["bram"]}
    ).get_data(as_text=True)
    assert f"/{org['anouk_plan']}.pdf" in listing
    assert f"/{plan}.pdf" not in listing


def test_the_preferences_form_ignores_a_colleagues_ids(
    web: Flask, org: dict[str, int]
) -> None:
    anouk = signed_in(web, "anouk")
    role = org["role"]
    for headers in ({}, {"HX-Request": "true"}):
        response = anouk.post(
            "/mijn/voorkeuren",
            headers=headers,
            data={
                "role_id": str(role),
                f"choice-{role}": "learn",
                f"comment-{role}": "Van Anouk",
                "employee_id": str(org["bram"]),
                "employee": str(org["bram"]),
                "round_id": str(org["published"]),
                "preference_id": str(org["bram_pref"]),
                f"preference-{org['bram_pref']}": "want",
            },
        )
        assert response.status_code in (200, 302)
    db.session.expire_all()
    rows = db.session.execute(
        select(
            Preference.employee_id,
            Preference.round_id,
            Preference.choice,
            Preference.comment,
        ).order_by(Preference.id)
    ).all()
    assert [tuple(r) for r in rows] == [
        (org["anouk"], org["open"], "learn", "Van Anouk"),
        (org["bram"], org["open"], "avoid", "Bram wil dit liever niet"),
    ]


def test_the_preferences_page_shows_only_her_own_remarks_whatever_the_url_says(
    web: Flask, org: dict[str, int]
) -> None:
    anouk = signed_in(web, "anouk")
    page = anouk.get(
        "/mijn/voorkeuren",
        query_string={
            "employee_id": org["bram"],
            "employee": org["bram"],
            "round_id": org["published"],
            "preference_id": org["bram_pref"],
        },
    ).get_data(as_text=True)
    assert "Anouk wil dit graag" in page
    assert "Bram wil dit liever niet" not in page
    werkplan = anouk.get(
        f"/mijn/werkplannen/{org['anouk_plan']}",
        query_string={"employee_id": org["bram"], "plan_id": org["bram_plan"]},
    ).get_data(as_text=True)
    assert "Regie afval" in werkplan and "Sport" not in werkplan


def test_a_medewerker_sees_no_werkplan_before_it_is_published(
    web: Flask, org: dict[str, int]
) -> None:
    """While the secretaris still works on the proposal it is not hers to see: not
    on Mijn werkplan, not in the list of downloads, not as a PDF."""
    db.session.get(PlanningRound, org["published"]).status = "closed"
    db.session.commit()
    anouk = signed_in(web, "anouk")
    plan = org["anouk_plan"]
    before = table_dump()
    assert anouk.get(f"/mijn/werkplannen/{plan}").status_code == 404
    assert anouk.get(f"/export/mijn-werkplannen/{plan}.pdf").status_code == 404
    listing = anouk.get("/export/mijn-werkplannen").get_data(as_text=True)
    assert f"/{plan}.pdf" not in listing
    assert table_dump() == before  # no download was recorded either
    # Published: now it is hers.
    db.session.get(PlanningRound, org["published"]).status = "proposed"
    db.session.commit()
    assert anouk.get(f"/export/mijn-werkplannen/{plan}.pdf").status_code == 200
    listing = anouk.get("/export/mijn-werkplannen").get_data(as_text=True)
    assert f"/{plan}.pdf" in listing
