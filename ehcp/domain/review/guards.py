"""Guards of the review rows: the annual review and its steps, amendments, phase transfers and
the child's details (CFA 2014 s.44; regs 18-22)."""

from __future__ import annotations

from datetime import date

from ehcp.domain.machine.event import Event
from ehcp.domain.machine.guards import GuardContext, one_of, valid_service, window_open_until
from ehcp.domain.machine.history import last_of
from ehcp.domain.machine.refusal import Refusal
from ehcp.domain.review import events as ev
from ehcp.domain.review.events import PHASE_TRANSFERS
from ehcp.domain.vocabulary import REVIEW_OUTCOMES

REGS = "SEND Regulations 2014"


def valid_review_outcome(event: Event, g: GuardContext) -> Refusal | None:
    outcome = getattr(event, "outcome", None)
    if outcome in REVIEW_OUTCOMES:
        return None
    return Refusal(f"unknown review outcome {outcome!r}; outcomes are {', '.join(REVIEW_OUTCOMES)}",
                   "SEND Regulations 2014 reg 20(10)")


# --- child, review, amendment, phase transfer -------------------------------------------------

def valid_child_details(event: ev.ChildNoted, g: GuardContext) -> Refusal | None:
    if event.dob is not None and event.dob > event.on:
        return Refusal(f"the date of birth {event.dob.isoformat()} is after {event.on.isoformat()}")
    if event.year_group is not None and not -3 <= event.year_group <= 20:
        return Refusal(f"year group {event.year_group} is not a national curriculum year (-3..20)")
    return None


def valid_review_schedule(event: ev.ReviewScheduled, g: GuardContext) -> Refusal | None:
    if event.meeting < event.on:
        return Refusal(f"the meeting ({event.meeting.isoformat()}) is before the day it was arranged "
                       f"({event.on.isoformat()})")
    return None


def _scheduled_meeting(g: GuardContext, on: date) -> date | None:
    scheduled = last_of(g.history, "review_scheduled", before=on)
    return scheduled.meeting if isinstance(scheduled, ev.ReviewScheduled) and scheduled.meeting >= on else None


def review_scheduled(event: Event, g: GuardContext) -> Refusal | None:
    """Invitations and advice go out before a meeting that has been arranged (reg 20(3)-(4))."""
    if _scheduled_meeting(g, event.on) is None:
        return Refusal(f"no review meeting on or after {event.on.isoformat()} has been arranged; "
                       "record it first (ehcp review schedule)", f"{REGS} reg 20(2)-(4)")
    return None


def review_to_invite(event: ev.ReviewInvitationsSent, g: GuardContext) -> Refusal | None:
    return review_scheduled(event, g) or valid_service(event, g)


def meeting_to_report(event: ev.ReviewReportSent, g: GuardContext) -> Refusal | None:
    meeting = last_of(g.history, "review_meeting_held", before=event.on)
    report = last_of(g.history, "review_report_sent", before=event.on)
    if meeting is None or (report is not None and report.on >= meeting.on):
        return Refusal(f"no review meeting held on or before {event.on.isoformat()} is waiting for its report",
                       f"{REGS} reg 20(7)")
    return None


def amendment_to_decide(event: ev.AmendmentNotMade, g: GuardContext) -> Refusal | None:
    if amendment_in_progress(g) is None:
        return Refusal("no amendment notice is waiting for a decision", f"{REGS} reg 22(4)")
    return None


def valid_phase_transfer(event: ev.PhaseTransferNoted, g: GuardContext) -> Refusal | None:
    refusal = one_of(event.transfer, PHASE_TRANSFERS, "transfer", f"{REGS} reg 2(1)")
    if refusal is None and event.transfer == "post16_to_post16" and event.transfer_date is None:
        return Refusal("a move between post-16 institutions needs its date (at least 5 months' notice)",
                       f"{REGS} reg 18(2)")
    return refusal


# --- amendments (reg 22) ------------------------------------------------------------------------

def amendment_in_progress(g: GuardContext) -> Event | None:
    """The amendment notice still waiting for an amended plan or a decision not to amend."""
    notice = last_of(g.history, "amendment_notice_sent")
    ended = [e for e in (last_of(g.history, "amended_plan_issued"), last_of(g.history, "amendment_not_made"))
             if e is not None]
    if notice is None or any(e.on >= notice.on for e in ended):
        return None
    return notice


def no_amendment_in_progress(event: ev.AmendmentNoticeSent, g: GuardContext) -> Refusal | None:
    """One amendment at a time: a notice waits for its amended plan (reg 22(3))."""
    notice = amendment_in_progress(g)
    if notice is None:
        return valid_service(event, g)
    return Refusal(f"the amendment notice sent on {notice.on.isoformat()} has not yet led to an amended plan",
                   "SEND Regulations 2014 reg 22(3)")


def amendment_window_closed(event: ev.AmendedPlanIssued, g: GuardContext) -> Refusal | None:
    """No amended plan inside the 15 days for representations unless waived (reg 22(2)(c))."""
    notice = amendment_in_progress(g)
    if notice is None:
        if _ordered_to_amend(event, g):
            return None
        return Refusal("no amendment notice is waiting for an amended plan", "SEND Regulations 2014 reg 22(2)")
    last = window_open_until(notice, "amendment_representations", event.on, g)
    if last is None:
        return None
    return Refusal(f"the 15 days for representations on the proposed amendments (SEND Regulations 2014 "
                   f"reg 22(2)(c)) run to {last.isoformat()}; record a written waiver to finalise earlier",
                   "SEND Regulations 2014 reg 22(2)(c)")


def _ordered_to_amend(event: Event, g: GuardContext) -> bool:
    """An order, unopposed appeal or mediation agreement requires an amended plan (reg 42, 44, 45)."""
    bases = ("order.amend", "order.placement", "unopposed.amend", "unopposed.placement")
    return g.state_on(event.on).latest_pending(*bases) is not None
