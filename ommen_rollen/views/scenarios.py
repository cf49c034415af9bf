"""Scenarios of an approved round: make one, add changes, re-plan, compare
before and after, publish (with a confirmation page). Secretaris only; the work
is in services/scenarios.py."""

from __future__ import annotations

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

from ..domain import BaseFunction
from ..extensions import db
from ..models import Cluster, Competence, Employee, PlanningRound, Role
from ..naming import name_key
from ..services import jobs, scenarios
from ..services.base import ServiceError
from .access import access
from .form_values import iso_date, row_id

bp = Blueprint("scenarios", __name__, url_prefix="/planning")


def _round(round_id: int) -> PlanningRound:
    round_ = db.session.get(PlanningRound, round_id)
    if round_ is None:
        abort(404)
    return round_


def _scenario(scenario_id: int) -> scenarios.Scenario:
    try:
        return scenarios.get_scenario(scenario_id)
    except scenarios.ScenarioNotFound:
        abort(404)


@bp.route("/rondes/<int:round_id>/scenarios", methods=["GET", "POST"])
@access("secretary")
def round_scenarios(round_id: int) -> str | Response:
    """The round's scenarios side by side, and a new one (POST)."""
    round_ = _round(round_id)
    if request.method == "POST":
        try:
            scenario = scenarios.create_scenario(
                round_id,
                request.form.get("name", ""),
                iso_date(request.form.get("valid_from", "")),
                current_user,
            )
        except ServiceError as exc:
            flash(str(exc), "error")
            return redirect(url_for("scenarios.round_scenarios", round_id=round_id))
        flash(
            f"Scenario '{scenario.name}' gemaakt. Voeg de wijzigingen toe.", "success"
        )
        return redirect(url_for("scenarios.scenario", scenario_id=scenario.id))
    found = scenarios.round_scenarios(round_id)
    return render_template(
        "planning/scenarios.html",
        round=round_,
        comparisons=[scenarios.compare(s.id) for s in found if not s.is_swap],
        swaps=sorted(
            (s for s in found if s.is_swap),
            key=lambda s: (s.status.value != "solved", -s.id),
        ),
    )


@bp.route("/scenarios/<int:scenario_id>")
@access("secretary")
def scenario(scenario_id: int) -> str:
    """A scenario: its changes, a form for another, and before/after once run."""
    found = _scenario(scenario_id)
    job = scenarios.latest_job(scenario_id)
    employees = sorted(
        db.session.scalars(select(Employee).where(Employee.active.is_(True))),
        key=lambda e: name_key(e.name),
    )
    roles = sorted(
        db.session.scalars(select(Role).where(Role.active.is_(True))),
        key=lambda r: r.name,
    )
    clusters = sorted(db.session.scalars(select(Cluster)), key=lambda c: c.name)
    competences = sorted(
        db.session.scalars(select(Competence).where(Competence.active.is_(True))),
        key=lambda c: c.name,
    )
    return render_template(
        "planning/scenario.html",
        scenario=found,
        job=job,
        busy=job is not None and job.status in jobs.ACTIVE,
        comparison=scenarios.compare(scenario_id),
        employees=[(e.id, e.name) for e in employees],
        roles=[(r.id, r.name) for r in roles],
        base_functions=[(b.value, b.label) for b in BaseFunction],
        clusters=[(c.id, c.name) for c in clusters],
        competences=[(c.id, c.name) for c in competences],
        kinds=scenarios.CHANGE_LABELS,
    )


@bp.route("/scenarios/<int:scenario_id>/wijzigingen", methods=["POST"])
@access("secretary")
def add_change(scenario_id: int) -> Response:
    form = request.form
    try:
        change = scenarios.build_change(
            form.get("kind", ""),
            employee_id=row_id(form.get("employee_id")),
            role_id=row_id(form.get("role_id")),
            fte=form.get("fte", ""),
            name=form.get("name", ""),
            base_function=form.get("base_function", ""),
            cluster_id=row_id(form.get("cluster_id")),
            levels={
                number: text
                for key, text in form.items()
                if key.startswith("level-")
                and (number := row_id(key.removeprefix("level-"))) is not None
            },
        )
        scenarios.add_change(scenario_id, change, current_user)
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash("Wijziging toegevoegd. Reken het scenario (opnieuw) door.", "success")
    return redirect(url_for("scenarios.scenario", scenario_id=scenario_id))


@bp.route("/scenarios/<int:scenario_id>/wijzigingen/verwijderen", methods=["POST"])
@access("secretary")
def remove_change(scenario_id: int) -> Response:
    index = row_id(request.form.get("index"))
    try:
        if index is None:
            raise ServiceError("Deze wijziging bestaat niet (meer).")
        scenarios.remove_change(scenario_id, index, current_user)
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash("Wijziging verwijderd.", "success")
    return redirect(url_for("scenarios.scenario", scenario_id=scenario_id))


@bp.route("/scenarios/<int:scenario_id>/doorrekenen", methods=["POST"])
@access("secretary")
def solve(scenario_id: int) -> Response:
    """Start the re-plan in the background; the scenario page shows progress."""
    _scenario(scenario_id)
    try:
        scenarios.start_solve(scenario_id, current_user)
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(
            "Het scenario wordt doorgerekend; de uitkomst verschijnt hieronder.",
            "info",
        )
    return redirect(url_for("scenarios.scenario", scenario_id=scenario_id))


@bp.route("/scenarios/<int:scenario_id>/voortgang")
@access("secretary")
def progress(scenario_id: int) -> str | Response:
    """The progress block of the scenario's re-plan, for polling; once it has
    ended htmx reloads the page, which then shows the comparison."""
    _scenario(scenario_id)
    job = scenarios.latest_job(scenario_id)
    if job is None:
        return (
            '<div id="voortgang"><p class="utrecht-paragraph">Dit scenario is nog '
            "niet doorgerekend.</p></div>"
        )
    html = render_template(
        "planning/_progress.html",
        job=job,
        progress_url=url_for("scenarios.progress", scenario_id=scenario_id),
        detail_url=url_for("scenarios.scenario", scenario_id=scenario_id),
    )
    response = make_response(html)
    if job.status not in jobs.ACTIVE:
        response.headers["HX-Refresh"] = "true"
    return response


@bp.route("/scenarios/<int:scenario_id>/doorvoeren", methods=["GET", "POST"])
@access("secretary")
def publish(scenario_id: int) -> str | Response:
    """GET: what publishing does, for whom, from when; POST: publish."""
    found = _scenario(scenario_id)
    if request.method == "POST":
        try:
            made = scenarios.publish_scenario(scenario_id, current_user)
        except ServiceError as exc:  # also HardRuleError: the checker refused
            flash(str(exc), "error")
        else:
            flash(
                f"Scenario doorgevoerd: {len(made)} medewerkers hebben een nieuw "
                f"werkplan vanaf {found.valid_from:%d-%m-%Y} en geven opnieuw "
                "akkoord.",
                "success",
            )
            return redirect(url_for("planning.plans", round_id=found.round_id))
        return redirect(url_for("scenarios.publish", scenario_id=scenario_id))
    comparison = scenarios.compare(scenario_id)
    return render_template(
        "planning/scenario_publish.html",
        scenario=found,
        comparison=comparison,
        effects=scenarios.publish_effects(comparison),
    )
