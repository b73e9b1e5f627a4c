"""Handlers for the steps of a review around the meeting (reg 20-22; Code 9.178): scheduling,
invitations and advice two weeks before, the report, the under-5 advisory review, and a decision
not to amend (reg 22(4)). The meeting, decision and amendment themselves are in review.clocks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from calendars import conventions
from ehcp.domain.deadlines import Component
from ehcp.domain.disputes.appeal_window import start_appeal_window
from ehcp.domain.machine.child import age_on
from ehcp.domain.machine.clocks import pending
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.replay import Replay
from ehcp.domain.review import events as ev
from ehcp.domain.review.phase_clocks import refresh_phase, settle_phase

NOTICE_BASES = ("review_invitation", "review_advice")
AGE25_BASES = ("age25_end", "age25_conversation")
AGE25_SHOWN_FROM = 19  # years of age at the plan's making or a completed review


def start_under5(r: Replay, anchor: date) -> None:
    """Advisory review 3-6 months on while the child is under 5 (Code 9.178; Policy Q15; G27)."""
    r.drop("under5_review")
    if not r.child.under5(anchor):
        return
    key = r.start("under5_review", anchor)
    if key is None:
        return
    low, high = r.ctx.policy.under5_review_months
    clock = r.clocks[key]
    start, end = conventions.months_after(anchor, low), conventions.months_after(anchor, high)
    parts = (Component("window_start", start, clock.rule.citation,
                       f"{low} months after {anchor.isoformat()}: the review window opens (Policy Q15)"),
             Component("window_end", end, clock.rule.citation,
                       f"{high} months after {anchor.isoformat()}: the window closes (the due date)"))
    r.clocks[key] = clock.with_detail(due=end, components=parts)


def start_age25(r: Replay, on: date) -> None:
    """Advisory: the plan may be maintained only until the end of the academic year during which the young
    person attains 25 (CFA 2014 s.46; reg 46(1)(a)); plan the ceasing conversation ahead of it (reg 31(1)).

    Shown once the young person is 19 or over when the plan is made or a review completes (ehcp's choice: from
    then each review looks to the plan's end), so that a young child's case is not crowded with it."""
    for base in AGE25_BASES:
        r.drop(base)
    dob = r.child.dob
    if dob is None or age_on(dob, on) < AGE25_SHOWN_FROM:
        return
    birthday = conventions.add_months(dob, 25 * 12)  # born 29 February: either day falls in one academic year
    end = r.start("age25_end", birthday)
    if end is not None:
        r.start("age25_conversation", r.clocks[end].due)


def after_plan_made(r: Replay, on: date) -> None:
    """A plan is maintained from ``on``: under-5 reviews, the next phase transfer and (from 19) the age-25
    end apply."""
    r.plan_active = True
    start_under5(r, on)
    refresh_phase(r, on)
    start_age25(r, on)


def review_scheduled(r: Replay, e: ev.ReviewScheduled) -> None:
    """Invitations and advice are due two weeks before the meeting (reg 20(3)-(4); G23)."""
    for base in NOTICE_BASES:
        r.drop(base)
        r.start(base, e.meeting)


def invitations_sent(r: Replay, e: ev.ReviewInvitationsSent) -> None:
    """Notice is given when the invitation is served, deemed if posted (G57)."""
    r.settle_latest("review_invitation", r.service(e))


def advice_circulated(r: Replay, e: ev.ReviewAdviceCirculated) -> None:
    r.settle_latest("review_advice", e.on)


def report_sent(r: Replay, e: ev.ReviewReportSent) -> None:
    r.settle_latest("review_report", e.on)


def meeting_held(r: Replay, on: date) -> None:
    """Notice clocks follow the meeting actually held; the meeting is the under-5 review."""
    for base in NOTICE_BASES:
        for clock in pending(r.clocks, base):
            if clock.trigger != on:
                r.clocks[clock.key] = replace(clock, trigger=on, due=conventions.at_least_before(on, weeks=2))
    r.settle_latest("under5_review", on)


def amendment_not_made(r: Replay, e: ev.AmendmentNotMade) -> None:
    """reg 22(4): notify within (presumed) 8 weeks of the notice (Q16); the decision is appealable."""
    notice = r.notice or e.on
    if r.amending in r.clocks and r.clocks[r.amending].state == "pending":
        del r.clocks[r.amending]
    key = r.start("no_amendment_notice", notice)
    weeks = r.ctx.policy.amend_not_weeks
    if key is not None:
        clock = r.clocks[key]
        if weeks != clock.rule.length:
            clock = replace(clock, due=conventions.weeks_after(notice, weeks))
        r.clocks[key] = clock.settled(e.on)
    r.end_window("amendment_representations", e.on)
    r.meeting = r.amending = r.notice = None
    start_appeal_window(r, e.on, "no_amendment")
    settle_phase(r, e.on)


def plan_made(r: Replay, e: Event) -> None:
    """A final plan was issued: the review side of it (under-5 reviews, the next phase transfer)."""
    after_plan_made(r, e.on)


def phase_facts_changed(r: Replay, e: Event) -> None:
    """The child's details or a noted phase transfer: look again for the next transfer."""
    refresh_phase(r, e.on)
