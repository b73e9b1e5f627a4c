"""Counting: from a rule and its trigger date to the nominal deadline (statutory-timescales.md s.0).

The conventions themselves live in `calendars.conventions`; this module only dispatches on the
rule's convention id and applies the Policy readings (Q3, Q7, Q8, Q9, Q17). Receipt and service
dates are worked out here too, because every clock "of receiving" or "beginning with service"
starts from one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from calendars import conventions, post
from calendars.working_days import WorkingDayCalendar
from ehcp.rules.model import (
    C_ACADEMIC_YEAR_END,
    C_AT_LEAST_BEFORE,
    C_BEFORE_DATE,
    C_DAYS_AFTER,
    C_DAYS_BEGINNING,
    C_IMMEDIATE,
    C_MONTHS_AFTER,
    C_MONTHS_BEGINNING,
    C_TRIBUNAL_WD,
    C_WD_AFTER,
    C_WD_BEGINNING,
    C_WEEKS,
    Rule,
)
from ehcp.rules.policy import Policy

Counter = Callable[[Rule, date, WorkingDayCalendar, Policy], date]


def _weeks(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    return conventions.weeks_after(d, rule.length)


def _days_after(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    return conventions.days_after(d, rule.length)


def _days_beginning(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    """Last day of the window (reg 13(1)(a), 22(2)(c)); Q9 may run it on to a working day."""
    last = conventions.days_beginning(d, rule.length)[1]
    if policy.window_end_non_working_day == "next_working_day" and not cal.is_working_day(last):
        return cal.next_working_day_after(last)
    return last


def _months_after(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    due = conventions.months_after(d, rule.length)
    return due - timedelta(days=1) if policy.months_after == "corresponding_minus_one" else due


def _months_beginning(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    conservative = policy.months_beginning == "conservative"
    return conventions.months_beginning(d, rule.length, conservative=conservative)


def _at_least_before(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    return conventions.at_least_before(d, **{rule.unit: rule.length})


def _wd_after(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    return conventions.working_days_after(d, rule.length, cal)


def _wd_beginning(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    return conventions.working_days_beginning(d, rule.length, cal)


def _before_date(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    """"Before 15 February" of the trigger's year: the day before (reg 18(1)), or the date (Q5)."""
    if rule.fixed_date is None:
        raise ValueError(f"{rule.rule_id} counts to a fixed date but names none")
    month, day = rule.fixed_date
    fixed = date(d.year, month, day)
    return fixed if policy.phase_transfer_date == "code" else conventions.before_date(d.year, month, day)


def _immediate(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    return d


def tribunal_holiday(d: date) -> bool:
    """25 December to 1 January inclusive, or any day in August (HESC r.12(3))."""
    return (d.month == 12 and d.day >= 25) or (d.month == 1 and d.day == 1) or d.month == 8


def tribunal_working_days_after(d: date, n: int, cal: WorkingDayCalendar) -> date:
    """The n-th day after ``d`` that counts for an act under the Tribunal Rules in an SEN case: a working day
    (r.1(3)) that is neither in August nor 25 December - 1 January (r.12(3)(b), (4); r.12(3) as made)."""
    day, left = d, n
    while left > 0:
        day += timedelta(days=1)
        if cal.is_working_day(day) and not tribunal_holiday(day):
            left -= 1
    return day


def _tribunal_wd(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    return tribunal_working_days_after(d, rule.length, cal)


def academic_year_end(d: date) -> date:
    """The last day of the academic year during which ``d`` falls: 31 July (SEND Regulations 2014 reg 46(1)(a),
    a young person at an institution in the further education sector)."""
    return date(d.year if d.month < 8 else d.year + 1, 7, 31)


def _academic_year_end(rule: Rule, d: date, cal: WorkingDayCalendar, policy: Policy) -> date:
    return academic_year_end(d)


COUNTERS: dict[str, Counter] = {
    C_WEEKS: _weeks,
    C_DAYS_AFTER: _days_after,
    C_DAYS_BEGINNING: _days_beginning,
    C_MONTHS_AFTER: _months_after,
    C_MONTHS_BEGINNING: _months_beginning,
    C_AT_LEAST_BEFORE: _at_least_before,
    C_WD_AFTER: _wd_after,
    C_WD_BEGINNING: _wd_beginning,
    C_BEFORE_DATE: _before_date,
    C_IMMEDIATE: _immediate,
    C_TRIBUNAL_WD: _tribunal_wd,
    C_ACADEMIC_YEAR_END: _academic_year_end,
}


def nominal_due(rule: Rule, trigger: date, *, calendar: WorkingDayCalendar, policy: Policy) -> date:
    """The date ``rule`` falls due when started on ``trigger`` (never rolled forward, s.0)."""
    return COUNTERS[rule.convention](rule, trigger, calendar, policy)


def longstop_due(rule: Rule, anchor: date) -> date | None:
    """A rule's second limit (the Devon 12 weeks from the review meeting), if it has one."""
    if rule.longstop_weeks is None:
        return None
    return conventions.weeks_after(anchor, rule.longstop_weeks)


def receipt_date(received: date, *, calendar: WorkingDayCalendar, policy: Policy) -> date:
    """The date a clock "of receiving" starts: the actual date (law), or Q17's next working day."""
    if policy.weekend_receipt == "next_working_day" and not calendar.is_working_day(received):
        return calendar.next_working_day_after(received)
    return received


def service_date(sent: date, channel: str, served_on: date | None, *, calendar: WorkingDayCalendar,
                 policy: Policy) -> date:
    """When a document was served: the recorded date, else deemed service (Interpretation Act s.7)."""
    if served_on is not None:
        return served_on
    return post.deemed_served(sent, channel, calendar, policy=policy.deemed_service)
