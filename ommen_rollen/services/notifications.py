"""The e-mail the app sends, in plain Dutch with a link, as text and HTML: the
invitation, a password reset, round opened, a reminder before the deadline,
werkplan published, changed and approved. Nothing personal beyond the name.
Each function queues in the caller's transaction (services/mail.py); a key
makes a notification go out once however often its use case runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import select

from ..domain import RoundStatus
from ..extensions import db
from ..models import Employee, PlanningRound, Scenario, User, WorkPlan
from ..templating import format_date
from . import mail
from .tokens import make_token


@dataclass(frozen=True)
class Message:
    subject: str
    paragraphs: list[str]
    link: str
    link_text: str


def link(endpoint: str, **values: object) -> str:
    """An absolute URL of the app (BASE_URL), built without a request."""
    base = urlsplit(str(current_app.config["BASE_URL"]))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return str(adapter.build(endpoint, values, force_external=True))


def _send(employee: Employee, message: Message, key: str | None) -> bool:
    """Queue one message to one medewerker; False when there is no address or
    this key went out already."""
    if not employee.email:
        return False
    context = {"name": employee.name, "message": message}
    text = render_template("mail/message.txt", **context)
    html = render_template("mail/message.html", **context)
    return mail.queue(employee.email, message.subject, text, html, key=key) is not None


def _account(employee: Employee) -> User | None:
    return db.session.scalar(select(User).where(User.employee_id == employee.id))


def _invitation_link(account: User) -> str:
    return link(
        "auth.set_password", soort="invite", token=make_token(account, "invite")
    )


def invite(employee: Employee) -> bool:
    """An invitation to set a password through a one-time link."""
    account = _account(employee)
    if account is None or not account.active:
        return False
    days = current_app.config["INVITATION_DAYS"]
    message = Message(
        f"Uitnodiging voor de rollenplanning van {_municipality()}",
        [
            f"U heeft een account voor de rollenplanning. Uw gebruikersnaam is "
            f"{account.username}.",
            f"Kies met de knop hieronder uw wachtwoord. De link werkt één keer en "
            f"is {days} dagen geldig.",
        ],
        _invitation_link(account),
        "Wachtwoord kiezen",
    )
    return _send(employee, message, None)


def password_reset(employee: Employee, account: User) -> bool:
    minutes = current_app.config["RESET_MINUTES"]
    message = Message(
        "Nieuw wachtwoord voor de rollenplanning",
        [
            "Iemand heeft gevraagd om een nieuw wachtwoord voor uw account "
            f"{account.username}.",
            f"Kies met de knop hieronder een nieuw wachtwoord. De link werkt één "
            f"keer en is {minutes} minuten geldig. Heeft u dit niet gevraagd, dan "
            "hoeft u niets te doen.",
        ],
        link("auth.set_password", soort="reset", token=make_token(account, "reset")),
        "Nieuw wachtwoord kiezen",
    )
    return _send(employee, message, None)


def round_opened(round_: PlanningRound) -> int:
    """Everyone with an address hears that the round is open; someone without a
    password yet gets the invitation link in the same message."""
    count = 0
    for employee in _active_employees():
        account = _account(employee)
        paragraphs = [
            f"De planronde {round_.label} is geopend. Geef aan welke rollen u graag "
            "doet, liever niet doet of wilt leren."
            + (
                f" Dat kan tot en met {format_date(round_.deadline)}."
                if round_.deadline
                else ""
            )
        ]
        target, label = link("medewerker.voorkeuren"), "Voorkeuren opgeven"
        if account is not None and account.active and not account.has_password:
            paragraphs.append(
                f"U heeft nog geen wachtwoord. Uw gebruikersnaam is "
                f"{account.username}; kies met de knop hieronder eerst uw "
                "wachtwoord (de link werkt één keer)."
            )
            target, label = _invitation_link(account), "Wachtwoord kiezen"
        message = Message(
            f"Planronde {round_.label} is geopend", paragraphs, target, label
        )
        count += _send(employee, message, f"round-opened:{round_.id}:{employee.id}")
    return count


def remind(today: date, days_before: int) -> int:
    """A reminder to everyone without preferences in an open round whose deadline
    is at most ``days_before`` days away; once per round and person."""
    from .rounds import preference_progress

    count = 0
    rounds = db.session.scalars(
        select(PlanningRound).where(
            PlanningRound.status == RoundStatus.OPEN,
            PlanningRound.deadline.is_not(None),
            PlanningRound.deadline >= today,
            PlanningRound.deadline <= today + timedelta(days=days_before),
        )
    )
    for round_ in rounds:
        assert round_.deadline is not None
        for employee in preference_progress(round_.id).missing:
            message = Message(
                f"Herinnering: voorkeuren voor planronde {round_.label}",
                [
                    f"U heeft voor planronde {round_.label} nog geen voorkeuren "
                    f"opgegeven. Dat kan tot en met {format_date(round_.deadline)}.",
                ],
                link("medewerker.voorkeuren"),
                "Voorkeuren opgeven",
            )
            count += _send(employee, message, f"remind:{round_.id}:{employee.id}")
    return count


def werkplan_published(round_: PlanningRound, plans: Iterable[WorkPlan]) -> int:
    count = 0
    for plan in plans:
        message = Message(
            f"Uw werkplan voor {round_.label} staat klaar",
            [
                f"Het voorstel voor planronde {round_.label} staat klaar. Bekijk uw "
                "werkplan en geef akkoord of schrijf een opmerking.",
            ],
            link("medewerker.werkplan_detail", plan_id=plan.id),
            "Werkplan bekijken",
        )
        count += _send(plan.employee, message, f"published:{plan.id}")
    return count


def werkplan_changed(
    round_: PlanningRound, plans: Iterable[WorkPlan], *, event: str = ""
) -> int:
    """Tell each medewerker whose published werkplan changed; ``event`` tells
    two changes of the same werkplan apart (once per change)."""
    count = 0
    for plan in plans:
        message = Message(
            f"Uw werkplan voor {round_.label} is gewijzigd",
            [
                f"Uw werkplan voor planronde {round_.label} is gewijzigd. Bekijk "
                "het opnieuw en geef akkoord of schrijf een opmerking.",
            ],
            link("medewerker.werkplan_detail", plan_id=plan.id),
            "Werkplan bekijken",
        )
        key = f"changed:{plan.id}" + (f":{event}" if event else "")
        count += _send(plan.employee, message, key)
    return count


def swap_proposed(swap: Scenario) -> bool:
    """Tell the colleague that a swap waits for their answer."""
    if swap.colleague is None or swap.proposer is None:
        return False
    message = Message(
        f"{swap.proposer.name} stelt een ruil voor",
        [
            f"{swap.proposer.name} stelt voor: {swap.name.removeprefix('Ruil: ')}, "
            f"vanaf {format_date(swap.valid_from)}. Bekijk het voorstel en neem "
            "het aan of wijs het af.",
        ],
        link("swaps.swap", scenario_id=swap.id),
        "Ruil bekijken",
    )
    return _send(swap.colleague, message, f"swap-proposed:{swap.id}")


def swap_answered(swap: Scenario, accepted: bool) -> bool:
    """Tell the proposer what the colleague answered."""
    if swap.colleague is None or swap.proposer is None:
        return False
    if accepted:
        subject = f"{swap.colleague.name} heeft uw ruil aangenomen"
        text = (
            f"{swap.colleague.name} heeft uw voorstel aangenomen. De "
            "gemeentesecretaris keurt de ruil nog goed; daarna krijgt u een nieuw "
            "werkplan om akkoord op te geven."
        )
    else:
        subject = f"{swap.colleague.name} heeft uw ruil afgewezen"
        text = f"{swap.colleague.name} heeft uw voorstel afgewezen."
    message = Message(
        subject, [text], link("swaps.swap", scenario_id=swap.id), "Ruil bekijken"
    )
    return _send(swap.proposer, message, f"swap-answered:{swap.id}")


def werkplan_approved(plan: WorkPlan) -> bool:
    message = Message(
        f"Uw werkplan voor {plan.round.label} is goedgekeurd",
        [
            f"De gemeentesecretaris heeft uw werkplan voor planronde "
            f"{plan.round.label} goedgekeurd.",
        ],
        link("medewerker.werkplan_detail", plan_id=plan.id),
        "Werkplan bekijken",
    )
    return _send(plan.employee, message, f"approved:{plan.id}")


def _active_employees() -> list[Employee]:
    return list(
        db.session.scalars(
            select(Employee)
            .where(Employee.active.is_(True), Employee.email.is_not(None))
            .order_by(Employee.id)
        )
    )


def _municipality() -> str:
    return str(current_app.config.get("MUNICIPALITY", "de gemeente"))
