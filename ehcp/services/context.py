"""What every service needs: settings, a unit of work, the actor, today's date and the calendar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ehcp.config import Settings, load_settings
from ehcp.store.uow import UnitOfWork


@dataclass
class ServiceContext:
    settings: Settings = field(default_factory=load_settings)

    @property
    def actor(self) -> str:
        return self.settings.user

    @property
    def today(self) -> date:
        return self.settings.today

    def uow(self, *, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self.settings.database_url, write=write, audit_key_file=self.settings.audit_key_file)
