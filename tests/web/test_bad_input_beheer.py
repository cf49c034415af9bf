"""Bad input for beheer (accounts, clusters, competences, partners, taakvelden,
roles, employees, removals, API tokens, erasure).

Hostile and random values posted to every form of the area get a Dutch answer
and change nothing (the fuzz targets are in tests/web/hostile/)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.web.hostile import beheer as AREA  # noqa: N812
from tests.web.hostile.base import (
    FUZZ,
    World,
    endpoints_in,
    post_hostile,
)

pytestmark = pytest.mark.usefixtures("app")


@pytest.mark.parametrize("endpoint", endpoints_in(AREA))
@FUZZ
@given(data=st.data())
def test_hostile_posts_get_a_dutch_answer_and_change_nothing(
    world: World, endpoint: str, data: st.DataObject
) -> None:
    post_hostile(world, endpoint, data)
