"""Notes on a case and the audit trail, as repositories of the unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehcp.store import audit
from ehcp.store.models import AuditRecord, CaseEvent, Note


class NoteRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, case_id: int, *, at: datetime, actor: str, text: str) -> None:
        self.session.add(Note(case_id=case_id, at=at, actor=actor, text=text))


class AuditRepository:
    """The hash-chained audit trail (:mod:`ehcp.store.audit`): append in the change's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(self, *, actor: str, action: str, case_id: int | None = None, detail: dict | None = None,
               reason: str | None = None, events: Sequence[audit.EventFacts] | audit.Tally | None = None) -> None:
        """``events``: the case_events rows the change wrote (the record commits to them)."""
        audit.append(self.session, actor=actor, action=action, case_id=case_id, detail=detail, reason=reason,
                     events=events)

    def erasing(self, case_id: int) -> audit.Tally:
        """The (negative) commitment of a purge record: the case's events about to be erased."""
        return audit.Tally().minus(audit.stored_tally(self.session, CaseEvent.case_id == case_id))

    def for_case(self, case_id: int) -> list[AuditRecord]:
        return list(self.session.scalars(select(AuditRecord).where(AuditRecord.case_id == case_id)
                                         .order_by(AuditRecord.id)))

    def verify(self) -> audit.ChainReport:
        return audit.verify(self.session)
