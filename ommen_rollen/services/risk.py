"""Read model of a plan's vulnerability and formation advice, for the review page
and the Excel overview: single points of failure, the ranked absences, the bus
factor per cluster, the heat map (people x roles) and the advised hires, all with
names instead of instance ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .. import wording
from ..domain import AssignmentKind, format_fte
from ..solver.instance import Instance
from ..solver.plan import Plan
from ..solver.sections import Vulnerability
from .solver_bridge import employee_id_of


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
    fte_units: int
    covers_units: int
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
    hires_units: int = 0
    gap_uncovered_units: int = 0
    gap_missing_backups: int = 0
    remaining_uncovered_units: int = 0
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
        return _gap_text(self.gap_uncovered_units, self.gap_missing_backups)

    @property
    def remaining_text(self) -> str:
        """What the advised hires leave open ('' when nothing), in Dutch."""
        return _gap_text(self.remaining_uncovered_units, self.remaining_missing_backups)

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


def _gap_text(uncovered_units: int, missing: int) -> str:
    parts = []
    if uncovered_units:
        parts.append(
            f"{format_fte(uncovered_units)} fte ({wording.hours(uncovered_units)}) "
            "niet gedekt"
        )
    if missing:
        parts.append(wording.count(missing, "ontbrekende vervanger"))
    return wording.join(parts)


@dataclass(frozen=True)
class _RoleInfo:
    name: str = ""
    cluster: str = ""
    critical: bool = False


def risk_of(
    instance: Instance,
    plan: Plan,
    *,
    names: dict[str, str] | None = None,
    role_names: dict[str, str] | None = None,
) -> Risk:
    """The vulnerability and formation sections of a plan, with names (from the
    instance, else from ``names`` / ``role_names`` by instance id)."""
    names = dict(names or {}) | {e.id: e.name for e in instance.employees}
    roles = {r: _RoleInfo(n) for r, n in (role_names or {}).items()} | {
        r.id: _RoleInfo(r.name, r.cluster, r.critical) for r in instance.roles
    }

    def role_label(rid: str) -> str:
        role = roles.get(rid, _RoleInfo())
        text = f"{rid} – {role.name}".rstrip(" –")
        return text + (" (kritiek)" if role.critical else "")

    risk = Risk()
    v = plan.vulnerability
    if v is not None:
        _vulnerability(risk, v, names, role_label)
    _heat_map(risk, names, roles, plan, role_label)
    f = plan.formation
    if f is not None:
        risk.hires = [
            HireRow(
                text=h.text,
                fte_units=h.fte,
                covers_units=h.covers_fte,
                backups=len(h.backup_roles),
                roles=[role_label(r) for r in h.roles],
                backup_roles=[role_label(r) for r in h.backup_roles],
            )
            for h in f.hires
        ]
        risk.hires_units = f.total_fte
        risk.gap_uncovered_units = f.gap.uncovered_fte
        risk.gap_missing_backups = f.gap.missing_backups
        risk.remaining_uncovered_units = f.remaining.uncovered_fte
        risk.remaining_missing_backups = f.remaining.missing_backups
    return risk


def _vulnerability(
    risk: Risk,
    v: Vulnerability,
    names: dict[str, str],
    role_label: Callable[[str], str],
) -> None:
    spof = v.single_points
    risk.roles_without_backup = [role_label(r) for r in spof.roles_without_backup]
    risk.single_eligible = [role_label(r) for r in spof.single_eligible_roles]
    risk.only_backup = [
        f"{names.get(o.employee, o.employee)}: "
        + "; ".join(role_label(r) for r in o.roles)
        for o in spof.only_backup
    ]
    risk.clusters = [
        ClusterRisk(c.cluster, c.bus_factor, c.roles_on_one_person, c.roles)
        for c in v.clusters
    ]
    for rank, a in enumerate(v.ranked, start=1):
        risk.absences.append(
            AbsenceRow(
                rank=rank,
                employee=a.employee,
                name=names.get(a.employee, a.employee),
                uncovered_units=a.uncovered_fte,
                uncovered_critical_units=a.uncovered_critical_fte,
                roles=[role_label(r) for r in a.roles],
                lost_last_backup=[role_label(r) for r in a.lost_last_backup],
                knock_on_units=a.knock_on_fte,
                knock_on=[
                    f"{names.get(k.employee, k.employee)} laat "
                    f"{role_label(k.role)} liggen: {wording.hours(k.fte)}"
                    for k in a.knock_on
                ],
                role_ids=list(a.roles),
                lost_ids=list(a.lost_last_backup),
                knock_ids=[(k.role, k.fte) for k in a.knock_on],
                units_by_role={u.role: (u.fte, u.critical) for u in a.uncovered_roles},
            )
        )


def _heat_map(
    risk: Risk,
    names: dict[str, str],
    roles: dict[str, _RoleInfo],
    plan: Plan,
    role_label: Callable[[str], str],
) -> None:
    holders: dict[str, set[str]] = {}
    backups: dict[str, set[str]] = {}
    for a in plan.assignments:
        target = {AssignmentKind.HOLDER: holders, AssignmentKind.BACKUP: backups}.get(
            a.kind
        )
        if target is not None:
            target.setdefault(a.role, set()).add(a.employee)
    people = sorted(
        {e for s in (*holders.values(), *backups.values()) for e in s},
        key=lambda e: (names.get(e, e), e),
    )
    risk.heat_people = [(e, names.get(e, e)) for e in people]
    risk.heat_roles = [
        (rid, role_label(rid))
        for rid in sorted(
            (r for r in roles if r in holders),
            key=lambda r: (roles[r].cluster, r),
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
