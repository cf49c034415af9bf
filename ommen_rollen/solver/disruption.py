"""What a re-plan changes against the plan it starts from (the instance's
``previous`` holder assignments): the facts both the model (rules_soft.py) and the
evaluation (evaluate.py) count the disruption terms from, so the two agree.

- ``disruption_fte``: per employee and role, |new share - previous share| in fte
  units, summed (a role moved from one person to another counts twice: once for
  the one who loses it, once for the one who gains it);
- ``disruption_people``: employees whose held roles or shares change at all;
- ``takeover``: every new holder assignment by someone who was not a backup of
  that role in the previous plan (the role's vervangers are first in line).

``knock_on`` says which changed holder pairs follow from the change itself (a chain
from a role of the change through the people who took work over and the roles they
gave up for it) and which do not (the benchmark's "outside the knock-on").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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


@dataclass(frozen=True)
class KnockOn:
    """Which changes of a re-plan follow from its change (knock_on())."""

    roles: frozenset[str]  # the roles on a chain from the change
    people: frozenset[str]  # the people on a chain from the change
    outside: frozenset[Pair]  # changed holder pairs on no such chain
    outside_backups: frozenset[Pair] = frozenset()  # changed backup pairs, idem

    @property
    def outside_roles(self) -> frozenset[str]:
        """Changed roles with a holder change on no chain from the change."""
        return frozenset(r for _, r in self.outside)

    @property
    def outside_people(self) -> frozenset[str]:
        """Changed people with a change (holder or backup) on no chain from the
        change: werkplannen changed for nothing the change asked."""
        return frozenset(e for e, _ in self.outside | self.outside_backups)


def knock_on(
    previous: Mapping[Pair, int],
    holders: Mapping[Pair, int],
    *,
    people: Iterable[str] = (),
    roles: Iterable[str] = (),
    previous_backups: Iterable[Pair] = (),
    backups: Iterable[Pair] = (),
) -> KnockOn:
    """The knock-on of a change to ``people`` (absent, another contract, hired)
    and ``roles`` (added, removed, resized) in a plan ``holders`` (and
    ``backups``) re-planned from ``previous`` (holder shares per (employee, role)
    in units, and ``previous_backups``).

    A chain starts at a role of the change: a changed role, or one a changed
    person held or backed up. Someone who gains a share or a backup duty of a
    chain role is on the chain, and so is every role they lose a share or a
    backup duty of (they gave it up to take the work over), whose new holders and
    backups are on it in turn, and so on. A changed pair is knock-on when both its
    person and its role are on a chain; every other changed pair is outside: a
    move the change did not cause (someone gains a role or duty nobody gave up
    for the change, or loses one without taking anything of the change over)."""
    before_backups, after_backups = set(previous_backups), set(backups)
    chain_people = set(people)
    chain_roles = set(roles) | {
        r for e, r in set(previous) | before_backups if e in chain_people
    }
    changed = [  # (pair, gained) for every changed holder share and backup duty
        (pair, holders.get(pair, 0) > previous.get(pair, 0))
        for pair in set(previous) | set(holders)
        if holders.get(pair, 0) != previous.get(pair, 0)
    ]
    changed += [
        (pair, pair in after_backups) for pair in before_backups ^ after_backups
    ]
    grown = True
    while grown:
        grown = False
        for (e, r), gained in changed:
            if gained and r in chain_roles and e not in chain_people:
                chain_people.add(e)
                grown = True
            elif not gained and e in chain_people and r not in chain_roles:
                chain_roles.add(r)
                grown = True

    def off_chain(pairs: Iterable[Pair]) -> frozenset[Pair]:
        return frozenset(
            (e, r) for e, r in pairs if e not in chain_people or r not in chain_roles
        )

    return KnockOn(
        frozenset(chain_roles),
        frozenset(chain_people),
        off_chain(
            p
            for p in set(previous) | set(holders)
            if holders.get(p, 0) != previous.get(p, 0)
        ),
        off_chain(before_backups ^ after_backups),
    )
