"""Plan format version 1: the dataclasses a solve returns, and JSON both ways."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..domain import AssignmentKind, PlanStatus
from .instance import FORMAT_VERSION, fte_number
from .sections import (
    Explanations,
    Figures,
    Formation,
    Vulnerability,
    figures_of,
    fte_units,
)

STATUSES = tuple(PlanStatus)
S = TypeVar("S", Explanations, Vulnerability, Formation)


@dataclass(frozen=True)
class PlanAssignment:
    employee: str
    role: str
    kind: AssignmentKind
    fte: int | None = None  # units; holders and learners
    mentor: str | None = None  # learners only: a holder of the same role


@dataclass(frozen=True)
class Uncovered:
    role: str
    fte: int  # units not covered by any holder
    reason: str
    reason_code: str = ""


@dataclass(frozen=True)
class MissingBackup:
    role: str
    missing: int
    reason: str
    reason_code: str = ""


@dataclass
class Plan:
    """A plan: assignments, honest shortfalls, objective, metrics, explanations,
    vulnerability and formation advice. The last three are typed (None: the plan
    has none, written as {}); objective and metrics stay dicts of JSON values
    (the search adds its own metrics), ``figures`` reads the metrics typed."""

    status: PlanStatus
    assignments: list[PlanAssignment] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)
    missing_backups: list[MissingBackup] = field(default_factory=list)
    objective: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    explanations: Explanations | None = None
    vulnerability: Vulnerability | None = None
    formation: Formation | None = None
    errors: list[str] = field(default_factory=list)

    def holders(self, role: str) -> list[PlanAssignment]:
        return [
            a
            for a in self.assignments
            if a.role == role and a.kind == AssignmentKind.HOLDER
        ]

    @property
    def figures(self) -> Figures:
        """The metrics the screens read, typed (fte in units)."""
        return figures_of(self.metrics)

    def of_kind(self, kind: str) -> list[PlanAssignment]:
        return [a for a in self.assignments if a.kind == kind]

    def to_json(self) -> dict[str, Any]:
        """Plan format v1 (fte as numbers with at most four decimals)."""
        data: dict[str, Any] = {
            "version": FORMAT_VERSION,
            "status": self.status,
            "assignments": [_assignment_json(a) for a in self.assignments],
            "uncovered": [
                {"role": u.role, "fte": fte_number(u.fte), "reason": u.reason}
                | ({"reason_code": u.reason_code} if u.reason_code else {})
                for u in self.uncovered
            ],
            "missing_backups": [
                {"role": m.role, "missing": m.missing, "reason": m.reason}
                | ({"reason_code": m.reason_code} if m.reason_code else {})
                for m in self.missing_backups
            ],
            "objective": self.objective,
            "metrics": self.metrics,
            "explanations": _section(self.explanations),
            "vulnerability": _section(self.vulnerability),
            "formation": _section(self.formation),
        }
        if self.errors:
            data["errors"] = list(self.errors)
        return data


def _section(part: Explanations | Vulnerability | Formation | None) -> dict[str, Any]:
    return part.to_json() if part is not None else {}


def _assignment_json(a: PlanAssignment) -> dict[str, Any]:
    out: dict[str, Any] = {"employee": a.employee, "role": a.role, "kind": a.kind}
    if a.fte is not None:
        out["fte"] = fte_number(a.fte)
    if a.mentor is not None:
        out["mentor"] = a.mentor
    return out


def plan_from_json(data: dict[str, Any]) -> Plan:
    """Read plan format v1 back into a Plan (trusting its shape; see checker).
    An unknown version, status or kind is a ValueError."""
    if data.get("version") != FORMAT_VERSION:
        raise ValueError(f"plan: version moet {FORMAT_VERSION} zijn")

    def units(value: Any) -> int | None:
        return None if value is None else fte_units(value)

    return Plan(
        status=PlanStatus(data.get("status", PlanStatus.UNKNOWN)),
        assignments=[
            PlanAssignment(
                a["employee"],
                a["role"],
                AssignmentKind(a["kind"]),
                units(a.get("fte")),
                a.get("mentor"),
            )
            for a in data.get("assignments", [])
        ],
        uncovered=[
            Uncovered(
                u["role"],
                units(u["fte"]) or 0,
                u.get("reason", ""),
                u.get("reason_code", ""),
            )
            for u in data.get("uncovered", [])
        ],
        missing_backups=[
            MissingBackup(
                m["role"],
                int(m["missing"]),
                m.get("reason", ""),
                m.get("reason_code", ""),
            )
            for m in data.get("missing_backups", [])
        ],
        objective=dict(data.get("objective", {})),
        metrics=dict(data.get("metrics", {})),
        explanations=explanations_of(data),
        vulnerability=_read(Vulnerability, data, "vulnerability"),
        formation=_read(Formation, data, "formation"),
        errors=list(data.get("errors", [])),
    )


def explanations_of(data: dict[str, Any]) -> Explanations | None:
    """The explanations section of plan JSON, typed (None when it has none): what
    plan_from_json reads, for a reader that needs no more of the plan."""
    return _read(Explanations, data, "explanations")


def _read(kind: type[S], data: dict[str, Any], key: str) -> S | None:
    section = data.get(key)
    return kind.from_json(section) if section else None
