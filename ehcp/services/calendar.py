"""The working-day calendar in force: England and Wales bank holidays plus proclaimed extra days."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from calendars import WorkingDayCalendar, england_and_wales
from ehcp.store.models import ExtraHoliday

_cache: dict[tuple, WorkingDayCalendar] = {}


def working_calendar(session: Session) -> WorkingDayCalendar:
    """England and Wales working days, with the one-off holidays recorded in the database."""
    extra = {row.day: row.name for row in session.scalars(select(ExtraHoliday))}
    key = tuple(sorted(extra.items()))
    if key not in _cache:
        _cache[key] = england_and_wales(extra_holidays=extra)
    return _cache[key]
