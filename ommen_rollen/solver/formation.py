"""Formatieadvies: the hires that close most of a gap the staffing itself causes.

The gap is the plan's uncovered fte and missing vervangers, as far as the staffing
forces them: all of it when the solver proved the shortfall equal to its lower bound
(bounds.py) or when the roles ask more fte than the available people have; otherwise
only the per-role parts the lower bounds prove (nobody may hold the role, too few
eligible colleagues), since the rest is the search's and more time or an adjustment
closes it.

Candidate profiles come from the gap roles' requirements: per gap role and each of
its rompfuncties the role's own competences, and per rompfunctie and cluster the
union of the requirements of its gap roles (highest level per competence). A greedy
takes, time after time, the profile whose hire closes the most (critical uncovered
fte first, then uncovered fte, then missing vervangers, then the smallest fte),
evaluated exactly against the remaining gap: as holder of uncovered fte it
qualifies for (critical first, a split role at least its minimum share) within its
fte, and as vervanger of roles lacking one within the backup duty cap. The fte of a
hire is what it takes on rounded up to a tenth, at most 1.0; a hire of at most 0.3
fte is then folded into another hire of the same rompfunctie where the joint profile
stays realistic and fits one contract. ``solve.verify_advice`` adds the hires to the
instance (``with_hires``) and lets the solver plan again, so the gain can be checked
by the real search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .. import wording
from ..domain import (
    BASE_FUNCTION_LABELS,
    FTE_SCALE,
    TENTH_FTE,
    BaseFunction,
    format_fte,
)
from .bounds import Bounds
from .eligibility import Facts, ceil_div
from .instance import Employee, Instance, Role
from .plan import Plan
from .sections import Formation, GapSize, HireAdvice

STEP = TENTH_FTE  # hires in tenths of an fte
MAX_HIRES = 25
MAX_COMPETENCES = 4  # a union profile asking more is not a realistic vacancy


@dataclass
class Gap:
    uncovered: dict[str, int] = field(default_factory=dict)  # role -> units
    backups: dict[str, int] = field(default_factory=dict)  # role -> count

    def empty(self) -> bool:
        return not any(self.uncovered.values()) and not any(self.backups.values())


@dataclass(frozen=True)
class Profile:
    base_function: str
    competences: tuple[tuple[str, int], ...]

    def qualifies(self, role: Role) -> bool:
        have = dict(self.competences)
        return self.base_function in role.base_functions and all(
            have.get(c, 0) >= lvl for c, lvl in role.requires.items()
        )


@dataclass
class Hire:
    profile: Profile
    fte: int
    holds: dict[str, int]
    backs: list[str]

    def value(self, facts: Facts) -> tuple[int, int, int, int]:
        critical = sum(u for r, u in self.holds.items() if facts.roles[r].critical)
        return (critical, sum(self.holds.values()), len(self.backs), -self.fte)


def staffing_gap(facts: Facts, plan: Plan, bounds: Bounds | None, proven: bool) -> Gap:
    """The part of the plan's shortfall the staffing forces (see module text)."""
    uncovered = {u.role: u.fte for u in plan.uncovered}
    missing = {m.role: m.missing for m in plan.missing_backups}
    capacity = sum(e.capacity for e in facts.instance.employees)
    demand = sum(r.fte for r in facts.instance.roles)
    if proven or bounds is None:
        return Gap(uncovered, missing)
    gap = Gap()
    if demand > capacity:
        gap.uncovered = uncovered
    else:
        gap.uncovered = {
            r: min(u, bounds.uncovered_by_role.get(r, 0))
            for r, u in uncovered.items()
            if bounds.uncovered_by_role.get(r, 0)
        }
    gap.backups = {
        r: min(n, bounds.missing_by_role[r][0])
        for r, n in missing.items()
        if r in bounds.missing_by_role
    }
    return gap


def candidate_profiles(facts: Facts, gap: Gap) -> list[Profile]:
    """Profiles from the gap roles' requirements (see module text)."""
    roles = [facts.roles[r] for r in sorted({*gap.uncovered, *gap.backups})]
    seen: dict[Profile, None] = {}
    union: dict[tuple[str, str], dict[str, int]] = {}
    for role in roles:
        for base in role.base_functions:
            seen[Profile(base, tuple(sorted(role.requires.items())))] = None
            merged = union.setdefault((base, role.cluster), {})
            for c, lvl in role.requires.items():
                merged[c] = max(merged.get(c, 0), lvl)
    for (base, _), comps in sorted(union.items()):
        if len(comps) <= MAX_COMPETENCES:
            seen[Profile(base, tuple(sorted(comps.items())))] = None
    return list(seen)


def evaluate(facts: Facts, profile: Profile, gap: Gap) -> Hire:
    """What one hire of this profile takes on from the gap (at most 1.0 fte)."""
    capacity = FTE_SCALE
    holds: dict[str, int] = {}
    order = sorted(
        (r for r, u in gap.uncovered.items() if u > 0),
        key=lambda r: (not facts.roles[r].critical, -gap.uncovered[r], r),
    )
    for r in order:
        role = facts.roles[r]
        if not profile.qualifies(role):
            continue
        take = min(gap.uncovered[r], capacity)
        if take < min(role.min_share, gap.uncovered[r]):
            continue
        holds[r] = take
        capacity -= take
    used = sum(holds.values())
    fte = min(FTE_SCALE, max(STEP, ceil_div(used, STEP) * STEP))
    share = facts.instance.settings.max_backup_share
    backs: list[str] = []
    backup_load = 0
    for r in sorted(
        (r for r, n in gap.backups.items() if n > 0),
        key=lambda r: (not facts.roles[r].critical, r),
    ):
        role = facts.roles[r]
        if r in holds or not profile.qualifies(role):
            continue
        # the hire's fte may grow (up to 1.0) to carry the backup duty
        need = backup_load + role.fte
        if need > share:  # the duty cap of a 1.0 fte hire
            continue
        carried = ceil_div(ceil_div(need * FTE_SCALE, share), STEP) * STEP
        fte = max(fte, min(FTE_SCALE, carried))
        backs.append(r)
        backup_load = need
    return Hire(profile, fte, holds, backs)


SMALL = 3 * STEP  # a hire of at most 0.3 fte is merged into another where it fits


def _hire_fte(facts: Facts, holds: dict[str, int], backs: list[str]) -> int | None:
    """The fte a hire needs for this work (tenths, at least 0.1), None over 1.0."""
    share = facts.instance.settings.max_backup_share
    held = ceil_div(sum(holds.values()), STEP) * STEP
    duty = sum(facts.roles[r].fte for r in backs)
    carried = ceil_div(ceil_div(duty * FTE_SCALE, share), STEP) * STEP if duty else 0
    fte = max(STEP, held, carried)
    return fte if fte <= FTE_SCALE else None


def merge_small(facts: Facts, hires: list[Hire]) -> list[Hire]:
    """Fold each small hire into a hire of the same rompfunctie when the joint
    profile stays realistic (at most MAX_COMPETENCES) and fits one contract: one
    0,8-fte vacancy instead of a 0,6 and a 0,2."""
    hires = list(hires)
    changed = True
    while changed:
        changed = False
        for small in sorted(hires, key=lambda h: h.fte):
            if small.fte > SMALL:
                break
            for big in hires:
                if (
                    big is small
                    or big.profile.base_function != small.profile.base_function
                ):
                    continue
                comps = dict(big.profile.competences)
                for c, lvl in small.profile.competences:
                    comps[c] = max(comps.get(c, 0), lvl)
                if len(comps) > MAX_COMPETENCES:
                    continue
                holds = dict(big.holds)
                for r, u in small.holds.items():
                    holds[r] = holds.get(r, 0) + u
                backs = [
                    r for r in dict.fromkeys(big.backs + small.backs) if r not in holds
                ]
                if len(backs) < len(big.backs) + len(small.backs):
                    continue  # a vervanger may not also hold the role
                fte = _hire_fte(facts, holds, backs)
                if fte is None:
                    continue
                profile = Profile(
                    big.profile.base_function, tuple(sorted(comps.items()))
                )
                hires[hires.index(big)] = Hire(profile, fte, holds, backs)
                hires.remove(small)
                changed = True
                break
            if changed:
                break
    return hires


def _apply(gap: Gap, hire: Hire) -> None:
    for r, units in hire.holds.items():
        gap.uncovered[r] -= units
    for r in hire.backs:
        gap.backups[r] -= 1


def profile_text(profile: Profile) -> str:
    label = BASE_FUNCTION_LABELS[BaseFunction(profile.base_function)]
    label = label[:1].upper() + label[1:]
    comps = ", ".join(f"{c} niveau {lvl}" for c, lvl in profile.competences)
    return f"{label} ({profile.base_function})" + (f", {comps}" if comps else "")


def hire_text(hire: Hire) -> str:
    """'1 Regisseur/adviseur (B), omgevingsrecht niveau 2, 0,8 fte dekt 0,6 fte en
    3 ontbrekende vervangers'."""
    parts = []
    covered = sum(hire.holds.values())
    if covered:
        parts.append(f"{format_fte(covered)} fte")
    if hire.backs:
        parts.append(wording.count(len(hire.backs), "ontbrekende vervanger"))
    return (
        f"1 {profile_text(hire.profile)}, {format_fte(hire.fte)} fte dekt "
        + wording.join(parts)
    )


def formation_advice(
    facts: Facts, plan: Plan, bounds: Bounds | None = None, *, proven: bool = False
) -> Formation:
    """The formation section of a plan (see docs/plan-format.md)."""
    gap = staffing_gap(facts, plan, bounds, proven)
    start = _gap_size(gap)
    hires: list[Hire] = []
    if not gap.empty():
        profiles = candidate_profiles(facts, gap)
        while len(hires) < MAX_HIRES and not gap.empty():
            options = [evaluate(facts, p, gap) for p in profiles]
            options = [h for h in options if h.holds or h.backs]
            if not options:
                break
            best = max(
                options,
                key=lambda h: (h.value(facts), -len(h.profile.competences)),
            )
            hires.append(best)
            _apply(gap, best)
        hires = merge_small(facts, hires)
    return Formation(
        gap=start,
        hires=tuple(
            HireAdvice(
                base_function=h.profile.base_function,
                competences=dict(h.profile.competences),
                fte=h.fte,
                covers_fte=sum(h.holds.values()),
                covers_critical_fte=sum(
                    u for r, u in h.holds.items() if facts.roles[r].critical
                ),
                roles=dict(sorted(h.holds.items())),
                backup_roles=tuple(h.backs),
                text=hire_text(h),
            )
            for h in hires
        ),
        remaining=_gap_size(gap),
    )


def _gap_size(gap: Gap) -> GapSize:
    return GapSize(
        uncovered_fte=sum(max(u, 0) for u in gap.uncovered.values()),
        missing_backups=sum(max(n, 0) for n in gap.backups.values()),
    )


def with_hires(instance: Instance, hires: Sequence[HireAdvice]) -> Instance:
    """The instance with the advised hires added as employees (ids h1, h2, ...)."""
    added = tuple(
        Employee(
            id=f"h{i}",
            name=f"Nieuwe medewerker {i}",
            fte=h.fte,
            base_function=h.base_function,
            competences=dict(h.competences),
        )
        for i, h in enumerate(hires, start=1)
    )
    return replace(instance, employees=instance.employees + added)
