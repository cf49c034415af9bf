"""Jinja filters and globals for Dutch display of dates, numbers, fte, hours and
enums. Dates and numbers go through Babel (Flask-Babel, locale nl, time zone
Europe/Amsterdam); fte and hours are exact (domain.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask import Flask
from flask_babel import Babel, format_datetime, format_decimal
from flask_babel import format_date as babel_format_date

from . import wording
from .domain import (
    BASE_FUNCTION_LABELS,
    CHOICE_LABELS,
    TASK_MODE_LABELS,
    FteError,
    format_fte,
    format_hours,
    parse_fte,
)
from .naming import name_key, word_key

babel = Babel()


def format_date(value: date | datetime | None) -> str:
    """Dutch long date: 22 november 2026 (with the local time for datetimes)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return str(format_datetime(value, "d MMMM y HH:mm"))
    return str(babel_format_date(value, "d MMMM y"))


def _number(value: object) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(str(value))
    except ValueError:
        return None


def format_number(value: object) -> str:
    """A plain number in Dutch notation (1.5 -> '1,5', 12000 -> '12.000'); '–'
    when there is none."""
    number = _number(value)
    if number is None:
        return "–" if value in (None, "") else str(value)
    return str(format_decimal(number, format="#,##0.###"))


def format_seconds(value: object) -> str:
    """A duration in seconds as people read it: '15 s', '2,5 s'."""
    number = _number(value)
    if number is None:
        return "–"
    return f"{format_decimal(number, format='#,##0.#')} s"


def _attribute(item: Any, path: str) -> str:
    for part in path.split(".") if path else []:
        item = getattr(item, part)
    return str(item)


def sort_people(items: Iterable[Any], attribute: str = "") -> list[Any]:
    """Sort on a person's name the Dutch way (naming.name_key)."""
    return sorted(items, key=lambda item: name_key(_attribute(item, attribute)))


def sort_words(items: Iterable[Any], attribute: str = "") -> list[Any]:
    """Sort on a word without regard to case or accents (naming.word_key)."""
    return sorted(items, key=lambda item: word_key(_attribute(item, attribute)))


def counted(number: object, word: str, verb: str = "") -> str:
    """'1 vervanger ontbreekt' / '2 vervangers ontbreken' (ommen_rollen.wording)."""
    n = int(number or 0)  # type: ignore[call-overload]
    return wording.count_verb(n, word, verb) if verb else wording.count(n, word)


def missing_filter(number: object) -> str:
    """'1 ontbreekt' / '2 ontbreken' (ommen_rollen.wording)."""
    return wording.missing(int(number or 0))  # type: ignore[call-overload]


def verb_filter(number: object, verb: str) -> str:
    """The form of a verb that goes with a count: 2|verb_for('ontbreekt')."""
    return wording.verb(int(number or 0), verb)  # type: ignore[call-overload]


def json_fte(value: object) -> str:
    """An fte number of a job's progress report (Job.progress, JSON) in Dutch
    notation (0.6 -> '0,6'). Plans are read typed (fte in units, the ``fte``
    filter); only the progress report of a running or finished job keeps JSON
    numbers."""
    if value is None or value == "":
        return "–"
    try:
        return format_fte(parse_fte(str(value)))
    except FteError:
        return str(value)


def register(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "nl")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")
    babel.init_app(app)
    app.jinja_env.filters["fte"] = format_fte
    app.jinja_env.filters["hours"] = format_hours
    app.jinja_env.filters["nl_date"] = format_date
    app.jinja_env.filters["nl_number"] = format_number
    app.jinja_env.filters["seconds"] = format_seconds
    app.jinja_env.filters["sort_people"] = sort_people
    app.jinja_env.filters["sort_words"] = sort_words
    app.jinja_env.filters["counted"] = counted
    app.jinja_env.filters["missing"] = missing_filter
    app.jinja_env.filters["verb_for"] = verb_filter
    app.jinja_env.filters["json_fte"] = json_fte
    app.jinja_env.globals.update(
        BASE_FUNCTION_LABELS=BASE_FUNCTION_LABELS,
        CHOICE_LABELS=CHOICE_LABELS,
        TASK_MODE_LABELS=TASK_MODE_LABELS,
        MUNICIPALITY=app.config.get("MUNICIPALITY", "Gemeente"),
    )
