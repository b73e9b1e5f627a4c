"""The portable SQL pieces, evaluated on an in-memory SQLite (stdlib only, milliseconds) against plain
Python; PostgreSQL runs the same pieces in tests/integration/test_report*.py."""

from __future__ import annotations

import sqlite3
import statistics
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from ehcp.reports import stats
from ehcp.reports.dialect import Sql, from_dayno, to_dayno

LITE, PG = Sql("sqlite"), Sql("postgresql")
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


def value(sql: str, *params: object) -> object:
    return sqlite3.connect(":memory:").execute(f"SELECT {sql}", params).fetchone()[0]


def test_day_arithmetic_on_sqlite():
    assert value(LITE.days("?", "?"), "2025-05-26", "2025-01-06") == 140
    assert value(LITE.days("?", "?"), "2025-01-06", "2025-05-27") == -141
    assert value(LITE.dayno("?"), "1970-01-02") == 1
    assert value(LITE.month("?"), "2025-09-01") == "2025-09"
    assert value(LITE.ymd("?"), "2025-01-31") == 20250131
    assert value(LITE.day_before("?"), "2025-03-01") == "2025-02-28"
    assert value(LITE.greatest("3", "7", "5")) == 7


def test_postgresql_spellings():
    assert PG.days("a", "b") == "(a - b)"
    assert PG.dayno("x") == "(x - DATE '1970-01-01')"
    assert PG.month("x") == "to_char(x, 'YYYY-MM')"
    assert PG.greatest("a", "b") == "GREATEST(a, b)"


@given(dates, dates)
def test_days_and_day_numbers_agree_with_python(a, b):
    assert value(LITE.days("?", "?"), a.isoformat(), b.isoformat()) == (a - b).days
    assert from_dayno(value(LITE.dayno("?"), a.isoformat())) == a
    assert from_dayno(to_dayno(a)) == a and from_dayno(None) is None


def percentiles(values: list[int | None]) -> tuple:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (g TEXT, v INTEGER)")
    db.executemany("INSERT INTO t VALUES ('x', ?)", [(v,) for v in values])
    ranked = stats.ranked("SELECT g, v FROM t", ["g"], "v")
    sql = f"SELECT {stats.median('v')}, {stats.p90('v')}, COUNT(v) FROM ({ranked}) r GROUP BY g"
    return db.execute(sql).fetchone()


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=400)), min_size=1, max_size=60))
def test_median_and_nearest_rank_p90(values):
    known = sorted(v for v in values if v is not None)
    median, p90, n = percentiles(values)
    assert n == len(known)
    if not known:
        assert (median, p90) == (None, None)
        return
    assert median == statistics.median(known)
    rank = -(-9 * len(known) // 10)  # ceil(0.9 n)
    assert p90 == known[rank - 1]


def test_as_number_shows_whole_numbers_as_ints():
    from decimal import Decimal

    assert stats.as_number(Decimal("42.0")) == 42 and isinstance(stats.as_number(42.0), int)
    assert stats.as_number(42.5) == 42.5 and stats.as_number(None) is None
