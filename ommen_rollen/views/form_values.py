"""Submitted form values the views read before a service checks them: a row id
and an ISO date, or None when the text cannot be one."""

from __future__ import annotations

from datetime import date


def row_id(text: str | None) -> int | None:
    """A submitted row id, or None when it cannot be one (not plain ASCII
    digits, or too large for an id column)."""
    if text and text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return None


def iso_date(text: str | None) -> date | None:
    """A date as a date field sends it (JJJJ-MM-DD), or None."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None
