"""``ehcp retention ...``: records past their retention date (date of birth + 31 years by default).

Services are imported inside the commands: they load the ORM (about a second), which no other
command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

import typer

from cli.common import context, fail, refusals
from cli.output import Format, emit, info, output_options

app = typer.Typer(help="Retention of SEN files: date of birth + 31 years (EHCP_RETENTION_YEARS).",
                  no_args_is_help=True)
YEARS = typer.Option(None, "--years", min=1, max=120, help="Retention period after the date of birth (default 31).")


@app.command("report")
@refusals
@output_options()
def report(years: int | None = YEARS, fmt: Format = Format.table) -> None:
    """List cases whose child is past the retention date (initials only; audited)."""
    from ehcp.services.retention import report as build

    rows = [d.__dict__ for d in build(context(), years)]
    emit(rows, ["reference", "stage", "initials", "retain_until"], fmt, key="due",
         title=f"Past retention ({len(rows)})")


@app.command("purge")
@refusals
def purge(years: int | None = YEARS,
          yes: bool = typer.Option(False, "--yes", help="Really erase (there is no undo but a backup).")) -> None:
    """Erase the personal data and case history of every case past retention (an admin; audited).
    The case reference and stage stay as a tombstone so the audit trail still verifies."""
    from ehcp.services.retention import purge as run

    if not yes:
        fail("purge erases records for good; run 'ehcp retention report' first, then add --yes")
    refs = run(context(), years)
    info(f"purged {len(refs)} case(s){': ' + ', '.join(refs) if refs else ''}")
