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
* exception_recorded disapplies the clocks it applies to (see ehcp.domain.machine.disapplication).

The rest of the lifecycle (sections 6-8) is described where it is handled: review.steps (schedule,
invitations, advice, report, under-5 reviews, no amendment), review.phase_clocks (reg 18),
plan_life.clocks (re-assessment, ceasing, transfers between authorities) and disputes.clocks
(appeal windows, mediation, tribunal orders, unopposed appeals). Which handlers run for which
event is assembled in ehcp.domain.lifecycle.

Repeated clocks of one key are numbered ``key``, ``key.2``, ``key.3`` in the order they started.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from calendars.working_days import WorkingDayCalendar
from ehcp.domain.assessment.events import AdviceRequested
from ehcp.domain.deadlines import MET, PENDING, Deadline
from ehcp.domain.lifecycle import replay_events
from ehcp.domain.machine.clocks import Clock, Context
from ehcp.domain.machine.disapplication import ExceptionRecorded, disapply
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.history import ordered
from ehcp.rules.catalogue import DEFAULT_RULES
from ehcp.rules.model import RuleSet
from ehcp.rules.policy import DEFAULT_POLICY, Policy


def compute_deadlines(events: Iterable[Event], *, calendar: WorkingDayCalendar, today: date,
                      rules: RuleSet = DEFAULT_RULES, policy: Policy = DEFAULT_POLICY) -> list[Deadline]:
    """Every clock of the case, in the order they started: pure and deterministic.

    The same events give the same deadlines whatever order they were recorded in (see
    ehcp.domain.machine.history.ordered); ``today`` only closes representation windows that have run out
    and bounds an absence with no end date.
    """
    return [c.to_deadline(calendar) for c in compute_clocks(events, calendar=calendar, today=today, rules=rules,
                                                             policy=policy)]


def compute_clocks(events: Iterable[Event], *, calendar: WorkingDayCalendar, today: date,
                   rules: RuleSet = DEFAULT_RULES, policy: Policy = DEFAULT_POLICY) -> list[Clock]:
    """The clocks behind compute_deadlines (with their Rule objects), for ``deadline explain``."""
    ctx = Context(calendar=calendar, today=today, rules=rules, policy=policy)
    history = ordered(events)
    replay = replay_events(history, ctx)
    exceptions = [e for e in history if isinstance(e, ExceptionRecorded)]
    requests = [e for e in history if isinstance(e, AdviceRequested)]
    clocks = [_expire_window(c, today) for c in replay.clocks.values()]
    return [disapply(c, exceptions, requests, ctx) for c in clocks]


def _expire_window(clock: Clock, today: date) -> Clock:
    """A representation window past its last day has run its course."""
    if clock.rule.window and clock.state == PENDING and today > clock.due:
        return replace(clock, state=MET, met_on=clock.due)
    return clock
