"""Fuzz targets for logging in, the account, passwords and the second factor."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import strategies as st

from .base import (
    Post,
    World,
    _as_secretaris,
    _posts,
    form_with_poison,
    nasty_text,
    not_in,
    target,
)


@target("auth.login")
def _login(w: World) -> st.SearchStrategy[Post]:
    # No account has a nasty name or password: every login is refused.
    data = form_with_poison(
        {"username": nasty_text(), "password": nasty_text()},
        {"username": nasty_text().filter(not_in({"secretaris", "anouk", "bram"}))},
    )
    return st.builds(
        Post,
        who=st.just("anonymous"),
        url=st.just("/inloggen"),
        data=data,
        may_change=st.just(AUDITED),
    )


AUDITED = frozenset({"audit_entry"})


@target("auth.account")
def _account(w: World) -> st.SearchStrategy[Post]:
    # The current password is never nasty text: every change is refused.
    data = st.fixed_dictionaries(
        {
            "current_password": nasty_text(),
            "new_password": nasty_text(),
            "repeat": nasty_text(),
        }
    )
    return _posts("medewerker", st.just("/account/wachtwoord"), data)


@target("auth.set_password")
def _set_password(w: World) -> st.SearchStrategy[Post]:
    urls = st.builds(
        lambda kind, token: (
            f"/account/instellen?{urlencode({'soort': kind, 'token': token})}"
        ),
        st.one_of(st.sampled_from(["invite", "reset"]), nasty_text()),
        nasty_text(max_size=80),
    )
    data = st.fixed_dictionaries({"new_password": nasty_text(), "repeat": nasty_text()})
    return _posts("anonymous", urls, data)


@target("auth.forgot_password")
def _forgot_password(w: World) -> st.SearchStrategy[Post]:
    # No account has a nasty address: the same answer, an audited refusal.
    return st.builds(
        Post,
        who=st.just("anonymous"),
        url=st.just("/account/vergeten"),
        data=st.fixed_dictionaries({"email": nasty_text()}),
        may_change=st.just(AUDITED),
    )


@target("auth.second_factor")
def _second_factor(w: World) -> st.SearchStrategy[Post]:
    # No password step before it: back to the login page.
    data = st.fixed_dictionaries({"code": nasty_text()})
    return _posts("anonymous", st.just("/inloggen/code"), data)


@target("auth.two_factor_setup")
def _two_factor_setup(w: World) -> st.SearchStrategy[Post]:
    data = st.fixed_dictionaries({"code": nasty_text()})
    return _as_secretaris(st.just("/account/tweestaps"), data)
