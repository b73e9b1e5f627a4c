"""Running a manager report (ehcp.reports) in one read transaction, for the command line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from ehcp.config import Settings
from ehcp.reports.dashboard import build_dashboard
from ehcp.store.reads import Connection, read_connection

R = TypeVar("R")


def run_report(settings: Settings, build: Callable[[Connection, date], R], as_of: date) -> R:
    """``build(conn, as_of)`` in a read transaction (deferred on SQLite: it never waits for writers)."""
    with read_connection(settings.database_url) as conn:
        return build(conn, as_of)


def dashboard(settings: Settings, *, as_of: date, year: int, weeks: int) -> dict:
    """The board dashboard's figures (ehcp.reports.dashboard.build_dashboard)."""
    return run_report(settings, lambda conn, day: build_dashboard(conn, as_of=day, year=year, weeks=weeks), as_of)
