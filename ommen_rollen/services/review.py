"""Read models for the review screens and Mijn werkplan: coverage matrix, load,
shortfalls, vulnerability, wishes granted, comparison of proposals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import wording
from ..domain import (
    AssignmentKind,
    Choice,
    format_fte,
    format_hours,
)
from ..extensions import db
from ..models import Assignment, Employee, Proposal, Role, WorkPlan
from ..naming import name_key, word_key
from ..solver.instance import Role as InstanceRole
from ..solver.plan import MissingBackup, Plan, Uncovered
from ..solver.sections import (
    AbsenceReport,
    Figures,
    ForcedBackups,
    Vulnerability,
    WishReason,
)
from .base import ServiceError
from .risk import Risk, risk_of
from .solver_bridge import (
    current_plans,
    employee_key,
    stored_explanations,
    stored_instance,
    stored_plan,
)

# What a cell of the coverage matrix shows per kind of assignment.
CELL_LABELS = {
    AssignmentKind.HOLDER: "H",
    AssignmentKind.BACKUP: "V",
    AssignmentKind.LEARNER: "L",
}


# --- Mijn werkplan -------------------------------------------------------------


@dataclass
class PlanLine:
    role: Role
    fte_units: int = 0
    holders: list[str] = field(default_factory=list)  # backup-for: whose work
    backups: list[str] = field(default_factory=list)  # who backs me up
    mentor: str = ""


@dataclass(frozen=True)
class WishLine:
    """A wish not granted (want, learn) or an avoid given all the same, with the
    solver's reason."""

    role: str
    role_name: str
    wish: Choice
    reason: str


@dataclass
class WerkplanView:
    plan: WorkPlan
    holder: list[PlanLine]
    backup: list[PlanLine]
    learner: list[PlanLine]
    total_units: int
    contract_units: int
    wishes_not_granted: list[WishLine]
    avoids_given: list[WishLine] = field(default_factory=list)

    @property
    def over_contract(self) -> bool:
        return self.total_units > self.contract_units


def explained(plan: WorkPlan | None) -> tuple[WishReason, ...]:
    """The solver's reasons for this werkplan's medewerker (wishes not granted,
    avoids given), from the proposal the werkplan came from."""
    if plan is None or plan.proposal is None:
        return ()
    explanations = stored_explanations(plan.proposal)
    return explanations.of(employee_key(plan.employee_id)) if explanations else ()


def werkplan_view(plan: WorkPlan) -> WerkplanView:
    """Everything Mijn werkplan shows for one werkplan."""
    others = [
        p for p in current_plans(plan.round_id) if p.employee_id != plan.employee_id
    ]
    names = {
        e.id: e.name
        for e in db.session.scalars(
            select(Employee).where(
                Employee.id.in_([p.employee_id for p in others] or [0])
            )
        )
    }
    holders_of: dict[int, list[str]] = defaultdict(list)
    backups_of: dict[int, list[str]] = defaultdict(list)
    for other in others:
        for a in other.assignments:
            name = names.get(other.employee_id, "?")
            if a.kind == AssignmentKind.HOLDER:
                holders_of[a.role_id].append(name)
            elif a.kind == AssignmentKind.BACKUP:
                backups_of[a.role_id].append(name)
    holder, backup, learner = [], [], []
    total = 0
    for a in sorted(plan.assignments, key=lambda a: a.role.code):
        line = PlanLine(role=a.role, fte_units=a.fte_units)
        if a.kind == AssignmentKind.HOLDER:
            line.backups = sorted(backups_of.get(a.role_id, []))
            holder.append(line)
            total += a.fte_units
        elif a.kind == AssignmentKind.BACKUP:
            line.holders = sorted(holders_of.get(a.role_id, []))
            backup.append(line)
        else:
            line.mentor = a.mentor.name if a.mentor else ""
            learner.append(line)
            total += a.fte_units
    wishes: list[WishLine] = []
    avoids: list[WishLine] = []
    mine = explained(plan)
    if mine:
        role_names = {r.code: r.name for r in db.session.scalars(select(Role))}
        for item in mine:
            (avoids if item.wish == Choice.AVOID else wishes).append(
                WishLine(
                    item.role, role_names.get(item.role, ""), item.wish, item.reason
                )
            )
    return WerkplanView(
        plan=plan,
        holder=holder,
        backup=backup,
        learner=learner,
        total_units=total,
        contract_units=plan.employee.contract_units,
        wishes_not_granted=wishes,
        avoids_given=avoids,
    )


# --- review of a proposal -------------------------------------------------------


@dataclass
class EmployeeLoad:
    key: str
    name: str
    contract_units: int
    load_units: int = 0
    wants: int = 0
    wants_granted: int = 0
    not_granted: list[str] = field(default_factory=list)

    @property
    def over(self) -> bool:
        return self.load_units > self.contract_units


@dataclass
class ClusterWishes:
    name: str
    wants: int = 0
    granted: int = 0


@dataclass
class ClusterCoverage:
    name: str
    needed_units: int = 0
    uncovered_units: int = 0

    @property
    def covered_units(self) -> int:
        return self.needed_units - self.uncovered_units


@dataclass(frozen=True)
class BackupCover:
    code: str
    name: str
    needed: int
    present: int


@dataclass
class Review:
    proposal: Proposal
    roles: list[InstanceRole]
    employees: list[EmployeeLoad]
    cells: dict[tuple[str, str], str]
    uncovered: list[Uncovered]
    missing_backups: list[MissingBackup]
    single_eligible: list[str]
    absence: list[AbsenceReport]  # those that leave work uncovered, most first
    worst: AbsenceReport | None
    clusters: list[ClusterWishes]
    figures: Figures
    role_names: dict[str, str]
    employee_names: dict[str, str]
    risk: Risk = field(default_factory=Risk)

    @property
    def bound_notes(self) -> list[str]:
        """What the proven lower bounds say about this plan's shortfalls."""
        return bound_notes(self.figures)

    @property
    def forced_backups(self) -> Mapping[str, ForcedBackups]:
        """Per role: missing backups no plan with this staffing can avoid."""
        bounds = self.figures.lower_bounds
        return bounds.missing_by_role if bounds else {}

    @property
    def wants_total(self) -> int:
        return sum(e.wants for e in self.employees)

    @property
    def cluster_coverage(self) -> list[ClusterCoverage]:
        """Per cluster the fte its roles need and the fte left uncovered."""
        uncovered: dict[str, int] = defaultdict(int)
        for u in self.uncovered:
            uncovered[u.role] += u.fte
        found: dict[str, ClusterCoverage] = {}
        for role in self.roles:
            name = role.cluster or "zonder cluster"
            entry = found.setdefault(name, ClusterCoverage(name))
            entry.needed_units += role.fte
            entry.uncovered_units += uncovered.get(role.id, 0)
        return sorted(found.values(), key=lambda c: word_key(c.name))

    @property
    def backup_cover(self) -> list[BackupCover]:
        """Per role that needs vervangers: how many it needs and how many it has."""
        missing = {m.role: m.missing for m in self.missing_backups}
        return [
            BackupCover(
                role.id,
                role.name,
                role.backups,
                max(role.backups - missing.get(role.id, 0), 0),
            )
            for role in self.roles
            if role.backups > 0
        ]

    @property
    def wants_granted(self) -> int:
        return sum(e.wants_granted for e in self.employees)


def _backups_text(count: int) -> str:
    return wording.count_verb(count, "vervanger", "ontbreekt")


def bound_notes(figures: Figures) -> list[str]:
    """Dutch sentences comparing a plan's shortfalls with the solver's proven lower
    bounds, so a reader sees whether a gap is forced by the staffing or the search."""
    bounds = figures.lower_bounds
    if bounds is None:
        return []
    notes: list[str] = []
    missing = figures.missing_backups or 0
    least = bounds.missing_backups
    if missing and missing > least:
        notes.append(
            f"{_backups_text(missing)}; minder dan {least} is met deze bezetting "
            "niet mogelijk."
            if least
            else f"{_backups_text(missing)}; met deze bezetting kan elke rol zijn "
            "vervangers krijgen (langer rekenen of aanpassen helpt)."
        )
    elif missing:
        notes.append(
            f"{_backups_text(missing)}; dat is het minimum met deze bezetting."
        )
    uncovered = figures.uncovered_fte or 0
    forced = bounds.uncovered_fte
    if uncovered and uncovered > forced:
        notes.append(
            f"{format_short(uncovered)} fte is niet gedekt; met deze bezetting "
            f"blijft minstens {format_short(forced)} fte liggen."
            if forced
            else f"{format_short(uncovered)} fte is niet gedekt, terwijl met deze "
            "bezetting alles gedekt kan worden (langer rekenen of aanpassen helpt)."
        )
    elif uncovered:
        notes.append(
            f"{format_short(uncovered)} fte is niet gedekt; met deze bezetting is "
            "dat het minimum."
        )
    return notes


def review(proposal: Proposal) -> Review:
    """The review of a proposal, read from the instance and plan it keeps."""
    instance = stored_instance(proposal)
    plan = stored_plan(proposal)
    roles = list(instance.roles)
    employees = {
        e.id: EmployeeLoad(key=e.id, name=e.name, contract_units=e.fte)
        for e in instance.employees
    }
    role_cluster = {r.id: r.cluster for r in roles}
    cells: dict[tuple[str, str], str] = {}
    holds: set[tuple[str, str]] = set()
    for a in plan.assignments:
        emp, role, kind = a.employee, a.role, a.kind
        if kind in (AssignmentKind.HOLDER, AssignmentKind.LEARNER) and emp in employees:
            employees[emp].load_units += a.fte or 0
        label = CELL_LABELS[kind]
        if kind in (AssignmentKind.HOLDER, AssignmentKind.LEARNER):
            label += " " + format_short(a.fte or 0)
        if kind == AssignmentKind.HOLDER:
            holds.add((emp, role))
        cells[(role, emp)] = (cells.get((role, emp), "") + " " + label).strip()
    clusters: dict[str, ClusterWishes] = {}
    for pref in instance.preferences:
        if pref.choice != Choice.WANT and not (pref.score or 0) > 0:
            continue
        emp, role = pref.employee, pref.role
        if emp not in employees:
            continue
        cluster = clusters.setdefault(
            role_cluster.get(role, ""), ClusterWishes(name=role_cluster.get(role, ""))
        )
        employees[emp].wants += 1
        cluster.wants += 1
        if (emp, role) in holds:
            employees[emp].wants_granted += 1
            cluster.granted += 1
        else:
            employees[emp].not_granted.append(role)
    vulnerability = plan.vulnerability or Vulnerability()
    absence = sorted(
        (a for a in vulnerability.absence.values() if a.uncovered_fte),
        key=lambda a: -a.uncovered_fte,
    )
    return Review(
        proposal=proposal,
        roles=roles,
        employees=sorted(employees.values(), key=lambda e: name_key(e.name)),
        cells=cells,
        uncovered=list(plan.uncovered),
        missing_backups=list(plan.missing_backups),
        single_eligible=list(vulnerability.single_eligible_roles),
        absence=absence,
        worst=vulnerability.worst,
        clusters=sorted(clusters.values(), key=lambda c: c.name),
        figures=plan.figures,
        role_names={r.id: r.name for r in roles},
        employee_names={k: e.name for k, e in employees.items()},
        risk=risk_of(instance, plan),
    )


def for_cluster(full: Review, cluster: str) -> Review:
    """The part of a review about one cluster: its roles, the people who hold or
    back them up, its shortfalls and its wishes (what a spil reads)."""
    codes = {r.id for r in full.roles if r.cluster == cluster}
    people = {emp for (role, emp) in full.cells if role in codes}
    return Review(
        proposal=full.proposal,
        roles=[r for r in full.roles if r.id in codes],
        employees=[e for e in full.employees if e.key in people],
        cells={k: v for k, v in full.cells.items() if k[0] in codes},
        uncovered=[u for u in full.uncovered if u.role in codes],
        missing_backups=[m for m in full.missing_backups if m.role in codes],
        single_eligible=[c for c in full.single_eligible if c in codes],
        absence=[a for a in full.absence if a.employee in people],
        worst=full.worst,
        clusters=[c for c in full.clusters if c.name == cluster],
        figures=full.figures,
        role_names=full.role_names,
        employee_names=full.employee_names,
        risk=full.risk.for_cluster(codes, people),
    )


def cluster_names(full: Review) -> list[str]:
    return sorted({r.cluster for r in full.roles})


def format_short(value_units: int) -> str:
    from ..domain import format_fte

    return format_fte(value_units)


# --- compare two proposals ---------------------------------------------------------


@dataclass
class Change:
    """What changes for one medewerker between two proposals, in words: roles
    held (with hours per week) and roles backed up."""

    employee: str
    gained: list[str]
    lost: list[str]
    changed: list[str]
    backups_gained: list[str] = field(default_factory=list)
    backups_lost: list[str] = field(default_factory=list)


def holder_shares(plan: Plan) -> dict[str, dict[str, int]]:
    shares: dict[str, dict[str, int]] = defaultdict(dict)
    for a in plan.of_kind(AssignmentKind.HOLDER):
        shares[a.employee][a.role] = a.fte or 0
    return shares


def backup_roles(plan: Plan) -> dict[str, set[str]]:
    backups: dict[str, set[str]] = defaultdict(set)
    for a in plan.of_kind(AssignmentKind.BACKUP):
        backups[a.employee].add(a.role)
    return backups


def compare(a: Proposal, b: Proposal, *, cluster: str | None = None) -> list[Change]:
    """Who gains or loses which role (as holder, with hours, and as backup) going
    from proposal a to b; with ``cluster`` only the roles of that cluster (what a
    spil reads)."""
    if a.round_id != b.round_id:
        raise ServiceError(
            "Alleen voorstellen van dezelfde planronde zijn te vergelijken."
        )
    instances = (stored_instance(a), stored_instance(b))
    roles = {r.id: r for i in instances for r in i.roles}
    mine = (
        {code for code, r in roles.items() if r.cluster == cluster}
        if cluster is not None
        else None
    )
    plan_a, plan_b = stored_plan(a), stored_plan(b)
    first, second = holder_shares(plan_a), holder_shares(plan_b)
    backs_a, backs_b = backup_roles(plan_a), backup_roles(plan_b)
    if mine is not None:
        first, second = (
            {e: {r: u for r, u in held.items() if r in mine} for e, held in x.items()}
            for x in (first, second)
        )
        backs_a, backs_b = (
            {e: held & mine for e, held in x.items()} for x in (backs_a, backs_b)
        )
    names = {e.id: e.name for i in instances for e in i.employees}

    def role(code: str) -> str:
        known = roles.get(code)
        return f"{code} {known.name if known else ''}".strip()

    def hours(value: int) -> str:
        return f"{format_hours(value)} uur"

    def by_name(emp: str) -> tuple[str, str, str]:
        return name_key(names.get(emp, emp))

    changes = []
    people = set(first) | set(second) | set(backs_a) | set(backs_b)
    for emp in sorted(people, key=by_name):
        old, new = first.get(emp, {}), second.get(emp, {})
        back_old, back_new = backs_a.get(emp, set()), backs_b.get(emp, set())
        change = Change(
            names.get(emp, emp),
            gained=[
                f"{role(r)} ({hours(new[r])})" for r in sorted(set(new) - set(old))
            ],
            lost=[f"{role(r)} ({hours(old[r])})" for r in sorted(set(old) - set(new))],
            changed=[
                f"{role(r)}: {format_hours(old[r])} → {hours(new[r])}"
                for r in sorted(set(old) & set(new))
                if old[r] != new[r]
            ],
            backups_gained=[role(r) for r in sorted(back_new - back_old)],
            backups_lost=[role(r) for r in sorted(back_old - back_new)],
        )
        if (
            change.gained
            or change.lost
            or change.changed
            or change.backups_gained
            or change.backups_lost
        ):
            changes.append(change)
    return changes


@dataclass(frozen=True)
class KeyFigures:
    """A proposal's key figures for comparing side by side."""

    proposal: Proposal
    covered_fte: str
    uncovered_fte: str
    missing_backups: int
    least_missing_backups: int | None
    wants_granted: int
    wants_total: int


def key_figures(proposal: Proposal, *, cluster: str | None = None) -> KeyFigures:
    full = review(proposal)
    shown = for_cluster(full, cluster) if cluster else full
    bounds = full.figures.lower_bounds
    least = bounds.missing_backups if bounds is not None and not cluster else None
    covered = sum(c.covered_units for c in shown.cluster_coverage)
    uncovered = sum(c.uncovered_units for c in shown.cluster_coverage)
    return KeyFigures(
        proposal=proposal,
        covered_fte=format_fte(covered),
        uncovered_fte=format_fte(uncovered),
        missing_backups=sum(m.missing for m in shown.missing_backups),
        least_missing_backups=least,
        wants_granted=shown.wants_granted,
        wants_total=shown.wants_total,
    )


def round_proposals(round_id: int) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.round_id == round_id)
            .order_by(Proposal.number.desc())
        )
    )


def current_plan_list(round_id: int, *, cluster: str | None = None) -> list[WorkPlan]:
    """Current werkplannen of a round with employee and assignments, by name; with
    ``cluster`` only those of people who work in that cluster (home cluster or a
    role there), as a spil reads them."""
    plans = db.session.scalars(
        select(WorkPlan)
        .join(Employee, Employee.id == WorkPlan.employee_id)
        .where(WorkPlan.round_id == round_id, WorkPlan.current.is_(True))
        .options(
            selectinload(WorkPlan.assignments).selectinload(Assignment.role),
            selectinload(WorkPlan.employee),
        )
        .order_by(Employee.name)
    )
    if cluster is None:
        return sorted(plans, key=lambda p: name_key(p.employee.name))
    return [
        plan
        for plan in sorted(plans, key=lambda p: name_key(p.employee.name))
        if (plan.employee.home_cluster and plan.employee.home_cluster.name == cluster)
        or any(a.role.cluster.name == cluster for a in plan.assignments)
    ]


# The filters of the Werkplannen list: key in the query string -> Dutch label.
PLAN_FILTERS = {
    "geen-akkoord": "zonder akkoord",
    "opmerking": "met een open opmerking",
    "onder-contract": "minder werk dan hun contract",
}


def plan_load(plan: WorkPlan) -> int:
    """The fte units a werkplan asks of its medewerker (backups cost nothing)."""
    return sum(a.fte_units for a in plan.assignments if a.kind != AssignmentKind.BACKUP)


def plan_matches(plan: WorkPlan, which: str) -> bool:
    """Whether a werkplan belongs in the Werkplannen list under this filter ('' or
    an unknown key: every werkplan)."""
    if which == "geen-akkoord":
        return plan.status.value == "proposed"
    if which == "opmerking":
        return plan.status.value != "approved" and bool(plan.employee_comment.strip())
    if which == "onder-contract":
        return plan_load(plan) < plan.employee.contract_units
    return True
