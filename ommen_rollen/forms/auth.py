"""Login form."""

from __future__ import annotations

from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from . import DutchForm


class LoginForm(DutchForm):
    username = StringField(
        "Gebruikersnaam",
        validators=[DataRequired("Vul uw gebruikersnaam in."), Length(max=60)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Wachtwoord",
        validators=[DataRequired("Vul uw wachtwoord in."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Inloggen")
