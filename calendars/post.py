"""Deemed service of documents (statutory-timescales.md section 0 "Service and receipt", 9.3, Q3).

A posted document is served when it would be delivered in the ordinary course of post
(Interpretation Act 1978 s.7, applied to statutory instruments by s.23). The default policy is
the Practice Direction (QBD) [1985] 1 WLR 489; CPR 6.26 is the alternative for first-class post.
Recorded actual receipt always beats both: callers pass it instead of asking here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calendars.working_days import WorkingDayCalendar

CHANNELS = ("email", "hand", "portal", "first_class_post", "second_class_post")
POLICIES = ("practice_direction_1985", "cpr_6_26")
SAME_DAY = frozenset({"email", "hand", "portal"})
WORKING_DAYS_BY_POST = {"first_class_post": 2, "second_class_post": 4}


def deemed_served(sent: date, channel: str, cal: WorkingDayCalendar,
                  policy: str = "practice_direction_1985") -> date:
    """The date a document sent on ``sent`` by ``channel`` is deemed served.

    Email, hand and portal: that day. First class: the 2nd working day after posting; second
    class: the 4th (1985 PD). ``cpr_6_26`` changes first class only (CPR has no second-class rule).
    """
    _check(channel, policy)
    if channel in SAME_DAY:
        return sent
    if policy == "cpr_6_26" and channel == "first_class_post":
        return _cpr_6_26(sent, cal)
    return cal.add_working_days(sent, WORKING_DAYS_BY_POST[channel])


def _cpr_6_26(posted: date, cal: WorkingDayCalendar) -> date:
    """CPR 6.26: the second day after posting if a business day, else the next business day."""
    second = posted + timedelta(days=2)
    return second if cal.is_working_day(second) else cal.next_working_day_after(second)


def latest_posting_date(must_be_served_by: date, channel: str, cal: WorkingDayCalendar,
                        policy: str = "practice_direction_1985") -> date:
    """The latest working day to send so that deemed service is on or before the date (G57)."""
    _check(channel, policy)
    day = cal.last_working_day_on_or_before(must_be_served_by)
    while deemed_served(day, channel, cal, policy) > must_be_served_by:
        day = cal.add_working_days(day, -1)
    return day


def _check(channel: str, policy: str) -> None:
    """Unknown channels and policies are errors, never silently same-day."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    if policy not in POLICIES:
        raise ValueError(f"unknown deemed-service policy {policy!r}; expected one of {', '.join(POLICIES)}")
