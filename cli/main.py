"""The ``ehcp`` command: a thin Typer app over the services; the whole command tree is below.

Every command module imports only Typer and the CLI's own helpers at start-up; services, the ORM,
rich and Prefect are imported when a command runs (``bench/bench_cli.py`` keeps ``case show`` within
1.5x ``import sqlalchemy``). Case commands never import Prefect.
"""

from __future__ import annotations

import inspect

import typer

from cli import (
    admin,
    advice,
    audit,
    calendar,
    corrections,
    demo,
    dev,
    flows,
    importing,
    lifecycle,
    policy,
    reports,
    retention,
    rules,
    sen2,
    web,
)
from cli.output import paragraphs
from ehcp.files import private_umask

app = typer.Typer(
    name="ehcp",
    help=(
        "EHC needs assessment and plan case tracking with statutory deadlines (England).\n\n"
        "Database: EHCP_DATABASE_URL (default: a SQLite file at ~/.local/share/ehcp/ehcp.sqlite3). "
        "Today: EHCP_TODAY (default: the London date). Actor: EHCP_USER (default: your login). "
        "Outbox: EHCP_OUTBOX (default: outbox/ beside the database). "
        "Permissions: enforced from the first 'ehcp user add' (see 'ehcp user --help'). "
        "On SQLite roles are guidance and the actor (EHCP_USER) is a label, not proof: use it for one "
        "operator. On PostgreSQL each person connects as their own login role, the actor is that role "
        "and the database enforces roles and teams ('ehcp db roles')."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(admin.db_app, name="db")
app.add_typer(lifecycle.APPS["case"], name="case")
app.add_typer(advice.advice_app, name="advice")
app.add_typer(advice.partner_app, name="partner")
app.add_typer(reports.app, name="report")
app.add_typer(admin.user_app, name="user")
app.add_typer(admin.deadlines_app, name="deadlines")
app.add_typer(rules.app, name="rules")
app.add_typer(flows.app, name="flows")
app.add_typer(calendar.app, name="calendar")
app.add_typer(demo.app, name="demo")
app.add_typer(importing.app, name="import")
app.add_typer(dev.app, name="dev")
app.add_typer(lifecycle.APPS["review"], name="review")
app.add_typer(lifecycle.APPS["reassess"], name="reassess")
app.add_typer(lifecycle.APPS["cease"], name="cease")
app.add_typer(lifecycle.APPS["transfer"], name="transfer")
app.add_typer(lifecycle.APPS["mediation"], name="mediation")
app.add_typer(lifecycle.APPS["appeal"], name="appeal")
app.add_typer(lifecycle.APPS["tribunal"], name="tribunal")
app.add_typer(audit.app, name="audit")
app.add_typer(retention.app, name="retention")
app.add_typer(sen2.app, name="sen2")
app.add_typer(corrections.event_app, name="event")
app.add_typer(corrections.child_app, name="child")
app.add_typer(policy.policy_app, name="policy")
app.add_typer(policy.deadline_app, name="deadline")
app.add_typer(web.app, name="web")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version  # ~25 ms that no other command should pay at start-up

        typer.echo(f"ehcp {version('ehcp')}")
        raise typer.Exit()


@app.callback()
def main(
    _show_version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Show the version and exit."),
) -> None:
    # no docstring: the app's help stays the Typer(help=...) above; this callback only adds --version
    return


def readable_help(group: typer.Typer) -> None:
    """Every help text of ``group`` and below as paragraphs (``cli.output.paragraphs``), so that the
    terminal, not the docstring's own line breaks, decides where lines end."""
    for command in group.registered_commands:
        text = command.help if isinstance(command.help, str) else inspect.getdoc(command.callback)
        if text:
            command.help = paragraphs(text)
    if group.registered_callback is not None:
        callback = group.registered_callback
        text = callback.help if isinstance(callback.help, str) else inspect.getdoc(callback.callback)
        if text:
            callback.help = paragraphs(text)
    for sub in group.registered_groups:
        if isinstance(sub.help, str):
            sub.help = paragraphs(sub.help)
        if sub.typer_instance is not None:
            if isinstance(sub.typer_instance.info.help, str):
                sub.typer_instance.info.help = paragraphs(sub.typer_instance.info.help)
            readable_help(sub.typer_instance)


readable_help(app)


def run() -> None:
    private_umask()  # every file ehcp (or SQLite) creates is 0600, every folder 0700 (ehcp.files)
    app()


if __name__ == "__main__":
    run()
