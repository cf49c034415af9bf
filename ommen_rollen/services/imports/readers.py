"""Read an uploaded CSV or XLSX file into a plain table of strings, safely: size,
row and column limits are checked before and while reading (a huge file is refused,
never a hang), text encodings are detected (UTF-8 with or without BOM, UTF-16 with
BOM, Windows-1252) or refused clearly, and nothing in a cell is ever evaluated:
a formula is read as its text."""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..base import ServiceError

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2_000
MAX_COLUMNS = 60
MAX_CELL = 1_000
# An XLSX is a ZIP: refuse one that unpacks to far more than its size (zip bomb).
MAX_UNPACKED = 40 * 1024 * 1024


class ImportRefused(ServiceError):
    """The whole file is refused (too big, unreadable, personal data, bad rows)."""

    def __init__(self, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True)
class Table:
    """A header and data rows as text; ``numbers[i]`` is the spreadsheet row number
    of ``rows[i]`` (the header is row 1), so errors name the row the user sees."""

    headers: list[str]
    rows: list[list[str]]
    numbers: list[int]
    source: str = ""  # "CSV (UTF-8)", "Excel", ...

    def to_json(self) -> dict[str, Any]:
        return {
            "headers": self.headers,
            "rows": self.rows,
            "numbers": self.numbers,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        return cls(
            headers=[str(h) for h in data["headers"]],
            rows=[[str(v) for v in row] for row in data["rows"]],
            numbers=[int(n) for n in data["numbers"]],
            source=str(data.get("source", "")),
        )


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def read_table(
    filename: str,
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> Table:
    """The table in an uploaded .csv/.txt or .xlsx file; ImportRefused otherwise."""
    if len(data) > max_bytes:
        raise ImportRefused(
            f"Het bestand is te groot ({megabytes(len(data))}); het maximum is "
            f"{megabytes(max_bytes)}. Splits het bestand of laat overbodige "
            "kolommen weg."
        )
    if not data.strip():
        raise ImportRefused("Het bestand is leeg.")
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, max_rows=max_rows)
    if name.endswith(".xls"):
        raise ImportRefused(
            "Oude Excel-bestanden (.xls) worden niet ondersteund. Sla het bestand "
            "op als Excel-werkmap (.xlsx) of als CSV UTF-8."
        )
    if data[:4] == b"PK\x03\x04":
        raise ImportRefused(
            "Dit bestand is een Excel-werkmap of ZIP maar heeft geen .xlsx-naam. "
            "Geef het de extensie .xlsx of sla het op als CSV."
        )
    return _read_csv(data, max_rows=max_rows)


# --- CSV ----------------------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a CSV file, or ImportRefused."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "UTF-8 met BOM")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8", "UTF-8"), ("cp1252", "Windows-1252")]
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if CONTROL.search(text):
            break  # decodes, but is not text: binary or UTF-16 without BOM
        return text, label
    raise ImportRefused(
        "De tekens in dit bestand kunnen niet worden gelezen (onbekende "
        "tekencodering of geen tekstbestand). Sla het bestand in Excel op als "
        "'CSV UTF-8 (door komma's gescheiden)' of als Excel-werkmap (.xlsx)."
    )


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(data: bytes, *, max_rows: int) -> Table:
    text, encoding = decode(data)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > max_rows + 1:
                raise _too_many_rows(max_rows)
    except csv.Error as exc:
        raise ImportRefused(
            f"Het bestand kan niet als CSV worden gelezen (regel {reader.line_num}): "
            "controleer de aanhalingstekens."
        ) from exc
    return _table(records, f"CSV ({encoding})", max_rows=max_rows)


# --- XLSX ---------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A cell as text, never evaluated: a formula is its own text ('=A1*2')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # 10 significant digits: 0.8889 stays 0.8889, 0.1+0.2 becomes 0.3.
        return f"{value:.10g}"
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else (value.isoformat(sep=" "))
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes, *, max_rows: int) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRefused(
            "Dit is geen geldig Excel-bestand (.xlsx). Sla het opnieuw op in Excel "
            "of gebruik CSV."
        ) from exc
    if unpacked > MAX_UNPACKED:
        raise ImportRefused(
            f"Het Excel-bestand is uitgepakt te groot ({megabytes(unpacked)}); het "
            f"maximum is {megabytes(MAX_UNPACKED)}."
        )
    from openpyxl import load_workbook

    records: list[list[str]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it skips
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                sheet = workbook.worksheets[0]
                for row in sheet.iter_rows(values_only=True):
                    if len(row) > MAX_COLUMNS and any(
                        v is not None for v in row[MAX_COLUMNS:]
                    ):
                        raise _too_many_columns()
                    records.append([_cell_text(v) for v in row[:MAX_COLUMNS]])
                    if len(records) > max_rows + 1:
                        raise _too_many_rows(max_rows)
            finally:
                workbook.close()
    except ImportRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportRefused(
            "Het Excel-bestand kan niet worden gelezen. Sla het opnieuw op in Excel "
            "of gebruik CSV."
        ) from exc
    return _table(records, "Excel", max_rows=max_rows)


# --- shared -------------------------------------------------------------------


def _too_many_rows(max_rows: int) -> ImportRefused:
    return ImportRefused(
        f"Het bestand heeft meer dan {max_rows:,} rijen; het maximum is "
        f"{max_rows:,}. Splits het bestand.".replace(",", ".")
    )


def _too_many_columns() -> ImportRefused:
    return ImportRefused(
        f"Het bestand heeft meer dan {MAX_COLUMNS} kolommen. Laat overbodige "
        "kolommen weg."
    )


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _table(records: list[list[str]], source: str, *, max_rows: int) -> Table:
    """Header + non-empty rows, cells stripped, every row as wide as the header."""
    if not records or not any(v.strip() for v in records[0]):
        raise ImportRefused(
            "De eerste regel van het bestand moet de kolomnamen bevatten."
        )
    raw_header = [v.strip() for v in records[0]]
    while raw_header and not raw_header[-1]:
        raw_header.pop()
    if len(raw_header) > MAX_COLUMNS:
        raise _too_many_columns()
    headers = [h or f"Kolom {column_letter(i)}" for i, h in enumerate(raw_header)]
    seen: set[str] = set()
    for h in headers:
        if h.lower() in seen:
            raise ImportRefused(f"De kolomnaam '{h}' komt twee keer voor.")
        seen.add(h.lower())
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number, record in enumerate(records[1:], start=2):
        cells = [v.strip() for v in record]
        if not any(cells):
            continue
        if len(cells) > len(headers) and any(cells[len(headers) :]):
            raise ImportRefused(
                f"Rij {number} heeft meer waarden dan er kolomnamen zijn. Geef elke "
                "kolom een naam in de eerste regel."
            )
        for i, cell in enumerate(cells[: len(headers)]):
            if len(cell) > MAX_CELL:
                raise ImportRefused(
                    f"Rij {number}, kolom '{headers[i]}': de waarde is langer dan "
                    f"{MAX_CELL} tekens."
                )
        cells = (cells + [""] * len(headers))[: len(headers)]
        rows.append(cells)
        numbers.append(number)
    if not rows:
        raise ImportRefused("Het bestand bevat kolomnamen maar geen gegevens.")
    if len(rows) > max_rows:
        raise _too_many_rows(max_rows)
    return Table(headers=headers, rows=rows, numbers=numbers, source=source)
