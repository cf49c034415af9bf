"""Exact fte units: parsing, hours and Dutch display never drift."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ommen_rollen.domain import (
    FTE_SCALE,
    FteError,
    format_fte,
    format_hours,
    fte_to_decimal,
    hours_to_units,
    parse_fte,
    units_to_hours,
)


@pytest.mark.parametrize(
    ("text", "units"),
    [("1", 10_000), ("0,8889", 8_889), ("0.5", 5_000), (" 0,2 ", 2_000), ("0", 0)],
)
def test_fte_is_read_exactly_with_comma_or_point(text: str, units: int) -> None:
    assert parse_fte(text) == units


@pytest.mark.parametrize("text", ["0,12345", "abc", "", "NaN", "Infinity", "1e400x"])
def test_fte_with_more_than_four_decimals_or_no_number_is_refused(text: str) -> None:
    with pytest.raises(FteError):
        parse_fte(text)


@pytest.mark.parametrize(
    ("hours", "units"), [(36, 10_000), (32, 8_889), (20, 5_556), ("28,8", 8_000)]
)
def test_hours_of_a_36_hour_week_become_fte_units(hours: object, units: int) -> None:
    assert hours_to_units(hours) == units  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=36 * 4))
def test_whole_and_quarter_hours_survive_the_round_trip(quarters: int) -> None:
    hours = Decimal(quarters) / 4
    assert abs(units_to_hours(hours_to_units(hours)) - hours) <= Decimal("0.01")


@given(st.integers(min_value=0, max_value=5 * FTE_SCALE))
def test_units_survive_the_decimal_round_trip(units: int) -> None:
    assert parse_fte(fte_to_decimal(units)) == units
    assert parse_fte(format_fte(units)) == units


def test_dutch_display_uses_a_decimal_comma() -> None:
    assert format_fte(8_889) == "0,8889"
    assert format_fte(10_000) == "1,0"
    assert format_hours(8_889) == "32"
    assert format_hours(3_000) == "10,8"
