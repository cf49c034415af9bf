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


def all_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route of the app."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS:
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
    # Planning: a closed round (round_id) with a proposal, a finished job and a pin.
    from datetime import date as _date

    from ommen_rollen.models import Job, Pin, PlanningRound, Proposal

    planning_round = PlanningRound(
        label="matrix-planning",
        starts_on=_date(2027, 1, 1),
        ends_on=_date(2027, 6, 30),
        status="closed",
    )
    db.session.add(planning_round)
    db.session.flush()
    proposal = Proposal(
        round_id=planning_round.id, number=1, status="ready", instance={}, plan={}
    )
    db.session.add(proposal)
    db.session.flush()
    job = Job(round_id=planning_round.id, proposal_id=proposal.id, status="finished")
    pin = Pin(
        round_id=planning_round.id,
        employee_id=employee.id,
        role_id=role.id,
        pin_kind="forbid",
        kind="holder",
    )
    db.session.add_all([job, pin])
    db.session.commit()
    ids.update(
        round_id=planning_round.id,
        proposal_id=proposal.id,
        job_id=job.id,
        pin_id=pin.id,
    )
    # Exports: a round (round_id) with the medewerker's werkplan (plan_id), unless
    # another block above already supplied them.
    if "round_id" not in ids or "plan_id" not in ids:
        from datetime import date

        from ommen_rollen.models import Assignment, PlanningRound, WorkPlan

        export_round = PlanningRound(
            label="matrix-export", starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30)
        )
        db.session.add(export_round)
        db.session.flush()
        export_plan = WorkPlan(
            round_id=ids.get("round_id", export_round.id),
            employee_id=users["medewerker"].employee_id,
            assignments=[Assignment(role_id=role.id, kind="holder", fte_units=2000)],
        )
        db.session.add(export_plan)
        db.session.commit()
        ids.setdefault("round_id", export_round.id)
        ids.setdefault("plan_id", export_plan.id)
    return {"users": users, "ids": ids}


def fill(rule: str, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        if name not in ids:
            pytest.fail(f"access-matrix test: no object for URL parameter <{name}>")
        return str(ids[name])

    return re.sub(r"<([^>]+)>", value, rule)


def request(client: Any, method: str, url: str) -> Any:
    return client.open(url, method=method, data={})


@pytest.mark.parametrize("who", ["anonymous", "medewerker", "spil", "secretaris"])
def test_every_route_allows_and_refuses_as_declared(
    app: Flask, world: dict[str, Any], auth: Any, client: Any, who: str
) -> None:
    user = None
    if who != "anonymous":
        user = world["users"][who]
        assert auth.login(user.username).status_code == 302
    failures = []
    for endpoint, method, rule in all_routes(app):
        if endpoint == "auth.logout":
            continue  # would end the session of this walk; tested in test_auth
        level = app.view_functions[endpoint].access_level
        url = fill(rule, world["ids"])
        response = request(client, method, url)
        location = response.headers.get("Location", "")
        if level == "public":
            ok = response.status_code < 500
        elif user is None:
            ok = response.status_code == 302 and "/inloggen" in location
        elif allowed(user, level):
            ok = response.status_code < 500 and response.status_code not in (401, 403)
            ok = ok and "/inloggen" not in location
        else:
            ok = response.status_code == 403
        if not ok:
            failures.append(
                f"{method} {url} ({level}) -> {response.status_code} {location}"
            )
    assert failures == []
