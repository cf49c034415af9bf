"""Hostile input for every POST route, by area; importing the package registers
every fuzz target in base.TARGETS."""

from . import auth, beheer, imports, medewerker, planning
from .base import TARGETS

__all__ = ["TARGETS", "auth", "beheer", "imports", "medewerker", "planning"]
