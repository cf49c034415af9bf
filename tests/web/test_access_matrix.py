"""Walk every route as anonymous, medewerker, spil and secretaris and hold each view
to the access level it declares (views/access.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from ommen_rollen.domain import UserRole
from ommen_rollen.views.access import LEVELS, allowed

# URL parameters are filled with the id of an object the fixture creates.
SKIP_ENDPOINTS = {"static"}


# The API answers in JSON (401 instead of a redirect to the login page) and names
# objects by their keys; tests/api/test_api_access.py walks it.
API_PREFIX = "/api/"


def all_routes(app: Flask, *, api: bool = True) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route of the app (without the API's
    when ``api`` is False)."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        if not api and rule.rule.startswith(API_PREFIX):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule.rule))
    return routes


def test_every_view_declares_its_access_level(app: Flask) -> None:
    undeclared = [
        endpoint
        for endpoint, _method, _rule in all_routes(app)
        if getattr(app.view_functions[endpoint], "access_level", None) not in LEVELS
    ]
    assert undeclared == [], "views without @access(...): " + ", ".join(undeclared)


@pytest.fixture
def world(
    make_user: Callable[..., Any],
    make_employee: Callable[..., Any],
    make_role: Callable[..., Any],
    make_competence: Callable[..., Any],
    make_cluster: Callable[..., Any],
    make_round_with_proposal: Callable[..., Any],
) -> dict[str, Any]:
    """One object of every kind a URL can name, plus an account of every kind."""
    from ommen_rollen.domain import TaskMode
    from ommen_rollen.extensions import db
    from ommen_rollen.models import Partner, TaskField

    cluster = make_cluster("Regie en Coördinatie")
    competence = make_competence("regievoering")
    role = make_role("r01", cluster=cluster, requires={competence: 1})
    employee = make_employee("mw-ander")
    partner = Partner(name="Omgevingsdienst")
    task_field = TaskField(
        name="Vergunningen", mode=TaskMode.OUTSOURCED, partner=partner
    )
    db.session.add_all([partner, task_field])
    db.session.commit()
    users = {
        "medewerker": make_user("medewerker", UserRole.EMPLOYEE),
        "spil": make_user("spil", UserRole.COORDINATOR, cluster_id=cluster.id),
        "secretaris": make_user("secretaris", UserRole.SECRETARY),
    }
    ids = {
        "cluster_id": cluster.id,
        "competence_id": competence.id,
        "role_id": role.id,
        "employee_id": employee.id,
        "partner_id": partner.id,
        "task_field_id": task_field.id,
    }
    # Planning: a published round (round_id) with a proposal, a finished job, a
    # pin and the medewerker's own werkplan (plan_id), so that every view of the
    # planning, medewerker and export blueprints opens on a real object.
    from datetime import timedelta

    from ommen_rollen.models import (
        Assignment,
        Pin,
        WorkPlan,
    )

    planning_round, proposal, job = make_round_with_proposal(
        "matrix-planning", "proposed"
    )
    pin = Pin(
        round_id=planning_round.id,
        employee_id=employee.id,
        role_id=role.id,
        pin_kind="forbid",
        kind="holder",
    )
    plan = WorkPlan(
        round_id=planning_round.id,
        employee_id=users["medewerker"].employee_id,
        proposal_id=proposal.id,
        assignments=[Assignment(role_id=role.id, kind="holder", fte_units=2000)],
    )
    from datetime import date

    from ommen_rollen.models import Scenario

    # a swap another medewerker proposed to the medewerker (their own to see)
    scenario = Scenario(
        round_id=planning_round.id,
        name="matrix",
        valid_from=date(2027, 3, 1),
        changes=[],
        status="proposed",
        proposer_id=employee.id,
        colleague_id=users["medewerker"].employee_id,
    )
    db.session.add_all([job, pin, plan, scenario])
    db.session.commit()
    from ommen_rollen.services.api_tokens import create_token, today

    token, _secret = create_token(
        "matrix", ["read"], today() + timedelta(days=30), users["secretaris"]
    )
    ids.update(
        token_id=token.id,
        round_id=planning_round.id,
        proposal_id=proposal.id,
        job_id=job.id,
        pin_id=pin.id,
        plan_id=plan.id,
        scenario_id=scenario.id,
    )
    return {"users": users, "ids": ids}


# Which model each URL parameter names: the walk must use a row that exists.
PARAM_MODELS = {
    "cluster_id": "Cluster",
    "competence_id": "Competence",
    "role_id": "Role",
    "employee_id": "Employee",
    "partner_id": "Partner",
    "task_field_id": "TaskField",
    "round_id": "PlanningRound",
    "proposal_id": "Proposal",
    "job_id": "Job",
    "pin_id": "Pin",
    "plan_id": "WorkPlan",
    "token_id": "ApiToken",
    "scenario_id": "Scenario",
}

# An allowed GET answers 200, except these, which redirect on purpose:
# (endpoint, who) -> where to. "{plan_id}" is filled from the world.
EXPECTED_REDIRECTS = {
    ("imports.columns", "secretaris"): "/beheer/import/",  # no file uploaded yet
    ("imports.preview", "secretaris"): "/beheer/import/",
    ("imports.round_preview", "secretaris"): "/beheer/import/ronde",
    ("medewerker.werkplan", "medewerker"): "/mijn/werkplannen/{plan_id}",
    # the world's proposal has an empty plan: back to the round's downloads
    ("export.proposal_instance", "secretaris"): "/export/rondes/{round_id}",
    ("export.proposal_plan", "secretaris"): "/export/rondes/{round_id}",
}


def url_params(rule: str) -> list[str]:
    return [match.split(":")[-1] for match in re.findall(r"<([^>]+)>", rule)]


def fill(rule: str, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        if name not in ids:
            pytest.fail(f"access-matrix test: no object for URL parameter <{name}>")
        return str(ids[name])

    return re.sub(r"<([^>]+)>", value, rule)


def request(client: Any, method: str, url: str) -> Any:
    return client.open(url, method=method, data={})


def test_the_walk_names_an_existing_row_for_every_url_parameter(
    app: Flask, world: dict[str, Any]
) -> None:
    from ommen_rollen import models
    from ommen_rollen.extensions import db

    params = {
        name for _e, _m, rule in all_routes(app, api=False) for name in url_params(rule)
    }
    unmapped = params - set(PARAM_MODELS)
    assert unmapped == set(), f"add these URL parameters to PARAM_MODELS: {unmapped}"
    for name in sorted(params):
        model = getattr(models, PARAM_MODELS[name])
        assert db.session.get(model, world["ids"][name]) is not None, name


def walk_order(app: Flask) -> list[tuple[str, str, str]]:
    """Every route, reads first: the POSTs (which delete and deactivate) come last,
    so each GET sees the world intact."""
    routes = all_routes(app, api=False)
    return [r for r in routes if r[1] == "GET"] + [r for r in routes if r[1] != "GET"]


@pytest.mark.parametrize("who", ["anonymous", "medewerker", "spil", "secretaris"])
def test_every_route_allows_and_refuses_as_declared(
    app: Flask, world: dict[str, Any], auth: Any, client: Any, who: str
) -> None:
    user = None
    if who != "anonymous":
        user = world["users"][who]
        assert auth.login(user.username).status_code == 302
    failures = []
    walked = set()
    for endpoint, method, rule in walk_order(app):
        if endpoint == "auth.logout":
            continue  # would end the session of this walk; tested in test_auth
        walked.add((endpoint, method))
        level = app.view_functions[endpoint].access_level
        url = fill(rule, world["ids"])
        response = request(client, method, url)
        status, location = response.status_code, response.headers.get("Location", "")
        if level == "public":
            ok = status < 500
        elif user is None:
            ok = status == 302 and "/inloggen" in location
        elif not allowed(user, level):
            ok = status == 403
        elif method == "GET":
            target = EXPECTED_REDIRECTS.get((endpoint, who))
            if target is None:
                ok = status == 200
            else:
                ok = status == 302 and location == target.format(**world["ids"])
        else:
            # A POST on a real object with an empty form: done, or refused with a
            # message, but never "no access" and never "no such object".
            ok = status < 500 and status not in (401, 403, 404)
            ok = ok and "/inloggen" not in location
        if not ok:
            failures.append(f"{method} {url} ({level}) -> {status} {location}")
    assert failures == []
    every = {
        (endpoint, method) for endpoint, method, _rule in all_routes(app, api=False)
    }
    assert walked == every - {("auth.logout", "POST")}


# Accounts, e-mail links, two-factor and single sign-on (issue 14): each route
# with the level it must declare; the walk above holds them to it.
ACCOUNT_ROUTES = {
    ("auth.account", "GET"): "login",
    ("auth.account", "POST"): "login",
    ("auth.set_password", "GET"): "public",
    ("auth.set_password", "POST"): "public",
    ("auth.forgot_password", "GET"): "public",
    ("auth.forgot_password", "POST"): "public",
    ("auth.second_factor", "GET"): "public",
    ("auth.second_factor", "POST"): "public",
    ("auth.two_factor_setup", "GET"): "secretary",
    ("auth.two_factor_setup", "POST"): "secretary",
    ("auth.sso_login", "GET"): "public",
    ("auth.sso_callback", "GET"): "public",
    ("beheer.employee_first_password", "POST"): "secretary",
    ("beheer.employee_invite", "POST"): "secretary",
}


# Scenarios and swaps (issue 17): the secretaris makes, re-plans and publishes
# scenarios and publishes swaps; a medewerker proposes, accepts or declines
# swaps on their own pages (another's swap is 404 for them: test_swap_pages).
SCENARIO_ROUTES = {
    ("scenarios.round_scenarios", "GET"): "secretary",
    ("scenarios.scenario", "GET"): "secretary",
    ("scenarios.solve", "POST"): "secretary",
    ("scenarios.progress", "GET"): "secretary",
    ("scenarios.publish", "GET"): "secretary",
    ("scenarios.publish", "POST"): "secretary",
    ("swaps.index", "GET"): "employee",
    ("swaps.index", "POST"): "employee",
    ("swaps.swap", "GET"): "employee",
    ("swaps.accept", "POST"): "employee",
    ("swaps.decline", "POST"): "employee",
}


@pytest.mark.parametrize("declared", [ACCOUNT_ROUTES, SCENARIO_ROUTES])
def test_these_routes_declare_their_levels(
    app: Flask, declared: dict[tuple[str, str], str]
) -> None:
    routes = {(endpoint, method) for endpoint, method, _rule in all_routes(app)}
    assert set(declared) <= routes
    for (endpoint, _method), level in declared.items():
        assert app.view_functions[endpoint].access_level == level, endpoint
