"""WTForms forms, one module per area; every form derives from DutchForm."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import ValidationError
from wtforms.meta import DefaultMeta


class DutchForm(FlaskForm):
    """A FlaskForm whose built-in messages ("Ongeldige datum.", "Ongeldige keuze.")
    are Dutch: WTForms ships the Dutch catalogue; Flask-WTF would only use it
    through Flask-Babel, which this app does not need."""

    class Meta:
        locales = ("nl_NL", "nl")

        def get_translations(self, form: Any) -> Any:
            return DefaultMeta.get_translations(self, form)


class Checked:
    """A validator that runs one of the checks of services.limits on the field's
    text, so a form refuses with the same words as the import."""

    def __init__(self, problem: Callable[[str], str | None]) -> None:
        self.problem = problem

    def __call__(self, form: Any, field: Any) -> None:
        if problem := self.problem(str(field.data or "")):
            raise ValidationError(problem)
