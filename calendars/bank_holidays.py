"""England and Wales non-working days: the `holidays` package (GB, ENG) plus proclaimed extras.

A working day is any day except Saturday, Sunday, Christmas Day, Good Friday or a bank holiday in
England and Wales under the Banking and Financial Dealings Act 1971, including substitute days
(HESC Rules 2008 r.1(3); statutory-timescales.md section 9, Q2). Dates beyond GOV.UK's published
list are provisional (Q20): one-off proclamations are added with ``extra_holidays``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache

import holidays

from calendars.working_days import WorkingDayCalendar

SUBDIVISION = "ENG"


def easter_sunday(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


class EnglandAndWalesHolidays:
    """Holiday provider: `holidays` GB/ENG, Christmas Day and Good Friday ensured, plus extras."""

    def __init__(self, extra: tuple[tuple[date, str], ...] = ()) -> None:
        self.extra = extra

    def __call__(self, year: int) -> dict[date, str]:
        found = dict(holidays.country_holidays("GB", subdiv=SUBDIVISION, years=year))
        found.setdefault(date(year, 12, 25), "Christmas Day")
        found.setdefault(easter_sunday(year) - timedelta(days=2), "Good Friday")
        found.update((d, n) for d, n in self.extra if d.year == year)
        return found


def england_and_wales(extra_holidays: Mapping[date, str] | None = None) -> WorkingDayCalendar:
    """The England and Wales working-day calendar, with one-off proclaimed holidays added."""
    extra = tuple(sorted((_plain_date(d), str(n)) for d, n in (extra_holidays or {}).items()))
    return _calendar(extra)


@lru_cache(maxsize=64)
def _calendar(extra: tuple[tuple[date, str], ...]) -> WorkingDayCalendar:
    """One shared (cache-warm) calendar per set of extra holidays."""
    source = f"holidays {holidays.__version__} GB/{SUBDIVISION}"
    if extra:
        source += f" + {len(extra)} proclaimed"
    return WorkingDayCalendar(EnglandAndWalesHolidays(extra), source)


def _plain_date(d: date) -> date:
    """``d`` as a plain date; a datetime key would never match a date."""
    if not isinstance(d, date):
        raise TypeError(f"extra holiday {d!r} is not a date")
    return date(d.year, d.month, d.day)
