"""Thin Flask blueprints, one per area, each named ``bp``."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

BLUEPRINT_MODULES = [
    "auth",
    "home",
    "beheer",
    "api_tokens",
    "export",
    "imports",
    "medewerker",
    "planning",
    "scenarios",
    "swaps",
    "privacy",
]


def register_blueprints(app: Flask) -> None:
    for name in BLUEPRINT_MODULES:
        module = import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
