"""Beheer of roles: eligibility, requirements, splitting, validation, stale saves."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry, Role
from tests.web.conftest import error_next_to, page, snapshot


@pytest.fixture
def cluster(make_cluster: Any) -> Any:
    return make_cluster("Regie en Coördinatie")


def role_data(cluster: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "R20",
        "name": "Regisseur omgevingsdienst",
        "description": "Stuurt de DVO met de Omgevingsdienst aan.",
        "cluster_id": str(cluster.id),
        "task_field_id": "",
        "fte": "0,5",
        "base_functions": ["A", "B"],
        "backups_needed": "1",
        "max_holders": "1",
        "min_share": "",
        "active": "y",
    }
    data.update(overrides)
    return data


def with_requirements(data: dict[str, Any], levels: dict[Any, Any]) -> dict[str, Any]:
    for index, (competence_id, level) in enumerate(levels.items()):
        data[f"requirements-{index}-competence_id"] = str(competence_id)
        data[f"requirements-{index}-level"] = str(level)
    return data


def role(code: str) -> Role | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Role).where(Role.code == code))


def test_creating_a_role_stores_eligibility_requirements_and_splitting(
    client: Any, as_secretary: Any, cluster: Any, make_competence: Any
) -> None:
    regie, juridisch = make_competence("regievoering"), make_competence("juridisch")
    data = with_requirements(
        role_data(
            cluster,
            fte="1,2",
            splittable="y",
            max_holders="3",
            min_share="0,2",
            backups_needed="2",
            critical="y",
        ),
        {regie.id: 2, juridisch.id: ""},
    )
    response = client.post("/beheer/rollen/nieuw", data=data)
    assert response.status_code == 302
    made = role("R20")
    assert made is not None
    assert made.fte_units == 12_000 and made.min_share_units == 2000
    assert made.base_functions_code == "AB"
    assert {r.competence.name: r.min_level for r in made.requirements} == {
        "regievoering": 2
    }
    assert (made.splittable, made.max_holders, made.backups_needed) == (True, 3, 2)
    assert made.critical and made.active
    assert made.version_id == 1
    assert made.created_by_id == as_secretary.id
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.object_type == "role")
    )
    assert entry is not None and entry.action == "beheer.create"


def test_an_unsplittable_role_has_one_holder_taking_all_of_it(
    client: Any, as_secretary: Any, cluster: Any
) -> None:
    data = role_data(cluster, max_holders="4", min_share="0,1")
    client.post("/beheer/rollen/nieuw", data=data)
    made = role("R20")
    assert made is not None
    assert (made.max_holders, made.min_share_units) == (1, None)


@pytest.mark.parametrize(
    ("fte", "message"),
    [
        ("0", "groter dan 0"),
        ("-1", "groter dan 0"),
        ("10,5", "niet realistisch"),
        ("1000", "niet realistisch"),
        ("0,12345", "meer dan vier decimalen"),
        ("NaN", "geen eindig getal"),
        ("", "Vul de omvang"),
    ],
)
def test_a_wrong_role_fte_is_refused_and_changes_nothing(
    client: Any, as_secretary: Any, cluster: Any, fte: str, message: str
) -> None:
    before = snapshot()
    response = client.post("/beheer/rollen/nieuw", data=role_data(cluster, fte=fte))
    assert response.status_code == 422
    assert message in error_next_to(page(response), "fte")
    assert snapshot() == before


def test_a_role_requiring_a_competence_that_does_not_exist_is_refused(
    client: Any, as_secretary: Any, cluster: Any, make_competence: Any
) -> None:
    regie = make_competence("regievoering")
    before = snapshot()
    data = with_requirements(role_data(cluster), {regie.id: 1, 424242: 2})
    html = page(client.post("/beheer/rollen/nieuw", data=data))
    assert "bestaat niet" in error_next_to(html, "requirements-1-level")
    assert snapshot() == before


@pytest.mark.parametrize("level", ["4", "0", "-1", "twee"])
def test_a_required_level_outside_one_to_three_is_refused(
    client: Any, as_secretary: Any, cluster: Any, make_competence: Any, level: str
) -> None:
    regie = make_competence("regievoering")
    before = snapshot()
    data = with_requirements(role_data(cluster), {regie.id: level})
    html = page(client.post("/beheer/rollen/nieuw", data=data))
    assert "Kies niveau 1, 2 of 3" in error_next_to(html, "requirements-0-level")
    assert snapshot() == before


def test_the_smallest_share_cannot_exceed_the_role(
    client: Any, as_secretary: Any, cluster: Any
) -> None:
    before = snapshot()
    data = role_data(
        cluster, fte="0,4", splittable="y", max_holders="2", min_share="0,5"
    )
    html = page(client.post("/beheer/rollen/nieuw", data=data))
    assert "niet groter zijn dan de rol" in error_next_to(html, "min_share")
    assert snapshot() == before


def test_a_splittable_role_needs_a_smallest_share(
    client: Any, as_secretary: Any, cluster: Any
) -> None:
    data = role_data(cluster, splittable="y", max_holders="2", min_share="")
    html = page(client.post("/beheer/rollen/nieuw", data=data))
    assert "kleinste deel" in error_next_to(html, "min_share")
    assert role("R20") is None


@pytest.mark.parametrize(
    ("holders", "message"), [("0", "1 tot en met 20"), ("x", "geheel getal")]
)
def test_max_holders_below_one_is_refused(
    client: Any, as_secretary: Any, cluster: Any, holders: str, message: str
) -> None:
    before = snapshot()
    data = role_data(cluster, splittable="y", max_holders=holders, min_share="0,1")
    html = page(client.post("/beheer/rollen/nieuw", data=data))
    assert message in error_next_to(html, "max_holders")
    assert snapshot() == before


def test_a_negative_number_of_backups_is_refused(
    client: Any, as_secretary: Any, cluster: Any
) -> None:
    html = page(
        client.post(
            "/beheer/rollen/nieuw", data=role_data(cluster, backups_needed="-1")
        )
    )
    assert "0 tot en met 10" in error_next_to(html, "backups_needed")


def test_a_duplicate_code_is_refused(
    client: Any, as_secretary: Any, cluster: Any, make_role: Any
) -> None:
    make_role("R20")
    before = snapshot()
    html = page(
        client.post("/beheer/rollen/nieuw", data=role_data(cluster, code="r20"))
    )
    assert "al een rol met code" in error_next_to(html, "code")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("letters", "message"),
    [(["A", "X"], "Onbekende rompfunctie 'X'"), ([], "minstens één rompfunctie")],
)
def test_rompfuncties_must_be_known_and_at_least_one(
    client: Any, as_secretary: Any, cluster: Any, letters: list[str], message: str
) -> None:
    before = snapshot()
    data = role_data(cluster, base_functions=letters)
    html = page(client.post("/beheer/rollen/nieuw", data=data))
    assert message in error_next_to(html, "base_functions")
    assert snapshot() == before


def test_a_tampered_cluster_is_refused(
    client: Any, as_secretary: Any, cluster: Any
) -> None:
    before = snapshot()
    data = role_data(cluster, cluster_id="9999")
    html = page(client.post("/beheer/rollen/nieuw", data=data))
    assert "bestaand cluster" in error_next_to(html, "cluster_id")
    assert snapshot() == before


def test_an_inactive_cluster_cannot_be_chosen_for_a_new_role(
    client: Any, as_secretary: Any, make_cluster: Any
) -> None:
    old = make_cluster("Oud", active=False)
    html = page(client.post("/beheer/rollen/nieuw", data=role_data(old)))
    assert "niet actief" in error_next_to(html, "cluster_id")


def edit_data(made: Role, cluster: Any, **overrides: Any) -> dict[str, Any]:
    data = role_data(
        cluster,
        code=made.code,
        name=made.name,
        fte="0,2",
        base_functions=list(made.base_functions_code),
        version_id=str(made.version_id),
    )
    data.update(overrides)
    return data


def test_the_edit_form_shows_the_stored_role(
    client: Any, as_secretary: Any, cluster: Any, make_role: Any, make_competence: Any
) -> None:
    regie = make_competence("regievoering")
    made = make_role("R21", fte_units=3333, base_functions="BC", requires={regie: 2})
    html = page(client.get(f"/beheer/rollen/{made.id}"))
    assert 'value="0,3333"' in html
    checked = re.findall(r'<input checked[^>]*value="([A-E])"', html)
    assert checked == ["B", "C"]
    assert '<option selected value="2">2</option>' in html


def test_editing_a_role_updates_requirements_in_place(
    client: Any, as_secretary: Any, cluster: Any, make_role: Any, make_competence: Any
) -> None:
    regie, juridisch = make_competence("regievoering"), make_competence("juridisch")
    made = make_role("R21", cluster=cluster, requires={regie: 1, juridisch: 2})
    data = with_requirements(
        edit_data(made, cluster, fte="0,75"), {regie.id: 3, juridisch.id: ""}
    )
    assert client.post(f"/beheer/rollen/{made.id}", data=data).status_code == 302
    changed = role("R21")
    assert changed is not None
    assert changed.fte_units == 7500
    assert {r.competence.name: r.min_level for r in changed.requirements} == {
        "regievoering": 3
    }
    assert changed.version_id == 2
    assert changed.updated_by_id == as_secretary.id
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "beheer.update")
    )
    assert entry is not None and entry.object_id == made.id
    assert entry.details["changes"]["fte_units"] == [2000, 7500]
    assert entry.details["changes"]["requirements"] == [
        {str(regie.id): 1, str(juridisch.id): 2},
        {str(regie.id): 3},
    ]


def test_a_stale_role_save_is_refused_and_changes_nothing(
    client: Any, as_secretary: Any, cluster: Any, make_role: Any
) -> None:
    made = make_role("R22", cluster=cluster)
    first = edit_data(made, cluster, name="Eerste versie")
    second = edit_data(made, cluster, name="Tweede versie", fte="0,9")
    assert client.post(f"/beheer/rollen/{made.id}", data=first).status_code == 302
    before = snapshot()
    response = client.post(f"/beheer/rollen/{made.id}", data=second)
    assert response.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in page(response)
    assert snapshot() == before
    kept = role("R22")
    assert kept is not None and kept.name == "Eerste versie"


def test_a_refused_edit_changes_nothing(
    client: Any, as_secretary: Any, cluster: Any, make_role: Any, make_competence: Any
) -> None:
    regie = make_competence("regievoering")
    made = make_role("R23", cluster=cluster, requires={regie: 1})
    before = snapshot()
    data = with_requirements(
        edit_data(made, cluster, name="Nieuwe naam", fte="11"), {regie.id: 3}
    )
    response = client.post(f"/beheer/rollen/{made.id}", data=data)
    assert response.status_code == 422
    assert snapshot() == before
