"""Fuzz targets for beheer: accounts, clusters, competences, partners,
taakvelden, roles, employees, removals, API tokens and erasure."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ommen_rollen.domain import TaskMode

from .base import (
    Post,
    Target,
    World,
    _as_secretaris,
    _junk,
    form_with_poison,
    nasty_text,
    not_in,
    some_id,
    target,
    unknown_id,
    url_id,
)


@target("beheer.employee_first_password", "beheer.employee_invite")
def _employee_account(w: World) -> st.SearchStrategy[Post]:
    # On a real medewerker these work by design; on no medewerker they refuse.
    actions = st.sampled_from(["eerste-wachtwoord", "uitnodigen"])
    urls = st.builds(lambda i, a: f"/beheer/medewerkers/{i}/{a}", url_id(), actions)
    return _as_secretaris(urls, _junk())


def _name_poisons(clash: str) -> dict[str, st.SearchStrategy[str]]:
    return {
        "name": st.one_of(
            st.sampled_from(["", "   ", "\t\n", "x" * 121, "é" * 200]),
            st.sampled_from([clash, clash.upper(), f"  {clash.lower()} "]),
        )
    }


def _named(w: World, noun: str, plural: str, key: str, clash: str) -> Any:
    fields = {"name": nasty_text(), "description": nasty_text(), "active": nasty_text()}
    poisons = _name_poisons(clash)
    if noun != "partners":
        poisons["description"] = st.just("d" * 2001)
    else:
        del fields["description"]
    urls = st.sampled_from(
        [f"/beheer/{plural}/nieuw", f"/beheer/{plural}/{w.ids[key]}"]
    )
    return _as_secretaris(urls, form_with_poison(fields, poisons))


@target("beheer.cluster_new", "beheer.cluster_edit")
def _clusters(w: World) -> st.SearchStrategy[Post]:
    return _named(w, "clusters", "clusters", "cluster", "Beleid")


@target("beheer.competence_new", "beheer.competence_edit")
def _competences(w: World) -> st.SearchStrategy[Post]:
    return _named(w, "competences", "competenties", "competence", "beleid")


@target("beheer.partner_new", "beheer.partner_edit")
def _partners(w: World) -> st.SearchStrategy[Post]:
    return _named(w, "partners", "partners", "partner", "Hardenberg")


@target("beheer.task_field_new", "beheer.task_field_edit")
def _task_fields(w: World) -> st.SearchStrategy[Post]:
    modes = {m.value for m in TaskMode}
    fields = {
        "name": nasty_text(),
        "mode": st.one_of(st.sampled_from(sorted(modes)), nasty_text()),
        "partner_id": some_id(w.ids["partner"], w.ids["partner2"]),
        "cluster_id": some_id(w.ids["cluster"]),
        "description": nasty_text(),
        "active": nasty_text(),
    }
    poisons = {
        **_name_poisons("Handhaving"),
        "mode": nasty_text().filter(not_in(modes)),
        "partner_id": unknown_id(),
        "cluster_id": unknown_id(),
        "description": st.just("d" * 2001),
    }
    urls = st.sampled_from(
        ["/beheer/taakvelden/nieuw", f"/beheer/taakvelden/{w.ids['task_field']}"]
    )
    return _as_secretaris(urls, form_with_poison(fields, poisons))


def _level_rows(prefix: str, w: World) -> st.SearchStrategy[dict[str, str]]:
    """FieldList rows (competence id, level) as the form posts them."""
    row = st.tuples(
        some_id(w.ids["competence"], w.ids["competence2"]),
        st.one_of(st.sampled_from(["", "1", "2", "3"]), nasty_text()),
    )

    def flatten(rows: list[tuple[str, str]]) -> dict[str, str]:
        data = {}
        for i, (competence_id, level) in enumerate(rows):
            data[f"{prefix}-{i}-competence_id"] = competence_id
            data[f"{prefix}-{i}-level"] = level
        return data

    return st.lists(row, max_size=4).map(flatten)


@st.composite
def _with_rows(
    draw: st.DrawFn, form: st.SearchStrategy[dict[str, Any]], rows: Any
) -> dict[str, Any]:
    data = draw(rows)
    data.update(draw(form))
    return data


@target("beheer.role_new", "beheer.role_edit")
def _roles(w: World) -> st.SearchStrategy[Post]:
    fields = {
        "version_id": st.one_of(st.just("1"), nasty_text()),
        "code": nasty_text(),
        "name": nasty_text(),
        "description": nasty_text(),
        "cluster_id": some_id(w.ids["cluster"], w.ids["cluster2"]),
        "task_field_id": some_id(w.ids["task_field"]),
        "fte": nasty_text(),
        "base_functions": st.lists(
            st.one_of(st.sampled_from("ABCDE"), nasty_text()), max_size=6
        ),
        "backups_needed": nasty_text(),
        "splittable": nasty_text(),
        "max_holders": nasty_text(),
        "min_share": nasty_text(),
        "critical": nasty_text(),
        "active": nasty_text(),
    }
    poisons = {
        "code": st.sampled_from(["", "  ", "c" * 41, "R02"]),
        "name": st.sampled_from(["", " ", "n" * 161]),
        "cluster_id": st.one_of(st.just(""), unknown_id()),
        "fte": st.sampled_from(
            ["", "0", "-1", "-0,5", "abc", "10,0001", "11", "1e3", "NaN", "0,00001"]
        ),
        "backups_needed": st.sampled_from(["-1", "11", "abc", "1,5", "²"]),
        "max_holders": st.sampled_from(["0", "21", "abc", "-3", "9" * 30]),
        "base_functions": st.just(["F"]),
    }
    new = _as_secretaris(
        st.just("/beheer/rollen/nieuw"),
        _with_rows(form_with_poison(fields, poisons), _level_rows("requirements", w)),
    )
    stale = {**poisons, "version_id": st.sampled_from(["", "0", "2", "abc", "²"])}
    edit = _as_secretaris(
        st.just(f"/beheer/rollen/{w.ids['role']}"),
        _with_rows(form_with_poison(fields, stale), _level_rows("requirements", w)),
    )
    return st.one_of(new, edit)


@target("beheer.employee_new", "beheer.employee_edit")
def _employees(w: World) -> st.SearchStrategy[Post]:
    fields = {
        "version_id": st.one_of(st.just("1"), nasty_text()),
        "name": nasty_text(),
        "username": nasty_text(),
        "contract": nasty_text(),
        "contract_unit": st.one_of(st.sampled_from(["uren", "fte"]), nasty_text()),
        "base_function": st.one_of(st.sampled_from("ABCDE"), nasty_text()),
        "home_cluster_id": some_id(w.ids["cluster"]),
        "active": nasty_text(),
    }
    poisons = {
        "name": st.sampled_from(["", "  ", "n" * 161]),
        "username": st.sampled_from(
            ["", "a", "A B", "-abc", "u" * 61, "bram", "BRAM", "secretaris", "ü-x"]
        ),
        "contract": st.sampled_from(["", "0", "-1", "-0", "abc", "NaN", "1e9", "inf"]),
        "contract_unit": nasty_text().filter(not_in({"uren", "fte"})),
        "base_function": nasty_text().filter(not_in(set("ABCDE"))),
        "home_cluster_id": unknown_id(),
    }
    new = _as_secretaris(
        st.just("/beheer/medewerkers/nieuw"),
        _with_rows(form_with_poison(fields, poisons), _level_rows("competences", w)),
    )
    stale = {**poisons, "version_id": st.sampled_from(["", "0", "2", "abc", "²"])}
    edit = _as_secretaris(
        st.just(f"/beheer/medewerkers/{w.ids['anouk']}"),
        _with_rows(form_with_poison(fields, stale), _level_rows("competences", w)),
    )
    return st.one_of(new, edit)


BEHEER_PATHS = {
    "employee": "medewerkers",
    "role": "rollen",
    "competence": "competenties",
    "cluster": "clusters",
    "partner": "partners",
    "task_field": "taakvelden",
}


def _confirm(path: str, action: str) -> Target:
    # (De)activating or deleting a real row always works: only ids that name
    # nothing can be refused, with whatever the form holds.
    def make(w: World) -> st.SearchStrategy[Post]:
        urls = url_id().map(lambda i: f"/beheer/{path}/{i}/{action}")
        return _as_secretaris(urls, _junk())

    return make


for _noun, _path in BEHEER_PATHS.items():
    target(f"beheer.{_noun}_active")(_confirm(_path, "actief"))
    target(f"beheer.{_noun}_delete")(_confirm(_path, "verwijderen"))
target("api_tokens.revoke")(_confirm("api-sleutels", "intrekken"))


@target("api_tokens.new")
def _api_tokens(w: World) -> st.SearchStrategy[Post]:
    from ommen_rollen.services.api_tokens import SCOPES

    unknown_scope = nasty_text().filter(lambda s: s.strip() not in SCOPES)
    fields = {
        "name": nasty_text(),
        "scopes": st.lists(
            st.one_of(st.sampled_from(sorted(SCOPES)), nasty_text()), max_size=4
        ),
        "expires_on": nasty_text(),
    }
    poisons = {
        "name": st.sampled_from(["", "   ", "\t\n", "x" * 121]),
        "scopes": st.one_of(st.just([]), unknown_scope.map(lambda s: [s])),
        "expires_on": st.sampled_from(["", "2000-01-01", "gisteren", "9999-12-31"]),
    }
    urls = st.just("/beheer/api-sleutels/nieuw")
    return _as_secretaris(urls, form_with_poison(fields, poisons))


@target("privacy.erase")
def _erase(w: World) -> st.SearchStrategy[Post]:
    # Anouk and Bram are active: their data are never erased, confirmed or not;
    # an id that names nobody is no page at all.
    urls = url_id(w.ids["anouk"], w.ids["bram"]).map(
        lambda i: f"/privacy/medewerkers/{i}/wissen"
    )
    data = st.one_of(
        _junk(),
        st.fixed_dictionaries({"bevestigd": st.one_of(st.just("1"), nasty_text())}),
    )
    return _as_secretaris(urls, data)
