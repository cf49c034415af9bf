"""Every bound on what the app accepts and stores, in one place.

The beheer screens (services.beheer.Checker with the save functions in
services.organisation and services.staff) and every import (CSV and Excel rows in
services.imports.rows, instance files in services.imports.instance_json) check
against these constants and helpers (employees and roles through the one
validator that reads every field with them, services.validation), so a file can
never store what a form refuses and the two cannot drift apart. Lengths match
the database columns; counts keep the pages that list everything (each
medewerker and role form lists every competence) small; number and nesting
bounds keep a hostile file from costing more than a normal one to read.

The helpers answer with a Dutch sentence (or None when the value is fine), so
the beheer forms and the import preview show the same words.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select

from ..domain import FTE_SCALE, FteError, parse_fte
from ..extensions import db

# --- text, in characters (the database columns) --------------------------------

NAME_LENGTH = 120  # cluster, competence, partner
LONG_NAME_LENGTH = 160  # medewerker, role, taakveld
ROLE_CODE_LENGTH = 40
USERNAME_LENGTH = 60
DESCRIPTION_LENGTH = 2000
ROLE_DESCRIPTION_LENGTH = 4000
ROUND_LABEL_LENGTH = 80

# Usernames are stored in lower case; role codes keep their case.
# E-mail addresses are usernames too (letters, digits, . _ - @ +).
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,59}$")
ROLE_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
ROLE_CODE_RULE = (
    "Gebruik tot 40 letters, cijfers, punten, streepjes of liggende streepjes, "
    "zonder spaties, beginnend met een letter of cijfer."
)

# --- numbers ----------------------------------------------------------------------

MAX_CONTRACT_UNITS = FTE_SCALE  # a contract is at most 1 fte
MAX_ROLE_FTE = 10
MAX_ROLE_UNITS = MAX_ROLE_FTE * FTE_SCALE
MAX_BACKUPS = 10  # vervangers per role
MAX_HOLDERS = 20  # rolhouders of one split role
LEVELS = (1, 2, 3)
# A number anyone types or writes into a file: longer text, or an fte or number of
# hours beyond this, is refused before it is turned into a number.
MAX_NUMBER_LENGTH = 30
MAX_NUMBER = 100_000

# --- counts -------------------------------------------------------------------------

MAX_COMPETENCES_PER_EMPLOYEE = 50
MAX_REQUIREMENTS_PER_ROLE = 20
MAX_COMPETENCES = 500
MAX_CLUSTERS = 100
MAX_ROLES = 2_000
MAX_EMPLOYEES = 2_000

# --- files --------------------------------------------------------------------------

MAX_JSON_DEPTH = 10  # an instance file nests four levels deep
MAX_JSON_INTEGER_DIGITS = 15

# How long one optimiser run may take, in whole seconds: the optimise form, the API,
# the service that starts a run and a round's settings (an imported file) alike.
TIME_LIMIT_S = (1, 3600)
TIME_LIMIT_RULE = (
    f"Kies een rekentijd van {TIME_LIMIT_S[0]} tot en met {TIME_LIMIT_S[1]} seconden."
)

# Solver settings a round keeps (from an imported file): (lowest, highest).
SETTING_BOUNDS: dict[str, tuple[float, float]] = {
    "time_limit_s": TIME_LIMIT_S,
    "workers": (0, 64),
    "seed": (0, 2**31 - 1),
    "max_backup_share": (0, 10),
    "learner_share": (0, 1),
    "split_step_minutes": (1, 2160),
}
MAX_WEIGHT = 1_000_000

# Line breaks, tabs and other control characters (C0, DEL, C1, the Unicode line
# and paragraph separators); a text of several lines may hold tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def text_problem(text: str, maximum: int, *, single_line: bool = True) -> str | None:
    """Why this text cannot be stored, or None: too long, or a control character
    (in a name or code also a line break or tab)."""
    if single_line and _CONTROL.search(text):
        return "Gebruik geen regeleinden, tabs of andere besturingstekens."
    if not single_line and _CONTROL_IN_TEXT.search(text):
        return "Gebruik geen besturingstekens."
    if len(text) > maximum:
        return f"Gebruik hoogstens {maximum} tekens."
    return None


def round_label_problem(label: str) -> str | None:
    """Why a planning round cannot have this name, or None. The name ends up in
    page titles, file names and the audit log: one line, no control characters."""
    if not label.strip():
        return "Geef de planronde een naam."
    return text_problem(label, ROUND_LABEL_LENGTH)


def time_limit_problem(value: str | float) -> str | None:
    """Why a run cannot take this many seconds, or None: a whole number within
    TIME_LIMIT_S ('600', 600 and 600.0 are fine)."""
    text = str(value).strip()
    try:
        number = float(text) if len(text) <= MAX_NUMBER_LENGTH else math.nan
    except ValueError:
        number = math.nan
    low, high = TIME_LIMIT_S
    if not number.is_integer() or not low <= number <= high:
        return TIME_LIMIT_RULE
    return None


def thousands(number: int) -> str:
    """20000 -> '20.000' (Dutch thousands separator)."""
    return f"{number:,}".replace(",", ".")


def count_problem(count: int, maximum: int, what: str) -> str | None:
    """'Hoogstens 50 competenties per medewerker (nu 51).' when over the bound."""
    if count > maximum:
        return f"Hoogstens {thousands(maximum)} {what} (nu {thousands(count)})."
    return None


def stored(model: type[Any]) -> int:
    """How many rows of this model there are (active or not)."""
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def total_bound(model: type[Any]) -> tuple[int, str]:
    """How many rows of this model there may be, and their Dutch plural."""
    from ..models import Cluster, Competence, Employee, Role

    bounds: dict[type[Any], tuple[int, str]] = {
        Cluster: (MAX_CLUSTERS, "clusters"),
        Competence: (MAX_COMPETENCES, "competenties"),
        Role: (MAX_ROLES, "rollen"),
        Employee: (MAX_EMPLOYEES, "medewerkers"),
    }
    return bounds[model]


def room_problem(model: type[Any], adding: int) -> str | None:
    """Why ``adding`` more rows of this model do not fit, or None."""
    maximum, what = total_bound(model)
    now = stored(model)
    if now + adding <= maximum:
        return None
    return (
        f"Er kunnen hoogstens {thousands(maximum)} {what} zijn; er zijn er nu "
        f"{thousands(now)}, dit zou {thousands(now + adding)} maken."
    )


def _echo(text: str) -> str:
    """The user's own value in a message, cut short."""
    return text if len(text) <= 20 else text[:20] + "…"


def _decimal(value: str | int | Decimal) -> Decimal:
    """A typed number as Decimal, refused (FteError) when it is far too long or far
    too large for any fte or number of hours: '1e999999' must never be expanded."""
    text = str(value).strip()
    if len(text) > MAX_NUMBER_LENGTH:
        raise FteError(f"'{_echo(text)}' is te lang voor een getal")
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise FteError(f"'{_echo(text)}' is geen getal") from exc
    if amount.is_finite() and abs(amount) > MAX_NUMBER:
        raise FteError(f"'{_echo(text)}' is veel te groot")
    return amount


def parse_fte_bounded(value: str | int | Decimal) -> int:
    """domain.parse_fte for input from people and files: the same exact units, but
    a huge or endless number is refused with a Dutch message instead of computed."""
    _decimal(value)
    return parse_fte(str(value).strip())


def setting_problem(key: str, value: Any) -> str | None:
    """Why a round cannot keep this solver setting, or None (unknown keys are the
    solver's to refuse)."""
    if key == "weights":
        if isinstance(value, dict) and all(
            isinstance(w, int | float) and 0 <= w <= MAX_WEIGHT for w in value.values()
        ):
            return None
        return f"elk gewicht moet tussen 0 en {thousands(MAX_WEIGHT)} liggen"
    bounds = SETTING_BOUNDS.get(key)
    if bounds is None or value is None:
        return None
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "moet een getal zijn"
    if not low <= value <= high:
        return f"moet tussen {_number(low)} en {_number(high)} liggen"
    return None


def _number(value: float) -> str:
    """2147483647 -> '2147483647', 0.5 -> '0,5'."""
    if float(value).is_integer():
        return str(int(value))
    return str(value).replace(".", ",")


# --- accounts ---------------------------------------------------------------------

# OWASP ASVS 5.0 level 2: at least 12 characters, up to at least 64, no composition
# rules; a common or guessable password is refused (zxcvbn score below the minimum).
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128
PASSWORD_MIN_SCORE = 3  # zxcvbn 0-4: 3 = "safely unguessable" (about 10^8 guesses)
EMAIL_LENGTH = 254


def normalise_email(text: str) -> str:
    """A syntactically valid e-mail address in lower case (no DNS look-up);
    ValueError with a Dutch message otherwise."""
    from email_validator import EmailNotValidError, validate_email

    if len(text) > EMAIL_LENGTH:
        raise ValueError(f"Een e-mailadres is hoogstens {EMAIL_LENGTH} tekens.")
    try:
        found = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(
            f"'{text[:80]}' is geen geldig e-mailadres (bijvoorbeeld naam@gemeente.nl)."
        ) from None
    return str(found.normalized).lower()
