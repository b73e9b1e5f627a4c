"""Handlers for the assessment and plan-making events: request to final plan (regs 4-13)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from calendars.working_days import WorkingDayCalendar
from ehcp.domain.assessment import events as ev
from ehcp.domain.deadlines import DISAPPLIED, MET, NOT_RECEIVED_BEFORE_PLAN, PENDING
from ehcp.domain.disputes.clocks import no_plan_instead
from ehcp.domain.machine.clocks import pending
from ehcp.domain.machine.counting import receipt_date, service_date
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.replay import Replay
from ehcp.rules.policy import Policy


def body_receipt(request: ev.AdviceRequested, *, calendar: WorkingDayCalendar, policy: Policy) -> date:
    """When the body received an advice request: recorded, else deemed service; then Q17 (reg 8(1))."""
    received = request.received_by_body or service_date(request.on, request.channel, None,
                                                        calendar=calendar, policy=policy)
    return receipt_date(received, calendar=calendar, policy=policy)


def request_received(r: Replay, e: ev.RequestReceived) -> None:
    """Start the 6-, 16- and 20-week clocks from receipt (reg 5(1), 10(1), 13(2); G01, G02)."""
    if r.received is not None:  # a case has one request; a later one is a new case
        return
    r.received = receipt_date(e.on, calendar=r.ctx.calendar, policy=r.ctx.policy)
    for base in ("assessment_decision", "no_plan_notice", "final_plan"):
        r.start(base, r.received)


def assessment_decided(r: Replay, e: Event) -> None:
    """Settle the decision whether to assess (reg 4(1), 5(1)); a refusal closes the case."""
    r.settle_latest("assessment_decision", e.on)
    if isinstance(e, ev.AssessmentRefused):
        r.close()


def advice_requested(r: Replay, e: ev.AdviceRequested) -> None:
    """Start the body's 6 weeks from its receipt of the request (reg 8(1); G09)."""
    if e.advice_kind == "parent":  # the parent's own advice has no reg 8 clock
        return
    trigger = body_receipt(e, calendar=r.ctx.calendar, policy=r.ctx.policy)
    r.start(f"advice.{e.advice_kind}", trigger, subject=e.advice_kind, ref=e.request_id)


def advice_received(r: Replay, e: ev.AdviceReceived) -> None:
    """Settle the advice clock of the matching request (by id, else the oldest pending)."""
    waiting = pending(r.clocks, f"advice.{e.advice_kind}")
    exact = [c for c in waiting if e.request_id is not None and str(c.ref) == str(e.request_id)]
    r.settle(next(iter(exact or waiting), None), e.on)


def advice_cancelled(r: Replay, e: ev.AdviceCancelled) -> None:
    """A request made in error stops counting: its pending clock is removed, not settled (it was
    neither met nor missed), so it leaves the deadlines, the chase and the reports."""
    for clock in pending(r.clocks, f"advice.{e.advice_kind}"):
        if str(clock.ref) == str(e.request_id):
            del r.clocks[clock.key]


def draft_plan_sent(r: Replay, e: ev.DraftPlanSent) -> None:
    """The LA will issue a plan: no reg 10 notice is due; the reg 13(1)(a) window opens."""
    r.drop("no_plan_notice")
    r.start_served("draft_representations", e)


def representations_waived(r: Replay, e: ev.RepresentationsWaived) -> None:
    """A written waiver ends the window being waived (draft or amendment)."""
    windows = pending(r.clocks, "draft_representations") + pending(r.clocks, "amendment_representations")
    if windows:
        latest = max(windows, key=lambda c: c.trigger)
        r.clocks[latest.key] = replace(latest, state=MET, met_on=min(e.on, latest.due))


def school_consulted(r: Replay, e: ev.SchoolConsulted) -> None:
    """Start the advisory 15 days for the school to reply (Code 9.83; G17)."""
    r.start("school_consultation", e.on, subject=e.school)


def school_responded(r: Replay, e: ev.SchoolResponded) -> None:
    """Settle the consultation of the school that replied (or the oldest waiting)."""
    waiting = pending(r.clocks, "school_consultation")
    named = [c for c in waiting if e.school is not None and c.subject == e.school]
    r.settle(next(iter(named or waiting), None), e.on)


def final_plan_issued(r: Replay, e: ev.FinalPlanIssued) -> None:
    """Settle the 20 weeks (reg 13(2)); the plan is made, so the s.44(1) year starts."""
    r.settle_latest("final_plan", e.on)
    r.end_window("draft_representations", e.on)
    r.drop("school_consultation")
    advice_not_received_before_plan(r, e.on)
    r.start("annual_review", e.on)


def advice_not_received_before_plan(r: Replay, on: date) -> None:
    """Advice still awaited when the plan is issued is no longer awaited: the plan was made without
    it. Its clock no longer runs (disapplied, the exception naming why: not received before the
    plan), so it is no longer the case's next deadline and the chase stops (it chases pending clocks
    only). Its due date stays, so whether the body had already overrun its 6 weeks (reg 8(1)) can
    still be read; "missed" would claim the advice came, late."""
    for clock in [c for c in r.clocks.values() if c.key.startswith("advice.") and c.state == PENDING]:
        r.clocks[clock.key] = replace(clock, state=DISAPPLIED, exception=NOT_RECEIVED_BEFORE_PLAN)


def plan_not_issued(r: Replay, e: ev.PlanNotIssued) -> None:
    """Settle the 16-week notice (reg 10(1); G18) and close the case."""
    r.settle_latest("no_plan_notice", e.on)
    no_plan_instead(r, e.on)  # a case reopened by an order to assess: the order's no-plan limb is met
    r.close()


HANDLERS = {
    "request_received": request_received,
    "assessment_agreed": assessment_decided,
    "assessment_refused": assessment_decided,
    "advice_requested": advice_requested,
    "advice_received": advice_received,
    "advice_cancelled": advice_cancelled,
    "draft_plan_sent": draft_plan_sent,
    "representations_waived": representations_waived,
    "school_consulted": school_consulted,
    "school_responded": school_responded,
    "final_plan_issued": final_plan_issued,
    "plan_not_issued": plan_not_issued,
}
