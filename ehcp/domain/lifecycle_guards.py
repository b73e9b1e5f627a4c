"""Guards of the lifecycle table (ehcp.domain.lifecycle_table) for reviews, amendments, phase
transfers and re-assessment; ceasing, transfers and disputes are in ehcp.domain.dispute_guards.
Same shape as ehcp.domain.guards.

Where a guard depends on where the case stands (a decision to dispute, an appeal pending, a
re-assessment under way, the first day a plan may cease) it replays the log up to the event's date
with the same handlers that compute the deadlines, so the refusal and the deadline never disagree.
"""

from __future__ import annotations

from datetime import date

from calendars import conventions
from ehcp.domain import events as ev
from ehcp.domain.clocks import Context, pending
from ehcp.domain.events_plan import REASSESSMENT_OUTCOMES, REASSESSMENT_SOURCES, REFUSAL_GROUNDS
from ehcp.domain.events_review import PHASE_TRANSFERS
from ehcp.domain.guards import GuardContext, Refusal, valid_service, waived_since, window_end
from ehcp.domain.history import last_of, ordered
from ehcp.domain.replay import Replay

REGS = "SEND Regulations 2014"


def state_on(g: GuardContext, on: date) -> Replay:
    """Where the case stood at the end of ``on`` (the log replayed up to that day)."""
    from ehcp.domain.compute import replay_events

    ctx = Context(calendar=g.calendar, today=on, rules=g.rules, policy=g.policy)
    return replay_events([e for e in ordered(g.history) if e.on <= on], ctx)


def vocabulary(value: object, allowed: tuple, what: str, citation: str | None = None) -> Refusal | None:
    if value in allowed:
        return None
    return Refusal(f"unknown {what} {value!r}; {what}s are {', '.join(map(str, allowed))}", citation)


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
    return scheduled.meeting if scheduled is not None and scheduled.meeting >= on else None


def review_scheduled(event: ev.Event, g: GuardContext) -> Refusal | None:
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
    from ehcp.domain.record_guards import amendment_in_progress

    if amendment_in_progress(g) is None:
        return Refusal("no amendment notice is waiting for a decision", f"{REGS} reg 22(4)")
    return None


def valid_phase_transfer(event: ev.PhaseTransferNoted, g: GuardContext) -> Refusal | None:
    refusal = vocabulary(event.transfer, PHASE_TRANSFERS, "transfer", f"{REGS} reg 2(1)")
    if refusal is None and event.transfer == "post16_to_post16" and event.transfer_date is None:
        return Refusal("a move between post-16 institutions needs its date (at least 5 months' notice)",
                       f"{REGS} reg 18(2)")
    return refusal


# --- re-assessment ----------------------------------------------------------------------------

def valid_reassessment_request(event: ev.ReassessmentRequested, g: GuardContext) -> Refusal | None:
    refusal = vocabulary(event.source, REASSESSMENT_SOURCES, "source", "CFA 2014 s.44(2)")
    if refusal is not None:
        return refusal
    waiting = pending(state_on(g, event.on).clocks, "reassessment_decision")
    if waiting:
        return Refusal(f"the request received on {waiting[-1].trigger.isoformat()} is still waiting for a "
                       "decision", f"{REGS} reg 25(1)")
    return not_reassessing(event, g)


def not_reassessing(event: ev.Event, g: GuardContext) -> Refusal | None:
    since = state_on(g, event.on).reassessing
    if since is not None:
        return Refusal(f"a re-assessment decided on {since.isoformat()} is under way", f"{REGS} reg 27(2)")
    return None


def reassessment_refusal_ground(event: ev.ReassessmentRefused, g: GuardContext) -> Refusal | None:
    """reg 24: refusing because of an assessment in the 6 months before the request needs one."""
    refusal = vocabulary(event.ground, REFUSAL_GROUNDS, "ground", f"{REGS} reg 24")
    if refusal is not None:
        return refusal
    state = state_on(g, event.on)
    waiting = pending(state.clocks, "reassessment_decision")
    if not waiting:
        return Refusal("no request for a re-assessment is waiting for a decision", f"{REGS} reg 25(1)")
    if event.ground == "within_6_months":
        requested = waiting[-1].trigger
        last = state.last_assessment or _plan_made(g)
        if last is None or last < conventions.add_months(requested, -6):
            when = f"was on {last.isoformat()}" if last else "is not on record"
            return Refusal(f"the last assessment {when}, not within the 6 months before the request "
                           f"({requested.isoformat()}); refuse only because it is not necessary",
                           f"{REGS} reg 24")
    return None


def _plan_made(g: GuardContext) -> date | None:
    issued = last_of(g.history, "final_plan_issued")
    return issued.on if issued is not None else None


def reassessment_draft(event: ev.ReassessmentDraftSent, g: GuardContext) -> Refusal | None:
    if state_on(g, event.on).reassessing is None:
        return Refusal("no re-assessment is under way", f"{REGS} reg 27(2)")
    return valid_service(event, g)


def reassessment_conclusion(event: ev.ReassessmentConcluded, g: GuardContext) -> Refusal | None:
    refusal = vocabulary(event.outcome, REASSESSMENT_OUTCOMES, "outcome", f"{REGS} reg 27(2)")
    since = state_on(g, event.on).reassessing
    if refusal is not None or since is None:
        return refusal or Refusal("no re-assessment is under way", f"{REGS} reg 27(2)")
    draft = last_of(g.history, "reassessment_draft_sent", before=event.on)
    if event.outcome == "no_change":
        return None
    if draft is None or draft.on < since:
        return Refusal("send the draft plan first: the 15 days for representations apply (reg 13(1) "
                       "via reg 27(2))", f"{REGS} reg 13(1), 27(2)")
    last = window_end(draft, "draft_representations", g)
    if event.on > last or waived_since(draft, event.on, g):
        return None
    return Refusal(f"the parent's 15 days for representations (SEND Regulations 2014 reg 13(1)(a)) run to "
                   f"{last.isoformat()}; record a written waiver to finalise earlier", f"{REGS} reg 13(1)(a)")


LIFECYCLE_GUARD_NAMES = (
    "valid_child_details", "valid_review_schedule", "review_scheduled", "review_to_invite", "meeting_to_report",
    "amendment_to_decide", "valid_phase_transfer", "valid_reassessment_request", "not_reassessing",
    "reassessment_refusal_ground", "reassessment_draft", "reassessment_conclusion",
)
