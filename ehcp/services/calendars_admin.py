"""Calendars the council keeps: school/setting term calendars (iCalendar) and proclaimed holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from calendars import terms
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.store import audit
from ehcp.store.models import Closure, ExtraHoliday, Setting

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
        session = uow.session
        setting_row = _setting(session, setting, kind) if setting else None
        setting_id = setting_row.id if setting_row else None
        session.execute(delete(Closure).where(Closure.setting_id.is_(None) if setting_id is None
                                              else Closure.setting_id == setting_id))
        for c in closures:
            session.add(Closure(setting_id=setting_id, start=c.start, reopens=c.reopens, source=source[:200]))
        long = terms.long_closures(closures)
        audit.append(session, actor=ctx.actor, action="calendar_imported",
                     detail={"setting": setting, "closures": len(closures), "long_closures": len(long),
                             "source": source})
        uow.commit()
    return ImportedCalendar(setting, len(closures), len(long))


def _setting(session: Session, name: str, kind: str) -> Setting:
    row = session.scalars(select(Setting).where(Setting.name == name)).one_or_none()
    if row is None:
        row = Setting(name=name, kind=kind)
        session.add(row)
        session.flush()
    return row


def closure_containing(session: Session, day: date, setting_id: int | None) -> Closure | None:
    """The closure of the child's setting (else the LA default calendar) that includes ``day``."""
    for scope in ([setting_id] if setting_id else []) + [None]:
        query = select(Closure).where(Closure.start <= day, Closure.reopens > day,
                                      Closure.setting_id.is_(None) if scope is None else Closure.setting_id == scope)
        found = session.scalars(query.order_by(Closure.start)).first()
        if found:
            return found
    return None


def list_closures(ctx: ServiceContext, setting: str | None = None) -> list[dict]:
    with ctx.uow(write=False) as uow:
        query = select(Closure, Setting.name).outerjoin(Setting, Setting.id == Closure.setting_id)
        if setting:
            query = query.where(or_(Setting.name == setting))
        rows = []
        for closure, name in uow.session.execute(query.order_by(Closure.start)):
            days = (closure.reopens - closure.start).days
            rows.append({"setting": name or "(LA default)", "closed_from": closure.start,
                         "reopens": closure.reopens, "days": days, "four_weeks_or_more": days >= 28})
        return rows


def add_holiday(ctx: ServiceContext, day: date, name: str) -> None:
    """Record a one-off proclaimed bank holiday (e.g. a royal occasion)."""
    with ctx.uow() as uow:
        if uow.session.get(ExtraHoliday, day):
            raise Refused(f"{day} is already recorded as an extra holiday")
        uow.session.add(ExtraHoliday(day=day, name=name[:200]))
        audit.append(uow.session, actor=ctx.actor, action="holiday_added", detail={"day": day, "name": name})
        uow.commit()
