"""ommen_rollen: role-based staff planning for municipalities that work in rollen."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the solver package must import without Flask
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: defaults, then instance/config.py, then environment."""
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object("ommen_rollen.config")
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
        app.instance_path, "ommen_rollen.sqlite"
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        from .config import from_environment

        app.config.from_mapping(from_environment())
    else:
        app.config.from_mapping(test_config)

    from .app_setup import configure

    configure(app)
    return app
