"""Long lists in pages: the page number from the query string, bounded, and the
slice of rows it shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PER_PAGE = 25


@dataclass(frozen=True)
class PageOf:
    """One page of a list: its rows, its number (from 1) and how many there are."""

    items: Sequence[Any]
    number: int
    pages: int
    total: int
    per_page: int

    @property
    def first(self) -> int:
        """The position (from 1) of the first row on this page."""
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.number * self.per_page, self.total)


def page_number(text: str | None) -> int:
    """The requested page: plain digits from 1, anything else is page 1."""
    if text and text.isascii() and text.isdigit() and len(text) <= 6:
        return max(int(text), 1)
    return 1


def paginate(rows: Sequence[Any], text: str | None, per_page: int = PER_PAGE) -> PageOf:
    """The requested page of the rows; a number past the end shows the last page."""
    pages = max((len(rows) + per_page - 1) // per_page, 1)
    number = min(page_number(text), pages)
    start = (number - 1) * per_page
    return PageOf(rows[start : start + per_page], number, pages, len(rows), per_page)
