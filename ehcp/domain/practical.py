"""Planning aids and reporting tests built on the rules: none of these is itself a legal limit
unless its docstring says so. All take the rule set and Policy, never the clock. Every period comes
from the rule catalogue (ehcp.rules); the phase-transfer dates are ehcp.domain.review.phase's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from calendars import conventions, post
from calendars.working_days import WorkingDayCalendar
from ehcp.domain.machine.counting import longstop_due, nominal_due
from ehcp.rules.catalogue import DEFAULT_RULES
from ehcp.rules.model import RuleSet
from ehcp.rules.policy import DEFAULT_POLICY, Policy


def _due(key: str, trigger: date, rules: RuleSet, policy: Policy, calendar: WorkingDayCalendar | None = None) -> date:
    """``key``'s due date from ``trigger``; the calendar is needed only by working-day rules."""
    # calendar may be None: the callers that omit it ask for week and month rules, which never read it
    return nominal_due(rules.rule(key, trigger), trigger, calendar=calendar, policy=policy)  # type: ignore[arg-type]


def sen2_last_day(received: date, policy: Policy = DEFAULT_POLICY) -> date:
    """Last issue date counted "within 20 weeks" for SEN2: received + 140 days, or + 139 (Q4; G05)."""
    return received + timedelta(days=policy.sen2_day_count)


def sen2_within_20_weeks(received: date, issued: date, policy: Policy = DEFAULT_POLICY) -> bool:
    """SEN2 timeliness of a new plan (reg 13(2)): issued on or before ``sen2_last_day`` (G01, G05)."""
    return issued <= sen2_last_day(received, policy)


def earliest_finalisation(served: date, *, rules: RuleSet = DEFAULT_RULES, policy: Policy = DEFAULT_POLICY,
                          calendar: WorkingDayCalendar | None = None) -> date:
    """The day after the 15-day window beginning with service (reg 13(1)(a); G12, G13)."""
    return _due("draft_representations", served, rules, policy, calendar) + timedelta(days=1)


def review_invitation_by(meeting: date, *, rules: RuleSet = DEFAULT_RULES) -> date:
    """Invitations must be received at least two weeks before the meeting (reg 20(3); G23)."""
    return _due("review_invitation", meeting, rules, DEFAULT_POLICY)


def review_advice_by(meeting: date, *, rules: RuleSet = DEFAULT_RULES) -> date:
    """Advice circulated at least two weeks before the meeting (reg 20(4); G23)."""
    return _due("review_advice", meeting, rules, DEFAULT_POLICY)


def latest_review_meeting(review_due: date, *, rules: RuleSet = DEFAULT_RULES) -> date:
    """Planning aid: the latest meeting whose 4-week decision still meets ``review_due`` (G21)."""
    weeks = rules.rule("review_decision", review_due).length
    return review_due - timedelta(weeks=weeks)


def amended_plan_longstop(meeting: date, *, rules: RuleSet = DEFAULT_RULES) -> date | None:
    """R (L) v Devon CC [2022]: final amended plan at the latest 12 weeks after the meeting (G23)."""
    rule = rules.rule("amended_plan", meeting)
    return longstop_due(rule, meeting)


def under5_review_window(issued: date, policy: Policy = DEFAULT_POLICY) -> tuple[date, date]:
    """Advisory window for reviewing an under-5's plan, 3 to 6 months after issue (Code 9.178; G27)."""
    low, high = policy.under5_review_months
    return conventions.months_after(issued, low), conventions.months_after(issued, high)


def reassessment_deadlines(request_received: date, notified: date | None = None, *, rules: RuleSet = DEFAULT_RULES,
                           policy: Policy = DEFAULT_POLICY) -> tuple[date, date | None]:
    """Decision within 15 days of the request (reg 25(1), Q23) and final plan within 14 weeks of the
    notification (reg 27(2)) (G35)."""
    decision = conventions.days_after(request_received, policy.reassessment_decision_days)
    final = _due("reassessment_final", notified, rules, policy) if notified else None
    return decision, final


@dataclass(frozen=True)
class ReviewDates:
    """Every date a review meeting implies (G23, G57): planning aids and the statutory dates."""

    meeting: date
    invitations_by: date  # received at least two weeks before (reg 20(3))
    post_invitations_by: date | None  # latest working day to post them, if posted (G57)
    advice_by: date  # circulated at least two weeks before (reg 20(4))
    report_by: date  # reg 20(7)
    decision_by: date  # reg 20(10); with the proposed amendments if amending (Devon)
    amended_plan_by: date | None  # Devon long-stop: 12 weeks after the meeting


def review_dates(meeting: date, *, channel: str = "email", calendar: WorkingDayCalendar, rules: RuleSet = DEFAULT_RULES,
                 policy: Policy = DEFAULT_POLICY) -> ReviewDates:
    """The dates of a review around ``meeting`` (reg 20(3)-(10); R (L) v Devon)."""
    invitations = review_invitation_by(meeting, rules=rules)
    posted = None
    if channel.endswith("_post"):
        posted = post.latest_posting_date(invitations, channel, calendar, policy=policy.deemed_service)
    return ReviewDates(
        meeting=meeting, invitations_by=invitations, post_invitations_by=posted,
        advice_by=review_advice_by(meeting, rules=rules),
        report_by=_due("review_report", meeting, rules, policy),
        decision_by=_due("review_decision", meeting, rules, policy),
        amended_plan_by=amended_plan_longstop(meeting, rules=rules),
    )
