"""The one place where the database and the solver meet.

``build_instance`` turns a planning round into instance format v1
(``round_instance``: typed) and ``store_plan`` writes a typed plan back as a
numbered Proposal with its werkplannen, in one transaction. Ids in the instance:
employees are ``m<id>`` (the database id, stable when a username changes), roles
are their code.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..domain import (
    AssignmentKind,
    Choice,
    PlanStatus,
    RoundStatus,
)
from ..extensions import db
from ..models import (
    Assignment,
    Employee,
    EmployeeCompetence,
    Job,
    JobStatus,
    Pin,
    PinKind,
    Preference,
    Proposal,
    ProposalStatus,
    Role,
    RoleRequirement,
    User,
    WorkPlan,
    WorkPlanStatus,
)
from ..solver.instance import (
    Instance,
    InstanceError,
    fte_number,
    instance_to_json,
    parse_instance,
)
from ..solver.plan import Plan, PlanAssignment, explanations_of, plan_from_json
from ..solver.sections import Explanations, Figures, figures_of
from . import audit, mail, notifications
from .base import ServiceError, stamp, utcnow
from .consent import keep_consent, same_werkplan
from .rounds import get_round

INSTANCE_VERSION = 1


def employee_key(employee_id: int) -> str:
    """The instance id of an employee: 'm' + database id."""
    return f"m{employee_id}"


def employee_id_of(key: str) -> int | None:
    """The database id behind an instance employee id, or None."""
    if len(key) > 1 and key[0] == "m" and key[1:].isdigit():
        return int(key[1:])
    return None


def _employees() -> list[Employee]:
    return list(
        db.session.scalars(
            select(Employee)
            .where(Employee.active.is_(True))
            .options(
                selectinload(Employee.competences).selectinload(
                    EmployeeCompetence.competence
                )
            )
            .order_by(Employee.id)
        )
    )


def _roles(ends_on: date | None = None) -> list[Role]:
    """The active roles; with ``ends_on`` (a round's end) not those a scenario
    added from a later date."""
    query = select(Role).where(Role.active.is_(True))
    if ends_on is not None:
        query = query.where(or_(Role.valid_from.is_(None), Role.valid_from <= ends_on))
    return list(
        db.session.scalars(
            query.options(
                selectinload(Role.requirements).selectinload(
                    RoleRequirement.competence
                ),
                selectinload(Role.cluster),
            ).order_by(Role.code)
        )
    )


def current_plans(round_id: int) -> list[WorkPlan]:
    """The current werkplan of every employee in a round, with its employee and
    its assignments' roles loaded."""
    return list(
        db.session.scalars(
            select(WorkPlan)
            .where(WorkPlan.round_id == round_id, WorkPlan.current.is_(True))
            .options(
                selectinload(WorkPlan.employee),
                selectinload(WorkPlan.assignments).selectinload(Assignment.role),
            )
        )
    )


def approved_plans(round_id: int) -> list[WorkPlan]:
    """The newest approved werkplan of every employee in a round (a later, not yet
    approved version does not count as the approved plan)."""
    newest: dict[int, WorkPlan] = {}
    for plan in db.session.scalars(
        select(WorkPlan)
        .where(
            WorkPlan.round_id == round_id,
            WorkPlan.status == WorkPlanStatus.APPROVED,
        )
        .options(selectinload(WorkPlan.assignments))
        .order_by(WorkPlan.version)
    ):
        newest[plan.employee_id] = plan
    return list(newest.values())


def werkplan_assignments(
    plans: list[WorkPlan], employees: set[int], roles: dict[int, str]
) -> list[PlanAssignment]:
    """Assignments of werkplannen, typed (active people and roles; no mentors)."""
    return [
        PlanAssignment(
            employee_key(plan.employee_id),
            roles[a.role_id],
            a.kind,
            None if a.kind == AssignmentKind.BACKUP else a.fte_units,
        )
        for plan in plans
        if plan.employee_id in employees
        for a in plan.assignments
        if a.role_id in roles
    ]


def assignments_json(
    plans: list[WorkPlan], employees: set[int], roles: dict[int, str]
) -> list[dict[str, Any]]:
    """werkplan_assignments in instance format (build_instance's previous, pins)."""
    return [
        {"employee": a.employee, "role": a.role, "kind": a.kind.value}
        | ({"fte": fte_number(a.fte)} if a.fte is not None else {})
        for a in werkplan_assignments(plans, employees, roles)
    ]


def build_instance(
    round_id: int,
    *,
    settings: dict[str, Any] | None = None,
    continuity_proposal_id: int | None = None,
    freeze_approved: bool = True,
) -> dict[str, Any]:
    """Instance format v1 for a round: active employees and roles, preferences,
    the previous approved plan (or a proposal, to change as little as possible of
    it), pins and forbids, and the round's settings (``settings`` overrides).
    Approved werkplannen become pins unless ``freeze_approved`` is False (a
    scenario re-plans them, starting from them: services/scenarios.py)."""
    round_ = get_round(round_id)
    employees = _employees()
    roles = _roles(round_.ends_on)
    employee_ids = {e.id for e in employees}
    role_codes = {r.id: r.code for r in roles}

    preferences = [
        {
            "employee": employee_key(p.employee_id),
            "role": role_codes[p.role_id],
            "choice": p.choice.value,
        }
        for p in db.session.scalars(
            select(Preference)
            .where(Preference.round_id == round_id)
            .order_by(Preference.employee_id, Preference.role_id)
        )
        if p.employee_id in employee_ids
        and p.role_id in role_codes
        and p.choice != Choice.NEUTRAL
    ]

    previous: list[dict[str, Any]] = []
    if continuity_proposal_id is not None:
        proposal = db.session.get(Proposal, continuity_proposal_id)
        if proposal is None or proposal.round_id != round_id or not proposal.plan:
            raise ServiceError("Dit voorstel hoort niet bij deze planronde.")
        keys = {employee_key(i) for i in employee_ids}
        codes = set(role_codes.values())
        previous = [
            {"employee": a.employee, "role": a.role, "kind": a.kind.value}
            | ({"fte": fte_number(a.fte)} if a.fte is not None else {})
            for a in stored_plan(proposal).assignments
            if a.employee in keys and a.role in codes
        ]
    elif round_.previous_round_id is not None:
        previous = assignments_json(
            approved_plans(round_.previous_round_id), employee_ids, role_codes
        )

    pins: list[dict[str, Any]] = []
    forbid: list[dict[str, Any]] = []
    for pin in db.session.scalars(
        select(Pin).where(Pin.round_id == round_id).order_by(Pin.id)
    ):
        if pin.employee_id not in employee_ids or pin.role_id not in role_codes:
            continue
        item: dict[str, Any] = {
            "employee": employee_key(pin.employee_id),
            "role": role_codes[pin.role_id],
            "kind": pin.kind.value,
        }
        if pin.pin_kind == PinKind.PIN:
            if pin.fte_units is not None and pin.kind != AssignmentKind.BACKUP:
                item["fte"] = fte_number(pin.fte_units)
            pins.append(item)
        else:
            forbid.append(item)

    if freeze_approved:
        _freeze_approved(round_id, employee_ids, role_codes, pins, forbid)
    merged_settings = dict(round_.settings or {})
    merged_settings.update(settings or {})
    return {
        "version": INSTANCE_VERSION,
        "name": f"Planronde {round_.label}",
        "employees": [
            {
                "id": employee_key(e.id),
                "name": e.name,
                "fte": fte_number(e.contract_units),
                "base_function": e.base_function.value,
                "competences": {
                    ec.competence.name: ec.level
                    for ec in sorted(e.competences, key=lambda c: c.competence.name)
                },
                "available": True,
            }
            for e in employees
        ],
        "roles": [
            {
                "id": r.code,
                "name": r.name,
                "cluster": r.cluster.name,
                "fte": fte_number(r.fte_units),
                "base_functions": [b.value for b in r.base_functions],
                "requires": {
                    req.competence.name: req.min_level
                    for req in sorted(r.requirements, key=lambda q: q.competence.name)
                },
                "backups": r.backups_needed,
                "max_holders": r.max_holders if r.splittable else 1,
                "min_share": fte_number(r.effective_min_share_units),
                "critical": r.critical,
            }
            for r in roles
        ],
        "preferences": preferences,
        "previous": previous,
        "pins": pins,
        "forbid": forbid,
        "settings": merged_settings,
    }


def _freeze_approved(
    round_id: int,
    employee_ids: set[int],
    role_codes: dict[int, str],
    pins: list[dict[str, Any]],
    forbid: list[dict[str, Any]],
) -> None:
    """An approved werkplan is read-only: a new run keeps it exactly. Its
    assignments become pins and every other role is forbidden to its medewerker,
    so the new proposal fits around the approved werkplannen instead of mixing."""
    approved = [
        plan
        for plan in current_plans(round_id)
        if plan.status == WorkPlanStatus.APPROVED
    ]
    pinned = {(p["employee"], p["role"]) for p in pins}
    for item in assignments_json(approved, employee_ids, role_codes):
        if (item["employee"], item["role"]) in pinned:
            continue
        pin = dict(item)
        if pin["kind"] != AssignmentKind.HOLDER.value:
            pin.pop("fte", None)
        pins.append(pin)
        pinned.add((item["employee"], item["role"]))
    for plan in approved:
        key = employee_key(plan.employee_id)
        if plan.employee_id not in employee_ids:
            continue
        for code in role_codes.values():
            if (key, code) not in pinned:
                forbid.append({"employee": key, "role": code})


def round_instance(
    round_id: int,
    *,
    continuity_proposal_id: int | None = None,
    freeze_approved: bool = True,
) -> Instance:
    """The round as a typed instance (build_instance read by parse_instance): what
    the services hand the solver. Invalid round data is a ServiceError in Dutch."""
    data = build_instance(
        round_id,
        continuity_proposal_id=continuity_proposal_id,
        freeze_approved=freeze_approved,
    )
    try:
        return parse_instance(data)
    except InstanceError as exc:
        raise ServiceError(
            "De gegevens van de planronde zijn ongeldig: " + "; ".join(exc.errors)
        ) from exc


def stored_instance(proposal: Proposal) -> Instance:
    """The instance a proposal was computed from, typed; an empty one when the
    proposal keeps none."""
    if not proposal.instance:
        return Instance(name="", employees=(), roles=())
    return parse_instance(proposal.instance)


def stored_plan(proposal: Proposal) -> Plan:
    """The plan a proposal keeps, typed (fte in exact units); an empty plan of
    status unknown when it keeps none."""
    if not proposal.plan:
        return Plan(PlanStatus.UNKNOWN)
    return plan_from_json(proposal.plan)


def stored_figures(proposal: Proposal) -> Figures:
    """The figures of the plan a proposal keeps (``Plan.figures``) without reading
    the rest of the plan: for lists of proposals."""
    return figures_of((proposal.plan or {}).get("metrics") or {})


def stored_explanations(proposal: Proposal) -> Explanations | None:
    """The explanations of the plan a proposal keeps (``Plan.explanations``)
    without reading the rest of the plan: for one medewerker's pages."""
    return explanations_of(proposal.plan or {})


def next_proposal_number(round_id: int) -> int:
    """Proposals are numbered 1, 2, ... per round."""
    highest = db.session.scalar(
        select(func.max(Proposal.number)).where(Proposal.round_id == round_id)
    )
    return (highest or 0) + 1


def store_plan(
    round_id: int,
    plan: Plan,
    instance: Instance,
    *,
    by: User | None = None,
    settings: dict[str, Any] | None = None,
    status: ProposalStatus = ProposalStatus.READY,
    job: Job | None = None,
    note: str = "",
    activate: bool = True,
) -> Proposal:
    """Write a plan as the next numbered Proposal with a werkplan per employee (status
    proposed) in one transaction; on any error nothing is written. The proposal
    keeps the instance and the plan as JSON (formats v1) and the instance's
    settings with ``settings`` (the run's own) over them.

    With ``activate`` the new werkplannen become the current ones, except for
    employees whose current werkplan is already approved (that one stays); an
    unchanged werkplan keeps its akkoord. A result without a plan (infeasible,
    invalid, unknown without assignments) is refused with the Dutch reason and
    stores nothing."""
    from .hard_rules import no_plan_message  # hard_rules builds on this module

    try:
        refusal = no_plan_message(round_id, plan, instance)
        if refusal is not None:
            raise ServiceError(refusal)
        proposal = _store_plan(
            round_id,
            plan,
            instance,
            by=by,
            settings=settings or {},
            status=status,
            job=job,
            note=note,
            activate=activate,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    mail.kick()  # werkplan changed, when the round was published
    return proposal


def _assignment_rows(
    plan: Plan, employees: set[int], roles: dict[str, Role], by: User | None
) -> dict[int, list[Assignment]]:
    """The plan's assignments as database rows per employee id, every one checked
    (people and roles known and active, no assignment twice, no negative fte)
    before anything is added to the session."""
    per_employee: dict[int, list[Assignment]] = defaultdict(list)
    seen: set[tuple[int, int, AssignmentKind]] = set()
    for n, item in enumerate(plan.assignments):
        where = f"assignments[{n}]"
        emp_id = employee_id_of(item.employee)
        if emp_id is None or emp_id not in employees:
            raise ServiceError(f"{where}.employee: onbekende medewerker")
        role = roles.get(item.role)
        if role is None:
            raise ServiceError(f"{where}.role: onbekende rol")
        if (emp_id, role.id, item.kind) in seen:
            raise ServiceError(f"{where}: dubbele toewijzing")
        seen.add((emp_id, role.id, item.kind))
        units = 0 if item.kind == AssignmentKind.BACKUP else item.fte or 0
        if units < 0:
            raise ServiceError(f"{where}.fte: mag niet negatief zijn")
        mentor_id = None
        if item.kind == AssignmentKind.LEARNER and item.mentor:
            mentor_id = employee_id_of(item.mentor)
            if mentor_id not in employees:
                raise ServiceError(f"{where}.mentor: onbekende medewerker")
        assignment = Assignment(
            role_id=role.id, kind=item.kind, fte_units=units, mentor_id=mentor_id
        )
        stamp(assignment, by, new=True)
        per_employee[emp_id].append(assignment)
    return per_employee


def _store_plan(
    round_id: int,
    plan: Plan,
    instance: Instance,
    *,
    by: User | None,
    settings: dict[str, Any],
    status: ProposalStatus,
    job: Job | None,
    note: str,
    activate: bool,
) -> Proposal:
    get_round(round_id)
    roles_by_code = {
        r.code: r for r in db.session.scalars(select(Role).where(Role.active.is_(True)))
    }
    employees = {
        e.id: e
        for e in db.session.scalars(select(Employee).where(Employee.active.is_(True)))
    }
    per_employee = _assignment_rows(plan, set(employees), roles_by_code, by)

    instance_json = instance_to_json(instance)  # JSON for storage only
    proposal = Proposal(
        round_id=round_id,
        number=next_proposal_number(round_id),
        status=status,
        settings={**instance_json["settings"], **settings},
        instance=instance_json,
        plan=plan.to_json(),
        solver_status=str(plan.status)[:20],
        note=note,
    )
    stamp(proposal, by, new=True)
    db.session.add(proposal)

    versions = dict(
        db.session.execute(
            select(WorkPlan.employee_id, func.max(WorkPlan.version))
            .where(WorkPlan.round_id == round_id)
            .group_by(WorkPlan.employee_id)
        ).all()
    )
    current = {p.employee_id: p for p in current_plans(round_id)}
    published = get_round(round_id).status == RoundStatus.PROPOSED
    changed: list[WorkPlan] = []
    instance_ids = {
        emp_id
        for e in instance.employees
        if (emp_id := employee_id_of(e.id)) in employees
    }
    for emp_id in sorted(instance_ids | set(per_employee)):
        old = current.get(emp_id)
        keep_old = old is not None and old.status == WorkPlanStatus.APPROVED
        make_current = activate and not keep_old
        if make_current and old is not None:
            old.current = False
        werkplan = WorkPlan(
            round_id=round_id,
            employee_id=emp_id,
            proposal=proposal,
            version=versions.get(emp_id, 0) + 1,
            current=make_current,
            status=WorkPlanStatus.PROPOSED,
            assignments=per_employee.get(emp_id, []),
        )
        if make_current and old is not None:
            if published and not same_werkplan(old, werkplan):
                changed.append(werkplan)
            keep_consent(old, werkplan)
        stamp(werkplan, by, new=True)
        db.session.add(werkplan)
        # Flush per employee: the old current plan must be switched off before the
        # new one appears, and versions stay unique.
        db.session.flush()
    if changed:
        notifications.werkplan_changed(get_round(round_id), changed)

    if job is not None:
        job.proposal_id = proposal.id
    audit.record(
        "proposal_stored",
        by,
        object_type="proposal",
        object_id=proposal.id,
        round_id=round_id,
        number=proposal.number,
        solver_status=proposal.solver_status,
    )
    return proposal


def activate_proposal(proposal_id: int, by: User | None) -> Proposal:
    """Make the werkplannen of this proposal the current ones (approved werkplannen
    stay, unchanged ones keep their akkoord): see approval.choose_proposal."""
    from .approval import choose_proposal  # approval builds on this module

    return choose_proposal(proposal_id, by).proposal


def mark_job(job: Job, status: JobStatus, error: str = "") -> None:
    """Set a job's final state (the caller commits)."""
    job.status = status
    job.error = error
    job.finished_at = utcnow()
