"""The issue's "done when", on the demo organisation of Ommen: a medewerker gives
preferences; the secretaris closes the round, optimises (progress visible), reviews,
pins one assignment and re-optimises, approves; the medewerker sees the approved
werkplan."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from ommen_rollen.domain import RoundStatus
from ommen_rollen.extensions import db
from ommen_rollen.models import Employee, PlanningRound, Proposal, Role, WorkPlan
from ommen_rollen.services.demo import load_demo
from ommen_rollen.services.demo_data import DEMO_PASSWORD
from ommen_rollen.solver import check_plan
from tests.web.conftest import run_optimiser


@pytest.mark.slow
def test_the_demo_round_from_preferences_to_the_approved_werkplan(
    app: Any, auth: Any, client: Any
) -> None:
    load_demo()
    round_ = db.session.scalar(
        select(PlanningRound).where(PlanningRound.status == RoundStatus.OPEN)
    )
    assert round_ is not None
    employee = db.session.scalars(select(Employee).order_by(Employee.id)).first()
    assert employee is not None
    roles = db.session.scalars(select(Role).order_by(Role.code)).all()

    auth.login(employee.username, DEMO_PASSWORD)
    page = client.get("/mijn/voorkeuren").get_data(as_text=True)
    assert roles[0].name in page
    data: dict[str, Any] = {"role_id": [str(roles[0].id)]}
    data[f"choice-{roles[0].id}"] = "learn"
    data[f"comment-{roles[0].id}"] = "Hier wil ik in groeien"
    assert client.post("/mijn/voorkeuren", data=data).status_code == 302
    auth.logout()

    auth.login("secretaris", DEMO_PASSWORD)
    client.post(f"/planning/rondes/{round_.id}/sluiten", data={"bevestigd": "1"})
    job = run_optimiser(client, f"/planning/rondes/{round_.id}/optimaliseren")
    progress = client.get(f"/planning/taken/{job.id}").get_data(as_text=True)
    assert "Dekking" in progress and "Doelwaarde" not in progress
    first = db.session.get(Proposal, job.proposal_id)
    assert first is not None and first.plan is not None and first.instance is not None
    assert check_plan(first.instance, first.plan) == []
    review = client.get(f"/planning/voorstellen/{first.id}").get_data(as_text=True)
    assert "Dekking: rollen × medewerkers" in review

    # Pin a holder of proposal 1; the re-optimised plan must keep it.
    holder = next(a for a in first.plan["assignments"] if a["kind"] == "holder")
    pinned_employee = int(holder["employee"][1:])
    pinned_role = db.session.scalar(select(Role).where(Role.code == holder["role"]))
    assert pinned_role is not None
    client.post(
        f"/planning/rondes/{round_.id}/vastzetten",
        data={
            "pin_kind": "pin",
            "employee_id": str(pinned_employee),
            "role_id": str(pinned_role.id),
            "kind": "holder",
            "fte": "",
        },
    )
    job = run_optimiser(client, f"/planning/voorstellen/{first.id}/heroptimaliseren")
    second = db.session.get(Proposal, job.proposal_id)
    assert second is not None and second.plan is not None
    assert second.instance is not None and second.instance["pins"]
    assert check_plan(second.instance, second.plan) == []
    assert any(
        a["employee"] == holder["employee"]
        and a["role"] == holder["role"]
        and a["kind"] == "holder"
        for a in second.plan["assignments"]
    )
    client.post(f"/planning/rondes/{round_.id}/voorleggen")
    client.post(
        f"/planning/rondes/{round_.id}/goedkeuren",
        data={"alle": "1", "reden": "Demo: iedereen besproken."},
    )
    db.session.expire_all()
    assert db.session.get(PlanningRound, round_.id).status == RoundStatus.APPROVED
    auth.logout()

    auth.login(employee.username, DEMO_PASSWORD)
    home = client.get("/").get_data(as_text=True)
    assert f"Goedgekeurd werkplan {round_.label}" in home
    plan = db.session.scalar(
        select(WorkPlan).where(
            WorkPlan.round_id == round_.id,
            WorkPlan.employee_id == employee.id,
            WorkPlan.current.is_(True),
        )
    )
    assert plan is not None and plan.status.value == "approved"
    page = client.get(f"/mijn/werkplannen/{plan.id}").get_data(as_text=True)
    assert "goedgekeurd" in page
