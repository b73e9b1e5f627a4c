"""Guards: the conditions of the stage machine's rows, and the few every process shares.

A guard is a function ``(event, GuardContext) -> Refusal | None``: it looks at the history so far
(in order) and the candidate event and returns None to allow it, or a Refusal naming the reason and
the authority. Rows of the table hold the function itself; its ``__name__`` is what the table prints
and what an IllegalMove reports as its ``rule``.

Where a guard depends on where the case stands (a decision to dispute, an appeal pending, a
re-assessment under way) it asks ``GuardContext.state_on``, which replays the log up to that day
with the same handlers that compute the deadlines, so the refusal and the deadline never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from calendars.working_days import WorkingDayCalendar
from ehcp.domain.machine.clocks import Context
from ehcp.domain.machine.counting import nominal_due, service_date
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.history import ordered, request_of
from ehcp.domain.machine.refusal import Refusal
from ehcp.domain.machine.replay import Replay
from ehcp.domain.vocabulary import CHANNELS, CLOSED_STAGES, Stage
from ehcp.rules.model import RuleSet
from ehcp.rules.policy import Policy

# Replays an ordered history into its working state (ehcp.domain.lifecycle.replay_events).
Replayer = Callable[[list[Event], Context], Replay]


@dataclass(frozen=True)
class GuardContext:
    """The case's ordered history, the stage it stands in, the calendar, rules and policy, and the
    lifecycle's replay (handed in by the assembly, so that guards need not import it)."""

    history: Sequence[Event]
    stage: Stage
    calendar: WorkingDayCalendar
    rules: RuleSet
    policy: Policy
    replay: Replayer

    def state_on(self, on: date) -> Replay:
        """Where the case stood at the end of ``on`` (the log replayed up to that day)."""
        ctx = Context(calendar=self.calendar, today=on, rules=self.rules, policy=self.policy)
        return self.replay([e for e in ordered(self.history) if e.on <= on], ctx)


# A guard takes its own event class (AdviceRequested, CeaseNoticeSent ...), hence Any.
Guard = Callable[[Any, GuardContext], Refusal | None]


def none(event: Event, g: GuardContext) -> Refusal | None:
    return None


def open_stage(event: Event, g: GuardContext) -> Refusal | None:
    """A closed case (not assessed, no plan, ceased, withdrawn) never moves again."""
    if g.stage not in CLOSED_STAGES:
        return None
    closed = g.history[-1].on.isoformat() if g.history else "?"
    if g.stage in (Stage.NOT_ASSESSED, Stage.NO_PLAN):
        return Refusal(f"the case is closed ({g.stage.value} since {closed}); only a tribunal order to "
                       f"{'assess' if g.stage is Stage.NOT_ASSESSED else 'make and maintain a plan'} (or an "
                       "unopposed appeal) reopens it: record it with 'ehcp tribunal order' or "
                       "'ehcp tribunal unopposed'",
                       "SEND Regulations 2014 regs 44-45")
    return Refusal(f"the case is closed ({g.stage.value} since {closed})")


def not_before_request(event: Event, g: GuardContext) -> Refusal | None:
    request = request_of(g.history)
    if request is None or event.on >= request.on:
        return None
    return Refusal(f"the request was received on {request.on.isoformat()}")


def not_before_previous_event(event: Event, g: GuardContext) -> Refusal | None:
    """The log stays in date order (exceptions, which describe periods, excepted)."""
    dated = [e for e in g.history if not e.describes_period]
    if not dated or event.on >= dated[-1].on:
        return None
    last = dated[-1]
    return Refusal(f"the previous event ({last.kind.replace('_', ' ')}) is dated {last.on.isoformat()}")


# Checked before every move: a closed case never moves, and the log stays in date order.
COMMON_GUARDS: tuple[Guard, ...] = (open_stage, not_before_request, not_before_previous_event)


def one_of(value: object, allowed: Sequence[object], what: str, citation: str | None = None) -> Refusal | None:
    """Refuse a value outside its vocabulary, listing the allowed ones."""
    if value in allowed:
        return None
    return Refusal(f"unknown {what} {value!r}; {what}s are {', '.join(map(str, allowed))}", citation)


def valid_service(event: Event, g: GuardContext) -> Refusal | None:
    """A known channel, and service not before sending."""
    channel, served = getattr(event, "channel", None), getattr(event, "served_on", None)
    if channel not in CHANNELS:
        return Refusal(f"unknown channel {channel!r}; channels are {', '.join(CHANNELS)}")
    if served is not None and served < event.on:
        return Refusal(f"it cannot be served ({served.isoformat()}) before it was sent")
    return None


def window_end(sent: Event, key: str, g: GuardContext) -> date:
    """Last day of the 15 days beginning with service of a draft or amended plan (reg 13(1)(a), 22(2)(c))."""
    # only document events (a draft or amendment notice) open a window: they carry channel and served_on
    served = service_date(sent.on, sent.channel, sent.served_on,  # type: ignore[attr-defined]
                          calendar=g.calendar, policy=g.policy)
    return nominal_due(g.rules.rule(key, served), served, calendar=g.calendar, policy=g.policy)


def window_open_until(sent: Event, key: str, on: date, g: GuardContext) -> date | None:
    """The last day of the representations window ``sent`` opened, if ``on`` falls inside it and no
    written waiver came since; None once the plan may be finalised (reg 13(1)(a), 22(2)(c))."""
    last = window_end(sent, key, g)
    return None if on > last or waived_since(sent, on, g) else last


def waived_since(sent: Event, on: date, g: GuardContext) -> bool:
    """The parent or young person waived the rest of the window in writing between ``sent`` and ``on``."""
    return any(e.kind == "representations_waived" and sent.on <= e.on <= on for e in g.history)
