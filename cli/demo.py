"""``ehcp demo``: set up the default database, seed synthetic cases, run one night, show the report.

The demo's services and migrations are imported inside the command: they load the ORM and Alembic,
which no other command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

import shutil
import textwrap

import typer

from cli.common import context, refusals
from cli.flows import chase_advice
from cli.output import Format, ReportFormat, info
from cli.reports import overdue

app = typer.Typer(help="Run the demo end to end on the configured (default: SQLite) database.",
                  invoke_without_command=True)


@app.callback()
@refusals
def demo(
    no_prefect: bool = typer.Option(False, "--no-prefect", help="Run the night without Prefect."),
) -> None:
    """Migrate the database, seed six synthetic cases, run one chase night, print the overdue report."""
    from ehcp.services import demo as seed_demo
    from ehcp.store import migrate

    ctx = context()
    info(f"1/4 database: {ctx.settings.database_url}")
    migrate.upgrade(ctx.settings.database_url)
    if seed_demo.already_seeded(ctx):
        info("2/4 demo cases already present; not seeding again")
    else:
        refs = seed_demo.seed(ctx)
        info(f"2/4 seeded {len(refs)} synthetic cases:")
        info(textwrap.fill(", ".join(refs), width=shutil.get_terminal_size().columns, initial_indent="    ",
                           subsequent_indent="    "))
    info(f"3/4 one nightly chase run (outbox: {ctx.settings.outbox})")
    _night(no_prefect)
    info("4/4 overdue report")
    overdue(as_of=None, by="rule", due_within=None, detail=True, fmt=ReportFormat.table, out=None)


def _night(no_prefect: bool) -> None:
    chase_advice(as_of=None, dry_run=False, no_prefect=no_prefect, show_messages=False, fmt=Format.table,
                 verbose=False)
