"""Read model of a plan's vulnerability and formation advice, for the review page
and the Excel overview: single points of failure, the ranked absences, the bus
factor per cluster, the heat map (people x roles) and the advised hires, all with
names instead of instance ids."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .. import wording
from ..domain import format_fte, parse_fte
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
    # the role id behind each entry of roles / lost_last_backup / knock_on, and
    # (units, critical) per uncovered role, so a cluster's part can be cut out
    role_ids: list[str] = field(default_factory=list)
    lost_ids: list[str] = field(default_factory=list)
    knock_ids: list[tuple[str, int]] = field(default_factory=list)
    units_by_role: dict[str, tuple[int, bool]] = field(default_factory=dict)

    def within(self, role_ids: set[str]) -> AbsenceRow:
        """Only what concerns these roles (what a spil of their cluster reads)."""
        by_role = self.units_by_role
        if not by_role and self.role_ids:
            # a plan from before per-role amounts: all of it, or none of it
            share = (self.uncovered_units, self.uncovered_critical_units > 0)
            by_role = (
                {self.role_ids[0]: share} if set(self.role_ids) <= role_ids else {}
            )
        units = {r: u for r, u in by_role.items() if r in role_ids}
        keep = [i for i, r in enumerate(self.role_ids) if r in role_ids]
        lost = [i for i, r in enumerate(self.lost_ids) if r in role_ids]
        knock = [i for i, (r, _) in enumerate(self.knock_ids) if r in role_ids]
        return replace(
            self,
            uncovered_units=sum(u for u, _ in units.values()),
            uncovered_critical_units=sum(u for u, c in units.values() if c),
            roles=[self.roles[i] for i in keep],
            role_ids=[self.role_ids[i] for i in keep],
            lost_last_backup=[self.lost_last_backup[i] for i in lost],
            lost_ids=[self.lost_ids[i] for i in lost],
            knock_on=[self.knock_on[i] for i in knock],
            knock_ids=[self.knock_ids[i] for i in knock],
            knock_on_units=sum(self.knock_ids[i][1] for i in knock),
            units_by_role=units,
        )

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

    @property
    def gap_text(self) -> str:
        """The gap the staffing causes, in Dutch ('0,6 fte (21,6 uur) niet gedekt
        en 2 ontbrekende vervangers')."""
        return _gap_text(self.gap_uncovered_fte, self.gap_missing_backups)

    @property
    def remaining_text(self) -> str:
        """What the advised hires leave open ('' when nothing), in Dutch."""
        return _gap_text(self.remaining_uncovered_fte, self.remaining_missing_backups)

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
            absences=[
                a.within(role_ids) for a in self.absences if a.employee in people
            ],
            heat_people=[p for p in self.heat_people if p[0] in people],
            heat_roles=[r for r in self.heat_roles if r[0] in role_ids],
            heat=self.heat,
            hires=[],
        )


def _gap_text(uncovered_fte: Any, missing: int) -> str:
    parts = []
    left = _units(uncovered_fte)
    if left:
        parts.append(f"{format_fte(left)} fte ({wording.hours(left)}) niet gedekt")
    if missing:
        parts.append(wording.count(missing, "ontbrekende vervanger"))
    return wording.join(parts)


def risk_of(
    instance: dict[str, Any],
    plan: dict[str, Any],
    *,
    names: dict[str, str] | None = None,
    role_names: dict[str, str] | None = None,
) -> Risk:
    """The vulnerability and formation sections of a plan, with names (from the
    instance, else from ``names`` / ``role_names`` by instance id)."""
    names = dict(names or {}) | {
        e["id"]: e.get("name", e["id"]) for e in instance.get("employees", [])
    }
    roles = {r: {"id": r, "name": n} for r, n in (role_names or {}).items()} | {
        r["id"]: r for r in instance.get("roles", [])
    }

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
            + "; ".join(role_label(r) for r in o.get("roles", []))
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
        per_role = {
            str(u.get("role")): (_units(u.get("fte")), bool(u.get("critical")))
            for u in a.get("uncovered_roles", [])
        }
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
                role_ids=[str(r) for r in a.get("roles", [])],
                lost_ids=[str(r) for r in a.get("lost_last_backup", [])],
                knock_ids=[
                    (str(k["role"]), _units(k["fte"])) for k in a.get("knock_on", [])
                ],
                units_by_role=per_role,
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
    risk.heat_roles = [
        (rid, role_label(rid))
        for rid in sorted(
            (r for r in roles if r in holders),
            key=lambda r: (str(roles[r].get("cluster", "")), r),
        )
    ]
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
