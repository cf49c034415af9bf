"""Row by row: read the mapped cells of one row into the values it asks for,
with a Dutch message per bad cell, compare with what is stored, and apply.

An empty cell leaves the stored value as it is; a list (competences, required
competences) in a filled cell replaces the stored list. So importing the same file
twice changes nothing the second time."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import select

from ...domain import UserRole, format_fte
from ...extensions import db
from ...models import (
    Cluster,
    Competence,
    Employee,
    Role,
    TaskField,
    User,
)
from .. import limits, validation
from ..accounts import create_account
from ..base import stamp
from ..beheer import account_of, sync_competences, sync_requirements
from .mapping import COMPETENCES, EMPLOYEES, ROLES, Kind

Report = Callable[[str, str], None]  # (field key, Dutch message)
T = TypeVar("T")

TRUE = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
FALSE = {"nee", "n", "no", "false", "onwaar", "0", ""}


# --- reading cells ------------------------------------------------------------


def read_bool(text: str, key: str, report: Report) -> bool | None:
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    report(key, f"'{text}' is geen ja of nee.")
    return None


def read(text: str, key: str, report: Report, validate: Callable[[str], T]) -> T | None:
    """The cell through one of services.validation's functions (beheer reads with
    the same ones), else None (reported)."""
    try:
        return validate(text)
    except validation.Invalid as exc:
        report(key, str(exc))
        return None


def read_text(
    text: str, key: str, report: Report, maximum: int, *, single_line: bool = True
) -> str | None:
    """The text when it fits the bounds of services.limits, else None (reported)."""
    problem = limits.text_problem(text, maximum, single_line=single_line)
    if problem:
        report(key, problem)
        return None
    return text


def read_levels(
    text: str,
    key: str,
    report: Report,
    competences: dict[str, Competence],
    *,
    maximum: int,
    what: str,
) -> dict[int, int] | None:
    """'regievoering:2; juridisch:1' -> {competence id: level}, at most ``maximum``
    competences."""
    parts = [p for p in re.split(r"[;,|\n]", text) if p.strip()]
    try:
        validation.level_count(len(parts), maximum=maximum, what=what)
    except validation.Invalid as exc:
        report(key, str(exc))
        return None
    levels: dict[int, int] = {}
    ok = True
    for part in parts:
        part = part.strip()
        match = re.fullmatch(r"(.+?)\s*(?:[:=]|\(|\s)\s*(\d+)\)?", part)
        if match is None:
            report(key, f"'{part}': schrijf competentie en niveau als 'naam:2'.")
            ok = False
            continue
        name, level = match.group(1).strip(), int(match.group(2))
        competence = competences.get(name.lower())
        if competence is None:
            report(
                key,
                f"competentie '{name}' bestaat niet; importeer of maak die eerst aan.",
            )
            ok = False
        elif read(str(level), key, report, partial(_level_of, name)) is None:
            ok = False
        elif competence.id in levels:
            report(key, f"competentie '{name}' staat er twee keer in.")
            ok = False
        else:
            levels[competence.id] = level
    return levels if ok else None


def _level_of(name: str, text: str) -> int:
    """validation.level, the message naming the competence."""
    try:
        return validation.level(text)
    except validation.Invalid as exc:
        raise validation.Invalid(f"'{name}': {exc}") from None


def read_base_functions(text: str, key: str, report: Report) -> str | None:
    """'A, B en C' -> 'ABC'."""
    letters = re.sub(r"[\s,;/+&]", "", text.upper().replace(" EN ", " "))
    return read(letters, key, report, validation.base_functions)


# --- per kind -----------------------------------------------------------------


@dataclass
class Desired:
    """What one row asks for: field -> value, only for filled cells."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


class Handler:
    """Reads, compares and applies the rows of one kind of import."""

    kind: Kind
    object_type: str
    labels: dict[str, str] = {}  # value key -> Dutch name in change lines
    # The model whose number is bounded (services.limits.total_bound).
    total: type[Any] | None = None

    def __init__(self) -> None:
        self.clusters = {c.name.lower(): c for c in db.session.scalars(select(Cluster))}
        self.competences = {
            c.name.lower(): c for c in db.session.scalars(select(Competence))
        }
        self.task_fields = {
            t.name.lower(): t for t in db.session.scalars(select(TaskField))
        }

    def existing(self, key: str) -> Any:
        raise NotImplementedError

    def read(self, cells: dict[str, str], report: Report, new: bool) -> Desired:
        raise NotImplementedError

    def current(self, obj: Any) -> dict[str, Any]:
        """The stored values under the same keys as Desired.values."""
        raise NotImplementedError

    def create(self) -> Any:
        raise NotImplementedError

    def set(self, obj: Any, key: str, value: Any) -> None:
        setattr(obj, key, value)

    def describe(self, key: str, value: Any) -> str:
        return str(value)

    def changes(self, desired: Desired, obj: Any) -> list[str]:
        """Dutch lines 'Naam: oud -> nieuw' for every value that differs."""
        if obj is None:
            return []
        now = self.current(obj)
        lines = []
        for key, value in desired.values.items():
            if now.get(key) != value:
                label = self.labels.get(key, key)
                old = self.describe(key, now.get(key))
                lines.append(f"{label}: {old} → {self.describe(key, value)}")
        return lines

    def apply(self, desired: Desired, obj: Any, by: User | None) -> Any:
        new = obj is None
        if new:
            obj = self.create()
            db.session.add(obj)
            now: dict[str, Any] = {}
        else:
            now = self.current(obj)
        for key, value in desired.values.items():
            if new or now.get(key) != value:
                self.set(obj, key, value)
        stamp(obj, by, new=new)
        return obj

    def _lookup(
        self, table: dict[str, Any], text: str, key: str, what: str, report: Report
    ) -> Any:
        found = table.get(text.strip().lower())
        if found is None:
            report(key, f"{what} '{text}' bestaat niet.")
        return found


class EmployeeHandler(Handler):
    kind = EMPLOYEES
    object_type = "employee"
    total = Employee
    labels = {
        "name": "naam",
        "contract_units": "contract",
        "base_function": "rompfunctie",
        "home_cluster_id": "cluster",
        "competences": "competenties",
        "active": "actief",
        "email": "e-mailadres",
    }

    def __init__(self) -> None:
        super().__init__()
        # Usernames are lower case and unique across employees and accounts (as
        # in beheer): 'Anouk.deVries' in a file is the employee 'anouk.devries'.
        self.by_username = {
            e.username.lower(): e for e in db.session.scalars(select(Employee))
        }
        self.account_names = {
            u.lower() for u in db.session.scalars(select(User.username))
        }
        self.by_email = {e.email: e for e in self.by_username.values() if e.email}
        self.email_rows: dict[str, str] = {}  # e-mail -> username in this file
        self.cluster_names = {c.id: c.name for c in self.clusters.values()}
        self.competence_names = {c.id: c.name for c in self.competences.values()}

    def existing(self, key: str) -> Employee | None:
        return self.by_username.get(key.lower())

    def read(self, cells: dict[str, str], report: Report, new: bool) -> Desired:
        username = cells.get("username", "").lower()
        desired = Desired(username)
        if read(username, "username", report, validation.username) is None:
            pass
        elif new and username in self.account_names:
            report("username", f"de gebruikersnaam '{username}' is al in gebruik.")
        values = desired.values
        self._email(cells, username, values, report)

        name = cells.get("name", "")
        if not name:
            parts = [cells.get(k, "") for k in ("first_name", "infix", "last_name")]
            name = " ".join(p for p in parts if p)
        if not name:
            if new:
                report("name", "een nieuwe medewerker moet een naam hebben.")
        elif read_text(name, "name", report, limits.LONG_NAME_LENGTH) is not None:
            values["name"] = name

        contract = self._contract(cells, report)
        if contract is not None:
            values["contract_units"] = contract
        elif new and not any(
            cells.get(k) for k in ("contract_fte", "contract_hours", "contract_percent")
        ):
            report("contract_fte", "een nieuwe medewerker moet een contract hebben.")

        if base := cells.get("base_function", ""):
            # 'B', 'b' or 'B (beleid)'
            match = re.fullmatch(r"([A-Ea-e])\b.*", base)
            letter = match.group(1) if match else base
            function = read(letter, "base_function", report, validation.base_function)
            if function is not None:
                values["base_function"] = function
        elif new:
            report(
                "base_function", "een nieuwe medewerker moet een rompfunctie hebben."
            )

        if cluster_name := cells.get("home_cluster", ""):
            cluster = self._lookup(
                self.clusters, cluster_name, "home_cluster", "cluster", report
            )
            if cluster is not None:
                values["home_cluster_id"] = cluster.id
        if text := cells.get("competences", ""):
            levels = read_levels(
                text,
                "competences",
                report,
                self.competences,
                maximum=limits.MAX_COMPETENCES_PER_EMPLOYEE,
                what="competenties per medewerker",
            )
            if levels is not None:
                values["competences"] = levels
        if text := cells.get("active", ""):
            active = read_bool(text, "active", report)
            if active is not None:
                values["active"] = active
        return desired

    def _email(
        self,
        cells: dict[str, str],
        username: str,
        values: dict[str, Any],
        report: Report,
    ) -> None:
        """The e-mail column, or the username when it is an e-mail address."""
        text = cells.get("email", "").strip()
        key = "email"
        if not text and "@" in username:
            text, key = username, "username"
        if not text:
            return
        try:
            email = limits.normalise_email(text)
        except ValueError as exc:
            report(key, str(exc))
            return
        holder = self.by_email.get(email)
        if holder is not None and holder.username.lower() != username:
            report(key, f"het e-mailadres '{email}' is al van {holder.username}.")
            return
        other_row = self.email_rows.setdefault(email, username)
        if other_row != username:
            report(key, f"het e-mailadres '{email}' staat ook bij {other_row}.")
            return
        values["email"] = email

    def _contract(self, cells: dict[str, str], report: Report) -> int | None:
        found: list[tuple[str, int]] = []
        for key, validate in (
            ("contract_fte", validation.contract_fte),
            ("contract_hours", validation.contract_hours),
            ("contract_percent", validation.contract_percent),
        ):
            if text := cells.get(key, ""):
                if (units := read(text, key, report, validate)) is not None:
                    found.append((key, units))
        if not found:
            return None
        key, units = found[0]
        if any(abs(other - units) > 1 for _k, other in found[1:]):
            report(key, "de kolommen voor het contract spreken elkaar tegen.")
            return None
        return units

    def current(self, obj: Employee) -> dict[str, Any]:
        return {
            "name": obj.name,
            "contract_units": obj.contract_units,
            "base_function": obj.base_function,
            "home_cluster_id": obj.home_cluster_id,
            "competences": {ec.competence_id: ec.level for ec in obj.competences},
            "active": obj.active,
            "email": obj.email,
        }

    def describe(self, key: str, value: Any) -> str:
        if key == "contract_units" and value is not None:
            return f"{format_fte(value)} fte"
        if key == "home_cluster_id":
            return self.cluster_names.get(value, "geen")
        if key == "competences":
            return (
                ", ".join(
                    f"{self.competence_names.get(c, c)}:{lvl}"
                    for c, lvl in sorted(value.items())
                )
                or "geen"
            )
        if key == "active":
            return "ja" if value else "nee"
        return str(value)

    def create(self) -> Employee:
        return Employee()

    def set(self, obj: Employee, key: str, value: Any) -> None:
        if key != "competences":
            setattr(obj, key, value)
            return
        sync_competences(obj, value)

    def apply(self, desired: Desired, obj: Any, by: User | None) -> Any:
        if obj is None:
            obj = Employee(username=desired.key)
            db.session.add(obj)
            for key, value in desired.values.items():
                self.set(obj, key, value)
            stamp(obj, by, new=True)
            self.by_username[desired.key] = obj
        else:
            obj = super().apply(desired, obj, by)
        self._sync_account(obj)
        return obj

    def _sync_account(self, employee: Employee) -> None:
        """Every medewerker has an account: made here without a password (the
        invitation link or a first password from beheer sets one)."""
        account = account_of(employee)
        if account is None:
            account = create_account(employee.username, None, UserRole.EMPLOYEE)
            account.employee = employee
        account.active = employee.active


class CompetenceHandler(Handler):
    kind = COMPETENCES
    object_type = "competence"
    total = Competence
    labels = {"description": "omschrijving", "active": "actief"}

    def existing(self, key: str) -> Competence | None:
        return self.competences.get(key.lower())

    def read(self, cells: dict[str, str], report: Report, new: bool) -> Desired:
        name = cells.get("name", "")
        desired = Desired(name)
        read_text(name, "name", report, limits.NAME_LENGTH)
        if text := cells.get("description", ""):
            if read_text(
                text,
                "description",
                report,
                limits.DESCRIPTION_LENGTH,
                single_line=False,
            ):
                desired.values["description"] = text
        if text := cells.get("active", ""):
            active = read_bool(text, "active", report)
            if active is not None:
                desired.values["active"] = active
        return desired

    def current(self, obj: Competence) -> dict[str, Any]:
        return {"description": obj.description, "active": obj.active}

    def apply(self, desired: Desired, obj: Any, by: User | None) -> Any:
        if obj is None:
            obj = Competence(name=desired.key, **desired.values)
            db.session.add(obj)
            stamp(obj, by, new=True)
            self.competences[desired.key.lower()] = obj
            return obj
        return super().apply(desired, obj, by)


class RoleHandler(Handler):
    kind = ROLES
    object_type = "role"
    total = Role
    labels = {
        "name": "naam",
        "description": "omschrijving",
        "cluster_id": "cluster",
        "task_field_id": "taakveld",
        "fte_units": "omvang",
        "base_functions_code": "rompfuncties",
        "backups_needed": "vervangers",
        "splittable": "deelbaar",
        "max_holders": "max. rolhouders",
        "min_share_units": "kleinste deel",
        "critical": "kritiek",
        "requirements": "vereiste competenties",
        "active": "actief",
    }

    def __init__(self) -> None:
        super().__init__()
        self.by_code = {r.code: r for r in db.session.scalars(select(Role))}
        self.names = {
            "cluster_id": {c.id: c.name for c in self.clusters.values()},
            "task_field_id": {t.id: t.name for t in self.task_fields.values()},
            "requirements": {c.id: c.name for c in self.competences.values()},
        }

    def existing(self, key: str) -> Role | None:
        return self.by_code.get(key)

    def read(self, cells: dict[str, str], report: Report, new: bool) -> Desired:
        code = cells.get("code", "")
        desired = Desired(code)
        values = desired.values
        read(code, "code", report, validation.role_code)
        if name := cells.get("name", ""):
            if read_text(name, "name", report, limits.LONG_NAME_LENGTH):
                values["name"] = name
        elif new:
            report("name", "een nieuwe rol moet een naam hebben.")
        if text := cells.get("description", ""):
            if read_text(
                text,
                "description",
                report,
                limits.ROLE_DESCRIPTION_LENGTH,
                single_line=False,
            ):
                values["description"] = text
        if text := cells.get("cluster", ""):
            cluster = self._lookup(self.clusters, text, "cluster", "cluster", report)
            if cluster is not None:
                values["cluster_id"] = cluster.id
        elif new:
            report("cluster", "een nieuwe rol moet bij een cluster horen.")
        if text := cells.get("task_field", ""):
            task_field = self._lookup(
                self.task_fields, text, "task_field", "taakveld", report
            )
            if task_field is not None:
                values["task_field_id"] = task_field.id

        units = None
        if text := cells.get("fte", ""):
            units = read(text, "fte", report, validation.role_fte)
        elif text := cells.get("hours", ""):
            units = read(text, "hours", report, validation.role_hours)
        elif new:
            report("fte", "een nieuwe rol moet een omvang in fte hebben.")
        if units is not None:
            values["fte_units"] = units

        if text := cells.get("base_functions", ""):
            letters = read_base_functions(text, "base_functions", report)
            if letters is not None:
                values["base_functions_code"] = letters
        elif new:
            report("base_functions", "geef aan welke rompfuncties deze rol mogen doen.")
        if text := cells.get("backups_needed", ""):
            n = read(text, "backups_needed", report, validation.backups_needed)
            if n is not None:
                values["backups_needed"] = n
        for key in ("splittable", "critical", "active"):
            if text := cells.get(key, ""):
                flag = read_bool(text, key, report)
                if flag is not None:
                    values[key] = flag
        if text := cells.get("max_holders", ""):
            n = read(text, "max_holders", report, validation.max_holders)
            if n is not None:
                values["max_holders"] = n
        if text := cells.get("min_share", ""):
            # The smallest share cannot exceed the role (stored or new size).
            stored = self.by_code.get(code)
            size = values.get("fte_units", stored.fte_units if stored else None)
            share = read(
                text, "min_share", report, lambda t: validation.min_share(t, size)
            )
            if share is not None:
                values["min_share_units"] = share
        if text := cells.get("requirements", ""):
            levels = read_levels(
                text,
                "requirements",
                report,
                self.competences,
                maximum=limits.MAX_REQUIREMENTS_PER_ROLE,
                what="vereiste competenties per rol",
            )
            if levels is not None:
                values["requirements"] = levels

        return desired

    def current(self, obj: Role) -> dict[str, Any]:
        return {
            "name": obj.name,
            "description": obj.description,
            "cluster_id": obj.cluster_id,
            "task_field_id": obj.task_field_id,
            "fte_units": obj.fte_units,
            "base_functions_code": obj.base_functions_code,
            "backups_needed": obj.backups_needed,
            "splittable": obj.splittable,
            "max_holders": obj.max_holders,
            "min_share_units": obj.min_share_units,
            "critical": obj.critical,
            "requirements": {r.competence_id: r.min_level for r in obj.requirements},
            "active": obj.active,
        }

    def describe(self, key: str, value: Any) -> str:
        if value is None:
            return "geen"
        if key in ("fte_units", "min_share_units"):
            return f"{format_fte(value)} fte"
        if key in ("cluster_id", "task_field_id"):
            return self.names[key].get(value, str(value))
        if key == "requirements":
            names = self.names["requirements"]
            return (
                ", ".join(
                    f"{names.get(c, c)}:{lvl}" for c, lvl in sorted(value.items())
                )
                or "geen"
            )
        if isinstance(value, bool):
            return "ja" if value else "nee"
        return str(value)

    def set(self, obj: Role, key: str, value: Any) -> None:
        if key != "requirements":
            setattr(obj, key, value)
            return
        sync_requirements(obj, value)

    def apply(self, desired: Desired, obj: Any, by: User | None) -> Any:
        if obj is None:
            obj = Role(code=desired.key)
            for key, value in desired.values.items():
                self.set(obj, key, value)
            db.session.add(obj)
            stamp(obj, by, new=True)
            self.by_code[desired.key] = obj
            return obj
        return super().apply(desired, obj, by)


HANDLERS: dict[str, type[Handler]] = {
    "employees": EmployeeHandler,
    "competences": CompetenceHandler,
    "roles": RoleHandler,
}
