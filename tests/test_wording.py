"""The Dutch numbers and plurals every text uses."""

from __future__ import annotations

import pytest

from ommen_rollen import wording


@pytest.mark.parametrize(
    ("number", "text"),
    [(0, "0 harde regels"), (1, "1 harde regel"), (2, "2 harde regels")],
)
def test_counted_nouns_take_the_plural_except_for_one(number: int, text: str) -> None:
    assert wording.count(number, "harde regel") == text


def test_verbs_follow_the_count() -> None:
    assert wording.missing(1) == "1 ontbreekt"
    assert wording.missing(2) == "2 ontbreken"
    assert wording.count_verb(1, "vervanger", "ontbreekt") == "1 vervanger ontbreekt"
    assert wording.count_verb(3, "vervanger", "ontbreekt") == "3 vervangers ontbreken"


def test_colleagues_are_counted_with_the_only_one_named_as_such() -> None:
    assert wording.colleagues(0) == "geen inzetbare collega"
    assert wording.colleagues(1) == "de enige inzetbare collega"
    assert wording.colleagues(2) == "2 inzetbare collega's"
    assert wording.colleagues(1, other=True) == "1 andere inzetbare collega"
    assert wording.colleagues(0, other=True) == "geen andere inzetbare collega"


def test_fte_is_shown_in_hours_of_a_36_hour_week() -> None:
    assert wording.hours(555) == "2 uur"  # 0,0555 fte
    assert wording.hours_free(555) == "nog 2 uur vrij"
    assert wording.hours_free(0) == "geen uur meer vrij"
    assert wording.hours_free(-10) == "geen uur meer vrij"
    assert wording.fte_hours(6000) == "0,6 fte (21,6 uur)"


def test_lists_are_joined_with_en() -> None:
    assert wording.join([]) == ""
    assert wording.join(["a"]) == "a"
    assert wording.join(["a", "b", "c"]) == "a, b en c"
