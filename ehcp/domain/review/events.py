"""Events of the annual review cycle, amendments and phase transfers (CFA 2014 s.44; regs 18-22).

The vocabularies the guards check are here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from ehcp.domain.machine.event import Event

# reg 2(1) "transfer between phases of education" (a)-(f), reg 18(2) post-16 moves, and two moves
# that are not phase transfers: staying on in the school's sixth form (G33, Q10), and none.
PHASE_TRANSFERS = ("early_years_to_school", "infant_to_junior", "primary_to_middle", "primary_to_secondary",
                   "middle_to_secondary", "secondary_to_post16", "post16_to_post16", "sixth_form_same_school",
                   "none")


@dataclass(frozen=True)
class ReviewMeetingHeld(Event):
    """An annual review meeting was held (s.44(1); reg 20, 21)."""

    kind: ClassVar[str] = "review_meeting_held"
    same_day: ClassVar[int] = 240


@dataclass(frozen=True)
class ReviewDecided(Event):
    """The LA notified its review decision: maintain, amend or cease (reg 20(10))."""

    kind: ClassVar[str] = "review_decided"
    same_day: ClassVar[int] = 260
    outcome: str = "maintain"


@dataclass(frozen=True)
class AmendmentNoticeSent(Event):
    """The LA sent the plan with proposed amendments (reg 22(2)); served like a draft plan."""

    kind: ClassVar[str] = "amendment_notice_sent"
    same_day: ClassVar[int] = 270
    channel: str = "email"
    served_on: date | None = None


@dataclass(frozen=True)
class AmendedPlanIssued(Event):
    """The LA issued the final amended plan (reg 22(3))."""

    kind: ClassVar[str] = "amended_plan_issued"
    same_day: ClassVar[int] = 290



@dataclass(frozen=True)
class ChildNoted(Event):
    """The child's date of birth, and national curriculum year in the academic year of ``on``.

    Recorded when the LA's record of the child changes (a year group outside the chronological one
    drives phase transfers and year 9; reg 2(1)); the latest one noted wins.
    """

    kind: ClassVar[str] = "child_noted"
    same_day: ClassVar[int] = 30
    dob: date | None = None
    year_group: int | None = None


@dataclass(frozen=True)
class ReviewScheduled(Event):
    """A review meeting was arranged for ``meeting`` (reg 20(2)-(4), 21(2)-(4))."""

    kind: ClassVar[str] = "review_scheduled"
    same_day: ClassVar[int] = 210
    meeting: date


@dataclass(frozen=True)
class ReviewInvitationsSent(Event):
    """Invitations to the review meeting were sent; given when served (reg 20(3); G57)."""

    kind: ClassVar[str] = "review_invitations_sent"
    same_day: ClassVar[int] = 220
    channel: str = "email"
    served_on: date | None = None


@dataclass(frozen=True)
class ReviewAdviceCirculated(Event):
    """The advice and information for the review was circulated to the invitees (reg 20(4))."""

    kind: ClassVar[str] = "review_advice_circulated"
    same_day: ClassVar[int] = 230


@dataclass(frozen=True)
class ReviewReportSent(Event):
    """The review report was sent to everyone invited (reg 20(7), 21(7))."""

    kind: ClassVar[str] = "review_report_sent"
    same_day: ClassVar[int] = 250


@dataclass(frozen=True)
class AmendmentNotMade(Event):
    """After representations on proposed amendments the LA decided not to amend (reg 22(4))."""

    kind: ClassVar[str] = "amendment_not_made"
    same_day: ClassVar[int] = 280


@dataclass(frozen=True)
class PhaseTransferNoted(Event):
    """The child's next move, when it is not the default for the year group (reg 18; G31, G33)."""

    kind: ClassVar[str] = "phase_transfer_noted"
    same_day: ClassVar[int] = 200
    transfer: str = "primary_to_secondary"
    transfer_date: date | None = None  # default: 1 September of the transfer year


EVENTS: tuple[type[Event], ...] = (
    ReviewMeetingHeld, ReviewDecided, AmendmentNoticeSent, AmendedPlanIssued, ChildNoted, ReviewScheduled,
    ReviewInvitationsSent, ReviewAdviceCirculated, ReviewReportSent, AmendmentNotMade, PhaseTransferNoted,
)
