"""Events: the facts a case's log records, in the past tense, as small frozen dataclasses.

Every event has a class-level ``kind`` (the name stored beside it) and an effective date ``on``.
The store keeps ``kind``, ``on`` and ``to_payload()`` (JSON); ``event_from`` rebuilds the event.
Constructors do not validate: `ehcp.domain.moves.check_event` says whether the law allows an event.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, ClassVar

from ehcp.domain.event_base import Event
from ehcp.domain.events_disputes import (  # noqa: F401 - re-exported: every event is ev.<Name>
    DISPUTE_EVENTS,
    AppealableDecision,
    AppealConcluded,
    AppealLodged,
    AppealUnopposed,
    MediationAdviserContacted,
    MediationCertificateIssued,
    MediationConcluded,
    MediationIcbNotified,
    MediationRequested,
    MediationUnavailable,
    OrderComplied,
    TribunalOrdered,
)
from ehcp.domain.events_plan import (  # noqa: F401
    PLAN_LIFE_EVENTS,
    CeaseConsulted,
    CeaseNoticeSent,
    MoveNotified,
    PlanTransferredIn,
    PlanTransferredOut,
    ReassessmentAgreed,
    ReassessmentConcluded,
    ReassessmentDraftSent,
    ReassessmentRefused,
    ReassessmentRequested,
    TransferInformed,
)
from ehcp.domain.events_review import (  # noqa: F401
    REVIEW_EVENTS,
    AmendmentNotMade,
    ChildNoted,
    PhaseTransferNoted,
    ReviewAdviceCirculated,
    ReviewInvitationsSent,
    ReviewReportSent,
    ReviewScheduled,
)

REQUEST_SOURCES = ("parent", "young_person", "school", "other")  # CFA 2014 s.36(1), reg 3
ADVICE_KINDS = ("parent", "educational", "medical", "psychological", "social_care", "other")
CHANNELS = ("email", "hand", "portal", "first_class_post", "second_class_post")
REVIEW_OUTCOMES = ("maintain", "amend", "cease")  # reg 20(10): keep, amend or cease


@dataclass(frozen=True)
class RequestReceived(Event):
    """The LA received a request for an EHC needs assessment (s.36(1)); starts the case."""

    kind: ClassVar[str] = "request_received"
    source: str = "parent"
    dob: date | None = None  # the child's date of birth (under-5 reviews, year 9, phase transfers)


@dataclass(frozen=True)
class AssessmentAgreed(Event):
    """The LA notified its decision to secure an EHC needs assessment (s.36(8); reg 5(1))."""

    kind: ClassVar[str] = "assessment_agreed"


@dataclass(frozen=True)
class AssessmentRefused(Event):
    """The LA notified its decision not to assess (s.36(5); reg 4(1), 5(3))."""

    kind: ClassVar[str] = "assessment_refused"


@dataclass(frozen=True)
class AdviceRequested(Event):
    """The LA sent a request for advice (reg 6(1)) on ``on``.

    The body's 6 weeks (reg 8(1)) run from its receipt: ``received_by_body`` if known, else the
    deemed service of ``on`` by ``channel``.
    """

    kind: ClassVar[str] = "advice_requested"
    advice_kind: str
    request_id: int | str | None = None
    received_by_body: date | None = None
    channel: str = "email"


@dataclass(frozen=True)
class AdviceReceived(Event):
    """The LA received the advice asked for (reg 8(1)); settles the matching request's clock."""

    kind: ClassVar[str] = "advice_received"
    advice_kind: str
    request_id: int | str | None = None


@dataclass(frozen=True)
class DraftPlanSent(Event):
    """The LA sent the draft plan (s.38; reg 13(1)); served on ``served_on`` or by deemed service."""

    kind: ClassVar[str] = "draft_plan_sent"
    channel: str = "email"
    served_on: date | None = None


@dataclass(frozen=True)
class RepresentationsWaived(Event):
    """The parent or young person waived the rest of the 15-day window in writing."""

    kind: ClassVar[str] = "representations_waived"


@dataclass(frozen=True)
class SchoolConsulted(Event):
    """The LA consulted a school it may name (s.39(2), s.40(3)); advisory 15 days (Code 9.83)."""

    kind: ClassVar[str] = "school_consulted"
    school: str | None = None


@dataclass(frozen=True)
class SchoolResponded(Event):
    """A consulted school replied; settles its advisory consultation clock."""

    kind: ClassVar[str] = "school_responded"
    school: str | None = None


@dataclass(frozen=True)
class FinalPlanIssued(Event):
    """The LA issued the final EHC plan (s.39-40; reg 13(2)); the plan is first made on ``on``."""

    kind: ClassVar[str] = "final_plan_issued"


@dataclass(frozen=True)
class PlanNotIssued(Event):
    """After assessment, the LA notified its decision not to issue a plan (s.36(9); reg 10(1))."""

    kind: ClassVar[str] = "plan_not_issued"


@dataclass(frozen=True)
class ReviewMeetingHeld(Event):
    """An annual review meeting was held (s.44(1); reg 20, 21)."""

    kind: ClassVar[str] = "review_meeting_held"


@dataclass(frozen=True)
class ReviewDecided(Event):
    """The LA notified its review decision: maintain, amend or cease (reg 20(10))."""

    kind: ClassVar[str] = "review_decided"
    outcome: str = "maintain"


@dataclass(frozen=True)
class AmendmentNoticeSent(Event):
    """The LA sent the plan with proposed amendments (reg 22(2)); served like a draft plan."""

    kind: ClassVar[str] = "amendment_notice_sent"
    channel: str = "email"
    served_on: date | None = None


@dataclass(frozen=True)
class AmendedPlanIssued(Event):
    """The LA issued the final amended plan (reg 22(3))."""

    kind: ClassVar[str] = "amended_plan_issued"


@dataclass(frozen=True)
class PlanCeased(Event):
    """The LA ceased to maintain the plan (s.45; reg 31)."""

    kind: ClassVar[str] = "plan_ceased"


@dataclass(frozen=True)
class CaseWithdrawn(Event):
    """The request was withdrawn or the case closed at the family's request."""

    kind: ClassVar[str] = "case_withdrawn"


@dataclass(frozen=True)
class ExceptionRecorded(Event):
    """A circumstance that may disapply time limits (reg 5(4), 8(2), 10(4), 13(3); SI 2020/471).

    ``on`` is the first day it applies; ``until`` the last day (for school_closure: the re-opening
    date); ``advice_kind`` limits it to the advice clocks of one kind.
    """

    kind: ClassVar[str] = "exception_recorded"
    reason: str
    until: date | None = None
    advice_kind: str | None = None


# The assessment-to-plan events of the contract vocabulary (what `ehcp import events` reads).
EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (RequestReceived, AssessmentAgreed, AssessmentRefused, AdviceRequested, AdviceReceived,
                DraftPlanSent, RepresentationsWaived, SchoolConsulted, SchoolResponded,
                FinalPlanIssued, PlanNotIssued, ReviewMeetingHeld, ReviewDecided,
                AmendmentNoticeSent, AmendedPlanIssued, PlanCeased, CaseWithdrawn, ExceptionRecorded)
}


# The rest of the lifecycle (statutory-timescales.md sections 6-8): reviews, amendments, phase
# transfers, re-assessment, ceasing, transfers between authorities, mediation, appeals, orders.
LIFECYCLE_EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls for cls in REVIEW_EVENTS + PLAN_LIFE_EVENTS + DISPUTE_EVENTS
}
ALL_EVENT_TYPES: dict[str, type[Event]] = {**EVENT_TYPES, **LIFECYCLE_EVENT_TYPES}


class UnknownEvent(ValueError):
    """No event type has this kind."""


def event_from(kind: str, on: date | str, payload: dict[str, Any] | None = None) -> Event:
    """Rebuild an event from its stored ``kind``, ``on`` and payload.

    ISO strings become dates; the key ``kind`` in a payload is read as ``advice_kind``; keys the
    event does not know are ignored, so that a log written by a newer version still loads.
    """
    cls = ALL_EVENT_TYPES.get(kind)
    if cls is None:
        raise UnknownEvent(f"unknown event kind {kind!r}")
    data = dict(payload or {})
    if "kind" in data and "advice_kind" not in data:
        data["advice_kind"] = data.pop("kind")
    values = {f.name: _typed(f.type, data[f.name]) for f in fields(cls) if f.name in data and f.name != "on"}
    return cls(on=_as_date(on), **values)


def _typed(annotation: Any, value: Any) -> Any:  # noqa: ANN401
    if isinstance(value, str) and str(annotation).startswith("date"):
        return date.fromisoformat(value)
    return value


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value
