"""Beheer of how the work is organised: clusters, competences, partners, task
fields and roles. Every save checks all input first (services.beheer.Checker),
then changes, audits and commits; a refused save changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain import TaskMode
from ..models import (
    Cluster,
    Competence,
    Partner,
    Role,
    TaskField,
    User,
)
from . import limits, validation
from .beheer import KINDS, Checker, check_version, get, store, sync_requirements

# Kinds whose number is bounded (services.limits.total_bound).
BOUNDED = (Cluster, Competence, Role)

ROLE_FTE_TOO_LARGE = validation.ROLE_FTE_TOO_LARGE


@dataclass(frozen=True)
class NamedInput:
    """A cluster, competence or partner as typed into the form."""

    name: str
    description: str = ""
    active: bool = True


@dataclass(frozen=True)
class TaskFieldInput:
    """A taakveld as typed into the form (ids and mode as submitted)."""

    name: str
    mode: str
    partner_id: str | int | None = None
    cluster_id: str | int | None = None
    description: str = ""
    active: bool = True


@dataclass(frozen=True)
class RoleInput:
    """A role as typed into the form: fte as decimal text, ids as submitted,
    requirements as (competence id, minimum level or "") rows."""

    code: str
    name: str
    cluster_id: str | int | None
    fte: str
    base_functions: Sequence[str]
    description: str = ""
    task_field_id: str | int | None = None
    requirements: Sequence[tuple[str | int, str | int | None]] = field(
        default_factory=list
    )
    backups_needed: str | int = 1
    splittable: bool = False
    max_holders: str | int = 1
    min_share: str = ""
    critical: bool = False
    active: bool = True


def _save_named(
    model: type[Any],
    data: NamedInput,
    by: User,
    object_id: int | None,
    *,
    duplicate: str,
) -> Any:
    kind = KINDS[model]
    obj = get(model, object_id) if object_id is not None else None
    check = Checker()
    name = check.text(
        "name",
        data.name,
        max_length=limits.NAME_LENGTH,
        required=f"Vul de naam van {kind.article} {kind.noun} in.",
        single_line=True,
    )
    if obj is None and model in BOUNDED:
        check.room("name", model)
    check.unique(
        "name",
        model.name,
        name,
        exclude=model.id != object_id if object_id is not None else None,
        message=duplicate.format(name=name),
    )
    values: dict[str, Any] = {"name": name, "active": data.active}
    if hasattr(model, "description"):
        values["description"] = check.text(
            "description", data.description, max_length=limits.DESCRIPTION_LENGTH
        )
    check.done()
    return store(model, obj, values, by, kind.object_type)


def save_cluster(data: NamedInput, by: User, cluster_id: int | None = None) -> Cluster:
    """Create (no id) or update a cluster."""
    cluster: Cluster = _save_named(
        Cluster, data, by, cluster_id, duplicate="Er is al een cluster '{name}'."
    )
    return cluster


def save_competence(
    data: NamedInput, by: User, competence_id: int | None = None
) -> Competence:
    """Create (no id) or update a competence."""
    competence: Competence = _save_named(
        Competence,
        data,
        by,
        competence_id,
        duplicate="Er is al een competentie '{name}'.",
    )
    return competence


def save_partner(data: NamedInput, by: User, partner_id: int | None = None) -> Partner:
    """Create (no id) or update a partner."""
    partner: Partner = _save_named(
        Partner, data, by, partner_id, duplicate="Er is al een partner '{name}'."
    )
    return partner


def save_task_field(
    data: TaskFieldInput, by: User, task_field_id: int | None = None
) -> TaskField:
    """Create (no id) or update a taakveld; outsourced and partnership work needs
    a partner."""
    task_field = get(TaskField, task_field_id) if task_field_id is not None else None
    check = Checker()
    name = check.text(
        "name",
        data.name,
        max_length=limits.LONG_NAME_LENGTH,
        required="Vul de naam van het taakveld in.",
        single_line=True,
    )
    check.unique(
        "name",
        TaskField.name,
        name,
        exclude=TaskField.id != task_field_id if task_field_id is not None else None,
        message=f"Er is al een taakveld '{name}'.",
    )
    mode = check.choice(
        "mode", data.mode, TaskMode, "Kies zelf doen, uitbesteden of samenwerken."
    )
    partner_id = check.existing(
        "partner_id",
        Partner,
        data.partner_id,
        message="Kies een bestaande partner",
        current_id=task_field.partner_id if task_field else None,
    )
    if mode in (TaskMode.OUTSOURCED, TaskMode.PARTNERSHIP) and partner_id is None:
        if "partner_id" not in check.errors:
            check.add(
                "partner_id",
                f"Kies de partner: bij {mode.label} doet een partner het werk.",
            )
    if mode == TaskMode.IN_HOUSE:
        partner_id = None  # zelf doen: no partner, whatever the form sent
    cluster_id = check.existing(
        "cluster_id",
        Cluster,
        data.cluster_id,
        message="Kies een bestaand cluster",
        current_id=task_field.cluster_id if task_field else None,
    )
    description = check.text(
        "description", data.description, max_length=limits.DESCRIPTION_LENGTH
    )
    check.done()
    saved: TaskField = store(
        TaskField,
        task_field,
        {
            "name": name,
            "mode": mode,
            "partner_id": partner_id,
            "cluster_id": cluster_id,
            "description": description,
            "active": data.active,
        },
        by,
        "task_field",
    )
    return saved


def save_role(
    data: RoleInput,
    by: User,
    role_id: int | None = None,
    version_id: str | int | None = None,
    *,
    commit: bool = True,
) -> Role:
    """Create (no id) or update a role with its eligibility and requirements.

    An update must name the version the form showed (optimistic locking).
    """
    role = get(Role, role_id) if role_id is not None else None
    if role is not None:
        check_version(role, version_id)
    check = Checker()
    code = (
        check.read(
            "code",
            data.code,
            validation.role_code,
            required="Vul een code in, bijvoorbeeld R12.",
        )
        or (data.code or "").strip()
    )
    if role is None:
        check.room("code", Role)
    check.unique(
        "code",
        Role.code,
        code,
        exclude=Role.id != role_id if role_id is not None else None,
        message=f"Er is al een rol met code {code}.",
    )
    name = check.text(
        "name",
        data.name,
        max_length=limits.LONG_NAME_LENGTH,
        required="Vul de naam van de rol in.",
        single_line=True,
    )
    description = check.text(
        "description", data.description, max_length=limits.ROLE_DESCRIPTION_LENGTH
    )
    cluster_id = check.existing(
        "cluster_id",
        Cluster,
        data.cluster_id,
        message="Kies een bestaand cluster",
        required="Kies het cluster van de rol.",
        current_id=role.cluster_id if role else None,
    )
    task_field_id = check.existing(
        "task_field_id",
        TaskField,
        data.task_field_id,
        message="Kies een bestaand taakveld",
        current_id=role.task_field_id if role else None,
    )
    fte_units = check.read(
        "fte",
        data.fte,
        validation.role_fte,
        required="Vul de omvang van de rol in fte in.",
    )
    letters = _base_functions(check, data.base_functions)
    levels = check.levels(
        "requirements",
        data.requirements,
        maximum=limits.MAX_REQUIREMENTS_PER_ROLE,
        what="vereiste competenties per rol",
    )
    whole = "Vul een geheel getal in."
    backups = check.read(
        "backups_needed", data.backups_needed, validation.backups_needed, required=whole
    )
    max_holders = check.read(
        "max_holders", data.max_holders, validation.max_holders, required=whole
    )
    min_share = check.read(
        "min_share",
        data.min_share,
        lambda text: validation.min_share(text, fte_units),
        required=(
            "Vul het kleinste deel in: de rol mag gedeeld worden."
            if data.splittable
            else None
        ),
    )
    check.done()
    values: dict[str, Any] = {
        "code": code,
        "name": name,
        "description": description,
        "cluster_id": cluster_id,
        "task_field_id": task_field_id,
        "fte_units": fte_units,
        "base_functions_code": letters,
        "backups_needed": backups,
        "splittable": data.splittable,
        # An unsplittable role has one holder who takes all of it.
        "max_holders": max_holders if data.splittable else 1,
        "min_share_units": min_share if data.splittable else None,
        "critical": data.critical,
        "active": data.active,
    }

    def set_requirements(saved: Role) -> dict[str, Any]:
        return sync_requirements(saved, levels)

    saved: Role = store(
        Role, role, values, by, "role", after=set_requirements, commit=commit
    )
    return saved


def _base_functions(check: Checker, values: Sequence[str]) -> str:
    try:
        return validation.base_functions(str(v) for v in values)
    except validation.Invalid as exc:
        check.add("base_functions", str(exc))
        return ""
