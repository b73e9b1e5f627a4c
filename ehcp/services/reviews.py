"""Annual review use cases (CFA 2014 s.44; SEND Regulations 2014 regs 18-22): arrange the meeting,
invitations and advice, hold it, the report, the decision, amendments and phase transfers.

Each function is one transaction (ehcp.services.lifecycle_common.record), audited per event, and
raises Refused naming the rule and its citation when the law does not allow it (nothing written).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from calendars.working_days import WorkingDayCalendar
from ehcp.domain import Stage, child_facts, compute_deadlines, ordered, plan_move, planning_dates, practical
from ehcp.domain import events as ev
from ehcp.rules.catalogue import DEFAULT_RULES
from ehcp.rules.policy import Policy
from ehcp.services.context import ServiceContext
from ehcp.services.lifecycle_common import Recorded, check_channel, latest, record
from ehcp.store.models import Case

DEVON = "SEND Regulations 2014 reg 20(10) as read in R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)"


def _child(history: list, on: date) -> dict:
    facts = child_facts(ordered(history))
    return {"ncy": facts.ncy(on), "preparation_for_adulthood": facts.preparation_for_adulthood(on)}


def _dates(meeting: date, channel: str, calendar: WorkingDayCalendar) -> dict:
    return asdict(practical.review_dates(meeting, channel=channel, calendar=calendar))


def schedule_review(ctx: ServiceContext, reference: str, *, meeting: date, on: date | None = None,
                    invited_on: date | None = None, channel: str = "email",
                    served_on: date | None = None) -> Recorded:
    """Arrange a review meeting (and, if given, record the invitations): invitations and advice are
    due two weeks before it (reg 20(3)-(4); G23), posted ones by the latest posting date (G57).
    Year 9 and above: the meeting must consider preparation for adulthood (reg 20(6); G55)."""
    check_channel(channel)
    events: list[ev.Event] = [ev.ReviewScheduled(on or ctx.today, meeting)]
    if invited_on is not None:
        events.append(ev.ReviewInvitationsSent(invited_on, channel, served_on))

    def details(history: list, calendar: WorkingDayCalendar, policy: Policy) -> dict:
        return {**_dates(meeting, channel, calendar), **_child(history, meeting)}

    def warnings(history: list, calendar: WorkingDayCalendar, policy: Policy) -> list[str]:
        dates = practical.review_dates(meeting, calendar=calendar)
        notes = []
        if invited_on is None and (on or ctx.today) > dates.invitations_by:
            notes.append(f"less than two weeks' notice: invitations had to be given by "
                         f"{dates.invitations_by.isoformat()} (SEND Regulations 2014 reg 20(3))")
        notes += _too_late_for_the_year(history, meeting, calendar, ctx.today, policy)
        return notes

    return record(ctx, reference, events, action="review_scheduled", details=details, warnings=warnings)


REVIEW_CLOCKS = ("annual_review", "transfer_review")
PHASE_CLOCKS = ("phase_transfer", "phase_transfer_post16", "post16_move")


def _too_late_for_the_year(history: list, meeting: date, calendar: WorkingDayCalendar,
                           today: date, policy: Policy) -> list[str]:
    """Warnings for each pending review or phase-transfer clock the meeting comes too late to meet.

    A review needs the meeting at least 4 weeks before it is due (the decision, reg 20(10); G21); a
    phase transfer needs it 12 weeks before the reg 18 date (the decision, then the amended plan 8
    weeks after the amendment notice, reg 22(3); G29)."""
    notes = []
    for d in compute_deadlines(history, calendar=calendar, today=today, policy=policy):
        base = d.key.split(".")[0]
        if d.state != "pending" or base not in REVIEW_CLOCKS + PHASE_CLOCKS:
            continue
        if base in REVIEW_CLOCKS and d.due < today:
            notes.append(f"the review was due on {d.due.isoformat()} ({d.citation}): it is overdue")
        elif base in REVIEW_CLOCKS and meeting > practical.latest_review_meeting(d.due):
            notes.append(f"a meeting after {practical.latest_review_meeting(d.due).isoformat()} leaves less than "
                         f"the 4 weeks for the decision before the review is due on {d.due.isoformat()} ({d.citation})")
        elif base in PHASE_CLOCKS and meeting > (latest := planning_dates(d.due, rules=DEFAULT_RULES)[1]):
            notes.append(f"a meeting after {latest.isoformat()} leaves too little time for the phase transfer "
                         f"({d.key}, amended plan due by {d.due.isoformat()}, {d.citation}): the decision takes "
                         "up to 4 weeks and the amended plan 8 weeks after the amendment notice (reg 22(3))")
    return notes


def record_invitations(ctx: ServiceContext, reference: str, *, on: date, channel: str = "email",
                       served_on: date | None = None) -> Recorded:
    """Invitations to the review meeting were sent (given when served; reg 20(3); G57)."""
    return record(ctx, reference, [ev.ReviewInvitationsSent(on, channel, served_on)], action="review_invitations_sent")


def record_advice_circulated(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The advice for the review was circulated (at least two weeks before the meeting; reg 20(4))."""
    return record(ctx, reference, [ev.ReviewAdviceCirculated(on)], action="review_advice_circulated")


def hold_review(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The review meeting was held (= ``case advance --to review``): report in 2 weeks, decision in 4."""

    def build(case: Case, history: list, calendar: WorkingDayCalendar) -> list[ev.Event]:
        return [plan_move(history, to=Stage.REVIEW, on=on, calendar=calendar)]

    def details(history: list, calendar: WorkingDayCalendar, policy: Policy) -> dict:
        dates = practical.review_dates(on, calendar=calendar)
        return {"meeting": on, "report_by": dates.report_by, "decision_by": dates.decision_by,
                "amended_plan_by": dates.amended_plan_by, **_child(history, on)}

    return record(ctx, reference, build, action="case_advanced", details=details)


def record_report(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The review report was sent to everyone invited (within 2 weeks of the meeting; reg 20(7))."""
    return record(ctx, reference, [ev.ReviewReportSent(on)], action="review_report_sent")


def decide_review(ctx: ServiceContext, reference: str, *, outcome: str, on: date,
                  cease_reason: str = "other") -> Recorded:
    """Notify the reg 20(10) decision (within 4 weeks of the meeting): maintain, amend or cease.

    "cease" is also the s.45 decision to cease (with appeal rights): the plan is maintained until the
    appeal period ends. "amend" must be accompanied by the proposed amendments (Devon): use
    ``send_amendment_notice`` on the same day, or within 4 weeks of the meeting at the latest.
    """
    events: list[ev.Event] = [ev.ReviewDecided(on, outcome)]
    if outcome == "cease":
        events.append(ev.CeaseNoticeSent(on, cease_reason))

    def warnings(history: list, calendar: WorkingDayCalendar, policy: Policy) -> list[str]:
        meeting = latest(history, "review_meeting_held")
        if outcome != "amend" or meeting is None:
            return []
        by = meeting.on + timedelta(weeks=4)
        return [f"send the proposed amendments with the decision, by {by.isoformat()} at the latest ({DEVON})"]

    return record(ctx, reference, events, action="review_decided", warnings=warnings)


def send_amendment_notice(ctx: ServiceContext, reference: str, *, on: date, channel: str = "email",
                          served_on: date | None = None) -> Recorded:
    """Send the plan with the proposed amendments (reg 22(2)): 15 days for representations from
    service; final amended plan within 8 weeks of sending and 12 weeks of the meeting (G16, G24).
    After a meeting with no decision yet, the notice is the decision to amend (Devon): both are
    recorded. A notice more than 4 weeks after the meeting is flagged as a breach."""

    def build(case: Case, history: list, calendar: WorkingDayCalendar) -> list[ev.Event]:
        notice = ev.AmendmentNoticeSent(on, channel, served_on)
        return [ev.ReviewDecided(on, "amend"), notice] if case.stage == Stage.REVIEW.value else [notice]

    def warnings(history: list, calendar: WorkingDayCalendar, policy: Policy) -> list[str]:
        meetings = [d.trigger for d in compute_deadlines(history, calendar=calendar, today=ctx.today,
                                                           policy=policy)
                    if d.key.split(".")[0] == "amendment_notice" and d.state == "missed" and d.met_on == on]
        return [f"breach: the proposed amendments went {(on - meeting).days} days after the review meeting of "
                f"{meeting.isoformat()}, more than 4 weeks ({DEVON})" for meeting in meetings if meeting is not None]

    return record(ctx, reference, build, action="amendment_notice_sent", warnings=warnings)


def issue_amended_plan(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The final amended plan was issued (reg 22(3)); not inside the 15 days unless waived."""
    return record(ctx, reference, [ev.AmendedPlanIssued(on)], action="amended_plan_issued")


def decide_not_to_amend(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """After representations, the LA decided not to amend (reg 22(4); Policy Q16: 8 weeks of the
    notice). The notice carries appeal rights, so the appeal window opens."""
    return record(ctx, reference, [ev.AmendmentNotMade(on)], action="amendment_not_made")


def note_phase_transfer(ctx: ServiceContext, reference: str, *, transfer: str, on: date | None = None,
                        transfer_date: date | None = None) -> Recorded:
    """Record the child's next move when it is not the default for the year group (reg 18): a
    middle school, a post-16 move at another time (G31), staying in the sixth form (G33)."""
    return record(ctx, reference, [ev.PhaseTransferNoted(on or ctx.today, transfer, transfer_date)],
                  action="phase_transfer_noted")
