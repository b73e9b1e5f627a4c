"""The appeal window: opening it when an appealable decision is sent, and when a notice of appeal
is in time (HESC Rules 2008 r.20(1)(c), r.12; statutory-timescales.md 8.2).

Every process whose decisions carry appeal rights (a refusal to re-assess, a decision to cease or not
to amend, a decision recorded as appealable) opens the window with start_appeal_window.

Within 2 months after the decision notice was sent or, if later, 1 month after the mediation
certificate was issued (C-MONTHS-AFTER each, the later one). Then r.12:

* from the 2020 amendment (Policy.hesc_r12_2020_from, Q22): a period ending 25 December - 1 January
  or in August runs to the first working day after 1 January / 31 August (r.12(3)(a); G40, G41);
  otherwise a period ending on a non-working day runs to the next working day (r.12(2); G42).
* before it: the days 25 December - 1 January and all of August are not counted (r.12(3) as made),
  then r.12(2).

The same not-counting is available for the LA's reg 44-45 duties as Policy Q19 (default: no, G46).
"""

from __future__ import annotations

from datetime import date, timedelta

from calendars import conventions
from calendars.working_days import WorkingDayCalendar
from ehcp.domain.deadlines import Component
from ehcp.domain.disputes.events import NO_MEDIATION_NEEDED
from ehcp.domain.machine.counting import tribunal_holiday as tribunal_holiday  # re-exported
from ehcp.domain.machine.replay import Replay
from ehcp.rules.model import Rule, RuleSet
from ehcp.rules.policy import Policy

ONE_DAY = timedelta(days=1)


def not_counting_holidays(start: date, end: date) -> date:
    """``end`` pushed on so that start..end counts as many days as it would with no holidays."""
    owed = sum(1 for n in range(1, (end - start).days + 1) if tribunal_holiday(start + timedelta(days=n)))
    while owed:
        end += ONE_DAY
        if not tribunal_holiday(end):
            owed -= 1
    return end


def _months(d: date, n: int, policy: Policy) -> date:
    due = conventions.months_after(d, n)
    return due - ONE_DAY if policy.months_after == "corresponding_minus_one" else due


def _roll_2020(end: date, cal: WorkingDayCalendar) -> date:
    if (end.month == 12 and end.day >= 25) or (end.month == 1 and end.day == 1):
        return cal.next_working_day_after(date(end.year + (end.month == 12), 1, 1))
    if end.month == 8:
        return cal.next_working_day_after(date(end.year, 8, 31))
    return end if cal.is_working_day(end) else cal.next_working_day_after(end)


def _in_time_until(start: date, months: int, cal: WorkingDayCalendar, policy: Policy) -> date:
    end = _months(start, months, policy)
    if end >= policy.hesc_r12_2020_from:
        return _roll_2020(end, cal)
    end = not_counting_holidays(start, end)
    return end if cal.is_working_day(end) else cal.next_working_day_after(end)


def appeal_in_time_until(sent: date, certificate: date | None, *, calendar: WorkingDayCalendar, policy: Policy) -> date:
    """The last day the Tribunal may receive the notice of appeal (by 5pm, r.12(1))."""
    due = _in_time_until(sent, 2, calendar, policy)
    if certificate is not None:
        due = max(due, _in_time_until(certificate, 1, calendar, policy))
    return due


def appeal_components(sent: date, certificate: date | None, *, calendar: WorkingDayCalendar,
                      policy: Policy) -> tuple[Component, ...]:
    """The plain date(s) before r.12 and where r.12 put each: the sub-dates of the appeal deadline."""
    starts = [("decision", sent, 2, "HESC Rules 2008 r.20(1)(c)", "the decision notice")]
    if certificate is not None:
        starts.append(("certificate", certificate, 1, "HESC Rules 2008 r.20(1)(c)", "the mediation certificate"))
    parts: list[Component] = []
    for name, start, months, citation, what in starts:
        plain = _months(start, months, policy)
        moved = _in_time_until(start, months, calendar, policy)
        unit = "month" if months == 1 else "months"
        parts.append(Component(f"{months}_{unit}_after_{name}", plain, citation,
                               f"{months} {unit} after {what} of {start.isoformat()}, before r.12"))
        parts.append(Component(f"{name}_after_r12", moved, _r12_citation(plain, policy),
                               _r12_note(plain, moved, policy)))
    return tuple(parts)


def due_of(components: tuple[Component, ...]) -> date:
    """The appeal deadline its components give: the latest date after r.12 (as appeal_in_time_until)."""
    return max(c.on for c in components if c.name.endswith("_after_r12"))


def _r12_citation(plain: date, policy: Policy) -> str:
    if plain >= policy.hesc_r12_2020_from:
        return "HESC Rules 2008 r.12(2), r.12(3)(a) (as amended 2020)"
    return "HESC Rules 2008 r.12(2), r.12(3) (as made)"


def _r12_note(plain: date, moved: date, policy: Policy) -> str:
    if moved == plain:
        return "r.12: not moved (ends on a working day outside August and 25 December - 1 January)"
    if plain >= policy.hesc_r12_2020_from:
        if plain.month == 8:
            why = "ends in August: runs to the first working day after 31 August"
        elif tribunal_holiday(plain):
            why = "ends 25 December - 1 January: runs to the first working day after 1 January"
        else:
            why = "ends on a non-working day: runs to the next working day"
    else:
        why = "August and 25 December - 1 January not counted, then the next working day"
    return f"r.12 moved {plain.isoformat()} to {moved.isoformat()}: {why}"


def appeal_rule(rules: RuleSet, due: date, policy: Policy) -> Rule:
    """The R-APPEAL-DEADLINE version whose r.12 was applied (split at Policy.hesc_r12_2020_from)."""
    versions = rules.versions("appeal_deadline")
    wanted = "hesc-2008+2020" if due >= policy.hesc_r12_2020_from else "hesc-2008"
    return next((v for v in versions if v.version == wanted), versions[-1])


def start_appeal_window(r: Replay, sent: date, about: str) -> None:
    """The family may appeal the decision sent on ``sent`` (and must first consider mediation)."""
    r.decision, r.certificate, r.appeal_pending = (sent, about), None, None
    ctx = r.ctx
    parts = appeal_components(sent, None, calendar=ctx.calendar, policy=ctx.policy)
    due = due_of(parts)  # = appeal_in_time_until(sent, None, ...)
    r.appeal_key = r.put("appeal_deadline", appeal_rule(ctx.rules, due, ctx.policy), sent, due, subject=about)
    r.clocks[r.appeal_key] = r.clocks[r.appeal_key].with_detail(components=parts)
    if about not in NO_MEDIATION_NEEDED:
        r.start("mediation_contact", sent, subject=about)
