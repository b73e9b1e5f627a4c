"""Calendars the council keeps: school/setting term calendars (iCalendar) and proclaimed holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from calendars import terms
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused

SETTING_KINDS = ("school", "early_years", "post16")


@dataclass(frozen=True)
class ImportedCalendar:
    setting: str | None
    closures: int
    long_closures: int


def import_ics(ctx: ServiceContext, data: bytes, *, source: str, setting: str | None = None,
               kind: str = "school") -> ImportedCalendar:
    """Replace a setting's (or the LA default's) closures with those in an iCalendar file."""
    if kind not in SETTING_KINDS:
        raise Refused(f"unknown setting kind {kind!r}; kinds are {', '.join(SETTING_KINDS)}")
    try:
        closures = terms.closures_from_ics(data, setting=setting)
    except ValueError as exc:
        raise Refused(f"{source}: {exc}") from None
    if not closures:
        raise Refused(f"{source}: no closures or terms found in the calendar file")
    with ctx.uow() as uow:
        setting_id = uow.calendars.setting(setting, kind).id if setting else None
        uow.calendars.replace_closures(setting_id, ((c.start, c.reopens) for c in closures), source[:200])
        long = terms.long_closures(closures)
        uow.audit.append(actor=ctx.actor, action="calendar_imported",
                         detail={"setting": setting, "closures": len(closures), "long_closures": len(long),
                                 "source": source})
        uow.commit()
    return ImportedCalendar(setting, len(closures), len(long))


def list_closures(ctx: ServiceContext, setting: str | None = None) -> list[dict]:
    with ctx.uow(write=False) as uow:
        rows = []
        for closure, name in uow.calendars.closures(setting):
            days = (closure.reopens - closure.start).days
            rows.append({"setting": name or "(LA default)", "closed_from": closure.start,
                         "reopens": closure.reopens, "days": days, "four_weeks_or_more": days >= 28})
        return rows


def add_holiday(ctx: ServiceContext, day: date, name: str) -> None:
    """Record a one-off proclaimed bank holiday (e.g. a royal occasion)."""
    with ctx.uow() as uow:
        if uow.calendars.has_holiday(day):
            raise Refused(f"{day} is already recorded as an extra holiday")
        uow.calendars.add_holiday(day, name[:200])
        uow.audit.append(actor=ctx.actor, action="holiday_added", detail={"day": day, "name": name})
        uow.commit()
