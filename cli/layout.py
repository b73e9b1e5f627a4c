"""How a table fits a terminal: references, dates and counts are never cut; text wraps; and when
space still runs out, low-priority columns stack under their neighbour (two values in one cell).

Pure functions over strings (no rich): ``fit`` takes the header and cell texts and the width, and
returns the columns to draw (stacked ones joined by a newline) with the width of each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

TEXT_MIN = 14  # a text column is never narrower than this (or its longest word, if shorter)


@dataclass(frozen=True)
class Column:
    """A column to draw: its header and cells (stacked values joined by newlines), and whether it
    holds text that may wrap (cells with spaces) or tokens that must stay whole (references, dates)."""

    header: str
    cells: list[str]
    text: bool
    floor: int = 0  # the narrowest a stacked column may be: its parts' minimums

    def natural(self) -> int:
        return max(_longest_line(s) for s in [self.header, *self.cells])

    def minimum(self) -> int:
        header_word = max(len(w) for line in self.header.splitlines() for w in (line.split() or [""]))
        if not self.text:
            return max(header_word, self.floor, *(_longest_line(s) for s in self.cells))
        words = [len(w) for s in self.cells for w in s.split()]
        return max(header_word, min(max(words, default=1), TEXT_MIN), self.floor)


def _longest_line(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


def overhead(count: int) -> int:
    """Characters a rich table with the default box and padding adds around ``count`` columns."""
    return 3 * count + 1


def fit(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> tuple[list[Column], list[int]]:
    """The columns to draw within ``width`` and each one's width.

    Natural widths if they fit; else columns with no values go and text columns shrink (they
    wrap); else, from the right, a column stacks under its left neighbour until the table fits (the first
    column is never stacked on)."""
    columns = [Column(h, [r[i] for r in rows], any(" " in r[i] for r in rows)) for i, h in enumerate(headers)]
    if sum(c.natural() for c in columns) > width - overhead(len(columns)) and rows:
        columns = [c for c in columns if any(c.cells)] or columns  # an empty column is the first to go
    while True:
        widths = _shrink(columns, width - overhead(len(columns)))
        if widths is not None or len(columns) <= 2:
            return columns, widths or [c.minimum() for c in columns]
        columns = _stack_once(columns)


def _shrink(columns: list[Column], room: int) -> list[int] | None:
    """Natural widths, with the widest text columns narrowed toward their minimum; None if even the
    minimum does not fit."""
    widths = [c.natural() for c in columns]
    minimums = [c.minimum() for c in columns]
    if sum(minimums) > room:
        return None
    excess = sum(widths) - room
    while excess > 0:
        # narrow the widest column still above its minimum, one character at a time
        index = max((i for i in range(len(columns)) if widths[i] > minimums[i]), key=lambda i: widths[i] - minimums[i])
        widths[index] -= 1
        excess -= 1
    return widths


def _stack_once(columns: list[Column]) -> list[Column]:
    """Stack the rightmost column that is not yet stacked under its left neighbour (not the first)."""
    depth = min(c.header.count("\n") for c in columns[1:])
    for i in range(len(columns) - 1, 1, -1):
        right, left = columns[i], columns[i - 1]
        if right.header.count("\n") == depth and left.header.count("\n") == depth:
            return [*columns[: i - 1], _stack(left, right), *columns[i + 1:]]
    return [*columns[:-2], _stack(columns[-2], columns[-1])]


def _stack(top: Column, bottom: Column) -> Column:
    """One column showing ``top``'s value above ``bottom``'s in each row."""
    return Column(f"{top.header}\n{bottom.header}", [f"{a}\n{b}" for a, b in zip(top.cells, bottom.cells, strict=True)],
                  top.text or bottom.text, max(top.minimum(), bottom.minimum()))
