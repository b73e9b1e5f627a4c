"""Events from the request to the plan (CFA 2014 s.36-40; regs 3-13): the request, the decision
whether to assess, advice, the draft plan and its representations, consultation of schools, and
the final plan or the decision not to issue one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from ehcp.domain.machine.event import Event


@dataclass(frozen=True)
class RequestReceived(Event):
    """The LA received a request for an EHC needs assessment (s.36(1)); starts the case."""

    kind: ClassVar[str] = "request_received"
    same_day: ClassVar[int] = 10
    source: str = "parent"
    dob: date | None = None  # the child's date of birth (under-5 reviews, year 9, phase transfers)


@dataclass(frozen=True)
class AssessmentAgreed(Event):
    """The LA notified its decision to secure an EHC needs assessment (s.36(8); reg 5(1))."""

    kind: ClassVar[str] = "assessment_agreed"
    same_day: ClassVar[int] = 40


@dataclass(frozen=True)
class AssessmentRefused(Event):
    """The LA notified its decision not to assess (s.36(5); reg 4(1), 5(3))."""

    kind: ClassVar[str] = "assessment_refused"
    same_day: ClassVar[int] = 50


@dataclass(frozen=True)
class AdviceRequested(Event):
    """The LA sent a request for advice (reg 6(1)) on ``on``.

    The body's 6 weeks (reg 8(1)) run from its receipt: ``received_by_body`` if known, else the
    deemed service of ``on`` by ``channel``.
    """

    kind: ClassVar[str] = "advice_requested"
    same_day: ClassVar[int] = 90
    advice_kind: str
    request_id: int | str | None = None
    received_by_body: date | None = None
    channel: str = "email"


@dataclass(frozen=True)
class AdviceReceived(Event):
    """The LA received the advice asked for (reg 8(1)); settles the matching request's clock."""

    kind: ClassVar[str] = "advice_received"
    same_day: ClassVar[int] = 100
    advice_kind: str
    request_id: int | str | None = None


@dataclass(frozen=True)
class AdviceCancelled(Event):
    """A request for advice was withdrawn as made in error: its reg 8(1) clock no longer runs.

    A correction, not a statutory step: the request stays in the log (append-only) and the
    cancellation, with its reason in the audit trail, stops it counting."""

    kind: ClassVar[str] = "advice_cancelled"
    same_day: ClassVar[int] = 95
    advice_kind: str
    request_id: int | str | None = None


@dataclass(frozen=True)
class DraftPlanSent(Event):
    """The LA sent the draft plan (s.38; reg 13(1)); served on ``served_on`` or by deemed service."""

    kind: ClassVar[str] = "draft_plan_sent"
    same_day: ClassVar[int] = 110
    channel: str = "email"
    served_on: date | None = None


@dataclass(frozen=True)
class RepresentationsWaived(Event):
    """The parent or young person waived the rest of the 15-day window in writing."""

    kind: ClassVar[str] = "representations_waived"
    same_day: ClassVar[int] = 150


@dataclass(frozen=True)
class SchoolConsulted(Event):
    """The LA consulted a school it may name (s.39(2), s.40(3)); advisory 15 days (Code 9.83)."""

    kind: ClassVar[str] = "school_consulted"
    same_day: ClassVar[int] = 130
    school: str | None = None


@dataclass(frozen=True)
class SchoolResponded(Event):
    """A consulted school replied; settles its advisory consultation clock."""

    kind: ClassVar[str] = "school_responded"
    same_day: ClassVar[int] = 140
    school: str | None = None


@dataclass(frozen=True)
class FinalPlanIssued(Event):
    """The LA issued the final EHC plan (s.39-40; reg 13(2)); the plan is first made on ``on``."""

    kind: ClassVar[str] = "final_plan_issued"
    same_day: ClassVar[int] = 170


@dataclass(frozen=True)
class PlanNotIssued(Event):
    """After assessment, the LA notified its decision not to issue a plan (s.36(9); reg 10(1))."""

    kind: ClassVar[str] = "plan_not_issued"
    same_day: ClassVar[int] = 160



EVENTS: tuple[type[Event], ...] = (
    RequestReceived, AssessmentAgreed, AssessmentRefused, AdviceRequested, AdviceReceived, AdviceCancelled,
    DraftPlanSent, RepresentationsWaived, SchoolConsulted, SchoolResponded, FinalPlanIssued, PlanNotIssued,
)
