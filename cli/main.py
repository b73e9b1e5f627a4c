"""The ``ehcp`` command: a thin Typer app over the services. Case commands never import Prefect."""

from __future__ import annotations

import typer

from cli import admin, advice, cases, reports, rules

app = typer.Typer(
    name="ehcp",
    help=(
        "EHC needs assessment and plan case tracking with statutory deadlines (England).\n\n"
        "Database: EHCP_DATABASE_URL (default: a SQLite file at ~/.local/share/ehcp/ehcp.sqlite3). "
        "Today: EHCP_TODAY (default: the London date). Actor: EHCP_USER (default: your login). "
        "Outbox: EHCP_OUTBOX (default: outbox/ beside the database). "
        "Permissions: enforced from the first 'ehcp user add' (see 'ehcp user --help')."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(admin.db_app, name="db")
app.add_typer(cases.app, name="case")
app.add_typer(advice.advice_app, name="advice")
app.add_typer(advice.partner_app, name="partner")
app.add_typer(reports.app, name="report")
app.add_typer(admin.user_app, name="user")
app.add_typer(admin.deadlines_app, name="deadlines")
app.add_typer(rules.app, name="rules")


def _register_optional() -> None:
    """Sub-apps whose modules exist (flows, calendar, demo, import, dev) - each imports its heavy parts lazily."""
    import importlib

    for module, name in (("cli.flows", "flows"), ("cli.calendar", "calendar"), ("cli.demo", "demo"),
                         ("cli.importing", "import"), ("cli.dev", "dev"), ("cli.lifecycle", None),
                         ("cli.audit", "audit"), ("cli.retention", "retention"),
                         ("cli.sen2", "sen2")):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        if name is None:  # a module offering several command groups: APPS = {"review": app, ...}
            for group, sub in mod.APPS.items():
                app.add_typer(sub, name=group)
        else:
            app.add_typer(mod.app, name=name)


_register_optional()


def run() -> None:
    app()


if __name__ == "__main__":
    run()
