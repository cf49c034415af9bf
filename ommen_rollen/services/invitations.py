"""Invitations and password resets by e-mail: queue the message, commit, and
let the outbox deliver it in the background (services/mail.py)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Employee, User
from . import audit, mail, notifications
from .accounts import set_own_password
from .base import ServiceError
from .limits import EMAIL_LENGTH, normalise_email
from .staff import ensure_account
from .tokens import mark_used, read_token


def mail_configured() -> bool:
    return mail.configured(current_app._get_current_object())  # type: ignore[attr-defined]


def invite_employee(employee_id: int, by: User) -> Employee:
    """Send the medewerker an invitation link to choose a password."""
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        raise ServiceError("Deze medewerker bestaat niet.")
    if not employee.email:
        raise ServiceError(
            f"{employee.name} heeft geen e-mailadres: vul het in, of maak een "
            "eerste wachtwoord."
        )
    if not mail_configured():
        raise ServiceError(
            "E-mail is niet ingesteld (MAIL_SERVER): er kan geen uitnodiging "
            "worden verstuurd. Maak een eerste wachtwoord."
        )
    account = ensure_account(employee, by)
    if not account.active:
        raise ServiceError(f"Het account van {employee.name} is niet actief.")
    notifications.invite(employee)
    audit.record("invitation_sent", by, object_type="user", object_id=account.id)
    db.session.commit()
    mail.kick()
    return employee


def request_reset(email_text: str, address: str) -> None:
    """Queue a reset link when the address belongs to an active account; the
    caller answers the same either way, so addresses cannot be probed."""
    try:
        email = normalise_email(email_text.strip()[:EMAIL_LENGTH])
    except ValueError:
        email = ""
    employee = (
        db.session.scalar(select(Employee).where(Employee.email == email))
        if email
        else None
    )
    account = (
        db.session.scalar(select(User).where(User.employee_id == employee.id))
        if employee is not None
        else None
    )
    if employee is None or account is None or not account.active:
        audit.record("password_reset_refused", None, remote_addr=address)
        db.session.commit()
        return
    notifications.password_reset(employee, account)
    audit.record(
        "password_reset_requested",
        None,
        object_type="user",
        object_id=account.id,
        remote_addr=address,
    )
    db.session.commit()
    mail.kick()


def account_for_link(token: str, purpose: str) -> User:
    return read_token(token, purpose)


def set_password_by_link(token: str, purpose: str, new: str, repeat: str) -> User:
    """Choose a password through a one-time link; the link is used up with it."""
    user = read_token(token, purpose)
    mark_used(token, purpose, user)
    try:
        set_own_password(user, new, repeat, action=f"password_set_by_{purpose}")
    except ServiceError:
        db.session.rollback()
        raise
    return user
