"""Handlers for the life of a plan: annual review (s.44, reg 20) and amendment (reg 22, Devon)."""

from __future__ import annotations

from datetime import date

from ehcp.domain.deadlines import Alternative, Component
from ehcp.domain.machine.clocks import Clock, family, next_key, pending, select_rule
from ehcp.domain.machine.counting import longstop_due, nominal_due
from ehcp.domain.machine.replay import Replay
from ehcp.domain.review import events as ev
from ehcp.domain.review import steps
from ehcp.domain.review.phase_clocks import refresh_phase, settle_phase
from ehcp.domain.review.steps import meeting_held, start_age25, start_under5
from ehcp.rules.model import NoRuleInForce

DEVON = "R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)"
Q6 = "CFA 2014 s.44(1); statutory-timescales.md Q6"


def restart_review(r: Replay, on: date) -> None:
    """s.44(1)(b): the review is complete; the next 12 months begin with ``on``.

    The first review after a transfer in completes the reg 15(5) clock instead.
    """
    r.settle_latest("annual_review", on)
    r.settle_latest("transfer_review", on)
    key = r.start("annual_review", on)
    if key is not None and r.meeting is not None and r.meeting != on:  # Q6: the review completed at the meeting
        clock = r.clocks[key]
        other = nominal_due(clock.rule, r.meeting, calendar=r.ctx.calendar, policy=r.ctx.policy)
        r.clocks[key] = clock.with_detail(alternatives=(Alternative(
            f"review completed at the meeting of {r.meeting.isoformat()} (common LA practice): 12 months "
            "beginning with the meeting", other, Q6, "review_restart=meeting"),))
    start_under5(r, on)
    refresh_phase(r, on)
    start_age25(r, on)


def review_meeting_held(r: Replay, e: ev.ReviewMeetingHeld) -> None:
    """Start the report (reg 20(7)) and decision (reg 20(10)) clocks; Q6 "meeting" completes the review."""
    meeting_held(r, e.on)
    r.meeting = e.on
    r.start("review_report", e.on)
    r.start("review_decision", e.on)
    if r.ctx.policy.review_restart == "meeting":
        restart_review(r, e.on)


def review_decided(r: Replay, e: ev.ReviewDecided) -> None:
    """Settle report and decision; Q6 "decision" completes the review; "amend" starts the Devon
    long-stop and the 4 weeks for the proposed amendments. A decision to cease is a proposal until
    its s.45 notice is recorded (cease_notice_sent; `ehcp review decision --cease` records both)."""
    r.settle_latest("review_report", e.on)
    r.settle_latest("review_decision", e.on)
    if r.ctx.policy.review_restart == "decision":
        restart_review(r, e.on)
    elif r.meeting is not None:
        decision_reading(r, r.meeting, e.on)
    if e.outcome == "amend" and r.amending is None and r.meeting is not None:
        start_longstop(r, r.meeting, e.on)
        start_notice_due(r, r.meeting)
    elif e.outcome != "amend" and r.amending is None:
        r.meeting = None


def decision_reading(r: Replay, meeting: date, decided: date) -> None:
    """Q6 "meeting": the annual review restarted at the meeting; show the decision-notice reading."""
    for clock in pending(r.clocks, "annual_review"):
        if clock.trigger == meeting and decided != meeting:
            other = nominal_due(clock.rule, decided, calendar=r.ctx.calendar, policy=r.ctx.policy)
            r.clocks[clock.key] = clock.with_detail(alternatives=(Alternative(
                f"review completed by the decision notice of {decided.isoformat()} (IPSEA; Code 9.169): 12 "
                "months beginning with the decision", other, Q6, "review_restart=decision"),))


def start_longstop(r: Replay, meeting: date, decided: date) -> None:
    """R (L) v Devon: the amended plan is due at the latest 12 weeks after the review meeting."""
    try:
        rule = r.ctx.rules.rule("amended_plan", decided)
    except NoRuleInForce:
        return
    due = longstop_due(rule, meeting)
    if due is not None:
        key = next_key(r.clocks, "amended_plan")
        parts = (Component("devon_longstop", due, DEVON, f"12 weeks after the review meeting of "
                           f"{meeting.isoformat()}; no amendment notice yet (reg 22(3) not started)"),)
        r.clocks[key] = Clock(key, rule, meeting, due, components=parts)
        r.amending = key


def start_notice_due(r: Replay, meeting: date) -> None:
    """The proposed amendments go with the decision, within 4 weeks of the meeting (reg 20(10); Devon)."""
    if not any(c.trigger == meeting for c in family(r.clocks, "amendment_notice")):
        r.start("amendment_notice", meeting)


def amendment_notice_sent(r: Replay, e: ev.AmendmentNoticeSent) -> None:
    """Open the reg 22(2)(c) window; amended plan due at the earlier of reg 22(3) and the long-stop.

    After a review meeting the notice settles the 4-week notice date: late is a breach of reg 20(10)
    as read in R (L) v Devon (G23, G24).
    """
    r.start_served("amendment_representations", e)
    if r.meeting is not None:
        start_notice_due(r, r.meeting)
        r.settle_latest("amendment_notice", e.on)
    r.notice = e.on
    try:
        rule, due = select_rule("amended_plan", e.on, r.ctx)
    except NoRuleInForce:
        return
    longstop = longstop_due(rule, r.meeting) if r.meeting else None
    parts: tuple[Component, ...] = ()
    if longstop is not None and r.meeting is not None:
        wins = "reg 22(3)" if due <= longstop else "the long-stop"
        parts = (Component("reg_22_3", due, rule.citation.split(";")[0],
                           f"8 weeks after the amendment notice of {e.on.isoformat()}"),
                 Component("devon_longstop", longstop, DEVON,
                           f"12 weeks after the review meeting of {r.meeting.isoformat()}; the earlier date "
                           f"applies ({wins})"))
        due = min(due, longstop)
    key = r.amending if r.amending in r.clocks else next_key(r.clocks, "amended_plan")
    r.clocks[key] = Clock(key, rule, e.on, due, components=parts)
    r.amending = key


def amended_plan_issued(r: Replay, e: ev.AmendedPlanIssued) -> None:
    """Settle the amended plan (reg 22(3)) and its window; the amendment cycle ends. An amended plan
    also carries out an order, unopposed appeal or agreement to amend (reg 44-45), and settles a
    phase transfer (reg 18)."""
    r.settle(r.clocks.get(r.amending or ""), e.on)
    r.end_window("amendment_representations", e.on)
    r.drop("school_consultation")
    r.meeting = r.amending = r.notice = None
    for limb in ("amend", "placement"):
        r.settle(r.latest_pending(f"order.{limb}", f"unopposed.{limb}"), e.on)
    settle_phase(r, e.on)


HANDLERS = {
    "final_plan_issued": steps.plan_made,  # after assessment's own handler (ehcp.domain.lifecycle)
    "review_meeting_held": review_meeting_held,
    "review_decided": review_decided,
    "amendment_notice_sent": amendment_notice_sent,
    "amended_plan_issued": amended_plan_issued,
    "child_noted": steps.phase_facts_changed,
    "phase_transfer_noted": steps.phase_facts_changed,
    "review_scheduled": steps.review_scheduled,
    "review_invitations_sent": steps.invitations_sent,
    "review_advice_circulated": steps.advice_circulated,
    "review_report_sent": steps.report_sent,
    "amendment_not_made": steps.amendment_not_made,
}
