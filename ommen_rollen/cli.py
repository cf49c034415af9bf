"""Commands: `ommen-rollen ...` on the console and `flask --app ommen_rollen ...`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema to the newest migration."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database bijgewerkt tot de nieuwste versie.")


@click.command("demo")
@click.option("--reset", is_flag=True, help="Eerst alle gegevens wissen.")
@with_appcontext
def demo_command(reset: bool) -> None:
    """Load the demo organisation of Ommen (houtskoolschets) with demo accounts."""
    from flask_migrate import upgrade

    from .services.base import ServiceError
    from .services.demo import load_demo

    upgrade()
    try:
        summary = load_demo(reset=reset)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(summary.describe())


def register_commands(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(export_instance_command)
    app.cli.add_command(audit_group)
    app.cli.add_command(privacy_group)


@contextmanager
def _app_context() -> Iterator[None]:
    """The running app's context (flask CLI), or the configured app's."""
    if has_app_context():
        yield
        return
    with _app().app_context():
        yield


@click.group("audit")
def audit_group() -> None:
    """The audit log (logboek)."""


@audit_group.command("verify")
def audit_verify_command() -> None:
    """Check the hash chain of the audit log; name every entry that was changed,
    removed or inserted."""
    from .extensions import db
    from .models import AuditEntry
    from .services.audit import verify

    with _app_context():
        problems = verify()
        total = db.session.query(AuditEntry).count()
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"Het logboek is aangetast: {len(problems)} probleem/problemen in "
            f"{total} regels."
        )
    click.echo(f"Het logboek is intact ({total} regels, de hashketen klopt).")


@click.group("privacy")
def privacy_group() -> None:
    """Erasure of personal data after the retention period (AVG)."""


def _describe_due(employees: list[Any]) -> None:
    for e in employees:
        left = e.left_at.strftime("%d-%m-%Y") if e.left_at else "?"
        click.echo(f"  {e.id}: {e.name} ({e.username}), uit dienst sinds {left}")


@privacy_group.command("due")
def privacy_due_command() -> None:
    """List who is due for erasure (the retention period after leaving is over)."""
    from .services.privacy.erasure import due, retention_days

    with _app_context():
        employees = due()
        days = retention_days()
        if not employees:
            click.echo(f"Niemand te wissen (bewaartermijn {days} dagen na uit dienst).")
            return
        click.echo(f"Te wissen na de bewaartermijn van {days} dagen: {len(employees)}")
        _describe_due(employees)


@privacy_group.command("erase")
@click.option("--dry-run", is_flag=True, help="Alleen tonen wie gewist zou worden.")
def privacy_erase_command(dry_run: bool) -> None:
    """Erase (pseudonymise) everyone whose retention period is over."""
    from .services.base import ServiceError
    from .services.privacy.erasure import due, erase_due

    with _app_context():
        employees = due()
        if dry_run:
            click.echo(
                f"Proefdraai: {len(employees)} medewerker(s) zou(den) worden gewist."
            )
            _describe_due(employees)
            return
        try:
            results = erase_due()
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from exc
        for result in results:
            click.echo(
                f"  gewist: {result.pseudonym} ({result.audit_entries} logregels, "
                f"{result.comments} opmerkingen aangepast)"
            )
        click.echo(f"{len(results)} medewerker(s) gewist.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """ommen-rollen: role-based staff planning (web app, demo, solver)."""


def _solver_cli(command: str, args: tuple[str, ...]) -> None:
    from .solver.cli import main as solver_main

    sys.exit(solver_main([command, *args]))


@main.command(
    "solve", context_settings={"ignore_unknown_options": True, "help_option_names": []}
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def solve_command(args: tuple[str, ...]) -> None:
    """Solve INSTANCE.json -o PLAN.json (see `ommen-rollen solve --help`)."""
    _solver_cli("solve", args)


@main.command(
    "check", context_settings={"ignore_unknown_options": True, "help_option_names": []}
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def check_command(args: tuple[str, ...]) -> None:
    """Check PLAN.json against INSTANCE.json with the independent checker."""
    _solver_cli("check", args)


main.add_command(audit_group)
main.add_command(privacy_group)


@main.command("demo")
@click.option("--reset", is_flag=True, help="Eerst alle gegevens wissen.")
def demo_console(reset: bool) -> None:
    """Load the demo organisation into the configured database."""
    app = _app(demo=True)
    with app.app_context():
        demo_command.callback(reset=reset)  # type: ignore[misc]


@main.command("init-db")
def init_db_console() -> None:
    """Create or upgrade the database schema."""
    app = _app()
    with app.app_context():
        init_db_command.callback()  # type: ignore[misc]


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--demo",
    is_flag=True,
    help="Demo-modus: laadt de demo-organisatie met demo-accounts als de "
    "database leeg is (nooit op een productiedatabase).",
)
def run_console(host: str, port: int, demo: bool) -> None:
    """Start the app; with --demo also the demo organisation (loaded when the
    database is empty). Without --demo nothing is loaded and SECRET_KEY is
    required."""
    from flask_migrate import upgrade

    app = _app(demo=demo)
    with app.app_context():
        upgrade()
        if demo:
            from .services.demo import database_is_empty, load_demo

            if database_is_empty():
                click.echo(load_demo().describe())
    app.run(host=host, port=port, debug=False)


@main.command("remind")
@click.option(
    "--days",
    type=click.IntRange(0, 60),
    default=None,
    help="Zoveel dagen voor de deadline (standaard REMIND_DAYS_BEFORE, 3).",
)
def remind_console(days: int | None) -> None:
    """E-mail a reminder to everyone without preferences in an open round whose
    deadline is near; run it daily (cron): nobody gets the same reminder twice."""
    app = _app()
    with app.app_context():
        remind(days)


def remind(days: int | None) -> None:
    from .extensions import db
    from .services import mail, notifications
    from .services.rounds import today

    before = days if days is not None else int(current_app.config["REMIND_DAYS_BEFORE"])
    count = notifications.remind(today(), before)
    db.session.commit()
    delivery = mail.deliver_pending() if mail.configured(current_app) else None
    click.echo(f"Herinneringen in de wachtrij gezet: {count}.")
    if delivery is None:
        click.echo("MAIL_SERVER is niet gezet: de berichten wachten in de outbox.")
    else:
        click.echo(
            f"Verstuurd: {delivery.sent}, mislukt (later opnieuw): {delivery.failed}."
        )


@main.command("send-mail")
def send_mail_console() -> None:
    """Deliver the e-mail waiting in the outbox (also the ones to retry)."""
    from .services import mail

    app = _app()
    with app.app_context():
        if not mail.configured(app):
            raise click.ClickException("MAIL_SERVER is niet gezet.")
        delivery = mail.deliver_pending()
        click.echo(
            f"Verstuurd: {delivery.sent}, mislukt (later opnieuw): {delivery.failed}."
        )


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stoppen als de wachtrij leeg is.")
def worker_console(burst: bool) -> None:
    """Run solver jobs from the Redis queue (needs REDIS_URL)."""
    from .services.jobs import run_worker

    app = _app()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is niet gezet: zonder Redis draaien optimalisaties in de "
            "app zelf en is geen werker nodig."
        )
    click.echo(f"Werker luistert op {app.config['REDIS_URL']} ...")
    run_worker(app, burst=burst)


@main.command("export-instance")
@click.argument("label")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="Het JSON-bestand om te schrijven.",
)
def export_instance_console(label: str, output: str) -> None:
    """Write planning round LABEL as a solver instance (format v1) to a JSON file."""
    app = _app()
    with app.app_context():
        export_instance(label, output)


def export_instance(label: str, output: str) -> None:
    """The round with this label as instance JSON in a file."""
    import json

    from sqlalchemy import select

    from .extensions import db
    from .models import PlanningRound
    from .services.solver_bridge import build_instance

    round_id = db.session.scalar(
        select(PlanningRound.id).where(PlanningRound.label == label)
    )
    if round_id is None:
        raise click.ClickException(f"Planronde '{label}' bestaat niet.")
    instance = build_instance(round_id)
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(instance, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    click.echo(
        f"Planronde {label} geschreven naar {output} "
        f"({len(instance['employees'])} medewerkers, {len(instance['roles'])} rollen)."
    )


@click.command("export-instance")
@click.argument("label")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
@with_appcontext
def export_instance_command(label: str, output: str) -> None:
    """Write planning round LABEL as a solver instance (format v1) to a JSON file."""
    export_instance(label, output)


def _app(*, demo: bool = False) -> Flask:
    import os

    from . import create_app

    if demo:
        os.environ.setdefault("OMMEN_DEMO", "1")
    return create_app()
