"""School and setting closures, and the reg 5(4)(a)/(b), 10(4)(a)/(b) exception window.

The exception needs advice requested from the head teacher (or early-years provider) "during a
period beginning one week before any date on which that school ... was closed for a continuous
period of not less than 4 weeks from that date and ending one week before the date on which it
re-opens" (SEND Regs 2014 reg 10(4)(a); statutory-timescales.md sections 1 and 3; G06, G07).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
ONE_WEEK = timedelta(weeks=1)
FOUR_WEEKS = 28


@dataclass(frozen=True)
class Closure:
    """A setting closed from ``start`` (first day closed) until ``reopens`` (first day open again)."""

    start: date
    reopens: date
    setting: str | None = None

    def __post_init__(self) -> None:
        if self.reopens <= self.start:
            raise ValueError(f"a closure must reopen after it starts ({self.start} .. {self.reopens})")

    @property
    def days(self) -> int:
        """Length in calendar days: reopens - start."""
        return (self.reopens - self.start).days

    def __contains__(self, d: date) -> bool:
        return self.start <= d < self.reopens


def bridge_weekend(closure: Closure) -> Closure:
    """Stretch a closure over the Saturday and Sunday either side of it (the school is shut then too)."""
    start, reopens = closure.start, closure.reopens
    while (start - ONE_DAY).weekday() > 4:
        start -= ONE_DAY
    while reopens.weekday() > 4:
        reopens += ONE_DAY
    return replace(closure, start=start, reopens=reopens)


def merge_closures(closures: Iterable[Closure], *, bridge_weekends: bool = True) -> list[Closure]:
    """Continuous closures per setting, in date order.

    Overlapping and adjacent closures are joined, and so are closures with only a weekend between
    them (closed to Friday, closed again from Monday). ``bridge_weekends`` also stretches each
    result over the weekend either side (a holiday given as Monday to Friday runs Saturday to the
    Monday it reopens), since "closed for a continuous period" counts those days.
    """
    items = sorted(closures, key=lambda c: (c.setting or "", c.setting is not None, c.start))
    merged: list[Closure] = []
    for c in items:
        last = merged[-1] if merged else None
        if last and last.setting == c.setting and _only_weekend_between(last.reopens, c.start):
            merged[-1] = replace(last, reopens=max(last.reopens, c.reopens))
        else:
            merged.append(c)
    return [bridge_weekend(c) for c in merged] if bridge_weekends else merged


def _only_weekend_between(reopens: date, start: date) -> bool:
    """No weekday from ``reopens`` up to (not including) ``start``; true when they overlap."""
    day = reopens
    while day < start:
        if day.weekday() < 5:
            return False
        day += ONE_DAY
    return True


def long_closures(closures: Iterable[Closure], min_days: int = FOUR_WEEKS, *,
                  bridge_weekends: bool = True) -> list[Closure]:
    """Continuous closures of not less than 4 weeks (reopens - start >= 28; reg 5(4)(a), 10(4)(a))."""
    return [c for c in merge_closures(closures, bridge_weekends=bridge_weekends) if c.days >= min_days]


def exception_window(closure: Closure) -> tuple[date, date]:
    """(start - 7 days, reopens - 7 days), both inclusive (reg 5(4)(a), 10(4)(a); G06)."""
    return closure.start - ONE_WEEK, closure.reopens - ONE_WEEK


def in_exception_window(request_date: date, closures: Iterable[Closure],
                        min_days: int = FOUR_WEEKS) -> Closure | None:
    """The long closure whose exception window holds ``request_date``, if any."""
    for closure in long_closures(closures, min_days):
        opens, closes = exception_window(closure)
        if opens <= request_date <= closes:
            return closure
    return None
