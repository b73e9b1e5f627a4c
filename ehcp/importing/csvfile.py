"""Reading an import CSV: UTF-8 (a byte-order mark is fine), a header row naming the columns, one
record per row. Every problem is collected as a RowError with the record's first physical line."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ehcp.importing.errors import RowError

if TYPE_CHECKING:
    from _csv import Reader

ANY = "-"  # column name used for problems that belong to the whole row or file


@dataclass(frozen=True)
class Column:
    name: str
    required: bool  # the column must be present in the header
    help: str


@dataclass
class CsvFile:
    """Iterate ``rows()`` for (line, values by column index); problems accumulate in ``errors``."""

    path: Path
    columns: tuple[Column, ...]
    errors: list[RowError] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    rows_read: int = 0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        try:
            with self.path.open("r", encoding="utf-8-sig", newline="") as handle:
                yield from self._records(csv.reader(handle, strict=True))
        except FileNotFoundError:
            self.errors.append(RowError(0, ANY, f"no such file: {self.path}"))
        except IsADirectoryError:
            self.errors.append(RowError(0, ANY, f"{self.path} is a directory, not a CSV file"))

    def _records(self, reader: Reader) -> Iterator[tuple[int, list[str]]]:
        width = 0
        previous = 0
        while True:
            start = previous + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:
                self.errors.append(RowError(max(start, 1), ANY, f"the file is not UTF-8 text ({exc.reason} "
                                            f"at byte {exc.start}); save it as CSV UTF-8"))
                return
            except csv.Error as exc:
                previous = reader.line_num
                self.errors.append(RowError(start, ANY, f"malformed CSV: {exc}"))
                if not self.index:
                    return
                continue
            previous = reader.line_num
            if not values or (len(values) == 1 and not values[0].strip()):
                continue  # blank line
            if not self.index:
                width = len(values)
                if not self._header(start, values):
                    return
                continue
            self.rows_read += 1
            if len(values) != width:
                self.errors.append(RowError(start, ANY, f"the row has {len(values)} fields; the header has {width}"))
                continue
            values.append("")  # what an absent optional column reads (position -1)
            yield start, values
        if not self.index and not any(e.line <= 1 for e in self.errors):
            self.errors.append(RowError(1, ANY, "the file is empty; expected a header row of column names"))

    def _header(self, line: int, values: list[str]) -> bool:
        names = [v.strip().lower() for v in values]
        known = {c.name for c in self.columns}
        ok = True
        for position, name in enumerate(names):
            if name in self.index:
                self.errors.append(RowError(line, name, "the column appears twice in the header"))
                ok = False
            elif name not in known:
                expected = ", ".join(c.name for c in self.columns)
                self.errors.append(RowError(line, name or f"#{position + 1}",
                                            f"unknown column (the columns are: {expected})"))
                ok = False
            self.index.setdefault(name, position)
        for column in self.columns:
            if column.required and column.name not in self.index:
                self.errors.append(RowError(line, column.name, "missing required column"))
                ok = False
        return ok

    def positions(self, names: list[str]) -> tuple[int, ...]:
        """Each column's position in the rows (-1 for a column the file does not have)."""
        return tuple(self.index.get(name, -1) for name in names)

    def getter(self, name: str) -> Callable[[list[str]], str]:
        """A fast accessor ``values -> str`` ('' when the column is absent)."""
        position = self.index.get(name, -1)
        return lambda values: values[position]
