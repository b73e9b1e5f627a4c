"""The working-day calendar in force: England and Wales bank holidays plus proclaimed extra days."""

from __future__ import annotations

from calendars import WorkingDayCalendar, england_and_wales
from ehcp.services.context import ServiceContext
from ehcp.store.uow import UnitOfWork

_cache: dict[tuple, WorkingDayCalendar] = {}


def working_calendar(uow: UnitOfWork) -> WorkingDayCalendar:
    """England and Wales working days, with the one-off holidays recorded in the database."""
    extra = uow.calendars.extra_holidays()
    key = tuple(sorted(extra.items()))
    if key not in _cache:
        _cache[key] = england_and_wales(extra_holidays=extra)
    return _cache[key]


def calendar_in_force(ctx: ServiceContext) -> WorkingDayCalendar:
    """The working-day calendar as the database has it now (its own read transaction)."""
    with ctx.uow(write=False) as uow:
        return working_calendar(uow)
