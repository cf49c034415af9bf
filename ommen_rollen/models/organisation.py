"""How the work is organised: clusters, competences, partners, task fields, roles."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain import BaseFunction, TaskMode
from ..extensions import Model
from .base import Tracked


def enum_column(enum_cls: type) -> Enum:
    """Store an enum by its value (the stable code), with a named CHECK constraint."""
    return Enum(
        enum_cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        validate_strings=True,
        length=20,
        name=enum_cls.__name__.lower(),
    )


class Cluster(Tracked, Model):
    """A cluster of the organisation (Concern en Ondersteuning, ...)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Cluster {self.name!r}>"


class Competence(Tracked, Model):
    """A competence that employees hold at level 1-3 and roles may require."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Competence {self.name!r}>"


class Partner(Tracked, Model):
    """An outside partner that carries out outsourced or shared work."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(default=True)


class TaskField(Tracked, Model):
    """A taakveld and how it is organised: zelf doen, uitbesteden or samenwerken."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    mode: Mapped[TaskMode] = mapped_column(enum_column(TaskMode))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("cluster.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    partner: Mapped[Partner | None] = relationship()
    cluster: Mapped[Cluster | None] = relationship()


class Role(Tracked, Model):
    """A (fractional) role: the unit of work that employees hold for a period.

    ``fte_units`` and ``min_share_units`` are exact FTE units (domain.FTE_SCALE).
    ``version_id`` gives optimistic locking: a stale edit raises StaleDataError.
    """

    __table_args__ = (
        CheckConstraint("fte_units > 0", name="fte_positive"),
        CheckConstraint("backups_needed >= 0", name="backups_not_negative"),
        CheckConstraint("max_holders >= 1", name="max_holders_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    cluster_id: Mapped[int] = mapped_column(ForeignKey("cluster.id"))
    task_field_id: Mapped[int | None] = mapped_column(ForeignKey("task_field.id"))
    fte_units: Mapped[int]
    # Eligible rompfuncties as a sorted string of letters, e.g. "AB".
    base_functions_code: Mapped[str] = mapped_column(String(5), default="")
    backups_needed: Mapped[int] = mapped_column(default=1)
    splittable: Mapped[bool] = mapped_column(default=False)
    max_holders: Mapped[int] = mapped_column(default=1)
    min_share_units: Mapped[int | None]
    critical: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Set by a published scenario: a role it adds holds from valid_from (rounds
    # that end before it do not have it), a role it removes until valid_until.
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    version_id: Mapped[int] = mapped_column(default=1)

    cluster: Mapped[Cluster] = relationship()
    task_field: Mapped[TaskField | None] = relationship()
    requirements: Mapped[list[RoleRequirement]] = relationship(
        back_populates="role", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def base_functions(self) -> list[BaseFunction]:
        return [BaseFunction(letter) for letter in self.base_functions_code]

    @base_functions.setter
    def base_functions(self, values: list[BaseFunction] | list[str]) -> None:
        self.base_functions_code = "".join(sorted({str(v) for v in values}))

    @property
    def effective_min_share_units(self) -> int:
        """Smallest share a holder may take: the whole role unless it may be split."""
        if not self.splittable or self.min_share_units is None:
            return self.fte_units
        return self.min_share_units

    def __repr__(self) -> str:
        return f"<Role {self.code} {self.name!r}>"


class RoleRequirement(Model):
    """A competence a role requires, at least at ``min_level`` (1-3)."""

    __table_args__ = (
        UniqueConstraint("role_id", "competence_id"),
        CheckConstraint("min_level BETWEEN 1 AND 3", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"))
    competence_id: Mapped[int] = mapped_column(ForeignKey("competence.id"))
    min_level: Mapped[int] = mapped_column(default=1)

    role: Mapped[Role] = relationship(back_populates="requirements")
    competence: Mapped[Competence] = relationship()
