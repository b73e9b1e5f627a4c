"""Handlers for re-assessment (regs 24-27), ceasing (s.45, reg 31) and transfers between local
authorities (reg 15).

* reassessment_requested starts reassessment_decision (15 days, reg 25(1); Policy Q23);
  reassessment_agreed settles it and starts reassessment_final (14 weeks, reg 27(2); G35);
  reassessment_refused settles it and opens an appeal window. A draft after re-assessment opens the
  15-day window (reg 13(1) via reg 27(2)); reassessment_concluded settles the 14 weeks.
* A decision to cease (cease_notice_sent, or a review decision "cease") opens an appeal window and
  cease_effective: the first day the plan may cease, the day after the appeal period (G51), or the
  day an appeal is determined (s.45). Death ends a plan at once.
* plan_transferred_in opens the case at the new LA: transfer_notice (6 weeks, reg 15(4)) and
  transfer_review (the later of 12 months from the old LA's last review and 3 months from the
  transfer, reg 15(5); G37). move_notified starts plan_transfer at the old LA (reg 15(2)).
* A withdrawal closes the case: every clock still pending no longer applies.
* After the disputes handlers: a certificate or an appeal lodged moves cease_effective; an appeal
  withdrawn, struck out or dismissed lets the decision to cease take effect; an order or an
  unopposed appeal to continue cancels it, one to cease makes it take effect at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from calendars import conventions
from calendars.working_days import WorkingDayCalendar
from ehcp.domain.deadlines import MET, MISSED, Component
from ehcp.domain.disputes import events as disputes
from ehcp.domain.disputes.appeal_window import start_appeal_window
from ehcp.domain.machine.clocks import select_rule
from ehcp.domain.machine.counting import nominal_due
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.replay import Replay
from ehcp.domain.plan_life import events as ev
from ehcp.domain.review.phase_clocks import settle_phase
from ehcp.domain.review.steps import after_plan_made
from ehcp.rules.model import NoRuleInForce

NO_APPEAL_REASONS = frozenset({"deceased"})


def reassessment_requested(r: Replay, e: ev.ReassessmentRequested) -> None:
    key = r.start("reassessment_decision", e.on)
    days = r.ctx.policy.reassessment_decision_days
    if key is not None and days != r.clocks[key].rule.length:
        r.clocks[key] = replace(r.clocks[key], due=conventions.days_after(e.on, days))


def reassessment_agreed(r: Replay, e: ev.ReassessmentAgreed) -> None:
    r.settle_latest("reassessment_decision", e.on)
    r.start("reassessment_final", e.on)
    r.reassessing = e.on
    r.settle(r.latest_pending("order.assess", "unopposed.assess"), e.on)


def reassessment_refused(r: Replay, e: ev.ReassessmentRefused) -> None:
    r.settle_latest("reassessment_decision", e.on)
    start_appeal_window(r, e.on, "reassessment_refused")


def reassessment_draft_sent(r: Replay, e: ev.ReassessmentDraftSent) -> None:
    r.start_served("draft_representations", e)


def reassessment_concluded(r: Replay, e: ev.ReassessmentConcluded) -> None:
    r.settle_latest("reassessment_final", e.on)
    r.end_window("draft_representations", e.on)
    r.reassessing = None
    r.last_assessment = e.on
    if e.outcome == "no_change":
        start_appeal_window(r, e.on, "no_amendment")
    else:
        settle_phase(r, e.on)


def start_cease(r: Replay, sent: date, reason: str) -> None:
    """A decision to cease: the plan is maintained until the appeal period ends (s.45)."""
    r.cease, r.cease_from = (sent, reason), None
    if reason in NO_APPEAL_REASONS:
        r.cease_from = sent
    else:
        start_appeal_window(r, sent, "cease")
    refresh_cease(r)


def cease_notice_sent(r: Replay, e: ev.CeaseNoticeSent) -> None:
    start_cease(r, e.on, e.reason)


def refresh_cease(r: Replay) -> None:
    """cease_effective: the day after the appeal period, or the day the appeal was determined."""
    r.drop("cease_effective")
    if r.cease is None or r.appeal_pending is not None:
        return
    if r.cease_from is not None:
        due = r.cease_from
    elif r.appeal_key in r.clocks:
        due = r.clocks[r.appeal_key].due + timedelta(days=1)
    else:
        return
    try:
        rule = r.ctx.rules.rule("cease_effective", r.cease[0])
    except NoRuleInForce:
        return
    r.put("cease_effective", rule, r.cease[0], due)


def plan_ceased(r: Replay, e: Event) -> None:
    """The plan ends: met if not before the first day it may cease (s.45), missed if earlier; an order
    to cease is met; everything else still pending is dropped."""
    effective = r.latest_pending("cease_effective")
    if effective is not None:
        r.clocks[effective.key] = replace(effective, state=MET if e.on >= effective.due else MISSED, met_on=e.on)
    r.settle_latest("order.cease", e.on)
    r.close()


def plan_transferred_in(r: Replay, e: ev.PlanTransferredIn) -> None:
    """reg 15(3)-(5): the plan is treated as made by this LA; inform in 6 weeks; review by the later
    of 12 months from the last review and 3 months from the transfer (G37)."""
    r.start("transfer_notice", e.on)
    try:
        rule, due = select_rule("transfer_review", e.on, r.ctx)
    except NoRuleInForce:
        return
    last = e.last_reviewed or e.plan_made
    parts = [Component("three_months_after_transfer", due, rule.citation,
                       f"3 months beginning with the transfer on {e.on.isoformat()}")]
    if last is not None:
        year = r.ctx.rules.rule("annual_review", last)
        yearly = nominal_due(year, last, calendar=r.ctx.calendar, policy=r.ctx.policy)
        what = "last review" if e.last_reviewed else "plan made"
        parts.append(Component("twelve_months_after_last_review", yearly, f"{rule.citation}; {year.citation}",
                               f"12 months beginning with the {what} on {last.isoformat()}"))
        due = max(due, yearly)
    parts = [replace(p, note=p.note + ("; the later date applies" if p.on == due else "")) for p in parts]
    key = r.put("transfer_review", rule, e.on, due)
    r.clocks[key] = r.clocks[key].with_detail(components=tuple(parts))
    after_plan_made(r, e.on)


def transfer_informed(r: Replay, e: ev.TransferInformed) -> None:
    r.settle_latest("transfer_notice", e.on)


def move_notified(r: Replay, e: ev.MoveNotified) -> None:
    """reg 15(2): transfer on the day of the move if aware at least 15 working days before (Q18),
    else within 15 working days beginning with the day the LA became aware (G37, G38)."""
    cal, policy = r.ctx.calendar, r.ctx.policy
    try:
        rule = r.ctx.rules.rule("plan_transfer", e.on)
    except NoRuleInForce:
        return
    r.drop("plan_transfer")
    late = nominal_due(rule, e.on, calendar=cal, policy=policy)
    due = e.move_date if notice_sufficient(e.on, e.move_date, cal, policy.la_transfer_notice) else late
    r.put("plan_transfer", rule, e.on, due)


def notice_sufficient(aware: date, move: date, cal: WorkingDayCalendar, reading: str = "inclusive") -> bool:
    """Aware "at least 15 working days" before the move: the awareness day counts as one of them
    ("inclusive") or not ("clear") (reg 15(2); Q18)."""
    if reading == "clear":
        return cal.add_working_days(aware, 15) < move
    return conventions.working_days_beginning(aware, 15, cal) < move


def latest_sufficient_awareness(move: date, cal: WorkingDayCalendar, reading: str = "inclusive") -> date:
    """The last working day on which becoming aware still gives enough notice (G37: 9 Feb / 6 Feb)."""
    last = cal.last_working_day_on_or_before(move - timedelta(days=1))
    return cal.add_working_days(last, -15 if reading == "clear" else -14)


def plan_transferred_out(r: Replay, e: ev.PlanTransferredOut) -> None:
    r.settle_latest("plan_transfer", e.on)
    r.close()


def case_withdrawn(r: Replay, e: Event) -> None:
    r.close()


def appeal_moved(r: Replay, e: Event) -> None:
    """A mediation certificate or a lodged appeal moves the first day the plan may cease."""
    refresh_cease(r)


def appeal_concluded(r: Replay, e: Event) -> None:
    """Withdrawn, struck out or dismissed: a decision to cease may now take effect (s.45)."""
    if r.cease is not None:
        r.cease_from = e.on
    refresh_cease(r)


def tribunal_ordered(r: Replay, e: disputes.TribunalOrdered) -> None:
    _after_determination(r, e.on, disputes.ORDER_LIMBS[e.order])


def appeal_unopposed(r: Replay, e: disputes.AppealUnopposed) -> None:
    _after_determination(r, e.on, disputes.UNOPPOSED_LIMBS[e.appeal])


def _after_determination(r: Replay, on: date, limbs: tuple[str, ...]) -> None:
    """An order to continue cancels the decision to cease; an order to cease takes effect at once."""
    if "continue" in limbs:
        r.cease = None
    elif "cease" in limbs and r.cease is not None:
        r.cease_from = on
    refresh_cease(r)


HANDLERS = {
    "plan_ceased": plan_ceased,
    "case_withdrawn": case_withdrawn,
    "reassessment_requested": reassessment_requested,
    "reassessment_agreed": reassessment_agreed,
    "reassessment_refused": reassessment_refused,
    "reassessment_draft_sent": reassessment_draft_sent,
    "reassessment_concluded": reassessment_concluded,
    "cease_notice_sent": cease_notice_sent,
    "plan_transferred_in": plan_transferred_in,
    "transfer_informed": transfer_informed,
    "move_notified": move_notified,
    "plan_transferred_out": plan_transferred_out,
    # after the disputes handlers of the same events (ehcp.domain.lifecycle runs both)
    "mediation_certificate_issued": appeal_moved,
    "appeal_lodged": appeal_moved,
    "appeal_concluded": appeal_concluded,
    "tribunal_ordered": tribunal_ordered,
    "appeal_unopposed": appeal_unopposed,
}
