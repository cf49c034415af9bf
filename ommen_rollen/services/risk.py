"""Read model of a plan's vulnerability and formation advice, for the review page
and the Excel overview: single points of failure, the ranked absences, the bus
factor per cluster, the heat map (people x roles) and the advised hires, all with
names instead of instance ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import wording
from ..domain import parse_fte
from .solver_bridge import employee_id_of


def _units(value: Any) -> int:
    try:
        return parse_fte(str(value if value is not None else 0))
    except ValueError:
        return 0


@dataclass
class AbsenceRow:
    rank: int
    employee: str
    name: str
    uncovered_units: int
    uncovered_critical_units: int
    roles: list[str]  # "r39 – Naam (kritiek)"
    lost_last_backup: list[str]
    knock_on_units: int
    knock_on: list[str]  # "Naam laat r12 – Rol liggen: 4 uur"

    @property
    def employee_id(self) -> int | None:
        return employee_id_of(self.employee)

    @property
    def summary(self) -> str:
        """One Dutch line: what this absence breaks."""
        parts = []
        if self.uncovered_units:
            parts.append(f"{wording.hours(self.uncovered_units)} blijft liggen")
        if self.uncovered_critical_units:
            parts.append(
                f"waarvan {wording.hours(self.uncovered_critical_units)} kritiek"
            )
        if self.lost_last_backup:
            parts.append(
                f"{wording.count(len(self.lost_last_backup), 'rol')} "
                f"{wording.verb(len(self.lost_last_backup), 'verliest')} de laatste "
                "vervanger"
            )
        if self.knock_on_units:
            parts.append(
                "collega's laten "
                f"{wording.hours(self.knock_on_units)} eigen werk liggen"
            )
        return "; ".join(parts) if parts else "alles wordt overgenomen"


@dataclass
class ClusterRisk:
    name: str
    bus_factor: int
    roles_on_one_person: int
    roles: int


@dataclass
class HeatCell:
    text: str  # "H", "H!", "V", "V!" or ""
    level: int  # 0 (nothing) .. 3 (single point of failure)
    label: str  # what the cell says in words


@dataclass
class HireRow:
    text: str
    fte: float
    covers_fte: float
    backups: int
    roles: list[str]
    backup_roles: list[str]


@dataclass
class Risk:
    roles_without_backup: list[str] = field(default_factory=list)
    single_eligible: list[str] = field(default_factory=list)
    only_backup: list[str] = field(default_factory=list)  # "Naam: r01, r02"
    clusters: list[ClusterRisk] = field(default_factory=list)
    absences: list[AbsenceRow] = field(default_factory=list)
    heat_people: list[tuple[str, str]] = field(default_factory=list)  # (key, name)
    heat_roles: list[tuple[str, str]] = field(default_factory=list)  # (id, label)
    heat: dict[tuple[str, str], HeatCell] = field(default_factory=dict)
    hires: list[HireRow] = field(default_factory=list)
    hires_fte: float = 0
    gap_uncovered_fte: float = 0
    gap_missing_backups: int = 0
    remaining_uncovered_fte: float = 0
    remaining_missing_backups: int = 0

    @property
    def has_single_points(self) -> bool:
        return bool(
            self.roles_without_backup or self.single_eligible or self.only_backup
        )

    def cell(self, person: str, role: str) -> HeatCell:
        return self.heat.get((person, role), HeatCell("", 0, ""))

    def for_cluster(self, role_ids: set[str], people: set[str]) -> Risk:
        """The part a spil reads: their cluster's roles and people."""
        keep = {label for rid, label in self.heat_roles if rid in role_ids}
        return Risk(
            roles_without_backup=[r for r in self.roles_without_backup if r in keep],
            single_eligible=[r for r in self.single_eligible if r in keep],
            only_backup=[],
            clusters=self.clusters,
            absences=[a for a in self.absences if a.employee in people],
            heat_people=[p for p in self.heat_people if p[0] in people],
            heat_roles=[r for r in self.heat_roles if r[0] in role_ids],
            heat=self.heat,
            hires=[],
        )


def risk_of(instance: dict[str, Any], plan: dict[str, Any]) -> Risk:
    """The vulnerability and formation sections of a plan, with names."""
    names = {e["id"]: e.get("name", e["id"]) for e in instance.get("employees", [])}
    roles = {r["id"]: r for r in instance.get("roles", [])}

    def role_label(rid: str) -> str:
        role = roles.get(rid, {})
        text = f"{rid} – {role.get('name', '')}".rstrip(" –")
        return text + (" (kritiek)" if role.get("critical") else "")

    v = plan.get("vulnerability") or {}
    spof = v.get("single_points") or {}
    risk = Risk(
        roles_without_backup=[
            role_label(r) for r in spof.get("roles_without_backup", [])
        ],
        single_eligible=[
            role_label(r)
            for r in spof.get(
                "single_eligible_roles", v.get("single_eligible_roles", [])
            )
        ],
        only_backup=[
            f"{names.get(o['employee'], o['employee'])}: "
            + ", ".join(role_label(r) for r in o.get("roles", []))
            for o in spof.get("only_backup", [])
        ],
        clusters=[
            ClusterRisk(
                c.get("cluster", ""),
                int(c.get("bus_factor", 0)),
                int(c.get("roles_on_one_person", 0)),
                int(c.get("roles", 0)),
            )
            for c in v.get("clusters", [])
        ],
    )
    absence = v.get("absence") or {}
    order = list(v.get("ranking") or sorted(absence))
    for rank, key in enumerate(order, start=1):
        a = absence.get(key) or {}
        risk.absences.append(
            AbsenceRow(
                rank=rank,
                employee=key,
                name=names.get(key, key),
                uncovered_units=_units(a.get("uncovered_fte")),
                uncovered_critical_units=_units(a.get("uncovered_critical_fte")),
                roles=[role_label(r) for r in a.get("roles", [])],
                lost_last_backup=[role_label(r) for r in a.get("lost_last_backup", [])],
                knock_on_units=_units(a.get("knock_on_fte")),
                knock_on=[
                    f"{names.get(k['employee'], k['employee'])} laat "
                    f"{role_label(k['role'])} liggen: {wording.hours(_units(k['fte']))}"
                    for k in a.get("knock_on", [])
                ],
            )
        )
    _heat_map(risk, names, roles, plan, role_label)
    f = plan.get("formation") or {}
    risk.hires = [
        HireRow(
            text=h.get("text", ""),
            fte=h.get("fte", 0),
            covers_fte=h.get("covers_fte", 0),
            backups=len(h.get("backup_roles", [])),
            roles=[role_label(r) for r in h.get("roles", {})],
            backup_roles=[role_label(r) for r in h.get("backup_roles", [])],
        )
        for h in f.get("hires", [])
    ]
    risk.hires_fte = f.get("total_fte", 0)
    gap, left = f.get("gap") or {}, f.get("remaining") or {}
    risk.gap_uncovered_fte = gap.get("uncovered_fte", 0)
    risk.gap_missing_backups = int(gap.get("missing_backups", 0))
    risk.remaining_uncovered_fte = left.get("uncovered_fte", 0)
    risk.remaining_missing_backups = int(left.get("missing_backups", 0))
    return risk


def _heat_map(
    risk: Risk,
    names: dict[str, str],
    roles: dict[str, dict[str, Any]],
    plan: dict[str, Any],
    role_label: Any,
) -> None:
    holders: dict[str, set[str]] = {}
    backups: dict[str, set[str]] = {}
    for a in plan.get("assignments", []):
        target = {"holder": holders, "backup": backups}.get(a.get("kind"))
        if target is not None:
            target.setdefault(a["role"], set()).add(a["employee"])
    people = sorted(
        {e for s in (*holders.values(), *backups.values()) for e in s},
        key=lambda e: (names.get(e, e), e),
    )
    risk.heat_people = [(e, names.get(e, e)) for e in people]
    risk.heat_roles = [(rid, role_label(rid)) for rid in roles if rid in holders]
    for rid, _ in risk.heat_roles:
        backers = backups.get(rid, set())
        for e in holders.get(rid, set()):
            if not backers:
                risk.heat[e, rid] = HeatCell("H!", 3, "rolhouder zonder vervanger")
            elif len(backers) == 1:
                risk.heat[e, rid] = HeatCell("H", 2, "rolhouder met 1 vervanger")
            else:
                risk.heat[e, rid] = HeatCell(
                    "H", 1, f"rolhouder met {wording.count(len(backers), 'vervanger')}"
                )
        for e in backers:
            if len(backers) == 1:
                risk.heat[e, rid] = HeatCell("V!", 2, "enige vervanger")
            else:
                risk.heat[e, rid] = HeatCell("V", 1, "vervanger")
