"""Beheer of medewerkers: contract, rompfunctie, home cluster, competences and
their login account. Every medewerker has an account (username from the form, or
the e-mail address); a spil is a medewerker whose account reads a cluster. A new
account gets a random first password that the secretaris hands over and that
must be changed at the first login; no fixed passwords here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from ..domain import UserRole
from ..extensions import db
from ..models import Cluster, Employee, User
from . import audit, limits, mail, notifications, validation
from .accounts import create_account, first_password
from .beheer import (
    Checker,
    account_of,
    check_version,
    get,
    store,
    sync_competences,
)

CONTRACT_TOO_LARGE = validation.CONTRACT_TOO_LARGE


@dataclass(frozen=True)
class EmployeeInput:
    """A medewerker as typed into the form. The contract is a number in
    ``contract_unit`` "fte" or "uren" (hours per week of a 36-hour week);
    competences are (competence id, level or "") rows."""

    name: str
    username: str
    contract: str
    base_function: str
    contract_unit: str = "fte"
    home_cluster_id: str | int | None = None
    competences: Sequence[tuple[str | int, str | int | None]] = field(
        default_factory=list
    )
    active: bool = True
    email: str = ""
    # The cluster this medewerker is spil of ("" = none).
    spil_cluster_id: str | int | None = None


def create_employee(
    data: EmployeeInput,
    by: User,
    *,
    invite: bool = False,
    login: bool = True,
    commit: bool = True,
) -> tuple[Employee, str | None]:
    """Create a medewerker and their account. With ``invite`` (an e-mail address
    and e-mail set up) the account has no password and the invitation link is
    queued in the same transaction; otherwise it gets a first password, returned
    to be shown once (never stored in plain text). Without ``login`` the account
    has no password and nobody is invited yet: no login until beheer invites
    them or sets a first password (a new hire from a scenario). Without
    ``commit`` everything is flushed only (see beheer.store)."""
    values, levels = _checked(data, None)
    spil_cluster_id = values.pop("spil_cluster_id")
    invite = invite and bool(values["email"]) and login
    password = None if invite or not login else first_password()

    def add_account(employee: Employee) -> dict[str, Any]:
        account = create_account(
            values["username"],
            password,
            UserRole.EMPLOYEE,
            must_change_password=password is not None,
        )
        account.employee = employee
        _set_spil(account, spil_cluster_id)
        if invite:
            db.session.flush()
            notifications.invite(employee)
        return sync_competences(employee, levels)

    employee: Employee = store(
        Employee, None, values, by, "employee", after=add_account, commit=commit
    )
    if invite:
        mail.kick()
    return employee, password


def update_employee(
    employee_id: int, data: EmployeeInput, by: User, version_id: str | int | None
) -> Employee:
    """Update a medewerker (optimistic locking on ``version_id``); the account's
    username and active flag follow."""
    employee = get(Employee, employee_id)
    check_version(employee, version_id)
    values, levels = _checked(data, employee)
    spil_cluster_id = values.pop("spil_cluster_id")

    def sync(saved: Employee) -> dict[str, Any]:
        account = account_of(saved)
        if account is None:  # made before every medewerker had an account
            account = create_account(saved.username, None, UserRole.EMPLOYEE)
            account.employee = saved
        account.username = saved.username
        account.active = saved.active
        _set_spil(account, spil_cluster_id)
        return sync_competences(saved, levels)

    saved: Employee = store(Employee, employee, values, by, "employee", after=sync)
    return saved


def _set_spil(account: User, cluster_id: int | None) -> None:
    """A medewerker's account reads a cluster as its spil, or is a plain
    medewerker account; the secretaris's own account keeps its role."""
    if account.role == UserRole.SECRETARY:
        return
    account.role = UserRole.COORDINATOR if cluster_id else UserRole.EMPLOYEE
    account.cluster_id = cluster_id


def spil_cluster_of(employee: Employee) -> int | None:
    account = account_of(employee)
    if account is None or account.role != UserRole.COORDINATOR:
        return None
    return account.cluster_id


def _checked(
    data: EmployeeInput, employee: Employee | None
) -> tuple[dict[str, Any], dict[int, int]]:
    """Every check of a medewerker form; raises InvalidInput with all errors."""
    check = Checker()
    name = check.text(
        "name",
        data.name,
        max_length=limits.LONG_NAME_LENGTH,
        required="Vul de naam van de medewerker in.",
        single_line=True,
    )
    if employee is None:
        check.room("name", Employee)
    email = _email(check, data.email, employee)
    username = check.text(
        "username",
        (data.username or "").lower() or (email or ""),
        max_length=limits.USERNAME_LENGTH,
        required="Vul een gebruikersnaam, personeelsnummer of e-mailadres in.",
        single_line=True,
    )
    if username and "username" not in check.errors:
        check.read("username", username, validation.username)
    _check_username_free(check, username, employee)
    contract = _contract_units(check, data.contract, data.contract_unit)
    base_function = check.read(
        "base_function",
        data.base_function,
        validation.base_function,
        required="Kies de rompfunctie: A, B, C, D of E.",
    )
    home_cluster_id = check.existing(
        "home_cluster_id",
        Cluster,
        data.home_cluster_id,
        message="Kies een bestaand cluster",
        current_id=employee.home_cluster_id if employee else None,
    )
    spil_cluster_id = check.existing(
        "spil_cluster_id",
        Cluster,
        data.spil_cluster_id,
        message="Kies een bestaand cluster",
        current_id=spil_cluster_of(employee) if employee else None,
    )
    levels = check.levels(
        "competences",
        data.competences,
        maximum=limits.MAX_COMPETENCES_PER_EMPLOYEE,
        what="competenties per medewerker",
    )
    check.done()
    values = {
        "name": name,
        "username": username,
        "email": email,
        "spil_cluster_id": spil_cluster_id,
        "contract_units": contract,
        "base_function": base_function,
        "home_cluster_id": home_cluster_id,
        "active": data.active,
    }
    return values, levels


def _email(check: Checker, value: str, employee: Employee | None) -> str | None:
    """The e-mail address in lower case, valid and not someone else's; None
    when empty."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        email = limits.normalise_email(text)
    except ValueError as exc:
        check.add("email", str(exc))
        return None
    taken = select(func.count()).where(Employee.email == email)
    if employee is not None:
        taken = taken.where(Employee.id != employee.id)
    if db.session.scalar(taken):
        check.add("email", f"Het e-mailadres '{email}' is al van een ander.")
    return email


def _check_username_free(
    check: Checker, username: str, employee: Employee | None
) -> None:
    """Usernames are unique across medewerkers and all accounts (secretaris, spil)."""
    if not username:
        return
    taken_by_employee = select(func.count()).where(
        func.lower(Employee.username) == username
    )
    taken_by_account = select(func.count()).where(func.lower(User.username) == username)
    if employee is not None:
        taken_by_employee = taken_by_employee.where(Employee.id != employee.id)
        taken_by_account = taken_by_account.where(
            (User.employee_id != employee.id) | User.employee_id.is_(None)
        )
    if db.session.scalar(taken_by_employee) or db.session.scalar(taken_by_account):
        check.add("username", f"De gebruikersnaam '{username}' is al in gebruik.")


def _contract_units(check: Checker, value: str, unit: str) -> int | None:
    """The contract in exact FTE units from fte or hours per week."""
    if unit not in ("fte", "uren"):
        check.add("contract_unit", "Kies fte of uren per week.")
        return None
    read = validation.contract_fte if unit == "fte" else validation.contract_hours
    return check.read("contract", value, read, required="Vul het contract in.")


def ensure_account(employee: Employee, by: User) -> User:
    """The medewerker's account, made now (without a password) when missing."""
    account = account_of(employee)
    if account is None:
        account = create_account(employee.username, None, UserRole.EMPLOYEE)
        account.employee = employee
        account.active = employee.active
        db.session.flush()
        audit.record("account_created", by, object_type="user", object_id=account.id)
        db.session.commit()
    return account
