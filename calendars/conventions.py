"""The counting conventions of statutory-timescales.md section 0, one small function each.

Every function returns the computed date as the law words it; none rolls a weekend or bank
holiday forward (section 0, "No roll-forward"). C-IMMEDIATE needs no function: it is the trigger.
"""

from __future__ import annotations

from calendar import monthrange as _monthrange
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calendars.working_days import WorkingDayCalendar

ONE_DAY = timedelta(days=1)


def add_months(d: date, n: int) -> date:
    """The corresponding date n calendar months on (n may be negative), clamped to month end."""
    year, month0 = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(year, month0 + 1, min(d.day, _monthrange(year, month0 + 1)[1]))


def weeks_after(d: date, n: int) -> date:
    """C-WEEKS "within N weeks of": d + 7n days, the same weekday (Interpretation Act 1978)."""
    return d + timedelta(weeks=n)


def days_after(d: date, n: int) -> date:
    """C-DAYS-AFTER "within N days of": d + n calendar days (e.g. reg 25(1), 15 days)."""
    return d + timedelta(days=n)


def days_beginning(d: date, n: int) -> tuple[date, date]:
    """C-DAYS-BEGINNING "at least N days beginning with": window d .. d+n-1 inclusive (reg 13(1))."""
    _positive(n)
    return d, d + timedelta(days=n - 1)


def months_after(d: date, n: int) -> date:
    """C-MONTHS-AFTER: corresponding date, else month end (Sch.1 IA 1978; Dodds v Walker [1981])."""
    return add_months(d, n)


def months_beginning(d: date, n: int, conservative: bool = False) -> date:
    """C-MONTHS-BEGINNING: last day of the N months beginning with d (CFA 2014 s.44(1), reg 15(5)).

    The period ends the day before the corresponding date; where there is none (31st, 29 Feb) it
    ends on the last day of that month (31 Jan 2025 + 12 -> 30 Jan 2026; 29 Feb 2028 -> 28 Feb
    2029). This is ``(d - 1 day) + n months`` clamped, except for starts on the 1st, where that
    formula would cut the period short (1 Mar 2026 + 3 -> 31 May, not 28 May). ``conservative``
    (Q7): ``clamp(d + n months) - 1 day``, a day earlier for month-end and leap-day starts.
    """
    _positive(n)
    corresponding = add_months(d, n)
    if conservative or corresponding.day == d.day:
        return corresponding - ONE_DAY
    return corresponding


def before_date(year: int, month: int, day: int) -> date:
    """C-BEFORE-DATE "before 15 February": the last compliant day is the day before (reg 18(1))."""
    return date(year, month, day) - ONE_DAY


def at_least_before(d: date, days: int = 0, weeks: int = 0, months: int = 0) -> date:
    """C-AT-LEAST-BEFORE: latest day to act, d less the period (reg 18(2), 20(3)-(4)).

    Months are taken off first (corresponding date, clamped to month end), then weeks and days.
    """
    if min(days, weeks, months) < 0:
        raise ValueError("at_least_before takes a non-negative period")
    return add_months(d, -months) - timedelta(days=days, weeks=weeks)


def working_days_after(d: date, n: int, cal: WorkingDayCalendar) -> date:
    """C-WD-AFTER "within N working days of": the n-th working day after d (regs 34-39)."""
    _positive(n)
    return cal.add_working_days(d, n)


def working_days_beginning(d: date, n: int, cal: WorkingDayCalendar) -> date:
    """C-WD-BEGINNING: n-th working day counting d as day 1 if it is a working day (reg 15(2))."""
    _positive(n)
    return cal.add_working_days(d, n - 1 if cal.is_working_day(d) else n)


def _positive(n: int) -> None:
    """Periods that begin with a day need at least one day in them."""
    if n < 1:
        raise ValueError(f"the period must be at least 1, not {n}")
