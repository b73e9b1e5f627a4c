"""Excel export of any report: one sheet per table, typed cells, bold frozen header, and an "About"
sheet with the title, the date it was made and the footer (the definitions used).

Dates are written as dates (``yyyy-mm-dd``), numbers as numbers, booleans as booleans; anything else
as text. Uses openpyxl's write-only mode, so a million-row sheet streams rather than sits in memory.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ehcp.files import atomic_write, is_formula_like
from ehcp.reports.result import Report, Table

if TYPE_CHECKING:
    from openpyxl import Workbook

MAX_ROWS = 1_048_575  # Excel's limit less the header row
_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    """A legal, unique sheet name: no []:*?/\\, at most 31 characters."""
    base = _BAD.sub("_", str(name)).strip("'") or "Sheet"
    candidate, n = base[:31], 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def cell_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str, date, datetime)):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    if hasattr(value, "value"):  # an Enum
        return value.value
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=str)
    try:
        return float(value)  # Decimal
    except (TypeError, ValueError):
        return str(value)


def _write_sheet(wb: Workbook, table: Table, name: str) -> None:
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 - openpyxl takes ~75 ms to import; only an --xlsx export needs it
    from openpyxl.styles import Font  # noqa: PLC0415 - openpyxl takes ~75 ms to import; only an --xlsx export needs it
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 - openpyxl takes ~75 ms to import; only an --xlsx export needs it

    ws = wb.create_sheet(name)
    ws.freeze_panes = "A2"
    widths = [max(10, len(c) + 2) for c in table.columns]
    for value in table.rows[:200]:  # widths from a sample; a full scan is not worth it
        for j, column in enumerate(table.columns):
            widths[j] = min(60, max(widths[j], len(str(value.get(column) or "")) + 2))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    if table.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{min(len(table.rows), MAX_ROWS) + 1}"
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = text_cell(ws, column) if is_formula_like(column) else WriteOnlyCell(ws, value=column)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in table.rows[:MAX_ROWS]:
        out = []
        for column in table.columns:
            value = cell_value(row.get(column))
            if isinstance(value, (date, datetime)):
                # openpyxl writes a date cell; its stubs list only datetime for WriteOnlyCell
                cell = WriteOnlyCell(ws, value=value)  # type: ignore[arg-type]
                cell.number_format = "yyyy-mm-dd" if not isinstance(value, datetime) else "yyyy-mm-dd hh:mm"
                out.append(cell)
            elif is_formula_like(value):
                out.append(text_cell(ws, value))
            else:
                out.append(value)
        ws.append(out)


def text_cell(ws: Any, value: str) -> Any:
    """A cell that is text whatever it starts with (OWASP: ``=HYPERLINK(...)`` in a partner's name must
    not become a live formula): string type, and Excel's quote prefix so editing keeps it text."""
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 - openpyxl takes ~75 ms to import; only an --xlsx export needs it

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # openpyxl made text starting with '=' a formula
    cell.quotePrefix = True
    return cell


MARKING = "OFFICIAL-SENSITIVE"
MARKING_NOTE = ("OFFICIAL-SENSITIVE: contains personal data about children (special category). "
                "Store and share only under the council's information-handling policy.")


def write_workbook(path: str | Path, report: Report, *, made_on: date | None = None) -> Path:
    """Write ``report`` to ``path`` as .xlsx and return the path."""
    from openpyxl import Workbook  # noqa: PLC0415 - openpyxl takes ~75 ms to import; only an --xlsx export needs it
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 - openpyxl takes ~75 ms to import; only an --xlsx export needs it
    from openpyxl.styles import Font  # noqa: PLC0415 - openpyxl takes ~75 ms to import; only an --xlsx export needs it

    wb = Workbook(write_only=True)
    taken: set[str] = set()
    for table in report.workbook_sheets():
        _write_sheet(wb, table, sheet_name(table.name, taken))
    about = wb.create_sheet(sheet_name("About", taken))
    about.column_dimensions["A"].width = 120
    title = WriteOnlyCell(about, value=report.title)
    title.font = Font(bold=True, size=14)
    about.append([title])
    if made_on is not None:
        about.append([f"Made on {made_on.isoformat()}"])
    about.append([_text(about, report.footer)])
    for table in report.workbook_sheets():
        if table.title:
            about.append([_text(about, f"{table.name}: {table.title}")])
    about.append([MARKING_NOTE])
    wb.properties.category = MARKING
    wb.properties.keywords = MARKING
    path = Path(path)
    with atomic_write(path, binary=True) as handle:  # 0600, temporary file then rename (ehcp.files)
        wb.save(handle)
    return path


def _text(ws: Any, value: str) -> Any:
    return text_cell(ws, value) if is_formula_like(value) else value
