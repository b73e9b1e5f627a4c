"""Loading a case's event log and recording one more event: the shared core of every case command.

Recording an event is always: validate against the domain, append the event row, bring the derived
deadlines into step, update the case's stage, and append one audit record - all in the caller's
transaction.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ehcp.domain import compute_deadlines, current_stage, event_from
from ehcp.services.calendar import working_calendar
from ehcp.services.errors import UnknownCase
from ehcp.store import audit, reads
from ehcp.store.models import Case, CaseEvent, Deadline


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def load_case(session: Session, reference: str, *, lock: bool = False) -> Case:
    """The case with this reference; on PostgreSQL ``lock`` takes ``FOR UPDATE`` on its row."""
    reference = reference.strip().upper()
    query = select(Case).where(Case.reference == reference)
    if lock:
        query = query.with_for_update(of=Case)
    case = session.scalars(query).unique().one_or_none()
    if case is None:
        raise UnknownCase(reference, _near_references(session, reference))
    return case


def _near_references(session: Session, reference: str) -> list[str]:
    return reads.near_references(session.connection(), reference)


def case_events(session: Session, case_id: int) -> list:
    """The case's domain events in effective-date order (recording order breaks ties)."""
    rows = session.execute(
        select(CaseEvent.kind, CaseEvent.on, CaseEvent.payload)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.on, CaseEvent.id)
    )
    return [event_from(kind, on, payload or {}) for kind, on, payload in rows]


def append_event(
    session: Session,
    case: Case,
    event,  # noqa: ANN001 - a domain event
    *,
    actor: str,
    today: date,
    reason: str | None = None,
    action: str | None = None,
) -> list:
    """Append ``event`` to the case's log, re-derive its deadlines and stage, and audit the change."""
    row = CaseEvent(
        case_id=case.id,
        kind=event.kind,
        on=event.on,
        recorded_at=now_utc(),
        actor=actor,
        reason=reason,
        payload=event.to_payload(),
    )
    session.add(row)
    session.flush()
    events = case_events(session, case.id)
    previous_stage = case.stage
    case.stage = current_stage(events).value
    case.updated_at = row.recorded_at
    case.updated_by = actor
    sync_deadlines(session, case, events, today=today)
    audit.append(
        session,
        actor=actor,
        action=action or event.kind,
        case_id=case.id,
        detail={"reference": case.reference, "event": event.kind, "on": event.on.isoformat(),
                "from_stage": previous_stage, "to_stage": case.stage, **event.to_payload()},
        reason=reason,
    )
    return events


def sync_deadlines(session: Session, case: Case, events: list, *, today: date) -> list[str]:
    """Make the case's derived deadline rows equal the computed ones; return the keys that changed."""
    computed = compute_deadlines(events, calendar=working_calendar(session), today=today)
    advice_ids = _advice_request_ids(events)
    existing = {d.key: d for d in session.scalars(select(Deadline).where(Deadline.case_id == case.id))}
    changed: list[str] = []
    for item in computed:
        values = dict(
            rule=item.rule, due=item.due, practical_last_working_day=item.practical_last_working_day,
            state=item.state, met_on=item.met_on, citation=item.citation, exception=item.exception,
            advisory=item.advisory, is_window=item.window, advice_request_id=advice_ids.get(item.key),
        )
        row = existing.pop(item.key, None)
        if row is None:
            session.add(Deadline(case_id=case.id, key=item.key, **values))
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


def _advice_request_ids(events: list) -> dict[str, int]:
    """Map ``advice.<kind>`` (``advice.<kind>.2`` for a second request) to the advice request id."""
    counts: dict[str, int] = {}
    ids: dict[str, int] = {}
    for event in events:
        if event.kind != "advice_requested" or event.request_id is None:
            continue
        advice = advice_kind_of(event)
        counts[advice] = counts.get(advice, 0) + 1
        key = f"advice.{advice}" if counts[advice] == 1 else f"advice.{advice}.{counts[advice]}"
        ids[key] = int(event.request_id)
    return ids


def advice_kind_of(event) -> str:  # noqa: ANN001
    """The advice kind carried by an advice event."""
    return event.advice_kind
