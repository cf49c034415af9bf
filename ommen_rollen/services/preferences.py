"""Voorkeuren: which roles a medewerker may hold, their choices, and the interest
per role that colleagues see while choosing together (Samen kiezen)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..domain import CHOICE_LABELS, Choice
from ..extensions import db
from ..models import Employee, PlanningRound, Preference, Role, RoleRequirement, User
from . import audit
from .base import ServiceError, stamp
from .rounds import accepts_preferences, get_round

COMMENT_MAX = 500


def ineligibility_reasons(employee: Employee, role: Role) -> list[str]:
    """Why this employee may not hold this role (Dutch); [] means eligible."""
    reasons = []
    if role.base_functions and employee.base_function not in role.base_functions:
        letters = ", ".join(str(b) for b in role.base_functions)
        reasons.append(
            f"rompfunctie {employee.base_function.value} past niet (vereist: {letters})"
        )
    levels = employee.competence_levels()
    for req in role.requirements:
        have = levels.get(req.competence.name, 0)
        if have < req.min_level:
            if have == 0:
                reasons.append(
                    f"competentie {req.competence.name} niveau {req.min_level} "
                    "ontbreekt"
                )
            else:
                reasons.append(
                    f"competentie {req.competence.name}: niveau {have}, "
                    f"vereist {req.min_level}"
                )
    return reasons


def base_function_fits(employee: Employee, role: Role) -> bool:
    """Whether the employee's rompfunctie allows the role: the condition for
    holding it, and for learning it (solver/eligibility.py, base_fits)."""
    return not role.base_functions or employee.base_function in role.base_functions


def learn_refusal(employee: Employee, role: Role) -> str:
    """Why this employee cannot choose 'wil ik leren' for this role ('' when they
    can): learning is for roles the rompfunctie allows."""
    if base_function_fits(employee, role):
        return ""
    letters = ", ".join(str(b) for b in role.base_functions)
    return (
        f"{role.code}: wil ik leren kan alleen voor een rol die uw rompfunctie "
        f"toestaat (rompfunctie {employee.base_function.value}, vereist: {letters})."
    )


def active_roles(cluster_id: int | None = None, q: str = "") -> list[Role]:
    """Active roles, optionally of one cluster and matching a search text."""
    query = (
        select(Role)
        .where(Role.active.is_(True))
        .options(
            selectinload(Role.requirements).selectinload(RoleRequirement.competence),
            selectinload(Role.cluster),
        )
        .order_by(Role.code)
    )
    if cluster_id:
        query = query.where(Role.cluster_id == cluster_id)
    text = q.strip()
    if text:
        like = f"%{text}%"
        query = query.where(
            Role.name.ilike(like) | Role.code.ilike(like) | Role.description.ilike(like)
        )
    return list(db.session.scalars(query))


@dataclass
class RoleRow:
    """One line of the Voorkeuren list."""

    role: Role
    reasons: list[str]
    choice: Choice = Choice.NEUTRAL
    comment: str = ""
    can_learn: bool = True

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The choices this medewerker has for the role: 'wil ik leren' only where
        the rompfunctie allows the role (or when it was chosen before)."""
        return [
            (value, label)
            for value, label in CHOICES
            if value != Choice.LEARN.value
            or self.can_learn
            or self.choice == Choice.LEARN
        ]


def preference_rows(
    round_id: int, employee: Employee, *, cluster_id: int | None = None, q: str = ""
) -> list[RoleRow]:
    """Every active role (filtered) with eligibility and this employee's choice."""
    mine = {
        p.role_id: p
        for p in db.session.scalars(
            select(Preference).where(
                Preference.round_id == round_id,
                Preference.employee_id == employee.id,
            )
        )
    }
    rows = []
    for role in active_roles(cluster_id, q):
        row = RoleRow(
            role=role,
            reasons=ineligibility_reasons(employee, role),
            can_learn=base_function_fits(employee, role),
        )
        if pref := mine.get(role.id):
            row.choice, row.comment = pref.choice, pref.comment
        rows.append(row)
    return rows


def my_preferences(round_id: int, employee_id: int) -> dict[int, Preference]:
    """This employee's preferences in a round by role id."""
    return {
        p.role_id: p
        for p in db.session.scalars(
            select(Preference).where(
                Preference.round_id == round_id,
                Preference.employee_id == employee_id,
            )
        )
    }


class PreferenceError(ServiceError):
    """Refused with a message per role id."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(
            "De voorkeuren zijn niet opgeslagen: " + " ".join(errors.values())
        )
        self.errors = errors


def save_preferences(
    round_id: int,
    employee_id: int,
    choices: Mapping[int, tuple[str, str]],
    by: User | None,
) -> int:
    """Store choices {role_id: (choice, remark)} of one employee; all or nothing.

    A role left neutral without a remark gets no row; an existing preference that
    goes back to neutral is kept as neutral (it was given). Returns how many
    changed.
    """
    round_ = get_round(round_id)
    if not accepts_preferences(round_):
        raise ServiceError(
            "Voorkeuren kunnen niet meer worden gewijzigd: de planronde is gesloten "
            "of de uiterste datum is verstreken."
        )
    employee = db.session.get(Employee, employee_id)
    if employee is None or not employee.active:
        raise ServiceError("Deze medewerker bestaat niet of is niet actief.")
    roles = {
        r.id: r
        for r in db.session.scalars(
            select(Role).where(Role.id.in_(list(choices)), Role.active.is_(True))
        )
    }
    errors: dict[int, str] = {}
    parsed: dict[int, tuple[Choice, str]] = {}
    before = my_preferences(round_id, employee_id)
    for role_id, (choice_text, comment) in choices.items():
        role = roles.get(role_id)
        if role is None:
            errors[role_id] = f"Rol {role_id} bestaat niet of is niet actief."
            continue
        try:
            choice = Choice(choice_text)
        except ValueError:
            errors[role_id] = f"{role.code}: '{choice_text}' is geen geldige keuze."
            continue
        if choice == Choice.LEARN:
            kept = role_id in before and before[role_id].choice == Choice.LEARN
            refusal = "" if kept else learn_refusal(employee, role)
            if refusal:
                errors[role_id] = refusal
                continue
        comment = (comment or "").strip()
        if len(comment) > COMMENT_MAX:
            errors[role_id] = (
                f"{role.code}: de opmerking mag hoogstens {COMMENT_MAX} tekens zijn."
            )
            continue
        parsed[role_id] = (choice, comment)
    if errors:
        raise PreferenceError(errors)
    try:
        return _store_choices(round_id, employee_id, parsed, roles, by)
    except IntegrityError:
        # The same form sent twice at once (a double click, two tabs): the other
        # request inserted a preference first. Its row is there now, so storing
        # again updates it instead of inserting a second one.
        db.session.rollback()
        return _store_choices(round_id, employee_id, parsed, roles, by)


def _store_choices(
    round_id: int,
    employee_id: int,
    parsed: Mapping[int, tuple[Choice, str]],
    roles: Mapping[int, Role],
    by: User | None,
) -> int:
    existing = my_preferences(round_id, employee_id)
    changed: dict[str, str] = {}
    for role_id, (choice, comment) in parsed.items():
        pref = existing.get(role_id)
        if pref is None and choice == Choice.NEUTRAL and not comment:
            continue  # nothing to say about this role: no row
        if pref is None:
            pref = Preference(
                round_id=round_id, employee_id=employee_id, role_id=role_id
            )
            stamp(pref, by, new=True)
            db.session.add(pref)
        elif pref.choice == choice and pref.comment == comment:
            continue
        pref.choice, pref.comment = choice, comment
        stamp(pref, by)
        changed[roles[role_id].code] = choice.value
    if changed:
        audit.record(
            "preferences_saved",
            by,
            object_type="planning_round",
            object_id=round_id,
            employee_id=employee_id,
            choices=changed,
        )
    db.session.commit()
    return len(changed)


@dataclass
class Interest:
    """Samen kiezen: how much interest a role has in a round."""

    role: Role
    counts: dict[Choice, int] = field(default_factory=dict)
    names: dict[Choice, list[str]] = field(default_factory=dict)

    @property
    def wanted(self) -> int:
        return self.counts.get(Choice.WANT, 0)

    @property
    def learners(self) -> int:
        return self.counts.get(Choice.LEARN, 0)

    @property
    def avoided(self) -> int:
        return self.counts.get(Choice.AVOID, 0)

    @property
    def nobody(self) -> bool:
        """No one has chosen this role yet (graag or wil ik leren)."""
        return self.wanted == 0 and self.learners == 0


def interest(
    round_: PlanningRound, *, cluster_id: int | None = None, q: str = ""
) -> list[Interest]:
    """Per active role the number of colleagues per choice; names only when the
    secretaris turned them on for this round."""
    rows = {r.id: Interest(role=r) for r in active_roles(cluster_id, q)}
    prefs = db.session.execute(
        select(Preference.role_id, Preference.choice, Employee.name)
        .join(Employee, Employee.id == Preference.employee_id)
        .where(Preference.round_id == round_.id, Employee.active.is_(True))
        .order_by(Employee.name)
    ).all()
    for role_id, choice, name in prefs:
        row = rows.get(role_id)
        if row is None:
            continue
        row.counts[choice] = row.counts.get(choice, 0) + 1
        if round_.show_names:
            row.names.setdefault(choice, []).append(name)
    return list(rows.values())


CHOICES = [(c.value, CHOICE_LABELS[c]) for c in Choice]
