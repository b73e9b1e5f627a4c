"""``ehcp report ...``: what managers answer for."""

from __future__ import annotations

from typing import Optional

import typer

from cli.common import FORMAT_OPTION, parse_date, refusals, settings
from cli.output import Format, emit

app = typer.Typer(help="Manager reports.", no_args_is_help=True)

FOOTER = ("Overdue = a statutory deadline still pending after its due date (SEND Regulations 2014; "
          "disapplied clocks excluded). Advisory clocks (Code of Practice) are listed apart.")


@app.command("overdue")
@refusals
def overdue(
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Date to report at (default today, London)."),
    by: str = typer.Option("rule", "--by", help="Group by stage, caseworker, team, partner or rule."),
    due_within: Optional[int] = typer.Option(None, "--due-within", help="Also list deadlines due within N days."),
    detail: bool = typer.Option(True, "--detail/--summary", help="List every deadline, or only the counts."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Every overdue statutory deadline, grouped, oldest first."""
    from ehcp.reports.overdue import GROUPS, overdue_rows, summarise
    from ehcp.services.errors import Refused
    from ehcp.services.views import read_connection

    if by not in GROUPS:
        raise Refused(f"unknown grouping {by!r}; choose one of {', '.join(GROUPS)}")
    cfg = settings()
    day = parse_date(as_of, "--as-of") or cfg.today
    with read_connection(cfg) as conn:
        rows = overdue_rows(conn, as_of=day, by=by, due_within=due_within)
    groups = summarise(rows)
    extra = {"as_of": day, "by": by, "groups": groups,
             "total_overdue": sum(1 for r in rows if r["status"] == "overdue" and not r["advisory"])}
    columns = ["group", "reference", "key", "due", "days_overdue", "status", "caseworker", "partner", "citation"]
    if detail or fmt is not Format.table:
        emit(rows, columns, fmt, key="deadlines", extra=extra,
             title=f"Overdue deadlines as of {day} by {by} ({extra['total_overdue']} statutory)", footer=FOOTER)
    else:
        emit(groups, ["group", "advisory", "overdue", "oldest_due"], fmt, key="groups",
             title=f"Overdue deadlines as of {day} by {by}", footer=FOOTER)
