"""One formatter for every listing command: ``--format table|csv|json`` (reports add ``xlsx``).

Data goes to stdout (or, with ``out``, to a file), messages to stderr. JSON is one document with
stable keys. Colour is off when stdout is not a terminal or ``NO_COLOR`` is set (rich honours both).
"""

from __future__ import annotations

import contextlib
import csv
import enum
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ehcp.reports.result import Report

FILE_WIDTH = 200  # columns for a table written to a file


class Format(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ReportFormat(str, enum.Enum):
    """Reports also export to Excel (``xlsx`` needs ``--out FILE``)."""

    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
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
    """stdout, or the file ``out`` (created or replaced, UTF-8)."""
    if out is None:
        yield sys.stdout
        return
    with open(out, "w", encoding="utf-8", newline="") as handle:
        yield handle


def emit_json(document: Any, stream: IO[str] | None = None) -> None:
    (stream or sys.stdout).write(json.dumps(to_jsonable(document), indent=2, ensure_ascii=False) + "\n")


def emit_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], stream: IO[str] | None = None) -> None:
    writer = csv.writer(stream or sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _plain(row.get(c)) for c in columns])


def console(file: IO[str] | None = None):  # noqa: ANN201
    from rich.console import Console

    if file is not None and file is not sys.stdout:
        return Console(file=file, highlight=False, soft_wrap=False, width=FILE_WIDTH, no_color=True)
    return Console(highlight=False, soft_wrap=False)


def emit_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    styles: Mapping[str, str] | None = None,
    row_style: Any = None,
    footer: str | None = None,
    stream: IO[str] | None = None,
) -> None:
    """Render rows with rich; ``row_style(row)`` may return a style (RAG colours)."""
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column.replace("_", " "), style=(styles or {}).get(column))
    for row in rows:
        cells = ["" if row.get(c) is None else str(_plain(row.get(c))) for c in columns]
        table.add_row(*cells, style=row_style(row) if row_style else None)
    out = console(stream)
    out.print(table)
    if footer:
        out.print(footer, style="dim")


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
        from ehcp.reports.result import Report, Table

        table = Table(key, list(columns), [dict(r) for r in rows], title)
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
        from ehcp.reports.xlsx import write_workbook

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


def rag_style(days_left: int | None, status: str | None = None) -> str | None:
    """Red for overdue, amber for due within a week, green otherwise."""
    if status in ("met", "disapplied", "missed"):
        return "dim" if status != "missed" else "red"
    if days_left is None:
        return None
    if days_left < 0:
        return "bold red"
    if days_left <= 7:
        return "yellow"
    return "green"


def error(message: str) -> None:
    """One line on stderr."""
    sys.stderr.write(f"ehcp: {message}\n")


def info(message: str) -> None:
    sys.stderr.write(f"{message}\n")
