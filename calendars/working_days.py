"""WorkingDayCalendar: Monday to Friday, less the holidays a provider names for each year.

The holiday lookups are cached per year (a frozenset of dates, built on first use), because bulk
recomputation asks millions of times. Deadlines are never rolled forward here; callers ask for the
"practical last working day" explicitly (statutory-timescales.md section 0, "No roll-forward").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from types import MappingProxyType

ONE_DAY = timedelta(days=1)
HolidayProvider = Callable[[int], Mapping[date, str]]


class FixedHolidays:
    """A holiday provider over a fixed mapping (tests, or a calendar kept as data)."""

    def __init__(self, holidays: Mapping[date, str]) -> None:
        self.holidays = dict(holidays)

    def __call__(self, year: int) -> dict[date, str]:
        return {d: n for d, n in self.holidays.items() if d.year == year}


class WorkingDayCalendar:
    """Working days: not Saturday or Sunday, and not a holiday named by ``holidays_for_year``."""

    def __init__(self, holidays_for_year: HolidayProvider, source: str = "") -> None:
        self._provider = holidays_for_year
        self._names: dict[int, Mapping[date, str]] = {}
        self._closed: dict[int, frozenset[date]] = {}
        self.source = source

    @classmethod
    def from_holidays(cls, holidays: Mapping[date, str], source: str = "fixed") -> WorkingDayCalendar:
        """A calendar whose only non-working weekdays are the given dates."""
        return cls(FixedHolidays(holidays), source)

    def __repr__(self) -> str:
        return f"WorkingDayCalendar({self.source or self._provider!r})"

    def __getstate__(self) -> dict:
        return {"_provider": self._provider, "source": self.source}

    def __setstate__(self, state: dict) -> None:
        WorkingDayCalendar.__init__(self, state["_provider"], state["source"])

    def _year(self, year: int) -> frozenset[date]:
        """The holiday dates of ``year``, loaded from the provider once."""
        names = {d: n for d, n in self._provider(year).items() if d.year == year}
        self._names[year] = MappingProxyType(names)
        self._closed[year] = closed = frozenset(names)
        return closed

    def is_working_day(self, d: date) -> bool:
        """Not a Saturday, Sunday or holiday."""
        if d.weekday() > 4:
            return False
        closed = self._closed.get(d.year)
        if closed is None:
            closed = self._year(d.year)
        return d not in closed

    def name(self, d: date) -> str | None:
        """The holiday's name on ``d``, or None (weekends have no name)."""
        if d.year not in self._names:
            self._year(d.year)
        return self._names[d.year].get(d)

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Every named holiday from ``start`` to ``end`` inclusive, in date order (weekend ones too)."""
        found: list[tuple[date, str]] = []
        for year in range(start.year, end.year + 1):
            if year not in self._names:
                self._year(year)
            found += [(d, n) for d, n in self._names[year].items() if start <= d <= end]
        return sorted(found)

    def last_working_day_on_or_before(self, d: date) -> date:
        """The "practical last working day" for a deadline falling on ``d``."""
        while not self.is_working_day(d):
            d -= ONE_DAY
        return d

    def next_working_day_after(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d += ONE_DAY
        while not self.is_working_day(d):
            d += ONE_DAY
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (``d`` excluded); n < 0 counts back; n == 0 gives ``d``."""
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d
