"""Helpers the API resources share: blueprints with JSON errors in the
description, exact fte as text, pagination, versions for optimistic locking and
translating the services' field names to the API's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import request
from flask_smorest import Blueprint
from sqlalchemy import Select, func, select

from ..domain import fte_to_decimal, units_to_hours
from ..extensions import db
from .errors import refuse

F = TypeVar("F", bound=Callable[..., Any])
PREFIX = "/api/v1"
# Passed to a service for a name that matches no row: never a row id, so the
# service answers with its own "does not exist" message.
UNKNOWN = "?"

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string", "maxLength": 100},
    "description": "De ETag die u ophaalde; of het veld 'version' in de gegevens.",
}

# Error answers every operation may give, by status.
COMMON_ERRORS = (400, 401, 403, 413, 429)


def make_blueprint(name: str, description: str) -> Blueprint:
    return Blueprint(name, __name__, url_prefix=PREFIX, description=description)


def documented(blp: Blueprint, *codes: int) -> Callable[[F], F]:
    """Document the JSON error answers of an operation."""

    def decorate(view: F) -> F:
        for code in sorted({*COMMON_ERRORS, *codes}):
            view = blp.alt_response(code, schema="Error", description=_what(code))(view)
        if 428 in codes:
            view = blp.doc(parameters=[IF_MATCH])(view)
        return view

    return decorate


def _what(code: int) -> str:
    from .errors import MESSAGES

    return MESSAGES.get(code, "Fout")


def fte_text(units: int) -> str:
    """Exact fte as text with four decimals: 7778 -> '0.7778'."""
    return f"{fte_to_decimal(units):f}"


def hours_text(units: int) -> str:
    return f"{units_to_hours(units):f}"


def page(query: Select[Any], limit: int, offset: int) -> tuple[list[Any], int]:
    """One page of a query, and the number of rows in all pages."""
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(db.session.scalars(query.limit(limit).offset(offset)))
    return rows, int(total or 0)


def page_body(items: list[Any], total: int, args: dict[str, int]) -> dict[str, Any]:
    return {
        "items": items,
        "total": total,
        "limit": args["limit"],
        "offset": args["offset"],
    }


def moment(value: datetime | None) -> datetime | None:
    """A stored moment with its time zone (SQLite hands back naive UTC)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def etag(version: int | str) -> str:
    return f'"{version}"'


def requested_version(body_version: int | None) -> str:
    """The version a write is based on: If-Match, else the body's ``version``;
    without either the write is refused (428), never applied blindly."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        text = header.removeprefix("W/").strip().strip('"')
        return text[:100]
    if body_version is not None:
        return str(body_version)
    refuse(428)


def by_name(model: Any, name: str | None) -> str | None:
    """The id (as text) of the row of ``model`` with this name (any case), the
    UNKNOWN marker when there is none, None for no name."""
    if name is None or not name.strip():
        return None
    found = db.session.scalar(
        select(model.id).where(func.lower(model.name) == name.strip().lower())
    )
    return str(found) if found is not None else UNKNOWN + name


def level_rows(
    model: Any, levels: dict[str, int]
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """{competence name: level} as the (id, level) rows the services read, and the
    way back from the services' row keys to the names."""
    rows: list[tuple[str, str]] = []
    names: dict[str, str] = {}
    for name, level in levels.items():
        key = by_name(model, name) or UNKNOWN + name
        names[key] = name
        rows.append((key, str(level)))
    return rows, names


def api_errors(
    errors: dict[str, list[str]],
    fields: dict[str, str],
    rows: dict[str, dict[str, str]] | None = None,
) -> dict[str, list[str]]:
    """The services' field names (``home_cluster_id``, ``competences.7``) as the
    API's (``home_cluster``, ``competences.Regievoering``)."""
    renamed: dict[str, list[str]] = {}
    for key, messages in errors.items():
        name, _, row = key.partition(".")
        if row and rows and name in rows:
            key = f"{name}.{rows[name].get(row, row.removeprefix(UNKNOWN))}"
        else:
            key = fields.get(key, key)
        renamed.setdefault(key, []).extend(messages)
    return renamed
