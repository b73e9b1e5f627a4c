"""Median and 90th percentile in portable SQL (SQLite has no percentile functions).

Over the non-null values of each group, ranked ascending 1..n:
* median = the middle value, or the mean of the two middle values when n is even
  (same as PostgreSQL's ``percentile_cont(0.5)``);
* 90th percentile = nearest rank: the value at rank ceil(0.9 n) (``percentile_disc(0.9)``).
"""

from __future__ import annotations

from typing import SupportsFloat


def ranked(source: str, keys: list[str], value: str) -> str:
    """``source`` rows with ``_rank`` and ``_n`` over the non-null ``value`` within each key group."""
    part = ", ".join([*keys, f"CASE WHEN {value} IS NULL THEN 1 ELSE 0 END"])
    return (f"SELECT s.*, ROW_NUMBER() OVER (PARTITION BY {part} ORDER BY {value}) AS _rank, "
            f"COUNT({value}) OVER (PARTITION BY {', '.join(keys)}) AS _n FROM ({source}) s")


def median(value: str) -> str:
    """Aggregate over :func:`ranked` rows: the median of ``value``."""
    return (f"AVG(CASE WHEN {value} IS NOT NULL AND _rank IN ((_n + 1) / 2, (_n + 2) / 2) "
            f"THEN {value} END)")


def p90(value: str) -> str:
    """Aggregate over :func:`ranked` rows: the nearest-rank 90th percentile of ``value``."""
    return f"MIN(CASE WHEN {value} IS NOT NULL AND _rank * 10 >= 9 * _n THEN {value} END)"


def as_number(value: SupportsFloat | None) -> float | int | None:
    """Databases return Decimal or float for an average; show whole numbers as ints."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else round(number, 1)
