"""Running a manager report (ehcp.reports) in one read transaction, for the command line.

The reports read the derived deadlines table and the cases' current stages: the state of today.
A date after today projects that state forward (what will be overdue by then if nothing happens);
a date before today would need every case's events replayed as they stood on that date, which the
reports do not do, so a past ``--as-of`` is refused rather than answered with today's state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from ehcp.config import Settings
from ehcp.reports.dashboard import build_dashboard
from ehcp.services.errors import Refused
from ehcp.services.policy import policy_read
from ehcp.store.reads import Connection, read_connection

R = TypeVar("R")


def check_as_of(as_of: date, today: date) -> None:
    """Refuse a report date before today (see the module docstring)."""
    if as_of < today:
        raise Refused(f"--as-of {as_of} is before today ({today}): reports show the current state and "
                      "cannot reconstruct an earlier date; give today or a later date")


def run_report(settings: Settings, build: Callable[[Connection, date], R], as_of: date) -> R:
    """``build(conn, as_of)`` in a read transaction (deferred on SQLite: it never waits for writers)."""
    check_as_of(as_of, settings.today)
    with read_connection(settings.database_url) as conn:
        return build(conn, as_of)


def dashboard(settings: Settings, *, as_of: date, year: int | None, weeks: int) -> dict:
    """The board dashboard's figures (ehcp.reports.dashboard.build_dashboard)."""
    return run_report(settings, lambda conn, day: build_dashboard(conn, as_of=day, year=year, weeks=weeks,
                                                                  policy=policy_read(conn, settings)), as_of)
