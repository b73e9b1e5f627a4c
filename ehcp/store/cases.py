"""The case repository: cases and their children, found by reference (locked for a write) or by
who the child is."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, delete, or_, select, text
from sqlalchemy.orm import Session

from ehcp.store import reads
from ehcp.store.models import (
    AdviceLink,
    AdviceRequest,
    AdviceReturn,
    Case,
    CaseEvent,
    Child,
    Deadline,
    Note,
    Placement,
    Reminder,
    Sen2Plan,
    SenNeed,
)


class CaseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, reference: str, *, lock: bool = False) -> Case | None:
        """The case with this reference; on PostgreSQL ``lock`` takes ``FOR UPDATE`` on its row
        (SQLite writers already hold the database lock from ``BEGIN IMMEDIATE``)."""
        query = select(Case).where(Case.reference == reference)
        if lock:
            query = query.with_for_update(of=Case)
        return self.session.scalars(query).unique().one_or_none()

    def near(self, reference: str) -> list[str]:
        """References that look like a mistyped ``reference``."""
        return reads.near_references(self.session.connection(), reference)

    def add(self, case: Case) -> Case:
        self.session.add(case)
        self.session.flush()
        return case

    def save(self, case: Case) -> None:
        """Write the case's changed fields now (each write bumps its optimistic-lock version)."""
        self.session.flush()

    def next_reference(self, year: int) -> str:
        prefix = f"EHC-{year}-"
        if self.session.get_bind().dialect.name == "postgresql":  # past row-level security: numbers are global
            last = self.session.scalar(text("SELECT ehcp_last_case_reference(:p)"), {"p": prefix})
        else:
            last = self.session.scalar(select(Case.reference).where(Case.reference.like(f"{prefix}%"))
                                       .order_by(Case.reference.desc()).limit(1))
        number = int(last.removeprefix(prefix)) + 1 if last else 1
        return f"{prefix}{number:05d}"

    def children_like(self, dob: date, upn: str | None) -> list[Child]:
        """Children on file (not erased) born on ``dob`` or with this UPN: the candidates a new child
        is compared with (names are compared folded, in ``ehcp.domain.child_match``)."""
        clause = or_(Child.dob == dob, Child.upn == upn) if upn else Child.dob == dob
        return list(self.session.scalars(select(Child).where(clause, Child.erased_on.is_(None)).order_by(Child.id)))

    def references_for_child(self, child_id: int) -> list[str]:
        return list(self.session.scalars(select(Case.reference).where(Case.child_id == child_id).order_by(Case.id)))

    def add_child(self, child: Child) -> Child:
        self.session.add(child)
        self.session.flush()
        return child

    def child(self, case: Case) -> Child:
        return case.child

    def all(self) -> list[Case]:
        return list(self.session.scalars(select(Case).order_by(Case.id)))

    def in_stages(self, stages: Iterable[str]) -> list[Case]:
        return list(self.session.scalars(select(Case).where(Case.stage.in_(sorted(stages))).order_by(Case.id)))

    def of_caseworker(self, user_id: int, *, stages: Iterable[str] | None = None) -> list[Case]:
        """The cases assigned to user ``user_id`` (only those in ``stages`` if given), by reference,
        locked for the transaction on PostgreSQL (``FOR UPDATE``)."""
        query = select(Case).where(Case.caseworker_id == user_id)
        if stages is not None:
            query = query.where(Case.stage.in_(sorted(stages)))
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(of=Case)
        return list(self.session.scalars(query.order_by(Case.reference)).unique())

    def with_children(self, stages: Iterable[str]) -> list[tuple[Case, Child]]:
        """Cases in ``stages`` with their child, by reference."""
        rows = self.session.execute(select(Case, Child).join(Child, Child.id == Case.child_id)
                                    .where(Case.stage.in_(tuple(stages))).order_by(Case.reference))
        return [(case, child) for case, child in rows.all()]

    def born_by(self, latest_dob: date) -> list[tuple[Case, Child]]:
        """Cases whose (not yet erased) child was born on or before ``latest_dob``, by reference."""
        rows = self.session.execute(select(Case, Child).join(Child, Child.id == Case.child_id)
                                    .where(Child.erased_on.is_(None), Child.dob <= latest_dob).order_by(Case.reference))
        return [(case, child) for case, child in rows.unique()]

    def erase_records(self, case_id: int) -> dict[str, int]:
        """Delete the case's event log, deadlines, advice requests, notes, reminders and SEN2 data;
        return how many rows of each went (SEN2 tables only when there were any)."""
        session = self.session
        advice_ids = list(session.scalars(select(AdviceRequest.id).where(AdviceRequest.case_id == case_id)))
        deadline_ids = list(session.scalars(select(Deadline.id).where(Deadline.case_id == case_id)))
        counts = {}
        counts["reminders"] = self._deleted(delete(Reminder).where(
            ((Reminder.subject_type == "advice") & Reminder.subject_id.in_(advice_ids or [-1]))
            | ((Reminder.subject_type == "deadline") & Reminder.subject_id.in_(deadline_ids or [-1]))))
        counts["deadlines"] = self._deleted(delete(Deadline).where(Deadline.case_id == case_id))
        # advice returned through a link (with its file) and the links' state go with their requests
        for name, linked in (("advice_returns", AdviceReturn), ("advice_links", AdviceLink)):
            n = self._deleted(delete(linked).where(linked.request_id.in_(advice_ids or [-1])))
            if n:
                counts[name] = n
        counts["advice_requests"] = self._deleted(delete(AdviceRequest).where(AdviceRequest.case_id == case_id))
        counts["notes"] = self._deleted(delete(Note).where(Note.case_id == case_id))
        counts["events"] = self._deleted(delete(CaseEvent).where(CaseEvent.case_id == case_id))
        for name, model in (("placements", Placement), ("sen_needs", SenNeed), ("sen2_plans", Sen2Plan)):
            n = self._deleted(delete(model).where(model.case_id == case_id))
            if n:
                counts[name] = n
        return counts

    def _deleted(self, statement: Delete) -> int:
        """How many rows ``statement`` deleted (a DML statement's result is a CursorResult)."""
        return cast(CursorResult[Any], self.session.execute(statement)).rowcount

    def flush(self) -> None:
        self.session.flush()
