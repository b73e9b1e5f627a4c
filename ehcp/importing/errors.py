"""What a refused import reports: every rejected row with its line, column and reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from ehcp.services.errors import Refused

P = ParamSpec("P")
T = TypeVar("T")

MAX_LISTED = 200  # rows listed in the one-line summary's exception text are capped; the report is not


@dataclass(frozen=True, order=True)
class RowError:
    """One rejected cell: ``line`` is the file's physical line (the header is line 1)."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"


class FieldError(ValueError):
    """A single field could not be read; the reader turns it into a RowError."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def read(errors: list[RowError], line: int, reader: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """``reader(*args, **kwargs)``, or None with its FieldError added to ``errors`` as a RowError
    (the file's every bad cell is collected before the import is refused)."""
    try:
        return reader(*args, **kwargs)
    except FieldError as exc:
        errors.append(RowError(line, exc.column, exc.reason))
        return None


class ImportRefused(Refused):
    """The file was refused and nothing was written; ``errors`` lists every rejected row."""

    def __init__(self, path_name: str, errors: list[RowError], rows: int) -> None:
        self.path_name = path_name
        self.errors = sorted(errors)
        self.rows = rows
        lines = len({e.line for e in self.errors})
        super().__init__(f"{path_name}: {lines} of {rows} row(s) rejected ({len(self.errors)} problem(s)); "
                         "nothing was imported")
