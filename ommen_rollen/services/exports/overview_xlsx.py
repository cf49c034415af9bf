"""The round overview as an XLSX workbook (openpyxl): the matrix roles x employees,
a sheet per cluster, load per employee, shortfalls, the vulnerability ranking with
its single points of failure, the heat map and the formation advice."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ...domain import units_to_hours
from .common import RoundOverview, decimal_fte, export_filename, round_overview

FTE_FORMAT = "0.0###"
HOURS_FORMAT = "0.0#"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BACKUP_MARK = "V"
LEARNER_MARK = "O"


def _put(ws: Worksheet, row: int, col: int, value: Any) -> None:
    """Write a cell: numbers stay numbers; text is always text, never a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # a name like '=SOM(...)' stays text in Excel
    else:
        cell.value = value
        if isinstance(value, Decimal):
            cell.number_format = (
                FTE_FORMAT if value.as_tuple().exponent == -4 else (HOURS_FORMAT)
            )


def _table(
    ws: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    top: int = 1,
    freeze_cols: int = 0,
) -> int:
    """A header row plus data rows from ``top``; returns the next free row."""
    for col, title in enumerate(header, start=1):
        _put(ws, top, col, title)
        cell = ws.cell(row=top, column=col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    row_no = top
    for row_no, row in enumerate(rows, start=top + 1):
        for col, value in enumerate(row, start=1):
            _put(ws, row_no, col, value)
    ws.freeze_panes = ws.cell(row=top + 1, column=freeze_cols + 1).coordinate
    return row_no + 1


def _widths(ws: Worksheet, *, minimum: int = 6, maximum: int = 50) -> None:
    """Columns wide enough for their content (within bounds)."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = str(cell.value)
            longest = max(len(part) for part in text.split("\n"))
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(
            minimum, min(maximum, width + 2)
        )


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique sheet name (max 31 characters, no []:*?/\\)."""
    title = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Blad"
    base, n = title, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def _matrix(ws: Worksheet, overview: RoundOverview, cluster: str | None) -> None:
    roles = [r for r in overview.roles if cluster is None or r.cluster.name == cluster]
    employees = overview.employees
    header = ["Rol", "Naam", "Cluster", "fte rol"] + [e.name for e in employees]
    rows = []
    for role in roles:
        row: list[Any] = [role.code, role.name, role.cluster.name]
        row.append(decimal_fte(role.fte_units))
        for employee in employees:
            cell = overview.cells.get((role.id, employee.id))
            if cell is None:
                row.append(None)
            elif cell.holder_units:
                row.append(decimal_fte(cell.holder_units))
            elif cell.backup:
                row.append(BACKUP_MARK)
            elif cell.learner:
                row.append(LEARNER_MARK)
            else:
                row.append(None)
        rows.append(row)
    next_row = _table(ws, header, rows, freeze_cols=2)
    _put(
        ws,
        next_row + 1,
        1,
        f"Getal = fte als rolhouder; {BACKUP_MARK} = vervanger; "
        f"{LEARNER_MARK} = ontwikkelrol.",
    )
    _widths(ws, maximum=40)
    for col in range(5, 5 + len(employees)):
        ws.column_dimensions[get_column_letter(col)].width = 12


def _load(ws: Worksheet, overview: RoundOverview) -> None:
    header = [
        "Medewerker",
        "Gebruikersnaam",
        "Rompfunctie",
        "Contract fte",
        "Contract uur per week",
        "Toegewezen fte",
        "Toegewezen uur per week",
        "Verschil fte (toegewezen - contract)",
        "Aantal keer vervanger",
        "Status werkplan",
        "Geldig vanaf",
    ]
    rows = []
    for plan in overview.plans:
        e = plan.employee
        held = overview.held_units(e.id)
        rows.append(
            [
                e.name,
                e.username,
                e.base_function.value,
                decimal_fte(e.contract_units),
                units_to_hours(e.contract_units),
                decimal_fte(held),
                units_to_hours(held),
                decimal_fte(held - e.contract_units),
                overview.backup_count(e.id),
                plan.status.label,
                plan.valid_from.strftime("%d-%m-%Y") if plan.valid_from else "",
            ]
        )
    _table(ws, header, rows, freeze_cols=1)
    _widths(ws)


def _shortfalls(ws: Worksheet, overview: RoundOverview) -> None:
    row = _table(
        ws,
        ["Niet gedekte rol", "Naam", "Cluster", "Niet gedekt fte", "Reden"],
        [
            [
                s.role.code,
                s.role.name,
                s.role.cluster.name,
                decimal_fte(s.units),
                s.reason,
            ]
            for s in overview.uncovered
        ],
    )
    if not overview.uncovered:
        _put(ws, row, 1, "Alle rollen zijn volledig gedekt.")
        row += 1
    row = _table(
        ws,
        ["Rol zonder genoeg vervangers", "Naam", "Cluster", "Ontbrekend", "Reden"],
        [
            [s.role.code, s.role.name, s.role.cluster.name, s.units, s.reason]
            for s in overview.missing_backups
        ],
        top=row + 1,
    )
    if not overview.missing_backups:
        _put(ws, row, 1, "Elke rol heeft genoeg vervangers.")
        row += 1
    row = _table(
        ws,
        ["Kwetsbaarheid: bij afwezigheid van", "Niet gedekt fte", "Rollen"],
        [
            [a.employee, decimal_fte(a.uncovered_units), ", ".join(a.roles)]
            for a in overview.absences
        ],
        top=row + 1,
    )
    if not overview.has_analysis:
        _put(ws, row, 1, "Geen kwetsbaarheidsanalyse beschikbaar voor deze ronde.")
        row += 1
    _table(
        ws,
        ["Rol met maar één geschikte medewerker"],
        [[code] for code in overview.single_eligible],
        top=row + 1,
    )
    ws.freeze_panes = "A2"
    _widths(ws, maximum=80)


HEAT_FILLS = {
    1: PatternFill("solid", fgColor="DBE9F6"),
    2: PatternFill("solid", fgColor="F7C873"),
    3: PatternFill("solid", fgColor="E8A29E"),
}


def _vulnerability(ws: Worksheet, overview: RoundOverview) -> None:
    """Single points of failure first, then the bus factor and the ranked absences."""
    risk = overview.risk
    spof = (
        [["Rol zonder vervanger", text] for text in risk.roles_without_backup]
        + [["Maar één medewerker komt in aanmerking", t] for t in risk.single_eligible]
        + [["Enige vervanger van meerdere rollen", text] for text in risk.only_backup]
    )
    row = _table(ws, ["Enkelvoudige afhankelijkheid", "Wat"], spof)
    if not spof:
        _put(ws, row, 1, "Geen enkelvoudige afhankelijkheden.")
        row += 1
    row = _table(
        ws,
        ["Cluster", "Busfactor", "Rollen op één persoon", "Rollen"],
        [[c.name, c.bus_factor, c.roles_on_one_person, c.roles] for c in risk.clusters],
        top=row + 1,
    )
    _table(
        ws,
        [
            "Rang",
            "Afwezig",
            "Niet gedekt fte",
            "Niet gedekt uur",
            "Waarvan kritiek uur",
            "Rollen die blijven liggen",
            "Verliest laatste vervanger",
            "Doorschuifwerk uur",
            "Doorschuifwerk",
        ],
        [
            [
                a.rank,
                a.name,
                decimal_fte(a.uncovered_units),
                units_to_hours(a.uncovered_units),
                units_to_hours(a.uncovered_critical_units),
                "; ".join(a.roles),
                "; ".join(a.lost_last_backup),
                units_to_hours(a.knock_on_units),
                "; ".join(a.knock_on),
            ]
            for a in risk.absences
        ],
        top=row + 1,
    )
    if not risk.absences:
        _put(ws, ws.max_row + 1, 1, "Geen kwetsbaarheidsanalyse voor deze ronde.")
    ws.freeze_panes = "A2"
    _widths(ws, maximum=80)


def _heat_map(ws: Worksheet, overview: RoundOverview) -> None:
    """People x roles: H / V, with ! for a single point of failure."""
    risk = overview.risk
    _table(
        ws,
        ["Medewerker", *(rid for rid, _ in risk.heat_roles)],
        [
            [name, *(risk.cell(key, rid).text for rid, _ in risk.heat_roles)]
            for key, name in risk.heat_people
        ],
        freeze_cols=1,
    )
    for row, (key, _) in enumerate(risk.heat_people, start=2):
        for col, (rid, _) in enumerate(risk.heat_roles, start=2):
            fill = HEAT_FILLS.get(risk.cell(key, rid).level)
            if fill is not None:
                ws.cell(row=row, column=col).fill = fill
    note = len(risk.heat_people) + 3
    _put(
        ws,
        note,
        1,
        "H = rolhouder, V = vervanger; H! = rolhouder zonder vervanger, "
        "V! = enige vervanger.",
    )
    _widths(ws, minimum=4, maximum=30)


def _formation(ws: Worksheet, overview: RoundOverview) -> None:
    risk = overview.risk
    row = _table(
        ws,
        [
            "Aanname",
            "Fte",
            "Dekt fte",
            "Ontbrekende vervangers",
            "Rollen",
            "Vervanger van",
        ],
        [
            [
                h.text,
                decimal_fte(h.fte_units),
                decimal_fte(h.covers_units),
                h.backups,
                "; ".join(h.roles),
                "; ".join(h.backup_roles),
            ]
            for h in risk.hires
        ],
    )
    if not risk.hires:
        _put(
            ws,
            row,
            1,
            "Geen aannames nodig: wat ontbreekt komt niet door een tekort aan mensen.",
        )
    _widths(ws, maximum=90)


def _print_settings(ws: Worksheet, title: str) -> None:
    """A4 landscape, all columns on one page width (as many pages down as needed),
    the header row (and the name columns) repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddHeader.center.text = title
    ws.oddFooter.center.text = "Pagina &P van &N"
    ws.print_title_rows = "1:1"
    frozen = ws[ws.freeze_panes].column if ws.freeze_panes else 1
    if frozen > 1:
        ws.print_title_cols = f"A:{get_column_letter(frozen - 1)}"


def overview_workbook(round_id: int) -> Workbook:
    """The overview of a round as an openpyxl workbook."""
    overview = round_overview(round_id)
    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_title("Matrix", used)
    _matrix(ws, overview, None)
    for cluster in overview.clusters():
        _matrix(wb.create_sheet(sheet_title(cluster, used)), overview, cluster)
    _load(wb.create_sheet(sheet_title("Belasting", used)), overview)
    _shortfalls(wb.create_sheet(sheet_title("Knelpunten", used)), overview)
    _vulnerability(wb.create_sheet(sheet_title("Kwetsbaarheid", used)), overview)
    _heat_map(wb.create_sheet(sheet_title("Warmtekaart", used)), overview)
    _formation(wb.create_sheet(sheet_title("Formatieadvies", used)), overview)
    wb.properties.title = f"Overzicht planronde {overview.round.label}"
    for sheet in wb.worksheets:
        _print_settings(sheet, f"{wb.properties.title} – {sheet.title}")
    return wb


def overview_xlsx(round_id: int) -> tuple[bytes, str]:
    """(XLSX bytes, file name) of the round overview."""
    wb = overview_workbook(round_id)
    buffer = io.BytesIO()
    wb.save(buffer)
    label = wb.properties.title.removeprefix("Overzicht planronde ")
    return buffer.getvalue(), export_filename(label, "overzicht", "xlsx")
