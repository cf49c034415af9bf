"""Bad input in URLs and query strings: hostile query strings never break a page,
ids that name nothing are not found."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from tests.web.hostile.base import (
    BIG,
    FUZZ,
    World,
    nasty_text,
    send,
)

pytestmark = pytest.mark.usefixtures("app")


# --- URLs and query strings ---------------------------------------------------------


DOWNLOADS = (".pdf", ".zip", ".xlsx", ".csv", ".json")  # each download is audited


def routes(app: Flask, method: str) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if method in (rule.methods or set())
        and rule.endpoint != "static"
        and not rule.rule.endswith(DOWNLOADS)
    )


@FUZZ
@given(data=st.data())
def test_hostile_query_strings_never_break_a_page(
    world: World, data: st.DataObject
) -> None:
    rule = data.draw(st.sampled_from(routes(world.app, "GET")), label="route")
    who = data.draw(st.sampled_from(["secretaris", "medewerker"]), label="who")
    filled = re.sub(r"<int:(\w+)>", lambda _m: str(world.ids["proposed_round"]), rule)
    names = ["q", "cluster", "a", "b", "actie", "voorinstelling", "next", "inactief"]
    query = data.draw(
        st.dictionaries(st.sampled_from(names), nasty_text(), max_size=4),
        label="query",
    )
    answer = send(world, who, "GET", filled, query_string=query)
    assert answer.status < 500, f"{filled} {query}: {answer.status}"
    assert answer.changed == []


@FUZZ
@given(data=st.data())
def test_ids_in_urls_that_name_nothing_are_not_found(
    world: World, data: st.DataObject
) -> None:
    """Also ids beyond what a database integer holds (they used to be a 500)."""
    with_ids = [
        (method, rule)
        for method in ("GET", "POST")
        for rule in routes(world.app, method)
        # the API answers a session with 401: tests/web/api/test_api_access.py
        if "<int:" in rule and not rule.startswith("/api/")
    ]
    method, rule = data.draw(st.sampled_from(with_ids), label="route")
    number = data.draw(
        st.one_of(
            st.integers(min_value=BIG, max_value=2**31 - 1),
            st.integers(min_value=2**31, max_value=2**200),
        ),
        label="id",
    )
    url = re.sub(r"<int:\w+>", str(number), rule)
    who = "medewerker" if rule.startswith(("/mijn", "/export/mijn")) else "secretaris"
    answer = send(world, who, method, url, data={})
    assert answer.status == 404, f"{method} {url}: {answer.status}"
    assert answer.changed == []
