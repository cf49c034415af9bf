"""One validator for what beheer and the imports store about employees and roles.

The beheer forms (services.staff, services.organisation through
services.beheer.Checker), the API (which calls the same services) and every import
(services.imports.rows, also for the roles and employees of an instance file) read
a typed or written value through these functions, so the same bad value gets the
same Dutch refusal everywhere and the bounds (services.limits) are applied once.

Each function takes the raw value (text from a form or a cell, or a number) and
returns the value to store, or raises Invalid with the message for that field.
Whether a field may be empty is the caller's: the forms require what a new row
needs, an import leaves an empty cell as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from ..domain import HOURS_PER_FTE, BaseFunction, FteError, hours_to_units
from . import limits

CONTRACT_TOO_LARGE = f"Een contract is hoogstens 1 fte ({HOURS_PER_FTE} uur per week)."
ROLE_FTE_TOO_LARGE = (
    f"Een rol van meer dan {limits.MAX_ROLE_FTE} fte is niet realistisch; "
    "verdeel het werk over meer rollen."
)
MIN_SHARE_TOO_LARGE = "Het kleinste deel kan niet groter zijn dan de rol zelf."
LEVEL_RULE = "Kies niveau 1, 2 of 3."
BASE_FUNCTION_RULE = "kies A, B, C, D of E."
USERNAME_RULE = (
    "Gebruik 2 tot 60 kleine letters, cijfers, punten, streepjes, liggende "
    "streepjes, @ of + (een e-mailadres mag ook)."
)


class Invalid(ValueError):
    """A value cannot be stored; the message is Dutch and names no field."""


def _text(value: str | int | Decimal | None) -> str:
    return str(value if value is not None else "").strip()


def _echo(text: str) -> str:
    """The user's own value in a message, cut short."""
    return text if len(text) <= 20 else text[:20] + "…"


# --- numbers ----------------------------------------------------------------------


def whole_number(value: str | int | None, *, low: int, high: int) -> int:
    """A whole number from low to high (inclusive); '2', ' 2 ' and '2,0' are 2."""
    text = _text(value)
    number = Decimal("NaN")
    if len(text) <= limits.MAX_NUMBER_LENGTH:
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            pass
    if not number.is_finite() or number != number.to_integral_value():
        raise Invalid("Vul een geheel getal in.")
    if not low <= number <= high:
        raise Invalid(f"Vul een getal van {low} tot en met {high} in.")
    return int(number)


def fte_units(
    value: str | int | Decimal | None, *, maximum: int, too_large: str
) -> int:
    """Exact FTE units of a decimal fte ('0,8889'), more than 0 and at most
    ``maximum`` units (else ``too_large``)."""
    try:
        units = limits.parse_fte_bounded(_text(value))
    except FteError as exc:
        raise Invalid(f"{exc}; gebruik bijvoorbeeld 0,5 of 0,8889.") from None
    return _positive(units, maximum=maximum, too_large=too_large, what="fte")


def hours_units(
    value: str | int | Decimal | None, *, maximum: int, too_large: str
) -> int:
    """Exact FTE units of hours per week ('32', '25,5'), more than 0 and at most
    ``maximum`` units: at most two decimals."""
    text = _text(value).replace(",", ".")
    if len(text) > limits.MAX_NUMBER_LENGTH:
        raise Invalid(f"'{_echo(text)}' is te lang voor een getal.")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise Invalid(
            f"'{_echo(text)}' is geen getal; gebruik bijvoorbeeld 32."
        ) from None
    if not hours.is_finite() or hours.as_tuple().exponent < -2:  # type: ignore[operator]
        raise Invalid("Gebruik hoogstens twee decimalen voor uren.")
    if hours <= 0:
        raise Invalid("Vul een aantal uren groter dan 0 in.")
    if hours > limits.MAX_NUMBER:
        raise Invalid(too_large)
    return _positive(
        hours_to_units(hours), maximum=maximum, too_large=too_large, what="uren"
    )


def _positive(units: int, *, maximum: int, too_large: str, what: str) -> int:
    if units <= 0:
        raise Invalid(f"Vul een aantal {what} groter dan 0 in.")
    if units > maximum:
        raise Invalid(too_large)
    return units


def contract_fte(value: str | int | Decimal | None) -> int:
    """An employee's contract in fte: more than 0, at most 1 fte."""
    return fte_units(
        value, maximum=limits.MAX_CONTRACT_UNITS, too_large=CONTRACT_TOO_LARGE
    )


def contract_hours(value: str | int | Decimal | None) -> int:
    """An employee's contract in hours per week: more than 0, at most 36."""
    return hours_units(
        value, maximum=limits.MAX_CONTRACT_UNITS, too_large=CONTRACT_TOO_LARGE
    )


def contract_percent(value: str | None) -> int:
    """An employee's contract as a percentage of a full week ('88,89%')."""
    text = _text(value).rstrip("%").strip().replace(",", ".")
    if len(text) > limits.MAX_NUMBER_LENGTH:
        raise Invalid(f"'{_echo(text)}' is geen percentage.")
    try:
        units = limits.parse_fte_bounded(Decimal(text) / 100)
    except (InvalidOperation, FteError):
        raise Invalid(f"'{_echo(text)}' is geen percentage.") from None
    return _positive(
        units,
        maximum=limits.MAX_CONTRACT_UNITS,
        too_large=CONTRACT_TOO_LARGE,
        what="fte",
    )


def role_fte(value: str | int | Decimal | None) -> int:
    """A role's size in fte: more than 0, at most MAX_ROLE_FTE."""
    return fte_units(value, maximum=limits.MAX_ROLE_UNITS, too_large=ROLE_FTE_TOO_LARGE)


def role_hours(value: str | int | Decimal | None) -> int:
    """A role's size in hours per week."""
    return hours_units(
        value, maximum=limits.MAX_ROLE_UNITS, too_large=ROLE_FTE_TOO_LARGE
    )


def min_share(value: str | int | Decimal | None, role_units: int | None) -> int:
    """The smallest share of a split role: more than 0, at most the role itself
    (or MAX_ROLE_FTE while the role's size is unknown)."""
    return fte_units(
        value,
        maximum=role_units if role_units else limits.MAX_ROLE_UNITS,
        too_large=MIN_SHARE_TOO_LARGE,
    )


def backups_needed(value: str | int | None) -> int:
    """How many vervangers a role needs: 0 to MAX_BACKUPS."""
    return whole_number(value, low=0, high=limits.MAX_BACKUPS)


def max_holders(value: str | int | None) -> int:
    """How many rolhouders a split role may have: 1 to MAX_HOLDERS."""
    return whole_number(value, low=1, high=limits.MAX_HOLDERS)


def level(value: str | int | None) -> int:
    """A competence level: 1, 2 or 3."""
    text = _text(value)
    if text not in {str(n) for n in limits.LEVELS}:
        raise Invalid(LEVEL_RULE)
    return int(text)


def level_count(count: int, *, maximum: int, what: str) -> None:
    """At most ``maximum`` competences in one list."""
    if problem := limits.count_problem(count, maximum, what):
        raise Invalid(problem)


# --- codes and names ----------------------------------------------------------------


def base_function(value: str | None) -> BaseFunction:
    """One rompfunctie, A to E."""
    try:
        return BaseFunction(_text(value).upper())
    except ValueError:
        shown = _echo(_text(value))
        raise Invalid(
            f"Onbekende rompfunctie '{shown}': {BASE_FUNCTION_RULE}"
        ) from None


def base_functions(values: Iterable[str]) -> str:
    """The rompfuncties that may hold a role, at least one, as sorted letters."""
    letters: set[str] = set()
    wrong: list[str] = []
    for value in values:
        try:
            letters.add(BaseFunction(_text(value).upper()).value)
        except ValueError:
            wrong.append(_echo(_text(value)))
    if wrong:
        names = ", ".join(f"'{w}'" for w in wrong)
        raise Invalid(
            f"Onbekende rompfunctie {names}: rompfuncties zijn A tot en met E."
        )
    if not letters:
        raise Invalid("Kies minstens één rompfunctie.")
    return "".join(sorted(letters))


def role_code(value: str | None) -> str:
    """A role code: letters, digits, . _ - (services.limits)."""
    code = _text(value)
    if problem := limits.text_problem(code, limits.ROLE_CODE_LENGTH):
        raise Invalid(problem)
    if not limits.ROLE_CODE_PATTERN.fullmatch(code):
        raise Invalid(
            f"'{_echo(code)}' is geen geldige rolcode. {limits.ROLE_CODE_RULE}"
        )
    return code


def username(value: str | None) -> str:
    """A username (or e-mail address) in lower case."""
    name = _text(value).lower()
    if problem := limits.text_problem(name, limits.USERNAME_LENGTH):
        raise Invalid(problem)
    if not limits.USERNAME_PATTERN.fullmatch(name):
        raise Invalid(
            f"'{_echo(name)}' is geen geldige gebruikersnaam. {USERNAME_RULE}"
        )
    return name


def text(value: str | None, maximum: int, *, single_line: bool = True) -> str:
    """Trimmed text within ``maximum`` characters, without control characters (in
    a name or code also no line breaks)."""
    trimmed = _text(value)
    if problem := limits.text_problem(trimmed, maximum, single_line=single_line):
        raise Invalid(problem)
    return trimmed
