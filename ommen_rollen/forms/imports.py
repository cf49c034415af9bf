"""Import forms: choose kind and file, then map each file column onto a field."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from ..services.imports import KINDS
from ..services.imports.mapping import Kind
from ..services.limits import round_label_problem
from . import Checked, DutchForm

KIND_CHOICES = [
    SelectChoice(value=key, label=kind.label) for key, kind in KINDS.items()
]


class UploadForm(DutchForm):
    kind = SelectField(
        "Wat wilt u importeren?",
        choices=KIND_CHOICES,
        validators=[InputRequired("Kies wat u wilt importeren.")],
    )
    file = FileField(
        "Bestand (CSV of Excel-werkmap .xlsx)",
        validators=[
            FileRequired("Kies een bestand."),
            FileAllowed(
                ["csv", "txt", "xlsx"],
                "Alleen CSV-bestanden (.csv, .txt) of Excel-werkmappen (.xlsx).",
            ),
        ],
    )
    submit = SubmitField("Bestand controleren")


def column_field(index: int) -> str:
    return f"kolom_{index}"


def mapping_form_class(kind: Kind, headers: list[str]) -> type[DutchForm]:
    """A form with one select per file column: which field it fills (or none)."""
    choices = [SelectChoice(value="", label="– niet importeren –")] + [
        SelectChoice(value=f.key, label=f.label) for f in kind.fields
    ]

    class MappingForm(DutchForm):
        submit = SubmitField("Voorbeeld bekijken")

    for index, header in enumerate(headers):
        setattr(
            MappingForm,
            column_field(index),
            SelectField(header, choices=choices, default=""),
        )
    return MappingForm


def mapping_from_form(form: Any, headers: list[str]) -> dict[str, str]:
    return {h: form[column_field(i)].data or "" for i, h in enumerate(headers)}


class RoundImportForm(DutchForm):
    """A new planning round from an instance JSON file (format v1)."""

    label = StringField(
        "Naam van de planronde",
        validators=[
            DataRequired("Geef de planronde een naam."),
            Checked(round_label_problem),
        ],
    )
    starts_on = DateField(
        "Begindatum", validators=[InputRequired("Vul een geldige begindatum in.")]
    )
    ends_on = DateField(
        "Einddatum", validators=[InputRequired("Vul een geldige einddatum in.")]
    )
    file = FileField(
        "Instantiebestand (JSON, formaat versie 1)",
        validators=[
            FileRequired("Kies een bestand."),
            FileAllowed(["json"], "Alleen JSON-bestanden (.json)."),
        ],
    )
    submit = SubmitField("Bestand controleren")
