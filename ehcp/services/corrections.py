"""Putting a mistake in the log right (issue 15): void an event recorded in error.

The log stays append-only: a void is a new event (machine.voiding.EventVoided) with its reason in
the audit trail; replay leaves the voided event out, so the stage and the deadlines recompute. A
void is refused while later events depend on the voided one: those the stage machine would no
longer allow without it (a draft plan after the decision to assess, an answer to an advice request).
"""

from __future__ import annotations

from collections.abc import Sequence

from ehcp.domain import AdviceReceived, AdviceRequested, Event, IllegalMove, check_event
from ehcp.domain.assessment.events import AdviceCancelled
from ehcp.domain.machine.history import ordered
from ehcp.domain.machine.voiding import EventVoided
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.recording import Recorded, Step, record

Logged = Sequence[tuple[int, Event]]
OPENING = ("request_received", "plan_transferred_in")  # the event that opened the case


def void_event(ctx: ServiceContext, reference: str, event_id: int, *, reason: str) -> Recorded:
    """Void event ``event_id`` of case ``reference`` as recorded in error; returns what changed."""
    if not reason or not reason.strip():
        raise Refused("say why the event was recorded in error (--reason)")

    def plan(step: Step) -> list[Event]:
        logged = _live(step.uow.events.logged(step.case.id))
        target = next((event for i, event in logged if i == event_id), None)
        if target is None:
            raise Refused(f"{step.case.reference} has no event {event_id} that counts "
                          "(see its ids in 'ehcp case timeline'; a voided event cannot be voided again)")
        if target.kind in OPENING:
            raise Refused(f"event {event_id} ({target.kind}) opened the case and cannot be voided; "
                          "withdraw the case instead")
        rest = [(i, e) for i, e in logged if i != event_id]
        depend = _newly_refused(rest, step.calendar, before=_refused(logged, step.calendar))
        if depend:
            named = ", ".join(f"event {i} ({e.kind} on {e.on.isoformat()})" for i, e in depend)
            raise Refused(f"cannot void event {event_id} ({target.kind} on {target.on.isoformat()}): "
                          f"later events depend on it: {named}; void those first")
        _keep_advice_row_in_step(step, target)
        return [EventVoided.of(event_id, target)]

    return record(ctx, reference, plan, action="event_voided", reason=reason.strip(), planned=True,
                  changes=True, permission="act_on_cases")


def _keep_advice_row_in_step(step: Step, voided: Event) -> None:
    """An advice request's row follows its events: a voided request no longer waits (it reads
    cancelled), a voided answer or cancellation leaves the request open again."""
    if not isinstance(voided, (AdviceRequested, AdviceReceived, AdviceCancelled)) or voided.request_id is None:
        return
    row = step.uow.advice.get(int(voided.request_id))
    if row is None:
        return
    if isinstance(voided, AdviceRequested):
        row.cancelled_on = step.today
    elif isinstance(voided, AdviceReceived):
        row.received_on = None
    else:
        row.cancelled_on = None


def _live(logged: Logged) -> list[tuple[int, Event]]:
    """The events that count, with their ids: voids and the events they void left out."""
    voided = {e.event_id for _, e in logged if isinstance(e, EventVoided)}
    return [(i, e) for i, e in logged if i not in voided and not isinstance(e, EventVoided)]


def _refused(logged: Logged, calendar: object) -> set[int]:
    """The ids of events the stage machine refuses when the log is replayed from the start."""
    by_event = {id(e): i for i, e in logged}
    so_far: list[Event] = []
    refused: set[int] = set()
    for event in ordered([e for _, e in logged]):
        try:
            check_event(so_far, event, calendar=calendar)  # type: ignore[arg-type]
        except IllegalMove:
            refused.add(by_event[id(event)])
        so_far.append(event)
    return refused


def _newly_refused(logged: Logged, calendar: object, *, before: set[int]) -> list[tuple[int, Event]]:
    now = _refused(logged, calendar) - before
    return [(i, e) for i, e in logged if i in now]
