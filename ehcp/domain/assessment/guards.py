"""Guards of the assessment rows: the request, advice, the draft plan's window and its waiver,
consultation of schools and the final plan (CFA 2014 s.36-40; regs 3-13).

A written waiver may also end an amendment notice's window (reg 22(2)(c)), so window_open asks the
review process whether a notice is waiting (review.guards.amendment_in_progress).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ehcp.domain.assessment import events as ev
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.guards import GuardContext, valid_service, window_open_until
from ehcp.domain.machine.history import last_of, request_of
from ehcp.domain.machine.refusal import Refusal
from ehcp.domain.review.guards import amendment_in_progress
from ehcp.domain.vocabulary import ADVICE_KINDS, REQUEST_SOURCES, Stage
from ehcp.rules.model import SEND_REGS_IN_FORCE


def first_event(event: Event, g: GuardContext) -> Refusal | None:
    request = request_of(g.history)
    if request is not None:
        return Refusal(f"the case already has a request (received on {request.on.isoformat()}); "
                       "open a new case for a new request")
    if g.history:
        return Refusal("the case was opened by a plan transferring in; open a new case for a new request")
    if event.on < SEND_REGS_IN_FORCE:
        return Refusal("the SEND Regulations 2014 came into force on 2014-09-01", "SEND Regulations 2014 reg 1")
    if getattr(event, "source", None) not in REQUEST_SOURCES:
        return Refusal(f"unknown request source {getattr(event, 'source', None)!r}; sources are "
                       + ", ".join(REQUEST_SOURCES))
    return None


def valid_advice_request(event: ev.AdviceRequested, g: GuardContext) -> Refusal | None:
    """A known advice kind (reg 6(1)(a)-(h)) and channel; received by the body not before sending.
    Once a plan is made, advice is sought only for a re-assessment (reg 26)."""
    if g.stage in (Stage.FINAL, Stage.REVIEW) and not _reassessing(event, g):
        return Refusal("it can be recorded only while the case is in request, assessment or draft, or "
                       "during a re-assessment", "SEND Regulations 2014 reg 6(1), 26")
    if event.advice_kind not in ADVICE_KINDS:
        return Refusal(f"unknown advice kind {event.advice_kind!r}; kinds are {', '.join(ADVICE_KINDS)}")
    if event.received_by_body is not None and event.received_by_body < event.on:
        return Refusal(f"the body cannot receive it ({event.received_by_body.isoformat()}) before it was sent")
    return valid_service(event, g)


def matching_advice_request(event: ev.AdviceReceived, g: GuardContext) -> Refusal | None:
    """Advice received answers an earlier request of the same kind (and id) not yet answered nor
    cancelled."""
    if open_advice_requests(g.history, event.advice_kind, event.request_id, event.on):
        return None
    which = f" (request {event.request_id})" if event.request_id is not None else ""
    return Refusal(f"there is no unanswered {event.advice_kind} advice request{which} dated on or before "
                   f"{event.on.isoformat()}", "SEND Regulations 2014 reg 8(1)")


def cancellable_advice_request(event: ev.AdviceCancelled, g: GuardContext) -> Refusal | None:
    """Only a request still open (neither answered nor already cancelled) can be cancelled."""
    if open_advice_requests(g.history, event.advice_kind, event.request_id, event.on):
        return None
    which = f" (request {event.request_id})" if event.request_id is not None else ""
    return Refusal(f"there is no open {event.advice_kind} advice request{which} dated on or before "
                   f"{event.on.isoformat()} to cancel")


def open_advice_requests(history: Sequence[Event], kind: str, request_id: int | str | None,
                         on: date) -> list[ev.AdviceRequested]:
    """The requests of ``kind`` (and ``request_id``, if given) made by ``on`` and not yet answered
    or cancelled. Requests without an id are matched by count, oldest first."""
    asked = [e for e in history if isinstance(e, ev.AdviceRequested) and e.advice_kind == kind and e.on <= on]
    closed = [e for e in history if isinstance(e, (ev.AdviceReceived, ev.AdviceCancelled))
              and e.advice_kind == kind]
    if request_id is not None:
        asked = [e for e in asked if str(e.request_id) == str(request_id)]
        closed = [e for e in closed if str(e.request_id) == str(request_id)]
    ids = {str(e.request_id) for e in closed if e.request_id is not None}
    still = [e for e in asked if e.request_id is None or str(e.request_id) not in ids]
    unnamed = sum(1 for e in closed if e.request_id is None)
    return still[unnamed:]


def _reassessing(event: Event, g: GuardContext) -> bool:
    return g.state_on(event.on).reassessing is not None


def window_open(event: ev.RepresentationsWaived, g: GuardContext) -> Refusal | None:
    """A waiver needs a window to waive: the draft plan's (also after a re-assessment), or an
    amendment notice's in progress."""
    if g.stage is Stage.DRAFT or amendment_in_progress(g) is not None or _reassessing(event, g):
        return None
    return Refusal("there is no draft plan or amendment notice awaiting representations",
                   "SEND Regulations 2014 reg 13(1)(a), 22(2)(c)")


def matching_consultation(event: ev.SchoolResponded, g: GuardContext) -> Refusal | None:
    consulted = [e for e in g.history if isinstance(e, ev.SchoolConsulted) and e.on <= event.on
                 and (event.school is None or e.school == event.school)]
    if consulted:
        return None
    school = event.school or "a school"
    return Refusal(f"no consultation of {school} is recorded on or before {event.on.isoformat()}")


def representation_window_closed(event: Event, g: GuardContext) -> Refusal | None:
    """No final plan inside the parent's 15-day window unless waived in writing (reg 13(1)(a))."""
    draft = last_of(g.history, "draft_plan_sent")
    if draft is None:
        return None
    last = window_open_until(draft, "draft_representations", event.on, g)
    if last is None:
        return None
    return Refusal(f"the parent's 15-day window for representations (SEND Regulations 2014 reg 13(1)(a)) "
                   f"runs to {last.isoformat()}; record a written waiver to finalise earlier",
                   "SEND Regulations 2014 reg 13(1)(a)")
