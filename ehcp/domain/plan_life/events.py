"""Events of the plan's life and end: ceasing (s.45, reg 31), withdrawal, re-assessment (s.44(2),
regs 23-27) and transfers between local authorities (reg 15)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from ehcp.domain.machine.event import Event

REASSESSMENT_SOURCES = ("parent", "young_person", "school", "commissioning_body")  # s.44(2)
REFUSAL_GROUNDS = ("not_necessary", "within_6_months")  # reg 24
REASSESSMENT_OUTCOMES = ("plan_issued", "no_change")  # reg 27(2); s.51(2) no change is appealable
# SEN2 CeaseReason 1-9 (sen2.md 2.2, item 4.6); "transferred" (5) is a reg 15 transfer, not a s.45 decision.
CEASE_REASONS = ("max_age", "needs_met", "higher_education", "employment", "transferred",
                 "no_longer_engaging", "moved_outside_england", "deceased", "other")


@dataclass(frozen=True)
class PlanCeased(Event):
    """The LA ceased to maintain the plan (s.45; reg 31)."""

    kind: ClassVar[str] = "plan_ceased"
    same_day: ClassVar[int] = 470


@dataclass(frozen=True)
class CaseWithdrawn(Event):
    """The request was withdrawn or the case closed at the family's request."""

    kind: ClassVar[str] = "case_withdrawn"
    same_day: ClassVar[int] = 480



@dataclass(frozen=True)
class ReassessmentRequested(Event):
    """A request for a re-assessment was received (s.44(2)); the LA decides in 15 days (reg 25(1))."""

    kind: ClassVar[str] = "reassessment_requested"
    same_day: ClassVar[int] = 60
    source: str = "parent"


@dataclass(frozen=True)
class ReassessmentAgreed(Event):
    """The LA notified that it will re-assess (reg 25(1)), or decided to of its own motion."""

    kind: ClassVar[str] = "reassessment_agreed"
    same_day: ClassVar[int] = 70


@dataclass(frozen=True)
class ReassessmentRefused(Event):
    """The LA notified that it will not re-assess (reg 24: assessed in the last 6 months, or not
    necessary); the notice carries appeal rights (s.51(2)(f))."""

    kind: ClassVar[str] = "reassessment_refused"
    same_day: ClassVar[int] = 80
    ground: str = "not_necessary"


@dataclass(frozen=True)
class ReassessmentDraftSent(Event):
    """The draft amended or replacement plan after re-assessment was sent (reg 27(2), 13(1))."""

    kind: ClassVar[str] = "reassessment_draft_sent"
    same_day: ClassVar[int] = 120
    channel: str = "email"
    served_on: date | None = None


@dataclass(frozen=True)
class ReassessmentConcluded(Event):
    """The re-assessment ended: final plan issued (reg 27(2)) or no change (appealable)."""

    kind: ClassVar[str] = "reassessment_concluded"
    same_day: ClassVar[int] = 180
    outcome: str = "plan_issued"


@dataclass(frozen=True)
class CeaseConsulted(Event):
    """The LA informed and consulted the family and the setting about ceasing (reg 31(1))."""

    kind: ClassVar[str] = "cease_consulted"
    same_day: ClassVar[int] = 300


@dataclass(frozen=True)
class CeaseNoticeSent(Event):
    """The LA notified its decision to cease to maintain the plan (s.45; reg 31(2))."""

    kind: ClassVar[str] = "cease_notice_sent"
    same_day: ClassVar[int] = 310
    reason: str = "other"


@dataclass(frozen=True)
class PlanTransferredIn(Event):
    """A plan transferred to this LA on ``on`` (reg 15(2)-(3)); it opens the case, as made on ``plan_made``."""

    kind: ClassVar[str] = "plan_transferred_in"
    same_day: ClassVar[int] = 20
    from_la: str | None = None
    plan_made: date | None = None
    last_reviewed: date | None = None
    dob: date | None = None
    year_group: int | None = None


@dataclass(frozen=True)
class TransferInformed(Event):
    """The new LA told the family the plan has transferred and when it will review it (reg 15(4))."""

    kind: ClassVar[str] = "transfer_informed"
    same_day: ClassVar[int] = 190


@dataclass(frozen=True)
class MoveNotified(Event):
    """This LA became aware on ``on`` that the child moves to another LA's area on ``move_date``."""

    kind: ClassVar[str] = "move_notified"
    same_day: ClassVar[int] = 450
    move_date: date
    to_la: str | None = None


@dataclass(frozen=True)
class PlanTransferredOut(Event):
    """The plan was transferred to the new LA (reg 15(2)); SEN2 records it as ceased, reason 5."""

    kind: ClassVar[str] = "plan_transferred_out"
    same_day: ClassVar[int] = 460
    to_la: str | None = None


EVENTS: tuple[type[Event], ...] = (
    PlanCeased, CaseWithdrawn,
    ReassessmentRequested, ReassessmentAgreed, ReassessmentRefused, ReassessmentDraftSent,
    ReassessmentConcluded, CeaseConsulted, CeaseNoticeSent, PlanTransferredIn, TransferInformed,
    MoveNotified, PlanTransferredOut,
)
