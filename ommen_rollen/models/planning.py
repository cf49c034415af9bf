"""Planning rounds, preferences, proposals (solver runs), werkplannen and jobs."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain import AssignmentKind, Choice, RoundStatus
from ..extensions import Model
from .base import Tracked, utcnow
from .organisation import Role, enum_column
from .people import Employee


class PlanningRound(Tracked, Model):
    """A planning period: employees give preferences, the optimiser proposes plans."""

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(80), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[RoundStatus] = mapped_column(
        enum_column(RoundStatus), default=RoundStatus.CONCEPT
    )
    # Samen kiezen: show colleagues' names next to the interest counts.
    show_names: Mapped[bool] = mapped_column(default=False)
    previous_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("planning_round.id")
    )
    # Solver settings for this round (weights, time limit); instance format v1.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    previous_round: Mapped[PlanningRound | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<PlanningRound {self.label} {self.status}>"


class Preference(Tracked, Model):
    """What an employee wants for a role in a round: graag / neutraal / ..."""

    __table_args__ = (UniqueConstraint("round_id", "employee_id", "role_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("planning_round.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"))
    choice: Mapped[Choice] = mapped_column(enum_column(Choice))
    comment: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[PlanningRound] = relationship()
    employee: Mapped[Employee] = relationship()
    role: Mapped[Role] = relationship()


class ProposalStatus(enum.StrEnum):
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Proposal(Tracked, Model):
    """One optimiser run of a round, numbered per round, with its settings and plan."""

    __table_args__ = (UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("planning_round.id"))
    number: Mapped[int]
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus), default=ProposalStatus.RUNNING
    )
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The instance the solver saw and the plan it returned (formats v1).
    instance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    solver_status: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[PlanningRound] = relationship()


class WorkPlanStatus(enum.StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return {"proposed": "voorstel", "agreed": "akkoord", "approved": "goedgekeurd"}[
            self.value
        ]


class WorkPlan(Tracked, Model):
    """The werkplan of one employee in one round; a change after approval is a new
    version, older versions stay for history."""

    __table_args__ = (UniqueConstraint("round_id", "employee_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("planning_round.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))
    version: Mapped[int] = mapped_column(default=1)
    current: Mapped[bool] = mapped_column(default=True)
    status: Mapped[WorkPlanStatus] = mapped_column(
        enum_column(WorkPlanStatus), default=WorkPlanStatus.PROPOSED
    )
    employee_comment: Mapped[str] = mapped_column(Text, default="")
    agreed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # A version made by a published scenario holds from valid_from; the version
    # it replaced then ends the day before (valid_until). None: the whole round.
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenario.id"))

    round: Mapped[PlanningRound] = relationship()
    employee: Mapped[Employee] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="work_plan",
        cascade="all, delete-orphan",
        foreign_keys="Assignment.work_plan_id",
    )


class Assignment(Tracked, Model):
    """A role in a werkplan: holder (with fte share), backup, or learner with mentor."""

    __table_args__ = (
        CheckConstraint("fte_units >= 0", name="fte_not_negative"),
        UniqueConstraint("work_plan_id", "role_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    work_plan_id: Mapped[int] = mapped_column(
        ForeignKey("work_plan.id", ondelete="CASCADE")
    )
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"))
    kind: Mapped[AssignmentKind] = mapped_column(enum_column(AssignmentKind))
    fte_units: Mapped[int] = mapped_column(default=0)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))

    work_plan: Mapped[WorkPlan] = relationship(
        back_populates="assignments", foreign_keys=[work_plan_id]
    )
    role: Mapped[Role] = relationship()
    mentor: Mapped[Employee | None] = relationship(foreign_keys=[mentor_id])


class PinKind(enum.StrEnum):
    PIN = "pin"
    FORBID = "forbid"


class Pin(Tracked, Model):
    """A hand-made decision for a round: this assignment must (pin) or must not
    (forbid) appear in the next optimiser run."""

    __table_args__ = (UniqueConstraint("round_id", "employee_id", "role_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("planning_round.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"))
    pin_kind: Mapped[PinKind] = mapped_column(enum_column(PinKind))
    kind: Mapped[AssignmentKind] = mapped_column(enum_column(AssignmentKind))
    fte_units: Mapped[int | None]

    employee: Mapped[Employee] = relationship()
    role: Mapped[Role] = relationship()


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Job(Model):
    """A background solver run: status, progress, result and error."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default="solve")
    round_id: Mapped[int | None] = mapped_column(ForeignKey("planning_round.id"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))
    status: Mapped[JobStatus] = mapped_column(
        enum_column(JobStatus), default=JobStatus.QUEUED
    )
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Sign of life, written every few seconds by the process that runs the job.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The process that runs (or, on a thread, will run) it: "host:pid:token".
    runner: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Its RQ job id when it went through the Redis queue; empty on a thread.
    rq_job_id: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # A scenario's re-plan (services/scenarios.py); None for an optimisation.
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenario.id"))
