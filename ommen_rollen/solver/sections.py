"""The typed sections of a plan: explanations, vulnerability, formation advice and a
typed view of the metrics, each with JSON both ways (plan format v1, see
docs/plan-format.md).

fte are exact units (``domain.FTE_SCALE``) here and numbers with at most four
decimals in JSON (``fte_number``); hours are not kept but written from the units.
``to_json`` writes exactly what the solver has always written, and ``*_from_json``
reads it back; a section an older plan lacks is None on the Plan (written as {}),
keys an older section lacks take their empty value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain import FTE_SCALE, Choice, FteError, parse_fte, units_to_hours
from .instance import fte_number

Json = dict[str, Any]


def fte_units(value: Any) -> int:
    """A JSON fte number as exact units (a float by its shortest repr); a number
    with more than four decimals is a FteError (ValueError)."""
    return parse_fte(repr(value) if isinstance(value, float) else value)


def _units(value: Any) -> int:
    """An fte number of a figure as units, 0 when missing; more than four decimals
    (never written by the solver) is rounded."""
    if value is None:
        return 0
    try:
        return fte_units(value)
    except FteError:
        return int(round(float(value) * FTE_SCALE))


def hours_number(units: int) -> float:
    """Hours per week as the plan writes them (two decimals)."""
    return float(units_to_hours(units))


def _strs(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


# --- explanations ----------------------------------------------------------------


@dataclass(frozen=True)
class WishReason:
    """Why an employee did not get a role they wanted or wanted to learn (want,
    learn), or why they hold one they would rather not have (avoid)."""

    role: str
    wish: Choice
    reason_code: str
    reason: str
    # the other holders, for the secretaris (want only); never in the text
    given_to: tuple[str, ...] = ()

    def to_json(self) -> Json:
        out: Json = {"role": self.role, "wish": self.wish}
        if self.given_to:
            out["given_to"] = list(self.given_to)
        out["reason_code"] = self.reason_code
        out["reason"] = self.reason
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WishReason:
        return cls(
            role=str(data.get("role", "")),
            wish=Choice(data.get("wish", Choice.WANT)),
            reason_code=str(data.get("reason_code", "")),
            reason=str(data.get("reason", "")),
            given_to=_strs(data.get("given_to")),
        )


@dataclass(frozen=True)
class RoleReason:
    reason_code: str
    reason: str


@dataclass(frozen=True)
class Explanations:
    """Per employee their unfulfilled wishes and overridden avoids; per uncovered
    role the reason."""

    employees: Mapping[str, tuple[WishReason, ...]] = field(default_factory=dict)
    roles: Mapping[str, RoleReason] = field(default_factory=dict)

    def of(self, employee: str) -> tuple[WishReason, ...]:
        return self.employees.get(employee, ())

    def to_json(self) -> Json:
        return {
            "employees": {
                e: [w.to_json() for w in items] for e, items in self.employees.items()
            },
            "roles": {
                r: {"reason_code": x.reason_code, "reason": x.reason}
                for r, x in self.roles.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Explanations:
        return cls(
            employees={
                str(e): tuple(WishReason.from_json(w) for w in items or ())
                for e, items in (data.get("employees") or {}).items()
            },
            roles={
                str(r): RoleReason(
                    str(x.get("reason_code", "")), str(x.get("reason", ""))
                )
                for r, x in (data.get("roles") or {}).items()
            },
        )


# --- vulnerability ---------------------------------------------------------------


@dataclass(frozen=True)
class OnlyBackup:
    """Someone who is the only vervanger of two or more held roles."""

    employee: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class SinglePoints:
    roles_without_backup: tuple[str, ...] = ()
    single_eligible_roles: tuple[str, ...] = ()
    only_backup: tuple[OnlyBackup, ...] = ()

    def to_json(self) -> Json:
        return {
            "roles_without_backup": list(self.roles_without_backup),
            "single_eligible_roles": list(self.single_eligible_roles),
            "only_backup": [
                {"employee": o.employee, "roles": list(o.roles)}
                for o in self.only_backup
            ],
        }


@dataclass(frozen=True)
class ClusterBus:
    """Per cluster: the fewest people a role rests on, how many roles rest on one
    person or nobody, and how many roles it has."""

    cluster: str
    bus_factor: int
    roles_on_one_person: int
    roles: int


@dataclass(frozen=True)
class RoleCover:
    holders: int
    backups: int
    eligible: int


@dataclass(frozen=True)
class UncoveredPart:
    role: str
    fte: int  # units
    critical: bool


@dataclass(frozen=True)
class Takeover:
    """A vervanger and a role: what they drop of their own work (knock-on) or
    take over of the absent person's work."""

    employee: str
    role: str
    fte: int  # units


@dataclass(frozen=True)
class AbsenceReport:
    """What the absence of one employee breaks (see vulnerability.py)."""

    employee: str
    uncovered_fte: int = 0
    uncovered_critical_fte: int = 0
    roles: tuple[str, ...] = ()  # the roles left (partly) uncovered
    uncovered_roles: tuple[UncoveredPart, ...] = ()
    lost_last_backup: tuple[str, ...] = ()
    knock_on_fte: int = 0
    knock_on_critical_fte: int = 0
    knock_on: tuple[Takeover, ...] = ()
    taken_over: tuple[Takeover, ...] = ()
    own_load_fte: int = 0

    def to_json(self) -> Json:
        return {
            "uncovered_fte": fte_number(self.uncovered_fte),
            "uncovered_hours": hours_number(self.uncovered_fte),
            "uncovered_critical_fte": fte_number(self.uncovered_critical_fte),
            "roles": list(self.roles),
            "uncovered_roles": [
                {
                    "role": u.role,
                    "fte": fte_number(u.fte),
                    "hours": hours_number(u.fte),
                    "critical": u.critical,
                }
                for u in self.uncovered_roles
            ],
            "lost_last_backup": list(self.lost_last_backup),
            "knock_on_fte": fte_number(self.knock_on_fte),
            "knock_on_hours": hours_number(self.knock_on_fte),
            "knock_on_critical_fte": fte_number(self.knock_on_critical_fte),
            "knock_on": [
                {
                    "employee": k.employee,
                    "role": k.role,
                    "fte": fte_number(k.fte),
                    "hours": hours_number(k.fte),
                }
                for k in self.knock_on
            ],
            "taken_over": [
                {"employee": t.employee, "role": t.role, "fte": fte_number(t.fte)}
                for t in self.taken_over
            ],
            "own_load_fte": fte_number(self.own_load_fte),
        }

    @classmethod
    def from_json(cls, employee: str, data: Mapping[str, Any]) -> AbsenceReport:
        def takeovers(key: str) -> tuple[Takeover, ...]:
            return tuple(
                Takeover(str(k["employee"]), str(k["role"]), fte_units(k["fte"]))
                for k in data.get(key) or ()
            )

        return cls(
            employee=employee,
            uncovered_fte=_units(data.get("uncovered_fte")),
            uncovered_critical_fte=_units(data.get("uncovered_critical_fte")),
            roles=_strs(data.get("roles")),
            uncovered_roles=tuple(
                UncoveredPart(
                    str(u["role"]), fte_units(u["fte"]), bool(u.get("critical"))
                )
                for u in data.get("uncovered_roles") or ()
            ),
            lost_last_backup=_strs(data.get("lost_last_backup")),
            knock_on_fte=_units(data.get("knock_on_fte")),
            knock_on_critical_fte=_units(data.get("knock_on_critical_fte")),
            knock_on=takeovers("knock_on"),
            taken_over=takeovers("taken_over"),
            own_load_fte=_units(data.get("own_load_fte")),
        )


@dataclass(frozen=True)
class Vulnerability:
    """Single points of failure, bus factor per cluster, cover per role and every
    absence re-planned and ranked, worst first."""

    single_points: SinglePoints = field(default_factory=SinglePoints)
    clusters: tuple[ClusterBus, ...] = ()
    roles: Mapping[str, RoleCover] = field(default_factory=dict)
    absence: Mapping[str, AbsenceReport] = field(default_factory=dict)
    ranking: tuple[str, ...] = ()

    @property
    def single_eligible_roles(self) -> tuple[str, ...]:
        return self.single_points.single_eligible_roles

    @property
    def ranked(self) -> list[AbsenceReport]:
        """Every absence, worst first (by id when a plan kept no ranking)."""
        order = self.ranking or tuple(sorted(self.absence))
        return [self.absence[e] for e in order if e in self.absence]

    @property
    def worst(self) -> AbsenceReport | None:
        ranked = self.ranked
        return ranked[0] if ranked else None

    def to_json(self) -> Json:
        worst = self.worst
        return {
            "single_eligible_roles": list(self.single_eligible_roles),
            "single_points": self.single_points.to_json(),
            "clusters": [
                {
                    "cluster": c.cluster,
                    "bus_factor": c.bus_factor,
                    "roles_on_one_person": c.roles_on_one_person,
                    "roles": c.roles,
                }
                for c in self.clusters
            ],
            "roles": {
                r: {"holders": c.holders, "backups": c.backups, "eligible": c.eligible}
                for r, c in self.roles.items()
            },
            "absence": {e: a.to_json() for e, a in self.absence.items()},
            "ranking": list(self.ranking),
            "worst": {
                "employee": worst.employee if worst else None,
                "uncovered_fte": fte_number(worst.uncovered_fte) if worst else 0,
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Vulnerability:
        spof = data.get("single_points") or {}
        return cls(
            single_points=SinglePoints(
                roles_without_backup=_strs(spof.get("roles_without_backup")),
                single_eligible_roles=_strs(
                    spof.get("single_eligible_roles", data.get("single_eligible_roles"))
                ),
                only_backup=tuple(
                    OnlyBackup(str(o["employee"]), _strs(o.get("roles")))
                    for o in spof.get("only_backup") or ()
                ),
            ),
            clusters=tuple(
                ClusterBus(
                    str(c.get("cluster", "")),
                    int(c.get("bus_factor", 0)),
                    int(c.get("roles_on_one_person", 0)),
                    int(c.get("roles", 0)),
                )
                for c in data.get("clusters") or ()
            ),
            roles={
                str(r): RoleCover(
                    int(c.get("holders", 0)),
                    int(c.get("backups", 0)),
                    int(c.get("eligible", 0)),
                )
                for r, c in (data.get("roles") or {}).items()
            },
            absence={
                str(e): AbsenceReport.from_json(str(e), a or {})
                for e, a in (data.get("absence") or {}).items()
            },
            ranking=_strs(data.get("ranking")),
        )


# --- formation ---------------------------------------------------------------------


@dataclass(frozen=True)
class GapSize:
    uncovered_fte: int = 0  # units
    missing_backups: int = 0

    def to_json(self) -> Json:
        return {
            "uncovered_fte": fte_number(self.uncovered_fte),
            "missing_backups": self.missing_backups,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GapSize:
        return cls(
            _units(data.get("uncovered_fte")), int(data.get("missing_backups", 0))
        )


@dataclass(frozen=True)
class HireAdvice:
    """One advised hire: the profile, its fte and what it takes on."""

    base_function: str
    competences: Mapping[str, int]
    fte: int  # units
    covers_fte: int
    covers_critical_fte: int
    roles: Mapping[str, int]  # role -> units held
    backup_roles: tuple[str, ...]
    text: str

    def to_json(self) -> Json:
        return {
            "base_function": self.base_function,
            "competences": dict(self.competences),
            "fte": fte_number(self.fte),
            "covers_fte": fte_number(self.covers_fte),
            "covers_critical_fte": fte_number(self.covers_critical_fte),
            "roles": {r: fte_number(u) for r, u in self.roles.items()},
            "backup_roles": list(self.backup_roles),
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HireAdvice:
        return cls(
            base_function=str(data.get("base_function", "")),
            competences={
                str(c): int(lvl) for c, lvl in (data.get("competences") or {}).items()
            },
            fte=_units(data.get("fte")),
            covers_fte=_units(data.get("covers_fte")),
            covers_critical_fte=_units(data.get("covers_critical_fte")),
            roles={str(r): fte_units(u) for r, u in (data.get("roles") or {}).items()},
            backup_roles=_strs(data.get("backup_roles")),
            text=str(data.get("text", "")),
        )


@dataclass(frozen=True)
class Formation:
    """Formatieadvies: the gap the staffing causes, the hires that close most of it
    and what they leave (see formation.py)."""

    gap: GapSize = field(default_factory=GapSize)
    hires: tuple[HireAdvice, ...] = ()
    remaining: GapSize = field(default_factory=GapSize)

    @property
    def total_fte(self) -> int:
        return sum(h.fte for h in self.hires)

    def to_json(self) -> Json:
        return {
            "gap": self.gap.to_json(),
            "hires": [h.to_json() for h in self.hires],
            "total_fte": fte_number(self.total_fte),
            "remaining": self.remaining.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Formation:
        return cls(
            gap=GapSize.from_json(data.get("gap") or {}),
            hires=tuple(HireAdvice.from_json(h) for h in data.get("hires") or ()),
            remaining=GapSize.from_json(data.get("remaining") or {}),
        )


# --- metrics, typed for readers ------------------------------------------------------


@dataclass(frozen=True)
class ForcedBackups:
    """Missing backups of one role no plan with this staffing avoids, and why
    ('candidates': too few eligible colleagues; 'cap': their backup duty is full)."""

    missing: int
    reason: str


@dataclass(frozen=True)
class LowerBounds:
    uncovered_fte: int = 0  # units
    uncovered_critical_fte: int = 0
    missing_backups: int = 0
    missing_by_role: Mapping[str, ForcedBackups] = field(default_factory=dict)


@dataclass(frozen=True)
class Figures:
    """The figures of a plan's metrics the screens read (fte in units). The
    metrics themselves stay a dict: the search adds its own entries to them."""

    covered_fte: int | None = None  # None: the plan reports none
    uncovered_fte: int | None = None
    uncovered_critical_fte: int = 0
    missing_backups: int | None = None
    wants_granted: int = 0
    wants_total: int = 0
    lower_bounds: LowerBounds | None = None


def figures_of(metrics: Mapping[str, Any]) -> Figures:
    def count(key: str) -> int | None:
        value = metrics.get(key)
        return int(value) if isinstance(value, int | float) else None

    bounds = metrics.get("lower_bounds")
    return Figures(
        covered_fte=None
        if metrics.get("covered_fte") is None
        else _units(metrics["covered_fte"]),
        uncovered_fte=None
        if metrics.get("uncovered_fte") is None
        else _units(metrics["uncovered_fte"]),
        uncovered_critical_fte=_units(metrics.get("uncovered_critical_fte")),
        missing_backups=count("missing_backups"),
        wants_granted=count("wants_granted") or 0,
        wants_total=count("wants_total") or 0,
        lower_bounds=LowerBounds(
            uncovered_fte=_units(bounds.get("uncovered_fte")),
            uncovered_critical_fte=_units(bounds.get("uncovered_critical_fte")),
            missing_backups=int(bounds.get("missing_backups") or 0),
            missing_by_role={
                str(r): ForcedBackups(
                    int(x.get("missing", 0)), str(x.get("reason", ""))
                )
                for r, x in (bounds.get("missing_by_role") or {}).items()
            },
        )
        if isinstance(bounds, dict)
        else None,
    )
