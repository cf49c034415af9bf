"""/api/v1 employees, competences, roles and clusters: read with stable keys
(username, competence name, role code), write through the beheer services."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Cluster,
    Competence,
    Employee,
    EmployeeCompetence,
    Role,
    RoleRequirement,
    TaskField,
)
from ..services import organisation, staff
from ..services.beheer import InvalidInput, StaleEdit
from ..services.organisation import NamedInput, RoleInput
from ..services.staff import EmployeeInput
from . import schemas
from .auth import requires, token_user
from .common import (
    api_errors,
    by_name,
    documented,
    etag,
    fte_text,
    hours_text,
    level_rows,
    make_blueprint,
    page,
    page_body,
    requested_version,
)
from .errors import refuse, service_error_response

blp = make_blueprint(
    "api_organisation",
    "Medewerkers, competenties, rollen en clusters. Lezen met bevoegdheid 'read', "
    "schrijven met 'write-organisation'; dezelfde controles als in beheer.",
)

EMPLOYEE_FIELDS = {
    "home_cluster_id": "home_cluster",
    "contract": "contract",
    "contract_unit": "contract",
}
ROLE_FIELDS = {"cluster_id": "cluster", "task_field_id": "task_field"}


# --- employees ------------------------------------------------


def employee_json(employee: Employee) -> dict[str, Any]:
    return {
        "username": employee.username,
        "name": employee.name,
        "email": employee.email,
        "contract_fte": fte_text(employee.contract_units),
        "contract_hours": hours_text(employee.contract_units),
        "base_function": employee.base_function.value,
        "home_cluster": employee.home_cluster.name if employee.home_cluster else None,
        "competences": {
            ec.competence.name: ec.level
            for ec in sorted(employee.competences, key=lambda ec: ec.competence.name)
        },
        "active": employee.active,
        "version": employee.version_id,
    }


def _employee(username: str) -> Employee:
    employee = db.session.scalar(
        select(Employee).where(func.lower(Employee.username) == username.lower())
    )
    if employee is None:
        refuse(404, f"Er is geen medewerker met gebruikersnaam '{username}'.")
    return employee


def _employee_input(
    data: dict[str, Any], username: str, existing: Employee | None = None
) -> tuple[EmployeeInput, Any]:
    """The service's input from the API body. What the API does not carry (whose
    spil someone is) and an e-mail address left out stay as they are, so an HR
    sync that predates a field never wipes it."""
    hours = data.get("contract_hours")
    fte = data.get("contract_fte")
    if (hours is None) == (fte is None):
        refuse(
            422,
            errors={
                "contract_fte": ["Geef contract_fte of contract_hours, één van beide."]
            },
        )
    rows, names = level_rows(Competence, data["competences"])
    made = EmployeeInput(
        name=data["name"],
        username=username,
        contract=str(fte if fte is not None else hours),
        contract_unit="fte" if fte is not None else "uren",
        base_function=data["base_function"],
        home_cluster_id=by_name(Cluster, data["home_cluster"]),
        competences=rows,
        active=data["active"],
        email=(
            data["email"]
            if data.get("email") is not None
            else (existing.email or "" if existing is not None else "")
        ),
        spil_cluster_id=staff.spil_cluster_of(existing) if existing else None,
    )
    contract_field = "contract_fte" if fte is not None else "contract_hours"
    fields = {**EMPLOYEE_FIELDS, "contract": contract_field}
    return made, (fields, {"competences": names})


def _with_employees(query: Any) -> Any:
    return query.options(
        selectinload(Employee.competences).selectinload(EmployeeCompetence.competence),
        selectinload(Employee.home_cluster),
    )


@blp.route("/employees")
@requires("read")
@blp.arguments(schemas.PageQuery, location="query")
@blp.response(200, schemas.EmployeePage)
@documented(blp, 422)
def list_employees(args: dict[str, int]) -> dict[str, Any]:
    """Medewerkers, op gebruikersnaam"""
    rows, total = page(
        _with_employees(select(Employee)).order_by(Employee.username), **args
    )
    return page_body([employee_json(e) for e in rows], total, args)


@blp.route("/employees", methods=["POST"])
@requires("write-organisation")
@blp.arguments(schemas.EmployeeIn)
@blp.response(201, schemas.EmployeeCreated)
@documented(blp, 415, 422)
def create_employee(data: dict[str, Any]) -> Any:
    """Een medewerker met account aanmaken

    Het antwoord bevat het eerste wachtwoord van het account, één keer."""
    if not data.get("username"):
        refuse(422, errors={"username": ["Vul een gebruikersnaam in."]})
    made, (fields, rows) = _employee_input(data, data["username"])
    try:
        employee, password = staff.create_employee(made, token_user())
    except InvalidInput as exc:
        return service_error_response(exc, api_errors(exc.errors, fields, rows))
    body = {**employee_json(employee), "first_password": password}
    location = url_for(".get_employee", username=employee.username)
    return body, 201, {"ETag": etag(employee.version_id), "Location": location}


@blp.route("/employees/<string:username>")
@requires("read")
@blp.response(200, schemas.EmployeeOut)
@documented(blp, 404)
def get_employee(username: str) -> Any:
    """Eén medewerker; de ETag is de versie"""
    employee = _employee(username)
    return employee_json(employee), 200, {"ETag": etag(employee.version_id)}


@blp.route("/employees/<string:username>", methods=["PUT"])
@requires("write-organisation")
@blp.arguments(schemas.EmployeeIn)
@blp.response(200, schemas.EmployeeOut)
@documented(blp, 404, 409, 415, 422, 428)
def update_employee(data: dict[str, Any], username: str) -> Any:
    """Een medewerker bijwerken (If-Match of version verplicht)

    Een verouderde versie geeft 409: de wijziging van een ander gaat nooit verloren."""
    employee = _employee(username)
    version = requested_version(data.get("version"))
    made, (fields, rows) = _employee_input(
        data, data.get("username") or username, employee
    )
    try:
        saved = staff.update_employee(employee.id, made, token_user(), version)
    except InvalidInput as exc:
        return service_error_response(exc, api_errors(exc.errors, fields, rows))
    except StaleEdit as exc:
        return service_error_response(exc)
    return employee_json(saved), 200, {"ETag": etag(saved.version_id)}


# --- competences ------------------------------------------------


def competence_json(competence: Competence) -> dict[str, Any]:
    return {
        "name": competence.name,
        "description": competence.description,
        "active": competence.active,
    }


def competence_etag(competence: Competence) -> str:
    """Competences have no version column: their ETag is their last change."""
    return etag(f"c{competence.id}-{competence.updated_at.timestamp():.6f}")


def _competence(name: str, *, lock: bool = False) -> Competence:
    query = select(Competence).where(func.lower(Competence.name) == name.lower())
    if lock:
        # read it fresh and hold the row until the save commits (PostgreSQL)
        query = query.with_for_update().execution_options(populate_existing=True)
    competence = db.session.scalar(query)
    if competence is None:
        refuse(404, f"Er is geen competentie '{name}'.")
    return competence


@blp.route("/competences")
@requires("read")
@blp.arguments(schemas.PageQuery, location="query")
@blp.response(200, schemas.CompetencePage)
@documented(blp, 422)
def list_competences(args: dict[str, int]) -> dict[str, Any]:
    """Competenties, op naam"""
    rows, total = page(select(Competence).order_by(Competence.name), **args)
    return page_body([competence_json(c) for c in rows], total, args)


@blp.route("/competences", methods=["POST"])
@requires("write-organisation")
@blp.arguments(schemas.CompetenceIn)
@blp.response(201, schemas.CompetenceOut)
@documented(blp, 415, 422)
def create_competence(data: dict[str, Any]) -> Any:
    """Een competentie aanmaken"""
    try:
        saved = organisation.save_competence(NamedInput(**data), token_user())
    except InvalidInput as exc:
        return service_error_response(exc)
    headers = {
        "ETag": competence_etag(saved),
        "Location": url_for(".get_competence", name=saved.name),
    }
    return competence_json(saved), 201, headers


@blp.route("/competences/<path:name>")
@requires("read")
@blp.response(200, schemas.CompetenceOut)
@documented(blp, 404)
def get_competence(name: str) -> Any:
    """Eén competentie"""
    competence = _competence(name)
    return competence_json(competence), 200, {"ETag": competence_etag(competence)}


@blp.route("/competences/<path:name>", methods=["PUT"])
@requires("write-organisation")
@blp.arguments(schemas.CompetenceIn)
@blp.response(200, schemas.CompetenceOut)
@documented(blp, 404, 409, 415, 422, 428)
def update_competence(data: dict[str, Any], name: str) -> Any:
    """Een competentie bijwerken (If-Match verplicht)"""
    competence = _competence(name, lock=True)
    version = requested_version(None)
    if etag(version) != competence_etag(competence):
        db.session.rollback()
        return service_error_response(StaleEdit())
    try:
        saved = organisation.save_competence(
            NamedInput(**data), token_user(), competence.id
        )
    except InvalidInput as exc:
        return service_error_response(exc)
    return competence_json(saved), 200, {"ETag": competence_etag(saved)}


# --- clusters ------------------------------------------------


@blp.route("/clusters")
@requires("read")
@blp.arguments(schemas.PageQuery, location="query")
@blp.response(200, schemas.ClusterPage)
@documented(blp, 422)
def list_clusters(args: dict[str, int]) -> dict[str, Any]:
    """Clusters, op naam"""
    rows, total = page(select(Cluster).order_by(Cluster.name), **args)
    items = [
        {"name": c.name, "description": c.description, "active": c.active} for c in rows
    ]
    return page_body(items, total, args)


# --- roles ------------------------------------------------


def role_json(role: Role) -> dict[str, Any]:
    return {
        "code": role.code,
        "name": role.name,
        "description": role.description,
        "cluster": role.cluster.name,
        "task_field": role.task_field.name if role.task_field else None,
        "fte": fte_text(role.fte_units),
        "base_functions": list(role.base_functions_code),
        "requirements": {
            r.competence.name: r.min_level
            for r in sorted(role.requirements, key=lambda r: r.competence.name)
        },
        "backups_needed": role.backups_needed,
        "splittable": role.splittable,
        "max_holders": role.max_holders,
        "min_share": (
            fte_text(role.min_share_units) if role.min_share_units is not None else None
        ),
        "critical": role.critical,
        "active": role.active,
        "version": role.version_id,
    }


def _role(code: str) -> Role:
    role = db.session.scalar(select(Role).where(Role.code == code))
    if role is None:
        refuse(404, f"Er is geen rol met code '{code}'.")
    return role


def _role_input(data: dict[str, Any], code: str) -> tuple[RoleInput, dict[str, str]]:
    rows, names = level_rows(Competence, data["requirements"])
    made = RoleInput(
        code=code,
        name=data["name"],
        description=data["description"],
        cluster_id=by_name(Cluster, data["cluster"]),
        task_field_id=by_name(TaskField, data["task_field"]),
        fte=data["fte"],
        base_functions=data["base_functions"],
        requirements=rows,
        backups_needed=data["backups_needed"],
        splittable=data["splittable"],
        max_holders=data["max_holders"],
        min_share=data["min_share"] or "",
        critical=data["critical"],
        active=data["active"],
    )
    return made, names


@blp.route("/roles")
@requires("read")
@blp.arguments(schemas.PageQuery, location="query")
@blp.response(200, schemas.RolePage)
@documented(blp, 422)
def list_roles(args: dict[str, int]) -> dict[str, Any]:
    """Rollen, op code"""
    query = (
        select(Role)
        .options(
            selectinload(Role.requirements).selectinload(RoleRequirement.competence),
            selectinload(Role.cluster),
            selectinload(Role.task_field),
        )
        .order_by(Role.code)
    )
    rows, total = page(query, **args)
    return page_body([role_json(r) for r in rows], total, args)


@blp.route("/roles", methods=["POST"])
@requires("write-organisation")
@blp.arguments(schemas.RoleIn)
@blp.response(201, schemas.RoleOut)
@documented(blp, 415, 422)
def create_role(data: dict[str, Any]) -> Any:
    """Een rol aanmaken"""
    if not data.get("code"):
        refuse(422, errors={"code": ["Vul een code in, bijvoorbeeld R12."]})
    made, names = _role_input(data, data["code"])
    try:
        saved = organisation.save_role(made, token_user())
    except InvalidInput as exc:
        rows = {"requirements": names}
        return service_error_response(exc, api_errors(exc.errors, ROLE_FIELDS, rows))
    headers = {
        "ETag": etag(saved.version_id),
        "Location": url_for(".get_role", code=saved.code),
    }
    return role_json(saved), 201, headers


@blp.route("/roles/<string:code>")
@requires("read")
@blp.response(200, schemas.RoleOut)
@documented(blp, 404)
def get_role(code: str) -> Any:
    """Eén rol; de ETag is de versie"""
    role = _role(code)
    return role_json(role), 200, {"ETag": etag(role.version_id)}


@blp.route("/roles/<string:code>", methods=["PUT"])
@requires("write-organisation")
@blp.arguments(schemas.RoleIn)
@blp.response(200, schemas.RoleOut)
@documented(blp, 404, 409, 415, 422, 428)
def update_role(data: dict[str, Any], code: str) -> Any:
    """Een rol bijwerken (If-Match of version verplicht)"""
    role = _role(code)
    version = requested_version(data.get("version"))
    made, names = _role_input(data, data.get("code") or code)
    try:
        saved = organisation.save_role(made, token_user(), role.id, version)
    except InvalidInput as exc:
        rows = {"requirements": names}
        return service_error_response(exc, api_errors(exc.errors, ROLE_FIELDS, rows))
    except StaleEdit as exc:
        return service_error_response(exc)
    return role_json(saved), 200, {"ETag": etag(saved.version_id)}
