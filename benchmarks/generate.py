"""Realistic benchmark instances (instance format v1), deterministic by seed.

An instance is built around a *planted* plan: employees first (rompfunctie mix of
the houtskoolschets, part-time contracts, competences), then roles carved out of
their capacity, so every role has eligible holders and backups in a known plan.
The planted plan proves that a ``normal`` or ``tight`` instance can be fully
covered with all backups; the ``infeasible`` variant adds a little more work than
the available staff can do, which no plan can cover.

Variants:

- ``normal``: utilisation (role fte / available fte) drawn in 90-97 %, the range
  of a real round (Ommen: 44.5 fte of work for 45 fte of staff).
- ``tight``: every available employee's capacity is used by the planted plan:
  utilisation is exactly 100 % and the instance is just feasible.
- ``infeasible``: the ``tight`` instance with 0.05 fte more work in one role and
  no "faster specialist" efforts, so total work exceeds total capacity.

Fte is handled in integer units (``FTE_SCALE``) and written with at most four
decimals. The same (tier, seed, variant) gives the same JSON on every machine:
all randomness comes from one ``random.Random`` seeded with a string.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from ommen_rollen.domain import fte_to_decimal

TIERS: dict[str, tuple[int, int]] = {
    "S": (50, 100),
    "M": (200, 600),
    "L": (600, 2000),
    "XL": (2000, 7000),
}
"""Tier -> (employees, roles), the sizes of issue 4."""

VARIANTS = ("normal", "tight", "infeasible", "shared", "shared-tight")
"""``shared`` and ``shared-tight`` are ``normal`` and ``tight`` with one competence
vocabulary across the whole organisation (as in a merged service): blocks do not
specialise their competences, so the eligibility graph is one connected component."""

MAX_BACKUP_SHARE = Decimal("1.5")
"""settings.max_backup_share of generated instances: with 1-2 backups per role and
90-100 % utilisation, backup duty adds up to about 1.3 times the staff's fte, so a
cap of 1.0 could never be met; 1.5 leaves room without making backups trivial."""

HANDFUL = 12
"""Roles open to more people than this get one more required competence."""

BLOCK_SIZE = 50
"""Employees per Ommen-sized block; larger tiers are several blocks whose competences
are specialisations of the same topics, so each role stays open to a handful."""

# Rompfunctie mix of houtskoolschets 6.3 (fte per function, 45 in total).
BASE_FUNCTION_MIX = {"A": 11, "B": 16, "C": 6, "D": 8, "E": 4}

# Contract sizes in hours of a 36-hour week -> fte units (0.5556 .. 1.0 fte).
CONTRACTS = [(5556, 6), (6667, 10), (7778, 14), (8889, 30), (10000, 40)]

CLUSTERS = {
    "Concern en Ondersteuning": {
        "workload": Decimal("13"),
        "topics": [
            "bestuurssecretariaat",
            "administratieve ondersteuning",
            "concern control",
            "communicatie",
            "hrm",
        ],
        "kinds": ["Ondersteuning", "Advies", "Beheer", "Secretariaat"],
        "functions": ["D", "C", "B"],
    },
    "Regie en Coördinatie": {
        "workload": Decimal("15.5"),
        "topics": [
            "omgevingsproducten",
            "handhaving en ruimtelijke ordening",
            "sociaal domein",
            "financiën",
            "ict en informatievoorziening",
            "publiekszaken",
            "openbaar gebied en infrastructuur",
            "gebouwen en eigendommen",
            "sport",
        ],
        "kinds": ["Regie", "Opdrachtgeverschap", "Contractbeheer", "Advies"],
        "functions": ["B", "C"],
    },
    "Beleid en Ontwikkeling": {
        "workload": Decimal("12"),
        "topics": [
            "economie",
            "recreatie en toerisme",
            "agrofood en natuur",
            "sociaal beleid",
            "participatie",
        ],
        "kinds": ["Beleid", "Visie", "Programma", "Netwerk"],
        "functions": ["A", "B"],
    },
    "Management en sturing": {
        "workload": Decimal("4"),
        "topics": ["leidinggeven"],
        "kinds": ["Spilfunctie", "Coördinatie", "Sturing"],
        "functions": ["E", "A"],
    },
}
GENERIC_COMPETENCES = ["regievoering", "projectmanagement", "beleidsontwikkeling"]
HOME_CLUSTER = {  # rompfunctie -> (cluster, weight)
    "A": [("Beleid en Ontwikkeling", 7), ("Regie en Coördinatie", 3)],
    "B": [("Regie en Coördinatie", 6), ("Concern en Ondersteuning", 2),
          ("Beleid en Ontwikkeling", 2)],
    "C": [("Regie en Coördinatie", 5), ("Concern en Ondersteuning", 5)],
    "D": [("Concern en Ondersteuning", 8), ("Regie en Coördinatie", 2)],
    "E": [("Management en sturing", 1)],
}  # fmt: skip
NEIGHBOUR_FUNCTION = {"A": "B", "B": "A", "C": "B", "D": "C", "E": "A"}

FIRST_NAMES = (
    "Anouk Bram Carlijn Daan Esther Freek Gerda Hans Iris Jeroen Karin Lars Marloes "
    "Niels Olga Pieter Quinten Roos Sander Tineke Ugo Vera Wouter Xandra Yvonne Zeger "
    "Anke Bas Cor Dineke Erik Fleur Gijs Hanneke Ilse Joost Kees Lotte Mark Nienke"
).split()
LAST_NAMES = (
    "de Vries|Jansen|Bakker|Visser|Smit|Meijer|de Boer|Mulder|de Groot|Bos|Vos|"
    "Peters|Hendriks|van Dijk|Dekker|Brouwer|de Wit|Dijkstra|Smits|de Graaf|"
    "van der Meer|Kok|Jacobs|Vermeulen|Schouten|Nijland|Kroeze|Ten Have|Slagman|"
    "Oosterhof"
).split("|")


@dataclass
class _Employee:
    id: str
    name: str
    fte: int
    base_function: str
    block: int
    cluster: str
    competences: dict[str, int]
    available: bool = True
    reserved: int = 0
    max_roles: int | None = None
    free: int = 0  # capacity left in the planted plan
    backup_free: int = 0  # backup duty left in the planted plan
    planted: list[str] = field(default_factory=list)  # role ids held

    @property
    def capacity(self) -> int:
        return self.fte - self.reserved if self.available else 0


@dataclass
class _Role:
    id: str
    name: str
    cluster: str  # display name (with the block number in larger tiers)
    home: str  # plain cluster name, for packing locality
    block: int
    topic: str
    fte: int
    holders: dict[str, int] = field(default_factory=dict)  # planted employee -> share
    base_functions: set[str] = field(default_factory=set)
    requires: dict[str, int] = field(default_factory=dict)
    backups: int = 1
    planted_backups: list[str] = field(default_factory=list)
    max_holders: int = 1
    min_share: int | None = None
    critical: bool = False


def _fte(units: int) -> float:
    """Units as a JSON number with at most four decimals (exact via Decimal)."""
    return float(fte_to_decimal(units))


def _weighted(rng: random.Random, pairs: list[tuple[str, int]] | list[tuple[int, int]]):
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return rng.choices(values, weights=weights, k=1)[0]


def _competence_name(topic: str, block: int, shared: bool = False) -> str:
    """Topic specialisation per block: block 0 keeps the plain Ommen name (every
    block does with a ``shared`` vocabulary)."""
    return topic if block == 0 or shared else f"{topic} ({block + 1})"


def _cluster_name(cluster: str, block: int) -> str:
    return cluster if block == 0 else f"{cluster} {block + 1}"


def _make_employees(
    rng: random.Random, n: int, blocks: int, shared: bool = False
) -> list[_Employee]:
    functions = list(BASE_FUNCTION_MIX.items())
    employees = []
    for i in range(n):
        block = i * blocks // n
        bf = _weighted(rng, functions)
        cluster = _weighted(rng, HOME_CLUSTER[bf])
        topics = CLUSTERS[cluster]["topics"]
        competences: dict[str, int] = {}
        for topic in rng.sample(topics, k=min(len(topics), rng.choice([2, 2, 3]))):
            home = block if rng.random() < 0.8 or blocks == 1 else rng.randrange(blocks)
            name = _competence_name(topic, home, shared)
            competences[name] = rng.choice([1, 2, 2, 3])
        if rng.random() < 0.35:  # a side competence from another cluster
            other = rng.choice([c for c in CLUSTERS if c != cluster])
            topic = rng.choice(CLUSTERS[other]["topics"])
            name = _competence_name(topic, block, shared)
            competences.setdefault(name, rng.choice([1, 2]))
        for generic in GENERIC_COMPETENCES:
            if rng.random() < 0.45:
                competences[generic] = rng.choice([1, 2, 3])
        employees.append(
            _Employee(
                id=f"m{i + 1:04d}",
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                fte=_weighted(rng, CONTRACTS),
                base_function=bf,
                block=block,
                cluster=cluster,
                competences=competences,
                available=rng.random() > 0.03,
                reserved=rng.choice([1000, 2000]) if rng.random() < 0.08 else 0,
            )
        )
    return employees


def _role_sizes(rng: random.Random, n: int, total: int) -> list[int]:
    """n role sizes (multiples of 0.05 fte) that add up to about ``total`` units."""
    raw = [rng.lognormvariate(0, 0.6) for _ in range(n)]
    scale = total / sum(raw)
    return [max(500, min(10_000, round(r * scale / 500) * 500)) for r in raw]


def _plant_holders(
    rng: random.Random, employees: list[_Employee], roles: list[_Role]
) -> None:
    """Worst-fit decreasing packing of role fte into employee capacity, local first."""
    by_place: dict[tuple[int, str], list[_Employee]] = {}
    by_block: dict[int, list[_Employee]] = {}
    for e in employees:
        if e.capacity > 0:
            by_place.setdefault((e.block, e.cluster), []).append(e)
            by_block.setdefault(e.block, []).append(e)
    everyone = [e for e in employees if e.capacity > 0]
    for role in sorted(roles, key=lambda r: -r.fte):
        pools = [by_place.get((role.block, role.home), []), by_block[role.block]]
        pools.append(everyone)
        placed = False
        for pool in pools:
            fits = [e for e in pool if e.free >= role.fte]
            if fits:
                best = max(fits, key=lambda e: (e.free, rng.random()))
                role.holders[best.id] = role.fte
                best.free -= role.fte
                placed = True
                break
        if placed:
            continue
        # Split over the two employees with the most room (a splittable role).
        first, second = sorted(everyone, key=lambda e: -e.free)[:2]
        share1 = min(first.free, role.fte - 500) // 100 * 100
        share2 = min(second.free, role.fte - share1)
        if share1 >= 500 and share2 >= 500:
            role.fte = share1 + share2
            role.holders = {first.id: share1, second.id: share2}
            first.free -= share1
            second.free -= share2
        else:  # shrink the role to what the roomiest employee can still take
            share = first.free
            if share <= 0:
                role.fte = 0
                continue
            role.fte = share
            role.holders = {first.id: share}
            first.free -= share
    by_id = employees_by_id(employees)
    for role in roles:
        for emp_id in role.holders:
            by_id[emp_id].planted.append(role.id)


def employees_by_id(employees: list[_Employee]) -> dict[str, _Employee]:
    return {e.id: e for e in employees}


class _Eligibility:
    """Fast eligibility counts: employees indexed by rompfunctie and competence."""

    def __init__(self, employees: list[_Employee]) -> None:
        self.by_function: dict[str, set[str]] = {}
        self.by_competence: dict[tuple[str, int], set[str]] = {}
        for e in employees:
            if not e.available:
                continue
            self.by_function.setdefault(e.base_function, set()).add(e.id)
            for name, level in e.competences.items():
                for lv in range(1, level + 1):
                    self.by_competence.setdefault((name, lv), set()).add(e.id)

    def eligible(self, role: _Role) -> set[str]:
        result: set[str] = set()
        for bf in role.base_functions:
            result |= self.by_function.get(bf, set())
        for name, level in role.requires.items():
            result &= self.by_competence.get((name, level), set())
        return result


def _set_requirements(
    rng: random.Random, role: _Role, employees: dict[str, _Employee], elig: _Eligibility
) -> None:
    """Requirements every planted holder meets, loosened until a handful qualify."""
    holders = [employees[h] for h in role.holders]
    role.base_functions = {h.base_function for h in holders}
    common = set(holders[0].competences)
    for h in holders[1:]:
        common &= set(h.competences)
    topical = sorted(c for c in common if c.split(" (")[0] == role.topic)
    others = sorted(common - set(topical) - set(GENERIC_COMPETENCES))
    generic = sorted(common & set(GENERIC_COMPETENCES))
    picks = topical[:1] or others[:1]
    if generic and rng.random() < 0.4:
        picks.append(rng.choice(generic))
    for name in picks:
        top = min(h.competences[name] for h in holders)
        role.requires[name] = min(top, rng.choice([1, 2, 2, 3]))
    want = len(role.holders) + role.backups + rng.randint(1, 3)
    # Loosen step by step (each step only adds eligible people), but never below
    # one topical requirement: a role stays open to a handful, not to everyone.
    for _step in range(6):
        if len(elig.eligible(role)) >= want or not _loosen(rng, role):
            break
    # Tighten roles that ended up open to a crowd: one more shared competence.
    spare = sorted(
        common - set(role.requires), key=lambda c: (c in GENERIC_COMPETENCES, c)
    )
    while len(elig.eligible(role)) > HANDFUL and spare:
        name = spare.pop(0)
        role.requires[name] = 1
        if len(elig.eligible(role)) < want:
            del role.requires[name]


def _loosen(rng: random.Random, role: _Role) -> bool:
    """One step wider (False when nothing is left to widen).

    A neighbouring rompfunctie, a lower competence level, the second requirement
    dropped, then any rompfunctie A-D; the topical requirement always stays.
    """
    neighbour = {NEIGHBOUR_FUNCTION[bf] for bf in role.base_functions}
    lowerable = sorted(n for n, lv in role.requires.items() if lv > 1)
    if not neighbour <= role.base_functions:
        role.base_functions |= neighbour
    elif lowerable:
        role.requires[rng.choice(lowerable)] -= 1
    elif len(role.requires) > 1:
        del role.requires[sorted(role.requires)[-1]]
    elif not set("ABCD") <= role.base_functions:
        role.base_functions |= set("ABCD")
    else:
        return False
    return True


def _plant_backups(
    rng: random.Random,
    roles: list[_Role],
    employees: dict[str, _Employee],
    elig: _Eligibility,
) -> None:
    """1-2 backups per role in the planted plan, within the backup-duty cap."""
    order = sorted(roles, key=lambda r: (len(elig.eligible(r)), -r.fte, r.id))
    for role in order:
        for _attempt in range(10):
            candidates = sorted(elig.eligible(role) - set(role.holders))
            rng.shuffle(candidates)
            candidates.sort(key=lambda c: -employees[c].backup_free)
            chosen = [c for c in candidates if employees[c].backup_free >= role.fte]
            if len(chosen) >= role.backups:
                break
            if not _loosen(rng, role):  # nobody with room: open the role wider
                role.requires.clear()  # last resort: a generalist role
        chosen = chosen[: role.backups]
        for c in chosen:
            employees[c].backup_free -= role.fte
        role.planted_backups = chosen
        role.backups = len(chosen)


def generate(tier: str, seed: int = 0, variant: str = "normal") -> dict:
    """An instance (format v1 as a JSON-ready dict) for a tier, seed and variant."""
    return generate_with_plan(tier, seed, variant)[0]


def generate_with_plan(
    tier: str, seed: int = 0, variant: str = "normal"
) -> tuple[dict, dict]:
    """The instance and its planted plan (plan format v1).

    For ``normal`` and ``tight`` the planted plan covers every role with all its
    backups (the proof that the instance is feasible); for ``infeasible`` it lists
    the 0.05 fte that nobody can take as uncovered.
    """
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; choose from {', '.join(TIERS)}")
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose from {VARIANTS}")
    rng = random.Random(f"ommen-rollen/{tier}/{seed}/{variant}")
    shared = variant.startswith("shared")
    name = variant
    variant = {"shared": "normal", "shared-tight": "tight"}.get(variant, variant)
    n_emp, n_roles = TIERS[tier]
    blocks = max(1, n_emp // BLOCK_SIZE)
    employees = _make_employees(rng, n_emp, blocks, shared)
    by_id = employees_by_id(employees)
    capacity = sum(e.capacity for e in employees)
    for e in employees:
        e.free = e.capacity
        # The stricter reading of the cap (x fte minus reserved) keeps the planted
        # plan valid whichever fte the cap is measured against.
        e.backup_free = int(MAX_BACKUP_SHARE * e.capacity)

    target = 0.97 if variant != "normal" else rng.uniform(0.915, 0.965)
    roles = _make_roles(rng, n_roles, blocks, round(capacity * target))
    _plant_holders(rng, employees, roles)
    roles = [r for r in roles if r.fte > 0 and r.holders]
    if variant != "normal":
        _fill_to_capacity(rng, employees, roles)
    for role in roles:
        role.backups = 2 if rng.random() < 0.3 else 1
    elig = _Eligibility(employees)
    for role in roles:
        _set_requirements(rng, role, by_id, elig)
    _plant_backups(rng, roles, by_id, elig)
    _shape_roles(rng, roles)
    if variant == "infeasible":
        victim = rng.choice([r for r in roles if r.max_holders == 1])
        # 0.05 fte (about 2 hours a week) more than anyone has; the planted share
        # stays a valid (partial) holding, so the witness plan just names 0.05.
        victim.min_share = victim.fte
        victim.fte += 500
    backed: dict[str, int] = {}
    for role in roles:
        for emp_id in role.planted_backups:
            backed[emp_id] = backed.get(emp_id, 0) + 1
    for e in employees:
        if rng.random() < 0.25:  # room for the planted roles, whether or not
            e.max_roles = len(e.planted) + backed.get(e.id, 0) + 2  # backups count
    instance = _to_json(rng, tier, seed, variant, employees, roles, elig)
    instance["name"] = f"Benchmark {tier} seed {seed} ({name})"
    # The planted shares are exact units, not whole hours: measure the search with
    # any share allowed, as the baselines model it.
    instance["settings"]["split_step_minutes"] = 0
    return instance, _planted_plan(roles)


def _planted_plan(roles: list[_Role]) -> dict:
    assignments: list[dict] = []
    uncovered: list[dict] = []
    for r in roles:
        for emp_id, share in sorted(r.holders.items()):
            assignments.append(
                {"employee": emp_id, "role": r.id, "kind": "holder", "fte": _fte(share)}
            )
        for emp_id in r.planted_backups:
            assignments.append({"employee": emp_id, "role": r.id, "kind": "backup"})
        short = r.fte - sum(r.holders.values())
        if short:
            uncovered.append(
                {"role": r.id, "fte": _fte(short), "reason": "Niemand heeft ruimte."}
            )
    return {
        "version": 1,
        "status": "feasible",
        "assignments": assignments,
        "uncovered": uncovered,
        "missing_backups": [],
        "objective": {},
        "metrics": {},
        "explanations": {},
        "vulnerability": {},
    }


def _make_roles(
    rng: random.Random, n_roles: int, blocks: int, total: int
) -> list[_Role]:
    workload = {c: spec["workload"] for c, spec in CLUSTERS.items()}
    sizes = _role_sizes(rng, n_roles, total)
    roles = []
    for i, size in enumerate(sizes):
        block = i * blocks // n_roles
        cluster = _weighted(rng, [(c, int(w * 10)) for c, w in workload.items()])
        spec = CLUSTERS[cluster]
        topic = rng.choice(spec["topics"])
        roles.append(
            _Role(
                id=f"r{i + 1:04d}",
                name=f"{rng.choice(spec['kinds'])} {topic}",
                cluster=_cluster_name(cluster, block),
                home=cluster,
                block=block,
                topic=topic,
                fte=size,
            )
        )
    return roles


def _fill_to_capacity(
    rng: random.Random, employees: list[_Employee], roles: list[_Role]
) -> None:
    """Top up planted roles so every available employee is exactly full."""
    held_alone: dict[str, list[_Role]] = {}
    for role in roles:
        if len(role.holders) == 1:
            held_alone.setdefault(next(iter(role.holders)), []).append(role)
    next_id = max(int(r.id[1:]) for r in roles) + 1
    for e in employees:
        if e.capacity <= 0 or e.free <= 0:
            continue
        mine = held_alone.get(e.id)
        if mine:
            role = rng.choice(mine)
            role.fte += e.free
            role.holders[e.id] += e.free
        else:
            role = _Role(
                id=f"r{next_id:04d}",
                name=f"Projectrol {rng.choice(GENERIC_COMPETENCES)}",
                cluster=_cluster_name(e.cluster, e.block),
                home=e.cluster,
                block=e.block,
                topic=rng.choice(CLUSTERS[e.cluster]["topics"]),
                fte=e.free,
                holders={e.id: e.free},
            )
            roles.append(role)
            e.planted.append(role.id)
            next_id += 1
        e.free = 0


def _shape_roles(rng: random.Random, roles: list[_Role]) -> None:
    """Splittability, smallest share and criticality, consistent with the plant."""
    for role in roles:
        shares = list(role.holders.values())
        if len(shares) > 1:
            role.max_holders = rng.choice([2, 2, 3])
            role.min_share = min(min(shares), rng.choice([1000, 2000])) // 100 * 100
        elif role.fte >= 2000 and rng.random() < 0.3:
            role.max_holders = 2
            role.min_share = rng.choice([1000, 2000])
        role.critical = rng.random() < 0.1


def _to_json(
    rng: random.Random,
    tier: str,
    seed: int,
    variant: str,
    employees: list[_Employee],
    roles: list[_Role],
    elig: _Eligibility,
) -> dict:
    by_id = employees_by_id(employees)
    roles_by_id = {r.id: r for r in roles}
    eligible = {r.id: elig.eligible(r) for r in roles}
    function_ok: dict[str, set[str]] = {}
    for r in roles:
        for bf in r.base_functions:
            function_ok.setdefault(r.id, set()).update(elig.by_function.get(bf, set()))

    emp_json = []
    for e in employees:
        item: dict = {
            "id": e.id,
            "name": e.name,
            "fte": _fte(e.fte),
            "base_function": e.base_function,
            "competences": dict(sorted(e.competences.items())),
        }
        if not e.available:
            item["available"] = False
        if e.reserved:
            item["reserved_fte"] = _fte(e.reserved)
        if e.max_roles is not None:
            item["max_roles"] = e.max_roles
        emp_json.append(item)

    role_json = []
    for r in roles:
        item = {
            "id": r.id,
            "name": r.name,
            "cluster": r.cluster,
            "fte": _fte(r.fte),
            "base_functions": sorted(r.base_functions),
            "requires": dict(sorted(r.requires.items())),
            "backups": r.backups,
        }
        if r.max_holders > 1:
            item["max_holders"] = r.max_holders
        if r.max_holders > 1 or (r.min_share and r.min_share != r.fte):
            item["min_share"] = _fte(r.min_share or r.fte)
        if r.critical:
            item["critical"] = True
        role_json.append(item)

    preferences = _preferences(rng, employees, roles, eligible, function_ok)
    previous = _previous(rng, roles, by_id, eligible)
    pins, forbid, effort = _pins_forbids_effort(
        rng, employees, roles, eligible, variant
    )
    del roles_by_id
    return {
        "version": 1,
        "name": f"Benchmark {tier} seed {seed} ({variant})",
        "employees": emp_json,
        "roles": role_json,
        "preferences": preferences,
        "previous": previous,
        "pins": pins,
        "forbid": forbid,
        "effort": effort,
        "settings": {
            "time_limit_s": 30,
            "workers": 0,
            "seed": 0,
            "max_backup_share": float(MAX_BACKUP_SHARE),
            "weights": {},
        },
    }


def _preferences(
    rng: random.Random,
    employees: list[_Employee],
    roles: list[_Role],
    eligible: dict[str, set[str]],
    function_ok: dict[str, set[str]],
) -> list[dict]:
    """Want / avoid / learn / neutral from about 85 % of the employees."""
    eligible_roles: dict[str, list[str]] = {}
    learnable: dict[str, list[str]] = {}
    for r in roles:
        for e in eligible[r.id]:
            eligible_roles.setdefault(e, []).append(r.id)
        for e in function_ok.get(r.id, set()) - eligible[r.id]:
            learnable.setdefault(e, []).append(r.id)
    all_ids = [r.id for r in roles]
    prefs: list[dict] = []
    for e in employees:
        if not e.available or rng.random() > 0.85:
            continue
        chosen: dict[str, dict] = {}
        for rid in e.planted:
            if rng.random() < 0.6:
                chosen[rid] = {"choice": "want"}
            elif rng.random() < 0.1:
                chosen[rid] = {"choice": "avoid"}
        mine = eligible_roles.get(e.id, [])
        for rid in rng.sample(mine, k=min(len(mine), rng.randint(1, 4))):
            chosen.setdefault(rid, {"choice": "want"})
        for rid in rng.sample(all_ids, k=rng.randint(1, 3)):
            chosen.setdefault(rid, {"choice": "avoid"})
        for rid in rng.sample(all_ids, k=rng.randint(0, 2)):
            chosen.setdefault(rid, {"choice": "neutral"})
        learn = learnable.get(e.id, [])
        for rid in rng.sample(learn, k=min(len(learn), rng.choice([0, 0, 1, 1, 2]))):
            chosen.setdefault(rid, {"choice": "learn"})
        if rng.random() < 0.1 and mine:
            chosen[rng.choice(mine)] = {"score": rng.choice([-3, -1, 2, 3])}
        for rid in sorted(chosen):
            prefs.append({"employee": e.id, "role": rid, **chosen[rid]})
    return prefs


def _previous(
    rng: random.Random,
    roles: list[_Role],
    employees: dict[str, _Employee],
    eligible: dict[str, set[str]],
) -> list[dict]:
    """Last period's plan: the planted one with moves, new and resized roles."""
    previous: list[dict] = []
    load = {e.id: 0 for e in employees.values()}  # last period's plan was feasible
    for r in roles:
        for emp_id, share in r.holders.items():
            load[emp_id] += share
    for r in roles:
        if rng.random() < 0.1:
            continue  # a new role this period
        resized = rng.random() < 0.15
        for emp_id, share in sorted(r.holders.items()):
            holder = emp_id
            if resized:
                new = max(500, share + rng.choice([-1000, -500, 500, 1000]))
                new = min(new, r.fte)  # the format refuses more than the role
                if load[emp_id] + new - share <= employees[emp_id].capacity:
                    load[emp_id] += new - share
                    share = new
            if rng.random() < 0.2:  # someone else held it last time
                others = sorted(
                    o
                    for o in eligible[r.id] - set(r.holders)
                    if load[o] + share <= employees[o].capacity
                )
                if others:
                    holder = rng.choice(others)
                    load[holder] += share
            previous.append(
                {"employee": holder, "role": r.id, "kind": "holder", "fte": _fte(share)}
            )
        for emp_id in r.planted_backups:
            if rng.random() < 0.6 and emp_id not in r.holders:
                previous.append({"employee": emp_id, "role": r.id, "kind": "backup"})
    # One entry per (employee, role, kind): a moved holder may collide.
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for p in previous:
        key = (p["employee"], p["role"], p["kind"])
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _pins_forbids_effort(
    rng: random.Random,
    employees: list[_Employee],
    roles: list[_Role],
    eligible: dict[str, set[str]],
    variant: str,
) -> tuple[list[dict], list[dict], list[dict]]:
    """A few pins on the planted plan, forbids and efforts off it."""
    scale = max(1, len(employees) // 25)
    pins: list[dict] = []
    pinned: set[tuple[str, str]] = set()
    for r in rng.sample(roles, k=min(len(roles), scale)):
        emp_id, share = sorted(r.holders.items())[0]
        pins.append(
            {"employee": emp_id, "role": r.id, "kind": "holder", "fte": _fte(share)}
        )
        pinned.add((emp_id, r.id))
    for r in rng.sample(roles, k=min(len(roles), scale)):
        if r.planted_backups and (r.planted_backups[0], r.id) not in pinned:
            backup = r.planted_backups[0]
            pins.append({"employee": backup, "role": r.id, "kind": "backup"})
    forbid: list[dict] = []
    effort: list[dict] = []
    used: set[tuple[str, str]] = set()
    for r in rng.sample(roles, k=min(len(roles), 3 * scale)):
        planted = set(r.holders) | set(r.planted_backups)
        spare = sorted(eligible[r.id] - planted)
        if not spare:
            continue
        emp_id = rng.choice(spare)
        if (emp_id, r.id) in used:
            continue
        used.add((emp_id, r.id))
        if len(forbid) < 2 * scale and rng.random() < 0.5:
            forbid.append({"employee": emp_id, "role": r.id, "kind": "holder"})
        else:
            faster = variant == "normal" and rng.random() < 0.4
            factor = Decimal("0.8") if faster else rng.choice([Decimal("1.25"), 2])
            units = int(r.fte * factor) // 100 * 100 or 100
            effort.append({"employee": emp_id, "role": r.id, "fte": _fte(units)})
    return pins, forbid, effort


def utilisation(instance: dict) -> Decimal:
    """Role fte over the available employees' fte minus reserved fte, exactly."""
    from ommen_rollen.domain import parse_fte

    work = sum(parse_fte(str(r["fte"])) for r in instance["roles"])
    staff = sum(
        parse_fte(str(e["fte"])) - parse_fte(str(e.get("reserved_fte", 0)))
        for e in instance["employees"]
        if e.get("available", True)
    )
    return Decimal(work) / Decimal(staff)


__all__ = ["TIERS", "VARIANTS", "generate", "generate_with_plan", "utilisation"]
