"""WTForms forms, one module per area; every form derives from DutchForm."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms.meta import DefaultMeta


class DutchForm(FlaskForm):
    """A FlaskForm whose built-in messages ("Ongeldige datum.", "Ongeldige keuze.")
    are Dutch: WTForms ships the Dutch catalogue; Flask-WTF would only use it
    through Flask-Babel, which this app does not need."""

    class Meta:
        locales = ("nl_NL", "nl")

        def get_translations(self, form: Any) -> Any:
            return DefaultMeta.get_translations(self, form)
