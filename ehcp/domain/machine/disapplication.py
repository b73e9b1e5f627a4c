"""Disapplication: statutory exceptions disapply a time limit, they never extend it
(statutory-timescales.md section 0). The event that records one, its guard and its row are here too,
because an exception may touch the clocks of every process.

An ExceptionRecorded disapplies a clock when the rule version governing the clock lists its reason
(under the Policy: Q1, Q14) and the facts fall inside the clock's period ``trigger .. due``. One
small test per reason:

* personal_circumstances (reg 5(4)(c), 8(2)(a), 10(4)(c)): ``on .. until`` (or the day ``on``)
  overlaps the period.
* absence_from_area (reg 5(4)(d), 8(2)(b), 10(4)(d)): a continuous absence, counted inclusively,
  of at least Policy.absence_min_days (28; reg 44: 14) days inside the period; an absence with no
  end date counts up to today (G19, G20).
* missed_appointment (reg 8(2)(c)): the appointment date ``on`` lies in the period (G11).
* school_closure (reg 5(4)(a)-(b), 10(4)(a)-(b), 13(3), 27(3)(a)-(b)): ``on`` = first day closed,
  ``until`` = re-opening date, closed at least 28 days, and an ``educational`` advice request dated
  inside ``[on - 7, until - 7]`` and inside the period (G06). Never an advice clock (reg 8(2), G07).
* coronavirus (SI 2020/471): only under the 2020 version; ``on .. until`` overlaps the period (G52).

A clock settled (met or missed) before the exception began stays as it was; a met clock always stays
met. ``advice_kind`` on the exception confines it to advice clocks of that kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar, Protocol

from calendars import terms
from ehcp.domain.deadlines import DISAPPLIED, MET
from ehcp.domain.machine.clocks import Clock, Context
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.guards import GuardContext
from ehcp.domain.machine.refusal import Refusal
from ehcp.domain.machine.table import Recording
from ehcp.domain.vocabulary import ADVICE_KINDS, EXCEPTION_REASONS, OPEN_STAGES, ExceptionReason
from ehcp.rules.policy import Policy


@dataclass(frozen=True)
class ExceptionRecorded(Event):
    """A circumstance that may disapply time limits (reg 5(4), 8(2), 10(4), 13(3); SI 2020/471).

    ``on`` is the first day it applies; ``until`` the last day (for school_closure: the re-opening
    date); ``advice_kind`` limits it to the advice clocks of one kind.
    """

    kind: ClassVar[str] = "exception_recorded"
    same_day: ClassVar[int] = 440
    describes_period: ClassVar[bool] = True
    reason: str
    until: date | None = None
    advice_kind: str | None = None


class AdviceRequest(Protocol):
    """What a school-closure test reads of an advice request (assessment.AdviceRequested)."""

    @property
    def on(self) -> date: ...

    @property
    def advice_kind(self) -> str: ...


Check = Callable[[ExceptionRecorded, Clock, Sequence[AdviceRequest], Context], bool]


def valid_exception(event: ExceptionRecorded, g: GuardContext) -> Refusal | None:
    """A known reason, a period that does not end before it starts, a re-opening date for closures."""
    if event.reason not in EXCEPTION_REASONS:
        return Refusal(f"unknown exception reason {event.reason!r}; reasons are {', '.join(EXCEPTION_REASONS)}")
    if event.until is not None and event.until < event.on:
        return Refusal(f"the exception ends ({event.until.isoformat()}) before it starts")
    if event.reason == ExceptionReason.SCHOOL_CLOSURE and event.until is None:
        return Refusal("a school closure needs the date the setting re-opens",
                       "SEND Regulations 2014 reg 10(4)(a)")
    if event.advice_kind is not None and event.advice_kind not in ADVICE_KINDS:
        return Refusal(f"unknown advice kind {event.advice_kind!r}; kinds are {', '.join(ADVICE_KINDS)}")
    for other in g.history:
        if isinstance(other, ExceptionRecorded) and _same_circumstance(other, event):
            return Refusal(f"a {event.reason} exception from {other.on.isoformat()}"
                           f"{' to ' + other.until.isoformat() if other.until else ''} is already recorded and "
                           "overlaps this one; one circumstance is recorded once")
    return None


def _same_circumstance(a: ExceptionRecorded, b: ExceptionRecorded) -> bool:
    """The same reason (and advice kind) over overlapping periods: the same circumstance twice."""
    return (a.reason, a.advice_kind) == (b.reason, b.advice_kind) and a.on <= _last_day(b) and b.on <= _last_day(a)


def _last_day(exc: ExceptionRecorded) -> date:
    """The last day an exception covers: an absence with no end runs on; the others are one day."""
    if exc.until is not None:
        return exc.until
    return date.max if exc.reason == ExceptionReason.ABSENCE_FROM_AREA else exc.on


def why_nothing_changed(exc: ExceptionRecorded, policy: Policy) -> str:
    """Why an exception disapplied no clock, in the words of the regulation it falls short of."""
    if exc.reason == ExceptionReason.SCHOOL_CLOSURE and exc.until is not None:
        days = (exc.until - exc.on).days
        if days < policy.closure_min_days:
            return (f"a closure of {days} days is shorter than four weeks ({policy.closure_min_days} days; "
                    "SEND Regulations 2014 reg 5(4)(a), 10(4)(a))")
        return ("no educational advice was requested from the head teacher between a week before the closure "
                "and a week before it re-opened (SEND Regulations 2014 reg 5(4)(a), 10(4)(a); G06), and a "
                "closure never disapplies an advice clock (reg 8(2))")
    if exc.reason == ExceptionReason.ABSENCE_FROM_AREA and exc.until is not None:
        days = (exc.until - exc.on).days + 1
        if days < policy.absence_min_days:
            return (f"an absence of {days} days is shorter than four weeks ({policy.absence_min_days} days; "
                    "SEND Regulations 2014 reg 5(4)(d), 8(2)(b), 10(4)(d))")
    if exc.reason == ExceptionReason.MISSED_APPOINTMENT:
        kind = f"{exc.advice_kind} " if exc.advice_kind else ""
        return (f"no {kind}advice clock was running on {exc.on.isoformat()} (a missed appointment disapplies "
                "only the advice clock of the body that made it, SEND Regulations 2014 reg 8(2)(c))")
    return (f"no clock still running between {exc.on.isoformat()} and {_last_day(exc).isoformat()} is one "
            f"that {exc.reason.replace('_', ' ')} can disapply, or the clocks had already been met")


RECORDINGS: tuple[Recording, ...] = (
    Recording("exception_recorded", OPEN_STAGES, valid_exception,
              "SEND Regulations 2014 reg 5(4), 8(2), 10(4), 13(3)"),
)


def _overlaps(start: date, end: date, clock: Clock) -> bool:
    return start <= clock.due and clock.trigger <= end


def _inclusive_days_inside(start: date, end: date, clock: Clock) -> int:
    first, last = max(start, clock.trigger), min(end, clock.due)
    return (last - first).days + 1 if last >= first else 0


def personal_circumstances(exc: ExceptionRecorded, clock: Clock, requests: Sequence[AdviceRequest],
                           ctx: Context) -> bool:
    """Exceptional personal circumstances during the period (reg 5(4)(c), 8(2)(a), 10(4)(c))."""
    return _overlaps(exc.on, exc.until or exc.on, clock)


def absence_from_area(exc: ExceptionRecorded, clock: Clock, requests: Sequence[AdviceRequest],
                      ctx: Context) -> bool:
    """Continuous absence of not less than 4 weeks during the period (reg 5(4)(d), 10(4)(d))."""
    end = exc.until or min(clock.due, ctx.today)
    minimum = clock.rule.absence_min_days or ctx.policy.absence_min_days
    return _inclusive_days_inside(exc.on, end, clock) >= minimum


def missed_appointment(exc: ExceptionRecorded, clock: Clock, requests: Sequence[AdviceRequest],
                       ctx: Context) -> bool:
    """An appointment made by the body and missed during its 6 weeks (reg 8(2)(c))."""
    return clock.trigger <= exc.on <= clock.due


def school_closure(exc: ExceptionRecorded, clock: Clock, requests: Sequence[AdviceRequest],
                   ctx: Context) -> bool:
    """Head teacher's advice requested in the closure window (reg 5(4)(a), 10(4)(a))."""
    if exc.until is None or (exc.until - exc.on).days < ctx.policy.closure_min_days:
        return False
    opens, closes = terms.exception_window(terms.Closure(exc.on, exc.until, None))
    return any(
        opens <= request.on <= closes and clock.trigger <= request.on <= clock.due
        for request in requests if request.advice_kind == "educational"
    )


def coronavirus(exc: ExceptionRecorded, clock: Clock, requests: Sequence[AdviceRequest],
                ctx: Context) -> bool:
    """A reason relating to the incidence or transmission of coronavirus (SI 2020/471)."""
    return _overlaps(exc.on, exc.until or exc.on, clock)


CHECKS: dict[str, Check] = {
    "personal_circumstances": personal_circumstances,
    "absence_from_area": absence_from_area,
    "missed_appointment": missed_appointment,
    "school_closure": school_closure,
    "coronavirus": coronavirus,
}


def applies(exc: ExceptionRecorded, clock: Clock, requests: Sequence[AdviceRequest], ctx: Context) -> bool:
    """True if ``exc`` disapplies ``clock`` (ignoring when the clock was settled)."""
    if exc.reason not in ctx.policy.exceptions_for(clock.rule) or exc.reason not in CHECKS:
        return False
    if exc.advice_kind is not None and not _advice_of_kind(clock, exc.advice_kind):
        return False
    return CHECKS[exc.reason](exc, clock, requests, ctx)


def _advice_of_kind(clock: Clock, kind: str) -> bool:
    return clock.key.startswith("advice.") and clock.subject == kind


def verdict(exc: ExceptionRecorded, clock: Clock, requests: Sequence[AdviceRequest], ctx: Context) -> tuple[bool, str]:
    """Whether ``exc`` disapplies ``clock``, and why (or why not), in one line (``deadline explain``)."""
    reason = exc.reason.replace("_", " ")
    if exc.reason not in ctx.policy.exceptions_for(clock.rule):
        return False, (f"{reason} is not an exception to {clock.rule.rule_id} ({clock.rule.citation}) under the "
                       "policy in effect (Q1, Q14)")
    if exc.advice_kind is not None and not _advice_of_kind(clock, exc.advice_kind):
        return False, f"it concerns the {exc.advice_kind} advice, not this clock"
    if clock.met_on is not None and exc.on > clock.met_on:
        return False, f"it began on {exc.on.isoformat()}, after the clock was settled on {clock.met_on.isoformat()}"
    if exc.reason in CHECKS and CHECKS[exc.reason](exc, clock, requests, ctx):
        if clock.state == MET:
            return True, f"{reason} applied while the clock ran; it was met in time, so it stays met (SEN2 Week20)"
        return True, f"{reason} applies: the time limit is disapplied (the duty is now 'as soon as practicable')"
    return False, why_nothing_changed(exc, ctx.policy)


def disapply(clock: Clock, exceptions: Sequence[ExceptionRecorded], requests: Sequence[AdviceRequest],
             ctx: Context) -> Clock:
    """``clock`` disapplied by the earliest exception that applies to it, or unchanged.

    A clock met in time stays met, but still names the exception that applied while it ran: the
    DfE's SEN2 ``Week20`` flag counts a plan as an exception case whether or not it was on time.
    """
    for exc in sorted(exceptions, key=lambda e: (e.on, e.reason)):
        if clock.met_on is not None and exc.on > clock.met_on:
            continue
        if applies(exc, clock, requests, ctx):
            if clock.state == MET:
                return replace(clock, exception=exc.reason)
            return replace(clock, state=DISAPPLIED, exception=exc.reason)
    return clock
