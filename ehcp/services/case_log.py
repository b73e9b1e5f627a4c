"""Loading a case and writing to its event log: the primitives under the recording pipeline
(:mod:`ehcp.services.recording`), also used by the commands that open a case or sweep many.

Writing an event is: append the row, set the case's stage from the log, save the case (each save
bumps its optimistic-lock version), and append one audit record - all in the caller's unit of work.
The derived deadlines are brought into step once, after the last event (:func:`sync_deadlines`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from calendars.working_days import WorkingDayCalendar
from ehcp.domain import AdviceRequested, Event, compute_deadlines, current_stage
from ehcp.domain.machine.history import ordered
from ehcp.rules.policy import Policy
from ehcp.services.errors import UnknownCase
from ehcp.store.models import Case
from ehcp.store.uow import UnitOfWork


def now_utc() -> datetime:
    return datetime.now(UTC)


def stamp_on(today: date) -> datetime:
    """The time now on ``today``: a note written under ``EHCP_TODAY`` is dated that day like every
    event recorded with it, not the machine's date (otherwise the timeline shows it out of order)."""
    now = now_utc()
    return now if now.date() == today else datetime.combine(today, now.timetz())


def load_case(uow: UnitOfWork, reference: str, *, lock: bool = False) -> Case:
    """The case with this reference (locked for the transaction if ``lock``); raises UnknownCase
    with the references it may have meant."""
    reference = reference.strip().upper()
    case = uow.cases.get(reference, lock=lock)
    if case is None:
        raise UnknownCase(reference, uow.cases.near(reference))
    return case


def write_event(uow: UnitOfWork, case: Case, event: Event, history: list[Event], *, actor: str,
                reason: str | None = None, action: str | None = None) -> list[Event]:
    """Append ``event`` after ``history`` (the case's log so far); return the log with it, in
    effective-date order (recording order breaks ties, as the store orders it)."""
    at = now_utc()
    uow.events.append(case.id, event, at=at, actor=actor, reason=reason)
    history = sorted([*history, event], key=lambda e: e.on)
    previous_stage = case.stage
    case.stage = current_stage(history).value
    case.updated_at = at
    case.updated_by = actor
    uow.cases.save(case)
    uow.audit.append(
        actor=actor, action=action or event.kind, case_id=case.id,
        detail={"reference": case.reference, "event": event.kind, "on": event.on.isoformat(),
                "from_stage": previous_stage, "to_stage": case.stage, **event.to_payload()},
        reason=reason)
    return history


def sync_deadlines(uow: UnitOfWork, case: Case, history: Sequence[Event], *, calendar: WorkingDayCalendar,
                   today: date, policy: Policy, computed: list | None = None) -> list[str]:
    """Make the case's derived deadline rows equal the ones computed under ``policy`` (``computed`` if
    the caller has them already); return the keys that changed."""
    if computed is None:
        computed = compute_deadlines(history, calendar=calendar, today=today, policy=policy)
    return uow.deadlines.sync(case.id, computed, advice_request_ids(history), policy.digest)


def advice_request_ids(events: Sequence[Event]) -> dict[str, int]:
    """Map ``advice.<kind>`` (``advice.<kind>.2`` for a second request) to the advice request id."""
    counts: dict[str, int] = {}
    ids: dict[str, int] = {}
    for event in ordered(events):  # voided requests left out, as replay numbers the clocks
        if not isinstance(event, AdviceRequested) or event.request_id is None:
            continue
        advice = event.advice_kind
        counts[advice] = counts.get(advice, 0) + 1
        key = f"advice.{advice}" if counts[advice] == 1 else f"advice.{advice}.{counts[advice]}"
        ids[key] = int(event.request_id)
    return ids
