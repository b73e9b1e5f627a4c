"""compute_deadlines: replay a case's events into its statutory clocks.

Which clocks exist when (what a caseworker expects to see):

* request_received starts assessment_decision (6 weeks, reg 5(1)), no_plan_notice (16 weeks,
  reg 10(1)) and final_plan (20 weeks, reg 13(2)), all from the date the LA received the request.
* assessment_agreed / assessment_refused settle assessment_decision (met if on or before the due
  date, else missed). A refusal closes the case: its other pending clocks no longer apply.
* advice_requested starts ``advice.<kind>`` (6 weeks from the body's receipt, reg 8(1)), except for
  the parent's own advice; a second request of a kind is ``advice.<kind>.2``. advice_received
  settles the matching request (by request id, else the oldest pending one of the kind).
* draft_plan_sent drops no_plan_notice (the LA has decided to issue) and starts
  draft_representations (the last day of the 15 days beginning with service, reg 13(1)(a)).
  The window is met when waived, when the final plan follows it, or once today is past it.
* school_consulted starts an advisory school_consultation (15 days, Code 9.83); a reply settles
  it; a final or amended plan drops the ones still waiting.
* plan_not_issued settles no_plan_notice and closes the case (final_plan no longer applies).
* final_plan_issued settles final_plan and starts annual_review (12 months beginning with issue).
* review_meeting_held starts review_report (2 weeks, reg 20(7)) and review_decision (4 weeks,
  reg 20(10)); review_decided settles both. The review is completed, and the next annual_review
  starts, at the decision (default) or at the meeting (Policy.review_restart, Q6).
* review_decided "amend" starts amended_plan at the Devon long-stop (meeting + 12 weeks) if that
  version is in force; amendment_notice_sent (re)starts it at the earlier of notice + 8 weeks
  (reg 22(3)) and the long-stop, and starts amendment_representations (reg 22(2)(c)).
* plan_ceased, case_withdrawn (and the closing decisions above) drop every still-pending clock.
* exception_recorded disapplies the clocks it applies to (see ehcp.domain.exceptions).

The rest of the lifecycle (sections 6-8) is described where it is handled: review_steps (schedule,
invitations, advice, report, under-5 reviews, no amendment), phase_clocks (reg 18), plan_life_clocks
(re-assessment, ceasing, transfers between authorities) and dispute_clocks (appeal windows,
mediation, tribunal orders, unopposed appeals). The child's date of birth and year group, and
any noted phase transfers, are read from the whole log before the replay (ehcp.domain.child).

Repeated clocks of one key are numbered ``key``, ``key.2``, ``key.3`` in the order they started.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from ehcp.domain import assessment_clocks as plan
from ehcp.domain import dispute_clocks as dispute
from ehcp.domain import events as ev
from ehcp.domain import plan_life_clocks as life
from ehcp.domain import review_clocks as review
from ehcp.domain import review_steps as steps
from ehcp.domain.child import child_facts
from ehcp.domain.clocks import Clock, Context
from ehcp.domain.deadlines import MET, PENDING, Deadline
from ehcp.domain.exceptions import disapply
from ehcp.domain.history import ordered
from ehcp.domain.replay import Replay
from ehcp.rules.catalogue import DEFAULT_RULES
from ehcp.rules.model import RuleSet
from ehcp.rules.policy import DEFAULT_POLICY, Policy

Handler = Callable[[Replay, ev.Event], None]


def _closing(r: Replay, e: ev.Event) -> None:
    r.close()


def _final_plan_issued(r: Replay, e: ev.FinalPlanIssued) -> None:
    plan.final_plan_issued(r, e)
    steps.after_plan_made(r, e.on)


def _refresh_phase(r: Replay, e: ev.Event) -> None:
    from ehcp.domain.phase_clocks import refresh_phase

    refresh_phase(r, e.on)


HANDLERS: dict[str, Handler] = {
    "request_received": plan.request_received,
    "assessment_agreed": plan.assessment_decided,
    "assessment_refused": plan.assessment_decided,
    "advice_requested": plan.advice_requested,
    "advice_received": plan.advice_received,
    "draft_plan_sent": plan.draft_plan_sent,
    "representations_waived": plan.representations_waived,
    "school_consulted": plan.school_consulted,
    "school_responded": plan.school_responded,
    "final_plan_issued": _final_plan_issued,
    "plan_not_issued": plan.plan_not_issued,
    "review_meeting_held": review.review_meeting_held,
    "review_decided": review.review_decided,
    "amendment_notice_sent": review.amendment_notice_sent,
    "amended_plan_issued": review.amended_plan_issued,
    "plan_ceased": life.plan_ceased,
    "case_withdrawn": _closing,
    # the rest of the lifecycle
    "child_noted": _refresh_phase,
    "phase_transfer_noted": _refresh_phase,
    "review_scheduled": steps.review_scheduled,
    "review_invitations_sent": steps.invitations_sent,
    "review_advice_circulated": steps.advice_circulated,
    "review_report_sent": steps.report_sent,
    "amendment_not_made": steps.amendment_not_made,
    "reassessment_requested": life.reassessment_requested,
    "reassessment_agreed": life.reassessment_agreed,
    "reassessment_refused": life.reassessment_refused,
    "reassessment_draft_sent": life.reassessment_draft_sent,
    "reassessment_concluded": life.reassessment_concluded,
    "cease_notice_sent": life.cease_notice_sent,
    "plan_transferred_in": life.plan_transferred_in,
    "transfer_informed": life.transfer_informed,
    "move_notified": life.move_notified,
    "plan_transferred_out": life.plan_transferred_out,
    "appealable_decision": dispute.appealable_decision,
    "mediation_adviser_contacted": dispute.adviser_contacted,
    "mediation_requested": dispute.mediation_requested,
    "mediation_icb_notified": dispute.icb_notified,
    "mediation_unavailable": dispute.mediation_unavailable,
    "mediation_concluded": dispute.mediation_concluded,
    "mediation_certificate_issued": dispute.certificate_issued,
    "appeal_lodged": dispute.appeal_lodged,
    "appeal_concluded": dispute.appeal_concluded,
    "tribunal_ordered": dispute.tribunal_ordered,
    "appeal_unopposed": dispute.appeal_unopposed,
    "order_complied": dispute.order_complied,
}


def compute_deadlines(events: Iterable[ev.Event], *, calendar: object, today: date,
                      rules: RuleSet = DEFAULT_RULES, policy: Policy = DEFAULT_POLICY) -> list[Deadline]:
    """Every clock of the case, in the order they started: pure and deterministic.

    The same events give the same deadlines whatever order they were recorded in (see
    ehcp.domain.history.ordered); ``today`` only closes representation windows that have run out
    and bounds an absence with no end date.
    """
    ctx = Context(calendar=calendar, today=today, rules=rules, policy=policy)
    history = ordered(events)
    replay = replay_events(history, ctx)
    exceptions = [e for e in history if isinstance(e, ev.ExceptionRecorded)]
    requests = [e for e in history if isinstance(e, ev.AdviceRequested)]
    clocks = [_expire_window(c, today) for c in replay.clocks.values()]
    clocks = [disapply(c, exceptions, requests, ctx) for c in clocks]
    return [c.to_deadline(calendar) for c in clocks]


def replay_events(history: list[ev.Event], ctx: Context) -> Replay:
    """The working state after replaying ``history`` (already ordered): clocks and where things stand."""
    replay = Replay(ctx)
    replay.child = child_facts(history)
    replay.phase_notes = [e for e in history if e.kind == "phase_transfer_noted"]
    for event in history:
        handler = HANDLERS.get(event.kind)
        if handler is not None:
            handler(replay, event)
    return replay


def _expire_window(clock: Clock, today: date) -> Clock:
    """A representation window past its last day has run its course."""
    if clock.rule.window and clock.state == PENDING and today > clock.due:
        return replace(clock, state=MET, met_on=clock.due)
    return clock
