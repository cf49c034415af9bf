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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..domain import (
    FTE_SCALE,
    AssignmentKind,
    BaseFunction,
    FteError,
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
from ..solver.replan import CHANGE_KINDS, change_errors, solve_from_plan
from . import audit, jobs, mail, notifications, organisation, staff, validation
from .base import ServiceError, stamp, utcnow
from .beheer import InvalidInput
from .hard_rules import HardRuleError, plan_json_of, readable
from .rounds import get_round
from .solver_bridge import (
    approved_plans,
    assignments_json,
    build_instance,
    current_plans,
    employee_id_of,
    employee_key,
    mark_job,
)

NAME_MAX = 120
BUSY = "Dit scenario wordt doorgerekend; wacht tot dat klaar is."
MAX_CHANGES = 20
HOURS_PER_FTE = 36

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


def _source(round_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The round as an instance (approved werkplannen not frozen) and the
    approved werkplannen as a plan: what a scenario starts from."""
    instance = build_instance(round_id, freeze_approved=False)
    employees = {
        i for e in instance["employees"] if (i := employee_id_of(e["id"])) is not None
    }
    roles = {r.id: r.code for r in db.session.scalars(select(Role))}
    codes = {r["id"] for r in instance["roles"]}
    plan = {
        "assignments": [
            a
            for a in assignments_json(approved_plans(round_id), employees, roles)
            if a["role"] in codes
        ]
    }
    return instance, plan


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


def _fte_units(text: str, label: str) -> int:
    try:
        units = parse_fte(text)
    except FteError as exc:
        raise ServiceError(f"{label}: {exc}.") from exc
    if units <= 0:
        raise ServiceError(f"{label}: moet groter zijn dan 0.")
    return units


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
) -> dict[str, Any]:
    """A change in the solver's format from the form's fields (Dutch errors).
    A new role needs its cluster; ``levels`` (competence id to level, empty
    for none) are what a new role requires or what a new hire can."""
    if kind not in CHANGE_KINDS:
        raise ServiceError("Kies wat er verandert.")
    change: dict[str, Any] = {"kind": kind}
    if kind in ("absence", "contract"):
        employee = db.session.get(Employee, employee_id) if employee_id else None
        if employee is None or not employee.active:
            raise ServiceError("Kies een medewerker.")
        change["employee"] = employee_key(employee.id)
    if kind in ("remove_role", "resize_role"):
        role = db.session.get(Role, role_id) if role_id else None
        if role is None:
            raise ServiceError("Kies een rol.")
        change["role"] = role.code
    if kind in ("contract", "resize_role"):
        units = _fte_units(fte, "Fte")
        change["fte"] = format_fte(units).replace(",", ".")
    if kind in ("add_role", "hire"):
        label = (name or "").strip()
        if not label or len(label) > NAME_MAX:
            raise ServiceError(f"Geef een naam (hoogstens {NAME_MAX} tekens).")
        if base_function not in {b.value for b in BaseFunction}:
            raise ServiceError("Kies een rompfunctie.")
        units = _fte_units(fte, "Fte")
        number = format_fte(units).replace(",", ".")
        named = _levels(levels or {})
        if kind == "hire":
            change["employee"] = {
                "id": ident or "nieuw",
                "name": label,
                "fte": number,
                "base_function": base_function,
                "competences": named,
            }
        else:
            cluster = db.session.get(Cluster, cluster_id) if cluster_id else None
            if cluster is None:
                raise ServiceError("Kies het cluster van de nieuwe rol.")
            change["role"] = {
                "id": ident or "nieuw",
                "name": label,
                "cluster": cluster.name,
                "fte": number,
                "base_functions": [base_function],
                "requires": named,
            }
    return change


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


def add_change(scenario_id: int, change: dict[str, Any], by: User | None) -> Scenario:
    """Add a change; refused (nothing changes) when the solver would refuse it."""
    scenario = get_scenario(scenario_id)
    _editable(scenario)
    if len(scenario.changes) >= MAX_CHANGES:
        raise ServiceError(f"Een scenario heeft hoogstens {MAX_CHANGES} wijzigingen.")
    change = dict(change)
    if change.get("kind") in ("add_role", "hire"):
        # a fresh id in the scenario (new-1, new-2, ...): never an existing one
        key = "role" if change["kind"] == "add_role" else "employee"
        change[key] = dict(change[key]) | {"id": f"nieuw-{len(scenario.changes) + 1}"}
    changes = [*scenario.changes, change]
    instance, _ = _source(scenario.round_id)
    errors = change_errors(instance, changes)
    if errors:
        raise ServiceError(
            "Deze wijziging past niet: "
            + "; ".join(readable(e, instance) for e in errors)
        )
    scenario.changes = changes
    _back_to_draft(scenario)
    stamp(scenario, by)
    audit.record(
        "scenario_change_added",
        by,
        object_type="scenario",
        object_id=scenario.id,
        round_id=scenario.round_id,
        name=scenario.name,
        change=describe_change(change, instance),
    )
    db.session.commit()
    return scenario


def remove_change(scenario_id: int, index: int, by: User | None) -> Scenario:
    scenario = get_scenario(scenario_id)
    _editable(scenario)
    if not 0 <= index < len(scenario.changes):
        raise ServiceError("Deze wijziging bestaat niet (meer).")
    instance, _ = _source(scenario.round_id)
    removed = scenario.changes[index]
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
        change=describe_change(removed, instance),
    )
    db.session.commit()
    return scenario


def _back_to_draft(scenario: Scenario) -> None:
    scenario.status = ScenarioStatus.DRAFT
    scenario.plan = None
    scenario.instance = None
    scenario.error = ""


def describe_change(change: dict[str, Any], instance: dict[str, Any]) -> str:
    """One Dutch line for a change, with names."""
    names = {e["id"]: e.get("name", e["id"]) for e in instance.get("employees", [])}
    roles = {r["id"]: r.get("name", r["id"]) for r in instance.get("roles", [])}
    kind = change.get("kind")
    if kind == "absence":
        return f"{names.get(change['employee'], change['employee'])} afwezig"
    if kind == "contract":
        who = names.get(change["employee"], change["employee"])
        return f"{who} naar {_fte_text(change['fte'])} fte"
    if kind == "remove_role":
        return f"rol {roles.get(change['role'], change['role'])} vervalt"
    if kind == "resize_role":
        what = roles.get(change["role"], change["role"])
        return f"rol {what} naar {_fte_text(change['fte'])} fte"
    if kind == "add_role":
        new = change["role"]
        return (
            f"nieuwe rol {new['name']} ({_fte_text(new['fte'])} fte, rompfunctie "
            f"{'/'.join(new['base_functions'])}"
            + (f", cluster {new['cluster']}" if new.get("cluster") else "")
            + _levels_text(new.get("requires"), "vereist")
            + ")"
        )
    new = change["employee"]
    return (
        f"nieuwe medewerker {new['name']} ({_fte_text(new['fte'])} fte, rompfunctie "
        f"{new['base_function']}" + _levels_text(new.get("competences"), "kan") + ")"
    )


def _levels_text(levels: dict[str, int] | None, verb: str) -> str:
    if not levels:
        return ""
    return f", {verb} " + ", ".join(f"{n} {lvl}" for n, lvl in levels.items())


def _fte_text(value: Any) -> str:
    return format_fte(parse_fte(str(value)))


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
    """The body of a scenario job (services/jobs.run_job): re-plan, then store
    the plan on the scenario in one transaction with the job's end."""
    scenario = get_scenario(scenario_id)
    changes = [dict(c) for c in scenario.changes]
    weight = scenario.disruption_weight
    instance, approved = _source(scenario.round_id)
    db.session.commit()  # end the read transaction before the solve
    total = sum(parse_fte(str(r["fte"])) for r in instance["roles"])
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
    plan_json = plan.to_json()
    job.progress = {**reporter.final, **jobs.final_progress(plan)}
    db.session.refresh(scenario)
    if scenario.status == ScenarioStatus.PUBLISHED:
        mark_job(job, JobStatus.FAILED, "Dit scenario is intussen doorgevoerd.")
        db.session.commit()
        return
    if scenario.changes != changes:
        mark_job(
            job,
            JobStatus.FAILED,
            "De wijzigingen van het scenario zijn veranderd tijdens het "
            "doorrekenen; reken het opnieuw door.",
        )
        db.session.commit()
        return
    by = db.session.get(User, job.created_by_id) if job.created_by_id else None
    usable = plan.status in ("optimal", "feasible")
    mark_job(job, JobStatus.CANCELLED if reporter.stop_asked else JobStatus.FINISHED)
    if reporter.stop_asked and not usable:
        db.session.commit()  # stopped before a plan: the scenario stays as it was
        return
    scenario.approved_plan = approved
    scenario.instance = instance_json = _instance_json(target)
    scenario.plan = plan_json
    scenario.status = ScenarioStatus.SOLVED if usable else ScenarioStatus.FAILED
    scenario.error = (
        ""
        if usable
        else f"Geen bruikbaar plan gevonden ({plan.status}). " + "; ".join(plan.errors)
    ).strip()
    stamp(scenario, by)
    audit.record(
        "scenario_solved",
        by,
        object_type="scenario",
        object_id=scenario.id,
        round_id=scenario.round_id,
        name=scenario.name,
        status=plan.status,
        uncovered_fte=plan_json["metrics"].get("uncovered_fte"),
        missing_backups=plan_json["metrics"].get("missing_backups"),
        roles=len(instance_json["roles"]),
    )
    db.session.commit()


def _instance_json(target: Any) -> dict[str, Any]:
    from ..solver import instance_to_json

    data: dict[str, Any] = instance_to_json(target)
    return data


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
    """Before and after for one medewerker (names, hours, backups)."""

    key: str
    name: str
    before: list[str]  # "Rol (14 uur)"
    after: list[str]
    hours_before: float
    hours_after: float
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
    uncovered_before: float  # hours a week
    uncovered_after: float
    backups_before: int
    backups_after: int
    backups_needed: int


@dataclass
class Comparison:
    scenario: Scenario
    people: list[PersonChange] = field(default_factory=list)
    roles: list[RoleChange] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    hours_changed: float = 0.0
    uncovered_hours_before: float = 0.0
    uncovered_hours_after: float = 0.0
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


def _hours(units: int) -> float:
    return round(units * HOURS_PER_FTE / FTE_SCALE, 1)


def _holdings(plan: dict[str, Any]) -> dict[tuple[str, str], int]:
    held: dict[tuple[str, str], int] = {}
    for a in plan.get("assignments", []):
        if a.get("kind", "holder") == "holder":
            pair = (a["employee"], a["role"])
            held[pair] = held.get(pair, 0) + parse_fte(str(a.get("fte", 0)))
    return held


def _backups(plan: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (a["employee"], a["role"])
        for a in plan.get("assignments", [])
        if a.get("kind") == "backup"
    }


def compare(scenario_id: int) -> Comparison:
    """Before (approved) and after (scenario) per medewerker and per role."""
    scenario = get_scenario(scenario_id)
    instance, approved = _source(scenario.round_id)
    # a swap keeps the approved plan in the checker's form (services/swaps.py)
    now = (
        plan_json_of(approved_plans(scenario.round_id), instance)
        if scenario.is_swap
        else approved
    )
    stale = scenario.approved_plan is not None and scenario.approved_plan != now
    if scenario.approved_plan is not None:
        approved = scenario.approved_plan
    target = scenario.instance or instance
    both = {
        "employees": [*instance["employees"], *target["employees"]],
        "roles": [*instance["roles"], *target["roles"]],
    }
    result = Comparison(
        scenario,
        changes=[describe_change(c, both) for c in scenario.changes],
        stale=stale,
    )
    if scenario.plan is None:
        return result
    plan = scenario.plan
    role_by_id = {r["id"]: r for r in target["roles"]}
    original_roles = {r["id"]: r for r in instance["roles"]}
    names = {e["id"]: e.get("name", e["id"]) for e in target["employees"]}
    before, after = _holdings(approved), _holdings(plan)
    backs_before, backs_after = _backups(approved), _backups(plan)

    def roles_of(held: dict[tuple[str, str], int], e: str) -> list[str]:
        return sorted(
            f"{_role_name(role_by_id, original_roles, r)} ({format_hours(u)} uur)"
            for (who, r), u in held.items()
            if who == e
        )

    def backed(backs: set[tuple[str, str]], e: str) -> list[str]:
        return sorted(
            _role_name(role_by_id, original_roles, r) for who, r in backs if who == e
        )

    hired = {c["employee"]["id"] for c in scenario.changes if c.get("kind") == "hire"}
    for e in sorted(names, key=lambda k: names[k]):
        result.people.append(
            PersonChange(
                key=e,
                name=names[e],
                before=roles_of(before, e),
                after=roles_of(after, e),
                hours_before=_hours(sum(u for (w, _), u in before.items() if w == e)),
                hours_after=_hours(sum(u for (w, _), u in after.items() if w == e)),
                backups_before=backed(backs_before, e),
                backups_after=backed(backs_after, e),
                new=e in hired,
            )
        )
    pairs = set(before) | set(after)
    result.hours_changed = _hours(
        sum(abs(after.get(p, 0) - before.get(p, 0)) for p in pairs)
    )
    all_roles = {**original_roles, **role_by_id}
    for code, role in all_roles.items():
        size_before = (
            parse_fte(str(original_roles[code]["fte"])) if code in original_roles else 0
        )
        size_after = (
            parse_fte(str(role_by_id[code]["fte"])) if code in role_by_id else 0
        )
        held_before = sum(u for (_, r), u in before.items() if r == code)
        held_after = sum(u for (_, r), u in after.items() if r == code)
        needed = int(role.get("backups", 1))
        row = RoleChange(
            name=str(role.get("name", code)),
            uncovered_before=_hours(max(0, size_before - held_before)),
            uncovered_after=_hours(max(0, size_after - held_after)),
            backups_before=sum(1 for _, r in backs_before if r == code),
            backups_after=sum(1 for _, r in backs_after if r == code),
            backups_needed=needed,
        )
        result.roles.append(row)
        result.uncovered_hours_before += row.uncovered_before
        result.uncovered_hours_after += row.uncovered_after
        if code in original_roles:
            result.missing_backups_before += max(0, needed - row.backups_before)
        if code in role_by_id:
            result.missing_backups_after += max(0, needed - row.backups_after)
    result.roles.sort(key=lambda r: r.name)
    result.uncovered_hours_before = round(result.uncovered_hours_before, 1)
    result.uncovered_hours_after = round(result.uncovered_hours_after, 1)
    result.violations = [readable(v, target) for v in check_plan(target, plan)]
    result.publishable, result.not_publishable_reason = _publishable(scenario, result)
    return result


def _size(role: dict[str, Any] | None) -> int:
    return parse_fte(str(role["fte"])) if role is not None else 0


def _role_name(
    roles: dict[str, dict[str, Any]], original: dict[str, dict[str, Any]], code: str
) -> str:
    role = roles.get(code) or original.get(code) or {}
    return str(role.get("name", code))


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
    assert scenario.plan is not None  # SOLVED has a plan
    round_ = get_round(scenario.round_id, lock=True)
    hired, codes = _organisation_changes(scenario, by)

    def employee_of(key: str) -> int | None:
        return hired.get(key) or employee_id_of(key)

    roles = {r.code: r.id for r in db.session.scalars(select(Role))}
    wanted: dict[int, list[Assignment]] = {}
    mentors: dict[str, str] = {}
    for a in scenario.plan.get("assignments", []):
        if a.get("kind") == "learner" and a.get("mentor"):
            mentors[a["employee"] + "/" + a["role"]] = a["mentor"]
    for a in scenario.plan.get("assignments", []):
        employee_id = employee_of(a["employee"])
        code = codes.get(a["role"], a["role"])
        if employee_id is None or code not in roles:
            continue
        kind = AssignmentKind(a.get("kind", "holder"))
        mentor = mentors.get(a["employee"] + "/" + a["role"])
        share = parse_fte(str(a["fte"])) if kind != AssignmentKind.BACKUP else 0
        wanted.setdefault(employee_id, []).append(
            Assignment(
                role_id=roles[code],
                kind=kind,
                fte_units=share,
                mentor_id=employee_of(mentor) if mentor else None,
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
    for change, what in zip(scenario.changes, comparison.changes, strict=True):
        kind = change.get("kind")
        if kind == "add_role":
            lines.append(
                f"{what[0].upper()}{what[1:]}: komt in Beheer bij de rollen, geldig "
                f"vanaf {when}; de code (S{scenario.id}-…) kunt u daar wijzigen."
            )
        elif kind == "remove_role":
            lines.append(
                f"{what[0].upper()}{what[1:]} vanaf {when}: de rol wordt inactief."
            )
        elif kind == "resize_role":
            lines.append(f"{what[0].upper()}{what[1:]} vanaf {when}.")
        elif kind == "hire":
            lines.append(
                f"{what[0].upper()}{what[1:]}: komt in Beheer bij de medewerkers met "
                "een account zonder wachtwoord; inloggen kan pas als u hem of haar "
                "in Beheer uitnodigt of een eerste wachtwoord geeft."
            )
    return lines


def _organisation_changes(
    scenario: Scenario, by: User
) -> tuple[dict[str, int], dict[str, str]]:
    """Make what the scenario adds, removes or resizes, in Beheer's way and
    flushed only (the publish commits or rolls back as a whole). Returns the
    new hires (scenario key -> employee id) and new roles (scenario id ->
    code)."""
    hired: dict[str, int] = {}
    codes: dict[str, str] = {}
    clusters = {c.name: c.id for c in db.session.scalars(select(Cluster))}
    competences = {c.name: c.id for c in db.session.scalars(select(Competence))}

    def rows(levels: dict[str, int] | None) -> list[tuple[str | int, str | int]]:
        return [
            (competences[n], v) for n, v in (levels or {}).items() if n in competences
        ]

    for index, change in enumerate(scenario.changes, start=1):
        kind = change.get("kind")
        if kind == "add_role":
            new = change["role"]
            code = _free(f"S{scenario.id}-{index}", Role.code)  # changeable in Beheer
            with _refused_as(f"nieuwe rol {new['name']}"):
                role = organisation.save_role(
                    organisation.RoleInput(
                        code=code,
                        name=new["name"],
                        cluster_id=clusters.get(str(new.get("cluster"))),
                        fte=_fte_text(new["fte"]),
                        base_functions=list(new["base_functions"]),
                        requirements=rows(new.get("requires")),
                        backups_needed=int(new.get("backups", 1)),
                    ),
                    by,
                    commit=False,
                )
            role.valid_from = scenario.valid_from
            codes[str(new["id"])] = code
        elif kind == "hire":
            new = change["employee"]
            username = _free(
                _username_of(new["name"]), Employee.username, User.username
            )
            with _refused_as(f"nieuwe medewerker {new['name']}"):
                employee, _ = staff.create_employee(
                    staff.EmployeeInput(
                        name=new["name"],
                        username=username,
                        contract=_fte_text(new["fte"]),
                        base_function=new["base_function"],
                        competences=rows(new.get("competences")),
                    ),
                    by,
                    login=False,
                    commit=False,
                )
            hired[str(new["id"])] = employee.id
        elif kind in ("remove_role", "resize_role"):
            _change_role(scenario, change, by)
    return hired, codes


def _change_role(scenario: Scenario, change: dict[str, Any], by: User) -> None:
    """A role removed (inactive, valid until the day before the date) or
    resized (from the date), with a Beheer audit entry."""
    role = db.session.scalar(select(Role).where(Role.code == change["role"]))
    if role is None:
        raise ServiceError(f"De rol {change['role']} bestaat niet meer.")
    after: dict[str, Any]
    if change["kind"] == "remove_role":
        until = scenario.valid_from - timedelta(days=1)
        before: dict[str, Any] = {"active": role.active, "valid_until": None}
        role.active, role.valid_until = False, until
        after = {"active": False, "valid_until": until.isoformat()}
    else:
        units = parse_fte(str(change["fte"]))
        before = {"fte_units": role.fte_units}
        role.fte_units = units
        if role.min_share_units is not None and role.min_share_units > units:
            role.min_share_units = units
        after = {"fte_units": units}
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
