"""Split shares in practical steps: the rule, shared by the model, the greedy and
the diagnostics (the independent checker restates it on purpose).

A role that is split is split in whole steps of ``settings.split_step_minutes`` per
week of a 36-hour week (default 60: whole hours), so a werkplan reads "14 uur" and
not "0,2767 fte". The step grid is ``grid(k) = k steps`` rounded to the nearest fte
unit. Because rounded grid values need not add up exactly, and because a role's fte
need not be a whole number of steps, one share per role may take the remainder:

- a share on the grid: exactly a grid value; or
- the remainder share: the role's fte (less its pinned shares) minus a grid value,
  give or take ``max_holders - 1`` units for the rounding of the other shares.

An unsplit share (the whole role) is always allowed; so is any pinned fte.
"""

from __future__ import annotations

from ..domain import FTE_SCALE, HOURS_PER_FTE

MINUTES_PER_FTE = int(HOURS_PER_FTE) * 60  # 2160 minutes in a 36-hour week


def grid_value(k: int, step_minutes: int) -> int:
    """FTE units of k steps, rounded half up to the nearest unit."""
    numerator = 2 * k * step_minutes * FTE_SCALE + MINUTES_PER_FTE
    return numerator // (2 * MINUTES_PER_FTE)


def grid_values(limit: int, step_minutes: int) -> list[int]:
    """Every grid value from 0 up to ``limit`` units."""
    values: list[int] = []
    k = 0
    while True:
        value = grid_value(k, step_minutes)
        if value > limit:
            return values
        values.append(value)
        k += 1


def tolerance(max_holders: int) -> int:
    """Units a grid share may differ from its grid value (rounding of the others)."""
    return max(max_holders - 1, 1)


def allowed_shares(
    fte: int,
    low: int,
    high: int,
    max_holders: int,
    step_minutes: int,
    pinned: int = 0,
) -> list[int] | None:
    """The share values (units, sorted) a holder of a role may have in [low, high];
    None when every unit in between is allowed (no step). ``pinned`` is the fte of
    the role's pinned shares: the remainder then completes the rest."""
    if low >= fte:
        return [fte] if low <= fte <= high else []
    if step_minutes <= 0:
        return None
    tol = tolerance(max_holders)
    values: set[int] = set()
    for g in grid_values(fte, step_minutes):
        if low <= g <= high and g > 0:
            values.add(g)
        for centre in (fte - g, fte - pinned - g):
            for v in range(centre - tol, centre + tol + 1):
                if low <= v <= high and v > 0:
                    values.add(v)
    if low <= fte <= high:
        values.add(fte)
    return sorted(values)


def off_grid(share: int, fte: int, max_holders: int, step_minutes: int) -> bool:
    """True when ``share`` is not a grid value (it can then only be the role's one
    remainder share); the whole role never is."""
    if step_minutes <= 0 or share == fte:
        return False
    k = share * MINUTES_PER_FTE // (step_minutes * FTE_SCALE)
    return all(share != grid_value(j, step_minutes) for j in (k - 1, k, k + 1, k + 2))


def snap_down(value: int, allowed: list[int]) -> int:
    """The largest allowed share <= value (0 when none)."""
    best = 0
    for v in allowed:
        if v > value:
            break
        best = v
    return best
