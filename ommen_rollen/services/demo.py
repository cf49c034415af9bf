"""Load the demo organisation of Ommen (houtskoolschets) with its demo accounts.

The data lives in demo_data.py as plain tables; this module only turns those
tables into rows, in one transaction. Demo passwords are created here and nowhere
else.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from ..domain import (
    AssignmentKind,
    BaseFunction,
    Choice,
    RoundStatus,
    TaskMode,
    UserRole,
    format_fte,
    hours_to_units,
    parse_fte,
)
from ..extensions import db
from ..models import (
    Assignment,
    Cluster,
    Competence,
    Employee,
    EmployeeCompetence,
    Partner,
    PlanningRound,
    Preference,
    Role,
    RoleRequirement,
    TaskField,
    User,
    WorkPlan,
    WorkPlanStatus,
)
from . import audit
from . import demo_data as data
from .accounts import create_account
from .base import ServiceError, stamp

DEADLINE_WEEKS = 3
"""The open round's deadline lies this many weeks after the day of loading."""

SPIL_EMPLOYEES = {
    "anouk.devries": "CO",
    "maarten.kuipers": "RC",
    "esther.nijland": "BO",
}
"""The spil of each cluster: a medewerker whose one account also reads the
planning of their cluster (it sees their own werkplan too)."""


@dataclass
class DemoSummary:
    """What load_demo put in the database, for the console."""

    cluster_fte: dict[str, int] = field(default_factory=dict)
    base_function_fte: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    previous_round: str = ""
    open_round: str = ""
    deadline: date | None = None
    accounts: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        """Dutch text: what was loaded and every demo account with its password."""
        c = self.counts
        lines = [
            "Demo-organisatie gemeente Ommen geladen (houtskoolschets):",
            f"  {c['clusters']} clusters, {c['task_fields']} taakvelden, "
            f"{c['partners']} partners, {c['competences']} competenties",
            f"  {c['roles']} rollen, samen "
            f"{format_fte(sum(self.cluster_fte.values()))} fte:",
        ]
        lines += [
            f"    {name}: {format_fte(units)} fte"
            for name, units in self.cluster_fte.items()
        ]
        lines.append(
            f"  {c['employees']} medewerkers, samen "
            f"{format_fte(sum(self.base_function_fte.values()))} fte per rompfunctie:"
        )
        lines += [
            f"    {letter} {BaseFunction(letter).label}: {format_fte(units)} fte"
            for letter, units in self.base_function_fte.items()
        ]
        deadline = self.deadline.strftime("%d-%m-%Y") if self.deadline else "-"
        lines += [
            f"  planronde {self.previous_round}: goedgekeurd, "
            f"{c['work_plans']} werkplannen, {c['assignments']} toewijzingen",
            f"  planronde {self.open_round}: open voor voorkeuren tot {deadline}, "
            f"{c['preferences']} voorkeuren van {c['respondents']} medewerkers",
            "",
            f"Demo-accounts (wachtwoord overal: {data.DEMO_PASSWORD}):",
        ]
        width = max(len(username) for username, _ in self.accounts)
        lines += [f"  {username:<{width}}  {what}" for username, what in self.accounts]
        return "\n".join(lines)


def database_is_empty() -> bool:
    """True when no account, employee, cluster, role or round exists yet."""
    for model in (User, Employee, Cluster, Role, PlanningRound):
        if db.session.scalar(select(func.count()).select_from(model)):
            return False
    return True


def load_demo(*, reset: bool = False, today: date | None = None) -> DemoSummary:
    """Build the demo organisation in one transaction.

    Refused on a database that already holds data, unless ``reset`` first deletes
    every row. Nothing is changed when loading fails.
    """
    if not reset and not database_is_empty():
        raise ServiceError(
            "De database bevat al gegevens; de demo wordt niet geladen. "
            "Gebruik 'ommen-rollen demo --reset' om eerst alles te wissen."
        )
    try:
        if reset:
            _delete_everything()
        summary = _build(today or date.today())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return summary


def _delete_everything() -> None:
    """Delete all rows, children before parents (the metadata's FK order); the
    append-only audit log is emptied the one way it allows."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name == "audit_entry":
            audit.clear_log()
        else:
            db.session.execute(table.delete())


def half_year(day: date) -> tuple[str, date, date]:
    """Label, first and last day of the half year that contains ``day``."""
    if day.month <= 6:
        return f"{day.year}-H1", date(day.year, 1, 1), date(day.year, 6, 30)
    return f"{day.year}-H2", date(day.year, 7, 1), date(day.year, 12, 31)


def _build(today: date) -> DemoSummary:
    summary = DemoSummary()
    secretary = create_account(
        data.SECRETARY_USERNAME, data.DEMO_PASSWORD, UserRole.SECRETARY
    )
    db.session.flush()
    summary.accounts.append((secretary.username, "secretaris (beheer en planning)"))

    def add(obj: object) -> None:
        stamp(obj, secretary, new=True)
        db.session.add(obj)

    clusters = {
        row.key: Cluster(name=row.name, description=row.description)
        for row in data.CLUSTERS
    }
    partners = {name: Partner(name=name) for name in data.PARTNERS}
    for obj in [*clusters.values(), *partners.values()]:
        add(obj)

    task_fields = {}
    for tf in data.TASK_FIELDS:
        task_fields[tf.name] = TaskField(
            name=tf.name,
            mode=TaskMode(tf.mode),
            partner=partners[tf.partner] if tf.partner else None,
            cluster=clusters[tf.cluster],
            description=tf.description,
        )
        add(task_fields[tf.name])

    competences = {}
    for name, description in data.COMPETENCES:
        competences[name] = Competence(name=name, description=description)
        add(competences[name])

    roles = {}
    summary.cluster_fte = {row.name: 0 for row in data.CLUSTERS}
    for role_row in data.ROLES:
        role = Role(
            code=role_row.code,
            name=role_row.name,
            description=_role_description(role_row, task_fields),
            cluster=clusters[role_row.cluster],
            task_field=task_fields[role_row.task_field]
            if role_row.task_field
            else None,
            fte_units=parse_fte(role_row.fte),
            base_functions_code="".join(sorted(role_row.base_functions)),
            backups_needed=role_row.backups,
            splittable=role_row.max_holders > 1,
            max_holders=role_row.max_holders,
            min_share_units=parse_fte(role_row.min_share)
            if role_row.min_share
            else None,
            critical=role_row.critical,
        )
        for name, level in role_row.requires.items():
            role.requirements.append(
                RoleRequirement(competence=competences[name], min_level=level)
            )
        add(role)
        roles[role_row.code] = role
        summary.cluster_fte[role.cluster.name] += role.fte_units

    employees = {}
    base_fte: Counter[str] = Counter()
    for employee_row in data.EMPLOYEES:
        employee = Employee(
            username=employee_row.username,
            name=employee_row.name,
            contract_units=hours_to_units(employee_row.hours),
            base_function=BaseFunction(employee_row.base_function),
            home_cluster=clusters[employee_row.home],
        )
        for name, level in employee_row.competences.items():
            employee.competences.append(
                EmployeeCompetence(competence=competences[name], level=level)
            )
        add(employee)
        employees[employee_row.username] = employee
        base_fte[employee_row.base_function] += employee.contract_units
    summary.base_function_fte = {b.value: base_fte[b.value] for b in BaseFunction}
    db.session.flush()

    users = _accounts(summary, clusters, employees)

    previous = _previous_round(today, secretary, roles, employees, add)
    current = _open_round(today, previous, add)
    db.session.flush()
    preferences = 0
    for username, choices in data.OPEN_ROUND_PREFERENCES:
        for code, choice in choices.items():
            preference = Preference(
                round=current,
                employee=employees[username],
                role=roles[code],
                choice=Choice(choice),
                comment=data.PREFERENCE_COMMENTS.get((username, code), ""),
            )
            stamp(preference, users[username], new=True)
            db.session.add(preference)
            preferences += 1

    summary.previous_round = previous.label
    summary.open_round = current.label
    summary.deadline = current.deadline
    summary.counts = {
        "clusters": len(clusters),
        "task_fields": len(task_fields),
        "partners": len(partners),
        "competences": len(competences),
        "roles": len(roles),
        "employees": len(employees),
        "work_plans": len(employees),
        "assignments": sum(
            len(holders) + len(backups) for _, holders, backups in data.PREVIOUS_PLAN
        )
        + len(data.PREVIOUS_LEARNERS),
        "preferences": preferences,
        "respondents": len(data.OPEN_ROUND_PREFERENCES),
    }
    audit.record(
        "demo_loaded",
        secretary,
        object_type="planning_round",
        object_id=current.id,
        employees=len(employees),
        roles=len(roles),
    )
    return summary


def _role_description(row: data.RoleRow, task_fields: dict[str, TaskField]) -> str:
    if row.code in data.ROLE_DESCRIPTIONS:
        return data.ROLE_DESCRIPTIONS[row.code]
    if row.task_field is None:
        return row.name
    task_field = task_fields[row.task_field]
    text = f"Taakveld {task_field.name} ({task_field.mode.label}"
    if task_field.partner is not None:
        text += f", partner {task_field.partner.name}"
    return text + ")."


def _accounts(
    summary: DemoSummary,
    clusters: dict[str, Cluster],
    employees: dict[str, Employee],
) -> dict[str, User]:
    """One account per employee (the spil's reads their cluster too), all with
    the demo password.

    The secretaris account goes through create_account; the others share one
    hash of the (public) demo password: hashing it 50 times would take ~10 s.
    """
    password_hash = generate_password_hash(data.DEMO_PASSWORD)

    def account(username: str, role: UserRole, **links: int | None) -> User:
        user = User(
            username=username,
            role=role,
            password_hash=password_hash,
            session_token=secrets.token_hex(16),
            **links,
        )
        db.session.add(user)
        return user

    users = {}
    for username, employee in employees.items():
        description = f"medewerker {employee.name} ({employee.base_function})"
        if key := SPIL_EMPLOYEES.get(username):
            users[username] = account(
                username,
                UserRole.COORDINATOR,
                employee_id=employee.id,
                cluster_id=clusters[key].id,
            )
            description += f", spil: leest {clusters[key].name}"
        else:
            users[username] = account(
                username, UserRole.EMPLOYEE, employee_id=employee.id
            )
        summary.accounts.append((username, description))
    db.session.flush()
    return users


def _previous_round(
    today: date,
    secretary: User,
    roles: dict[str, Role],
    employees: dict[str, Employee],
    add: Callable[[object], None],
) -> PlanningRound:
    """The approved round of the current half year with its frozen plan."""
    label, starts_on, ends_on = half_year(today)
    planning_round = PlanningRound(
        label=label,
        starts_on=starts_on,
        ends_on=ends_on,
        deadline=starts_on - timedelta(weeks=6),
        status=RoundStatus.APPROVED,
        settings=dict(data.ROUND_SETTINGS),
    )
    add(planning_round)
    approved_at = datetime.combine(starts_on - timedelta(days=14), datetime.min.time())
    plans = {}
    for username, employee in employees.items():
        plan = WorkPlan(
            round=planning_round,
            employee=employee,
            status=WorkPlanStatus.APPROVED,
            agreed_at=approved_at.replace(tzinfo=UTC) - timedelta(days=3),
            approved_at=approved_at.replace(tzinfo=UTC),
            approved_by_id=secretary.id,
        )
        add(plan)
        plans[username] = plan

    def assign(
        username: str, code: str, kind: AssignmentKind, **fields: object
    ) -> None:
        assignment = Assignment(role=roles[code], kind=kind, **fields)
        stamp(assignment, secretary, new=True)
        plans[username].assignments.append(assignment)

    for code, holders, backups in data.PREVIOUS_PLAN:
        for username, share in holders.items():
            assign(username, code, AssignmentKind.HOLDER, fte_units=parse_fte(share))
        for username in backups:
            assign(username, code, AssignmentKind.BACKUP, fte_units=0)
    for code, learner, mentor in data.PREVIOUS_LEARNERS:
        assign(
            learner,
            code,
            AssignmentKind.LEARNER,
            fte_units=parse_fte(data.LEARNER_SHARE),
            mentor=employees[mentor],
        )
    return planning_round


def _open_round(
    today: date, previous: PlanningRound, add: Callable[[object], None]
) -> PlanningRound:
    """The next half year, open for preferences until a few weeks from today."""
    label, starts_on, ends_on = half_year(previous.ends_on + timedelta(days=1))
    planning_round = PlanningRound(
        label=label,
        starts_on=starts_on,
        ends_on=ends_on,
        deadline=today + timedelta(weeks=DEADLINE_WEEKS),
        status=RoundStatus.OPEN,
        previous_round=previous,
        settings=dict(data.ROUND_SETTINGS),
    )
    add(planning_round)
    return planning_round
