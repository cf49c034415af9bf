"""The API's access matrix: every operation as anonymous, as each kind of
logged-in user and with a key of each scope, held to what it declares
(ommen_rollen.api.auth: "token" with a scope, "employee" for one's own session,
"public" for the description)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from ommen_rollen.domain import UserRole
from ommen_rollen.extensions import db
from tests.web.api.conftest import ALL_SCOPES

API = "/api/"
LEVELS = {"public", "token", "employee"}


def api_routes(app: Flask) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule.rule))
    return routes


def test_every_api_operation_declares_its_access_and_scope(app: Flask) -> None:
    routes = api_routes(app)
    assert len(routes) > 20
    for endpoint, _method, _rule in routes:
        view = app.view_functions[endpoint]
        assert view.access_level in LEVELS, endpoint
        if view.access_level == "token":
            assert view.api_scope in ALL_SCOPES, endpoint


@pytest.fixture
def world(
    make_user: Callable[..., Any],
    make_employee: Callable[..., Any],
    make_role: Callable[..., Any],
    make_competence: Callable[..., Any],
    make_cluster: Callable[..., Any],
    make_round_with_proposal: Callable[..., Any],
    owner: Any,
) -> dict[str, Any]:

    cluster = make_cluster("Regie")
    competence = make_competence("regievoering")
    make_role("r01", cluster=cluster, requires={competence: 1})
    make_employee("mw-ander")
    # approved: optimising is refused (409), so the walk starts no solver
    round_, proposal, job = make_round_with_proposal("matrix", "approved")
    db.session.commit()
    users = {
        "medewerker": make_user("medewerker", UserRole.EMPLOYEE),
        "spil": make_user("spil", UserRole.COORDINATOR, cluster_id=cluster.id),
        "secretaris": owner,
    }
    values = {
        "username": "mw-ander",
        "code": "r01",
        "name": "regievoering",
        "round_id": str(round_.id),
        "number": "1",
        "job_id": str(job.id),
    }
    return {"users": users, "values": values}


def fill(rule: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        if name not in values:
            pytest.fail(f"API access test: no value for URL parameter <{name}>")
        return values[name]

    return re.sub(r"<([^>]+)>", value, rule)


def walk(
    app: Flask, client: Any, values: dict[str, str], headers: dict[str, str]
) -> list[tuple[Any, str, Any]]:
    """(view, method url, response) for every API operation; writes send {}."""
    done = []
    for endpoint, method, rule in api_routes(app):
        url = fill(rule, values)
        body = {} if method in ("POST", "PUT") else None
        response = client.open(url, method=method, json=body, headers=headers)
        done.append((app.view_functions[endpoint], f"{method} {url}", response))
    return done


def allowed_answer(method: str, response: Any) -> bool:
    """Allowed: a read answers 200; a write with an empty body is refused with a
    message (422, 409, 428), never 'no access' or 'no such object'."""
    if method.startswith("GET"):
        return response.status_code == 200
    return response.status_code < 500 and response.status_code not in (401, 403, 404)


@pytest.mark.parametrize("who", ["anonymous", "medewerker", "spil", "secretaris"])
def test_sessions_reach_only_their_own_preferences(
    app: Flask, world: dict[str, Any], auth: Any, client: Any, who: str
) -> None:
    if who != "anonymous":
        assert auth.login(world["users"][who].username).status_code == 302
    failures = []
    for view, what, response in walk(app, client, world["values"], {}):
        level, status = view.access_level, response.status_code
        assert response.is_json or level == "public", what
        if level == "public":
            ok = status == 200
        elif level == "token" or who == "anonymous":
            ok = status == 401
        elif who == "medewerker":
            ok = allowed_answer(what, response)
        else:
            ok = status == 403
        if not ok:
            failures.append(f"{what} ({level}) as {who} -> {status}")
    assert failures == []


@pytest.mark.parametrize("scope", ALL_SCOPES)
def test_a_key_reaches_exactly_the_operations_of_its_scope(
    app: Flask,
    world: dict[str, Any],
    client: Any,
    make_token: Callable[..., dict[str, str]],
    scope: str,
) -> None:
    headers = make_token(scope)
    failures = []
    for view, what, response in walk(app, client, world["values"], headers):
        level, status = view.access_level, response.status_code
        if level == "public":
            ok = status == 200
        elif level == "employee":
            ok = status == 401  # a key is nobody's own session
        elif view.api_scope == scope:
            ok = allowed_answer(what, response)
        else:
            ok = status == 403
        if not ok:
            failures.append(
                f"{what} ({level} {getattr(view, 'api_scope', '')}) -> {status}"
            )
    assert failures == []


@pytest.mark.parametrize("number", [10_000_000, 2**31 - 1, 2**31, 2**80])
def test_ids_in_api_paths_that_name_nothing_are_not_found(
    app: Flask,
    world: dict[str, Any],
    client: Any,
    make_token: Callable[..., dict[str, str]],
    number: int,
) -> None:
    """Also ids beyond what a database integer holds: 404 in JSON, never a 500."""
    headers = make_token(*ALL_SCOPES)
    failures = []
    for endpoint, method, rule in api_routes(app):
        if "<int:" not in rule or app.view_functions[endpoint].access_level != "token":
            continue
        url = fill(
            rule, {**world["values"], "round_id": str(number), "job_id": str(number)}
        )
        url = url.replace("/proposals/1", f"/proposals/{number}")
        body = {} if method in ("POST", "PUT") else None
        response = client.open(url, method=method, json=body, headers=headers)
        if response.status_code != 404 or not response.is_json:
            failures.append(f"{method} {url} -> {response.status_code}")
    assert failures == []
