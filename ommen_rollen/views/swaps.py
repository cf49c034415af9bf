"""Swaps between colleagues, from the medewerker's side: propose taking over
(part of) a role or swapping roles, and accept or decline what a colleague
proposed. The secretaris publishes an accepted swap like a scenario
(views/scenarios.py). The work is in services/swaps.py."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..services import scenarios, swaps
from ..services.base import ServiceError
from ..services.solver_bridge import employee_id_of
from .access import access
from .form_values import iso_date, row_id

bp = Blueprint("swaps", __name__, url_prefix="/mijn/ruilen")


@bp.route("/", methods=["GET", "POST"])
@access("employee")
def index() -> str | Response:
    """My swaps, and a form to propose one (POST)."""
    me = current_user.employee_id
    round_ = swaps.swap_round()
    if request.method == "POST":
        form = request.form
        try:
            if round_ is None:
                raise ServiceError("Er is geen goedgekeurde planronde om in te ruilen.")
            colleague, take = (
                row_id(form.get("colleague_id")),
                row_id(form.get("role_id")),
            )
            if colleague is None:
                raise ServiceError("Kies een collega.")
            if take is None:
                raise ServiceError("Kies de rol die u wilt overnemen.")
            when = form.get("valid_from", "").strip()
            if when and iso_date(when) is None:
                raise ServiceError("Kies een geldige datum (dag-maand-jaar).")
            swap = swaps.propose_swap(
                round_.id,
                me,
                colleague,
                take,
                current_user,
                take_hours=form.get("hours", ""),
                give_role_id=row_id(form.get("give_role_id")),
                valid_from=iso_date(when) if when else None,
            )
        except ServiceError as exc:
            flash(str(exc), "error")
            return redirect(url_for(".index"))
        flash(
            "Uw voorstel is verstuurd; uw collega krijgt bericht en neemt het aan of "
            "wijst het af.",
            "success",
        )
        return redirect(url_for(".swap", scenario_id=swap.id))
    return render_template(
        "medewerker/ruilen.html",
        round=round_,
        choices=swaps.swap_choices(round_.id, me) if round_ else None,
        mine=swaps.swaps_of(me),
    )


@bp.route("/<int:scenario_id>")
@access("employee")
def swap(scenario_id: int) -> str:
    """A swap I proposed or was asked: what changes for the two of us."""
    try:
        found = swaps.own_swap(scenario_id, current_user.employee_id)
    except ServiceError:
        abort(404)
    comparison = scenarios.compare(scenario_id)
    both = {found.proposer_id, found.colleague_id}
    people = [p for p in comparison.people if employee_id_of(p.key) in both]
    return render_template(
        "medewerker/ruil.html",
        swap=found,
        comparison=comparison,
        people=people,
        asked=found.colleague_id == current_user.employee_id,
    )


def _answer(scenario_id: int, accept: bool) -> Response:
    try:
        swaps.own_swap(scenario_id, current_user.employee_id)
    except ServiceError:
        abort(404)
    answer = swaps.accept_swap if accept else swaps.decline_swap
    try:
        answer(scenario_id, current_user.employee_id, current_user)
    except ServiceError as exc:  # also HardRuleError: the checker refused
        flash(str(exc), "error")
    else:
        flash(
            "U hebt de ruil aangenomen; de gemeentesecretaris keurt hem nog goed."
            if accept
            else "U hebt de ruil afgewezen.",
            "success",
        )
    return redirect(url_for(".swap", scenario_id=scenario_id))


@bp.route("/<int:scenario_id>/aannemen", methods=["POST"])
@access("employee")
def accept(scenario_id: int) -> Response:
    return _answer(scenario_id, accept=True)


@bp.route("/<int:scenario_id>/afwijzen", methods=["POST"])
@access("employee")
def decline(scenario_id: int) -> Response:
    return _answer(scenario_id, accept=False)
