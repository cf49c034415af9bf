"""Scenarios: a draft re-plan of an approved round with one or more changes
("Ilse Kamphuis afwezig vanaf 1 maart"); none touches the approved werkplannen
until it is published, then the affected medewerkers get a new version from the
scenario's date."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .base import Tracked
from .organisation import enum_column
from .people import Employee
from .planning import PlanningRound


class ScenarioStatus(enum.StrEnum):
    DRAFT = "draft"  # changes being collected, or changed since the last run
    PROPOSED = "proposed"  # a swap a medewerker proposed, waiting for the colleague
    DECLINED = "declined"  # a swap the colleague declined
    SOLVED = "solved"  # re-planned (or a swap accepted): ready to compare, publish
    FAILED = "failed"  # the re-plan found no usable plan
    PUBLISHED = "published"  # new werkplan versions made from valid_from

    @property
    def label(self) -> str:
        return {
            "draft": "concept",
            "proposed": "voorgesteld, wacht op collega",
            "declined": "afgewezen door collega",
            "solved": "doorgerekend",
            "failed": "mislukt",
            "published": "doorgevoerd",
        }[self.value]


class Scenario(Tracked, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("planning_round.id"))
    name: Mapped[str] = mapped_column(String(120))
    valid_from: Mapped[date] = mapped_column(Date)
    status: Mapped[ScenarioStatus] = mapped_column(
        enum_column(ScenarioStatus), default=ScenarioStatus.DRAFT
    )
    # Changes in the solver's format (solver/replan.py), app keys (m<id>, role code).
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    disruption_weight: Mapped[int] = mapped_column(default=1)
    # The approved plan it started from, the instance solved and its plan (v1).
    approved_plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    instance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A swap between colleagues (services/swaps.py): who proposed it, to whom.
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    colleague_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    round: Mapped[PlanningRound] = relationship()
    proposer: Mapped[Employee | None] = relationship(foreign_keys=[proposer_id])
    colleague: Mapped[Employee | None] = relationship(foreign_keys=[colleague_id])

    @property
    def is_swap(self) -> bool:
        return self.proposer_id is not None
