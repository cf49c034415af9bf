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


class PasswordChangeForm(DutchForm):
    current_password = PasswordField(
        "Huidig wachtwoord",
        validators=[DataRequired("Vul uw huidige wachtwoord in."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "Nieuw wachtwoord",
        validators=[DataRequired("Vul een nieuw wachtwoord in."), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        "Nieuw wachtwoord nogmaals",
        validators=[DataRequired("Herhaal het nieuwe wachtwoord."), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Wachtwoord wijzigen")


class PasswordSetForm(DutchForm):
    """A new password through a one-time link (invitation or reset)."""

    new_password = PasswordChangeForm.new_password
    repeat = PasswordChangeForm.repeat
    submit = SubmitField("Wachtwoord instellen")


class ResetRequestForm(DutchForm):
    email = StringField(
        "E-mailadres",
        validators=[DataRequired("Vul uw e-mailadres in."), Length(max=254)],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )
    submit = SubmitField("Stuur mij een link")


class CodeForm(DutchForm):
    code = StringField(
        "Code uit de app",
        validators=[DataRequired("Vul de code van zes cijfers in."), Length(max=10)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField("Bevestigen")
