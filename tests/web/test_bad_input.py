"""Bad input: hostile and random values posted to every form and import.

Every POST route of the app is fuzzed (tests/web/hostile, one test file per
area: test_bad_input_<area>.py) (a test fails when a new one is not): huge
and negative numbers, unicode, NUL bytes, SQL and HTML fragments, very long text,
garbage and truncated CSV, XLSX and JSON files. The answer is always a Dutch
message or a 4xx, never a 500, and the database is unchanged: every example
carries at least one value that must be refused (a "poison"), so any change is a
bug. Runs with CSRF off (the test default) so that validation is what is hit.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask import Flask

from tests.web.hostile import TARGETS
from tests.web.hostile.base import (
    BIG,
    World,
    send,
)

pytestmark = pytest.mark.usefixtures("app")


# POST routes fuzzed by a test of their own, or not at all (with the reason).
ELSEWHERE = {
    "imports.columns": "test_every_import_with_a_bad_row_is_refused_whole",
    "imports.commit": "test_every_import_with_a_bad_row_is_refused_whole",
    "imports.cancel": "test_every_import_with_a_bad_row_is_refused_whole",
    "imports.round_commit": "test_every_round_import_with_a_bad_entry_is_refused_whole",
    "imports.round_cancel": "test_every_round_import_with_a_bad_entry_is_refused_whole",
    "auth.logout": "takes no input and ends the session by design (test_security)",
    # the JSON API: schemathesis sends generated and hostile input to every operation
    **{
        endpoint: "tests/web/api/test_schemathesis.py"
        for endpoint in (
            "api_organisation.create_competence",
            "api_organisation.create_employee",
            "api_organisation.create_role",
            "api_planning.optimise",
        )
    },
}

# Which fuzz target posts each form of ommen_rollen/forms.
FORMS = {
    "LoginForm": "auth.login",
    "PasswordChangeForm": "auth.account",
    "PasswordSetForm": "auth.set_password",
    "ResetRequestForm": "auth.forgot_password",
    "CodeForm": "auth.second_factor",
    "ConfirmForm": "beheer.cluster_delete",
    "NamedForm": "beheer.cluster_new",
    "PartnerForm": "beheer.partner_new",
    "TaskFieldForm": "beheer.task_field_new",
    "RoleForm": "beheer.role_new",
    "EmployeeForm": "beheer.employee_new",
    "UploadForm": "imports.upload",
    "RoundImportForm": "imports.round_from_instance",
    "OpenRoundForm": "planning.open_round",
    "OptimiseForm": "planning.optimise",
    "PinForm": "planning.add_pin",
    "MoveForm": "planning.move",
    "CommentForm": "medewerker.opmerking",
    "MappingForm": "imports.columns",  # made per file by mapping_form_class()
    "ApiTokenForm": "api_tokens.new",
}


def post_endpoints(app: Flask) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set())
    }


def test_every_post_route_is_fuzzed(app: Flask) -> None:
    covered = set(TARGETS) | set(ELSEWHERE)
    missing = post_endpoints(app) - covered
    assert missing == set(), f"add a fuzz target for: {sorted(missing)}"
    assert covered - post_endpoints(app) == set(), "fuzz targets for removed routes"


def test_every_form_is_fuzzed() -> None:
    from flask_wtf import FlaskForm

    import ommen_rollen.forms as forms_package
    from ommen_rollen.forms import DutchForm

    found = {"MappingForm"}
    for module_info in pkgutil.iter_modules(forms_package.__path__):
        module = importlib.import_module(f"ommen_rollen.forms.{module_info.name}")
        for name, member in inspect.getmembers(module, inspect.isclass):
            if issubclass(member, FlaskForm) and member.__module__ == module.__name__:
                assert issubclass(member, DutchForm), f"{name} must be a DutchForm"
                found.add(name)
    assert found == set(FORMS), "map every form onto its fuzz target in FORMS"


# --- regressions found by the fuzzing above -------------------------------------------


def test_a_nul_byte_in_any_field_is_refused_before_it_reaches_the_database(
    world: World,
) -> None:
    """PostgreSQL cannot store NUL in text: it used to be a 500 there."""
    for url, data in [
        ("/beheer/clusters/nieuw", {"name": "Re\x00gie 2"}),
        ("/beheer/competenties/nieuw", {"name": "ok", "description": "a\x00"}),
        ("/inloggen?next=/\x00", {"username": "x", "password": "y"}),
    ]:
        answer = send(world, "secretaris", "POST", url, data=data)
        assert answer.status == 400, url
        assert answer.changed == []
        assert ("page", "Ongeldig verzoek: Het verzoek kon niet worden verwerkt.") in (
            answer.messages
        )


def test_unicode_digits_are_no_row_ids(world: World) -> None:
    """'²'.isdigit() is True but int('²') fails: it used to be a 500."""
    answer = send(
        world,
        "secretaris",
        "POST",
        f"/beheer/rollen/{world.ids['role']}",
        data={"version_id": "²", "code": "R01", "name": "x", "cluster_id": "²"},
    )
    assert answer.status == 409 and answer.changed == []
    answer = send(
        world,
        "secretaris",
        "POST",
        "/beheer/rollen/nieuw",
        data={"code": "R77", "name": "x", "cluster_id": "²", "fte": "0,5"},
    )
    assert answer.status == 422 and answer.changed == []
    assert ("form", "Kies een bestaand cluster") in answer.messages
    answer = send(
        world,
        "medewerker",
        "POST",
        "/mijn/voorkeuren",
        data={"role_id": ["²", "99999999999999999999"], "choice-²": "want"},
    )
    assert answer.changed == []
    assert ("error", "Het formulier is ongeldig.") in answer.messages
    page = send(world, "medewerker", "GET", "/mijn/samen-kiezen?cluster=9" + "9" * 30)
    assert page.status == 200


def test_the_forms_own_messages_are_dutch(world: World) -> None:
    """WTForms speaks English unless told otherwise ("Not a valid date value.")."""
    answer = send(
        world,
        "secretaris",
        "POST",
        "/planning/rondes/nieuw",
        data={"label": "2028-H1", "starts_on": "abc", "ends_on": "2028-13-01"},
    )
    assert ("form", "Ongeldige datum.") in answer.messages
    answer = send(
        world,
        "secretaris",
        "POST",
        f"/planning/rondes/{world.ids['proposed_round']}/vastzetten",
        data={
            "employee_id": "abc",
            "role_id": str(BIG),
            "kind": "x",
            "pin_kind": "pin",
        },
    )
    assert ("error", "Ongeldige keuze: kon niet omgezet worden.") in answer.messages
    assert ("error", "Ongeldige keuze.") in answer.messages
