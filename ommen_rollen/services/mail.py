"""E-mail through an outbox: a use case queues its messages in its own
transaction (``queue``); a background job delivers them over SMTP
(Flask-Mailman) after the commit, never inside the request.

- **Nothing lost**: a message is a row before anyone tries to send it; a failing
  SMTP server leaves it pending with a later ``next_attempt_at`` (backing off),
  and every later delivery run (the next kick, a retry timer, the
  ``ommen-rollen send-mail`` command) tries again, up to MAIL_MAX_ATTEMPTS.
- **Nothing twice**: a run claims a row (pending -> sending) with one UPDATE
  before it sends, so two runs never send the same row; a notification with a
  ``key`` is queued once, however often its use case runs.
- The back end is the one the solver runs use (services/jobs.py): a thread of
  the app, or the RQ queue when REDIS_URL is set."""

from __future__ import annotations

import logging
import smtplib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select, update

from ..extensions import db, mail
from ..models import OutgoingMail
from .base import utcnow

log = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=15)  # a 'sending' row whose run died
BATCH = 100

_lock = threading.Lock()
_again = threading.Event()
_timer: threading.Timer | None = None


def queue(
    recipient: str, subject: str, text: str, html: str, *, key: str | None = None
) -> OutgoingMail | None:
    """Add a message to the outbox in the caller's transaction (the caller
    commits, then calls ``kick``). With a key already queued: nothing."""
    if key is not None:
        if db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.key == key)):
            return None
    message = OutgoingMail(
        key=key,
        recipient=recipient,
        subject=subject[:200],
        text_body=text,
        html_body=html,
    )
    db.session.add(message)
    return message


def configured(app: Flask) -> bool:
    return bool(app.config.get("MAIL_SERVER"))


def kick(app: Flask | None = None) -> None:
    """Deliver the outbox in the background (after the caller committed)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if not configured(app):
        return
    from .jobs import backend, rq_queue

    if backend(app) == "rq":
        from redis.exceptions import RedisError

        try:
            rq_queue(app, checks=True).enqueue(
                "ommen_rollen.services.mail.rq_deliver", result_ttl=600
            )
        except RedisError as exc:  # the messages wait in the outbox
            log.warning("mail: wachtrij niet bereikbaar, later opnieuw: %s", exc)
        return
    _again.set()
    threading.Thread(target=_thread_main, args=(app,), name="mail", daemon=True).start()


def _thread_main(app: Flask) -> None:
    """One delivery thread at a time; a kick while it runs makes it go again."""
    if not _lock.acquire(blocking=False):
        return
    try:
        with app.app_context():
            try:
                while _again.is_set():
                    _again.clear()
                    deliver_pending()
                _schedule_retry(app)
            finally:
                db.session.remove()
    finally:
        _lock.release()
    if _again.is_set():  # kicked between the last run and the release
        _thread_main(app)


def _schedule_retry(app: Flask) -> None:
    """A message waiting for a retry: kick again when it is due."""
    global _timer
    due = db.session.scalar(
        select(OutgoingMail.next_attempt_at)
        .where(OutgoingMail.status == "pending")
        .order_by(OutgoingMail.next_attempt_at)
        .limit(1)
    )
    if due is None:
        return
    wait = max(0.0, (_aware(due) - utcnow()).total_seconds()) + 0.5
    if _timer is not None:
        _timer.cancel()
    _timer = threading.Timer(wait, kick, args=(app,))
    _timer.daemon = True
    _timer.start()


def rq_deliver() -> None:
    """Entry point of the RQ job that delivers the outbox."""
    from .jobs import in_worker_app

    in_worker_app(deliver_pending)


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int  # attempts that failed this run (retried later or given up)


def deliver_pending(now: datetime | None = None) -> Delivery:
    """Send every due message once; each row is claimed, sent and marked in its
    own transaction."""
    now = now or utcnow()
    _release_stuck(now)
    due = list(
        db.session.scalars(
            select(OutgoingMail.id)
            .where(OutgoingMail.status == "pending")
            .where(OutgoingMail.next_attempt_at <= now)
            .order_by(OutgoingMail.id)
            .limit(BATCH)
        )
    )
    db.session.commit()
    sent = failed = 0
    connection = None
    try:
        for message_id in due:
            message = _claim(message_id, now)
            if message is None:
                continue  # another run has it
            try:
                if connection is None:
                    connection = mail.get_connection(fail_silently=False)
                    connection.open()
                _send(message, connection)
            except (smtplib.SMTPException, OSError) as exc:
                failed += 1
                _close(connection)
                connection = None
                _failed(message, exc, now)
            else:
                sent += 1
                message.status = "sent"
                message.sent_at = utcnow()
                message.attempts += 1
                # The body may hold a one-time link: not kept once delivered.
                message.text_body = message.html_body = ""
                db.session.commit()
    finally:
        _close(connection)
    return Delivery(sent, failed)


def _claim(message_id: int, now: datetime) -> OutgoingMail | None:
    claimed = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == message_id, OutgoingMail.status == "pending")
        .values(status="sending", next_attempt_at=now)
    )
    db.session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(OutgoingMail, message_id)


def _send(message: OutgoingMail, connection: Any) -> None:
    from flask_mailman import EmailMultiAlternatives

    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=current_app.config.get("MAIL_DEFAULT_SENDER"),
        to=[message.recipient],
        connection=connection,
    )
    email.attach_alternative(message.html_body, "text/html")
    email.send(fail_silently=False)


def _failed(message: OutgoingMail, exc: BaseException, now: datetime) -> None:
    """Back off and try later; give up after MAIL_MAX_ATTEMPTS (kept, visible)."""
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    if message.attempts >= int(current_app.config["MAIL_MAX_ATTEMPTS"]):
        message.status = "failed"
        log.error("mail %s: opgegeven na %s pogingen", message.id, message.attempts)
    else:
        first = float(current_app.config["MAIL_RETRY_SECONDS"])
        delay = min(first * 2 ** (message.attempts - 1), 3600.0)
        message.status = "pending"
        message.next_attempt_at = now + timedelta(seconds=delay)
    db.session.commit()


def _release_stuck(now: datetime) -> None:
    """A run that died between claim and send leaves 'sending': pending again."""
    db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.status == "sending")
        .where(OutgoingMail.next_attempt_at < now - STUCK_AFTER)
        .values(status="pending")
    )
    db.session.commit()


def _close(connection: Any) -> None:
    if connection is not None:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            log.info("mail: verbinding sluiten mislukt", exc_info=True)
    return None


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def wait_idle(timeout_s: float = 30) -> bool:
    """Wait until no delivery thread runs (tests, shutdown); True when idle."""
    if not _lock.acquire(timeout=timeout_s):
        return False
    _lock.release()
    return True


def cancel_retry() -> None:
    """Stop a scheduled retry (tests, shutdown)."""
    if _timer is not None:
        _timer.cancel()
