"""Fuzz targets for imports: CSV, Excel and instance files."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from datetime import date
from typing import Any

from hypothesis import strategies as st

from ommen_rollen.services.imports import KINDS

from .base import (
    NASTY_DATES,
    Post,
    World,
    _as_secretaris,
    form_with_poison,
    nasty_text,
    target,
)

# --- imports ---------------------------------------------------------------------


def csv_bytes(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    text = out.getvalue()
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding, errors="replace")


XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([XLSX_ILLEGAL.sub("", value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def import_table(draw: st.DrawFn, kind_key: str) -> list[list[str]]:
    """Headers the app recognises (or not) and hostile rows, plus a row twice:
    whichever column identifies a row, the second one clashes with the first."""
    kind = KINDS[kind_key]
    headers = []
    for import_field in kind.fields:
        if import_field.key == kind.key_field or draw(st.booleans()):
            names = [import_field.label, *import_field.aliases]
            headers.append(draw(st.one_of(st.sampled_from(names), nasty_text(20))))
    headers.append("Opmerking")
    headers = draw(st.permutations(headers))
    width = len(headers)
    cells = st.lists(nasty_text(), min_size=width, max_size=width)
    rows = draw(st.lists(cells, max_size=4))
    twice = ["Dubbel"] * width
    rows.insert(draw(st.integers(0, len(rows))), twice)
    rows.insert(draw(st.integers(rows.index(twice) + 1, len(rows))), twice)
    return [list(headers), *rows]


@st.composite
def import_file(draw: st.DrawFn, kind_key: str) -> tuple[bytes, str, list[Any]]:
    """(content, file name, the table in it)."""
    rows = draw(import_table(kind_key))
    fmt = draw(st.sampled_from(["csv", "csv", "xlsx"]))
    if fmt == "xlsx":
        return xlsx_bytes(rows), "bestand.xlsx", rows
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return csv_bytes(rows, delimiter, encoding), "bestand.csv", rows


@st.composite
def garbage_upload(draw: st.DrawFn) -> tuple[bytes, str]:
    """A file no import may accept."""
    valid = xlsx_bytes([["Gebruikersnaam", "Naam"], ["a", "b"]])
    choice = draw(st.integers(0, 7))
    if choice == 0:  # binary: a control byte no text file has
        data = draw(st.binary(max_size=300)) + b"\x00\x01" + draw(st.binary())
        return data, draw(st.sampled_from(["x.csv", "x.txt", "x.xlsx"]))
    if choice == 1:  # an Excel file cut off
        return valid[: draw(st.integers(0, len(valid) - 1))], "x.xlsx"
    if choice == 2:  # a ZIP that is no workbook
        out = io.BytesIO()
        import zipfile

        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("a.txt", draw(st.binary(max_size=100)))
        return out.getvalue(), "x.xlsx"
    if choice == 3:  # an Excel file with a CSV name
        return valid, "x.csv"
    if choice == 4:  # a type the import does not read
        return draw(st.binary(max_size=50)), draw(
            st.sampled_from(["x.xls", "x.pdf", "x.exe", "x", ".csv.exe", "x.json"])
        )
    if choice == 5:  # too big
        return b"Gebruikersnaam;Naam\n" + b"a;b\n" * 20_000, "x.csv"
    if choice == 6:  # personal data the app refuses (BSN)
        return b"Gebruikersnaam;BSN\nanouk;123456782\n", "x.csv"
    # empty, only a header, or only blank lines
    return draw(st.sampled_from([b"", b"   \n", b"Naam;Code\n", b"\n\n;;\n"])), "x.csv"


@target("imports.upload")
def _upload(w: World) -> st.SearchStrategy[Post]:
    def post(kind: str, file: tuple[Any, ...]) -> Post:
        data, name = file[:2]
        form = {"kind": kind, "file": (io.BytesIO(data), name)}
        return Post("secretaris", "/beheer/import/", form)

    kinds = st.one_of(st.sampled_from(sorted(KINDS)), nasty_text())
    bad_kind = st.builds(
        post,
        nasty_text().filter(lambda k: k not in KINDS),
        import_file("employees"),
    )
    return st.one_of(st.builds(post, kinds, garbage_upload()), bad_kind)


def instance_json() -> dict[str, Any]:
    return {
        "version": 1,
        "name": "Gemeente Dalfsen 2027",
        "employees": [
            {"id": "ines", "name": "Ines Smit", "fte": 0.8889, "base_function": "B",
             "competences": {"regievoering": 2}},
        ],
        "roles": [
            {"id": "d01", "name": "Regie afval", "cluster": "Regie", "fte": 0.6,
             "base_functions": ["A", "B"], "requires": {"regievoering": 1},
             "backups": 1},
        ],
        "preferences": [{"employee": "ines", "role": "d01", "choice": "want"}],
        "settings": {"time_limit_s": 10},
    }  # fmt: skip


JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(),
        nasty_text(),
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(nasty_text(10), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def instance_file(draw: st.DrawFn) -> tuple[bytes, str]:
    """An instance file that must be refused: garbage, cut off, or an instance
    with hostile values and one employee the app cannot take (negative fte)."""
    data = instance_json()
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(st.binary(max_size=200)) + b"\xff{", "ronde.json"
    if choice == 1:
        text = json.dumps(data).encode()
        return text[: draw(st.integers(0, len(text) - 1))], "ronde.json"
    if choice == 2:
        return json.dumps(draw(JSON_VALUES)).encode(), "ronde.json"
    # a real instance with a hostile value somewhere, and a poisoned employee
    section = draw(st.sampled_from(["employees", "roles", "preferences"]))
    entry = data[section][0]
    entry[draw(st.sampled_from(sorted(entry)))] = draw(JSON_VALUES)
    if draw(st.booleans()):
        data[draw(st.sampled_from(sorted(data)))] = draw(JSON_VALUES)
    if isinstance(data.get("employees"), list):
        data["employees"].append(
            {"id": "gif", "name": "Gif", "fte": -1, "base_function": "B"}
        )
    else:
        data["employees"] = [{"id": "gif", "name": "Gif", "fte": -1}]
    name = "ronde.json" if choice == 3 else draw(st.sampled_from(["r.JSON", "r.json"]))
    return json.dumps(data, allow_nan=True).encode(), name


@target("imports.round_from_instance")
def _round_import(w: World) -> st.SearchStrategy[Post]:
    date_text = st.one_of(
        st.dates().map(date.isoformat), st.sampled_from(NASTY_DATES), nasty_text()
    )

    @st.composite
    def data(draw: st.DrawFn) -> dict[str, Any]:
        content, name = draw(instance_file())
        form = draw(
            form_with_poison(
                {
                    "label": st.one_of(st.just("Dalfsen 2027"), nasty_text()),
                    "starts_on": date_text,
                    "ends_on": date_text,
                },
                {},
            )
        )
        if draw(st.integers(0, 5)):
            form["file"] = (io.BytesIO(content), name)
        return form

    return _as_secretaris(st.just("/beheer/import/ronde"), data())
