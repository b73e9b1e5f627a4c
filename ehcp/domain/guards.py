"""Guards: the named conditions of the transition table, one small function each.

A guard looks at the history so far (in order) and the candidate event and returns None to allow
it, or a Refusal naming the reason and the authority.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from ehcp.domain import events as ev
from ehcp.domain.counting import nominal_due, service_date
from ehcp.domain.history import last_of, request_of
from ehcp.domain.stages import CLOSED_STAGES, Stage
from ehcp.rules.model import SEND_REGS_IN_FORCE, RuleSet
from ehcp.rules.policy import Policy


@dataclass(frozen=True)
class Refusal:
    reason: str
    citation: str | None = None


@dataclass(frozen=True)
class GuardContext:
    """The case's ordered history, the stage it stands in, and the calendar, rules and policy."""

    history: Sequence[ev.Event]
    stage: Stage
    calendar: object
    rules: RuleSet
    policy: Policy


Guard = Callable[[ev.Event, GuardContext], Refusal | None]


def none(event: ev.Event, g: GuardContext) -> Refusal | None:
    return None


def open_stage(event: ev.Event, g: GuardContext) -> Refusal | None:
    """A closed case (not assessed, no plan, ceased, withdrawn) never moves again."""
    if g.stage not in CLOSED_STAGES:
        return None
    closed = g.history[-1].on.isoformat() if g.history else "?"
    return Refusal(f"the case is closed ({g.stage.value} since {closed})")


def not_before_request(event: ev.Event, g: GuardContext) -> Refusal | None:
    request = request_of(g.history)
    if request is None or event.on >= request.on:
        return None
    return Refusal(f"the request was received on {request.on.isoformat()}")


def not_before_previous_event(event: ev.Event, g: GuardContext) -> Refusal | None:
    """The log stays in date order (exceptions, which describe periods, excepted)."""
    dated = [e for e in g.history if not isinstance(e, ev.ExceptionRecorded)]
    if not dated or event.on >= dated[-1].on:
        return None
    last = dated[-1]
    return Refusal(f"the previous event ({last.kind.replace('_', ' ')}) is dated {last.on.isoformat()}")


def first_event(event: ev.Event, g: GuardContext) -> Refusal | None:
    request = request_of(g.history)
    if request is not None:
        return Refusal(f"the case already has a request (received on {request.on.isoformat()}); "
                       "open a new case for a new request")
    if g.history:
        return Refusal("the case was opened by a plan transferring in; open a new case for a new request")
    if event.on < SEND_REGS_IN_FORCE:
        return Refusal("the SEND Regulations 2014 came into force on 2014-09-01", "SEND Regulations 2014 reg 1")
    if getattr(event, "source", None) not in ev.REQUEST_SOURCES:
        return Refusal(f"unknown request source {getattr(event, 'source', None)!r}; sources are "
                       + ", ".join(ev.REQUEST_SOURCES))
    return None


def valid_service(event: ev.Event, g: GuardContext) -> Refusal | None:
    """A known channel, and service not before sending."""
    channel, served = getattr(event, "channel", None), getattr(event, "served_on", None)
    if channel not in ev.CHANNELS:
        return Refusal(f"unknown channel {channel!r}; channels are {', '.join(ev.CHANNELS)}")
    if served is not None and served < event.on:
        return Refusal(f"it cannot be served ({served.isoformat()}) before it was sent")
    return None


def window_end(sent: ev.DraftPlanSent | ev.AmendmentNoticeSent, key: str, g: GuardContext) -> date:
    """Last day of the 15 days beginning with service (reg 13(1)(a), 22(2)(c))."""
    served = service_date(sent.on, sent.channel, sent.served_on, calendar=g.calendar, policy=g.policy)
    return nominal_due(g.rules.rule(key, served), served, calendar=g.calendar, policy=g.policy)


def waived_since(sent: ev.Event, on: date, g: GuardContext) -> bool:
    return any(isinstance(e, ev.RepresentationsWaived) and sent.on <= e.on <= on for e in g.history)


def representation_window_closed(event: ev.Event, g: GuardContext) -> Refusal | None:
    """No final plan inside the parent's 15-day window unless waived in writing (reg 13(1)(a))."""
    draft = last_of(g.history, "draft_plan_sent")
    if draft is None:
        return None
    last = window_end(draft, "draft_representations", g)
    if event.on > last or waived_since(draft, event.on, g):
        return None
    return Refusal(f"the parent's 15-day window for representations (SEND Regulations 2014 reg 13(1)(a)) "
                   f"runs to {last.isoformat()}; record a written waiver to finalise earlier",
                   "SEND Regulations 2014 reg 13(1)(a)")


def valid_review_outcome(event: ev.Event, g: GuardContext) -> Refusal | None:
    outcome = getattr(event, "outcome", None)
    if outcome in ev.REVIEW_OUTCOMES:
        return None
    return Refusal(f"unknown review outcome {outcome!r}; outcomes are {', '.join(ev.REVIEW_OUTCOMES)}",
                   "SEND Regulations 2014 reg 20(10)")
