"""Beheer: overview, lists with search, access, (de)activation and deletion that
keeps history (the shared helpers are in conftest.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from ommen_rollen.domain import Choice, UserRole
from ommen_rollen.extensions import db
from ommen_rollen.models import (
    AuditEntry,
    Cluster,
    Competence,
    Employee,
    PlanningRound,
    Preference,
    Role,
    User,
    WorkPlan,
)
from tests.web.conftest import page, snapshot


@pytest.fixture
def make_round() -> Callable[..., PlanningRound]:
    def make(label: str = "2027-H1") -> PlanningRound:
        planning_round = PlanningRound(
            label=label, starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30)
        )
        db.session.add(planning_round)
        db.session.commit()
        return planning_round

    return make


# --- overview and lists ------------------------------------------------------


def test_overview_counts_active_and_all_objects(
    client: Any, as_secretary: Any, make_cluster: Any
) -> None:
    make_cluster("Regie en Coördinatie")
    make_cluster("Oud cluster", active=False)
    html = page(client.get("/beheer/"))
    row = re.search(r"Clusters</a></th>(.*?)</tr>", html, flags=re.DOTALL)
    assert row is not None
    assert re.findall(r">(\d+)</td>", row.group(1)) == ["1", "2"]
    for link in ("/beheer/medewerkers", "/beheer/rollen", "/beheer/taakvelden"):
        assert f'href="{link}"' in html


def test_lists_show_active_objects_and_find_them_by_search(
    client: Any, as_secretary: Any, make_employee: Any
) -> None:
    make_employee("bram", name="Bram Jansen")
    make_employee("carla", name="Carla de Wit")
    make_employee("dirk", name="Dirk Oud", active=False)
    html = page(client.get("/beheer/medewerkers"))
    assert "Bram Jansen" in html and "Carla de Wit" in html
    assert "Dirk Oud" not in html
    found = page(client.get("/beheer/medewerkers?q=jans"))
    assert "Bram Jansen" in found and "Carla de Wit" not in found


def test_the_inactive_filter_also_shows_deactivated_objects(
    client: Any, as_secretary: Any, make_role: Any
) -> None:
    make_role("R1", name="Regie sport")
    make_role("R2", name="Oude rol", active=False)
    assert "Oude rol" not in page(client.get("/beheer/rollen"))
    html = page(client.get("/beheer/rollen?inactief=1"))
    assert "Oude rol" in html and "Regie sport" in html
    assert "Regie sport" not in page(client.get("/beheer/rollen?q=oude&inactief=1"))


@pytest.mark.parametrize(
    "path",
    [
        "/beheer/",
        "/beheer/medewerkers",
        "/beheer/medewerkers/nieuw",
        "/beheer/rollen/nieuw",
        "/beheer/competenties",
        "/beheer/clusters",
        "/beheer/partners",
        "/beheer/taakvelden/nieuw",
    ],
)
def test_a_medewerker_gets_403_on_the_beheer_screens(
    client: Any, auth: Any, employee_user: Any, path: str
) -> None:
    auth.login("anouk")
    assert client.get(path).status_code == 403
    if path.endswith("/nieuw"):
        assert client.post(path, data={"name": "x"}).status_code == 403


def test_a_medewerker_cannot_create_anything_by_posting(
    client: Any, auth: Any, employee_user: Any
) -> None:
    auth.login("anouk")
    before = snapshot()
    response = client.post("/beheer/clusters/nieuw", data={"name": "Stiekem"})
    assert response.status_code == 403
    assert snapshot() == before


# --- (de)activation ------------------------------------------------------------


def test_deactivating_from_the_list_keeps_the_row_and_is_audited(
    client: Any, as_secretary: Any, make_competence: Any
) -> None:
    competence = make_competence("regievoering")
    response = client.post(
        f"/beheer/competenties/{competence.id}/actief", data={"active": "0"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Competence, competence.id).active is False
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "beheer.deactivate")
    )
    assert entry is not None and entry.object_id == competence.id
    assert entry.user_id == as_secretary.id
    client.post(f"/beheer/competenties/{competence.id}/actief", data={"active": "1"})
    db.session.expire_all()
    assert db.session.get(Competence, competence.id).active is True


def test_a_deactivated_medewerker_can_no_longer_log_in(
    client: Any, auth: Any, as_secretary: Any, make_user: Any
) -> None:
    user = make_user("bram")
    client.post(f"/beheer/medewerkers/{user.employee_id}/actief", data={"active": "0"})
    auth.logout()
    assert auth.login("bram").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False


# --- deleting --------------------------------------------------------------------


def test_deleting_asks_for_confirmation_before_anything_happens(
    client: Any, as_secretary: Any, make_role: Any
) -> None:
    role = make_role("R7")
    before = snapshot()
    html = page(client.get(f"/beheer/rollen/{role.id}/verwijderen"))
    assert "Definitief verwijderen" in html
    assert snapshot() == before


def test_an_unreferenced_role_is_deleted_after_confirmation(
    client: Any, as_secretary: Any, make_role: Any, make_competence: Any
) -> None:
    role = make_role("R7", requires={make_competence("schrijven"): 2})
    response = client.post(f"/beheer/rollen/{role.id}/verwijderen")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Role, role.id) is None
    assert db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "beheer.delete")
    )


def test_a_role_with_preferences_is_deactivated_instead_of_deleted(
    client: Any,
    as_secretary: Any,
    make_role: Any,
    make_employee: Any,
    make_round: Any,
) -> None:
    role = make_role("R8")
    db.session.add(
        Preference(
            round=make_round(),
            employee=make_employee("bram"),
            role=role,
            choice=Choice.WANT,
        )
    )
    db.session.commit()
    html = page(client.get(f"/beheer/rollen/{role.id}/verwijderen"))
    assert "gedeactiveerd in plaats van verwijderd" in html
    assert "1 voorkeur(en)" in html
    client.post(f"/beheer/rollen/{role.id}/verwijderen")
    db.session.expire_all()
    kept = db.session.get(Role, role.id)
    assert kept is not None and kept.active is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Preference)) == 1


def test_a_medewerker_with_a_werkplan_is_deactivated_instead_of_deleted(
    client: Any, as_secretary: Any, make_employee: Any, make_round: Any
) -> None:
    employee = make_employee("bram")
    db.session.add(WorkPlan(round=make_round(), employee=employee))
    db.session.commit()
    client.post(f"/beheer/medewerkers/{employee.id}/verwijderen")
    db.session.expire_all()
    kept = db.session.get(Employee, employee.id)
    assert kept is not None and kept.active is False


def test_a_medewerker_without_history_is_deleted_with_their_account(
    client: Any, as_secretary: Any, make_user: Any
) -> None:
    user = make_user("bram", password="x" * 12)
    employee_id = user.employee_id
    client.post(f"/beheer/medewerkers/{employee_id}/verwijderen")
    db.session.expire_all()
    assert db.session.get(Employee, employee_id) is None
    assert db.session.scalar(sa.select(User).where(User.username == "bram")) is None


def test_a_cluster_that_roles_use_is_deactivated_instead_of_deleted(
    client: Any, as_secretary: Any, make_role: Any, make_cluster: Any
) -> None:
    cluster = make_cluster("Beleid en Ontwikkeling")
    make_role("R9", cluster=cluster)
    client.post(f"/beheer/clusters/{cluster.id}/verwijderen")
    db.session.expire_all()
    assert db.session.get(Cluster, cluster.id).active is False


def test_deleting_without_a_csrf_token_is_refused(
    app: Flask, make_app: Callable[..., Flask], make_user: Any, make_role: Any
) -> None:
    make_user("secretaris", UserRole.SECRETARY)
    role = make_role("R10")
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    login_page = page(client.get("/inloggen"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    assert token is not None
    client.post(
        "/inloggen",
        data={
            "username": "secretaris",
            "password": "geheim-wachtwoord",
            "csrf_token": token.group(1),
        },
    )
    assert client.get("/beheer/").status_code == 200
    assert client.post(f"/beheer/rollen/{role.id}/verwijderen").status_code == 400
    db.session.expire_all()
    assert db.session.get(Role, role.id) is not None
