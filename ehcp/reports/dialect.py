"""Portable SQL fragments: the few date operations SQLite and PostgreSQL spell differently.

Every report is SQL text over the store's tables; these helpers keep one query string per report
and swap only the date arithmetic. Dates on SQLite are ISO ``YYYY-MM-DD`` text (SQLAlchemy's Date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Sql:
    """Date arithmetic for one database dialect (``sqlite`` or ``postgresql``)."""

    name: str

    @property
    def sqlite(self) -> bool:
        return self.name == "sqlite"

    def days(self, later: str, earlier: str) -> str:
        """Whole days from ``earlier`` to ``later`` (an integer; negative if ``later`` is earlier)."""
        if self.sqlite:
            return f"CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)"
        return f"({later} - {earlier})"

    def dayno(self, value: str) -> str:
        """Days since 1970-01-01, so that estimates can be plain integer arithmetic."""
        if self.sqlite:
            return f"CAST(ROUND(julianday({value}) - 2440587.5) AS INTEGER)"
        return f"({value} - DATE '1970-01-01')"

    def month(self, value: str) -> str:
        """``YYYY-MM`` of a date."""
        return f"strftime('%Y-%m', {value})" if self.sqlite else f"to_char({value}, 'YYYY-MM')"

    def ymd(self, value: str) -> str:
        """The date as the integer YYYYMMDD (adding 10000 is "the same day a year later")."""
        if self.sqlite:
            return f"CAST(strftime('%Y%m%d', {value}) AS INTEGER)"
        return f"CAST(to_char({value}, 'YYYYMMDD') AS INTEGER)"

    def day_before(self, value: str) -> str:
        return f"date({value}, '-1 day')" if self.sqlite else f"({value} - 1)"

    def greatest(self, *values: str) -> str:
        """The largest of non-null integer expressions."""
        return f"{'max' if self.sqlite else 'GREATEST'}({', '.join(values)})"


def sql_for(conn: Connection) -> Sql:
    return Sql(conn.dialect.name)


def to_dayno(day: date) -> int:
    return (day - EPOCH).days


def from_dayno(number: int | None) -> date | None:
    return None if number is None else EPOCH + timedelta(days=int(number))
