"""Beheer: the secretaris maintains employees, competences, clusters, task fields
and roles."""

from __future__ import annotations

from flask import Blueprint, render_template

from .access import access

bp = Blueprint("beheer", __name__, url_prefix="/beheer")


@bp.route("/")
@access("secretary")
def index() -> str:
    """Overview of everything the secretaris maintains."""
    return render_template("beheer/index.html")
