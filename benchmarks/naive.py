"""The baselines' model: ONE straightforward linear model of the same rules.

Built once with OR-Tools MathOpt from the instance JSON (its own reading, no code
from ommen_rollen.solver) and solved three ways:

- ``cpsat``: CP-SAT with default parameters, no hints, no decomposition, no tuning
  (the naive baseline of issue 4);
- ``highs`` (or ``scip``): a MIP solver on the identical model (the MIP baseline);
- ``lp``: the LP relaxation (HiGHS' simplex), whose optimum is a lower bound on J.

The objective is J of score.py: uncovered units and missing backups weighted so
that coverage > backups > the soft terms, all in one integer sum. Hard rules as in
issue 3, read like the product does where the issue leaves room: the backup cap is
max_backup_share x (fte - reserved_fte), max_roles counts held, learnt and backed-up
roles, a backup is neither holder nor learner of the same role. Only eligible pairs
get variables (presolve would drop the others anyway). Holder load with an ``effort``
entry is an integer rounded up (fte_r * load >= effort * share): exact for every
plan without effort and at most one unit per effort pair stricter otherwise.

Never import ``highspy`` here: its bundled HiGHS clashes with OR-Tools' own.
"""

from __future__ import annotations

import datetime
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.math_opt.python import mathopt

from ommen_rollen.domain import FTE_SCALE

from .score import (
    CRITICAL,
    DEFAULT_LEARNER_SHARE,
    SPREAD_UNIT,
    plan_from_assignments,
    units,
    weights_of,
)

Pair = tuple[str, str]
SOLVERS = {
    "cpsat": mathopt.SolverType.CP_SAT,
    "highs": mathopt.SolverType.HIGHS,
    "scip": mathopt.SolverType.GSCIP,
    "lp": mathopt.SolverType.HIGHS,  # GLOP reports "imprecise" on J's big weights
}


MAX_TRIPLES = 2_000_000
"""Above this many (holder, backup, role) products the one-model baseline is not
built: linearising backup_spread alone would need that many variables."""


class ModelTooLarge(RuntimeError):
    """The straightforward model would not fit in reasonable time and memory."""


@dataclass
class NaiveModel:
    """The MathOpt model with its variables keyed by domain ids."""

    model: mathopt.Model
    # holds[e, r]: employee e holds (part of) role r
    holds: dict[Pair, mathopt.Variable] = field(default_factory=dict)
    # share[e, r]: fte units of role r that e covers (a constant role fte when the
    # role cannot be split: then share = fte * holds)
    share: dict[Pair, mathopt.Variable] = field(default_factory=dict)
    # learns[e, r]: e is a learner of role r, mentored by another holder
    learns: dict[Pair, mathopt.Variable] = field(default_factory=dict)
    # backs[e, r]: e is a backup (vervanger) of role r
    backs: dict[Pair, mathopt.Variable] = field(default_factory=dict)
    # uncovered[r]: fte units of role r nobody holds; missing[r]: backups it lacks
    uncovered: dict[str, mathopt.Variable] = field(default_factory=dict)
    missing: dict[str, mathopt.Variable] = field(default_factory=dict)
    role_fte: dict[str, int] = field(default_factory=dict)
    role_backups: dict[str, int] = field(default_factory=dict)
    learner_units: dict[str, int] = field(default_factory=dict)
    objective_terms: list[tuple[mathopt.Variable, int]] = field(default_factory=list)
    objective_offset: int = 0
    n_vars: int = 0

    def share_value(self, pair: Pair, values: dict) -> int:
        if pair in self.share:
            return round(values[self.share[pair]])
        return self.role_fte[pair[1]] * round(values[self.holds[pair]])

    def objective_value(self, values: dict) -> float:
        total = self.objective_offset
        for var, coef in self.objective_terms:
            total += coef * values[var]
        return total

    def full(self, values: dict) -> bool:
        """Every role covered and every backup present in this solution."""
        return all(round(values[v]) == 0 for v in self.uncovered.values()) and all(
            round(values[v]) == 0 for v in self.missing.values()
        )


def _qualified(emp: dict, role: dict) -> bool:
    if emp["base_function"] not in role["base_functions"]:
        return False
    comps = emp.get("competences") or {}
    return all(comps.get(c, 0) >= lv for c, lv in (role.get("requires") or {}).items())


def build(instance: dict) -> NaiveModel:
    """Variables, hard rules, soft terms and J for one instance (format v1)."""
    w = weights_of(instance)
    settings = instance.get("settings") or {}
    backup_share = units(settings.get("max_backup_share", 1))
    learner_share = units(settings.get("learner_share", DEFAULT_LEARNER_SHARE / 1e4))
    m = NaiveModel(model=mathopt.Model(name=instance.get("name", "naive")))
    model = m.model
    emps = {e["id"]: e for e in instance["employees"]}
    roles = {r["id"]: r for r in instance["roles"]}
    capacity = {
        e["id"]: units(e["fte"]) - units(e.get("reserved_fte", 0))
        if e.get("available", True)
        else 0
        for e in instance["employees"]
    }
    forbidden: set[tuple[str, str, str]] = set()
    for f in instance.get("forbid", []):
        for kind in [f["kind"]] if f.get("kind") else ["holder", "backup", "learner"]:
            forbidden.add((f["employee"], f["role"], kind))
    effort = {(x["employee"], x["role"]): units(x["fte"]) for x in instance["effort"]}
    choice: dict[Pair, str] = {}
    score: dict[Pair, int] = {}
    for p in instance.get("preferences", []):
        pair = (p["employee"], p["role"])
        if p.get("choice") is not None:
            choice[pair] = p["choice"]
        else:
            s = int(p.get("score") or 0)
            choice[pair] = "want" if s > 0 else "avoid" if s < 0 else "neutral"
        if p.get("score") is not None:
            score[pair] = int(p["score"])
    pins = instance.get("pins", [])
    pinned_learners = {
        (p["employee"], p["role"]) for p in pins if p["kind"] == "learner"
    }

    fte = {rid: units(r["fte"]) for rid, r in roles.items()}
    min_share = {
        rid: units(r["min_share"]) if r.get("min_share") is not None else fte[rid]
        for rid, r in roles.items()
    }
    m.role_fte = fte
    m.role_backups = {rid: int(r.get("backups", 1)) for rid, r in roles.items()}
    lr_units = {rid: min(learner_share, fte[rid]) for rid in roles}
    m.learner_units = lr_units

    # -- variables: only for pairs that can be assigned at all
    for eid, emp in emps.items():
        if capacity[eid] <= 0 and not emp.get("available", True):
            continue
        if not emp.get("available", True):
            continue
        for rid, role in roles.items():
            pair = (eid, rid)
            if _qualified(emp, role):
                if (eid, rid, "holder") not in forbidden:
                    least = min_share[rid]
                    if pair in effort:
                        least = -(-least * effort[pair] // fte[rid])
                    if least <= capacity[eid]:
                        m.holds[pair] = model.add_binary_variable(
                            name=f"h[{eid},{rid}]"
                        )
                        if min_share[rid] < fte[rid]:
                            m.share[pair] = model.add_integer_variable(
                                lb=0, ub=fte[rid], name=f"s[{eid},{rid}]"
                            )
                if (eid, rid, "backup") not in forbidden:
                    m.backs[pair] = model.add_binary_variable(name=f"b[{eid},{rid}]")
            fits = emp["base_function"] in role["base_functions"]
            if (
                (choice.get(pair) == "learn" or pair in pinned_learners)
                and fits
                and (eid, rid, "learner") not in forbidden
                and lr_units[rid] <= capacity[eid]
            ):
                m.learns[pair] = model.add_binary_variable(name=f"l[{eid},{rid}]")
    for rid in roles:
        m.uncovered[rid] = model.add_integer_variable(
            lb=0, ub=fte[rid], name=f"u[{rid}]"
        )
        m.missing[rid] = model.add_integer_variable(
            lb=0, ub=m.role_backups[rid], name=f"m[{rid}]"
        )

    def share_expr(pair: Pair):
        if pair in m.share:
            return m.share[pair]
        return fte[pair[1]] * m.holds[pair]

    # -- hard rules
    by_role: dict[str, list[Pair]] = defaultdict(list)
    by_emp: dict[str, list[Pair]] = defaultdict(list)
    for pair in m.holds:
        by_role[pair[1]].append(pair)
        by_emp[pair[0]].append(pair)
    for pair, s in m.share.items():  # share in [min_share, fte] when held, else 0
        model.add_linear_constraint(s >= min_share[pair[1]] * m.holds[pair])
        model.add_linear_constraint(s <= fte[pair[1]] * m.holds[pair])
    for rid in roles:  # coverage with named slack; at most max_holders
        model.add_linear_constraint(
            mathopt.fast_sum(share_expr(p) for p in by_role[rid]) + m.uncovered[rid]
            == fte[rid]
        )
        cap = int(roles[rid].get("max_holders", 1))
        if len(by_role[rid]) > cap:
            model.add_linear_constraint(
                mathopt.fast_sum(m.holds[p] for p in by_role[rid]) <= cap
            )
    load_terms: dict[str, list] = defaultdict(list)
    for pair in m.holds:
        if pair in effort:  # integer load rounded up: fte_r * load >= effort * share
            load = model.add_integer_variable(
                lb=0, ub=capacity[pair[0]], name=f"load[{pair[0]},{pair[1]}]"
            )
            model.add_linear_constraint(
                fte[pair[1]] * load >= effort[pair] * share_expr(pair)
            )
            load_terms[pair[0]].append(load)
        else:
            load_terms[pair[0]].append(share_expr(pair))
    for (eid, rid), learns in m.learns.items():
        load_terms[eid].append(lr_units[rid] * learns)
        mentors = [m.holds[(h, rid)] for (h, r) in by_role[rid] if h != eid]
        model.add_linear_constraint(mathopt.fast_sum(mentors) >= learns)
        if (eid, rid) in m.holds:
            model.add_linear_constraint(m.holds[(eid, rid)] + learns <= 1)
    for eid, terms in load_terms.items():
        model.add_linear_constraint(mathopt.fast_sum(terms) <= capacity[eid])

    backs_by_role: dict[str, list[Pair]] = defaultdict(list)
    backs_by_emp: dict[str, list[Pair]] = defaultdict(list)
    for pair in m.backs:
        backs_by_role[pair[1]].append(pair)
        backs_by_emp[pair[0]].append(pair)
        if pair in m.holds:  # a backup never holds (or learns) the same role
            model.add_linear_constraint(m.backs[pair] + m.holds[pair] <= 1)
        if pair in m.learns:
            model.add_linear_constraint(m.backs[pair] + m.learns[pair] <= 1)
    pinned_backups: dict[str, int] = defaultdict(int)
    for p in pins:
        if p["kind"] == "backup":
            pinned_backups[p["role"]] += 1
    for rid in roles:
        count = mathopt.fast_sum(m.backs[p] for p in backs_by_role[rid])
        model.add_linear_constraint(count + m.missing[rid] >= m.role_backups[rid])
        model.add_linear_constraint(
            count <= max(m.role_backups[rid], pinned_backups[rid])
        )
    for eid, pairs in backs_by_emp.items():
        cap = backup_share * capacity[eid] // FTE_SCALE
        model.add_linear_constraint(
            mathopt.fast_sum(fte[r] * m.backs[(e, r)] for e, r in pairs) <= cap
        )
    for eid, emp in emps.items():
        if emp.get("max_roles") is None:
            continue
        mine = [m.holds[p] for p in by_emp[eid]]
        mine += [v for (e, _), v in m.learns.items() if e == eid]
        mine += [m.backs[p] for p in backs_by_emp[eid]]
        if len(mine) > emp["max_roles"]:
            model.add_linear_constraint(mathopt.fast_sum(mine) <= emp["max_roles"])
    for p in pins:  # a pin without a variable makes the model infeasible, honestly
        pair = (p["employee"], p["role"])
        table = {"holder": m.holds, "backup": m.backs, "learner": m.learns}[p["kind"]]
        if pair not in table:
            model.add_linear_constraint(mathopt.LinearSum([]) >= 1)
            continue
        model.add_linear_constraint(table[pair] == 1)
        if p["kind"] == "holder" and p.get("fte") is not None:
            model.add_linear_constraint(share_expr(pair) == units(p["fte"]))

    # -- soft terms (raw amounts as in score.soft_terms) and J
    obj: dict[mathopt.Variable, int] = defaultdict(int)
    offset = 0

    def add(var, coef: int) -> None:
        obj[var] += coef

    ws = w.soft
    missed: dict[str, list[tuple[int, list]]] = defaultdict(list)
    for pair, c in choice.items():
        h = m.holds.get(pair)
        if c == "want":
            offset += ws["want"]
            if h is not None:
                add(h, -ws["want"])
            missed[pair[0]].append((1, [h] if h is not None else []))
        elif c == "avoid" and h is not None:
            add(h, ws["avoid"])
        elif c == "learn":
            offset += ws["learn"]
            got = [v for v in (h, m.learns.get(pair)) if v is not None]
            for v in got:
                add(v, -ws["learn"])
            missed[pair[0]].append((1, got))
    for pair, s in score.items():
        if pair in m.holds:
            add(m.holds[pair], -s * ws["score"])
    for p in instance.get("previous", []):
        pair = (p["employee"], p["role"])
        table = m.backs if p.get("kind") == "backup" else m.holds
        if p.get("kind") == "learner":
            continue
        offset += ws["continuity"]
        if pair in table:
            add(table[pair], -ws["continuity"])
    if ws["fairness"] and missed:
        top = max(len(v) for v in missed.values())
        worst = model.add_integer_variable(lb=0, ub=top, name="worst_missed")
        for items in missed.values():
            const = sum(k for k, _ in items)
            got = [v for _, vs in items for v in vs]
            model.add_linear_constraint(worst >= const - mathopt.fast_sum(got))
        add(worst, ws["fairness"])
    for h in m.holds.values():
        add(h, ws["fragments"])
    if ws["backup_spread"] and m.backs:
        triples = sum(len(by_role[r]) for (_, r) in m.backs)
        if triples > MAX_TRIPLES:
            raise ModelTooLarge(
                f"backup_spread needs {triples:,} holder x backup products "
                f"(limit {MAX_TRIPLES:,})"
            )
        # stand_in[h, b] = sum over roles of share[h, r] * backs[b, r], linearised
        # with z >= share - fte * (1 - backs), z >= 0 (z is pushed down by worst).
        stand_in: dict[Pair, list] = defaultdict(list)
        for (b, rid), bv in m.backs.items():
            for h, _ in by_role[rid]:
                if h == b:
                    continue
                z = model.add_integer_variable(lb=0, ub=fte[rid], name="z")
                model.add_linear_constraint(
                    z >= share_expr((h, rid)) - fte[rid] * (1 - bv)
                )
                stand_in[(h, b)].append(z)
        total = sum(fte.values())
        worst_si = model.add_integer_variable(
            lb=0, ub=-(-total // SPREAD_UNIT), name="worst_stand_in"
        )
        for zs in stand_in.values():
            model.add_linear_constraint(SPREAD_UNIT * worst_si >= mathopt.fast_sum(zs))
        add(worst_si, ws["backup_spread"])
    for rid, role in roles.items():
        factor = CRITICAL if role.get("critical") else 1
        add(m.uncovered[rid], w.cover * factor)
        add(m.missing[rid], w.backup * factor)
    m.objective_terms = [(v, c) for v, c in obj.items() if c]
    m.objective_offset = offset
    model.minimize(mathopt.fast_sum(c * v for v, c in m.objective_terms) + offset)
    m.n_vars = model.get_num_variables()
    return m


def to_plan(m: NaiveModel, values: dict, status: str) -> dict:
    """Plan format v1 from a solution of the naive model."""
    assignments: list[dict] = []
    holders_of: dict[str, list[str]] = defaultdict(list)
    for pair, h in sorted(m.holds.items()):
        if round(values[h]):
            share = m.share_value(pair, values)
            if share <= 0:
                continue
            holders_of[pair[1]].append(pair[0])
            assignments.append(
                {"employee": pair[0], "role": pair[1], "kind": "holder",
                 "fte": share / FTE_SCALE}
            )  # fmt: skip
    for pair, b in sorted(m.backs.items()):
        if round(values[b]):
            assignments.append({"employee": pair[0], "role": pair[1], "kind": "backup"})
    for pair, lv in sorted(m.learns.items()):
        mentors = [h for h in holders_of[pair[1]] if h != pair[0]]
        if round(values[lv]) and mentors:
            assignments.append(
                {"employee": pair[0], "role": pair[1], "kind": "learner",
                 "mentor": mentors[0], "fte": m.learner_units[pair[1]] / FTE_SCALE}
            )  # fmt: skip
    # Shortfalls from the assignments themselves, not from the slack variables
    # (an unproven solution may carry slack larger than the real shortfall).
    plan = plan_from_assignments(
        m.role_fte,
        m.role_backups,
        assignments,
        why_uncovered="Niet gedekt in het naïeve model.",
        why_missing="Geen vervanger in het naïeve model.",
    )
    plan["status"] = status
    plan["objective"] = {"value": m.objective_value(values)}
    return plan


def solve(
    instance: dict, solver: str, time_limit_s: float, *, threads: int | None = None
) -> dict:
    """Build and solve; returns timings, trace, objective, bound and the plan."""
    t0 = time.monotonic()
    m = build(instance)
    build_s = time.monotonic() - t0
    weights = weights_of(instance)  # J < weights.backup <=> a full plan
    params = mathopt.SolveParameters(
        time_limit=datetime.timedelta(seconds=time_limit_s)
    )
    if threads and solver == "scip":
        params.threads = threads  # HiGHS takes threads only as a global option
    trace: list[tuple[float, float, bool]] = []  # (seconds, J, full plan)
    kwargs: dict = {}
    if solver == "lp":
        for v in m.model.variables():
            v.integer = False
    elif solver == "cpsat":

        def on_solution(data: mathopt.CallbackData) -> mathopt.CallbackResult:
            if data.solution is not None:
                trace.append(
                    (
                        build_s + data.runtime.total_seconds(),
                        m.objective_value(data.solution),
                        m.full(data.solution),
                    )
                )
            return mathopt.CallbackResult()

        kwargs = {
            "callback_reg": mathopt.CallbackRegistration(
                events={mathopt.Event.MIP_SOLUTION}
            ),
            "cb": on_solution,
        }
    elif solver in ("highs", "scip"):
        # HiGHS has no solution callback in MathOpt; its log has one line per
        # improving solution (time, best bound, best solution): parse those.
        def on_log(lines: list[str]) -> None:
            for line in lines:
                point = _highs_log_point(line)
                if point is not None:
                    t, best = point
                    trace.append((build_s + t, best, best < weights.backup))

        kwargs = {"msg_cb": on_log}
    t1 = time.monotonic()
    result = mathopt.solve(
        m.model, SOLVERS[solver], params=params, remove_names=True, **kwargs
    )
    wall = time.monotonic() - t0
    reason = result.termination.reason
    out: dict = {
        "build_s": build_s,
        "solve_s": time.monotonic() - t1,
        "wall_s": wall,
        "termination": reason.name.lower(),
        "n_vars": m.n_vars,
        "trace": trace,
        "bound": _finite(result.termination.objective_bounds.dual_bound),
    }
    if solver == "lp":
        feasible = result.has_primal_feasible_solution()
        out["objective"] = _finite(result.objective_value()) if feasible else None
        return out
    if result.has_primal_feasible_solution():
        values = result.variable_values()
        optimal = reason == mathopt.TerminationReason.OPTIMAL
        out["plan"] = to_plan(m, values, "optimal" if optimal else "feasible")
        out["objective"] = m.objective_value(values)
        out["full"] = m.full(values)
    return out


_LOG_ROW = re.compile(
    r"^\s*[A-Za-z]?\s+\d+\s+\d+\s+\d+\s+\S+%\s+(\S+)\s+(\S+)\s+.*\s(\d+(?:\.\d+)?)s\s*$"
)


def _highs_log_point(line: str) -> tuple[float, float] | None:
    """(seconds, best solution) from a HiGHS branch-and-bound log row."""
    match = _LOG_ROW.match(line)
    if not match:
        return None
    try:
        best = float(match.group(2))
    except ValueError:
        return None
    if best != best or abs(best) == float("inf"):
        return None
    return float(match.group(3)), best


def _finite(x: float) -> float | None:
    return x if x == x and abs(x) != float("inf") else None
