"""marshmallow schemas: what the API accepts and answers, and (through
flask-smorest) the OpenAPI description. They check the shape of a request
(types, lengths); the rules themselves are the services' (one validator for
beheer, import and API)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from ..domain import AssignmentKind, BaseFunction, Choice, RoundStatus
from ..services import limits
from ..services.preferences import COMMENT_MAX

MAX_PAGE = 200
FTE_PATTERN = r"^[0-9]{1,3}([.,][0-9]{1,4})?$"
HOURS_PATTERN = r"^[0-9]{1,3}([.,][0-9]{1,2})?$"


def _text(max_length: int, **kwargs: object) -> fields.String:
    return fields.String(
        validate=validate.Length(max=max_length, error="Hoogstens {max} tekens."),
        **kwargs,  # type: ignore[arg-type]
    )


def _levels(maximum: int, **kwargs: object) -> fields.Dict:
    return fields.Dict(
        keys=_text(limits.NAME_LENGTH),
        values=fields.Integer(strict=True),
        validate=validate.Length(max=maximum, error="Hoogstens {max} competenties."),
        **kwargs,  # type: ignore[arg-type]
    )


class Strict(Schema):
    class Meta:
        unknown = RAISE


class PageQuery(Strict):
    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(
            min=1, max=MAX_PAGE, error="Kies een limit van {min} tot en met {max}."
        ),
        metadata={"description": "Hoeveel items (hoogstens 200)."},
    )
    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(
            min=0, max=1_000_000, error="Kies een offset van {min} tot en met {max}."
        ),
    )


class Page(Schema):
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


# --- organisation ----------------------------------------------------------------


class EmployeeOut(Schema):
    username = fields.String(
        required=True, metadata={"description": "Personeelsnummer of gebruikersnaam"}
    )
    name = fields.String(required=True)
    email = fields.String(required=True, allow_none=True)
    contract_fte = fields.String(
        required=True, metadata={"description": "Exact, bijvoorbeeld '0.8889'"}
    )
    contract_hours = fields.String(
        required=True, metadata={"description": "Uren per week van 36"}
    )
    base_function = fields.String(
        required=True, validate=validate.OneOf([b.value for b in BaseFunction])
    )
    home_cluster = fields.String(required=True, allow_none=True)
    competences = fields.Dict(
        keys=fields.String(), values=fields.Integer(), required=True
    )
    active = fields.Boolean(required=True)
    version = fields.Integer(required=True)


class EmployeeCreated(EmployeeOut):
    first_password = fields.String(
        required=True,
        metadata={"description": "Eerste wachtwoord van het account; één keer getoond"},
    )


class EmployeePage(Page):
    items = fields.List(fields.Nested(EmployeeOut), required=True)


class EmployeeIn(Strict):
    username = _text(
        limits.USERNAME_LENGTH,
        metadata={"description": "Verplicht bij aanmaken; bij bijwerken een nieuwe"},
    )
    name = _text(limits.LONG_NAME_LENGTH, required=True)
    email = _text(
        limits.EMAIL_LENGTH,
        allow_none=True,
        load_default=None,
        metadata={"description": "Weggelaten: blijft zoals het was; '' wist het"},
    )
    contract_fte = fields.String(
        validate=validate.Regexp(FTE_PATTERN, error="Verwacht fte als '0.8889'."),
        metadata={"description": "Contract in fte; of contract_hours"},
    )
    contract_hours = fields.String(
        validate=validate.Regexp(HOURS_PATTERN, error="Verwacht uren als '32'."),
        metadata={"description": "Contract in uren per week van 36; of contract_fte"},
    )
    base_function = _text(5, required=True)
    home_cluster = _text(limits.NAME_LENGTH, allow_none=True, load_default=None)
    competences = _levels(limits.MAX_COMPETENCES_PER_EMPLOYEE, load_default=dict)
    active = fields.Boolean(load_default=True)
    version = fields.Integer(
        metadata={"description": "De versie die u ophaalde; of de header If-Match"}
    )


class CompetenceOut(Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)
    active = fields.Boolean(required=True)


class CompetencePage(Page):
    items = fields.List(fields.Nested(CompetenceOut), required=True)


class CompetenceIn(Strict):
    name = _text(limits.NAME_LENGTH, required=True)
    description = _text(limits.DESCRIPTION_LENGTH, load_default="")
    active = fields.Boolean(load_default=True)


class ClusterOut(Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)
    active = fields.Boolean(required=True)


class ClusterPage(Page):
    items = fields.List(fields.Nested(ClusterOut), required=True)


class RoleOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    cluster = fields.String(required=True)
    task_field = fields.String(required=True, allow_none=True)
    fte = fields.String(required=True)
    base_functions = fields.List(fields.String(), required=True)
    requirements = fields.Dict(
        keys=fields.String(), values=fields.Integer(), required=True
    )
    backups_needed = fields.Integer(required=True)
    splittable = fields.Boolean(required=True)
    max_holders = fields.Integer(required=True)
    min_share = fields.String(required=True, allow_none=True)
    critical = fields.Boolean(required=True)
    active = fields.Boolean(required=True)
    version = fields.Integer(required=True)


class RolePage(Page):
    items = fields.List(fields.Nested(RoleOut), required=True)


class RoleIn(Strict):
    code = _text(limits.ROLE_CODE_LENGTH)
    name = _text(limits.LONG_NAME_LENGTH, required=True)
    description = _text(limits.ROLE_DESCRIPTION_LENGTH, load_default="")
    cluster = _text(limits.NAME_LENGTH, required=True)
    task_field = _text(limits.LONG_NAME_LENGTH, allow_none=True, load_default=None)
    fte = fields.String(
        required=True,
        validate=validate.Regexp(FTE_PATTERN, error="Verwacht fte als '0.5'."),
    )
    base_functions = fields.List(
        _text(5), required=True, validate=validate.Length(max=5)
    )
    requirements = _levels(limits.MAX_REQUIREMENTS_PER_ROLE, load_default=dict)
    backups_needed = fields.Integer(strict=True, load_default=1)
    splittable = fields.Boolean(load_default=False)
    max_holders = fields.Integer(strict=True, load_default=1)
    min_share = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Regexp(FTE_PATTERN, error="Verwacht fte als '0.2'."),
    )
    critical = fields.Boolean(load_default=False)
    active = fields.Boolean(load_default=True)
    version = fields.Integer(
        metadata={"description": "De versie die u ophaalde; of de header If-Match"}
    )


# --- planning ---------------------------------------------------------------------


class RoundOut(Schema):
    id = fields.Integer(required=True)
    label = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    deadline = fields.Date(required=True, allow_none=True)
    status = fields.String(
        required=True, validate=validate.OneOf([s.value for s in RoundStatus])
    )


class RoundPage(Page):
    items = fields.List(fields.Nested(RoundOut), required=True)


class ProposalOut(Schema):
    number = fields.Integer(required=True)
    status = fields.String(required=True)
    solver_status = fields.String(required=True)
    note = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    uncovered_fte = fields.String(required=True, allow_none=True)
    missing_backups = fields.Integer(required=True, allow_none=True)


class ProposalPage(Page):
    items = fields.List(fields.Nested(ProposalOut), required=True)


class AssignmentOut(Schema):
    role = fields.String(required=True)
    kind = fields.String(
        required=True, validate=validate.OneOf([k.value for k in AssignmentKind])
    )
    fte = fields.String(required=True)
    hours = fields.String(required=True)
    mentor = fields.String(required=True, allow_none=True)
    holders = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Bij een vervanging: wie de rol houdt"},
    )
    backups = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Bij een rol die u houdt: wie u vervangt"},
    )


class WerkplanOut(Schema):
    employee = fields.String(required=True)
    name = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    proposal = fields.Integer(required=True, allow_none=True)
    contract_fte = fields.String(required=True)
    total_fte = fields.String(required=True)
    total_hours = fields.String(required=True)
    assignments = fields.List(fields.Nested(AssignmentOut), required=True)


class WerkplanPage(Page):
    items = fields.List(fields.Nested(WerkplanOut), required=True)


class AbsenceOut(Schema):
    employee = fields.String(required=True, allow_none=True)
    uncovered_fte = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)


class VulnerabilityOut(Schema):
    proposal = fields.Integer(required=True)
    single_eligible_roles = fields.List(fields.String(), required=True)
    absence = fields.List(fields.Nested(AbsenceOut), required=True)
    worst = fields.Nested(AbsenceOut, required=True, allow_none=True)


class OptimiseIn(Strict):
    time_limit_s = fields.Integer(
        strict=True,
        validate=validate.Range(
            min=limits.TIME_LIMIT_S[0],
            max=limits.TIME_LIMIT_S[1],
            error=limits.TIME_LIMIT_RULE,
        ),
    )
    seed = fields.Integer(
        strict=True,
        validate=validate.Range(min=0, max=2**31 - 1, error="Ongeldig zaadgetal."),
    )
    note = _text(200, load_default="")


class JobOut(Schema):
    id = fields.Integer(required=True)
    round_id = fields.Integer(required=True, allow_none=True)
    status = fields.String(required=True)
    proposal = fields.Integer(required=True, allow_none=True)
    progress = fields.Dict(required=True)
    error = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(required=True, allow_none=True)


class PreferenceOut(Schema):
    role = fields.String(required=True)
    choice = fields.String(
        required=True, validate=validate.OneOf([c.value for c in Choice])
    )
    comment = fields.String(required=True)


class EmployeePreferencesOut(Schema):
    employee = fields.String(required=True)
    preferences = fields.List(fields.Nested(PreferenceOut), required=True)


class PreferencePage(Page):
    items = fields.List(fields.Nested(EmployeePreferencesOut), required=True)


class MyPreferenceIn(Strict):
    role = _text(limits.ROLE_CODE_LENGTH, required=True)
    choice = _text(20, required=True)
    comment = _text(COMMENT_MAX, load_default="")


class MyPreferencesIn(Strict):
    preferences = fields.List(
        fields.Nested(MyPreferenceIn),
        required=True,
        validate=validate.Length(
            max=limits.MAX_ROLES, error="Hoogstens {max} voorkeuren."
        ),
    )


class MyPreferencesOut(Schema):
    round_id = fields.Integer(required=True)
    open = fields.Boolean(required=True)
    preferences = fields.List(fields.Nested(PreferenceOut), required=True)
    changed = fields.Integer()
