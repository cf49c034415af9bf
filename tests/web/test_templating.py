"""Dutch display helpers: dates and numbers through Babel, names in Dutch order."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask

from ommen_rollen.naming import name_key, surname, word_key
from ommen_rollen.templating import format_date, format_number, format_seconds


def test_dates_and_numbers_are_dutch_and_local(app: Flask) -> None:
    with app.test_request_context():
        assert format_date(date(2026, 3, 5)) == "5 maart 2026"
        # stored in UTC, shown in Dutch time (winter: UTC+1, summer: UTC+2)
        assert (
            format_date(datetime(2026, 1, 9, 23, 30, tzinfo=UTC))
            == "10 januari 2026 00:30"
        )
        assert (
            format_date(datetime(2026, 7, 1, 8, 0, tzinfo=UTC)) == "1 juli 2026 10:00"
        )
        assert format_date(None) == ""
        assert format_number(1.5) == "1,5"
        assert format_number(12000) == "12.000"
        assert format_number(None) == "–"
        assert format_seconds(15.0) == "15 s"
        assert format_seconds("2.5") == "2,5 s"
        assert format_seconds(None) == "–"


def test_names_sort_on_the_surname_without_tussenvoegsel() -> None:
    names = [
        "Bram Vries",
        "Anouk de Vries",
        "Kees van der Berg",
        "Els Ölçer",
        "Piet Aalders",
    ]
    assert surname("Kees van der Berg") == "Berg"
    assert surname("Cher") == "Cher"
    assert sorted(names, key=name_key) == [
        "Piet Aalders",
        "Kees van der Berg",
        "Els Ölçer",
        "Anouk de Vries",
        "Bram Vries",
    ]


def test_words_sort_without_regard_to_case_or_accents() -> None:
    words = ["regievoering", "HRM", "financiën", "Inkoop", "beleid"]
    assert sorted(words, key=word_key) == [
        "beleid",
        "financiën",
        "HRM",
        "Inkoop",
        "regievoering",
    ]
