"""The event log (the case's history, the source of truth) and its derived deadlines table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ehcp.domain import Deadline as Clock
from ehcp.domain import Event, event_from
from ehcp.store.models import CaseEvent, Deadline


class EventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def history(self, case_id: int) -> list[Event]:
        """The case's domain events in effective-date order (recording order breaks ties)."""
        rows = self.session.execute(
            select(CaseEvent.kind, CaseEvent.on, CaseEvent.payload)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.on, CaseEvent.id))
        return [event_from(kind, on, payload or {}) for kind, on, payload in rows]

    def logged(self, case_id: int) -> list[tuple[int, Event]]:
        """The case's events with their ids, in recording order (voided ones included)."""
        rows = self.session.execute(
            select(CaseEvent.id, CaseEvent.kind, CaseEvent.on, CaseEvent.payload)
            .where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
        return [(event_id, event_from(kind, on, payload or {})) for event_id, kind, on, payload in rows]

    def append(self, case_id: int, event: Event, *, at: datetime, actor: str, reason: str | None) -> None:
        self.session.add(CaseEvent(case_id=case_id, kind=event.kind, on=event.on, recorded_at=at, actor=actor,
                                   reason=reason, payload=event.to_payload()))
        self.session.flush()


class DeadlineRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def sync(self, case_id: int, computed: Sequence[Clock], advice_ids: Mapping[str, int],
             policy_hash: str | None = None) -> list[str]:
        """Make the case's deadline rows equal ``computed`` (computed under the policy ``policy_hash``);
        return the keys that changed."""
        session = self.session
        existing = {d.key: d for d in session.scalars(select(Deadline).where(Deadline.case_id == case_id))}
        changed: list[str] = []
        for item in computed:
            values = dict(
                rule=item.rule, due=item.due, practical_last_working_day=item.practical_last_working_day,
                state=item.state, met_on=item.met_on, citation=item.citation, exception=item.exception,
                advisory=item.advisory, is_window=item.window, advice_request_id=advice_ids.get(item.key),
                detail=item.detail(), policy_hash=policy_hash,
            )
            row = existing.pop(item.key, None)
            if row is None:
                session.add(Deadline(case_id=case_id, key=item.key, **values))
                changed.append(item.key)
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                changed.append(item.key)
        if existing:
            session.execute(delete(Deadline).where(Deadline.id.in_([d.id for d in existing.values()])))
            changed.extend(existing)
        session.flush()
        return changed

    def dues(self) -> dict[tuple[int, str], tuple[date, str]]:
        """(case id, key) -> (due, state) of every deadline row: the "before" of a recompute."""
        rows = self.session.execute(select(Deadline.case_id, Deadline.key, Deadline.due, Deadline.state))
        return {(case_id, key): (due, state) for case_id, key, due, state in rows}

    def policy_hash(self, case_id: int, key: str) -> str | None:
        """The digest of the policy the stored deadline ``key`` was computed under (None: none stored)."""
        return self.session.scalar(select(Deadline.policy_hash).where(Deadline.case_id == case_id,
                                                                      Deadline.key == key))

    def dues_of(self, case_id: int) -> dict[str, tuple[date, str]]:
        """key -> (due, state) of one case's deadline rows."""
        rows = self.session.execute(select(Deadline.key, Deadline.due, Deadline.state)
                                    .where(Deadline.case_id == case_id))
        return {key: (due, state) for key, due, state in rows}

    def case_ids_due_between(self, key_prefix: str, first: date, last: date) -> set[int]:
        """Cases with a clock whose key starts ``key_prefix`` due from ``first`` to ``last``."""
        return set(self.session.scalars(select(Deadline.case_id).where(
            Deadline.key.like(f"{key_prefix}%"), Deadline.due >= first, Deadline.due <= last)))
