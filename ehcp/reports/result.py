"""What every report returns: a JSON document with stable keys plus the tables to show or export.

Rendering lives in the CLI (``cli/output.py``); the xlsx writer is :mod:`ehcp.reports.xlsx`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DFE_NOTE = ("Definitions follow the DfE's published EHC plan statistics (SEN2; explore-education-statistics "
            "methodology), as set out in docs sen2.md section 3.")


@dataclass(frozen=True)
class Table:
    """One listing: a title, the columns in order, and rows of plain values (dates stay dates);
    ``screen`` optionally narrows the columns shown in a terminal table."""

    name: str
    columns: list[str]
    rows: list[dict[str, Any]]
    title: str | None = None
    screen: list[str] | None = None


@dataclass
class Report:
    """A report: ``document`` for JSON, ``tables`` for the screen, ``csv`` for CSV (default: the
    first table), ``sheets`` for a workbook (default: the tables; a callable is only called when a
    workbook is made), and a footer naming the definitions used."""

    title: str
    document: dict[str, Any]
    tables: list[Table]
    footer: str
    sheets: list[Table] | Callable[[], list[Table]] | None = field(default=None)
    csv: Table | None = None

    def csv_table(self) -> Table:
        return self.csv or self.tables[0]

    def workbook_sheets(self) -> list[Table]:
        if callable(self.sheets):
            self.sheets = self.sheets()
        return self.sheets if self.sheets is not None else self.tables


@dataclass(frozen=True)
class Period:
    """An inclusive date range of issue (or decision, or request) dates."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def as_dict(self) -> dict[str, date]:
        return {"from": self.start, "to": self.end}

    def __str__(self) -> str:
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) \
                and self.start.year == self.end.year:
            return str(self.start.year)
        return f"{self.start} to {self.end}"


def rate(part: int | None, whole: int | None) -> float | None:
    """A percentage to one decimal place, or None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)
