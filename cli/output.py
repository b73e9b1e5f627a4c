"""The CLI's one output module: every command's data goes through one formatter per output kind.

- ``output_options``: the shared ``--format/-f`` option every command takes (sqlite-utils style).
- ``emit``: a listing as a table, CSV, JSON (``{key: rows, **extra}``) or, with ``out``, xlsx or a file.
- ``emit_report``: a report (``ehcp.reports``) in the same formats.
- ``emit_case``: one case (``case show``); ``emit_recorded``: what a lifecycle command recorded;
  ``emit_move``: a case's stage move; ``emit_noted``: SEN2 data noted on a case.
- ``emit_json``, ``emit_csv``, ``emit_table``: the three formatters the rest are built from.
- ``info`` and ``error``: one line on stderr.

Data goes to stdout (or, with ``out``, to a file), messages to stderr. JSON is one document with
stable keys. Colour is off when stdout is not a terminal or ``NO_COLOR`` is set (rich honours both).
Rich is imported when a table is drawn, not at start-up (it costs what a JSON command does not need).
"""

from __future__ import annotations

import contextlib
import csv
import enum
import inspect
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeVar

import typer

from cli.labels import cell_label, column_label
from cli.layout import fit
from ehcp.domain.deadlines import DISAPPLIED, DUE_SOON, MET, MISSED, OPEN, OVERDUE, PENDING, deadline_status
from ehcp.domain.labels import words
from ehcp.files import atomic_write, csv_cell
from ehcp.reports.result import Report
from ehcp.reports.result import Table as ReportTable
from ehcp.reports.xlsx import write_workbook

F = TypeVar("F", bound=Callable[..., Any])

FILE_WIDTH = 200  # columns for a table written to a file


class Format(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ReportFormat(enum.StrEnum):
    """Reports also export to Excel (``xlsx`` needs ``--out FILE``)."""

    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="Output format: table, csv or json.")
SHOW_FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="Output format: table or json.")


def output_options(*, listing: bool = True) -> Callable[[F], F]:
    """Give a command the shared ``--format/-f`` option on its ``fmt`` parameter.

    The command declares ``fmt: Format = Format.table`` (so it can also be called as a plain function);
    the decorator makes that parameter the CLI option: table, csv or json for a listing, table or json
    (``listing=False``) for one record.
    """
    option = FORMAT_OPTION if listing else SHOW_FORMAT_OPTION

    def decorate(func: F) -> F:
        signature = inspect.signature(func)
        params = [p.replace(default=option) if p.name == "fmt" else p for p in signature.parameters.values()]
        if "fmt" not in signature.parameters:
            raise TypeError(f"{func.__name__} has no fmt parameter for --format")
        func.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        return func

    return decorate


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        # every instant is stored in UTC; SQLite hands it back without its zone, PostgreSQL with it:
        # printed the same way from both
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return _plain(value)


@contextlib.contextmanager
def destination(out: str | Path | None) -> Iterator[IO[str]]:
    """stdout, or the file ``out`` (UTF-8, 0600, written to a temporary file then renamed over it:
    ``ehcp.files.atomic_write``; the command checked it first with ``cli.common.out_file``)."""
    if out is None:
        yield sys.stdout
        return
    with atomic_write(out) as handle:
        yield handle


def emit_json(document: Any, stream: IO[str] | None = None) -> None:
    (stream or sys.stdout).write(json.dumps(to_jsonable(document), indent=2, ensure_ascii=False) + "\n")


def emit_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], stream: IO[str] | None = None) -> None:
    """Rows as CSV; text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) gets
    a leading ``'`` (``ehcp.files.csv_cell``, OWASP); numbers stay numbers."""
    writer = csv.writer(stream or sys.stdout, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c) is None else csv_cell(_plain(row.get(c))) for c in columns])


def console(file: IO[str] | None = None):
    from rich.console import Console

    if file is not None and file is not sys.stdout:
        return Console(file=file, highlight=False, soft_wrap=False, width=FILE_WIDTH, no_color=True)
    return Console(highlight=False, soft_wrap=False)


def emit_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    row_style: Any = None,
    footer: str | None = None,
    stream: IO[str] | None = None,
) -> None:
    """Render rows with rich; ``row_style(row)`` may return a style (RAG colours).

    The table fits the terminal (``cli.layout``): references, dates and counts are never cut, text
    wraps, and low-priority columns stack under their neighbour when space runs out."""
    from rich.table import Table

    out = console(stream)
    headers = [column_label(c) for c in columns]
    cells = [[_cell(cell_label(c, row.get(c))) for c in columns] for row in rows]
    fitted, widths = fit(headers, cells, out.width)
    table = Table(title=title, show_lines=any("\n" in c.header for c in fitted), header_style="bold")
    for column, width in zip(fitted, widths, strict=True):
        table.add_column(column.header, width=width, overflow="fold")
    for i, row in enumerate(rows):
        table.add_row(*(column.cells[i] for column in fitted), style=row_style(row) if row_style else None)
    out.print(table)
    if footer:
        out.print(footer, style="dim")


def _cell(value: Any) -> str:
    """A value as a person reads it: yes/no for booleans, ISO dates, instants in UTC to the second
    as one token a table never cuts (2026-12-07T05:24:29Z; JSON and CSV keep the microseconds), else
    its text."""
    if isinstance(value, datetime):
        return f"{_plain(value)[:19]}Z"
    return "" if value is None else _spoken(_plain(value))


def emit(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: Format | ReportFormat,
    *,
    key: str = "items",
    title: str | None = None,
    extra: Mapping[str, Any] | None = None,
    row_style: Any = None,
    footer: str | None = None,
    out: str | Path | None = None,
) -> None:
    """Emit a listing in the chosen format (JSON: ``{key: rows, **extra}``), to ``out`` if given."""
    if fmt.value == "xlsx":
        table = ReportTable(key, list(columns), [dict(r) for r in rows], title)
        emit_report(Report(title or key, {key: table.rows}, [table], footer or ""), fmt, out=out)
        return
    fmt = Format(fmt.value)
    with destination(out) as stream:
        if fmt is Format.json:
            emit_json({key: [dict(r) for r in rows], **(extra or {})}, stream)
        elif fmt is Format.csv:
            emit_csv(rows, columns, stream)
        else:
            emit_table(rows, columns, title=title, row_style=row_style, footer=footer, stream=stream)


def emit_report(report: Report, fmt: Format | ReportFormat, *, out: str | Path | None = None,
                made_on: date | None = None) -> None:
    """Emit a report: JSON is its document; CSV its main listing; a table per listing on screen
    (then the footer); or an .xlsx workbook (``out`` required) with one sheet per table or group."""
    if fmt.value == "xlsx":
        if out is None:
            raise ValueError("--format xlsx needs --out FILE")
        write_workbook(out, report, made_on=made_on)
        return
    with destination(out) as stream:
        if fmt.value == "json":
            emit_json(report.document, stream)
        elif fmt.value == "csv":
            main = report.csv_table()
            emit_csv(main.rows, main.columns, stream)
        else:
            for table in report.tables:
                if table.rows or table is report.tables[0]:
                    emit_table(table.rows, table.screen or table.columns, title=table.title, stream=stream)
            console(stream).print(report.footer, style="dim")


RAG = {OVERDUE: "bold red", DUE_SOON: "yellow", OPEN: "green", MISSED: "red", MET: "dim", DISAPPLIED: "dim"}


def rag_style(status: str | None) -> str | None:
    """The colour of a deadline status (ehcp.domain.deadlines.deadline_status, counted with the settings'
    due-soon window): red overdue, amber due soon, green open; settled clocks dim, missed ones red."""
    return RAG.get(status) if status else None


def pending_style(due: date | None, today: date, *, due_soon_days: int) -> str | None:
    """The colour of a pending clock due on ``due`` (none without one)."""
    return rag_style(deadline_status(PENDING, due, today, due_soon_days=due_soon_days)) if due else None


def emit_case(view: dict, fmt: Format) -> None:
    """``case show``: JSON is the view; the table is the child and stage, the deadlines (RAG coloured)
    with their citations, the advice requests, exceptions and notes."""
    if fmt is Format.json:
        emit_json(view)
        return
    out = console()
    child = view["child"]
    fields = [view["reference"], f"{child['name']} (born {child['dob']})", f"stage: {words(view['stage'])}",
              f"received: {view['received']}", f"caseworker: {view['caseworker'] or '-'}"]
    for line in _lines(fields, out.width):
        out.print(line)
    rows = [{**d, "status": d["status"] + (" (advisory)" if d["advisory"] else "")} for d in view["deadlines"]]
    emit_table(rows, CASE_DEADLINE_COLUMNS, title=f"Deadlines as of {view['as_of']}",  # the view counts the
               row_style=lambda d: rag_style(d["status"].removesuffix(" (advisory)")))  # status (settings' window)
    for d in view["deadlines"]:
        for line in alternative_warnings(d):
            out.print(line, style="yellow")
    if view["advice"]:
        advice = [{**a, "received_on": a["received_on"] or "outstanding"} for a in view["advice"]]
        emit_table(advice, ["kind", "partner", "requested_on", "received_by_body_on", "received_on"],
                   title="Advice requests")
    for e in view["exceptions"]:
        out.print(f"exception: {words(e.get('reason') or '')} from {e['on']} to {e.get('until') or '-'}")
    for n in view["notes"]:
        out.print(f"note ({n['actor']}, {str(n['at'])[:16]}): {n['text']}")


def alternative_warnings(deadline: dict) -> list[str]:
    """One warning line per other reading of a still-pending deadline that gives another date."""
    if deadline["status"] not in ("open", "due_soon", "overdue"):
        return []
    return [f"warning: {deadline['key']} {a['date']} under another reading: {a['reading']} "
            f"({a['citation']}; policy {a['policy']})"
            for a in deadline.get("alternatives", []) if a["date"] != str(deadline["due"])]


CASE_DEADLINE_COLUMNS = ["key", "due", "practical_last_working_day", "status", "met_on", "exception", "citation"]


def _lines(fields: Sequence[str], width: int) -> list[str]:
    """Fields joined by two spaces, a new line only between fields (a date is never split)."""
    lines: list[str] = []
    for field in fields:
        if lines and len(lines[-1]) + 2 + len(field) <= width:
            lines[-1] += "  " + field
        else:
            lines.append(field)
    return lines


def emit_noted(result: Any, fmt: Format, summary: str) -> None:  # result: a services record of SEN2 data
    """Data noted on a case without clocks (SEN2 placements, needs). JSON: the result's document;
    table: a summary on stderr, the details given on stdout."""
    if fmt is Format.json:
        emit_json(result.to_dict())
        return
    info(f"{result.reference}: {summary}")
    for key, value in result.details.items():
        if value not in (None, [], ""):
            typer.echo(f"{key.replace('_', ' ')}: {value}")


def emit_move(moved: Any) -> None:  # moved: a services CaseMoved
    """A case's stage move: one line on stderr."""
    info(f"{moved.reference}: {moved.from_stage} -> {moved.to_stage} on {moved.on.isoformat()}")
    for warning in moved.warnings:
        info(f"warning: {warning}")


RECORDED_COLUMNS = ["key", "due", "status", "met_on", "citation"]


def emit_recorded(result: Any, fmt: Format, summary: str, *, due_soon_days: int) -> None:  # a services Recorded
    """What a lifecycle command recorded. JSON: the result's document. Table: a summary and warnings on
    stderr; the dates it implies and the clocks changed (RAG coloured) on stdout."""
    if fmt is Format.json:
        emit_json(result.to_dict())
        return
    info(f"{result.reference}: {summary} (stage: {result.stage})")
    for warning in result.warnings:
        info(f"warning: {warning}")
    for key, value in result.details.items():
        if value is not None:
            typer.echo(f"{key.replace('_', ' ')}: {_spoken(value)}")
    if result.dropped:
        typer.echo(f"no longer apply: {', '.join(result.dropped)}")
    rows = [d.to_dict(result.as_of) for d in result.deadlines]
    if rows:
        emit_table(rows, RECORDED_COLUMNS, title=f"Deadlines changed (as of {result.as_of.isoformat()})",
                   row_style=lambda r: _recorded_style(r, result.as_of, due_soon_days))


def _recorded_style(row: Mapping[str, Any], as_of: date, due_soon_days: int) -> str | None:
    """The row's status (``Deadline.to_dict``: the default window) counted again with the settings' window."""
    if row["status"] in (OPEN, DUE_SOON):
        return pending_style(date.fromisoformat(row["due"]), as_of, due_soon_days=due_soon_days)
    return rag_style(row["status"])


def _spoken(value: Any) -> str:  # any detail value a service returns
    """A detail value as a caseworker reads it: yes/no, ISO dates, else its text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def paragraphs(text: str) -> str:
    """Help text as paragraphs: dedented, the lines of each paragraph joined, so the terminal wraps
    them at its width. A line that starts an example (``Example:``, ``ehcp ...``), a list item
    (``- ``) or an indented block keeps its own line; a ``\b`` paragraph (click's verbatim) is kept."""
    kept = ("Example", "ehcp ", "- ", " ")
    out = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines: list[str] = []
        for line in paragraph.split("\n"):
            if lines and not paragraph.startswith("\b") and not line.startswith(kept) \
                    and not lines[-1].startswith(("Example", "ehcp ")):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)


def error(message: str) -> None:
    """One line on stderr."""
    sys.stderr.write(f"ehcp: {message}\n")


def info(message: str) -> None:
    sys.stderr.write(f"{message}\n")
