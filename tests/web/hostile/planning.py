"""Fuzz targets for planning: rounds, optimisation, pins, moves, approval."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from .base import (
    NASTY_DATES,
    Post,
    Target,
    World,
    _as_secretaris,
    _junk,
    form_with_poison,
    nasty_text,
    some_id,
    target,
    unknown_id,
    url_id,
)

# --- planning ---------------------------------------------------------------------


@target("planning.open_round")
def _open_round(w: World) -> st.SearchStrategy[Post]:
    # Round 2027-H2 is still open, so even a valid new round is refused.
    dates = st.one_of(
        st.dates().map(date.isoformat), st.sampled_from(NASTY_DATES), nasty_text()
    )
    data = form_with_poison(
        {
            "label": st.one_of(st.sampled_from(["2027-H2", "2028-H1"]), nasty_text()),
            "starts_on": dates,
            "ends_on": dates,
            "deadline": dates,
            "show_names": nasty_text(),
        },
        {},
    )
    return _as_secretaris(st.just("/planning/rondes/nieuw"), data)


def _round_action(action: str, *rounds: str) -> Target:
    """A round action on rounds whose status forbids it, or on no round."""

    def make(w: World) -> st.SearchStrategy[Post]:
        ids = url_id(*(w.ids[r] for r in rounds))
        return _as_secretaris(
            ids.map(lambda i: f"/planning/rondes/{i}/{action}"), _junk()
        )

    return make


target("planning.close_round")(_round_action("sluiten", "proposed_round", "old_round"))
target("planning.reopen_round")(
    _round_action("heropenen", "open_round", "proposed_round")
)
target("planning.publish")(_round_action("voorleggen", "open_round", "old_round"))
target("planning.approve_all")(_round_action("goedkeuren", "open_round", "old_round"))
# Any value of "show" is a valid choice (names on or off): only no round refuses.
target("planning.show_names")(_round_action("namen"))


def _optimise_form() -> st.SearchStrategy[dict[str, Any]]:
    return form_with_poison(
        {"time_limit_s": nasty_text(), "seed": nasty_text(), "note": nasty_text()},
        {
            "time_limit_s": st.sampled_from(
                ["", "0", "601", "-5", "abc", "1e3", "9" * 25, "1.5", "²", "NaN"]
            ),
            "seed": st.sampled_from(["-1", "2147483648", "abc", "1.5", "9" * 25]),
            "note": st.just("n" * 201),
        },
    )


@target("planning.optimise")
def _optimise(w: World) -> st.SearchStrategy[Post]:
    urls = url_id(w.ids["proposed_round"]).map(
        lambda i: f"/planning/rondes/{i}/optimaliseren"
    )
    return _as_secretaris(urls, _optimise_form())


@target("planning.reoptimise")
def _reoptimise(w: World) -> st.SearchStrategy[Post]:
    urls = url_id(w.ids["ready_proposal"]).map(
        lambda i: f"/planning/voorstellen/{i}/heroptimaliseren"
    )
    return _as_secretaris(urls, _optimise_form())


@target("planning.cancel_job")
def _cancel_job(w: World) -> st.SearchStrategy[Post]:
    urls = url_id(w.ids["job"]).map(lambda i: f"/planning/taken/{i}/annuleren")
    return _as_secretaris(urls, _junk())


@target("planning.choose_proposal")
def _choose(w: World) -> st.SearchStrategy[Post]:
    urls = url_id(w.ids["failed_proposal"]).map(
        lambda i: f"/planning/voorstellen/{i}/kiezen"
    )
    return _as_secretaris(urls, _junk())


@target("planning.add_pin")
def _add_pin(w: World) -> st.SearchStrategy[Post]:
    people = some_id(w.ids["anouk"], w.ids["bram"])
    roles = some_id(w.ids["role"], w.ids["role2"], w.ids["inactive_role"])
    kinds = {"holder", "backup", "learner"}
    fields = {
        "employee_id": people,
        "role_id": roles,
        "kind": st.one_of(st.sampled_from(sorted(kinds)), nasty_text()),
        "pin_kind": st.one_of(st.sampled_from(["pin", "forbid"]), nasty_text()),
        "fte": nasty_text(),
    }
    poisons = {
        "employee_id": unknown_id(),
        "role_id": st.one_of(unknown_id(), st.just(str(w.ids["inactive_role"]))),
        "kind": nasty_text().filter(lambda k: k not in kinds),
        "pin_kind": nasty_text().filter(lambda k: k not in ("pin", "forbid")),
        "fte": st.just("1" * 13),
    }
    urls = url_id(w.ids["proposed_round"]).map(
        lambda i: f"/planning/rondes/{i}/vastzetten"
    )
    return _as_secretaris(urls, form_with_poison(fields, poisons))


@target("planning.remove_pin")
def _remove_pin(w: World) -> st.SearchStrategy[Post]:
    urls = url_id().map(lambda i: f"/planning/pins/{i}/verwijderen")
    return _as_secretaris(urls, _junk())


@target("planning.move")
def _move(w: World) -> st.SearchStrategy[Post]:
    people = some_id(w.ids["anouk"], w.ids["bram"])
    fields = {
        "role_id": some_id(w.ids["role"], w.ids["role2"]),
        "from_employee_id": people,
        "to_employee_id": people,
    }
    poisons = {name: unknown_id() for name in fields}
    urls = url_id(w.ids["proposed_round"]).map(
        lambda i: f"/planning/rondes/{i}/verplaatsen"
    )
    return _as_secretaris(urls, form_with_poison(fields, poisons))


@target("planning.approve_plan")
def _approve_plan(w: World) -> st.SearchStrategy[Post]:
    urls = url_id(w.ids["old_plan"]).map(
        lambda i: f"/planning/werkplannen/{i}/goedkeuren"
    )
    return _as_secretaris(urls, _junk())


# --- scenarios ----------------------------------------------------------------------


@target("scenarios.round_scenarios")
def _new_scenario(w: World) -> st.SearchStrategy[Post]:
    # Only an approved round takes a scenario: these are open or proposed.
    dates = st.one_of(
        st.dates().map(date.isoformat), st.sampled_from(NASTY_DATES), nasty_text()
    )
    data = form_with_poison({"name": nasty_text(), "valid_from": dates}, {})
    urls = url_id(w.ids["open_round"], w.ids["proposed_round"]).map(
        lambda i: f"/planning/rondes/{i}/scenarios"
    )
    return _as_secretaris(urls, data)


def _scenario_action(action: str) -> Target:
    """A scenario action on a scenario that does not exist."""

    def make(w: World) -> st.SearchStrategy[Post]:
        data = form_with_poison(
            {
                "kind": st.one_of(
                    st.sampled_from(["absence", "contract", "hire"]), nasty_text()
                ),
                "employee_id": st.one_of(st.just(str(w.ids["anouk"])), nasty_text()),
                "role_id": nasty_text(),
                "fte": nasty_text(),
                "name": nasty_text(),
                "base_function": nasty_text(),
                "index": nasty_text(),
            },
            {},
        )
        return _as_secretaris(
            url_id().map(lambda i: f"/planning/scenarios/{i}/{action}"), data
        )

    return make


target("scenarios.add_change")(_scenario_action("wijzigingen"))
target("scenarios.remove_change")(_scenario_action("wijzigingen/verwijderen"))
target("scenarios.solve")(_scenario_action("doorrekenen"))
target("scenarios.publish")(_scenario_action("doorvoeren"))
