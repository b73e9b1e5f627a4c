"""Plain-text pieces every chase digest is made of (each kind writes its own body and subject from
them: ``advice``, ``deadlines``). Children are identified only by the case
reference and the configured fields (default initials and date of birth): never names, never notes."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

CHILD_HEADINGS = {"initials": "Child", "dob": "Born", "upn": "UPN", "year_group": "Year"}


def wrap(text: str) -> str:
    return textwrap.fill(text, width=76)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def initials(given_initial: str | None, family_initial: str | None) -> str:
    return "".join(f"{c.upper()}." for c in (given_initial, family_initial) if c)


def child_cells(row: Any, fields: Sequence[str]) -> list[str]:
    return [_CHILD_CELL[name](row) for name in fields]


def child_renderer(fields: Sequence[str]) -> Callable[[Any], list[str]]:
    """``child_cells`` for a fixed set of fields, for a night's tens of thousands of rows: the
    default (initials, date of birth) with each pair of initials formatted once."""
    if tuple(fields) != ("initials", "dob"):
        return lambda row: child_cells(row, fields)
    known: dict[tuple[str | None, str | None], str] = {}

    def cells(row: Any) -> list[str]:
        pair = (row.gi, row.fi)
        text = known.get(pair)
        if text is None:
            text = known[pair] = initials(*pair)
        return [text, row.dob or ""]
    return cells


_CHILD_CELL = {
    "initials": lambda row: initials(row.gi, row.fi),
    "dob": lambda row: row.dob or "",  # ISO text from the query
    "upn": lambda row: row.upn or "",
    "year_group": lambda row: "" if row.year_group is None else str(row.year_group),
}


def timing(due: date, as_of: date) -> str:
    days = (as_of - due).days
    if days > 0:
        return f"overdue {days} day{'s' if days != 1 else ''}"
    if days == 0:
        return "due today"
    return f"due in {-days} day{'s' if days != -1 else ''}"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns two spaces apart (one format string for every line: a night's digests
    run to hundreds of thousands of lines)."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in headers]
    widths = [max(len(h), max(map(len, column), default=0)) for h, column in zip(headers, columns, strict=True)]
    line = ("  " + "  ".join(f"{{:<{w}}}" for w in widths)).format
    return "\n".join([line(*headers).rstrip(), line(*("-" * w for w in widths)).rstrip(),
                      *(line(*r).rstrip() for r in rows)])
