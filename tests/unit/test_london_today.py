"""The real clock (no EHCP_TODAY) gives a plain date that the database drivers can bind."""

import sqlite3
from datetime import date

from ehcp.config import london_today


def test_london_today_is_a_plain_date_sqlite_binds():
    today = london_today()
    assert type(today) is date
    assert sqlite3.connect(":memory:").execute("SELECT ?", (today,)).fetchone() == (today.isoformat(),)
