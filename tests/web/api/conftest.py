"""API tests: keys with scopes for a secretaris, and JSON helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from ommen_rollen.domain import UserRole

ALL_SCOPES = ("read", "write-organisation", "preferences", "optimise")


@pytest.fixture
def owner(make_user: Callable[..., Any]) -> Any:
    """The secretaris who creates the keys."""
    return make_user("secretaris", UserRole.SECRETARY)


@pytest.fixture
def make_token(owner: Any) -> Callable[..., dict[str, str]]:
    """A valid key with these scopes, as request headers."""
    from ommen_rollen.services import api_tokens

    def make(*scopes: str, by: Any = None, days: int = 30) -> dict[str, str]:
        _token, secret = api_tokens.create_token(
            f"test {' '.join(scopes)} {days}",
            list(scopes or ALL_SCOPES),
            api_tokens.today() + timedelta(days=days),
            by or owner,
        )
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def headers(make_token: Callable[..., dict[str, str]]) -> dict[str, str]:
    """A key with every scope."""
    return make_token(*ALL_SCOPES)
