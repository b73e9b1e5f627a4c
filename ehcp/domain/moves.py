"""plan_move and check_event: validate a move or an event against the lifecycle's rows and guards.

`plan_move(history, to, on, **details)` builds the event that moves a case to stage ``to`` and
checks it; `check_event(history, event)` checks any event, moving or not. Both raise IllegalMove,
carrying the stage, target, reason, citation and the refusing rule as data, and change nothing.
Pass the working-day ``calendar`` in force (with proclaimed extra holidays); without one, England
and Wales bank holidays are used.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from calendars import england_and_wales
from calendars.working_days import WorkingDayCalendar
from ehcp.domain.events import EVENT_TYPES
from ehcp.domain.lifecycle import (
    KIND_TARGET,
    MOVING_KINDS,
    current_stage,
    exits,
    recording_for,
    replay_events,
    stage_on,
    transition_for,
    transition_to,
)
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.guards import COMMON_GUARDS, Guard, GuardContext, not_before_request, open_stage
from ehcp.domain.machine.history import ordered
from ehcp.domain.machine.refusal import IllegalMove
from ehcp.domain.machine.table import Transition
from ehcp.domain.vocabulary import CLOSED_STAGES, Stage
from ehcp.rules.catalogue import DEFAULT_RULES
from ehcp.rules.model import RuleSet
from ehcp.rules.policy import DEFAULT_POLICY, Policy

NO_REQUEST = "CFA 2014 s.36(1)"


@lru_cache(maxsize=1)
def default_calendar() -> WorkingDayCalendar:
    """England and Wales working days, without one-off proclaimed days."""
    return england_and_wales()


def plan_move(history: Sequence[Event], to: Stage | str, on: date, *, calendar: WorkingDayCalendar | None = None,
              rules: RuleSet = DEFAULT_RULES, policy: Policy = DEFAULT_POLICY, **details: object) -> Event:
    """The event that moves the case to ``to`` on ``on``; raises IllegalMove if the law forbids it.

    ``details`` are the event's own fields: ``source`` for a request, ``channel``/``served_on``
    for a draft plan, ``outcome`` (maintain | amend | cease) for a review decision.
    """
    target = Stage(to)
    events = ordered(history)
    move = _transition(events, target, on)
    try:
        event = EVENT_TYPES[move.kind](on=on, **details)
    except TypeError:
        raise IllegalMove(move.source, target, f"{move.kind.replace('_', ' ')} takes no details "
                          f"{', '.join(sorted(details))}", on=on, rule="event_details", kind=move.kind) from None
    check_event(events, event, calendar=calendar, rules=rules, policy=policy)
    return event


def _transition(events: list[Event], target: Stage, on: date) -> Transition:
    if not events:
        if target is Stage.REQUEST:
            first = transition_for(None, "request_received")
            assert first is not None  # the assessment table's first row
            return first
        raise IllegalMove(None, target, "the case has no request yet", NO_REQUEST, on, rule="no_request")
    stage = current_stage(events)
    _refuse_if_closed(events, stage, target, on)
    move = transition_to(stage, target)
    if move is None:
        allowed = ", ".join(t.target.value for t in exits(stage))
        raise IllegalMove(stage, target, f"the law has no move from {stage.value} to {target.value} "
                          f"(from {stage.value} a case moves to {allowed})", on=on, rule="no_move")
    return move


def _refuse_if_closed(events: list[Event], stage: Stage, target: Stage | str, on: date) -> None:
    context = GuardContext([e for e in events if e.kind in MOVING_KINDS], stage, default_calendar(), DEFAULT_RULES,
                           DEFAULT_POLICY, replay_events)
    refusal = open_stage(Event(on), context)
    if refusal is not None:
        raise IllegalMove(stage, target, refusal.reason, refusal.citation, on, rule=open_stage.__name__)


def check_event(history: Sequence[Event], event: Event, *, calendar: WorkingDayCalendar | None = None,
                rules: RuleSet = DEFAULT_RULES, policy: Policy = DEFAULT_POLICY) -> None:
    """Raise IllegalMove unless the law allows ``event`` to be added to ``history``."""
    events = ordered(history)
    cal = calendar if calendar is not None else default_calendar()
    target: Stage | str  # a move's target stage, or the kind of a recording (it moves nothing)
    if event.kind in MOVING_KINDS:
        stage = current_stage(events) if events else None
        guards, target = _move_guards(events, stage, event)
    else:
        stage = stage_on(events, event.on) if events else None
        guards, target = _recording_guards(stage, event)
    context = GuardContext(events, stage or Stage.REQUEST, cal, rules, policy, replay_events)
    for guard in guards:
        refusal = guard(event, context)
        if refusal is not None:
            raise IllegalMove(stage, target, refusal.reason, refusal.citation, event.on, rule=guard.__name__,
                              kind=event.kind)


def _move_guards(events: list[Event], stage: Stage | None, event: Event) -> tuple[tuple[Guard, ...], Stage]:
    target = KIND_TARGET[event.kind]
    if stage is None:
        move = transition_for(None, event.kind)
        if move is None:
            raise IllegalMove(None, target, "the case has no request yet", NO_REQUEST, event.on, rule="no_request",
                              kind=event.kind)
        return (move.guard,), target
    reopening = transition_for(stage, event.kind)
    if reopening is None or reopening.source not in CLOSED_STAGES:  # a tribunal order may reopen a closed case
        _refuse_if_closed(events, stage, target, event.on)
    if event.kind == "request_received":  # refused by first_event with the reason
        first = transition_for(None, event.kind)
        assert first is not None
        return (first.guard,), target
    move = transition_for(stage, event.kind)
    if move is None:
        raise IllegalMove(stage, target, f"{event.kind.replace('_', ' ')} does not follow from "
                          f"{stage.value}", on=event.on, rule="no_move", kind=event.kind)
    common = tuple(guard for guard in COMMON_GUARDS if guard is not open_stage)
    return (*common, move.guard), target


def _recording_guards(stage: Stage | None, event: Event) -> tuple[tuple[Guard, ...], str]:
    recording = recording_for(event.kind)
    if recording is None:
        raise IllegalMove(stage, event.kind, f"unknown event kind {event.kind!r}", on=event.on, rule="unknown_event")
    if stage is None:
        raise IllegalMove(None, event.kind, "the case has no request yet", NO_REQUEST, event.on, rule="no_request")
    if stage not in recording.stages:
        allowed = ", ".join(sorted(s.value for s in recording.stages))
        raise IllegalMove(stage, event.kind, f"it can be recorded only while the case is in {allowed}",
                          recording.citation, event.on, rule="not_in_stage")
    return (not_before_request, recording.guard), event.kind
