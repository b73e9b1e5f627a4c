"""One formatter for every listing command: ``--format table|csv|json``.

Data goes to stdout, messages to stderr. JSON is one document with stable keys. Colour is off when
stdout is not a terminal or ``NO_COLOR`` is set (rich honours both).
"""

from __future__ import annotations

import csv
import enum
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any


class Format(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return _plain(value)


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(document), indent=2, ensure_ascii=False) + "\n")


def emit_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _plain(row.get(c)) for c in columns])


def console():  # noqa: ANN201
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def emit_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    styles: Mapping[str, str] | None = None,
    row_style: Any = None,
    footer: str | None = None,
) -> None:
    """Render rows with rich; ``row_style(row)`` may return a style (RAG colours)."""
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column.replace("_", " "), style=(styles or {}).get(column))
    for row in rows:
        cells = ["" if row.get(c) is None else str(_plain(row.get(c))) for c in columns]
        table.add_row(*cells, style=row_style(row) if row_style else None)
    out = console()
    out.print(table)
    if footer:
        out.print(footer, style="dim")


def emit(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: Format,
    *,
    key: str = "items",
    title: str | None = None,
    extra: Mapping[str, Any] | None = None,
    row_style: Any = None,
    footer: str | None = None,
) -> None:
    """Emit a listing in the chosen format (JSON: ``{key: rows, **extra}``)."""
    if fmt is Format.json:
        emit_json({key: [dict(r) for r in rows], **(extra or {})})
    elif fmt is Format.csv:
        emit_csv(rows, columns)
    else:
        emit_table(rows, columns, title=title, row_style=row_style, footer=footer)


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
