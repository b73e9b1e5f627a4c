"""``ehcp import ...``: load cases, partners, advice requests, events and SEN2 data from CSV files.

Each file is all or nothing: every row is checked first; if any row is refused nothing is written,
the rejected rows (line, column, reason) are listed on stderr (and in ``--errors FILE.csv``), and
the exit status is 1. Columns: docs/import.md.
The importer and permissions are imported inside the command: they load the ORM (about a second),
which no other command should pay for at start-up (``bench/bench_cli.py``).
"""

from __future__ import annotations

import csv
from pathlib import Path

import typer

from cli.common import context, out_file, refusals
from cli.output import Format, emit, emit_json, error, info, output_options
from ehcp.files import atomic_write, csv_cell
from ehcp.importing.spec import describe

app = typer.Typer(help="Import cases, partners, advice requests, events, placements and SEN types of need from "
                       "CSV (all or nothing per file).",
                  no_args_is_help=True)

FILE_ARGUMENT = typer.Argument(..., metavar="FILE.csv", help="The CSV file (UTF-8, header row of column names).",
                               exists=True, dir_okay=False, readable=True)
ERRORS_OPTION = typer.Option(None, "--errors", help="Also write the rejected rows to this CSV file "
                                                     "(line,column,reason).")
SHOWN = 50  # rejected rows listed in a table; --errors FILE.csv gets them all


def _help(kind: str, summary: str) -> str:
    return f"{summary}\n\nColumns (any order; header names are case-insensitive):\n\n{describe(kind)}"


def _run(kind: str, path: Path, errors_file: Path | None, fmt: Format, **options: object) -> None:
    from ehcp.importing import ImportRefused, import_file
    from ehcp.services.permissions import authorise

    ctx = context()
    authorise(ctx, "bulk_import")  # manager or admin once permissions are enforced; the import audits itself
    try:
        result = import_file(ctx, kind, path, **options)
    except ImportRefused as refused:
        _report(refused, errors_file, fmt)
        raise typer.Exit(1) from None
    if errors_file is not None:
        _write_errors(errors_file, [])
    if fmt is Format.json:
        emit_json(result.as_dict())
        return
    counts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in result.counts.items())
    rate = f" ({result.rows / result.seconds:,.0f} rows/s)" if result.seconds > 0 else ""
    info(f"imported {result.file}: {result.rows:,} rows -> {counts} in {result.seconds:.2f} s{rate}")


def _report(refused, errors_file: Path | None, fmt: Format) -> None:
    """The rejected rows are data (stdout, in the chosen format); stderr gets one line."""
    rows = [{"line": e.line, "column": e.column, "reason": e.reason} for e in refused.errors]
    if fmt is Format.json:
        emit_json({"rejected": rows, "imported": 0})
    else:
        emit(rows[:SHOWN], ["line", "column", "reason"], fmt, key="rejected", title=f"Rejected rows ({len(rows)})")
    if errors_file is not None:
        _write_errors(errors_file, refused.errors)
    first = f" (first: {refused.errors[0]})" if refused.errors else ""
    more = f"; all rejected rows are in {errors_file}" if errors_file else ""
    error(f"{refused}{first}{more}")


def _write_errors(path: Path, errors: list) -> None:
    """The rejected rows as CSV (replaced on each run, never over the live database; 0600, written then
    renamed); a reason quoting a cell that starts like a formula is neutralised (ehcp.files.csv_cell)."""
    out_file(path, force=True)
    with atomic_write(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "column", "reason"])
        writer.writerows([e.line, csv_cell(e.column), csv_cell(e.reason)] for e in errors)


@app.command("cases", help=_help("cases", "Import one case per row: the child and the request for an EHC "
                                           "needs assessment (its deadlines are computed as for 'case new')."
                                           "\n\nA child already on file (same UPN, or same name and date of "
                                           "birth) is linked, not duplicated. A file imported before, or a "
                                           "request with the same child and received date as one on file, is "
                                           "refused unless --again."))
@refusals
@output_options(listing=False)
def cases(
    path: Path = FILE_ARGUMENT,
    errors_file: Path | None = ERRORS_OPTION,
    create_users: bool = typer.Option(False, "--create-users", help="Register unknown caseworker logins as "
                                                                     "caseworkers instead of refusing the row."),
    again: bool = typer.Option(False, "--again", help="Import even if this file (the same content) was imported "
                                                      "before, or a child already has a request received that day."),
    fmt: Format = Format.table,
) -> None:
    _run("cases", path, errors_file, fmt, create_users=create_users, again=again)


# The file kinds with no options of their own: (kind, summary for --help).
PLAIN_KINDS = (
    ("partners", "Import one partner organisation (asked for advice) per row."),
    ("advice", ("Import one advice request per row (and its receipt, if received_on is given) for cases "
                "already on file.")),
    ("events", ("Import one event per row for cases already on file: decisions, drafts, plans, reviews, "
                "advice, exceptions, and the rest of the lifecycle (re-assessment, ceasing, transfers out, "
                "mediation, appeals, orders: their fields in details). Rows of one case are applied in file "
                "order, each checked by the same rules as the case commands.")),
    ("placements", ("Import SEN2 placements (where each child with a plan is educated), one per row, for "
                    "cases already on file.")),
    ("needs", ("Import SEN2 types of need (primary, secondary) and UPN-unknown reasons, one case per row; "
               "they replace those recorded before.")),
)


def _plain_command(kind: str):
    @output_options(listing=False)
    def command(path: Path = FILE_ARGUMENT, errors_file: Path | None = ERRORS_OPTION,
                fmt: Format = Format.table) -> None:
        _run(kind, path, errors_file, fmt)

    command.__name__ = kind
    return refusals(command)


for _kind, _summary in PLAIN_KINDS:
    app.command(_kind, help=_help(_kind, _summary))(_plain_command(_kind))
