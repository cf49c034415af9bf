"""One objective for every plan in the benchmark, computed from the JSON alone.

The product solves in lexicographic stages; the baselines solve one weighted model.
To put them side by side every plan is scored here with the same function J:

    J = W_cov * (uncovered units, critical x CRITICAL)
      + W_backup * (missing backups, critical x CRITICAL)
      + soft

``soft`` is the weighted sum of the product's soft terms (names, meanings and
default weights from ``ommen_rollen.solver.weights``; instance weights override).
W_backup exceeds any possible ``soft`` and W_cov exceeds any possible backup part,
so J orders plans as the issue does: coverage, then backups, then the rest.
The naive and MIP baselines minimise exactly this J (see naive.py), so their bounds
are bounds on J. Uncovered fte and missing backups are recomputed from the
assignments, not taken from the plan's own report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ommen_rollen.domain import FTE_SCALE, TENTH_FTE, parse_fte

CRITICAL = 10
"""A critical role's uncovered unit or missing backup counts this many times. The
product ranks critical shortfalls strictly first; one weighted J approximates that."""

DEFAULT_WEIGHTS = {
    "want": 10,
    "avoid": 10,
    "score": 1,
    "learn": 3,
    "continuity": 2,
    "fairness": 5,
    "fragments": 1,
    "backup_spread": 1,
    "disruption_fte": 0,
    "disruption_people": 0,
    "takeover": 0,
}
"""Mirror of ommen_rollen.solver.weights.DEFAULT_WEIGHTS (a test keeps them equal)."""

SPREAD_UNIT = TENTH_FTE
"""backup_spread counts per started 0.1 fte (1,000 units), as the product does."""

DEFAULT_LEARNER_SHARE = 500
DEFAULT_MAX_BACKUP_SHARE = FTE_SCALE


def units(value: object) -> int:
    return parse_fte(str(value))


@dataclass(frozen=True)
class Weights:
    """The factors of J for one instance."""

    soft: dict[str, int]
    backup: int  # per missing backup
    cover: int  # per uncovered fte unit


def weights_of(instance: dict) -> Weights:
    """Term weights and the two lexicographic factors, from the instance alone."""
    soft = dict(DEFAULT_WEIGHTS)
    soft.update((instance.get("settings") or {}).get("weights") or {})
    prefs = instance.get("preferences", [])
    previous = instance.get("previous", [])
    n_roles = len(instance["roles"])
    n_emp = len(instance["employees"])
    total_fte = sum(units(r["fte"]) for r in instance["roles"])
    top = 0  # the largest value soft can take
    top += (soft["want"] + soft["avoid"] + soft["learn"] + soft["fairness"]) * len(
        prefs
    )
    top += soft["score"] * sum(abs(int(p.get("score") or 0)) for p in prefs)
    top += soft["continuity"] * len(previous)
    top += soft["fragments"] * n_roles * max(n_emp, 1)
    top += soft["backup_spread"] * (total_fte // SPREAD_UNIT + 1)
    backup = top + 1
    n_backups = sum(int(r.get("backups", 1)) for r in instance["roles"])
    cover = backup * (CRITICAL * n_backups + 1)
    return Weights(soft=soft, backup=backup, cover=cover)


def score_plan(instance: dict, plan: dict) -> dict:
    """J and its parts for a plan (format v1) of an instance (format v1)."""
    w = weights_of(instance)
    roles = {r["id"]: r for r in instance["roles"]}
    holders: dict[tuple[str, str], int] = {}
    backups: set[tuple[str, str]] = set()
    learners: set[tuple[str, str]] = set()
    for a in plan.get("assignments", []):
        pair = (a["employee"], a["role"])
        if a["kind"] == "holder":
            holders[pair] = holders.get(pair, 0) + units(a["fte"])
        elif a["kind"] == "backup":
            backups.add(pair)
        elif a["kind"] == "learner":
            learners.add(pair)

    covered: dict[str, int] = defaultdict(int)
    for (_, r), share in holders.items():
        covered[r] += share
    backed: dict[str, int] = defaultdict(int)
    for _, r in backups:
        backed[r] += 1
    uncovered = uncovered_w = missing = missing_w = 0
    for rid, role in roles.items():
        factor = CRITICAL if role.get("critical") else 1
        short = max(0, units(role["fte"]) - covered[rid])
        lack = max(0, int(role.get("backups", 1)) - backed[rid])
        uncovered += short
        uncovered_w += factor * short
        missing += lack
        missing_w += factor * lack

    terms = soft_terms(instance, holders, backups, learners)
    soft = sum(w.soft[name] * value for name, value in terms.items())
    return {
        "J": w.cover * uncovered_w + w.backup * missing_w + soft,
        "soft": soft,
        "terms": terms,
        "uncovered_units": uncovered,
        "missing_backups": missing,
    }


def soft_terms(
    instance: dict,
    holders: dict[tuple[str, str], int],
    backups: set[tuple[str, str]],
    learners: set[tuple[str, str]],
) -> dict[str, int]:
    """Raw amount of every soft term, as ommen_rollen.solver.rules_soft counts it."""
    choice: dict[tuple[str, str], str] = {}
    score: dict[tuple[str, str], int] = {}
    for p in instance.get("preferences", []):
        pair = (p["employee"], p["role"])
        if p.get("choice") is not None:
            choice[pair] = p["choice"]
        else:
            s = int(p.get("score") or 0)
            choice[pair] = "want" if s > 0 else "avoid" if s < 0 else "neutral"
        if p.get("score") is not None:
            score[pair] = int(p["score"])
    missed: dict[str, int] = defaultdict(int)
    want = avoid = learn = 0
    for pair, c in choice.items():
        held = pair in holders
        if c == "want" and not held:
            want += 1
            missed[pair[0]] += 1
        elif c == "avoid" and held:
            avoid += 1
        elif c == "learn" and not held and pair not in learners:
            learn += 1
            missed[pair[0]] += 1
    continuity = 0
    for p in instance.get("previous", []):
        pair = (p["employee"], p["role"])
        kind = p.get("kind", "holder")
        if (kind == "holder" and pair not in holders) or (
            kind == "backup" and pair not in backups
        ):
            continuity += 1
    held_by: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (e, r), share in holders.items():
        held_by[r].append((e, share))
    stand_in: dict[tuple[str, str], int] = defaultdict(int)
    for b, r in backups:
        for h, share in held_by[r]:
            stand_in[h, b] += share
    worst = max(stand_in.values(), default=0)
    return {
        "want": want,
        "avoid": avoid,
        "score": -sum(s for pair, s in score.items() if pair in holders),
        "learn": learn,
        "continuity": continuity,
        "fairness": max(missed.values(), default=0),
        "fragments": len(holders),
        "backup_spread": -(-worst // SPREAD_UNIT) if backups else 0,
    }


def previous_plan(instance: dict) -> dict:
    """Last period's plan carried over unchanged (the do-nothing baseline).

    Entries of unavailable employees and removed roles drop out; holder shares are
    cut to the role's fte; what is left open is reported as uncovered or missing.
    """
    roles = {r["id"]: r for r in instance["roles"]}
    available = {e["id"] for e in instance["employees"] if e.get("available", True)}
    assignments: list[dict] = []
    covered: dict[str, int] = defaultdict(int)
    backed: dict[str, int] = defaultdict(int)
    held: set[tuple[str, str]] = set()
    for p in instance.get("previous", []):
        if p["employee"] not in available or p["role"] not in roles:
            continue
        kind = p.get("kind", "holder")
        if kind != "holder":
            continue
        rid = p["role"]
        room = units(roles[rid]["fte"]) - covered[rid]
        share = min(units(p["fte"]) if p.get("fte") is not None else room, room)
        if share <= 0:
            continue
        covered[rid] += share
        held.add((p["employee"], rid))
        assignments.append(
            {"employee": p["employee"], "role": rid, "kind": "holder",
             "fte": _fte(share)}
        )  # fmt: skip
    for p in instance.get("previous", []):
        rid = p["role"]
        if p.get("kind") != "backup" or p["employee"] not in available:
            continue
        if rid not in roles or (p["employee"], rid) in held:
            continue
        if backed[rid] >= int(roles[rid].get("backups", 1)):
            continue
        backed[rid] += 1
        assignments.append({"employee": p["employee"], "role": rid, "kind": "backup"})
    return plan_from_assignments(
        {rid: units(r["fte"]) for rid, r in roles.items()},
        {rid: int(r.get("backups", 1)) for rid, r in roles.items()},
        assignments,
        why_uncovered="Niet ingevuld in de vorige periode.",
        why_missing="Geen vervanger in de vorige periode.",
    )


def plan_from_assignments(
    role_fte: dict[str, int],
    backups_needed: dict[str, int],
    assignments: list[dict],
    *,
    why_uncovered: str,
    why_missing: str,
) -> dict:
    """A plan v1 of these assignments, its shortfalls computed from them (not from a
    model's slack): what each role's holders leave open, the backups it lacks."""
    covered: dict[str, int] = defaultdict(int)
    backed: dict[str, set[str]] = defaultdict(set)
    for a in assignments:
        if a["kind"] == "holder":
            covered[a["role"]] += units(a["fte"])
        elif a["kind"] == "backup":
            backed[a["role"]].add(a["employee"])
    uncovered = [
        {"role": r, "fte": _fte(fte - covered[r]), "reason": why_uncovered}
        for r, fte in role_fte.items()
        if fte > covered[r]
    ]
    missing = [
        {"role": r, "missing": n - len(backed[r]), "reason": why_missing}
        for r, n in backups_needed.items()
        if n > len(backed[r])
    ]
    return {
        "version": 1,
        "status": "feasible",
        "assignments": assignments,
        "uncovered": uncovered,
        "missing_backups": missing,
        "objective": {},
        "metrics": {},
        "explanations": {},
        "vulnerability": {},
    }


def _fte(units_: int) -> float:
    from ommen_rollen.domain import fte_to_decimal

    return float(fte_to_decimal(units_))
