"""Beheer forms. They carry the input as typed and check nothing but the CSRF
token: every rule lives once in the services (services.beheer.Checker), which
answer with Dutch messages per field. Selects therefore take any submitted value
(validate_choice=False, coerce=str) and let the service refuse tampered ones."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain import BASE_FUNCTION_LABELS, TASK_MODE_LABELS, format_fte
from ..services.organisation import NamedInput, RoleInput, TaskFieldInput
from ..services.staff import EmployeeInput
from . import DutchForm

LEVEL_CHOICES = [SelectChoice(value=v, label=v or "–") for v in ("", "1", "2", "3")]
BASE_FUNCTION_CHOICES = [
    SelectChoice(value=code.value, label=f"{code.value} – {label}")
    for code, label in BASE_FUNCTION_LABELS.items()
]


class Mandatory:
    """Marks a field as mandatory on screen ("verplicht", the required attribute);
    it checks nothing: the service refuses an empty value with its own message."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        return None


MANDATORY = [Mandatory()]


def free_select(label: str, **kwargs: Any) -> SelectField:
    """A select whose submitted value reaches the service unchecked."""
    return SelectField(label, coerce=str, validate_choice=False, **kwargs)


def text(field: Any) -> str:
    return str(field.data or "")


class LevelRow(Form):
    """One competence with a level (or none) in a table of competences."""

    competence_id = HiddenField()
    level = free_select("Niveau", choices=LEVEL_CHOICES)


def level_rows(rows: FieldList) -> list[tuple[str, str]]:
    return [(text(row.competence_id), text(row.level)) for row in rows]


class ConfirmForm(DutchForm):
    """Only the CSRF token: confirms a delete or (de)activation."""

    active = HiddenField()


class NamedForm(DutchForm):
    """Cluster and competence: a name, a description, active."""

    name = StringField("Naam", validators=MANDATORY)
    description = TextAreaField("Omschrijving")
    active = BooleanField("Actief", default=True)

    def to_input(self) -> NamedInput:
        return NamedInput(
            name=text(self.name),
            description=text(self.description),
            active=bool(self.active.data),
        )


class PartnerForm(DutchForm):
    name = StringField("Naam", validators=MANDATORY)
    active = BooleanField("Actief", default=True)

    def to_input(self) -> NamedInput:
        return NamedInput(name=text(self.name), active=bool(self.active.data))


class TaskFieldForm(DutchForm):
    name = StringField("Naam", validators=MANDATORY)
    mode = free_select(
        "Werkwijze",
        choices=[
            SelectChoice(value=m.value, label=label)
            for m, label in TASK_MODE_LABELS.items()
        ],
    )
    partner_id = free_select("Partner (bij uitbesteden of samenwerken)")
    cluster_id = free_select("Cluster")
    description = TextAreaField("Omschrijving")
    active = BooleanField("Actief", default=True)

    def to_input(self) -> TaskFieldInput:
        return TaskFieldInput(
            name=text(self.name),
            mode=text(self.mode),
            partner_id=text(self.partner_id),
            cluster_id=text(self.cluster_id),
            description=text(self.description),
            active=bool(self.active.data),
        )


class RoleForm(DutchForm):
    version_id = HiddenField()
    code = StringField("Code", validators=MANDATORY)
    name = StringField("Naam", validators=MANDATORY)
    description = TextAreaField("Omschrijving")
    cluster_id = free_select("Cluster", validators=MANDATORY)
    task_field_id = free_select("Taakveld")
    fte = StringField(
        "Omvang in fte", validators=MANDATORY, render_kw={"inputmode": "decimal"}
    )
    base_functions = SelectMultipleField(
        "Rompfuncties die deze rol mogen vervullen",
        choices=BASE_FUNCTION_CHOICES,
        coerce=str,
        validate_choice=False,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    requirements = FieldList(FormField(LevelRow))
    backups_needed = StringField(
        "Aantal vervangers nodig", default="1", render_kw={"inputmode": "numeric"}
    )
    splittable = BooleanField("De rol mag over meer rolhouders verdeeld worden")
    max_holders = StringField(
        "Hoogstens aantal rolhouders", default="1", render_kw={"inputmode": "numeric"}
    )
    min_share = StringField(
        "Kleinste deel per rolhouder in fte", render_kw={"inputmode": "decimal"}
    )
    critical = BooleanField("Kritieke rol (mag nooit onbezet zijn)")
    active = BooleanField("Actief", default=True)

    def to_input(self) -> RoleInput:
        return RoleInput(
            code=text(self.code),
            name=text(self.name),
            description=text(self.description),
            cluster_id=text(self.cluster_id),
            task_field_id=text(self.task_field_id),
            fte=text(self.fte),
            base_functions=list(self.base_functions.data or []),
            requirements=level_rows(self.requirements),
            backups_needed=text(self.backups_needed),
            splittable=bool(self.splittable.data),
            max_holders=text(self.max_holders),
            min_share=text(self.min_share),
            critical=bool(self.critical.data),
            active=bool(self.active.data),
        )

    @staticmethod
    def data_of(role: Any) -> dict[str, Any]:
        """Form data that shows a stored role."""
        return {
            "version_id": str(role.version_id),
            "code": role.code,
            "name": role.name,
            "description": role.description,
            "cluster_id": str(role.cluster_id),
            "task_field_id": str(role.task_field_id or ""),
            "fte": format_fte(role.fte_units),
            "base_functions": list(role.base_functions_code),
            "backups_needed": str(role.backups_needed),
            "splittable": role.splittable,
            "max_holders": str(role.max_holders),
            "min_share": format_fte(role.min_share_units)
            if role.min_share_units
            else "",
            "critical": role.critical,
            "active": role.active,
        }


class EmployeeForm(DutchForm):
    version_id = HiddenField()
    name = StringField("Naam", validators=MANDATORY)
    email = StringField(
        "E-mailadres", render_kw={"autocomplete": "off", "inputmode": "email"}
    )
    username = StringField(
        "Gebruikersnaam of personeelsnummer", render_kw={"autocomplete": "off"}
    )
    contract = StringField(
        "Contract", validators=MANDATORY, render_kw={"inputmode": "decimal"}
    )
    contract_unit = free_select(
        "Eenheid",
        choices=[
            SelectChoice(value="uren", label="uur per week (van 36)"),
            SelectChoice(value="fte", label="fte"),
        ],
    )
    base_function = free_select(
        "Rompfunctie", choices=BASE_FUNCTION_CHOICES, validators=MANDATORY
    )
    home_cluster_id = free_select("Thuiscluster")
    spil_cluster_id = free_select("Spil van cluster")
    competences = FieldList(FormField(LevelRow))
    active = BooleanField("Actief", default=True)

    def to_input(self) -> EmployeeInput:
        return EmployeeInput(
            name=text(self.name),
            email=text(self.email),
            spil_cluster_id=text(self.spil_cluster_id),
            username=text(self.username),
            contract=text(self.contract),
            contract_unit=text(self.contract_unit),
            base_function=text(self.base_function),
            home_cluster_id=text(self.home_cluster_id),
            competences=level_rows(self.competences),
            active=bool(self.active.data),
        )

    @staticmethod
    def data_of(employee: Any, spil_cluster_id: int | None) -> dict[str, Any]:
        """Form data that shows a stored employee (contract in exact fte)."""
        return {
            "version_id": str(employee.version_id),
            "name": employee.name,
            "email": employee.email or "",
            "spil_cluster_id": str(spil_cluster_id or ""),
            "username": employee.username,
            "contract": format_fte(employee.contract_units),
            "contract_unit": "fte",
            "base_function": employee.base_function.value,
            "home_cluster_id": str(employee.home_cluster_id or ""),
            "active": employee.active,
        }
