"""Scenarios and changes during a period: "what if Ilse is out from March".

From the approved werkplannen of a round the secretaris makes a scenario with one
or more changes (someone absent from a date or on a lower contract, a role added,
removed or resized, a new hire), re-plans it with the least disruption
(solver/replan.py) and compares before and after per medewerker. Nothing touches
the approved werkplannen until a scenario is published: then each affected
medewerker gets a new werkplan version valid from the scenario's date, with
akkoord asked again of them only; every other werkplan stays approved and the
replaced versions stay in the history with their dates.

Every kind of change can be published, in one transaction with the new
werkplan versions: a new role is made in Beheer's way (with a code the
secretaris can change there) and holds from the date, a removed role is made
inactive until the day before, a resized role gets its new size, and a new
hire becomes a medewerker with an account that has no password: no login until
Beheer invites them or gives a first password.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..domain import (
    AssignmentKind,
    BaseFunction,
    FteError,
    PlanStatus,
    RoundStatus,
    format_fte,
    format_hours,
    parse_fte,
)
from ..extensions import db
from ..models import (
    Assignment,
    Cluster,
    Competence,
    Employee,
    Job,
    JobStatus,
    PlanningRound,
    Role,
    Scenario,
    ScenarioStatus,
    User,
    WorkPlan,
    WorkPlanStatus,
)
from ..solver import InstanceError, check_plan
from ..solver import instance as typed
from ..solver.changes import (
    CHANGE_KINDS,
    Absence,
    AddRole,
    Change,
    ContractChange,
    Hire,
    RemoveRole,
    ResizeRole,
    apply_changes,
    change_to_json,
    changes_from_json,
)
from ..solver.instance import (
    FORMAT_VERSION,
    Instance,
    fte_number,
    instance_to_json,
    parse_instance,
)
from ..solver.plan import Plan, plan_from_json
from ..solver.replan import solve_from_plan
from . import audit, jobs, mail, notifications, organisation, staff, validation
from .base import ServiceError, stamp, utcnow
from .beheer import InvalidInput
from .hard_rules import HardRuleError, plan_of, readable
from .rounds import get_round
from .solver_bridge import (
    approved_plans,
    current_plans,
    employee_id_of,
    employee_key,
    mark_job,
    round_instance,
    werkplan_assignments,
)

NAME_MAX = 120
BUSY = "Dit scenario wordt doorgerekend; wacht tot dat klaar is."
MAX_CHANGES = 20

CHANGE_LABELS = {
    "absence": "afwezig (ziek, verlof, vertrek)",
    "contract": "lager (ander) contract",
    "add_role": "nieuwe rol",
    "remove_role": "rol vervalt",
    "resize_role": "rol groter of kleiner",
    "hire": "nieuwe medewerker",
}


class ScenarioNotFound(ServiceError):
    """No such scenario."""


def get_scenario(scenario_id: int) -> Scenario:
    scenario = db.session.get(Scenario, scenario_id)
    if scenario is None:
        raise ScenarioNotFound("Dit scenario bestaat niet.")
    return scenario


def round_scenarios(round_id: int) -> list[Scenario]:
    return list(
        db.session.scalars(
            select(Scenario).where(Scenario.round_id == round_id).order_by(Scenario.id)
        )
    )


def check_round_approved(round_id: int) -> None:
    if get_round(round_id).status != RoundStatus.APPROVED:
        raise ServiceError(
            "Een scenario gaat uit van de goedgekeurde werkplannen: keur eerst alle "
            "werkplannen van deze planronde goed."
        )


def _source(round_id: int) -> tuple[Instance, Plan]:
    """The round as a typed instance (approved werkplannen not frozen; the edge
    the optimise job uses) and the approved werkplannen as a plan: what a
    scenario starts from."""
    instance = round_instance(round_id, freeze_approved=False)
    employees = {
        i for e in instance.employees if (i := employee_id_of(e.id)) is not None
    }
    codes = {r.id for r in instance.roles}
    roles = {r.id: r.code for r in db.session.scalars(select(Role)) if r.code in codes}
    assignments = werkplan_assignments(approved_plans(round_id), employees, roles)
    return instance, Plan(PlanStatus.FEASIBLE, assignments)


def stored_plan(data: dict[str, Any] | None) -> Plan | None:
    """A plan a scenario keeps (its plan or the approved plan it started from),
    typed through plan_from_json; None when it keeps none. An approved plan
    stored before plans were typed is assignments only, without a version: it
    is read as format v1."""
    if not data:
        return None
    return plan_from_json({"version": FORMAT_VERSION, **data})


def _stored_instance(scenario: Scenario) -> Instance | None:
    """The instance a scenario was solved on (or a swap judged on), typed."""
    return parse_instance(scenario.instance) if scenario.instance else None


def scenario_changes(scenario: Scenario) -> list[Change]:
    """The changes a scenario keeps (JSON in the database), typed."""
    try:
        return changes_from_json(scenario.changes)
    except InstanceError as exc:
        raise ServiceError(
            "De wijzigingen van dit scenario zijn onleesbaar: " + "; ".join(exc.errors)
        ) from exc


def create_scenario(
    round_id: int, name: str, valid_from: date | None, by: User | None
) -> Scenario:
    """A draft scenario for an approved round, valid from a date in its period."""
    round_ = get_round(round_id)
    check_round_approved(round_id)
    errors = []
    name = (name or "").strip()
    if not name:
        errors.append("Geef het scenario een naam.")
    elif len(name) > NAME_MAX:
        errors.append(f"De naam mag hoogstens {NAME_MAX} tekens zijn.")
    if valid_from is None:
        errors.append("Kies de datum vanaf wanneer het scenario geldt.")
    elif not round_.starts_on <= valid_from <= round_.ends_on:
        errors.append(
            "De datum moet in de periode van de planronde liggen "
            f"({round_.starts_on:%d-%m-%Y} tot en met {round_.ends_on:%d-%m-%Y})."
        )
    if errors:
        raise ServiceError(" ".join(errors))
    assert valid_from is not None  # for the type checker: refused above
    scenario = Scenario(round_id=round_id, name=name, valid_from=valid_from, changes=[])
    stamp(scenario, by, new=True)
    db.session.add(scenario)
    db.session.flush()
    audit.record(
        "scenario_created",
        by,
        object_type="scenario",
        object_id=scenario.id,
        round_id=round_id,
        name=name,
        valid_from=valid_from.isoformat(),
    )
    db.session.commit()
    return scenario


def _editable(scenario: Scenario) -> None:
    if scenario.status == ScenarioStatus.PUBLISHED:
        raise ServiceError("Dit scenario is al doorgevoerd en verandert niet meer.")
    if scenario.is_swap:
        raise ServiceError(
            "Een ruil tussen collega's verandert hier niet en wordt niet "
            "doorgerekend: de medewerkers stellen een nieuwe voor."
        )
    if jobs.scenario_in_progress(scenario.id):
        db.session.commit()  # a dead job marked failed on the way stays so
        raise ServiceError(BUSY)


def _fte_units(text: str) -> int:
    """Fte from the form in exact units (whether the amount fits the change is
    the change's own check, solver/changes.py)."""
    try:
        return parse_fte(text)
    except FteError as exc:
        raise ServiceError(f"Fte: {exc}.") from exc


def build_change(
    kind: str,
    *,
    employee_id: int | None = None,
    role_id: int | None = None,
    fte: str = "",
    name: str = "",
    base_function: str = "",
    ident: str = "",
    cluster_id: int | None = None,
    levels: dict[int, str] | None = None,
) -> Change:
    """A typed change from the form's fields (Dutch errors): the form's rows
    looked up and turned into instance keys. A new role needs its cluster;
    ``levels`` (competence id to level, empty for none) are what a new role
    requires or what a new hire can."""
    if kind not in CHANGE_KINDS:
        raise ServiceError("Kies wat er verandert.")
    if kind in ("absence", "contract"):
        employee = db.session.get(Employee, employee_id) if employee_id else None
        if employee is None or not employee.active:
            raise ServiceError("Kies een medewerker.")
        key = employee_key(employee.id)
        return (
            Absence(key) if kind == "absence" else ContractChange(key, _fte_units(fte))
        )
    if kind in ("remove_role", "resize_role"):
        role = db.session.get(Role, role_id) if role_id else None
        if role is None:
            raise ServiceError("Kies een rol.")
        if kind == "remove_role":
            return RemoveRole(role.code)
        return ResizeRole(role.code, _fte_units(fte))
    label = (name or "").strip()
    if not label or len(label) > NAME_MAX:
        raise ServiceError(f"Geef een naam (hoogstens {NAME_MAX} tekens).")
    if base_function not in {b.value for b in BaseFunction}:
        raise ServiceError("Kies een rompfunctie.")
    units = _fte_units(fte)
    named = _levels(levels or {})
    if kind == "hire":
        return Hire(
            typed.Employee(ident or "nieuw", label, units, base_function, named)
        )
    cluster = db.session.get(Cluster, cluster_id) if cluster_id else None
    if cluster is None:
        raise ServiceError("Kies het cluster van de nieuwe rol.")
    return AddRole(
        typed.Role(
            ident or "nieuw",
            label,
            cluster.name,
            units,
            (base_function,),
            named,
            min_share=units,
        )
    )


def _levels(levels: dict[int, str]) -> dict[str, int]:
    """Competence id -> level text (empty: none) as competence name -> level."""
    named: dict[str, int] = {}
    for competence_id, text in levels.items():
        if not (text or "").strip():
            continue
        competence = db.session.get(Competence, competence_id)
        if competence is None or not competence.active:
            raise ServiceError("Kies een bestaande competentie.")
        try:
            named[competence.name] = validation.level(text)
        except validation.Invalid as exc:
            raise ServiceError(f"{competence.name}: {exc}") from exc
    return dict(sorted(named.items()))


def add_change(scenario_id: int, change: Change, by: User | None) -> Scenario:
    """Add a change; refused (nothing changes) when it does not apply to the
    round with the scenario's other changes (the one check: solver/changes.py)."""
    scenario = get_scenario(scenario_id)
    _editable(scenario)
    if len(scenario.changes) >= MAX_CHANGES:
        raise ServiceError(f"Een scenario heeft hoogstens {MAX_CHANGES} wijzigingen.")
    fresh = f"nieuw-{len(scenario.changes) + 1}"  # never an existing id
    if isinstance(change, AddRole):
        change = AddRole(replace(change.role, id=fresh))
    elif isinstance(change, Hire):
        change = Hire(replace(change.employee, id=fresh))
    changes = [*scenario_changes(scenario), change]
    instance, _ = _source(scenario.round_id)
    try:
        apply_changes(instance, changes)
    except InstanceError as exc:
        raise ServiceError(
            "Deze wijziging past niet: "
            + "; ".join(readable(_for_the_form(e), instance) for e in exc.errors)
        ) from exc
    scenario.changes = [change_to_json(c) for c in changes]
    _back_to_draft(scenario)
    stamp(scenario, by)
    audit.record(
        "scenario_change_added",
        by,
        object_type="scenario",
        object_id=scenario.id,
        round_id=scenario.round_id,
        name=scenario.name,
        change=describe_change(change, _Names.of(instance)),
    )
    db.session.commit()
    return scenario


FIELD_LABELS = {
    "fte": "Fte",
    "employee.fte": "Fte",
    "role.fte": "Fte",
    "employee": "Medewerker",
    "role": "Rol",
}


def _for_the_form(error: str) -> str:
    """A change's problem as the form names it: 'changes[1].fte: moet groter
    zijn dan 0' becomes 'Fte: moet groter zijn dan 0'."""
    where, _, message = error.partition(": ")
    field = re.sub(r"^changes\[\d+\]\.?", "", where)
    return f"{FIELD_LABELS.get(field, field or 'Wijziging')}: {message}"


def remove_change(scenario_id: int, index: int, by: User | None) -> Scenario:
    scenario = get_scenario(scenario_id)
    _editable(scenario)
    if not 0 <= index < len(scenario.changes):
        raise ServiceError("Deze wijziging bestaat niet (meer).")
    instance, _ = _source(scenario.round_id)
    removed = scenario_changes(scenario)[index]
    scenario.changes = [c for i, c in enumerate(scenario.changes) if i != index]
    _back_to_draft(scenario)
    stamp(scenario, by)
    audit.record(
        "scenario_change_removed",
        by,
        object_type="scenario",
        object_id=scenario.id,
        round_id=scenario.round_id,
        name=scenario.name,
        change=describe_change(removed, _Names.of(instance)),
    )
    db.session.commit()
    return scenario


def _back_to_draft(scenario: Scenario) -> None:
    scenario.status = ScenarioStatus.DRAFT
    scenario.plan = None
    scenario.instance = None
    scenario.error = ""


@dataclass(frozen=True)
class _Names:
    """Instance id -> name, of employees and of roles, for Dutch lines."""

    people: dict[str, str]
    roles: dict[str, str]

    @classmethod
    def of(cls, *instances: Instance) -> _Names:
        return cls(
            {e.id: e.name or e.id for i in instances for e in i.employees},
            {r.id: r.name or r.id for i in instances for r in i.roles},
        )


def describe_change(change: Change, names: _Names) -> str:
    """One Dutch line for a change, with names."""
    if isinstance(change, Absence):
        return f"{names.people.get(change.employee, change.employee)} afwezig"
    if isinstance(change, ContractChange):
        who = names.people.get(change.employee, change.employee)
        return f"{who} naar {format_fte(change.fte)} fte"
    if isinstance(change, RemoveRole):
        return f"rol {names.roles.get(change.role, change.role)} vervalt"
    if isinstance(change, ResizeRole):
        what = names.roles.get(change.role, change.role)
        return f"rol {what} naar {format_fte(change.fte)} fte"
    if isinstance(change, AddRole):
        new = change.role
        return (
            f"nieuwe rol {new.name} ({format_fte(new.fte)} fte, rompfunctie "
            f"{'/'.join(new.base_functions)}"
            + (f", cluster {new.cluster}" if new.cluster else "")
            + _levels_text(new.requires, "vereist")
            + ")"
        )
    hired = change.employee
    return (
        f"nieuwe medewerker {hired.name} ({format_fte(hired.fte)} fte, rompfunctie "
        f"{hired.base_function}" + _levels_text(hired.competences, "kan") + ")"
    )


def _levels_text(levels: Mapping[str, int], verb: str) -> str:
    if not levels:
        return ""
    return f", {verb} " + ", ".join(f"{n} {lvl}" for n, lvl in levels.items())


def start_solve(
    scenario_id: int, by: User | None, *, time_limit_s: float | None = None
) -> Job:
    """Queue the re-plan of the scenario from the approved werkplannen (least
    disruption) as a background job, like an optimisation; returns at once."""
    scenario = get_scenario(scenario_id)
    _editable(scenario)
    check_round_approved(scenario.round_id)
    if not scenario.changes:
        raise ServiceError("Voeg eerst een wijziging toe.")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    limit = float(time_limit_s or jobs.default_time_limit(app))
    job = Job(kind="scenario", round_id=scenario.round_id, scenario_id=scenario.id)
    return jobs.queue_job(
        job,
        {"time_limit_s": limit, "name": scenario.name},
        by,
        "scenario_solve_started",
    )


def latest_job(scenario_id: int) -> Job | None:
    """The scenario's newest re-plan, checked for life (a job whose thread or
    worker is gone is marked failed, which frees the scenario again)."""
    found = jobs.scenario_jobs(scenario_id)
    if not found:
        return None
    jobs.check_job(found[0])
    return found[0]


def run_scenario_job(
    job_id: int, scenario_id: int, params: dict[str, Any], monitor: jobs.JobMonitor
) -> None:
    """The body of a scenario job (services/jobs.run_job): re-plan on typed data,
    then store the plan on the scenario in one transaction with the job's end
    (JSON only for storage)."""
    scenario = get_scenario(scenario_id)
    stored_changes = [dict(c) for c in scenario.changes]
    changes = scenario_changes(scenario)
    weight = scenario.disruption_weight
    instance, approved = _source(scenario.round_id)
    db.session.commit()  # end the read transaction before the solve
    total = sum(r.fte for r in instance.roles)
    reporter = jobs.ProgressReporter(
        db.engine, job_id, {"params": params}, total, monitor
    )
    try:
        target, plan = solve_from_plan(
            instance,
            approved,
            changes=changes,
            disruption_weight=weight,
            time_limit_s=float(params["time_limit_s"]),
            on_progress=reporter,
            should_stop=reporter.should_stop,
        )
    except InstanceError as exc:
        raise ServiceError(
            "Dit scenario kan niet worden doorgerekend: " + "; ".join(exc.errors)
        ) from exc
    job = jobs.running_job(job_id)
    if job is None:
        return
    job.progress = {**reporter.final, **jobs.final_progress(plan)}
    db.session.refresh(scenario)
    if scenario.status == ScenarioStatus.PUBLISHED:
        mark_job(job, JobStatus.FAILED, "Dit scenario is intussen doorgevoerd.")
        db.session.commit()
        return
    if scenario.changes != stored_changes:
        mark_job(
            job,
            JobStatus.FAILED,
            "De wijzigingen van het scenario zijn veranderd tijdens het "
            "doorrekenen; reken het opnieuw door.",
        )
        db.session.commit()
        return
    by = db.session.get(User, job.created_by_id) if job.created_by_id else None
    usable = plan.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)
    mark_job(job, JobStatus.CANCELLED if reporter.stop_asked else JobStatus.FINISHED)
    if reporter.stop_asked and not usable:
        db.session.commit()  # stopped before a plan: the scenario stays as it was
        return
    scenario.approved_plan = approved.to_json()
    scenario.instance = instance_to_json(target)
    scenario.plan = plan.to_json()
    scenario.status = ScenarioStatus.SOLVED if usable else ScenarioStatus.FAILED
    scenario.error = (
        ""
        if usable
        else f"Geen bruikbaar plan gevonden ({plan.status}). " + "; ".join(plan.errors)
    ).strip()
    stamp(scenario, by)
    figures = plan.figures
    audit.record(
        "scenario_solved",
        by,
        object_type="scenario",
        object_id=scenario.id,
        round_id=scenario.round_id,
        name=scenario.name,
        status=plan.status,
        uncovered_fte=_fte_or_none(figures.uncovered_fte),
        missing_backups=figures.missing_backups,
        roles=len(target.roles),
    )
    db.session.commit()


def _fte_or_none(units: int | None) -> float | int | None:
    return None if units is None else fte_number(units)


def awaiting_akkoord(employee_id: int) -> WorkPlan | None:
    """The medewerker's newest werkplan version from a published scenario that
    still waits for their akkoord (their round is proposed again), else None."""
    plan: WorkPlan | None = db.session.scalar(
        select(WorkPlan)
        .join(WorkPlan.round)
        .where(
            WorkPlan.employee_id == employee_id,
            WorkPlan.current.is_(True),
            WorkPlan.scenario_id.is_not(None),
            WorkPlan.status == WorkPlanStatus.PROPOSED,
            PlanningRound.status == RoundStatus.PROPOSED,
        )
        .order_by(WorkPlan.id.desc())
        .limit(1)
    )
    return plan


# --- comparing ------------------------------------------------------------------


@dataclass
class PersonChange:
    """Before and after for one medewerker (names, load in fte units, backups)."""

    key: str
    name: str
    before: list[str]  # "Rol (14 uur)"
    after: list[str]
    units_before: int  # holder load, exact fte units (shown in hours)
    units_after: int
    backups_before: list[str]
    backups_after: list[str]
    new: bool = False  # a new hire of the scenario

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.backups_before != self.backups_after

    @property
    def holder_changed(self) -> bool:
        return self.before != self.after


@dataclass
class RoleChange:
    name: str
    uncovered_before: int  # fte units (shown in hours a week)
    uncovered_after: int
    backups_before: int
    backups_after: int
    backups_needed: int


@dataclass
class Comparison:
    scenario: Scenario
    people: list[PersonChange] = field(default_factory=list)
    roles: list[RoleChange] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    units_changed: int = 0  # holder fte units moved (shown in hours a week)
    uncovered_units_before: int = 0
    uncovered_units_after: int = 0
    missing_backups_before: int = 0
    missing_backups_after: int = 0
    violations: list[str] = field(default_factory=list)
    # the approved werkplannen changed since it was re-planned (or proposed)
    stale: bool = False
    publishable: bool = False
    not_publishable_reason: str = ""

    @property
    def changed_people(self) -> list[PersonChange]:
        return [p for p in self.people if p.changed]


def _holdings(plan: Plan) -> dict[tuple[str, str], int]:
    held: dict[tuple[str, str], int] = defaultdict(int)
    for a in plan.of_kind(AssignmentKind.HOLDER):
        held[a.employee, a.role] += a.fte or 0
    return dict(held)


def _backups(plan: Plan) -> set[tuple[str, str]]:
    return {(a.employee, a.role) for a in plan.of_kind(AssignmentKind.BACKUP)}


def same_plan(one: Plan, other: Plan) -> bool:
    """The same assignments and shortfalls (status and figures aside)."""
    return (one.assignments, one.uncovered, one.missing_backups) == (
        other.assignments,
        other.uncovered,
        other.missing_backups,
    )


def compare(scenario_id: int) -> Comparison:
    """Before (approved) and after (scenario) per medewerker and per role, on
    typed plans (stored ones read through plan_from_json)."""
    scenario = get_scenario(scenario_id)
    instance, approved = _source(scenario.round_id)
    # a swap keeps the approved plan with its shortfalls (services/swaps.py)
    now = (
        plan_of(approved_plans(scenario.round_id), instance)
        if scenario.is_swap
        else approved
    )
    started_from = stored_plan(scenario.approved_plan)
    stale = started_from is not None and not same_plan(started_from, now)
    if started_from is not None:
        approved = started_from
    target = _stored_instance(scenario) or instance
    result = Comparison(
        scenario,
        changes=[
            describe_change(c, _Names.of(instance, target))
            for c in scenario_changes(scenario)
        ],
        stale=stale,
    )
    plan = stored_plan(scenario.plan)
    if plan is None:
        return result
    role_by_id = target.role_by_id
    original_roles = instance.role_by_id
    names = {e.id: e.name or e.id for e in target.employees}
    before, after = _holdings(approved), _holdings(plan)
    backs_before, backs_after = _backups(approved), _backups(plan)
    all_roles = {**original_roles, **role_by_id}

    def roles_of(held: dict[tuple[str, str], int], e: str) -> list[str]:
        return sorted(
            f"{_role_name(all_roles, r)} ({format_hours(u)} uur)"
            for (who, r), u in held.items()
            if who == e
        )

    def backed(backs: set[tuple[str, str]], e: str) -> list[str]:
        return sorted(_role_name(all_roles, r) for who, r in backs if who == e)

    hired = {c.employee.id for c in scenario_changes(scenario) if isinstance(c, Hire)}
    for e in sorted(names, key=lambda k: names[k]):
        result.people.append(
            PersonChange(
                key=e,
                name=names[e],
                before=roles_of(before, e),
                after=roles_of(after, e),
                units_before=sum(u for (w, _), u in before.items() if w == e),
                units_after=sum(u for (w, _), u in after.items() if w == e),
                backups_before=backed(backs_before, e),
                backups_after=backed(backs_after, e),
                new=e in hired,
            )
        )
    pairs = set(before) | set(after)
    result.units_changed = sum(abs(after.get(p, 0) - before.get(p, 0)) for p in pairs)
    for code, role in all_roles.items():
        size_before = original_roles[code].fte if code in original_roles else 0
        size_after = role_by_id[code].fte if code in role_by_id else 0
        held_before = sum(u for (_, r), u in before.items() if r == code)
        held_after = sum(u for (_, r), u in after.items() if r == code)
        row = RoleChange(
            name=role.name or code,
            uncovered_before=max(0, size_before - held_before),
            uncovered_after=max(0, size_after - held_after),
            backups_before=sum(1 for _, r in backs_before if r == code),
            backups_after=sum(1 for _, r in backs_after if r == code),
            backups_needed=role.backups,
        )
        result.roles.append(row)
        result.uncovered_units_before += row.uncovered_before
        result.uncovered_units_after += row.uncovered_after
        if code in original_roles:
            result.missing_backups_before += max(0, role.backups - row.backups_before)
        if code in role_by_id:
            result.missing_backups_after += max(0, role.backups - row.backups_after)
    result.roles.sort(key=lambda r: r.name)
    # the independent checker reads JSON: the stored instance and plan as kept
    target_json = scenario.instance or instance_to_json(instance)
    result.violations = [
        readable(v, target) for v in check_plan(target_json, scenario.plan or {})
    ]
    result.publishable, result.not_publishable_reason = _publishable(scenario, result)
    return result


def _role_name(roles: Mapping[str, typed.Role], code: str) -> str:
    role = roles.get(code)
    return role.name or code if role is not None else code


def _publishable(scenario: Scenario, result: Comparison) -> tuple[bool, str]:
    if scenario.status == ScenarioStatus.PUBLISHED:
        return False, "Dit scenario is al doorgevoerd."
    if scenario.status == ScenarioStatus.PROPOSED:
        return False, "De collega heeft nog niet op deze ruil geantwoord."
    if scenario.status == ScenarioStatus.DECLINED:
        return False, "De collega heeft deze ruil afgewezen."
    if scenario.status != ScenarioStatus.SOLVED:
        return False, "Reken het scenario eerst door."
    if result.stale and scenario.is_swap:
        return False, (
            "De goedgekeurde werkplannen zijn veranderd sinds deze ruil is "
            "voorgesteld; de medewerkers stellen hem zo nodig opnieuw voor."
        )
    if result.stale:
        return False, (
            "De goedgekeurde werkplannen zijn veranderd sinds dit scenario is "
            "doorgerekend (een ander scenario of een ruil is doorgevoerd): reken "
            "het opnieuw door."
        )
    if jobs.scenario_in_progress(scenario.id):
        return False, BUSY
    if result.violations:
        return False, "Het plan van dit scenario overtreedt een harde regel."
    return True, ""


# --- publishing -----------------------------------------------------------------


def _assignment_key(a: Assignment) -> tuple[int, str, int]:
    return (
        a.role_id,
        a.kind.value,
        a.fte_units if a.kind != AssignmentKind.BACKUP else 0,
    )


def publish_scenario(scenario_id: int, by: User) -> list[WorkPlan]:
    """New werkplan versions from the scenario's date for every medewerker whose
    werkplan changes (and a first one for a new hire); akkoord is asked again of
    them only. New, removed and resized roles and new hires are made in the same
    transaction. Refused (nothing changes) unless the independent checker
    accepts the scenario's plan."""
    try:
        return _publish(scenario_id, by)
    except ServiceError:
        db.session.rollback()
        raise


def _publish(scenario_id: int, by: User) -> list[WorkPlan]:
    scenario = get_scenario(scenario_id)
    check_round_approved(scenario.round_id)
    result = compare(scenario_id)
    if result.violations:
        raise HardRuleError(
            "Doorvoeren geweigerd: het plan van dit scenario overtreedt een harde "
            "regel. Er is niets gewijzigd.",
            result.violations,
            "Pas het scenario aan en reken het opnieuw door.",
        )
    if not result.publishable:
        raise ServiceError(result.not_publishable_reason)
    solved = stored_plan(scenario.plan)
    assert solved is not None  # SOLVED has a plan
    round_ = get_round(scenario.round_id, lock=True)
    changes = scenario_changes(scenario)
    hired, codes = _organisation_changes(scenario, changes, by)

    def employee_of(key: str) -> int | None:
        return hired.get(key) or employee_id_of(key)

    roles = {r.code: r.id for r in db.session.scalars(select(Role))}
    wanted: dict[int, list[Assignment]] = {}
    for a in solved.assignments:
        employee_id = employee_of(a.employee)
        code = codes.get(a.role, a.role)
        if employee_id is None or code not in roles:
            continue
        wanted.setdefault(employee_id, []).append(
            Assignment(
                role_id=roles[code],
                kind=a.kind,
                fte_units=a.fte or 0 if a.kind != AssignmentKind.BACKUP else 0,
                mentor_id=employee_of(a.mentor)
                if a.kind == AssignmentKind.LEARNER and a.mentor
                else None,
            )
        )
    made: list[WorkPlan] = []
    valid_until = scenario.valid_from - timedelta(days=1)
    plans = current_plans(scenario.round_id)
    proposal_id = plans[0].proposal_id if plans else None
    for employee_id in sorted(hired.values()):
        version = WorkPlan(
            round_id=scenario.round_id,
            employee_id=employee_id,
            proposal_id=proposal_id,
            version=1,
            current=True,
            status=WorkPlanStatus.PROPOSED,
            valid_from=scenario.valid_from,
            scenario_id=scenario.id,
            assignments=wanted.get(employee_id, []),
        )
        stamp(version, by, new=True)
        db.session.add(version)
        made.append(version)
    for plan in sorted(plans, key=lambda p: p.employee_id):
        new = wanted.get(plan.employee_id, [])
        if sorted(map(_assignment_key, plan.assignments)) == sorted(
            map(_assignment_key, new)
        ):
            continue  # unchanged: stays approved
        plan.current = False
        plan.valid_until = valid_until
        db.session.flush()
        version = WorkPlan(
            round_id=plan.round_id,
            employee_id=plan.employee_id,
            proposal_id=plan.proposal_id,
            version=plan.version + 1,
            current=True,
            status=WorkPlanStatus.PROPOSED,
            valid_from=scenario.valid_from,
            scenario_id=scenario.id,
            assignments=new,
        )
        stamp(version, by, new=True)
        db.session.add(version)
        made.append(version)
    db.session.flush()
    for version in made:
        audit.record(
            "werkplan_new_version",
            by,
            object_type="work_plan",
            object_id=version.id,
            employee_id=version.employee_id,
            version=version.version,
        )
    if made:
        round_.status = RoundStatus.PROPOSED  # akkoord and approval again
        stamp(round_, by)
    scenario.status = ScenarioStatus.PUBLISHED
    scenario.published_at = utcnow()
    stamp(scenario, by)
    audit.record(
        "scenario_published",
        by,
        object_type="scenario",
        object_id=scenario.id,
        round_id=scenario.round_id,
        name=scenario.name,
        valid_from=scenario.valid_from.isoformat(),
        werkplannen=len(made),
    )
    notifications.werkplan_changed(round_, made, event=f"scenario-{scenario.id}")
    db.session.commit()
    mail.kick()
    return made


def publish_effects(comparison: Comparison) -> list[str]:
    """What publishing changes beyond the werkplannen, one Dutch line each
    (for the confirmation page)."""
    scenario = comparison.scenario
    when = f"{scenario.valid_from:%d-%m-%Y}"
    lines = []
    changes = scenario_changes(scenario)
    for change, what in zip(changes, comparison.changes, strict=True):
        if isinstance(change, AddRole):
            lines.append(
                f"{what[0].upper()}{what[1:]}: komt in Beheer bij de rollen, geldig "
                f"vanaf {when}; de code (S{scenario.id}-…) kunt u daar wijzigen."
            )
        elif isinstance(change, RemoveRole):
            lines.append(
                f"{what[0].upper()}{what[1:]} vanaf {when}: de rol wordt inactief."
            )
        elif isinstance(change, ResizeRole):
            lines.append(f"{what[0].upper()}{what[1:]} vanaf {when}.")
        elif isinstance(change, Hire):
            lines.append(
                f"{what[0].upper()}{what[1:]}: komt in Beheer bij de medewerkers met "
                "een account zonder wachtwoord; inloggen kan pas als u hem of haar "
                "in Beheer uitnodigt of een eerste wachtwoord geeft."
            )
    return lines


def _organisation_changes(
    scenario: Scenario, changes: list[Change], by: User
) -> tuple[dict[str, int], dict[str, str]]:
    """Make what the scenario adds, removes or resizes, in Beheer's way and
    flushed only (the publish commits or rolls back as a whole). Returns the
    new hires (scenario key -> employee id) and new roles (scenario id ->
    code)."""
    hired: dict[str, int] = {}
    codes: dict[str, str] = {}
    clusters = {c.name: c.id for c in db.session.scalars(select(Cluster))}
    competences = {c.name: c.id for c in db.session.scalars(select(Competence))}

    def rows(levels: Mapping[str, int]) -> list[tuple[str | int, str | int]]:
        return [(competences[n], v) for n, v in levels.items() if n in competences]

    for index, change in enumerate(changes, start=1):
        if isinstance(change, AddRole):
            new = change.role
            code = _free(f"S{scenario.id}-{index}", Role.code)  # changeable in Beheer
            with _refused_as(f"nieuwe rol {new.name}"):
                role = organisation.save_role(
                    organisation.RoleInput(
                        code=code,
                        name=new.name,
                        cluster_id=clusters.get(new.cluster),
                        fte=format_fte(new.fte),
                        base_functions=list(new.base_functions),
                        requirements=rows(new.requires),
                        backups_needed=new.backups,
                    ),
                    by,
                    commit=False,
                )
            role.valid_from = scenario.valid_from
            codes[new.id] = code
        elif isinstance(change, Hire):
            hire = change.employee
            username = _free(_username_of(hire.name), Employee.username, User.username)
            with _refused_as(f"nieuwe medewerker {hire.name}"):
                employee, _ = staff.create_employee(
                    staff.EmployeeInput(
                        name=hire.name,
                        username=username,
                        contract=format_fte(hire.fte),
                        base_function=hire.base_function,
                        competences=rows(hire.competences),
                    ),
                    by,
                    login=False,
                    commit=False,
                )
            hired[hire.id] = employee.id
        elif isinstance(change, RemoveRole | ResizeRole):
            _change_role(scenario, change, by)
    return hired, codes


def _change_role(scenario: Scenario, change: RemoveRole | ResizeRole, by: User) -> None:
    """A role removed (inactive, valid until the day before the date) or
    resized (from the date), with a Beheer audit entry."""
    role = db.session.scalar(select(Role).where(Role.code == change.role))
    if role is None:
        raise ServiceError(f"De rol {change.role} bestaat niet meer.")
    after: dict[str, Any]
    if isinstance(change, RemoveRole):
        until = scenario.valid_from - timedelta(days=1)
        before: dict[str, Any] = {"active": role.active, "valid_until": None}
        role.active, role.valid_until = False, until
        after = {"active": False, "valid_until": until.isoformat()}
    else:
        before = {"fte_units": role.fte_units}
        role.fte_units = change.fte
        if role.min_share_units is not None and role.min_share_units > change.fte:
            role.min_share_units = change.fte
        after = {"fte_units": change.fte}
    stamp(role, by)
    db.session.flush()
    audit.record(
        "beheer.update",
        by,
        object_type="role",
        object_id=role.id,
        changes={k: [before.get(k), v] for k, v in after.items()},
        scenario_id=scenario.id,
        valid_from=scenario.valid_from.isoformat(),
    )


@contextmanager
def _refused_as(what: str) -> Iterator[None]:
    """A Beheer refusal of a new role or hire as one Dutch sentence."""
    try:
        yield
    except InvalidInput as exc:
        problems = "; ".join(m for ms in exc.errors.values() for m in ms)
        raise ServiceError(
            f"Doorvoeren geweigerd: {what} kan zo niet worden vastgelegd "
            f"({problems}). Er is niets gewijzigd."
        ) from exc


def _username_of(name: str) -> str:
    """A username from a name: lower-case ASCII words joined by dots."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    return ".".join(words)[:50].strip(".") or "medewerker"


def _free(wanted: str, *columns: Any) -> str:
    """``wanted``, or with -2, -3, ... while a column already holds it."""
    candidate, number = wanted, 1
    while any(
        db.session.scalar(select(c).where(c == candidate).limit(1)) is not None
        for c in columns
    ):
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate
