"""Unit of work: one transaction per command, rolled back unless committed, and the repositories
that work inside it.

``with ctx.uow() as uow: case = uow.cases.get(ref, lock=True) ... uow.commit()`` - a service never
sees a session. Writers take the write lock up front (SQLite ``BEGIN IMMEDIATE``; on PostgreSQL
``uow.cases.get(..., lock=True)`` takes ``FOR UPDATE`` on the case row).
"""

from __future__ import annotations

from functools import lru_cache
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from ehcp.store.calendars import CalendarRepository
from ehcp.store.cases import CaseRepository
from ehcp.store.db import engine_for
from ehcp.store.event_log import DeadlineRepository, EventRepository
from ehcp.store.partners import AdviceRequestRepository, PartnerRepository
from ehcp.store.people import FlagRepository, UserRepository
from ehcp.store.records import AuditRepository, NoteRepository
from ehcp.store.roles import LoginRoleRepository
from ehcp.store.sen2_records import Sen2Repository


@lru_cache(maxsize=8)
def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=engine_for(url), expire_on_commit=False, autoflush=True)


class UnitOfWork:
    """``with UnitOfWork(url) as uow: ...; uow.commit()`` - anything not committed is rolled back.

    ``write=False`` opens a deferred (read) transaction on SQLite so readers never queue behind
    writers; writers take the write lock up front (``BEGIN IMMEDIATE``).

    ``session`` stays public for the bulk importer and the nightly chase, which write through
    SQLAlchemy Core in bulk; services use the repositories only.
    """

    cases: CaseRepository
    events: EventRepository
    deadlines: DeadlineRepository
    users: UserRepository
    flags: FlagRepository
    partners: PartnerRepository
    advice: AdviceRequestRepository
    calendars: CalendarRepository
    notes: NoteRepository
    audit: AuditRepository
    sen2: Sen2Repository
    logins: LoginRoleRepository

    def __init__(self, url: str, *, write: bool = True, audit_key_file: str | None = None) -> None:
        self.url = url
        self.write = write
        self.audit_key_file = audit_key_file
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = session = session_factory(self.url)()
        session.info["audit_key_file"] = self.audit_key_file  # ehcp.store.audit_key
        if self.url.startswith("sqlite"):
            mode = "IMMEDIATE" if self.write else "DEFERRED"
            session.connection(execution_options={"sqlite_begin": mode})
        self.cases = CaseRepository(session)
        self.events = EventRepository(session)
        self.deadlines = DeadlineRepository(session)
        self.users = UserRepository(session)
        self.flags = FlagRepository(session)
        self.partners = PartnerRepository(session)
        self.advice = AdviceRequestRepository(session)
        self.calendars = CalendarRepository(session)
        self.notes = NoteRepository(session)
        self.audit = AuditRepository(session)
        self.sen2 = Sen2Repository(session)
        self.logins = LoginRoleRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        self.session.commit()
