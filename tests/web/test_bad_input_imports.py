"""Bad input for imports (CSV, Excel and instance files).

Hostile and random values posted to every form of the area get a Dutch answer
and change nothing (the fuzz targets are in tests/web/hostile/)."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from ommen_rollen.services.imports import KINDS
from tests.web.hostile import imports as AREA  # noqa: N812
from tests.web.hostile.base import (
    FUZZ,
    Answer,
    World,
    assert_refused,
    endpoints_in,
    nasty_text,
    post_hostile,
    send,
    sent_texts,
)
from tests.web.hostile.imports import import_file, instance_json

pytestmark = pytest.mark.usefixtures("app")


@pytest.mark.parametrize("endpoint", endpoints_in(AREA))
@FUZZ
@given(data=st.data())
def test_hostile_posts_get_a_dutch_answer_and_change_nothing(
    world: World, endpoint: str, data: st.DataObject
) -> None:
    post_hostile(world, endpoint, data)


@pytest.mark.parametrize("kind", sorted(KINDS))
@FUZZ
@given(data=st.data())
def test_every_import_with_a_bad_row_is_refused_whole(
    world: World, kind: str, data: st.DataObject
) -> None:
    """Upload -> map columns -> preview -> commit with a file that has one row the
    app must refuse: each step answers in Dutch, the commit imports nothing."""
    content, filename, table = data.draw(import_file(kind), label="file")
    sent = sent_texts(table)

    def step(method: str, url: str, **kwargs: Any) -> Answer:
        answer = send(world, "secretaris", method, url, **kwargs)
        assert answer.status < 500, f"{method} {url}: {answer.status}"
        assert answer.changed == [], f"{method} {url}: changed {answer.changed}"
        return answer

    upload = step(
        "POST",
        "/beheer/import/",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
    )
    if upload.status != 302:  # refused at once: the reason is on the page
        assert_refused(upload, sent, "upload")
        return
    assert upload.location == "/beheer/import/kolommen"
    page = step("GET", "/beheer/import/kolommen")
    assert page.status == 200
    columns = len(re.findall(r'name="kolom_\d+"', page.body))
    choices = st.one_of(st.sampled_from(["", *KINDS[kind].keys]), nasty_text())
    mapping = data.draw(
        st.fixed_dictionaries({f"kolom_{i}": choices for i in range(columns)}),
        label="mapping",
    )
    mapped = step("POST", "/beheer/import/kolommen", data=mapping)
    if mapped.status != 302:
        assert_refused(mapped, [*sent, *sent_texts(mapping)], "mapping")
    preview = step("GET", "/beheer/import/voorbeeld")
    assert preview.status in (200, 302)
    committed = step("POST", "/beheer/import/vastleggen")
    assert_refused(committed, [*sent, *sent_texts(mapping)], "commit")
    assert [c for c, _m in committed.messages] == ["error"]
    cancelled = step("POST", "/beheer/import/annuleren")
    assert cancelled.status == 302


@st.composite
def round_file_with_a_bad_entry(draw: st.DrawFn) -> dict[str, Any]:
    """An instance file the format accepts, with hostile text in names and one
    employee the app must refuse (more than a full contract)."""
    data = instance_json()
    for section, key in draw(
        st.lists(
            st.sampled_from(
                [("employees", "name"), ("roles", "name"), ("roles", "cluster")]
            ),
            max_size=3,
        )
    ):
        data[section][0][key] = draw(nasty_text())
    if draw(st.booleans()):
        data["employees"][0]["competences"] = {
            draw(nasty_text(10)): draw(st.integers(0, 4))
        }
    data["employees"].append(
        {"id": "gif", "name": "Gif", "fte": 1.5, "base_function": "B"}
    )
    return data


@FUZZ
@given(data=st.data())
def test_every_round_import_with_a_bad_entry_is_refused_whole(
    world: World, data: st.DataObject
) -> None:
    """Upload -> preview -> commit of a round file with one employee the app must
    refuse: each step answers in Dutch, the preview and the commit change nothing
    (not even the clusters and competences the file names), cancel forgets it."""
    raw = data.draw(round_file_with_a_bad_entry(), label="file")
    label = data.draw(st.one_of(st.just("Dalfsen 2027"), nasty_text()), label="label")
    sent = sent_texts(raw, label)

    def step(method: str, url: str, **kwargs: Any) -> Answer:
        answer = send(world, "secretaris", method, url, **kwargs)
        assert answer.status < 500, f"{method} {url}: {answer.status}"
        assert answer.changed == [], f"{method} {url}: changed {answer.changed}"
        return answer

    form = {
        "label": label,
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "file": (io.BytesIO(json.dumps(raw).encode()), "ronde.json"),
    }
    upload = step("POST", "/beheer/import/ronde", data=form)
    if upload.status != 302:  # refused at once: the reason is on the page
        event("refused at upload")
        assert_refused(upload, sent, "upload")
        return
    event("previewed")
    assert upload.location == "/beheer/import/ronde/voorbeeld"
    preview = step("GET", "/beheer/import/ronde/voorbeeld")
    assert preview.status == 200
    assert "employees[1].fte" in preview.body
    committed = step("POST", "/beheer/import/ronde/vastleggen")
    assert_refused(committed, sent, "commit")
    assert [c for c, _m in committed.messages] == ["error"]
    cancelled = step("POST", "/beheer/import/ronde/annuleren")
    assert cancelled.status == 302
