"""Jinja filters and globals for Dutch display of fte, hours and enums."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from .domain import (
    BASE_FUNCTION_LABELS,
    CHOICE_LABELS,
    TASK_MODE_LABELS,
    format_fte,
    format_hours,
)

MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni", "juli",
    "augustus", "september", "oktober", "november", "december",
]  # fmt: skip


def format_date(value: date | datetime | None) -> str:
    """Dutch long date: 22 november 2026 (with time for datetimes)."""
    if value is None:
        return ""
    text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    if isinstance(value, datetime):
        text += f" {value:%H:%M}"
    return text


def register(app: Flask) -> None:
    app.jinja_env.filters["fte"] = format_fte
    app.jinja_env.filters["hours"] = format_hours
    app.jinja_env.filters["nl_date"] = format_date
    app.jinja_env.globals.update(
        BASE_FUNCTION_LABELS=BASE_FUNCTION_LABELS,
        CHOICE_LABELS=CHOICE_LABELS,
        TASK_MODE_LABELS=TASK_MODE_LABELS,
        MUNICIPALITY=app.config.get("MUNICIPALITY", "Gemeente"),
    )
