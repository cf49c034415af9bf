"""The secretaris's page per medewerker: the werkplan of a round, every wish and
how it was answered (with the solver's reason), the load in hours against the
contract (under-planning flagged) and the history over rounds."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain import AssignmentKind, Choice, format_fte
from ..extensions import db
from ..models import Assignment, Employee, PlanningRound, Preference, WorkPlan
from .base import ServiceError
from .review import WerkplanView, explained, werkplan_view

OUTCOMES = {
    # (choice, got it as holder/learner) -> how the wish was answered
    ("want", True): "ingewilligd",
    ("want", False): "niet ingewilligd",
    ("learn", True): "ingewilligd",
    ("learn", False): "niet ingewilligd",
    ("avoid", True): "toch toegewezen",
    ("avoid", False): "gerespecteerd",
}


@dataclass
class WishAnswer:
    role_code: str
    role_name: str
    choice: str
    choice_label: str
    outcome: str
    reason: str
    comment: str

    @property
    def answered_as_wished(self) -> bool:
        return self.outcome in ("ingewilligd", "gerespecteerd")


@dataclass
class RoundLine:
    round: PlanningRound
    plan: WorkPlan
    load_units: int
    roles: list[str]


@dataclass
class EmployeePage:
    employee: Employee
    round: PlanningRound | None
    werkplan: WerkplanView | None
    wishes: list[WishAnswer] = field(default_factory=list)
    history: list[RoundLine] = field(default_factory=list)

    @property
    def load_units(self) -> int:
        return self.werkplan.total_units if self.werkplan else 0

    @property
    def contract_units(self) -> int:
        return self.employee.contract_units

    @property
    def under_planned(self) -> bool:
        return self.werkplan is not None and self.load_units < self.contract_units

    @property
    def over_planned(self) -> bool:
        return self.load_units > self.contract_units


def _code(a: Assignment) -> str:
    return a.role.code


def _assignment_text(a: Assignment) -> str:
    """'r05 (rolhouder 0,6 fte)', 'r07 (vervanger)'."""
    if a.kind == AssignmentKind.BACKUP:
        return f"{a.role.code} ({a.kind.label})"
    return f"{a.role.code} ({a.kind.label} {format_fte(a.fte_units)} fte)"


def _load(plan: WorkPlan) -> int:
    return sum(a.fte_units for a in plan.assignments if a.kind != AssignmentKind.BACKUP)


def employee_page(employee_id: int, round_id: int | None = None) -> EmployeePage:
    """Everything the page shows; the round defaults to the newest with a werkplan."""
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        raise ServiceError("Deze medewerker bestaat niet.")
    plans = list(
        db.session.scalars(
            select(WorkPlan)
            .join(PlanningRound, PlanningRound.id == WorkPlan.round_id)
            .where(WorkPlan.employee_id == employee_id, WorkPlan.current.is_(True))
            .options(selectinload(WorkPlan.assignments).selectinload(Assignment.role))
            .order_by(PlanningRound.starts_on.desc(), PlanningRound.id.desc())
        )
    )
    history = [
        RoundLine(
            round=p.round,
            plan=p,
            load_units=_load(p),
            roles=[_assignment_text(a) for a in sorted(p.assignments, key=_code)],
        )
        for p in plans
    ]
    chosen = next((p for p in plans if p.round_id == round_id), None)
    if round_id is not None and chosen is None:
        round_ = db.session.get(PlanningRound, round_id)
        if round_ is None:
            raise ServiceError("Deze planronde bestaat niet.")
    else:
        chosen = chosen or (plans[0] if plans else None)
        round_ = chosen.round if chosen else None
    page = EmployeePage(
        employee=employee,
        round=round_,
        werkplan=werkplan_view(chosen) if chosen else None,
        history=history,
    )
    if round_ is not None:
        page.wishes = _wishes(employee_id, round_, chosen)
    return page


def _wishes(
    employee_id: int, round_: PlanningRound, plan: WorkPlan | None
) -> list[WishAnswer]:
    prefs = db.session.scalars(
        select(Preference)
        .where(Preference.round_id == round_.id, Preference.employee_id == employee_id)
        .options(selectinload(Preference.role))
    )
    kinds: dict[int, set[AssignmentKind]] = {}
    for a in plan.assignments if plan else []:
        kinds.setdefault(a.role_id, set()).add(a.kind)
    reasons = {w.role: w.reason for w in explained(plan)}
    answers = []
    for pref in sorted(prefs, key=lambda p: p.role.code):
        if pref.choice == Choice.NEUTRAL:
            continue
        got = kinds.get(pref.role_id, set())
        has = AssignmentKind.HOLDER in got or (
            pref.choice == Choice.LEARN and AssignmentKind.LEARNER in got
        )
        outcome = OUTCOMES[(pref.choice.value, has)] if plan else "nog geen werkplan"
        answers.append(
            WishAnswer(
                role_code=pref.role.code,
                role_name=pref.role.name,
                choice=pref.choice.value,
                choice_label=pref.choice.label,
                outcome=outcome,
                reason=reasons.get(pref.role.code, "")
                if outcome in ("niet ingewilligd", "toch toegewezen")
                else "",
                comment=pref.comment,
            )
        )
    return answers
