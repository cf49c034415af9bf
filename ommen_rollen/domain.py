"""Domain vocabulary shared by the web app and the solver: enums and exact fte units.

Standard library only. Fte is held as an integer number of FTE units
(1 unit = 1/10,000 fte), so 0.8889 fte (32 of 36 hours) is 8889 units and sums
never drift. Hours per week are derived for display from a 36-hour week.
"""

from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FTE_SCALE = 10_000
"""Integer units per 1.0 fte: fte values carry at most four decimals."""

TENTH_FTE = FTE_SCALE // 10
"""0.1 fte in units: the step of a hire (formation advice) and of backup_spread."""

HOURS_PER_FTE = 36
"""A full-time week in Dutch municipalities (CAO Gemeenten)."""

DEFAULT_TIME_LIMIT_S = 30.0
"""Seconds the solver may search when neither the run, the instance's settings nor
the app's SOLVER_TIME_LIMIT_S says otherwise."""


class BaseFunction(enum.StrEnum):
    """Rompfunctie: the broad base function of every employee (houtskoolschets 6.3)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"

    @property
    def label(self) -> str:
        return BASE_FUNCTION_LABELS[self]


BASE_FUNCTION_LABELS = {
    BaseFunction.A: "Strategisch/beleidsadviseur",
    BaseFunction.B: "Regisseur/adviseur",
    BaseFunction.C: "Beheerder",
    BaseFunction.D: "Ondersteuner",
    BaseFunction.E: "Management/gemeentesecretaris",
}


class Choice(enum.StrEnum):
    """A medewerker's preference for a role in a planning round."""

    WANT = "want"
    NEUTRAL = "neutral"
    AVOID = "avoid"
    LEARN = "learn"

    @property
    def label(self) -> str:
        return CHOICE_LABELS[self]


CHOICE_LABELS = {
    Choice.WANT: "graag",
    Choice.NEUTRAL: "neutraal",
    Choice.AVOID: "liever niet",
    Choice.LEARN: "wil ik leren",
}


class TaskMode(enum.StrEnum):
    """How a taakveld is organised (houtskoolschets 4.3)."""

    IN_HOUSE = "in_house"
    OUTSOURCED = "outsourced"
    PARTNERSHIP = "partnership"

    @property
    def label(self) -> str:
        return TASK_MODE_LABELS[self]


TASK_MODE_LABELS = {
    TaskMode.IN_HOUSE: "zelf doen",
    TaskMode.OUTSOURCED: "uitbesteden",
    TaskMode.PARTNERSHIP: "samenwerken",
}


class AssignmentKind(enum.StrEnum):
    """What an employee does for a role in a werkplan."""

    HOLDER = "holder"
    BACKUP = "backup"
    LEARNER = "learner"

    @property
    def label(self) -> str:
        return ASSIGNMENT_KIND_LABELS[self]


ASSIGNMENT_KIND_LABELS = {
    AssignmentKind.HOLDER: "rolhouder",
    AssignmentKind.BACKUP: "vervanger",
    AssignmentKind.LEARNER: "ontwikkelrol",
}


class RoundStatus(enum.StrEnum):
    """Life cycle of a planning round, in order."""

    CONCEPT = "concept"
    OPEN = "open"
    CLOSED = "closed"
    PROPOSED = "proposed"
    APPROVED = "approved"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return ROUND_STATUS_LABELS[self]


ROUND_STATUS_LABELS = {
    RoundStatus.CONCEPT: "concept",
    RoundStatus.OPEN: "open voor voorkeuren",
    RoundStatus.CLOSED: "gesloten",
    RoundStatus.PROPOSED: "voorstel",
    RoundStatus.APPROVED: "goedgekeurd",
    RoundStatus.ARCHIVED: "gearchiveerd",
}


class PlanStatus(enum.StrEnum):
    """How a solve ended (plan format v1 "status")."""

    OPTIMAL = "optimal"  # shortfall and soft goals proven best
    FEASIBLE = "feasible"  # a plan keeping every hard rule, maybe not the best
    INFEASIBLE = "infeasible"  # pins and forbids contradict each other
    INVALID = "invalid"  # the instance was refused
    UNKNOWN = "unknown"  # no plan keeping the pins found in time
    CANCELLED = "cancelled"  # stopped on request: the best plan so far

    @property
    def usable(self) -> bool:
        """Good enough to become werkplannen without asking."""
        return self in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)


class UserRole(enum.StrEnum):
    """Access level of an account."""

    EMPLOYEE = "medewerker"
    SECRETARY = "secretaris"
    COORDINATOR = "spil"


class FteError(ValueError):
    """A value cannot be read as an exact fte or hours amount."""


def parse_fte(value: str | int | Decimal) -> int:
    """Read a decimal fte ('0,8889', '0.5', Decimal) into exact FTE units.

    More than four decimals is refused rather than rounded: it would not be exact.
    """
    text = str(value).strip().replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise FteError(f"'{value}' is geen getal") from exc
    if not amount.is_finite():
        raise FteError(f"'{value}' is geen eindig getal")
    units = amount * FTE_SCALE
    if units != units.to_integral_value():
        raise FteError(f"'{value}' heeft meer dan vier decimalen")
    return int(units)


def fte_to_decimal(units: int) -> Decimal:
    """FTE units as a Decimal fte with four decimals (8889 -> Decimal('0.8889'))."""
    return (Decimal(units) / FTE_SCALE).quantize(Decimal("0.0001"))


def format_fte(units: int) -> str:
    """Dutch display of an fte amount, decimal comma, no trailing zeros ('0,8889')."""
    text = f"{fte_to_decimal(units):f}".rstrip("0").rstrip(".")
    if "." not in text:
        text = f"{text}.0"
    return text.replace(".", ",")


def hours_to_units(hours: str | int | Decimal) -> int:
    """Hours per week of a 36-hour week into FTE units, rounded to the nearest unit."""
    text = str(hours).strip().replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise FteError(f"'{hours}' is geen getal") from exc
    if not amount.is_finite():
        raise FteError(f"'{hours}' is geen eindig getal")
    units = (amount * FTE_SCALE / HOURS_PER_FTE).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return int(units)


def units_to_hours(units: int) -> Decimal:
    """FTE units as hours per week, two decimals (8889 -> Decimal('32.00'))."""
    return (Decimal(units) * HOURS_PER_FTE / FTE_SCALE).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def format_hours(units: int) -> str:
    """Dutch display of hours per week ('32' or '10,8')."""
    text = f"{units_to_hours(units):f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
