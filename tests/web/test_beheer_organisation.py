"""Beheer of clusters, competences, partners and taakvelden."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from ommen_rollen.domain import TaskMode
from ommen_rollen.extensions import db
from ommen_rollen.models import Cluster, Competence, Partner, TaskField
from tests.web.conftest import error_next_to, page, snapshot


def named(model: Any, name: str) -> Any:
    db.session.expire_all()
    return db.session.scalar(sa.select(model).where(model.name == name))


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/beheer/clusters", Cluster),
        ("/beheer/competenties", Competence),
        ("/beheer/partners", Partner),
    ],
)
def test_a_named_object_is_created_listed_and_edited(
    client: Any, as_secretary: Any, path: str, model: Any
) -> None:
    response = client.post(f"{path}/nieuw", data={"name": " Sociaal ", "active": "y"})
    assert response.status_code == 302
    made = named(model, "Sociaal")
    assert made is not None and made.active
    assert made.created_by_id == as_secretary.id
    assert "Sociaal" in page(client.get(path))
    response = client.post(f"{path}/{made.id}", data={"name": "Sociaal domein"})
    assert response.status_code == 302
    changed = named(model, "Sociaal domein")
    assert changed is not None and changed.id == made.id
    assert changed.active is False  # the box was not ticked


@pytest.mark.parametrize(
    ("path", "model", "taken"),
    [
        ("/beheer/clusters", Cluster, "regie en coördinatie"),
        ("/beheer/competenties", Competence, "Regie en Coördinatie"),
        ("/beheer/partners", Partner, "REGIE EN COÖRDINATIE"),
    ],
)
def test_a_duplicate_name_is_refused_and_changes_nothing(
    client: Any, as_secretary: Any, path: str, model: Any, taken: str
) -> None:
    db.session.add(model(name="Regie en Coördinatie"))
    db.session.commit()
    before = snapshot()
    response = client.post(f"{path}/nieuw", data={"name": taken, "active": "y"})
    assert response.status_code == 422
    assert "Er is al" in error_next_to(page(response), "name")
    assert snapshot() == before


def test_an_empty_name_is_refused(client: Any, as_secretary: Any) -> None:
    response = client.post("/beheer/clusters/nieuw", data={"name": "  "})
    assert "Vul de naam" in error_next_to(page(response), "name")


def test_a_cluster_may_keep_its_own_name(
    client: Any, as_secretary: Any, make_cluster: Any
) -> None:
    cluster = make_cluster("Beleid en Ontwikkeling")
    response = client.post(
        f"/beheer/clusters/{cluster.id}",
        data={
            "name": "Beleid en Ontwikkeling",
            "description": "Economie",
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert named(Cluster, "Beleid en Ontwikkeling").description == "Economie"


def test_an_unknown_id_gives_404(client: Any, as_secretary: Any) -> None:
    assert client.get("/beheer/clusters/999").status_code == 404
    assert client.get("/beheer/rollen/999/verwijderen").status_code == 404
    assert client.post("/beheer/partners/999/actief").status_code == 404


@pytest.fixture
def partner() -> Partner:
    partner = Partner(name="Omgevingsdienst IJsselland")
    db.session.add(partner)
    db.session.commit()
    return partner


def task_field_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Vergunningen",
        "mode": "outsourced",
        "partner_id": "",
        "cluster_id": "",
        "active": "y",
    }
    data.update(overrides)
    return data


def test_an_outsourced_task_field_is_saved_with_its_partner(
    client: Any, as_secretary: Any, partner: Partner, make_cluster: Any
) -> None:
    cluster = make_cluster("Regie en Coördinatie")
    data = task_field_data(partner_id=str(partner.id), cluster_id=str(cluster.id))
    assert client.post("/beheer/taakvelden/nieuw", data=data).status_code == 302
    made = named(TaskField, "Vergunningen")
    assert made.mode == TaskMode.OUTSOURCED
    assert (made.partner_id, made.cluster_id) == (partner.id, cluster.id)
    html = page(client.get("/beheer/taakvelden"))
    assert "uitbesteden" in html and "Omgevingsdienst IJsselland" in html


@pytest.mark.parametrize("mode", ["outsourced", "partnership"])
def test_outsourced_and_partnership_work_needs_a_partner(
    client: Any, as_secretary: Any, mode: str
) -> None:
    before = snapshot()
    response = client.post("/beheer/taakvelden/nieuw", data=task_field_data(mode=mode))
    assert "Kies de partner" in error_next_to(page(response), "partner_id")
    assert snapshot() == before


def test_work_done_in_house_keeps_no_partner(
    client: Any, as_secretary: Any, partner: Partner
) -> None:
    data = task_field_data(mode="in_house", partner_id=str(partner.id))
    client.post("/beheer/taakvelden/nieuw", data=data)
    made = named(TaskField, "Vergunningen")
    assert made.mode == TaskMode.IN_HOUSE and made.partner_id is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mode", "uitbesteden", "Kies zelf doen, uitbesteden of samenwerken"),
        ("partner_id", "777", "bestaande partner"),
        ("cluster_id", "abc", "bestaand cluster"),
    ],
)
def test_tampered_task_field_selects_are_refused(
    client: Any,
    as_secretary: Any,
    partner: Partner,
    field: str,
    value: str,
    message: str,
) -> None:
    before = snapshot()
    data = task_field_data(partner_id=str(partner.id))
    data[field] = value
    response = client.post("/beheer/taakvelden/nieuw", data=data)
    assert message in error_next_to(page(response), field)
    assert snapshot() == before


def test_the_task_field_edit_form_shows_its_mode_and_partner(
    client: Any, as_secretary: Any, partner: Partner
) -> None:
    task_field = TaskField(
        name="Handhaving", mode=TaskMode.PARTNERSHIP, partner=partner
    )
    db.session.add(task_field)
    db.session.commit()
    html = page(client.get(f"/beheer/taakvelden/{task_field.id}"))
    assert '<option selected value="partnership">samenwerken</option>' in html
    assert f'<option selected value="{partner.id}">' in html
