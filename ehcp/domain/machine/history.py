"""A case's history: its events in effective-date order, and the queries every guard asks of it.

Events are ordered by date; on the same date by their place in the statutory sequence (a request
before the decision, a waiver before the final plan); then by recording order. So the same facts
always replay the same way, whatever order they were typed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from ehcp.domain.machine.event import Event

History = Sequence[Event]

# The statutory sequence of every event kind on one day, across the processes.
LIFECYCLE_ORDER = (
    "request_received", "plan_transferred_in", "child_noted", "assessment_agreed", "assessment_refused",
    "reassessment_requested", "reassessment_agreed", "reassessment_refused", "advice_requested",
    "advice_received", "draft_plan_sent", "reassessment_draft_sent", "school_consulted", "school_responded",
    "representations_waived", "plan_not_issued", "final_plan_issued", "reassessment_concluded",
    "transfer_informed", "phase_transfer_noted", "review_scheduled", "review_invitations_sent",
    "review_advice_circulated", "review_meeting_held", "review_report_sent", "review_decided",
    "amendment_notice_sent", "amendment_not_made", "amended_plan_issued", "cease_consulted",
    "cease_notice_sent", "appealable_decision", "mediation_adviser_contacted", "mediation_requested",
    "mediation_icb_notified", "mediation_unavailable", "mediation_concluded", "mediation_certificate_issued",
    "appeal_lodged", "appeal_unopposed", "tribunal_ordered", "appeal_concluded", "order_complied", "exception_recorded",
    "move_notified", "plan_transferred_out", "plan_ceased", "case_withdrawn",
)
_RANK = {kind: rank for rank, kind in enumerate(LIFECYCLE_ORDER)}


def ordered(events: Iterable[Event]) -> list[Event]:
    """Events sorted by (date, place in the statutory sequence, recording order)."""
    indexed = list(enumerate(events))
    indexed.sort(key=lambda pair: (pair[1].on, _RANK.get(pair[1].kind, len(_RANK)), pair[0]))
    return [event for _, event in indexed]


def request_of(events: Iterable[Event]) -> Event | None:
    """The request that opened the case (the earliest request_received)."""
    return next((e for e in ordered(events) if e.kind == "request_received"), None)


def last_of(events: Iterable[Event], kind: str, before: date | None = None) -> Event | None:
    """The latest event of ``kind`` (on or before ``before`` if given)."""
    found = [e for e in ordered(events) if e.kind == kind and (before is None or e.on <= before)]
    return found[-1] if found else None
