"""Swaps between colleagues: a medewerker proposes to take over (part of) a role
from a colleague, or to swap roles with them; the independent checker judges the
result at once (hard rules; missing backups are shown, not hidden); the colleague
accepts or declines; the secretaris then publishes it like a scenario
(services/scenarios.publish_scenario): new werkplan versions from its date for
the two of them (and nobody else), akkoord asked again, the history kept.

A swap is a Scenario with a proposer and a colleague and no solver run: its plan
is the approved plan with the roles moved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import or_, select

from ..domain import AssignmentKind, FteError, RoundStatus, format_hours, parse_fte
from ..extensions import db
from ..models import Employee, PlanningRound, Role, Scenario, ScenarioStatus, User
from ..naming import name_key
from ..solver import check_plan
from ..solver.instance import fte_number, instance_to_json
from ..solver.plan import PlanAssignment
from . import audit, mail, notifications, validation
from .base import ServiceError, stamp, utcnow
from .hard_rules import HardRuleError, plan_of, readable, with_shortfalls
from .rounds import get_round, today
from .scenarios import check_round_approved, get_scenario, same_plan, stored_plan
from .solver_bridge import approved_plans, employee_key, round_instance

HOLDER = AssignmentKind.HOLDER


def _share(assignments: list[PlanAssignment], employee: str, role: str) -> int:
    return sum(
        a.fte or 0
        for a in assignments
        if a.employee == employee and a.role == role and a.kind == HOLDER
    )


def _move(
    assignments: list[PlanAssignment], role: str, giver: str, taker: str, units: int
) -> list[PlanAssignment]:
    """``units`` of ``role`` moved from giver to taker; the taker stops backing up
    (or learning) the role they now hold (a backup never holds the same role)."""
    kept: list[PlanAssignment] = []
    for a in assignments:
        if a.role == role and a.employee == taker and a.kind != HOLDER:
            continue
        if a.role == role and a.kind == HOLDER and a.employee == giver:
            rest = (a.fte or 0) - units
            if rest <= 0:
                continue
            a = replace(a, fte=rest)
        kept.append(a)
    for i, a in enumerate(kept):
        if a.role == role and a.kind == HOLDER and a.employee == taker:
            kept[i] = replace(a, fte=(a.fte or 0) + units)
            break
    else:
        kept.append(PlanAssignment(taker, role, HOLDER, units))
    # a learner whose mentor no longer holds the role follows the new holder
    holders = {a.employee for a in kept if a.role == role and a.kind == HOLDER}
    return [
        replace(a, mentor=taker)
        if a.role == role
        and a.kind == AssignmentKind.LEARNER
        and a.mentor not in holders
        else a
        for a in kept
    ]


def propose_swap(
    round_id: int,
    proposer_id: int,
    colleague_id: int,
    take_role_id: int,
    by: User | None,
    *,
    take_fte: str = "",
    take_hours: str = "",
    give_role_id: int | None = None,
    valid_from: date | None = None,
) -> Scenario:
    """The proposer takes (part of) a role from the colleague (``take_fte`` or
    ``take_hours`` a week; empty: all of it), and gives one of their own in
    return when ``give_role_id`` is set. Refused as a whole, nothing stored,
    when the result breaks a hard rule. The colleague gets a mail."""
    round_ = get_round(round_id)
    check_round_approved(round_id)
    proposer = db.session.get(Employee, proposer_id)
    colleague = db.session.get(Employee, colleague_id)
    take = db.session.get(Role, take_role_id)
    give = db.session.get(Role, give_role_id) if give_role_id else None
    if proposer is None or colleague is None or not colleague.active:
        raise ServiceError("Kies een collega.")
    if proposer.id == colleague.id:
        raise ServiceError("Een ruil is met een collega, niet met uzelf.")
    if take is None or (give_role_id and give is None):
        raise ServiceError("Kies de rol.")
    when = valid_from or max(round_.starts_on, today())
    if not round_.starts_on <= when <= round_.ends_on:
        raise ServiceError("De datum moet in de periode van de planronde liggen.")
    instance = round_instance(round_id, freeze_approved=False)
    approved = plan_of(approved_plans(round_id), instance)
    moved = list(approved.assignments)
    me, other = employee_key(proposer.id), employee_key(colleague.id)
    held = _share(moved, other, take.code)
    if held <= 0:
        raise ServiceError(f"{colleague.name} is geen rolhouder van {take.name}.")
    units = held
    if take_hours.strip():
        too_many = (
            f"hoogstens de {format_hours(held)} uur die {colleague.name} van "
            f"{take.name} heeft."
        )
        try:
            units = validation.hours_units(take_hours, maximum=held, too_large=too_many)
        except validation.Invalid as exc:
            raise ServiceError(f"Uren: {exc}") from exc
    elif take_fte.strip():
        try:
            units = parse_fte(take_fte)
        except FteError as exc:
            raise ServiceError(f"Fte: {exc}.") from exc
        if not 0 < units <= held:
            raise ServiceError(
                f"Fte: tussen 0 en de {fte_number(held)} fte die {colleague.name} "
                f"van {take.name} heeft."
            )
    moved = _move(moved, take.code, other, me, units)
    if give is not None:
        mine = _share(moved, me, give.code)
        if mine <= 0 or give.id == take.id:
            raise ServiceError(f"U bent geen rolhouder van {give.name}.")
        moved = _move(moved, give.code, me, other, mine)
    # the checker reads JSON: the instance and plan as they are stored
    instance_json = instance_to_json(instance)
    plan_json = with_shortfalls(moved, instance, "ruil").to_json()
    violations = check_plan(instance_json, plan_json)
    if violations:
        raise HardRuleError(
            "Deze ruil kan niet: hij overtreedt een harde regel. Er is niets "
            "voorgesteld.",
            [readable(v, instance) for v in violations],
        )
    what = f"{proposer.name} neemt {take.name} over van {colleague.name}"
    if give is not None:
        what = f"{proposer.name} en {colleague.name} ruilen {take.name} en {give.name}"
    scenario = Scenario(
        round_id=round_id,
        name=f"Ruil: {what}"[:120],
        valid_from=when,
        status=ScenarioStatus.PROPOSED,
        changes=[],
        approved_plan=approved.to_json(),
        instance=instance_json,
        plan=plan_json,
        proposer_id=proposer.id,
        colleague_id=colleague.id,
    )
    stamp(scenario, by, new=True)
    db.session.add(scenario)
    db.session.flush()
    audit.record(
        "swap_proposed",
        by,
        object_type="scenario",
        object_id=scenario.id,
        round_id=round_id,
        name=scenario.name,
    )
    notifications.swap_proposed(scenario)
    db.session.commit()
    mail.kick()
    return scenario


def _answer(scenario_id: int, employee_id: int | None) -> Scenario:
    scenario = get_scenario(scenario_id)
    if not scenario.is_swap or scenario.colleague_id != employee_id:
        raise ServiceError("Deze ruil is niet aan u voorgesteld.")
    if scenario.status != ScenarioStatus.PROPOSED:
        raise ServiceError("Op deze ruil is al geantwoord.")
    return scenario


def accept_swap(scenario_id: int, employee_id: int | None, by: User | None) -> Scenario:
    """The colleague accepts; the checker judges the swap again against the
    organisation and werkplannen as they are now (refused with the reasons,
    nothing changes), and the secretaris can publish it."""
    scenario = _answer(scenario_id, employee_id)
    check_round_approved(scenario.round_id)
    instance = round_instance(scenario.round_id, freeze_approved=False)
    proposed_from = stored_plan(scenario.approved_plan)
    now = plan_of(approved_plans(scenario.round_id), instance)
    if proposed_from is None or not same_plan(proposed_from, now):
        raise ServiceError(
            "De werkplannen zijn veranderd sinds deze ruil is voorgesteld; stel hem "
            "opnieuw voor."
        )
    instance_json = instance_to_json(instance)
    violations = check_plan(instance_json, scenario.plan or {})
    if violations:
        raise HardRuleError(
            "Deze ruil kan niet (meer): hij overtreedt een harde regel. Er is niets "
            "aangenomen.",
            [readable(v, instance) for v in violations],
            "Overleg met uw collega of de gemeentesecretaris.",
        )
    scenario.status = ScenarioStatus.SOLVED
    scenario.answered_at = utcnow()
    stamp(scenario, by)
    audit.record(
        "swap_accepted",
        by,
        object_type="scenario",
        object_id=scenario.id,
        round_id=scenario.round_id,
        name=scenario.name,
    )
    notifications.swap_answered(scenario, accepted=True)
    db.session.commit()
    mail.kick()
    return scenario


def decline_swap(
    scenario_id: int, employee_id: int | None, by: User | None
) -> Scenario:
    scenario = _answer(scenario_id, employee_id)
    scenario.status = ScenarioStatus.DECLINED
    scenario.answered_at = utcnow()
    stamp(scenario, by)
    audit.record(
        "swap_declined",
        by,
        object_type="scenario",
        object_id=scenario.id,
        round_id=scenario.round_id,
        name=scenario.name,
    )
    notifications.swap_answered(scenario, accepted=False)
    db.session.commit()
    mail.kick()
    return scenario


# --- for the pages ----------------------------------------------------------------


def swap_round() -> PlanningRound | None:
    """The round swaps are made in: the newest approved one."""
    found: PlanningRound | None = db.session.scalar(
        select(PlanningRound)
        .where(PlanningRound.status == RoundStatus.APPROVED)
        .order_by(PlanningRound.starts_on.desc())
        .limit(1)
    )
    return found


def swaps_of(employee_id: int) -> list[Scenario]:
    """Swaps this medewerker proposed or was asked, newest first."""
    return list(
        db.session.scalars(
            select(Scenario)
            .where(
                or_(
                    Scenario.proposer_id == employee_id,
                    Scenario.colleague_id == employee_id,
                )
            )
            .order_by(Scenario.id.desc())
        )
    )


def own_swap(scenario_id: int, employee_id: int | None) -> Scenario:
    """A swap this medewerker proposed or was asked; else a ServiceError."""
    scenario = get_scenario(scenario_id)
    if not scenario.is_swap or employee_id not in (
        scenario.proposer_id,
        scenario.colleague_id,
    ):
        raise ServiceError("Deze ruil is niet van u.")
    return scenario


@dataclass
class SwapChoices:
    """What the proposal form offers: colleagues who hold roles in the approved
    werkplannen, the roles they hold, the roles the medewerker holds."""

    colleagues: list[tuple[int, str]]
    roles: list[tuple[int, str]]
    mine: list[tuple[int, str]]


def swap_choices(round_id: int, employee_id: int) -> SwapChoices:
    held = [
        (plan.employee, a.role)
        for plan in approved_plans(round_id)
        for a in plan.assignments
        if a.kind == AssignmentKind.HOLDER
    ]
    others = {e.id: e.name for e, _ in held if e.id != employee_id and e.active}
    roles = {r.id: f"{r.name} ({e.name})" for e, r in held if e.id != employee_id}
    mine = {r.id: r.name for e, r in held if e.id == employee_id}
    return SwapChoices(
        colleagues=sorted(others.items(), key=lambda i: name_key(i[1])),
        roles=sorted(roles.items(), key=lambda i: i[1]),
        mine=sorted(mine.items(), key=lambda i: i[1]),
    )
