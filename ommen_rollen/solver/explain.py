"""Explanations in Dutch (addressing the employee as u): why a role is uncovered,
why a backup is missing, why an employee did not get a role they wanted or wanted
to learn, and why they hold a role they would rather not have. Texts never name a
colleague or a colleague's wish; numbers and plurals come from ``wording``."""

from __future__ import annotations

from collections import defaultdict

from .. import wording
from ..domain import AssignmentKind, Choice
from .eligibility import Facts, base_fits, missing_competences, qualified
from .instance import Role
from .sections import Explanations, RoleReason, WishReason

Pair = tuple[str, str]


class Usage:
    """What the plan already asks of every employee."""

    def __init__(
        self,
        facts: Facts,
        holders: dict[Pair, int],
        learners: set[Pair],
        backups: set[Pair],
    ) -> None:
        self.load: dict[str, int] = defaultdict(int)
        self.roles: dict[str, set[str]] = defaultdict(set)
        self.backup_load: dict[str, int] = defaultdict(int)
        self.holders_of: dict[str, list[str]] = defaultdict(list)
        self.shares = dict(holders)
        for (e, r), share in holders.items():
            self.load[e] += facts.holder_load_ceil(e, r, share)
            self.roles[e].add(r)
            self.holders_of[r].append(e)
        for e, r in learners:
            self.load[e] += facts.instance.learner_units(facts.roles[r])
            self.roles[e].add(r)
        for e, r in backups:
            self.backup_load[e] += facts.roles[r].fte

    def free(self, facts: Facts, e: str) -> int:
        return facts.employees[e].capacity - self.load[e]

    def roles_full(self, facts: Facts, e: str, r: str) -> bool:
        cap = facts.employees[e].max_roles
        return cap is not None and r not in self.roles[e] and len(self.roles[e]) >= cap


def _competence_text(facts: Facts, e: str, r: str) -> str:
    missing = missing_competences(facts.employees[e], facts.roles[r])
    return wording.join(
        [f"{name} niveau {have} (rol vraagt {need})" for name, need, have in missing]
    )


def _requirement_text(role: Role) -> str:
    bases = "/".join(role.base_functions)
    needs = wording.join(
        [f"{c} niveau {lvl}" for c, lvl in sorted(role.requires.items())]
    )
    return f"rompfunctie {bases}" + (f" met {needs}" if needs else "")


def uncovered_reason(facts: Facts, r: str, usage: Usage) -> tuple[str, str]:
    """(reason_code, Dutch reason) for fte of role r that nobody holds."""
    role = facts.roles[r]
    people = facts.instance.employees
    fits = [e for e in people if qualified(e, role)]
    if not fits:
        return "no_eligible", (
            f"Geen enkele medewerker is inzetbaar: {_requirement_text(role)} "
            "heeft niemand."
        )
    available = [e for e in fits if e.available]
    if not available:
        return "unavailable", "Alle inzetbare medewerkers zijn niet beschikbaar."
    allowed = [
        e for e in available if not facts.forbids(e.id, r, AssignmentKind.HOLDER)
    ]
    if not allowed:
        return "forbidden", "Alle inzetbare medewerkers zijn voor deze rol uitgesloten."
    holders = usage.holders_of[r]
    if len(holders) >= role.max_holders:
        return "max_holders", (
            f"Het maximum van {wording.count(role.max_holders, 'rolhouder')} is "
            "bereikt en die hebben geen ruimte voor meer."
        )
    need = wording.hours(role.min_share or role.fte)
    if len(allowed) == 1:
        return "capacity", (
            f"De enige inzetbare medewerker heeft geen {need} meer vrij (of heeft "
            "het maximum aantal rollen)."
        )
    return "capacity", (
        f"Er zijn {wording.count(len(allowed), 'inzetbare collega')} en niemand "
        f"heeft nog {need} vrij (of het maximum aantal rollen is bereikt)."
    )


def missing_backup_reason(facts: Facts, r: str, usage: Usage) -> tuple[str, str]:
    """(reason_code, Dutch reason) for a backup role r lacks."""
    role = facts.roles[r]
    holders = set(usage.holders_of[r])
    fits = [
        e
        for e in facts.instance.employees
        if qualified(e, role) and e.id not in holders
    ]
    if not fits:
        return "no_candidate", (
            f"Naast de {wording.noun(len(holders), 'rolhouder')} is er geen inzetbare "
            f"collega ({_requirement_text(role)})."
        )
    if not [e for e in fits if e.available]:
        return "unavailable", "Alle inzetbare collega's zijn niet beschikbaar."
    allowed = [
        e
        for e in fits
        if e.available and not facts.forbids(e.id, r, AssignmentKind.BACKUP)
    ]
    if not allowed:
        return "forbidden", "Alle inzetbare collega's zijn als vervanger uitgesloten."
    return "backup_load", (
        f"{wording.count(len(allowed), 'inzetbare collega').capitalize()} "
        f"{wording.verb(len(allowed), 'is')} al vervanger tot de maximale "
        "vervangingslast of het maximum aantal rollen."
    )


PINNED = "door de secretaris of in een goedgekeurd werkplan"


def _pinned_holders(facts: Facts, r: str) -> set[str]:
    return {
        p.employee
        for p in facts.instance.pins
        if p.role == r and p.kind == AssignmentKind.HOLDER
    }


def _want_or_learn_reason(
    facts: Facts, e: str, r: str, wish: str, usage: Usage
) -> tuple[str, str]:
    employee, role = facts.employees[e], facts.roles[r]
    kind = AssignmentKind.HOLDER if wish == Choice.WANT else AssignmentKind.LEARNER
    if wish == Choice.WANT:
        need = facts.holder_load_ceil(e, r, role.min_share)
    else:
        need = facts.instance.learner_units(role)
    holders = [h for h in usage.holders_of[r] if h != e]
    free = usage.free(facts, e)
    if not employee.available:
        return "unavailable", "U bent in deze periode niet beschikbaar."
    if not base_fits(employee, role):
        return "not_eligible", (
            f"Uw rompfunctie {employee.base_function} past niet bij deze rol "
            f"(rompfunctie {'/'.join(role.base_functions)})."
        )
    if wish == Choice.WANT and missing_competences(employee, role):
        return "not_eligible", f"Competentie te laag: {_competence_text(facts, e, r)}."
    if facts.forbids(e, r, kind):
        return "forbidden", "Deze toewijzing is voor u uitgesloten."
    if wish == Choice.WANT and _pinned_holders(facts, r) - {e}:
        return "pinned", f"De rol is bij een collega vastgezet ({PINNED})."
    if wish == Choice.LEARN and not holders:
        return "no_mentor", (
            "Niemand houdt deze rol, dus er is geen begeleider om van te leren."
        )
    if free < need:
        return "capacity", (
            f"Uw uren zijn vol: u heeft {wording.hours_free(free)} en dit vraagt "
            f"minstens {wording.hours(need)}."
        )
    if usage.roles_full(facts, e, r):
        return "max_roles", (
            "U heeft al het maximum van "
            f"{wording.count(employee.max_roles or 0, 'rol')}."
        )
    if wish == Choice.WANT and holders:
        return "taken", (
            "De rol is gegeven aan een collega met een sterkere aanspraak (een eigen "
            "wens, ervaring met de rol of minder andere mogelijkheden)."
        )
    return "priority", (
        "Niet toegewezen: dat zou de dekking van andere rollen of de wensen van "
        "collega's meer kosten."
    )


def _avoid_reason(facts: Facts, e: str, r: str, usage: Usage) -> tuple[str, str]:
    """Why employee e holds role r although they would rather not."""
    if any(
        p.employee == e and p.role == r and p.kind == AssignmentKind.HOLDER
        for p in facts.instance.pins
    ):
        return "pinned", f"Deze rol is voor u vastgezet ({PINNED})."
    others = [o for o in facts.holder_candidates[r] if o != e]
    if not others:
        return "too_few", (
            "U bent de enige inzetbare collega voor deze rol (rompfunctie, "
            "competenties en beschikbaarheid)."
        )
    share = usage.shares.get((e, r), 0)
    room = [
        o for o in others if usage.free(facts, o) >= facts.holder_load_ceil(o, r, share)
    ]
    if not room:
        free = sum(max(usage.free(facts, o), 0) for o in others)
        return "others_full", (
            f"Naast u {wording.verb(len(others), 'is')} er "
            f"{wording.colleagues(len(others), other=True)} en "
            + ("die heeft " if len(others) == 1 else "die hebben samen ")
            + f"{wording.hours_free(free)}; uw deel vraagt {wording.hours(share)}."
        )
    return "stronger_claim", (
        "Een collega die de rol ook kan doen, heeft een sterkere aanspraak om hem "
        "niet te krijgen of is elders nodig; zo is het plan voor iedereen samen het "
        "best."
    )


def wish_reason(facts: Facts, e: str, r: str, wish: Choice, usage: Usage) -> WishReason:
    """Why employee e did not get role r as holder (want) or learner (learn), or
    why they hold a role they would rather not have (avoid)."""
    given_to: tuple[str, ...] = ()
    if wish == Choice.AVOID:
        code, reason = _avoid_reason(facts, e, r, usage)
    else:
        code, reason = _want_or_learn_reason(facts, e, r, wish, usage)
        if wish == Choice.WANT:
            # for the secretaris; never in the text
            given_to = tuple(h for h in usage.holders_of[r] if h != e)
    return WishReason(r, wish, code, reason, given_to)


def explanations(
    facts: Facts,
    holders: dict[Pair, int],
    learners: set[Pair],
    usage: Usage,
    uncovered: dict[str, tuple[str, str]],
) -> Explanations:
    """Per employee their unfulfilled wishes and overridden avoids; per uncovered
    role its reason."""
    per_employee: dict[str, list[WishReason]] = {}
    for (e, r), choice in sorted(facts.choice.items()):
        if (e, r) in holders:
            if choice == Choice.AVOID:
                per_employee.setdefault(e, []).append(
                    wish_reason(facts, e, r, Choice(choice), usage)
                )
            continue
        if choice == Choice.WANT or (choice == Choice.LEARN and (e, r) not in learners):
            per_employee.setdefault(e, []).append(
                wish_reason(facts, e, r, Choice(choice), usage)
            )
    return Explanations(
        employees={e: tuple(items) for e, items in per_employee.items()},
        roles={r: RoleReason(code, reason) for r, (code, reason) in uncovered.items()},
    )
