"""The calendars the council keeps: proclaimed extra holidays, settings and their closures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ehcp.store.models import Closure, ExtraHoliday, Setting


class CalendarRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def extra_holidays(self) -> dict[date, str]:
        return {row.day: row.name for row in self.session.scalars(select(ExtraHoliday))}

    def has_holiday(self, day: date) -> bool:
        return self.session.get(ExtraHoliday, day) is not None

    def add_holiday(self, day: date, name: str) -> None:
        self.session.add(ExtraHoliday(day=day, name=name))

    def setting(self, name: str, kind: str) -> Setting:
        """The setting called ``name``, created (of ``kind``) if new."""
        row = self.session.scalars(select(Setting).where(Setting.name == name)).one_or_none()
        if row is None:
            row = Setting(name=name, kind=kind)
            self.session.add(row)
            self.session.flush()
        return row

    def replace_closures(self, setting_id: int | None, closures: Iterable[tuple[date, date]], source: str) -> None:
        """Replace a setting's (None: the LA default calendar's) closures with (start, reopens) pairs."""
        self.session.execute(delete(Closure).where(Closure.setting_id.is_(None) if setting_id is None
                                                   else Closure.setting_id == setting_id))
        for start, reopens in closures:
            self.session.add(Closure(setting_id=setting_id, start=start, reopens=reopens, source=source))

    def closure_containing(self, day: date, setting_id: int | None) -> Closure | None:
        """The closure of the setting (else the LA default calendar) that includes ``day``."""
        for scope in ([setting_id] if setting_id else []) + [None]:
            in_scope = Closure.setting_id.is_(None) if scope is None else Closure.setting_id == scope
            query = select(Closure).where(Closure.start <= day, Closure.reopens > day, in_scope)
            found = self.session.scalars(query.order_by(Closure.start)).first()
            if found:
                return found
        return None

    def closures(self, setting: str | None = None) -> list[tuple[Closure, str | None]]:
        """Every closure with its setting's name (None: the LA default), by start date."""
        query = select(Closure, Setting.name).outerjoin(Setting, Setting.id == Closure.setting_id)
        if setting:
            query = query.where(Setting.name == setting)
        return [(closure, name) for closure, name in self.session.execute(query.order_by(Closure.start))]
