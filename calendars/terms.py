"""Term calendars and closures: the reg 5(4)(a)/(b), 10(4)(a)/(b) school-closure exception.

One import for callers: `Closure`, `closures_from_ics`, `long_closures`, `exception_window`,
`in_exception_window`; the parts live in `calendars.closures` and `calendars.ics`.
"""

from __future__ import annotations

from calendars.closures import (
    FOUR_WEEKS,
    Closure,
    bridge_weekend,
    exception_window,
    in_exception_window,
    long_closures,
    merge_closures,
)
from calendars.ics import CalendarFileError, closures_from_ics

__all__ = [
    "FOUR_WEEKS",
    "CalendarFileError",
    "Closure",
    "bridge_weekend",
    "closures_from_ics",
    "exception_window",
    "in_exception_window",
    "long_closures",
    "merge_closures",
]
