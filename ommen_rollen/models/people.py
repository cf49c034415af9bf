"""Employees, their competences, and login accounts."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain import BaseFunction, UserRole
from ..extensions import Model
from .base import Tracked, utcnow
from .organisation import Cluster, Competence, enum_column


class Employee(Tracked, Model):
    """A medewerker: contract in exact FTE units, one rompfunctie, competences."""

    __table_args__ = (
        CheckConstraint("contract_units > 0", name="contract_positive"),
        CheckConstraint("contract_units <= 10000", name="contract_at_most_one_fte"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    # For invitations and notifications; unique when set (NULL when unknown).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    contract_units: Mapped[int]
    base_function: Mapped[BaseFunction] = mapped_column(enum_column(BaseFunction))
    home_cluster_id: Mapped[int | None] = mapped_column(ForeignKey("cluster.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # When the employee was deactivated (left); the retention period runs from here.
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the personal data were erased (pseudonymised); see services/privacy.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version_id: Mapped[int] = mapped_column(default=1)

    home_cluster: Mapped[Cluster | None] = relationship()
    competences: Mapped[list[EmployeeCompetence]] = relationship(
        back_populates="employee", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}

    def competence_levels(self) -> dict[str, int]:
        return {ec.competence.name: ec.level for ec in self.competences}

    def __repr__(self) -> str:
        return f"<Employee {self.username}>"


@event.listens_for(Employee.active, "set")
def _left_at_follows_active(
    employee: Employee, active: bool, was: object, _initiator: object
) -> None:
    """However an employee is deactivated (beheer, import), the day they left is
    kept: the retention period of their personal data runs from it."""
    if active:
        employee.left_at = None
    elif was is not False and employee.left_at is None:
        employee.left_at = utcnow()


class EmployeeCompetence(Model):
    """An employee holds a competence at level 1-3."""

    __table_args__ = (
        UniqueConstraint("employee_id", "competence_id"),
        CheckConstraint("level BETWEEN 1 AND 3", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE")
    )
    competence_id: Mapped[int] = mapped_column(ForeignKey("competence.id"))
    level: Mapped[int] = mapped_column(default=1)

    employee: Mapped[Employee] = relationship(back_populates="competences")
    competence: Mapped[Competence] = relationship()


# The stored "hash" of an account without a password: no real hash looks like it.
NO_PASSWORD = "!"


class User(UserMixin, Model):
    """A login account: a medewerker (linked employee), the secretaris or a spil."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[UserRole] = mapped_column(enum_column(UserRole))
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employee.id"), unique=True
    )
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("cluster.id"))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Changed at logout and password change so old sessions stop working.
    session_token: Mapped[str] = mapped_column(String(64), default="")
    # A first password set by the secretaris must be replaced at first login.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Two-factor sign-in (TOTP, secretaris): the base32 secret, whether its
    # enrolment was confirmed with a code, and the last time step used (a code
    # is accepted once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    totp_last_step: Mapped[int | None]

    employee: Mapped[Employee | None] = relationship()
    cluster: Mapped[Cluster | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def clear_password(self) -> None:
        """No password yet (an invitation sets one): no password matches."""
        self.password_hash = NO_PASSWORD

    @property
    def has_password(self) -> bool:
        return self.password_hash != NO_PASSWORD

    def check_password(self, password: str) -> bool:
        if not self.has_password:
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_secretary(self) -> bool:
        return self.role == UserRole.SECRETARY

    @property
    def is_coordinator(self) -> bool:
        return self.role == UserRole.COORDINATOR


class UsedToken(Model):
    """A one-time link (invitation, reset) that has been used: never again."""

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE")
    )
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
