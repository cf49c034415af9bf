"""Large organisations in blocks: solve groups of people and roles on their own,
then join.

The blocks come from the holding relaxation (flow.py): the people and roles its
solution connects can cover their own roles, so each block has the capacity its
roles need (blocks by cluster did not: 2.4-3.5 fte per block of 230 people was
uncoverable even in the relaxation, measured at 600 people). Groups are merged into
blocks of about BLOCK_EMPLOYEES people. Each block is an ordinary instance (its
employees, roles, wishes, pins and previous plan) solved by the joint search for a
complete plan from the warm start's part in it; the plans are joined, the backups
are re-chosen over the whole organisation, and solve.py goes on over the whole
organisation from there (a role may then move to anyone eligible).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ..domain import AssignmentKind
from .bounds import lower_bounds
from .candidate import Candidate, warm_start
from .eligibility import Facts, facts_of
from .flow import Flow, groups, holding_flow
from .greedy import greedy_backups
from .hints import better
from .instance import Forbid, Instance
from .runner import Runner
from .search import HUGE_FROM, polish_backups, search_joint
from .submodel import restricted, sub_instance

BLOCK_EMPLOYEES = 200  # about the size the joint model covers in a second or two
# employees from which an organisation is solved in blocks: below it the whole
# model's repair rounds do better (at 600 people, 30 s: blocks cost 10 s and left
# 5.3 fte uncovered where the rounds over everyone covered all); from it they do
# not get through presolve in time (search.py)
BLOCKS_FROM = HUGE_FROM
BLOCK_SHARE = 0.5  # of the budget left for all blocks together


def needs_blocks(facts: Facts) -> bool:
    """Solve in blocks from BLOCKS_FROM available employees on."""
    available = sum(1 for e in facts.employees.values() if e.available)
    return available >= BLOCKS_FROM


def partition(facts: Facts, flow: Flow) -> list[tuple[set[str], set[str]]]:
    """(employees, roles) per block; every role and every employee in one block.
    The holding relaxation's groups (flow.py), which can each cover their own
    roles, are merged into blocks of at most BLOCK_EMPLOYEES people, most
    connected first (eligibility across groups, so a block has room to move work);
    people without flow (spare capacity) and roles without flow join the block
    where they could do or find most."""
    found = groups(facts, flow)
    proper = [g for g in found if g[0] and g[1]]
    spare_people = [e for people, roles in found if not roles for e in people]
    spare_roles = [r for people, roles in found if not people for r in roles]
    group_of: dict[str, int] = {}
    for i, (people, roles) in enumerate(proper):
        for x in (*people, *roles):
            group_of[x] = i
    links: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for e, r in facts.holder_pairs:
        a, b = group_of.get(e), group_of.get(r)
        if a is not None and b is not None and a != b:
            links[a][b] += 1
            links[b][a] += 1
    blocks: list[tuple[set[str], set[str]]] = []
    block_of_group: dict[int, int] = {}
    order = sorted(
        range(len(proper)), key=lambda i: (-len(proper[i][0]), min(proper[i][1]))
    )
    for i in order:
        people, roles = proper[i]
        score: dict[int, int] = defaultdict(int)
        for j, n in links[i].items():
            k = block_of_group.get(j)
            if k is not None and len(blocks[k][0]) + len(people) <= BLOCK_EMPLOYEES:
                score[k] += n
        if score:
            k = max(score.items(), key=lambda kv: (kv[1], -kv[0]))[0]
        else:
            fits = [
                k
                for k, block in enumerate(blocks)
                if len(block[0]) + len(people) <= BLOCK_EMPLOYEES
            ]
            k = min(fits, key=lambda k: len(blocks[k][0])) if fits else len(blocks)
            if k == len(blocks):
                blocks.append((set(), set()))
        block_of_group[i] = k
        blocks[k][0].update(people)
        blocks[k][1].update(roles)
    if not blocks:
        return [(set(facts.employees), set(facts.roles))]
    _place_spares(facts, blocks, spare_people, spare_roles)
    return sorted(blocks, key=lambda b: min(b[1]))


def _place_spares(
    facts: Facts,
    blocks: list[tuple[set[str], set[str]]],
    people: list[str],
    roles: list[str],
) -> None:
    """Spare people to the block whose roles they could hold most of; roles the
    relaxation leaves uncovered to the block with most people who may hold them."""
    block_of = {r: k for k, (_, rs) in enumerate(blocks) for r in rs}
    weight: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for e, r in facts.holder_pairs:
        k = block_of.get(r)
        if k is not None:
            weight[e][k] += facts.roles[r].fte
    for e in sorted(people):
        options = weight[e]
        k = (
            max(options.items(), key=lambda kv: (kv[1], -kv[0]))[0]
            if options
            else min(range(len(blocks)), key=lambda k: len(blocks[k][0]))
        )
        blocks[k][0].add(e)
    home = {e: k for k, (ps, _) in enumerate(blocks) for e in ps}
    able: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for e, r in facts.holder_pairs:
        if e in home:
            able[r][home[e]] += facts.max_share(e, r)
    for r in sorted(roles):
        options = able[r]
        k = max(options.items(), key=lambda kv: (kv[1], -kv[0]))[0] if options else 0
        blocks[k][1].add(r)


def holders_only(instance: Instance) -> Instance:
    """The instance without backups: blocks choose holders and learners, the
    backups are chosen over the whole organisation (a backup may work anywhere).
    A pinned backup may neither hold nor learn that role here, so the pin can
    still be kept afterwards."""
    pinned = [p for p in instance.pins if p.kind == AssignmentKind.BACKUP]
    return replace(
        instance,
        roles=tuple(replace(r, backups=0) for r in instance.roles),
        pins=tuple(p for p in instance.pins if p.kind != AssignmentKind.BACKUP),
        previous=tuple(p for p in instance.previous if p.kind != AssignmentKind.BACKUP),
        forbid=(
            *instance.forbid,
            *(Forbid(p.employee, p.role, kind) for p in pinned for kind in KEEP_FREE),
        ),
    )


KEEP_FREE = (
    AssignmentKind.HOLDER,
    AssignmentKind.LEARNER,
)  # what a pinned backup may not be in a block


def solve_in_blocks(facts: Facts, runner: Runner, start: Candidate) -> Candidate:
    """Join the blocks' plans; falls back to ``start`` where a block finds nothing
    better. A holder pin is in its role's block (flow.py keeps its share); learner
    and backup pins across blocks stay with the whole-organisation search."""

    instance = facts.instance
    blocks = partition(facts, holding_flow(facts))
    budget = runner.remaining() * BLOCK_SHARE
    block_facts_all = [
        facts_of(
            holders_only(
                sub_instance(instance, people, roles, name=f"{instance.name} (blok)")
            )
        )
        for people, roles in blocks
    ]
    total_pairs = sum(max(len(f.holder_pairs), 1) for f in block_facts_all)
    joined = Candidate()
    for block_facts in block_facts_all:
        if runner.cancelled or runner.out_of_time():
            return start
        share = budget * max(len(block_facts.holder_pairs), 1) / total_pairs
        block_start = better(
            block_facts,
            restricted(start, block_facts),
            warm_start(block_facts),
        )
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
    joined.backups = greedy_backups(facts, joined.holders, joined.learners)
    # fewest missing backups only: the soft terms come after, over the whole plan
    joined, _ = polish_backups(
        facts, runner, joined, budget=runner.remaining() * 0.2, soft=False
    )
    runner.report("blocks", joined.uncovered(facts), joined.missing(facts))
    return joined
