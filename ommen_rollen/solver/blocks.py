"""Large organisations in blocks: solve groups of clusters on their own, then join.

A block is a set of roles (whole clusters) with the employees who mostly work there:
each employee goes to the cluster where the roles they may hold weigh most, and
clusters are merged, most connected first, until a block has about BLOCK_EMPLOYEES
people. Each block is an ordinary instance (its employees, roles, wishes, pins and
previous plan) solved by the joint search for a complete plan; the plans are joined,
the backups are re-chosen over the whole organisation, and solve.py goes on over the
whole organisation from there (a role may then move to anyone eligible).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from .bounds import lower_bounds
from .candidate import Candidate, warm_start
from .eligibility import Facts, facts_of
from .instance import Assignment, Effort, Forbid, Instance, Preference
from .runner import Runner
from .search import polish_backups, search_joint

BLOCK_EMPLOYEES = 120  # about the size the joint model completes in a second or two
BLOCKS_FROM = 250  # employees from which an organisation is solved in blocks
BLOCK_SHARE = 0.5  # of the budget left for all blocks together


def needs_blocks(facts: Facts) -> bool:
    """Solve in blocks from BLOCKS_FROM available employees on."""
    available = sum(1 for e in facts.employees.values() if e.available)
    return available >= BLOCKS_FROM


def partition(
    facts: Facts, start: Candidate | None = None
) -> list[tuple[set[str], set[str]]]:
    """(employees, roles) per block; every role and every employee in one block.
    An employee's home is the cluster where ``start`` gives them most work (so each
    block keeps the capacity its roles had there), else where the roles they may
    hold weigh most."""
    weight: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e, r in facts.holder_pairs:
        weight[e][facts.roles[r].cluster] += facts.roles[r].fte
    if start is not None:
        for (e, r), share in start.holders.items():
            # outweighs every eligibility weight
            weight[e][facts.roles[r].cluster] += share * len(facts.roles) * 10
    home: dict[str, str] = {}
    for e in facts.employees:
        if weight[e]:
            home[e] = max(weight[e].items(), key=lambda kv: (kv[1], kv[0]))[0]
    clusters: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for r, role in facts.roles.items():
        clusters[role.cluster][1].add(r)
    for e, c in home.items():
        clusters[c][0].add(e)
    # links[a][b]: fte of cluster b's roles that cluster a's people may hold
    links: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e, r in facts.holder_pairs:
        a, b = home.get(e), facts.roles[r].cluster
        if a is not None and a != b:
            links[a][b] += 1
            links[b][a] += 1
    groups: dict[str, set[str]] = {c: {c} for c in clusters}
    size = {c: len(clusters[c][0]) for c in clusters}
    owner = {c: c for c in clusters}
    while True:
        small = sorted(
            (g for g in groups if size[g] < BLOCK_EMPLOYEES), key=lambda g: size[g]
        )
        if len(small) < 2:
            break
        g = small[0]
        score: dict[str, int] = defaultdict(int)
        for c in groups[g]:
            for other, n in links[c].items():
                h = owner[other]
                if h != g and size[h] + size[g] <= 2 * BLOCK_EMPLOYEES:
                    score[h] += n
        target = max(score.items(), key=lambda kv: (kv[1], kv[0]))[0] if score else None
        if target is None:
            target = next(h for h in small[1:])
        groups[target] |= groups.pop(g)
        size[target] += size.pop(g)
        for c in groups[target]:
            owner[c] = target
    blocks = []
    for members in groups.values():
        people: set[str] = set()
        roles: set[str] = set()
        for c in members:
            people |= clusters[c][0]
            roles |= clusters[c][1]
        blocks.append((people, roles))
    return sorted(blocks, key=lambda b: min(b[1]))


def _with_pins(
    blocks: list[tuple[set[str], set[str]]], instance: Instance
) -> list[tuple[set[str], set[str]]]:
    """Move each pinned employee into the block of their pinned role (the first
    pin decides when pins point at several blocks; the rest stay with the
    whole-organisation search)."""
    block_of_role = {r: i for i, (_, roles) in enumerate(blocks) for r in roles}
    placed: set[str] = set()
    for p in instance.pins:
        if p.employee in placed:
            continue
        placed.add(p.employee)
        for people, _ in blocks:
            people.discard(p.employee)
        blocks[block_of_role[p.role]][0].add(p.employee)
    return blocks


def sub_instance(instance: Instance, people: set[str], roles: set[str]) -> Instance:
    """The instance restricted to a block's employees and roles."""

    def inside(x: Preference | Assignment | Forbid | Effort) -> bool:
        return x.employee in people and x.role in roles

    return replace(
        instance,
        name=f"{instance.name} (blok)",
        employees=tuple(e for e in instance.employees if e.id in people),
        roles=tuple(r for r in instance.roles if r.id in roles),
        preferences=tuple(p for p in instance.preferences if inside(p)),
        previous=tuple(p for p in instance.previous if inside(p)),
        pins=tuple(p for p in instance.pins if inside(p)),
        forbid=tuple(f for f in instance.forbid if inside(f)),
        effort=tuple(x for x in instance.effort if inside(x)),
    )


def solve_in_blocks(facts: Facts, runner: Runner, start: Candidate) -> Candidate:
    """Join the blocks' plans (pins across blocks stay with the whole-organisation
    search); falls back to ``start`` where a block finds nothing better."""

    instance = facts.instance
    blocks = _with_pins(partition(facts, start), instance)
    budget = runner.remaining() * BLOCK_SHARE
    block_facts_all = [
        facts_of(sub_instance(instance, people, roles)) for people, roles in blocks
    ]
    total_pairs = sum(max(len(f.holder_pairs), 1) for f in block_facts_all)
    joined = Candidate()
    for block_facts in block_facts_all:
        if runner.cancelled:
            return start
        share = budget * max(len(block_facts.holder_pairs), 1) / total_pairs
        block_start = warm_start(block_facts)
        bounds = lower_bounds(
            block_facts,
            time_limit_s=min(1.0, 0.2 * share),
            workers=runner.workers or 2,
            deterministic=runner.deterministic,
            hint=block_start.backups,
        )
        sub = runner.sub_budget(share)
        result = search_joint(block_facts, sub, bounds, block_start, soft=False)
        runner.absorb(sub)
        joined.holders.update(result.plan.holders)
        joined.learners |= result.plan.learners
        joined.backups |= result.plan.backups
    joined, _ = polish_backups(facts, runner, joined, budget=runner.remaining() * 0.2)
    runner.report("blocks", joined.uncovered(facts), joined.missing(facts))
    return joined
