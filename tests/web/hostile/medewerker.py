"""Fuzz targets for the medewerker pages: preferences, akkoord, comments, swaps."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from .base import (
    Post,
    World,
    _junk,
    _posts,
    nasty_text,
    not_in,
    some_id,
    target,
    unknown_id,
    url_id,
)

# --- medewerker -----------------------------------------------------------------

CHOICES = {"want", "neutral", "avoid", "learn"}


@target("medewerker.voorkeuren")
def _voorkeuren(w: World) -> st.SearchStrategy[Post]:
    real = [w.ids["role"], w.ids["role2"]]

    @st.composite
    def data(draw: st.DrawFn) -> list[tuple[str, str]]:
        role = str(draw(st.sampled_from(real)))
        poison = draw(
            st.one_of(
                unknown_id().map(lambda i: (i, "want", "")),
                st.just((str(w.ids["inactive_role"]), "want", "")),
                nasty_text().filter(not_in(CHOICES)).map(lambda c: (role, c, "")),
                st.just((role, "avoid", "o" * 501)),
            )
        )
        entries = [poison] + draw(
            st.lists(
                st.tuples(
                    some_id(*real),
                    st.one_of(st.sampled_from(sorted(CHOICES)), nasty_text()),
                    nasty_text(),
                ),
                max_size=4,
            )
        )
        form = []
        for role_id, choice, comment in entries:
            form += [
                ("role_id", role_id),
                (f"choice-{role_id}", choice),
                (f"comment-{role_id}", comment),
            ]
        # ids of a colleague, another round and a colleague's preference
        form += [
            ("employee_id", str(w.ids["bram"])),
            ("round_id", str(w.ids["proposed_round"])),
            ("preference_id", str(w.ids["bram_preference"])),
        ]
        return form

    htmx = st.sampled_from([{}, {"HX-Request": "true"}])
    return st.builds(
        Post,
        who=st.just("medewerker"),
        url=st.just("/mijn/voorkeuren"),
        data=data(),
        headers=htmx,
    )


@target("medewerker.akkoord")
def _akkoord(w: World) -> st.SearchStrategy[Post]:
    # Bram's werkplan, an approved one, or none: only her proposed one may agree.
    ids = url_id(w.ids["bram_plan"], w.ids["old_plan"])
    urls = ids.map(lambda i: f"/mijn/werkplannen/{i}/akkoord")
    return _posts("medewerker", urls, _junk())


@target("medewerker.opmerking")
def _opmerking(w: World) -> st.SearchStrategy[Post]:
    own = _posts(
        "medewerker",
        st.just(f"/mijn/werkplannen/{w.ids['anouk_plan']}/opmerking"),
        st.fixed_dictionaries(
            {"comment": st.sampled_from(["", "   ", "\n\t", "c" * 2001])}
        ),
    )
    others = _posts(
        "medewerker",
        url_id(w.ids["bram_plan"], w.ids["old_plan"]).map(
            lambda i: f"/mijn/werkplannen/{i}/opmerking"
        ),
        st.fixed_dictionaries({"comment": nasty_text()}),
    )
    return st.one_of(own, others)


# --- swaps ------------------------------------------------------------------------


def _not_hours(text: str) -> bool:
    """Text that is no positive number of hours (so the proposal is refused)."""
    try:
        return not float(text.replace(",", ".")) > 0
    except ValueError:
        return True


def _not_a_date(text: str) -> bool:
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return bool(text.strip())
    return False


@target("swaps.index")
def _propose_swap(w: World) -> st.SearchStrategy[Post]:
    # Anouk proposes in the approved round: each example carries one poison
    # (a colleague that is nobody or herself, hours or a date that are none).
    roles = (w.ids["role"], w.ids["role2"], w.ids["inactive_role"])

    @st.composite
    def data(draw: st.DrawFn) -> dict[str, str]:
        form = {
            "colleague_id": draw(some_id(w.ids["bram"])),
            "role_id": draw(some_id(*roles)),
            "hours": draw(st.one_of(st.just(""), nasty_text())),
            "give_role_id": draw(st.one_of(st.just(""), some_id(*roles))),
            "valid_from": draw(st.one_of(st.just(""), nasty_text())),
        }
        poison = draw(
            st.one_of(
                unknown_id().map(lambda i: {"colleague_id": i}),
                st.just({"colleague_id": str(w.ids["anouk"])}),
                nasty_text()
                .filter(_not_hours)
                .map(lambda h: {"colleague_id": str(w.ids["bram"]), "hours": h}),
                nasty_text().filter(_not_a_date).map(lambda d: {"valid_from": d}),
            )
        )
        return form | poison

    return _posts("medewerker", st.just("/mijn/ruilen/"), data())


@target("swaps.accept")
def _accept_swap(w: World) -> st.SearchStrategy[Post]:
    # no swap was proposed to Anouk: every id names nothing of hers
    urls = url_id().map(lambda i: f"/mijn/ruilen/{i}/aannemen")
    return _posts("medewerker", urls, _junk())


@target("swaps.decline")
def _decline_swap(w: World) -> st.SearchStrategy[Post]:
    urls = url_id().map(lambda i: f"/mijn/ruilen/{i}/afwijzen")
    return _posts("medewerker", urls, _junk())
