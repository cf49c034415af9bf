"""The form for a new API token; the service checks it."""

from __future__ import annotations

from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from ..services.api_tokens import SCOPES
from . import DutchForm
from .beheer import MANDATORY


class ApiTokenForm(DutchForm):
    name = StringField("Naam van de koppeling", validators=MANDATORY)
    scopes = SelectMultipleField(
        "Bevoegdheden",
        choices=[SelectChoice(value=k, label=f"{k}: {v}") for k, v in SCOPES.items()],
        coerce=str,
        validate_choice=False,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    expires_on = StringField("Geldig tot en met", validators=MANDATORY)
