"""Every event of every statutory process, by name (``ev.DraftPlanSent``) and by kind.

Each process package defines its own events (ehcp.domain.assessment.events, review.events,
plan_life.events, disputes.events; the exception that disapplies clocks is in
machine.disapplication); this module lists them for the layers above and rebuilds a stored event
(event_from). ``EVENT_TYPES`` is the core vocabulary (what ``ehcp import events`` reads and
``case advance`` builds); ``LIFECYCLE_EVENT_TYPES`` every other event, which never adds a stage.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from ehcp.domain import assessment, disputes, plan_life, review
from ehcp.domain.assessment.events import (
    AdviceReceived,
    AdviceRequested,
    AssessmentAgreed,
    AssessmentRefused,
    DraftPlanSent,
    FinalPlanIssued,
    PlanNotIssued,
    RepresentationsWaived,
    RequestReceived,
    SchoolConsulted,
    SchoolResponded,
)
from ehcp.domain.disputes.events import (
    AgreementItem,
    AppealableDecision,
    AppealConcluded,
    AppealLodged,
    AppealResponseSent,
    AppealUnopposed,
    MediationAdviserContacted,
    MediationCertificateIssued,
    MediationConcluded,
    MediationIcbNotified,
    MediationRequested,
    MediationUnavailable,
    OrderComplied,
    ReopenedByOrder,
    TribunalOrdered,
)
from ehcp.domain.machine.disapplication import ExceptionRecorded
from ehcp.domain.machine.event import Event, UnknownEvent
from ehcp.domain.machine.voiding import EventVoided
from ehcp.domain.plan_life.events import (
    CaseWithdrawn,
    CeaseConsulted,
    CeaseNoticeSent,
    MoveNotified,
    PlanCeased,
    PlanTransferredIn,
    PlanTransferredOut,
    ReassessmentAgreed,
    ReassessmentConcluded,
    ReassessmentDraftSent,
    ReassessmentRefused,
    ReassessmentRequested,
    TransferInformed,
)
from ehcp.domain.review.events import (
    AmendedPlanIssued,
    AmendmentNoticeSent,
    AmendmentNotMade,
    ChildNoted,
    PhaseTransferNoted,
    ReviewAdviceCirculated,
    ReviewDecided,
    ReviewInvitationsSent,
    ReviewMeetingHeld,
    ReviewReportSent,
    ReviewScheduled,
)

# The core events, in the order the contract lists them.
EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (RequestReceived, AssessmentAgreed, AssessmentRefused, AdviceRequested, AdviceReceived,
                DraftPlanSent, RepresentationsWaived, SchoolConsulted, SchoolResponded,
                FinalPlanIssued, PlanNotIssued, ReviewMeetingHeld, ReviewDecided,
                AmendmentNoticeSent, AmendedPlanIssued, PlanCeased, CaseWithdrawn, ExceptionRecorded)
}
PROCESS_EVENTS: tuple[type[Event], ...] = (
    assessment.EVENTS + review.EVENTS + plan_life.EVENTS + disputes.EVENTS + (ExceptionRecorded,))
# The rest of the lifecycle: reviews' steps, amendments, phase transfers, re-assessment, ceasing,
# transfers between authorities, mediation, appeals, orders.
LIFECYCLE_EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls for cls in PROCESS_EVENTS if cls.kind not in EVENT_TYPES
}
ALL_EVENT_TYPES: dict[str, type[Event]] = {**EVENT_TYPES, **LIFECYCLE_EVENT_TYPES}
# Corrections: events about the log, not the case (a void), which no replay sees (history.ordered).
CORRECTION_TYPES: dict[str, type[Event]] = {EventVoided.kind: EventVoided}
# The statutory sequence of every event kind on one day, from each event's same_day slot.
LIFECYCLE_ORDER: tuple[str, ...] = tuple(cls.kind for cls in sorted(PROCESS_EVENTS, key=lambda cls: cls.same_day))


__all__ = [
    "ALL_EVENT_TYPES",
    "CORRECTION_TYPES",
    "EVENT_TYPES",
    "LIFECYCLE_EVENT_TYPES",
    "LIFECYCLE_ORDER",
    "PROCESS_EVENTS",
    "AdviceReceived",
    "AdviceRequested",
    "AgreementItem",
    "AmendedPlanIssued",
    "AmendmentNotMade",
    "AmendmentNoticeSent",
    "AppealConcluded",
    "AppealLodged",
    "AppealResponseSent",
    "AppealUnopposed",
    "AppealableDecision",
    "AssessmentAgreed",
    "AssessmentRefused",
    "CaseWithdrawn",
    "CeaseConsulted",
    "CeaseNoticeSent",
    "ChildNoted",
    "DraftPlanSent",
    "Event",
    "EventVoided",
    "ExceptionRecorded",
    "FinalPlanIssued",
    "MediationAdviserContacted",
    "MediationCertificateIssued",
    "MediationConcluded",
    "MediationIcbNotified",
    "MediationRequested",
    "MediationUnavailable",
    "MoveNotified",
    "OrderComplied",
    "PhaseTransferNoted",
    "PlanCeased",
    "PlanNotIssued",
    "PlanTransferredIn",
    "PlanTransferredOut",
    "ReassessmentAgreed",
    "ReassessmentConcluded",
    "ReassessmentDraftSent",
    "ReassessmentRefused",
    "ReassessmentRequested",
    "ReopenedByOrder",
    "RepresentationsWaived",
    "RequestReceived",
    "ReviewAdviceCirculated",
    "ReviewDecided",
    "ReviewInvitationsSent",
    "ReviewMeetingHeld",
    "ReviewReportSent",
    "ReviewScheduled",
    "SchoolConsulted",
    "SchoolResponded",
    "TransferInformed",
    "TribunalOrdered",
    "UnknownEvent",
    "event_from",
]


def event_from(kind: str, on: date | str, payload: dict[str, Any] | None = None) -> Event:
    """Rebuild an event from its stored ``kind``, ``on`` and payload.

    ISO strings become dates; the key ``kind`` in a payload is read as ``advice_kind``; keys the
    event does not know are ignored, so that a log written by a newer version still loads.
    """
    cls = ALL_EVENT_TYPES.get(kind) or CORRECTION_TYPES.get(kind)
    if cls is None:
        raise UnknownEvent(f"unknown event kind {kind!r}")
    data = dict(payload or {})
    if "kind" in data and "advice_kind" not in data:
        data["advice_kind"] = data.pop("kind")
    values = {f.name: _typed(f.type, data[f.name]) for f in fields(cls) if f.name in data and f.name != "on"}
    return cls(on=_as_date(on), **values)


def _typed(annotation: object, value: object) -> object:
    if isinstance(value, str) and str(annotation).startswith("date"):
        return date.fromisoformat(value)
    return value


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value
