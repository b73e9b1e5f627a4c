"""``ehcp review season|sync-children``: the review commands that are not one recorded event.

The recording commands of ``ehcp review`` are rows of the lifecycle table (``cli.lifecycle``),
which adds these two after them. Services are imported inside the commands: they load the ORM
(about a second), which no other command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

import typer

from cli.common import context, refusals
from cli.output import Format, emit, emit_json, output_options

app = typer.Typer()

SCREEN = ("reference", "child", "ncy", "deadline", "latest_meeting", "latest_notice", "status")


@app.command("season")
@refusals
@output_options()
def season(
    year: int | None = typer.Option(None, "--year", help="Calendar year of the transfer (default: next September)."),
    late: bool = typer.Option(False, "--late", help="Only plans already late."),
    fmt: Format = Format.table,
) -> None:
    """The phase-transfer cohort of a year, working back from each reg 18 date; who is late.

    For each plan: the reg 18 date (before 15 February, or 31 March to post-16; Policy Q5), the
    latest amendment notice (8 weeks before) and review meeting (4 weeks before that), what has
    been done, and its status.

    The cohort: maintained plans whose child's year group (Child.year_group, else from the date of
    birth) moves on that September (Policy.phase_transfer_ncys: -1, 6, 11), or noted otherwise.
    The table shows the dates and status; csv and json add the transfer, the meeting, notice and
    amended plan dates, and late (true/false).

    Example: ehcp review season --year 2027 --format csv
    """
    from ehcp.services.review_season import COLUMNS, review_season

    result = review_season(context(), year)
    rows = [r for r in result.rows if r["late"] or not late]
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.counts.items())
    columns = list(COLUMNS) if fmt is not Format.table else list(SCREEN)
    emit(rows, columns, fmt, key="cohort", title=f"Review season {result.year} (as of {result.as_of}): {counts}",
         extra={"year": result.year, "as_of": result.as_of, "counts": result.counts},
         row_style=lambda r: "bold red" if r["late"] else ("yellow" if r["status"].startswith("at risk") else None))


@app.command("sync-children")
@refusals
@output_options(listing=False)
def sync_children(fmt: Format = Format.table) -> None:
    """Note each open case's child record (date of birth, year group) in its log where it differs.

    The under-5, year 9 and phase-transfer clocks read the child from the case's log; run this
    once after upgrading, and after year groups change in bulk (each September), so that those
    clocks are rows of the deadlines table and reach the caseworker digest.

    Example: ehcp review sync-children
    """
    from ehcp.services.child_notes import sync_children as run

    result = run(context())
    if fmt is Format.json:
        emit_json({"cases": result.cases, "noted": result.noted})
    else:
        typer.echo(f"{len(result.noted)} of {result.cases} open cases noted: {', '.join(result.noted) or '-'}")
