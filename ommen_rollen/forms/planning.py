"""Forms of the planning round: open a round, optimise, pin, comment, approve."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..domain import ASSIGNMENT_KIND_LABELS
from ..services.limits import round_label_problem, time_limit_problem
from . import Checked, DutchForm


class OpenRoundForm(DutchForm):
    label = StringField(
        "Naam van de planronde",
        validators=[
            InputRequired("Geef de planronde een naam."),
            Checked(round_label_problem),
        ],
    )
    starts_on = DateField(
        "Begin van de periode",
        validators=[InputRequired("Vul een geldige begindatum in (dd-mm-jjjj).")],
    )
    ends_on = DateField(
        "Einde van de periode",
        validators=[InputRequired("Vul een geldige einddatum in (dd-mm-jjjj).")],
    )
    deadline = DateField("Uiterste datum voor voorkeuren", validators=[Optional()])
    show_names = BooleanField("Namen tonen bij Samen kiezen")
    submit = SubmitField("Planronde openen")


class OptimiseForm(DutchForm):
    time_limit_s = IntegerField(
        "Maximale rekentijd (seconden)",
        validators=[
            InputRequired("Vul de maximale rekentijd in."),
            Checked(time_limit_problem),
        ],
    )
    seed = IntegerField(
        "Variant (optioneel: hetzelfde getal geeft dezelfde uitkomst)",
        validators=[
            Optional(),
            NumberRange(0, 2**31 - 1, "Ongeldige variant: een geheel getal vanaf 0."),
        ],
    )
    note = StringField("Notitie bij dit voorstel", validators=[Length(max=200)])
    submit = SubmitField("Optimaliseren")


KIND_CHOICES = [
    SelectChoice(value=k.value, label=label)
    for k, label in ASSIGNMENT_KIND_LABELS.items()
]


class PinForm(DutchForm):
    employee_id = SelectField("Medewerker", coerce=int, validate_choice=True)
    role_id = SelectField("Rol", coerce=int, validate_choice=True)
    kind = SelectField("Soort", choices=KIND_CHOICES)
    pin_kind = SelectField(
        "Handeling",
        choices=[
            SelectChoice(value="pin", label="vastzetten (moet)"),
            SelectChoice(value="forbid", label="verbieden (mag niet)"),
        ],
    )
    fte = StringField(
        "Fte (alleen bij vastzetten als rolhouder of ontwikkelrol)",
        validators=[Length(max=12)],
    )
    submit = SubmitField("Toevoegen")


class MoveForm(DutchForm):
    role_id = SelectField("Rol", coerce=int, validate_choice=True)
    from_employee_id = SelectField("Van medewerker", coerce=int, validate_choice=True)
    to_employee_id = SelectField("Naar medewerker", coerce=int, validate_choice=True)
    submit = SubmitField("Verplaatsen")


class CommentForm(DutchForm):
    comment = TextAreaField(
        "Opmerking bij mijn werkplan",
        # Required and the maximum length are checked once, in services.approval.
        validators=[Optional()],
    )
    submit = SubmitField("Opmerking versturen")
