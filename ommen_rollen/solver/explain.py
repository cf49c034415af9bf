"""Explanations in Dutch: why a role is uncovered, why a backup is missing, and why
an employee did not get a role they wanted or wanted to learn."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..domain import format_fte
from .eligibility import Facts, base_fits, missing_competences, qualified

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
    return ", ".join(
        f"{name} niveau {have} (rol vraagt {need})" for name, need, have in missing
    )


def uncovered_reason(facts: Facts, r: str, usage: Usage) -> tuple[str, str]:
    """(reason_code, Dutch reason) for fte of role r that nobody holds."""
    role = facts.roles[r]
    people = facts.instance.employees
    fits = [e for e in people if qualified(e, role)]
    if not fits:
        bases = "/".join(role.base_functions)
        needs = ", ".join(f"{c} {lvl}" for c, lvl in sorted(role.requires.items()))
        return "no_eligible", (
            f"Geen enkele medewerker is inzetbaar: rompfunctie {bases}"
            + (f" met {needs}" if needs else "")
            + " heeft niemand."
        )
    available = [e for e in fits if e.available]
    if not available:
        return "unavailable", "Alle inzetbare medewerkers zijn niet beschikbaar."
    allowed = [e for e in available if (e.id, r, "holder") not in facts.forbidden]
    if not allowed:
        return "forbidden", "Alle inzetbare medewerkers zijn voor deze rol uitgesloten."
    holders = usage.holders_of[r]
    if len(holders) >= role.max_holders:
        return "max_holders", (
            f"Het maximum van {role.max_holders} rolhouder(s) is bereikt en die "
            "hebben geen ruimte voor meer."
        )
    return "capacity", (
        f"Alle {len(allowed)} inzetbare medewerkers zijn vol: niemand heeft nog "
        f"minstens {format_fte(role.min_share)} fte vrij (of het maximum aantal "
        "rollen is bereikt)."
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
            "Er is geen inzetbare collega (rompfunctie en competenties) naast de "
            "rolhouder(s)."
        )
    if not [e for e in fits if e.available]:
        return "unavailable", "Alle inzetbare collega's zijn niet beschikbaar."
    allowed = [
        e for e in fits if e.available and (e.id, r, "backup") not in facts.forbidden
    ]
    if not allowed:
        return "forbidden", "Alle inzetbare collega's zijn als vervanger uitgesloten."
    return "backup_load", (
        f"Alle {len(allowed)} inzetbare collega's zitten aan hun maximale "
        "vervangingslast of maximum aantal rollen."
    )


def wish_reason(
    facts: Facts, e: str, r: str, wish: str, usage: Usage
) -> dict[str, Any]:
    """Why employee e did not get role r as holder (want) or learner (learn)."""
    employee, role = facts.employees[e], facts.roles[r]
    out: dict[str, Any] = {"role": r, "wish": wish}
    kind = "holder" if wish == "want" else "learner"
    need = role.min_share if wish == "want" else facts.instance.learner_units(role)
    if wish == "want":
        need = facts.holder_load_ceil(e, r, role.min_share)
    holders = [h for h in usage.holders_of[r] if h != e]
    free = usage.free(facts, e)
    if not employee.available:
        code, reason = "unavailable", "Je bent in deze periode niet beschikbaar."
    elif not base_fits(employee, role):
        code, reason = (
            "not_eligible",
            (
                f"Je rompfunctie {employee.base_function} past niet bij deze rol "
                f"({'/'.join(role.base_functions)})."
            ),
        )
    elif wish == "want" and missing_competences(employee, role):
        code, reason = (
            "not_eligible",
            (f"Competentie te laag: {_competence_text(facts, e, r)}."),
        )
    elif (e, r, kind) in facts.forbidden:
        code, reason = "forbidden", "Deze toewijzing is uitgesloten."
    elif wish == "learn" and not holders:
        code, reason = (
            "no_mentor",
            ("Niemand houdt deze rol, dus er is geen begeleider om van te leren."),
        )
    elif wish == "want" and holders:
        names = ", ".join(facts.employees[h].name for h in holders)
        also = [h for h in holders if facts.choice.get((h, r)) == "want"]
        why = (
            f"je fte is al vol (nog {format_fte(max(free, 0))} fte vrij)"
            if free < need
            else "zo waren dekking en wensen van iedereen samen het best te vervullen"
        )
        code, reason = (
            "taken",
            f"De rol is gegeven aan {names}"
            + (" (die de rol ook graag wilde)" if also else "")
            + f"; {why}.",
        )
        out["given_to"] = holders
    elif free < need:
        code, reason = (
            "capacity",
            (
                f"Je fte is vol: nog {format_fte(max(free, 0))} fte vrij, "
                f"dit vraagt minstens {format_fte(need)} fte."
            ),
        )
    elif usage.roles_full(facts, e, r):
        code, reason = (
            "max_roles",
            (f"Je hebt al het maximum van {employee.max_roles} rollen."),
        )
    else:
        code, reason = (
            "priority",
            (
                "Niet toegewezen: dat zou de dekking van andere rollen of wensen van "
                "collega's meer kosten."
            ),
        )
    out["reason_code"] = code
    out["reason"] = reason
    return out


def explanations(
    facts: Facts,
    holders: dict[Pair, int],
    learners: set[Pair],
    usage: Usage,
    uncovered: dict[str, tuple[str, str]],
) -> dict[str, Any]:
    """{"employees": {id: [unfulfilled wishes]}, "roles": {id: uncovered reason}}."""
    per_employee: dict[str, list[dict[str, Any]]] = {}
    for (e, r), choice in sorted(facts.choice.items()):
        if (e, r) in holders:
            continue
        if choice == "want" or (choice == "learn" and (e, r) not in learners):
            per_employee.setdefault(e, []).append(
                wish_reason(facts, e, r, choice, usage)
            )
    roles = {
        r: {"reason_code": code, "reason": reason}
        for r, (code, reason) in uncovered.items()
    }
    return {"employees": per_employee, "roles": roles}
