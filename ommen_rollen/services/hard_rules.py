"""The hard rules on the werkplannen of a round, as the solver's independent
checker (solver/checker.py) sees them, in Dutch with the names of people and
roles; and the Dutch account of a run that found no plan.

Hard rules refuse, they never warn: a move, pin, publish or approval that breaks
one raises HardRuleError and changes nothing. Only soft rules give warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from ..domain import AssignmentKind, PlanStatus
from ..extensions import db
from ..models import Pin, PinKind, Role, WorkPlan, WorkPlanStatus
from ..solver.instance import Instance, InstanceError, parse_instance
from ..solver.plan import MissingBackup, Plan, PlanAssignment, Uncovered
from .base import ServiceError
from .solver_bridge import (
    build_instance,
    current_plans,
    employee_id_of,
    employee_key,
)

BULLET = "• "  # a line of a message shown as a list item (templates/_message.html)
MAX_LINES = 15  # a refusal lists at most this many rules; the rest are counted


class HardRuleError(ServiceError):
    """Refused because a hard rule would be broken; ``lines`` names each rule
    (person, role, rule) in Dutch. Nothing was changed."""

    def __init__(self, headline: str, lines: Iterable[str], advice: str = "") -> None:
        self.headline = headline
        self.lines = list(lines)
        self.advice = advice
        super().__init__(message_text(headline, self.lines, advice))


def message_text(headline: str, lines: list[str], advice: str = "") -> str:
    """A headline, its lines as list items (at most MAX_LINES), and advice."""
    shown = lines[:MAX_LINES]
    if len(lines) > len(shown):
        shown.append(f"en nog {len(lines) - len(shown)} andere")
    parts = [headline, *(BULLET + line for line in shown)]
    if advice:
        parts.append(advice)
    return "\n".join(parts)


@dataclass(frozen=True)
class Violation:
    """One broken hard rule of the current werkplannen."""

    text: str  # Dutch, with names
    employee_ids: frozenset[int]  # whose werkplannen it is about


# --- names instead of instance ids ---------------------------------------------------


def _names(instance: Instance) -> dict[str, str]:
    """Instance id -> name, for employees ('m12') and roles ('r01')."""
    names = {r.id: r.name or r.id for r in instance.roles}
    names.update({e.id: e.name or e.id for e in instance.employees})
    return names


def readable(message: str, instance: Instance) -> str:
    """A checker or solver message with names for the instance ids: 'medewerker
    m12, rol r01 (rolhouder)' becomes 'medewerker Anouk de Vries, rol
    Gemeentesecretaris (rolhouder)'; mentors and lists of roles too."""
    names = _names(instance)
    if not names:
        return message
    return _id_pattern(names).sub(lambda m: names[m[1]], message)


def _id_pattern(ids: Iterable[str]) -> re.Pattern[str]:
    """Any of these ids as a whole word (ids may hold '.' and '-')."""
    alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    return re.compile(r"(?<![\w.-])(" + alternatives + r")(?![\w-])")


# --- the current werkplannen against the checker -----------------------------------


def current_plan(round_id: int, instance: Instance) -> Plan:
    """The current werkplannen as a plan, with every shortfall listed (a shortfall
    is honest, not a violation); fte in exact units."""
    return plan_of(current_plans(round_id), instance)


def plan_of(plans: list[WorkPlan], instance: Instance) -> Plan:
    """Werkplannen as a plan (mentors too), every shortfall listed."""
    codes = {r.id: r.code for r in db.session.scalars(select(Role))}
    assignments = [
        PlanAssignment(
            employee_key(plan.employee_id),
            codes[a.role_id],
            a.kind,
            None if a.kind == AssignmentKind.BACKUP else a.fte_units,
            employee_key(a.mentor_id)
            if a.kind == AssignmentKind.LEARNER and a.mentor_id is not None
            else None,
        )
        for plan in plans
        for a in plan.assignments
    ]
    return with_shortfalls(assignments, instance, "handmatig")


def with_shortfalls(
    assignments: list[PlanAssignment], instance: Instance, reason: str
) -> Plan:
    """A plan of these assignments with every uncovered fte and missing backup
    of ``instance`` listed (honest: a shortfall is not a violation)."""
    uncovered, missing = [], []
    for role in instance.roles:
        held = sum(
            a.fte or 0
            for a in assignments
            if a.role == role.id and a.kind == AssignmentKind.HOLDER
        )
        if role.fte > held:
            uncovered.append(Uncovered(role.id, role.fte - held, reason))
        backups = sum(
            1
            for a in assignments
            if a.role == role.id and a.kind == AssignmentKind.BACKUP
        )
        if backups < role.backups:
            missing.append(MissingBackup(role.id, role.backups - backups, reason))
    return Plan(
        PlanStatus.FEASIBLE,
        assignments,
        uncovered,
        missing,
        objective={"value": 0, "bound": 0, "terms": {}},
    )


def round_violations(round_id: int) -> list[Violation]:
    """Every hard-rule violation of the current werkplannen of a round (pins and
    forbids included), with names and the medewerkers it is about; [] when every
    rule holds."""
    plans = current_plans(round_id)
    if not plans:
        return []
    from ..solver import check_plan

    instance = build_instance(round_id)
    everyone = frozenset(p.employee_id for p in plans)
    try:
        typed = parse_instance(instance)
    except InstanceError as exc:
        # as the checker says it: nothing can be checked against a refused
        # instance (its messages name fields by position: there are no names)
        return [Violation(f"instantie onleesbaar: {e}", everyone) for e in exc.errors]
    plan = current_plan(round_id, typed)
    keys = {e.id for e in typed.employees}
    role_ids = {r.id for r in typed.roles}
    by_role: dict[str, set[int]] = {}
    for a in plan.assignments:
        emp_id = employee_id_of(a.employee)
        if emp_id is not None:
            by_role.setdefault(a.role, set()).add(emp_id)
    ids = _id_pattern(keys | role_ids)
    found = []
    for message in check_plan(instance, plan.to_json()):
        tokens = set(ids.findall(message))
        people = {
            emp_id
            for token in tokens & keys
            if (emp_id := employee_id_of(token)) is not None
        }
        if not people:
            for role in tokens & role_ids:
                people |= by_role.get(role, set())
        found.append(Violation(readable(message, typed), frozenset(people) or everyone))
    return found


def check_current(round_id: int) -> list[str]:
    """The hard-rule violations of the current werkplannen, in Dutch with names
    ([] when all hold)."""
    return [v.text for v in round_violations(round_id)]


def violations_of(
    violations: list[Violation], employee_ids: Iterable[int]
) -> list[Violation]:
    """The violations about any of these medewerkers' werkplannen."""
    wanted = set(employee_ids)
    return [v for v in violations if v.employee_ids & wanted]


# --- a run without a plan ------------------------------------------------------------


def _labels_in(messages: list[str], labels: Mapping[str, list[str]]) -> list[str]:
    """The keys of ``labels`` one of whose labels occurs in one of the messages."""
    return [
        key
        for key, texts in labels.items()
        if any(text in message for text in texts for message in messages)
    ]


def no_plan_message(round_id: int, plan: Plan, instance: Instance) -> str | None:
    """Why a run gave no plan to store, in Dutch with names and what to do; None
    when the result has a plan (optimal, feasible, cancelled, or unknown with
    assignments)."""
    from ..solver.diagnose import pin_label

    status = plan.status
    if status not in (PlanStatus.INFEASIBLE, PlanStatus.INVALID) and (
        status != PlanStatus.UNKNOWN or plan.assignments
    ):
        return None
    errors = [readable(e, instance) for e in plan.errors]
    if status == PlanStatus.INVALID:
        return message_text(
            "Er is geen voorstel opgeslagen: de gegevens van de planronde zijn "
            "ongeldig.",
            errors,
            "Herstel de genoemde gegevens bij Beheer en optimaliseer opnieuw.",
        )
    if status == PlanStatus.UNKNOWN:
        return message_text(
            "Er is geen voorstel opgeslagen: binnen de rekentijd is geen plan "
            "gevonden dat alle vastgezette keuzes en goedgekeurde werkplannen "
            "aanhoudt.",
            errors,
            "Geef meer rekentijd, of zet bij Aanpassen minder vast, en optimaliseer "
            "opnieuw.",
        )
    names = _names(instance)
    codes = {r.id: r.code for r in db.session.scalars(select(Role))}

    def label(employee_id: int, kind: str, role_id: int) -> str:
        key, code = employee_key(employee_id), codes.get(role_id, "")
        return pin_label(names.get(key, key), kind, names.get(code, code))

    approved: dict[str, list[str]] = {}
    for werkplan in current_plans(round_id):
        if werkplan.status == WorkPlanStatus.APPROVED:
            approved[werkplan.employee.name] = [
                label(werkplan.employee_id, a.kind.value, a.role_id)
                for a in werkplan.assignments
            ]
    manual = {
        label(pin.employee_id, pin.kind.value, pin.role_id): [
            label(pin.employee_id, pin.kind.value, pin.role_id)
        ]
        for pin in db.session.scalars(
            select(Pin).where(Pin.round_id == round_id, Pin.pin_kind == PinKind.PIN)
        )
    }
    advice = []
    in_approved = _labels_in(errors, approved)
    in_manual = _labels_in(errors, manual)
    if in_approved:
        advice.append(
            f"Het goedgekeurde werkplan van {_join(in_approved)} hoort erbij: een "
            "goedgekeurd werkplan blijft bij optimaliseren precies zoals het is. "
            "Past het niet meer (bijvoorbeeld na een kleiner contract of een hogere "
            "eis van de rol), verplaats dan bij Aanpassen de rol die niet meer past; "
            "er komt een nieuwe versie van het werkplan, die opnieuw akkoord en "
            "goedkeuring nodig heeft."
        )
    if in_manual:
        advice.append(
            "Verwijder of wijzig bij Aanpassen de vastgezette keuze "
            f"{_join(in_manual)}."
        )
    if not advice:
        advice.append(
            "Verwijder of wijzig bij Aanpassen een van de genoemde vastgezette keuzes."
        )
    advice.append("Optimaliseer daarna opnieuw.")
    return message_text(
        "Er is geen voorstel opgeslagen: de vastgezette keuzes en goedgekeurde "
        "werkplannen spreken elkaar tegen.",
        errors,
        " ".join(advice),
    )


def _join(names: list[str]) -> str:
    """'A', 'A en B', 'A, B en C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " en " + names[-1]
