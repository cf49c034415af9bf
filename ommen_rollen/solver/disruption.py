"""What a re-plan changes against the plan it starts from (the instance's
``previous`` holder assignments): the facts both the model (rules_soft.py) and the
evaluation (evaluate.py) count the disruption terms from, so the two agree.

- ``disruption_fte``: per employee and role, |new share - previous share| in fte
  units, summed (a role moved from one person to another counts twice: once for
  the one who loses it, once for the one who gains it);
- ``disruption_people``: employees whose held roles or shares change at all;
- ``takeover``: every new holder assignment by someone who was not a backup of
  that role in the previous plan (the role's vervangers are first in line).
"""

from __future__ import annotations

from collections.abc import Mapping

from .instance import Instance

Pair = tuple[str, str]

DISRUPTION_TERMS = ("disruption_fte", "disruption_people", "takeover")


def previous_shares(instance: Instance) -> dict[Pair, int]:
    """Previous holder share per (employee, role) in units; a previous holder
    without an fte counts as holding the whole role."""
    roles = instance.role_by_id
    shares: dict[Pair, int] = {}
    for p in instance.previous:
        if p.kind == "holder" and p.role in roles:
            shares[p.employee, p.role] = (
                p.fte if p.fte is not None else roles[p.role].fte
            )
    return shares


def previous_backups(instance: Instance) -> set[Pair]:
    return {(p.employee, p.role) for p in instance.previous if p.kind == "backup"}


def changed_units(previous: Mapping[Pair, int], holders: Mapping[Pair, int]) -> int:
    """disruption_fte of a plan: the changed share units over all pairs."""
    return sum(
        abs(holders.get(pair, 0) - previous.get(pair, 0))
        for pair in set(previous) | set(holders)
    )


def changed_people(
    previous: Mapping[Pair, int], holders: Mapping[Pair, int]
) -> set[str]:
    """disruption_people of a plan: employees with any holder share changed."""
    return {
        pair[0]
        for pair in set(previous) | set(holders)
        if holders.get(pair, 0) != previous.get(pair, 0)
    }


def takeovers(
    previous: Mapping[Pair, int], backups: set[Pair], holders: Mapping[Pair, int]
) -> int:
    """takeover of a plan: new holder pairs whose employee was not a backup."""
    return sum(1 for pair in holders if pair not in previous and pair not in backups)
