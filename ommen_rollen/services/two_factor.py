"""Two-factor sign-in with a time-based code (TOTP, RFC 6238, pyotp) for the
secretaris, as the BIO2 baseline asks for privileged accounts: enrolment with
the secret as text, otpauth URI and QR code (segno), then a code at every login.
A code is accepted once (the last used time step is stored)."""

from __future__ import annotations

import io
import time

import pyotp
import segno
from flask import current_app

from ..extensions import db
from ..models import User
from . import audit
from .base import ServiceError

VALID_WINDOW = 1  # one 30-second step either side, for clocks that drift


def required(user: User) -> bool:
    """Whether this account must use a second factor (config, secretaris)."""
    config = current_app.config
    return (
        user.is_secretary
        and bool(config["SECRETARY_2FA_REQUIRED"])
        and not config.get("DEMO")
    )


def start_enrolment(user: User) -> str:
    """A new secret for this account (not yet in use); returns it."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = False
    user.totp_last_step = None
    db.session.commit()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    assert user.totp_secret
    issuer = str(current_app.config.get("MUNICIPALITY", "Rollenplanning"))
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.username, issuer_name=f"{issuer} Rollenplanning"
    )


def qr_svg(user: User) -> str:
    """The otpauth URI as a QR code (SVG data URI, no script, no outside host)."""
    buffer = io.BytesIO()
    segno.make(provisioning_uri(user), error="m").save(
        buffer, kind="svg", scale=5, xmldecl=False, svgns=True, title="QR-code"
    )
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _check(user: User, code: str) -> bool:
    """The code is right for now and was not used before."""
    code = code.strip().replace(" ", "")
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = time.time()
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        moment = now + offset * totp.interval
        step = int(moment // totp.interval)
        if totp.verify(code, for_time=moment, valid_window=0):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # replayed
            user.totp_last_step = step
            return True
    return False


def confirm_enrolment(user: User, code: str) -> None:
    if not _check(user, code):
        db.session.rollback()
        raise ServiceError(
            "Deze code klopt niet. Controleer de tijd op uw telefoon en typ de "
            "zes cijfers die de app nu toont."
        )
    user.totp_enabled = True
    audit.record("two_factor_enabled", user, object_type="user", object_id=user.id)
    db.session.commit()


def verify_login(user: User, code: str, address: str) -> bool:
    """The second step of a login; a wrong code is in the audit log."""
    if user.totp_enabled and _check(user, code):
        audit.record(
            "login_second_factor",
            user,
            object_type="user",
            object_id=user.id,
            remote_addr=address,
        )
        db.session.commit()
        return True
    db.session.rollback()
    audit.record(
        "login_failed",
        None,
        object_type="user",
        object_id=user.id,
        username=user.username,
        remote_addr=address,
        reason="tweestapscode",
    )
    db.session.commit()
    return False
