"""The secretaris's planning round: open, close, optimise with progress, proposals,
review, compare, adjust, approve, audit log. The spil may read (level "reader")."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..domain import AssignmentKind
from ..extensions import db
from ..forms.planning import MoveForm, OpenRoundForm, OptimiseForm, PinForm
from ..models import (
    Cluster,
    Employee,
    Job,
    PinKind,
    PlanningRound,
    Proposal,
    Role,
    WorkPlan,
)
from ..naming import name_key
from ..services import adjust, approval, jobs, review, rounds
from ..services import audit_log as audit_log_service
from ..services import employee_page as employee_pages
from ..services.base import ServiceError
from ..services.solver_bridge import employee_id_of
from .access import access

bp = Blueprint("planning", __name__, url_prefix="/planning")


@bp.app_template_filter("employee_id")
def employee_id_filter(key: object) -> int | None:
    """The database id behind an instance key ("m12" -> 12), or None."""
    return employee_id_of(str(key))


def _attempt(
    action: Callable[[], Any],
    success: str | Callable[[Any], str],
    category: str = "success",
) -> None:
    """Run a service call behind a button: a refusal (ServiceError) becomes an
    error message, success the given message (or one made from the result)."""
    try:
        result = action()
    except ServiceError as exc:
        flash(str(exc), "error")
        return
    flash(success(result) if callable(success) else success, category)


def _spil_cluster() -> str | None:
    """The one cluster a spil reads (None for the secretaris, who reads all); a spil
    without a cluster reads nothing."""
    if not current_user.is_coordinator:
        return None
    if current_user.cluster is None:
        abort(403)
    return str(current_user.cluster.name)


def _round(round_id: int) -> PlanningRound:
    try:
        return rounds.get_round(round_id)
    except ServiceError:
        abort(404)


def _proposal(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404)
    return proposal


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    return job


def _flash_form_errors(form: object) -> None:
    for errors in getattr(form, "errors", {}).values():
        for error in errors:
            flash(str(error), "error")


def _to_round(round_id: int) -> Response:
    return redirect(url_for(".round_detail", round_id=round_id))


@bp.route("/", endpoint="rounds")
@access("reader")
def rounds_list() -> str:
    """Every planning round with its status."""
    return render_template("planning/rounds.html", rounds=rounds.all_rounds())


@bp.route("/rondes/nieuw", methods=["GET", "POST"])
@access("secretary")
def open_round() -> str | Response:
    """Open a new round for preferences, starting from the last approved plan."""
    form = OpenRoundForm()
    if form.validate_on_submit():
        try:
            round_ = rounds.open_round(
                form.label.data or "",
                form.starts_on.data,
                form.ends_on.data,
                form.deadline.data,
                current_user,
                show_names=bool(form.show_names.data),
            )
        except rounds.RoundError as exc:
            for name, message in exc.errors.items():
                getattr(form, name).errors = [message]
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Planronde {round_.label} is geopend voor voorkeuren.", "success")
            return _to_round(round_.id)
    return render_template(
        "planning/open_round.html",
        form=form,
        previous=rounds.last_approved_round(),
    )


@bp.route("/rondes/<int:round_id>")
@access("reader")
def round_detail(round_id: int) -> str:
    """A round: who gave preferences, proposals, runs and the next steps."""
    round_ = _round(round_id)
    jobs.check_round(round_id)
    form = OptimiseForm(
        formdata=None, time_limit_s=int(_config_time_limit()), seed=None
    )
    progress = rounds.preference_progress(round_id)
    cluster = current_user.cluster if current_user.is_coordinator else None
    if current_user.is_coordinator:
        # A spil sees the medewerkers of their own cluster only (home cluster or a
        # role there, as on Werkplannen); a spil without a cluster sees nobody.
        plans = (
            review.current_plan_list(round_id, cluster=cluster.name) if cluster else []
        )
        working = {p.employee_id for p in plans}

        def mine(e: Employee) -> bool:
            return cluster is not None and (
                e.home_cluster_id == cluster.id or e.id in working
            )

        progress = rounds.PreferenceProgress(
            given=[(e, n) for e, n in progress.given if mine(e)],
            missing=[e for e in progress.missing if mine(e)],
        )
    return render_template(
        "planning/round.html",
        round=round_,
        progress=progress,
        spil_cluster=cluster.name if cluster is not None else "",
        proposals=review.round_proposals(round_id),
        jobs=jobs.round_jobs(round_id)[:10],
        form=form,
        solvable=round_.status in jobs.SOLVABLE,
    )


def _config_time_limit() -> float:
    from flask import current_app

    return jobs.default_time_limit(current_app)


@bp.route("/rondes/<int:round_id>/sluiten", methods=["GET", "POST"])
@access("secretary")
def close_round(round_id: int) -> str | Response:
    """Close the round for preferences; before its deadline or with medewerkers
    without preferences only once confirmed. GET: the confirmation page (how many
    days are left, who gave no preferences)."""
    round_ = _round(round_id)
    if request.method == "GET":
        return render_template(
            "planning/close_round.html",
            round=round_,
            concerns=rounds.close_concerns(round_id),
        )
    try:
        rounds.close_round(
            round_id, current_user, confirmed=request.form.get("bevestigd") == "1"
        )
    except rounds.NeedsConfirmation:
        return redirect(url_for(".close_round", round_id=round_id))
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash("De planronde is gesloten voor voorkeuren.", "success")
    return _to_round(round_id)


@bp.route("/rondes/<int:round_id>/heropenen", methods=["POST"])
@access("secretary")
def reopen_round(round_id: int) -> Response:
    """Open a closed round again for preferences."""
    _round(round_id)
    _attempt(
        lambda: rounds.reopen_round(round_id, current_user),
        "De planronde is weer open voor voorkeuren.",
    )
    return _to_round(round_id)


@bp.route("/rondes/<int:round_id>/namen", methods=["POST"])
@access("secretary")
def show_names(round_id: int) -> Response:
    """Turn colleagues' names at Samen kiezen on or off."""
    _round(round_id)
    show = request.form.get("show") == "1"
    rounds.set_show_names(round_id, show, current_user)
    flash(
        "Namen zijn zichtbaar bij Samen kiezen."
        if show
        else "Bij Samen kiezen zijn alleen aantallen zichtbaar.",
        "success",
    )
    return _to_round(round_id)


@bp.route("/rondes/<int:round_id>/optimaliseren", methods=["POST"])
@access("secretary")
def optimise(round_id: int) -> Response:
    """Start an optimiser run in the background and show its progress."""
    _round(round_id)
    return _start(round_id, None)


@bp.route("/voorstellen/<int:proposal_id>/heroptimaliseren", methods=["POST"])
@access("secretary")
def reoptimise(proposal_id: int) -> Response:
    """Optimise again around the pins, changing as little as possible of this
    proposal."""
    proposal = _proposal(proposal_id)
    return _start(proposal.round_id, proposal.id)


def _start(round_id: int, continuity: int | None) -> Response:
    form = OptimiseForm()
    if not form.validate():
        _flash_form_errors(form)
        return _to_round(round_id)
    try:
        job = jobs.start_solve(
            round_id,
            current_user,
            time_limit_s=form.time_limit_s.data,
            seed=form.seed.data,
            continuity_proposal_id=continuity,
            note=form.note.data or "",
        )
    except ServiceError as exc:
        flash(str(exc), "error")
        return _to_round(round_id)
    return redirect(url_for(".job_detail", job_id=job.id))


@bp.route("/taken/<int:job_id>")
@access("reader")
def job_detail(job_id: int) -> str:
    """Progress of an optimiser run; polls while it runs (htmx or refresh link)."""
    job = _job(job_id)
    jobs.check_job(job)
    return render_template("planning/job.html", job=job)


@bp.route("/taken/<int:job_id>/voortgang")
@access("reader")
def job_progress(job_id: int) -> str:
    """The progress block alone, for polling."""
    job = _job(job_id)
    jobs.check_job(job)
    return render_template("planning/_progress.html", job=job)


@bp.route("/taken/<int:job_id>/annuleren", methods=["POST"])
@access("secretary")
def cancel_job(job_id: int) -> Response:
    """Stop a run; the best plan found so far is kept as a proposal (a
    scenario's re-plan keeps it on the scenario, whose page it returns to)."""
    job = _job(job_id)
    _attempt(
        lambda: jobs.request_cancel(job_id, current_user),
        "Het doorrekenen wordt gestopt."
        if job.scenario_id
        else "De optimalisatie wordt gestopt.",
        "info",
    )
    if job.scenario_id:
        return redirect(url_for("scenarios.scenario", scenario_id=job.scenario_id))
    return redirect(url_for(".job_detail", job_id=job_id))


@bp.route("/voorstellen/<int:proposal_id>")
@access("reader")
def proposal_detail(proposal_id: int) -> str:
    """Review of a proposal: coverage, load, shortfalls, vulnerability, wishes."""
    proposal = _proposal(proposal_id)
    full = review.review(proposal)
    cluster = _spil_cluster() or request.args.get("cluster", "")[:120]
    shown = review.for_cluster(full, cluster) if cluster else full
    return render_template(
        "planning/review.html",
        r=shown,
        cluster=cluster,
        clusters=review.cluster_names(full),
        proposal=proposal,
        form=OptimiseForm(formdata=None, time_limit_s=int(_config_time_limit())),
    )


@bp.route("/medewerkers/<int:employee_id>")
@access("secretary")
def employee_page(employee_id: int) -> str:
    """One medewerker: werkplan, wishes and how each was answered, load against
    the contract, history over the rounds."""
    round_id = request.args.get("ronde", type=int)
    try:
        page = employee_pages.employee_page(employee_id, round_id)
    except ServiceError:
        abort(404)
    return render_template("planning/employee.html", page=page)


@bp.route("/voorstellen/<int:proposal_id>/kiezen", methods=["POST"])
@access("secretary")
def choose_proposal(proposal_id: int) -> Response:
    """Make this proposal's werkplannen the current ones; says whose akkoord
    lapsed (their werkplan changed) and whose stays."""
    _proposal(proposal_id)
    _attempt(
        lambda: approval.choose_proposal(proposal_id, current_user),
        lambda choice: choice.describe(),
    )
    return redirect(url_for(".proposal_detail", proposal_id=proposal_id))


@bp.route("/rondes/<int:round_id>/vergelijken")
@access("reader")
def compare(round_id: int) -> str:
    """Who gains or loses which role between two proposals."""
    round_ = _round(round_id)
    proposals = review.round_proposals(round_id)
    by_number = {p.number: p for p in proposals}
    a = by_number.get(request.args.get("a", type=int) or 0)
    b = by_number.get(request.args.get("b", type=int) or 0)
    if a is None and len(proposals) >= 2:
        a = proposals[1]
    if b is None and proposals:
        b = proposals[0]
    cluster = _spil_cluster()
    both = a is not None and b is not None
    changes = review.compare(a, b, cluster=cluster) if both else []
    figures = (
        [review.key_figures(p, cluster=cluster) for p in (a, b) if p is not None]
        if both
        else []
    )
    return render_template(
        "planning/compare.html",
        round=round_,
        proposals=proposals,
        a=a,
        b=b,
        changes=changes,
        figures=figures,
    )


def _pin_form(round_id: int, formdata: object = None) -> PinForm:
    form = PinForm(formdata=formdata) if formdata is not None else PinForm()
    form.employee_id.choices = [
        SelectChoice(value=e.id, label=e.name)
        for e in sorted(
            db.session.scalars(select(Employee).where(Employee.active.is_(True))),
            key=lambda e: name_key(e.name),
        )
    ]
    form.role_id.choices = [
        SelectChoice(value=r.id, label=f"{r.code} – {r.name}")
        for r in db.session.scalars(
            select(Role).where(Role.active.is_(True)).order_by(Role.code)
        )
    ]
    return form


def _move_form() -> MoveForm:
    form = MoveForm()
    people = [
        SelectChoice(value=e.id, label=e.name)
        for e in sorted(
            db.session.scalars(select(Employee).where(Employee.active.is_(True))),
            key=lambda e: name_key(e.name),
        )
    ]
    form.from_employee_id.choices = people
    form.to_employee_id.choices = people
    form.role_id.choices = [
        SelectChoice(value=r.id, label=f"{r.code} – {r.name}")
        for r in db.session.scalars(
            select(Role).where(Role.active.is_(True)).order_by(Role.code)
        )
    ]
    return form


@bp.route("/rondes/<int:round_id>/aanpassen")
@access("secretary")
def adjust_page(round_id: int) -> str:
    """Pins and forbids for the next run, moving a role by hand, and the hard
    rules checked at once on the current werkplannen."""
    round_ = _round(round_id)
    try:
        warnings = adjust.check_current(round_id)
    except ServiceError as exc:
        warnings = [str(exc)]
    return render_template(
        "planning/adjust.html",
        round=round_,
        pins=adjust.round_pins(round_id),
        plans=review.current_plan_list(round_id),
        warnings=warnings,
        pin_form=_pin_form(round_id),
        move_form=_move_form(),
        optimise_form=OptimiseForm(
            formdata=None, time_limit_s=int(_config_time_limit())
        ),
        latest=next(
            (p for p in review.round_proposals(round_id) if p.plan is not None),
            None,
        ),
    )


@bp.route("/rondes/<int:round_id>/vastzetten", methods=["POST"])
@access("secretary")
def add_pin(round_id: int) -> Response:
    """Pin or forbid an assignment for the next run."""
    _round(round_id)
    form = _pin_form(round_id)
    back = redirect(url_for(".adjust_page", round_id=round_id))
    if not form.validate():
        _flash_form_errors(form)
        return back
    try:
        change = adjust.add_pin(
            round_id,
            form.employee_id.data,
            form.role_id.data,
            AssignmentKind(form.kind.data),
            PinKind(form.pin_kind.data),
            form.fte.data or "",
            current_user,
        )
    except (ServiceError, ValueError) as exc:
        flash(str(exc), "error")
        return back
    flash("De keuze is vastgelegd voor de volgende optimalisatie.", "success")
    for note in change.notes:
        flash(f"Let op: {note}", "warning")
    return back


@bp.route("/pins/<int:pin_id>/verwijderen", methods=["POST"])
@access("secretary")
def remove_pin(pin_id: int) -> Response:
    """Take a pin or forbid away."""
    from ..models import Pin

    pin = db.session.get(Pin, pin_id)
    if pin is None:
        abort(404)
    round_id = pin.round_id
    adjust.remove_pin(pin_id, current_user)
    flash("De keuze is verwijderd.", "success")
    return redirect(url_for(".adjust_page", round_id=round_id))


@bp.route("/rondes/<int:round_id>/verplaatsen", methods=["POST"])
@access("secretary")
def move(round_id: int) -> Response:
    """Move a role from one holder to another in the current werkplannen."""
    _round(round_id)
    form = _move_form()
    back = redirect(url_for(".adjust_page", round_id=round_id))
    if not form.validate():
        _flash_form_errors(form)
        return back
    try:
        change = adjust.move_holder(
            round_id,
            form.role_id.data,
            form.from_employee_id.data,
            form.to_employee_id.data,
            current_user,
        )
    except ServiceError as exc:
        flash(str(exc), "error")
        return back
    flash("De rol is verplaatst.", "success")
    for note in change.notes:
        flash(f"Let op: {note}", "warning")
    return back


@bp.route("/rondes/<int:round_id>/werkplannen")
@access("reader")
def plans(round_id: int) -> str:
    """The current werkplannen of a round with akkoord, comments and approval."""
    round_ = _round(round_id)
    spil_cluster = _spil_cluster()
    cluster = spil_cluster or request.args.get("cluster", "")[:120]
    which = request.args.get("filter", "")
    which = which if which in review.PLAN_FILTERS else ""
    everyone = review.current_plan_list(round_id, cluster=cluster or None)
    plans = [p for p in everyone if review.plan_matches(p, which)]
    ready: set[int] = set()
    if current_user.is_secretary and plans:
        ready = {c.plan.id for c in approval.approval_overview(round_id).ready}
    clusters = (
        []
        if spil_cluster
        else list(
            db.session.scalars(
                select(Cluster.name)
                .where(Cluster.active.is_(True))
                .order_by(Cluster.name)
            )
        )
    )
    loads = [
        review.EmployeeLoad(
            key=str(p.employee_id),
            name=p.employee.name,
            contract_units=p.employee.contract_units,
            load_units=review.plan_load(p),
        )
        for p in plans
    ]
    return render_template(
        "planning/plans.html",
        round=round_,
        plans=plans,
        loads=loads,
        total=len(everyone),
        ready=ready,
        filters=review.PLAN_FILTERS,
        which=which,
        cluster=cluster,
        clusters=clusters,
    )


@bp.route("/rondes/<int:round_id>/voorleggen", methods=["POST"])
@access("secretary")
def publish(round_id: int) -> Response:
    """Show the current proposal to the medewerkers."""
    _round(round_id)
    _attempt(
        lambda: approval.publish(round_id, current_user),
        "Het voorstel is voorgelegd aan de medewerkers.",
    )
    return _to_round(round_id)


@bp.route("/rondes/<int:round_id>/goedkeuren", methods=["GET", "POST"])
@access("secretary")
def approve_all(round_id: int) -> str | Response:
    """Approve the werkplannen with akkoord, and those chosen with a reason. GET:
    the confirmation page: who has akkoord (approved in bulk), who has not, who
    left an open comment, who gave no preferences (approving those takes a
    reason)."""
    round_ = _round(round_id)
    if request.method == "GET":
        return render_template(
            "planning/approve_all.html",
            round=round_,
            overview=approval.approval_overview(round_id),
            reason_max=approval.REASON_MAX,
        )
    try:
        count = approval.approve_all(
            round_id,
            current_user,
            also=request.form.getlist("werkplan", type=int),
            all_listed=request.form.get("alle") == "1",
            reason=request.form.get("reden", ""),
        )
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".approve_all", round_id=round_id))
    flash(f"{count} werkplannen goedgekeurd.", "success")
    return redirect(url_for(".plans", round_id=round_id))


@bp.route("/werkplannen/<int:plan_id>/goedkeuren", methods=["GET", "POST"])
@access("secretary")
def approve_plan(plan_id: int) -> str | Response:
    """Approve one werkplan: with akkoord at once, else with a typed reason. GET:
    the confirmation page with the reason to type."""
    plan = db.session.get(WorkPlan, plan_id)
    if plan is None:
        abort(404)
    if request.method == "GET":
        return render_template(
            "planning/approve_plan.html",
            plan=plan,
            consent=approval.plan_consent(plan_id),
            reason_max=approval.REASON_MAX,
        )
    name, round_id = plan.employee.name, plan.round_id
    try:
        approval.approve_plan(
            plan_id, current_user, reason=request.form.get("reden", "")
        )
    except approval.ConsentMissing as exc:
        flash(str(exc), "error")
        return redirect(url_for(".approve_plan", plan_id=plan_id))
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Het werkplan van {name} is goedgekeurd.", "success")
    return redirect(url_for(".plans", round_id=round_id))


@bp.route("/logboek")
@access("secretary")
def audit_log() -> str | Response:
    """Who did what when, as Dutch sentences, filtered by person, round and kind,
    a page at a time (newest first)."""
    try:
        selection = audit_log_service.parse_selection(request.args)
        number = audit_log_service.parse_page(request.args.get("pagina", ""))
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("planning.audit_log"))
    return render_template(
        "planning/audit.html",
        page=audit_log_service.page(selection, number),
        selection=selection,
        kinds=audit_log_service.KINDS,
        employees=db.session.scalars(select(Employee).order_by(Employee.name)).all(),
        rounds=db.session.scalars(
            select(PlanningRound).order_by(PlanningRound.starts_on.desc())
        ).all(),
    )


@bp.route("/logboek.csv")
@access("secretary")
def audit_log_csv() -> Response:
    """The whole selection (every page) as CSV for Dutch Excel; the download is
    itself logged."""
    try:
        selection = audit_log_service.parse_selection(request.args)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("planning.audit_log"))
    data = audit_log_service.selection_csv(selection)
    from ..services import exports

    exports.record_export(
        current_user,
        "csv",
        object_type="audit_log",
        object_id=None,
        remote_addr=request.remote_addr,
    )
    response = send_file(
        io.BytesIO(data),
        mimetype="text/csv; charset=utf-8",
        as_attachment=True,
        download_name="logboek.csv",
    )
    response.headers["Cache-Control"] = "no-store"
    return response
