"""E-mail against a real SMTP server on loopback (aiosmtpd): the invitation and
reset links, round opened, the reminder, werkplan published / changed /
approved; a failing or unreachable server is retried, nothing is lost or sent
twice, and no page waits for it."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from ommen_rollen.domain import Choice
from ommen_rollen.extensions import db
from ommen_rollen.models import AuditEntry, OutgoingMail, Preference
from ommen_rollen.services import approval, mail
from ommen_rollen.services.base import utcnow
from tests.web.conftest import (
    BASE,
    Org,
    links,
    open_round_for,
    path_of,
    plan_of,
    proposed_round,
    use_smtp,
    with_emails,
)
from tests.web.smtp_server import SmtpServer, free_port

STRONG = "paard batterij nietje correct"


def outbox() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)))


# --- invitation and reset -------------------------------------------------------


def test_a_new_medewerker_with_an_address_gets_a_one_time_invitation_link(
    client: Any, auth: Any, secretary: Any, smtp: SmtpServer
) -> None:
    auth.login("secretaris")
    response = client.post(
        "/beheer/medewerkers/nieuw",
        data={
            "name": "Bram Jansen",
            "email": "bram@ommen.nl",
            "username": "",
            "contract": "32",
            "contract_unit": "uren",
            "base_function": "B",
            "active": "y",
        },
    )
    assert response.status_code == 302, re.findall(
        r"fout\">([^<]+)", response.get_data(as_text=True)
    )
    (message,) = smtp.wait_for(1)
    assert message.recipients == ["bram@ommen.nl"]
    assert "Uitnodiging" in str(message.message["Subject"])
    text, html = message.part("plain"), message.part("html")
    assert "Beste Bram Jansen" in text and "Beste Bram Jansen" in html
    (url,) = set(links(text))
    assert url.startswith(f"{BASE}/account/instellen?soort=invite&token=")
    assert url in html.replace("&amp;", "&")
    auth.logout()

    page = client.get(path_of(url))
    assert page.status_code == 200 and "bram@ommen.nl" in page.get_data(as_text=True)
    weak = client.post(
        path_of(url), data={"new_password": "welkom123", "repeat": "welkom123"}
    )
    assert weak.status_code == 422
    done = client.post(path_of(url), data={"new_password": STRONG, "repeat": STRONG})
    assert done.status_code == 302 and done.headers["Location"] == "/inloggen"
    assert auth.login("bram@ommen.nl", STRONG).status_code == 302
    auth.logout()
    again = client.get(path_of(url))
    assert again.status_code == 400
    assert "al gebruikt" in again.get_data(as_text=True)


def test_a_tampered_or_expired_link_is_refused(
    app: Flask, client: Any, make_user: Any
) -> None:
    from ommen_rollen.services.tokens import make_token

    user = make_user("anouk")
    token = make_token(user, "reset")
    assert (
        client.get(f"/account/instellen?soort=reset&token={token}x").status_code == 400
    )
    assert (
        client.get(f"/account/instellen?soort=invite&token={token}").status_code == 400
    )
    app.config["RESET_MINUTES"] = 0
    try:
        time.sleep(1.1)
        page = client.get(f"/account/instellen?soort=reset&token={token}")
        assert page.status_code == 400 and "verlopen" in page.get_data(as_text=True)
    finally:
        app.config["RESET_MINUTES"] = 60


def test_a_reset_link_by_email_sets_a_new_password(
    client: Any, auth: Any, make_employee: Any, make_user: Any, smtp: SmtpServer
) -> None:
    employee = make_employee("anouk", name="Anouk de Vries", email="anouk@ommen.nl")
    make_user("anouk", employee=employee)
    answer = client.post("/account/vergeten", data={"email": "Anouk@Ommen.nl"})
    assert answer.status_code == 302
    unknown = client.post("/account/vergeten", data={"email": "niemand@ommen.nl"})
    assert unknown.status_code == 302  # the same answer: addresses cannot be probed
    (message,) = smtp.wait_for(1)
    assert message.recipients == ["anouk@ommen.nl"]
    (url,) = set(links(message.part("plain")))
    assert "soort=reset" in url
    client.post(path_of(url), data={"new_password": STRONG, "repeat": STRONG})
    assert auth.login("anouk", "geheim-wachtwoord").status_code == 200
    assert auth.login("anouk", STRONG).status_code == 302
    refused = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "password_reset_refused")
    )
    assert refused is not None and refused.remote_addr == "127.0.0.1"


# --- round and werkplan notifications ---------------------------------------------


def test_round_opened_reaches_everyone_with_an_address_with_the_right_link(
    org: Org, smtp: SmtpServer
) -> None:
    with_emails(org, "anouk", "bram")
    org.users["bram"].clear_password()  # imported: no password yet
    db.session.commit()
    open_round_for(org)
    received = smtp.wait_for(2)
    by_recipient = {r.recipients[0]: r for r in received}
    assert set(by_recipient) == {"anouk@ommen.nl", "bram@ommen.nl"}
    anouk = by_recipient["anouk@ommen.nl"].part("plain")
    assert "2027-H1 is geopend" in anouk and f"{BASE}/mijn/voorkeuren" in anouk
    bram = by_recipient["bram@ommen.nl"].part("plain")
    assert "soort=invite" in bram  # the invitation comes with the round
    time.sleep(0.3)
    assert len(smtp.received) == 2


def test_the_reminder_goes_once_to_those_without_preferences(
    org: Org, smtp: SmtpServer
) -> None:
    from ommen_rollen.cli import remind
    from ommen_rollen.services import notifications

    with_emails(org, "anouk", "bram", "carla", "dirk")
    round_ = open_round_for(org, deadline=date.today() + timedelta(days=5))
    smtp.wait_for(4)  # round opened
    db.session.add(
        Preference(
            round_id=round_.id,
            employee_id=org.employees["anouk"].id,
            role_id=org.roles["r01"].id,
            choice=Choice.WANT,
        )
    )
    db.session.commit()
    assert notifications.remind(date.today(), 3) == 0  # deadline not near yet
    remind(5)
    remind(5)  # cron ran twice: nobody hears it twice
    reminders = [
        r for r in smtp.wait_for(7) if "Herinnering" in str(r.message["Subject"])
    ]
    assert sorted(r.recipients[0] for r in reminders) == [
        "bram@ommen.nl",
        "carla@ommen.nl",
        "dirk@ommen.nl",
    ]
    time.sleep(0.3)
    assert len(smtp.received) == 7


def test_werkplan_published_changed_and_approved_are_told(
    org: Org, smtp: SmtpServer
) -> None:
    with_emails(org, "anouk", "bram")
    round_ = proposed_round(org)  # opens, closes and publishes
    subjects = lambda: sorted(  # noqa: E731
        (r.recipients[0], str(r.message["Subject"])) for r in smtp.received
    )
    smtp.wait_for(4)
    assert ("anouk@ommen.nl", "Uw werkplan voor 2027-H1 staat klaar") in subjects()
    plan = plan_of(org, "anouk")
    assert f"{BASE}/mijn/werkplannen/{plan.id}" in smtp.received[-1].part(
        "plain"
    ) or any(f"/mijn/werkplannen/{plan.id}" in r.part("plain") for r in smtp.received)
    approval.approve_plan(plan.id, org.secretary, reason="Besproken in het overleg")
    smtp.wait_for(5)
    assert ("anouk@ommen.nl", "Uw werkplan voor 2027-H1 is goedgekeurd") in subjects()
    assert round_.label == "2027-H1"


# --- failures --------------------------------------------------------------------


def test_a_failing_smtp_server_is_retried_and_nothing_is_lost_or_sent_twice(
    app: Flask, smtp: SmtpServer
) -> None:
    smtp.recorder.refuse = True
    for n in (1, 2):
        mail.queue(f"m{n}@ommen.nl", f"Bericht {n}", "tekst", "<p>html</p>")
    db.session.commit()
    first = mail.deliver_pending()
    assert (first.sent, first.failed) == (0, 2)
    rows = outbox()
    assert [r.status for r in rows] == ["pending", "pending"]
    assert all(r.attempts == 1 and "451" in r.last_error for r in rows)
    assert mail.deliver_pending().sent == 0  # not due yet: it backs off
    smtp.recorder.refuse = False
    later = utcnow() + timedelta(minutes=2)
    assert mail.deliver_pending(now=later).sent == 2
    assert mail.deliver_pending(now=later + timedelta(hours=1)).sent == 0
    assert sorted(r.recipients[0] for r in smtp.received) == [
        "m1@ommen.nl",
        "m2@ommen.nl",
    ]
    assert [r.status for r in outbox()] == ["sent", "sent"]


def test_an_unreachable_smtp_server_never_blocks_a_page_or_loses_a_message(
    app: Flask, org: Org, auth: Any, client: Any, smtp: SmtpServer
) -> None:
    with_emails(org, "anouk")
    port = free_port()  # nothing listens here
    use_smtp(app, port)
    auth.login("secretaris")
    started = time.monotonic()
    response = client.post(
        "/planning/rondes/nieuw",
        data={
            "label": "2027-H1",
            "starts_on": "2027-01-01",
            "ends_on": "2027-06-30",
            "deadline": (date.today() + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert time.monotonic() - started < 5
    assert mail.wait_idle()
    (row,) = outbox()
    assert row.status == "pending" and row.attempts == 1 and row.last_error
    mail.cancel_retry()
    server = SmtpServer(port).start()
    try:
        use_smtp(app, port)
        assert mail.deliver_pending(now=utcnow() + timedelta(minutes=2)).sent == 1
        (message,) = server.wait_for(1)
        assert message.recipients == ["anouk@ommen.nl"]
    finally:
        server.stop()


def test_the_same_key_is_queued_once(app: Flask) -> None:
    assert mail.queue("a@ommen.nl", "x", "t", "h", key="k1") is not None
    db.session.commit()
    assert mail.queue("a@ommen.nl", "x", "t", "h", key="k1") is None
    assert len(outbox()) == 1


def test_a_new_plan_after_publishing_tells_whose_werkplan_changed(
    org: Org, smtp: SmtpServer
) -> None:
    from ommen_rollen.services.solver_bridge import round_instance, store_plan
    from ommen_rollen.solver import plan_from_json

    with_emails(org, "anouk", "bram")
    round_ = proposed_round(org)
    smtp.wait_for(4)  # opened and published, to Anouk and Bram

    def m(name: str) -> str:
        return f"m{org.employees[name].id}"

    second = {
        "version": 1,
        "status": "optimal",
        "assignments": [
            {"employee": m("bram"), "role": "r01", "kind": "holder", "fte": 0.5},
            {"employee": m("anouk"), "role": "r01", "kind": "backup"},
            {"employee": m("anouk"), "role": "r02", "kind": "holder", "fte": 0.4},
            {"employee": m("bram"), "role": "r02", "kind": "backup"},
            {"employee": m("dirk"), "role": "r03", "kind": "holder", "fte": 0.3},
            {"employee": m("carla"), "role": "r03", "kind": "backup"},
        ],
        "uncovered": [],
        "missing_backups": [],
        "explanations": {"employees": {}},
    }
    # a new run stores a plan that becomes current at once (the published round)
    store_plan(
        round_.id, plan_from_json(second), round_instance(round_.id), by=org.secretary
    )
    smtp.wait_for(6)
    changed = sorted(
        r.recipients[0]
        for r in smtp.received
        if "is gewijzigd" in str(r.message["Subject"])
    )
    assert changed == ["anouk@ommen.nl", "bram@ommen.nl"]


def test_a_sent_message_keeps_no_link_in_the_database(
    app: Flask, smtp: SmtpServer
) -> None:
    mail.queue("a@ommen.nl", "Uitnodiging", "link: https://x/geheim", "<p>geheim</p>")
    db.session.commit()
    assert mail.deliver_pending().sent == 1
    (row,) = outbox()
    assert row.status == "sent" and row.text_body == "" and row.html_body == ""
    assert "geheim" in smtp.wait_for(1)[0].part("plain")


@pytest.mark.redis
def test_with_redis_the_outbox_is_delivered_by_an_rq_worker(
    app: Flask, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uuid

    from rq import SimpleWorker

    from ommen_rollen.services import jobs
    from tests.conftest import REDIS_URL_ENV, require_service

    redis_url = require_service("Redis", REDIS_URL_ENV)
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "RQ_QUEUE", f"test-{uuid.uuid4().hex}")
    mail.queue("rq@ommen.nl", "Via de wachtrij", "tekst", "<p>html</p>")
    db.session.commit()
    mail.kick(app)
    queue = jobs.rq_queue(app)
    assert queue.count == 1  # queued, not sent by the app itself
    assert smtp.received == []
    try:
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    finally:
        queue.delete(delete_jobs=True)
    (message,) = smtp.wait_for(1)
    assert message.recipients == ["rq@ommen.nl"]
    assert [r.status for r in outbox()] == ["sent"]


def test_moving_a_role_in_a_published_round_tells_both_medewerkers(
    org: Org, smtp: SmtpServer
) -> None:
    from ommen_rollen.services.adjust import move_holder

    with_emails(org, "anouk", "dirk")
    round_ = proposed_round(org)
    smtp.wait_for(4)  # opened and published
    # there and back: two changes, each told to both
    for giver, taker in (("anouk", "dirk"), ("dirk", "anouk")):
        move_holder(
            round_.id,
            org.roles["r01"].id,
            org.employees[giver].id,
            org.employees[taker].id,
            org.secretary,
        )
    smtp.wait_for(8)
    changed = sorted(
        r.recipients[0]
        for r in smtp.received
        if "is gewijzigd" in str(r.message["Subject"])
    )
    assert changed == ["anouk@ommen.nl"] * 2 + ["dirk@ommen.nl"] * 2
