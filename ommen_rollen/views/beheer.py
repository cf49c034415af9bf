"""Beheer: the secretaris maintains medewerkers, competences, clusters, partners,
task fields and roles. Views are thin: form -> service -> flash -> redirect; the
services check the input and answer with Dutch messages per field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..extensions import db
from ..forms.beheer import (
    ConfirmForm,
    EmployeeForm,
    NamedForm,
    PartnerForm,
    RoleForm,
    TaskFieldForm,
)
from ..models import Cluster, Competence, Employee, Partner, Role, TaskField
from ..services import accounts, beheer, invitations, organisation, staff
from ..services.base import ServiceError
from ..services.beheer import InvalidInput, NotFound, StaleEdit
from .access import access
from .paging import paginate

bp = Blueprint("beheer", __name__, url_prefix="/beheer")

Page = str | Response | tuple[str, int]

# Per model: list endpoint, endpoint prefix of its other views, search columns
# and order of the list.
LISTS: dict[type[Any], tuple[str, str, list[Any], list[Any]]] = {
    Employee: (
        "beheer.employees",
        "employee",
        [Employee.name, Employee.username],
        [Employee.name],
    ),
    Competence: (
        "beheer.competences",
        "competence",
        [Competence.name],
        [Competence.name],
    ),
    Cluster: ("beheer.clusters", "cluster", [Cluster.name], [Cluster.name]),
    Partner: ("beheer.partners", "partner", [Partner.name], [Partner.name]),
    TaskField: ("beheer.task_fields", "task_field", [TaskField.name], [TaskField.name]),
    Role: ("beheer.roles", "role", [Role.code, Role.name], [Role.code]),
}


@bp.route("/")
@access("secretary")
def index() -> str:
    """Overview of everything the secretaris maintains, with counts."""
    sections = [
        ("Medewerkers", "beheer.employees", beheer.counts(Employee)),
        ("Rollen", "beheer.roles", beheer.counts(Role)),
        ("Competenties", "beheer.competences", beheer.counts(Competence)),
        ("Clusters", "beheer.clusters", beheer.counts(Cluster)),
        ("Taakvelden", "beheer.task_fields", beheer.counts(TaskField)),
        ("Partners", "beheer.partners", beheer.counts(Partner)),
    ]
    return render_template("beheer/index.html", sections=sections)


# --- shared flows ------------------------------------------------------------


def _list(model: type[Any], template: str) -> str:
    """A searchable list; inactive rows only when asked for."""
    _endpoint, prefix, columns, order = LISTS[model]
    query = request.args.get("q", "")[:100]
    include_inactive = request.args.get("inactief") == "1"
    items = beheer.search(
        model, query, include_inactive, columns=columns, order_by=order
    )
    page = paginate(items, request.args.get("pagina"))
    return render_template(
        template,
        items=page.items,
        page=page,
        list_endpoint=LISTS[model][0],
        q=query,
        include_inactive=include_inactive,
        new_endpoint=f"beheer.{prefix}_new",
        edit_endpoint=f"beheer.{prefix}_edit",
        active_endpoint=f"beheer.{prefix}_active",
        delete_endpoint=f"beheer.{prefix}_delete",
        id_name=f"{prefix}_id",
    )


def _show_errors(form: Any, error: InvalidInput) -> None:
    """Put each service message next to its field (or its table row)."""
    for key, messages in error.errors.items():
        name, _, row_key = key.partition(".")
        target = form._fields.get(name)
        if target is not None and row_key:
            rows = [row for row in target if str(row.competence_id.data) == row_key]
            if rows:
                rows[0].level.errors = [*rows[0].level.errors, *messages]
                continue
        if target is not None and not row_key:
            target.errors = [*target.errors, *messages]
            continue
        form.form_errors.extend(messages)


def _save(
    form: Any,
    save: Callable[[], Any],
    success: Callable[[Any], str],
    endpoint: str,
    *,
    done: Callable[[Any], Response] | None = None,
) -> Response | int | None:
    """Run a save for a submitted form: a redirect when it worked (or the page
    ``done`` makes), otherwise the HTTP status to render the form with (errors
    are on the form)."""
    if not form.validate_on_submit():
        return 400 if form.errors else None
    try:
        saved = save()
    except StaleEdit as exc:
        form.form_errors.append(str(exc))
        return 409
    except InvalidInput as exc:
        _show_errors(form, exc)
        return 422
    except NotFound:
        abort(404)
    if done is not None:
        return done(saved)
    flash(success(saved), "success")
    return redirect(url_for(endpoint))


def _render(template: str, outcome: Response | int | None, **context: Any) -> Page:
    if isinstance(outcome, Response):
        return outcome
    page = render_template(template, **context)
    return (page, outcome) if outcome else page


def _toggle(model: type[Any], object_id: int) -> Response:
    """Activate (active=1) or deactivate an object from its list."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "1"
    try:
        obj = beheer.set_active(model, object_id, active, current_user)
    except NotFound:
        abort(404)
    state = "geactiveerd" if active else "gedeactiveerd"
    flash(f"{beheer.display_name(obj)} is {state}.", "success")
    return redirect(url_for(LISTS[model][0]))


def _delete(model: type[Any], object_id: int) -> Page:
    """Confirmation page (GET) and the delete itself (POST with CSRF token)."""
    try:
        removal = beheer.plan_removal(model, object_id)
    except NotFound:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = beheer.display_name(removal.obj)
        removal = beheer.remove(model, object_id, current_user)
        if removal.deactivates:
            flash(
                f"{name} is gedeactiveerd in plaats van verwijderd: er verwijzen nog "
                f"{', '.join(removal.references)} naar.",
                "warning",
            )
        else:
            flash(f"{name} is verwijderd.", "success")
        return redirect(url_for(LISTS[model][0]))
    return render_template(
        "beheer/confirm_delete.html",
        removal=removal,
        name=beheer.display_name(removal.obj),
        form=form,
        back=url_for(LISTS[model][0]),
    )


def _options(model: type[Any], current: int | None, empty: str | None) -> list[Any]:
    """Select choices: active rows plus the one already linked."""
    stmt = select(model).order_by(model.name)
    rows = [r for r in db.session.scalars(stmt) if r.active or r.id == current]
    choices = [
        SelectChoice(
            value=str(r.id), label=r.name if r.active else f"{r.name} (inactief)"
        )
        for r in rows
    ]
    if empty is not None:
        choices.insert(0, SelectChoice(value="", label=empty))
    return choices


def _competence_names() -> dict[str, str]:
    return {str(c.id): c.name for c in db.session.scalars(select(Competence))}


def _fill_level_rows(rows: Any, held: dict[int, int]) -> None:
    """One row per active competence (and any held one), with the stored level."""
    competences = db.session.scalars(select(Competence).order_by(Competence.name))
    for competence in competences:
        if competence.active or competence.id in held:
            level = held.get(competence.id)
            rows.append_entry(
                {"competence_id": str(competence.id), "level": str(level or "")}
            )


# --- medewerkers -------------------------------------------------------------


@bp.route("/medewerkers")
@access("secretary")
def employees() -> str:
    """Medewerkers with search and the inactive filter."""
    return _list(Employee, "beheer/employees.html")


def _employee_page(form: EmployeeForm, employee: Employee | None, outcome: Any) -> Page:
    form.home_cluster_id.choices = _options(
        Cluster, employee.home_cluster_id if employee else None, "– geen –"
    )
    form.spil_cluster_id.choices = _options(
        Cluster, staff.spil_cluster_of(employee) if employee else None, "– geen –"
    )
    return _render(
        "beheer/employee_form.html",
        outcome,
        form=form,
        employee=employee,
        competence_names=_competence_names(),
        confirm_form=ConfirmForm(),
    )


@bp.route("/medewerkers/nieuw", methods=["GET", "POST"])
@access("secretary")
def employee_new() -> Page:
    """Create a medewerker and their account; the first password is shown once,
    on the page itself (never in the session cookie)."""
    form = EmployeeForm()
    if request.method == "GET":
        form.contract_unit.data = "uren"
        _fill_level_rows(form.competences, {})

    def save() -> Any:
        return staff.create_employee(
            form.to_input(), current_user, invite=invitations.mail_configured()
        )

    def shown(made: Any) -> Response:
        employee, password = made
        if password is None:
            flash(
                f"Medewerker {employee.name} is toegevoegd. Er is een uitnodiging "
                f"gestuurd naar {employee.email} om een wachtwoord te kiezen.",
                "success",
            )
            return redirect(url_for("beheer.employees"))
        return _first_password_page(employee, password)

    outcome = _save(form, save, str, "beheer.employees", done=shown)
    return _employee_page(form, None, outcome)


def _first_password_page(employee: Employee, password: str) -> Response:
    """The first password, once: rendered, not stored, not cached."""
    response = make_response(
        render_template(
            "beheer/first_password.html", employee=employee, password=password
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/medewerkers/<int:employee_id>/uitnodigen", methods=["POST"])
@access("secretary")
def employee_invite(employee_id: int) -> Response:
    """Send the medewerker an invitation link (again) to choose a password."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        employee = invitations.invite_employee(employee_id, current_user)
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Er is een uitnodiging gestuurd naar {employee.email}.", "success")
    return redirect(url_for("beheer.employee_edit", employee_id=employee_id))


@bp.route("/medewerkers/<int:employee_id>/eerste-wachtwoord", methods=["POST"])
@access("secretary")
def employee_first_password(employee_id: int) -> Page:
    """Give the medewerker's account a new first password (forgotten, or an
    imported account without e-mail); it must be changed at the first login."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    employee = db.get_or_404(Employee, employee_id)
    account = staff.ensure_account(employee, current_user)
    password = accounts.set_first_password(account, current_user)
    return _first_password_page(employee, password)


@bp.route("/medewerkers/<int:employee_id>", methods=["GET", "POST"])
@access("secretary")
def employee_edit(employee_id: int) -> Page:
    """Edit a medewerker: contract, rompfunctie, cluster, competences."""
    employee = db.get_or_404(Employee, employee_id)
    if request.method == "GET":
        form = EmployeeForm(
            data=EmployeeForm.data_of(employee, staff.spil_cluster_of(employee))
        )
        _fill_level_rows(
            form.competences,
            {ec.competence_id: ec.level for ec in employee.competences},
        )
    else:
        form = EmployeeForm()

    def save() -> Any:
        return staff.update_employee(
            employee_id, form.to_input(), current_user, form.version_id.data
        )

    outcome = _save(
        form, save, lambda e: f"{e.name} is opgeslagen.", "beheer.employees"
    )
    return _employee_page(form, employee, outcome)


@bp.route("/medewerkers/<int:employee_id>/actief", methods=["POST"])
@access("secretary")
def employee_active(employee_id: int) -> Response:
    """(De)activate a medewerker and their account."""
    return _toggle(Employee, employee_id)


@bp.route("/medewerkers/<int:employee_id>/verwijderen", methods=["GET", "POST"])
@access("secretary")
def employee_delete(employee_id: int) -> Page:
    """Delete a medewerker without history, otherwise deactivate."""
    return _delete(Employee, employee_id)


# --- rollen ------------------------------------------------------------------


@bp.route("/rollen")
@access("secretary")
def roles() -> str:
    """Roles with search and the inactive filter."""
    return _list(Role, "beheer/roles.html")


def _role_page(form: RoleForm, role: Role | None, outcome: Any) -> Page:
    form.cluster_id.choices = _options(
        Cluster, role.cluster_id if role else None, "– kies een cluster –"
    )
    form.task_field_id.choices = _options(
        TaskField, role.task_field_id if role else None, "– geen –"
    )
    return _render(
        "beheer/role_form.html",
        outcome,
        form=form,
        role=role,
        competence_names=_competence_names(),
    )


@bp.route("/rollen/nieuw", methods=["GET", "POST"])
@access("secretary")
def role_new() -> Page:
    """Create a role with eligibility and required competences."""
    form = RoleForm()
    if request.method == "GET":
        _fill_level_rows(form.requirements, {})

    def save() -> Any:
        return organisation.save_role(form.to_input(), current_user)

    outcome = _save(
        form, save, lambda r: f"Rol {r.code} is toegevoegd.", "beheer.roles"
    )
    return _role_page(form, None, outcome)


@bp.route("/rollen/<int:role_id>", methods=["GET", "POST"])
@access("secretary")
def role_edit(role_id: int) -> Page:
    """Edit a role."""
    role = db.get_or_404(Role, role_id)
    if request.method == "GET":
        form = RoleForm(data=RoleForm.data_of(role))
        _fill_level_rows(
            form.requirements, {r.competence_id: r.min_level for r in role.requirements}
        )
    else:
        form = RoleForm()

    def save() -> Any:
        return organisation.save_role(
            form.to_input(), current_user, role_id, form.version_id.data
        )

    outcome = _save(
        form, save, lambda r: f"Rol {r.code} is opgeslagen.", "beheer.roles"
    )
    return _role_page(form, role, outcome)


@bp.route("/rollen/<int:role_id>/actief", methods=["POST"])
@access("secretary")
def role_active(role_id: int) -> Response:
    """(De)activate a role."""
    return _toggle(Role, role_id)


@bp.route("/rollen/<int:role_id>/verwijderen", methods=["GET", "POST"])
@access("secretary")
def role_delete(role_id: int) -> Page:
    """Delete a role no plan or preference refers to, otherwise deactivate."""
    return _delete(Role, role_id)


# --- competenties, clusters, partners ------------------------------------------


def _named_page(form: Any, outcome: Any, *, noun: str, obj: Any, back: str) -> Page:
    return _render(
        "beheer/simple_form.html", outcome, form=form, noun=noun, obj=obj, back=back
    )


@bp.route("/competenties")
@access("secretary")
def competences() -> str:
    """Competences with search and the inactive filter."""
    return _list(Competence, "beheer/competences.html")


@bp.route("/competenties/nieuw", methods=["GET", "POST"])
@access("secretary")
def competence_new() -> Page:
    """Create a competence."""
    form = NamedForm()

    def save() -> Any:
        return organisation.save_competence(form.to_input(), current_user)

    outcome = _save(
        form,
        save,
        lambda c: f"Competentie {c.name} is toegevoegd.",
        "beheer.competences",
    )
    return _named_page(
        form, outcome, noun="competentie", obj=None, back="beheer.competences"
    )


@bp.route("/competenties/<int:competence_id>", methods=["GET", "POST"])
@access("secretary")
def competence_edit(competence_id: int) -> Page:
    """Edit a competence."""
    competence = db.get_or_404(Competence, competence_id)
    form = NamedForm(obj=competence)

    def save() -> Any:
        return organisation.save_competence(
            form.to_input(), current_user, competence_id
        )

    outcome = _save(
        form,
        save,
        lambda c: f"Competentie {c.name} is opgeslagen.",
        "beheer.competences",
    )
    return _named_page(
        form, outcome, noun="competentie", obj=competence, back="beheer.competences"
    )


@bp.route("/competenties/<int:competence_id>/actief", methods=["POST"])
@access("secretary")
def competence_active(competence_id: int) -> Response:
    """(De)activate a competence."""
    return _toggle(Competence, competence_id)


@bp.route("/competenties/<int:competence_id>/verwijderen", methods=["GET", "POST"])
@access("secretary")
def competence_delete(competence_id: int) -> Page:
    """Delete an unused competence, otherwise deactivate."""
    return _delete(Competence, competence_id)


@bp.route("/clusters")
@access("secretary")
def clusters() -> str:
    """Clusters with search and the inactive filter."""
    return _list(Cluster, "beheer/clusters.html")


@bp.route("/clusters/nieuw", methods=["GET", "POST"])
@access("secretary")
def cluster_new() -> Page:
    """Create a cluster."""
    form = NamedForm()

    def save() -> Any:
        return organisation.save_cluster(form.to_input(), current_user)

    outcome = _save(
        form, save, lambda c: f"Cluster {c.name} is toegevoegd.", "beheer.clusters"
    )
    return _named_page(form, outcome, noun="cluster", obj=None, back="beheer.clusters")


@bp.route("/clusters/<int:cluster_id>", methods=["GET", "POST"])
@access("secretary")
def cluster_edit(cluster_id: int) -> Page:
    """Edit a cluster."""
    cluster = db.get_or_404(Cluster, cluster_id)
    form = NamedForm(obj=cluster)

    def save() -> Any:
        return organisation.save_cluster(form.to_input(), current_user, cluster_id)

    outcome = _save(
        form, save, lambda c: f"Cluster {c.name} is opgeslagen.", "beheer.clusters"
    )
    return _named_page(
        form, outcome, noun="cluster", obj=cluster, back="beheer.clusters"
    )


@bp.route("/clusters/<int:cluster_id>/actief", methods=["POST"])
@access("secretary")
def cluster_active(cluster_id: int) -> Response:
    """(De)activate a cluster."""
    return _toggle(Cluster, cluster_id)


@bp.route("/clusters/<int:cluster_id>/verwijderen", methods=["GET", "POST"])
@access("secretary")
def cluster_delete(cluster_id: int) -> Page:
    """Delete an unused cluster, otherwise deactivate."""
    return _delete(Cluster, cluster_id)


@bp.route("/partners")
@access("secretary")
def partners() -> str:
    """Partners with search and the inactive filter."""
    return _list(Partner, "beheer/partners.html")


@bp.route("/partners/nieuw", methods=["GET", "POST"])
@access("secretary")
def partner_new() -> Page:
    """Create a partner."""
    form = PartnerForm()

    def save() -> Any:
        return organisation.save_partner(form.to_input(), current_user)

    outcome = _save(
        form, save, lambda p: f"Partner {p.name} is toegevoegd.", "beheer.partners"
    )
    return _named_page(form, outcome, noun="partner", obj=None, back="beheer.partners")


@bp.route("/partners/<int:partner_id>", methods=["GET", "POST"])
@access("secretary")
def partner_edit(partner_id: int) -> Page:
    """Edit a partner."""
    partner = db.get_or_404(Partner, partner_id)
    form = PartnerForm(obj=partner)

    def save() -> Any:
        return organisation.save_partner(form.to_input(), current_user, partner_id)

    outcome = _save(
        form, save, lambda p: f"Partner {p.name} is opgeslagen.", "beheer.partners"
    )
    return _named_page(
        form, outcome, noun="partner", obj=partner, back="beheer.partners"
    )


@bp.route("/partners/<int:partner_id>/actief", methods=["POST"])
@access("secretary")
def partner_active(partner_id: int) -> Response:
    """(De)activate a partner."""
    return _toggle(Partner, partner_id)


@bp.route("/partners/<int:partner_id>/verwijderen", methods=["GET", "POST"])
@access("secretary")
def partner_delete(partner_id: int) -> Page:
    """Delete a partner no taakveld refers to, otherwise deactivate."""
    return _delete(Partner, partner_id)


# --- taakvelden --------------------------------------------------------------


@bp.route("/taakvelden")
@access("secretary")
def task_fields() -> str:
    """Taakvelden with search and the inactive filter."""
    return _list(TaskField, "beheer/task_fields.html")


def _task_field_page(form: TaskFieldForm, task_field: Any, outcome: Any) -> Page:
    form.partner_id.choices = _options(
        Partner, task_field.partner_id if task_field else None, "– geen –"
    )
    form.cluster_id.choices = _options(
        Cluster, task_field.cluster_id if task_field else None, "– geen –"
    )
    return _named_page(
        form, outcome, noun="taakveld", obj=task_field, back="beheer.task_fields"
    )


@bp.route("/taakvelden/nieuw", methods=["GET", "POST"])
@access("secretary")
def task_field_new() -> Page:
    """Create a taakveld."""
    form = TaskFieldForm()

    def save() -> Any:
        return organisation.save_task_field(form.to_input(), current_user)

    outcome = _save(
        form, save, lambda t: f"Taakveld {t.name} is toegevoegd.", "beheer.task_fields"
    )
    return _task_field_page(form, None, outcome)


@bp.route("/taakvelden/<int:task_field_id>", methods=["GET", "POST"])
@access("secretary")
def task_field_edit(task_field_id: int) -> Page:
    """Edit a taakveld."""
    task_field = db.get_or_404(TaskField, task_field_id)
    form = TaskFieldForm(
        data={
            "name": task_field.name,
            "mode": task_field.mode.value,
            "partner_id": str(task_field.partner_id or ""),
            "cluster_id": str(task_field.cluster_id or ""),
            "description": task_field.description,
            "active": task_field.active,
        }
        if request.method == "GET"
        else None
    )

    def save() -> Any:
        return organisation.save_task_field(
            form.to_input(), current_user, task_field_id
        )

    outcome = _save(
        form, save, lambda t: f"Taakveld {t.name} is opgeslagen.", "beheer.task_fields"
    )
    return _task_field_page(form, task_field, outcome)


@bp.route("/taakvelden/<int:task_field_id>/actief", methods=["POST"])
@access("secretary")
def task_field_active(task_field_id: int) -> Response:
    """(De)activate a taakveld."""
    return _toggle(TaskField, task_field_id)


@bp.route("/taakvelden/<int:task_field_id>/verwijderen", methods=["GET", "POST"])
@access("secretary")
def task_field_delete(task_field_id: int) -> Page:
    """Delete a taakveld no role refers to, otherwise deactivate."""
    return _delete(TaskField, task_field_id)
