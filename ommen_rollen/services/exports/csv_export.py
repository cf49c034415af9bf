"""The round as CSV in the dialect Dutch Excel opens correctly: ';' separator,
UTF-8 with BOM, decimal comma, and no cell that Excel would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from ...domain import AssignmentKind, format_fte, format_hours
from ..rounds import get_round
from .common import current_plans, export_filename, neutralise

HEADER = [
    "Planronde",
    "Medewerker",
    "Gebruikersnaam",
    "Rompfunctie",
    "Contract fte",
    "Rolcode",
    "Rol",
    "Cluster",
    "Soort",
    "fte",
    "Uur per week",
    "Mentor",
    "Status werkplan",
]


class Number(str):
    """A number already written the Dutch way ('0,8889'): not neutralised."""


Value = str | int | Decimal | None


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Number):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Value]]) -> bytes:
    """Rows as Dutch-Excel CSV bytes: text neutralised, Decimals with a decimal
    comma, pre-formatted ``Number`` strings as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_text(h) for h in header])
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def round_rows(round_id: int) -> list[list[Value]]:
    """One row per assignment of the round's current werkplannen."""
    round_ = get_round(round_id)
    rows: list[list[Value]] = []
    order = {
        AssignmentKind.HOLDER: 0,
        AssignmentKind.LEARNER: 1,
        AssignmentKind.BACKUP: 2,
    }
    for plan in current_plans(round_id):
        e = plan.employee
        for a in sorted(plan.assignments, key=lambda a: (order[a.kind], a.role.code)):
            counts = a.kind != AssignmentKind.BACKUP
            rows.append(
                [
                    round_.label,
                    e.name,
                    e.username,
                    e.base_function.value,
                    Number(format_fte(e.contract_units)),
                    a.role.code,
                    a.role.name,
                    a.role.cluster.name,
                    a.kind.label,
                    Number(format_fte(a.fte_units)) if counts else None,
                    Number(format_hours(a.fte_units)) if counts else None,
                    a.mentor.name if a.mentor is not None else None,
                    plan.status.label,
                ]
            )
    return rows


def overview_csv(round_id: int) -> tuple[bytes, str]:
    """(CSV bytes, file name): every assignment of the round, one per row."""
    round_ = get_round(round_id)
    return write_csv(HEADER, round_rows(round_id)), export_filename(
        round_.label, "toewijzingen", "csv"
    )
