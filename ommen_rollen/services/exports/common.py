"""What every export shows, gathered once from the database: one werkplan, or the
whole round as a matrix with load and shortfalls. The writers (PDF, XLSX, CSV) only
lay this out."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ...domain import AssignmentKind, fte_to_decimal
from ...extensions import db
from ...models import (
    Employee,
    PlanningRound,
    Proposal,
    Role,
    User,
    WorkPlan,
)
from .. import solver_bridge
from ..base import ServiceError
from ..risk import Risk, risk_of
from ..rounds import get_round
from ..solver_bridge import stored_instance, stored_plan

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a spreadsheet will never run as a formula: a leading = + - @ (or tab,
    carriage return) gets an apostrophe in front."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def slug(text: str) -> str:
    """ASCII, lower case, no spaces: 'Van den Berg' -> 'vandenberg'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", folded.lower())


def sort_name(name: str) -> str:
    """'Anouk de Vries' -> 'devries-anouk': surname (with tussenvoegsel) first, so
    file names sort like a staff list."""
    first, _, rest = name.strip().partition(" ")
    if not rest:
        return slug(first) or "medewerker"
    return f"{slug(rest)}-{slug(first)}"


def label_slug(round_label: str) -> str:
    """A round's name as it may appear in a file name: ASCII letters, digits and
    dashes only ('2027 H1/../x' -> '2027-H1-x')."""
    label = re.sub(r"[^A-Za-z0-9]+", "-", round_label).strip("-")
    return label[:60].strip("-") or "ronde"


def safe_filename(name: str) -> str:
    """A download name that no browser, header or file system misreads: ASCII
    letters, digits, dot, dash and underscore, no leading dot."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return re.sub(r"\.{2,}", ".", cleaned)[:120] or "download"


def werkplan_filename(round_label: str, employee_name: str) -> str:
    """werkplan-2027-H1-devries-anouk.pdf"""
    return f"werkplan-{label_slug(round_label)}-{sort_name(employee_name)}.pdf"


def export_filename(round_label: str, what: str, ext: str) -> str:
    """overzicht-2027-H1.xlsx"""
    return f"{what}-{label_slug(round_label)}.{ext}"


def proposal_filename(round_label: str, part: str, number: int) -> str:
    """plan-2027-H1-voorstel-2.json"""
    return f"{part}-{label_slug(round_label)}-voorstel-{number}.json"


def current_plans(round_id: int) -> list[WorkPlan]:
    """The current werkplan of every employee in the round, in the order of their
    file names (surname with tussenvoegsel first)."""
    return sorted(
        solver_bridge.current_plans(round_id),
        key=lambda p: sort_name(p.employee.name),
    )


# --- one werkplan -----------------------------------------------------------


@dataclass(frozen=True)
class RoleLine:
    """A role in a werkplan with everything the document says about it."""

    code: str
    name: str
    cluster: str
    fte_units: int
    task_field: str = ""
    task_mode: str = ""
    partner: str = ""
    others: tuple[str, ...] = ()  # holders (backup lines) or backups (holder lines)
    mentor: str = ""


@dataclass(frozen=True)
class WerkplanDocument:
    """The content of one werkplan, as the PDF shows it."""

    plan_id: int
    round_label: str
    starts_on: date
    ends_on: date
    employee_name: str
    username: str
    base_function: str
    base_function_label: str
    contract_units: int
    holds: list[RoleLine]
    backup_for: list[RoleLine]
    learning: list[RoleLine]
    mentoring: list[tuple[str, str]]  # (role text, learner name)
    total_units: int
    status: str
    version: int
    valid_from: date | None  # a version from a scenario: "geldig vanaf"
    agreed_on: date | None
    approved_on: date | None
    approved_by: str
    comment: str

    @property
    def filename(self) -> str:
        return werkplan_filename(self.round_label, self.employee_name)


def _role_line(role: Role, units: int = 0, **extra: Any) -> RoleLine:
    task_field = role.task_field
    return RoleLine(
        code=role.code,
        name=role.name,
        cluster=role.cluster.name,
        fte_units=units,
        task_field=task_field.name if task_field else "",
        task_mode=task_field.mode.label if task_field else "",
        partner=task_field.partner.name if task_field and task_field.partner else "",
        **extra,
    )


def local_date(moment: datetime | None) -> date | None:
    """The calendar day of a stored (UTC) moment in the Netherlands."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite gives back naive UTC
        moment = moment.replace(tzinfo=UTC)
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo("Europe/Amsterdam")).date()
    except (ImportError, KeyError, ValueError):  # no time zone database
        return moment.date()


def _user_display(user_id: int | None) -> str:
    if user_id is None:
        return ""
    user = db.session.get(User, user_id)
    if user is None:
        return ""
    return user.employee.name if user.employee is not None else user.username


def werkplan_document(
    plan_id: int, round_plans: list[WorkPlan] | None = None
) -> WerkplanDocument:
    """Everything one werkplan PDF shows, read from the round's current plans
    (pass them when making many documents of one round)."""
    plan = db.session.get(WorkPlan, plan_id)
    if plan is None:
        raise ServiceError("Dit werkplan bestaat niet.")
    # Who else holds, backs up or learns a role: the round's current werkplannen.
    others: dict[tuple[int, AssignmentKind], list[Employee]] = defaultdict(list)
    if round_plans is None:
        round_plans = current_plans(plan.round_id)
    for other in round_plans:
        if other.employee_id == plan.employee_id:
            continue
        for a in other.assignments:
            others[(a.role_id, a.kind)].append(other.employee)

    def names(people: list[Employee]) -> tuple[str, ...]:
        return tuple(sorted(p.name for p in people))

    holds: list[RoleLine] = []
    backup_for: list[RoleLine] = []
    learning: list[RoleLine] = []
    mentoring: list[tuple[str, str]] = []
    total = 0
    for a in sorted(plan.assignments, key=lambda a: (a.role.cluster.name, a.role.code)):
        role = a.role
        if a.kind == AssignmentKind.HOLDER:
            total += a.fte_units
            holds.append(
                _role_line(
                    role,
                    a.fte_units,
                    others=names(others[(role.id, AssignmentKind.BACKUP)]),
                )
            )
        elif a.kind == AssignmentKind.BACKUP:
            backup_for.append(
                _role_line(role, others=names(others[(role.id, AssignmentKind.HOLDER)]))
            )
        else:
            total += a.fte_units
            learning.append(
                _role_line(role, a.fte_units, mentor=a.mentor.name if a.mentor else "")
            )
    # Learners elsewhere in the round whose mentor is this employee.
    for other in round_plans:
        for a in other.assignments:
            if a.kind == AssignmentKind.LEARNER and a.mentor_id == plan.employee_id:
                mentoring.append((f"{a.role.code} {a.role.name}", other.employee.name))

    employee = plan.employee
    round_ = plan.round
    return WerkplanDocument(
        plan_id=plan.id,
        round_label=round_.label,
        starts_on=round_.starts_on,
        ends_on=round_.ends_on,
        employee_name=employee.name,
        username=employee.username,
        base_function=employee.base_function.value,
        base_function_label=employee.base_function.label,
        contract_units=employee.contract_units,
        holds=holds,
        backup_for=backup_for,
        learning=learning,
        mentoring=sorted(mentoring),
        total_units=total,
        status=plan.status.label,
        version=plan.version,
        valid_from=plan.valid_from,
        agreed_on=local_date(plan.agreed_at),
        approved_on=local_date(plan.approved_at),
        approved_by=_user_display(plan.approved_by_id),
        comment=plan.employee_comment,
    )


# --- the round as a whole ---------------------------------------------------


@dataclass
class Cell:
    """What one employee does for one role: held share, backup, learner."""

    holder_units: int = 0
    learner_units: int = 0
    backup: bool = False
    learner: bool = False


@dataclass(frozen=True)
class Shortfall:
    role: Role
    units: int  # uncovered fte units, or the number of missing backups
    reason: str


@dataclass(frozen=True)
class Absence:
    """N-1: what is left uncovered when this employee is away."""

    employee: str
    uncovered_units: int
    roles: tuple[str, ...]


@dataclass
class RoundOverview:
    """The round as the overview exports show it."""

    round: PlanningRound
    plans: list[WorkPlan]
    roles: list[Role]
    cells: dict[tuple[int, int], Cell]  # (role id, employee id)
    uncovered: list[Shortfall] = field(default_factory=list)
    missing_backups: list[Shortfall] = field(default_factory=list)
    single_eligible: list[str] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    has_analysis: bool = False
    risk: Risk = field(default_factory=Risk)  # vulnerability and formation, named

    @property
    def employees(self) -> list[Employee]:
        return [p.employee for p in self.plans]

    def held_units(self, employee_id: int) -> int:
        """Fte units this employee holds or learns in the round (their load)."""
        return sum(
            c.holder_units + c.learner_units
            for (_r, e), c in self.cells.items()
            if e == employee_id
        )

    def backup_count(self, employee_id: int) -> int:
        return sum(
            1 for (_r, e), c in self.cells.items() if e == employee_id and c.backup
        )

    def clusters(self) -> list[str]:
        return sorted({r.cluster.name for r in self.roles})


def _plan_proposal(plans: list[WorkPlan], round_id: int) -> Proposal | None:
    """The proposal whose solver plan is behind the werkplannen (for reasons,
    vulnerability and formation advice)."""
    ids = {p.proposal_id for p in plans if p.proposal_id is not None}
    proposal = None
    if ids:
        proposal = db.session.get(Proposal, max(ids))
    if proposal is not None and proposal.plan:
        return proposal
    for proposal in db.session.scalars(
        select(Proposal)
        .where(Proposal.round_id == round_id)
        .order_by(Proposal.number.desc())
    ):
        if proposal.plan:
            return proposal
    return None


def round_overview(round_id: int) -> RoundOverview:
    """Matrix, load and shortfalls of a round's current werkplannen. Coverage and
    backups are counted from the werkplannen (they may have been adjusted by hand);
    reasons and the vulnerability analysis come from the solver's plan."""
    round_ = get_round(round_id)
    plans = current_plans(round_id)
    cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
    for plan in plans:
        for a in plan.assignments:
            cell = cells[(a.role_id, plan.employee_id)]
            if a.kind == AssignmentKind.HOLDER:
                cell.holder_units += a.fte_units
            elif a.kind == AssignmentKind.BACKUP:
                cell.backup = True
            else:
                cell.learner = True
                cell.learner_units += a.fte_units
    role_ids = {r for r, _e in cells}
    roles = db.session.scalars(
        select(Role).where(Role.active.is_(True) | Role.id.in_(role_ids))
    ).all()
    roles = sorted(roles, key=lambda r: (r.cluster.name, r.code))
    overview = RoundOverview(round=round_, plans=plans, roles=list(roles), cells=cells)

    proposal = _plan_proposal(plans, round_id)
    solved = stored_plan(proposal) if proposal is not None else None
    if proposal is not None and solved is not None:
        overview.risk = risk_of(
            stored_instance(proposal),
            solved,
            names=_employee_names(),
            role_names={r.code: r.name for r in overview.roles},
        )
    reasons = {u.role: u.reason for u in solved.uncovered} if solved else {}
    backup_reasons = (
        {m.role: m.reason for m in solved.missing_backups} if solved else {}
    )
    for role in overview.roles:
        # Learners do not cover a role; only holders do.
        held = sum(c.holder_units for (r, _e), c in cells.items() if r == role.id)
        if held < role.fte_units:
            overview.uncovered.append(
                Shortfall(role, role.fte_units - held, reasons.get(role.code) or "")
            )
        backups = sum(1 for (r, _e), c in cells.items() if r == role.id and c.backup)
        if backups < role.backups_needed:
            overview.missing_backups.append(
                Shortfall(
                    role,
                    role.backups_needed - backups,
                    backup_reasons.get(role.code) or "",
                )
            )

    vulnerability = solved.vulnerability if solved else None
    if vulnerability is not None:
        overview.has_analysis = True
        overview.single_eligible = list(vulnerability.single_eligible_roles)
        people = _employee_names()
        for emp_key, info in vulnerability.absence.items():
            overview.absences.append(
                Absence(
                    employee=people.get(emp_key, emp_key),
                    uncovered_units=info.uncovered_fte,
                    roles=info.roles,
                )
            )
        overview.absences.sort(key=lambda a: (-a.uncovered_units, a.employee))
    return overview


def _employee_names() -> dict[str, str]:
    """Employee names by every id the solver instance may use for them."""
    names: dict[str, str] = {}
    for employee in db.session.scalars(select(Employee)):
        for key in (employee.username, f"m{employee.id}", str(employee.id)):
            names[key] = employee.name
    return names


def decimal_fte(units: int) -> Decimal:
    """A number cell: fte as Decimal with four decimals."""
    return fte_to_decimal(units)
