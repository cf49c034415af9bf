"""The round as a portable instance file (format v1).

Inside the app a solver run names employees ``m<id>`` (services.solver_bridge),
which only means something in this database. The round export names them by
their username instead: the one key the instance import matches on
(services.imports.instance_json), so exporting a round and importing the file
again changes no employee, role, competence or cluster. A proposal's own input
and plan keep the ``m<id>`` keys: they are for reproducing a run with
``ommen-rollen solve`` and ``check``, not for importing."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import Employee
from ..rounds import get_round
from ..solver_bridge import build_instance, employee_id_of
from .common import export_filename

# The lists whose entries name an employee, and the fields that do.
EMPLOYEE_REFERENCES = {
    "preferences": ("employee",),
    "previous": ("employee", "mentor"),
    "pins": ("employee", "mentor"),
    "forbid": ("employee",),
    "effort": ("employee",),
}


def portable_instance(round_id: int) -> dict[str, Any]:
    """build_instance for a round, every employee named by their username."""
    instance = build_instance(round_id)
    usernames = dict(db.session.execute(select(Employee.id, Employee.username)).all())

    def key(value: Any) -> Any:
        employee_id = employee_id_of(str(value))
        return usernames.get(employee_id, value) if employee_id is not None else value

    instance["employees"] = [
        {**e, "id": key(e["id"])} for e in instance.get("employees", [])
    ]
    for section, fields in EMPLOYEE_REFERENCES.items():
        if section in instance:
            instance[section] = [
                {k: key(v) if k in fields else v for k, v in item.items()}
                for item in instance[section]
            ]
    return instance


def round_instance_json(round_id: int) -> tuple[bytes, str]:
    """The round as instance JSON (UTF-8, indented) and its file name."""
    round_ = get_round(round_id)
    data = json.dumps(portable_instance(round_id), ensure_ascii=False, indent=2)
    return data.encode("utf-8"), export_filename(round_.label, "instance", "json")
