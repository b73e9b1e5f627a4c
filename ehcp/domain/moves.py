"""plan_move and check_event: validate a move or an event against the table and its guards.

`plan_move(history, to, on, **details)` builds the event that moves a case to stage ``to`` and
checks it; `check_event(history, event)` checks any event, moving or not. Both raise IllegalMove
with a one-line reason and its citation, and change nothing. Pass the working-day ``calendar`` in
force (with proclaimed extra holidays); without one, England and Wales bank holidays are used.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from ehcp.domain import dispute_guards, guards, lifecycle_guards, record_guards
from ehcp.domain.errors import IllegalMove
from ehcp.domain.events import EVENT_TYPES, Event
from ehcp.domain.guards import Guard, GuardContext
from ehcp.domain.history import current_stage, ordered, stage_on
from ehcp.domain.stages import Stage
from ehcp.domain.transitions import (
    ALL_TRANSITIONS,
    COMMON_GUARDS,
    MOVING_KINDS,
    Transition,
    exits,
    recording_for,
    transition_for,
    transition_to,
)
from ehcp.rules.catalogue import DEFAULT_RULES
from ehcp.rules.model import RuleSet
from ehcp.rules.policy import DEFAULT_POLICY, Policy

_MOVE_GUARDS = ("none", "open_stage", "not_before_request", "not_before_previous_event", "first_event",
                "valid_service", "representation_window_closed", "valid_review_outcome")
_RECORD_GUARDS = ("valid_advice_request", "matching_advice_request", "window_open", "matching_consultation",
                  "no_amendment_in_progress", "amendment_window_closed", "valid_exception")
GUARDS: dict[str, Guard] = {name: getattr(guards, name) for name in _MOVE_GUARDS}
GUARDS |= {name: getattr(record_guards, name) for name in _RECORD_GUARDS}
GUARDS |= {name: getattr(lifecycle_guards, name) for name in lifecycle_guards.LIFECYCLE_GUARD_NAMES}
GUARDS |= {name: getattr(dispute_guards, name) for name in dispute_guards.DISPUTE_GUARD_NAMES}
KIND_TARGET = {t.kind: t.target for t in ALL_TRANSITIONS}


@lru_cache(maxsize=1)
def default_calendar() -> object:
    """England and Wales working days, without one-off proclaimed days."""
    from calendars import england_and_wales

    return england_and_wales()


def plan_move(history: Sequence[Event], to: Stage | str, on: date, *, calendar: object = None,
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
                          f"{', '.join(sorted(details))}", on=on) from None
    check_event(events, event, calendar=calendar, rules=rules, policy=policy)
    return event


def _transition(events: list[Event], target: Stage, on: date) -> Transition:
    if not events:
        if target is Stage.REQUEST:
            return transition_for(None, "request_received")
        raise IllegalMove(None, target, "the case has no request yet", "CFA 2014 s.36(1)", on)
    stage = current_stage(events)
    _refuse_if_closed(events, stage, target, on)
    move = transition_to(stage, target)
    if move is None:
        allowed = ", ".join(t.target.value for t in exits(stage))
        raise IllegalMove(stage, target, f"the law has no move from {stage.value} to {target.value} "
                          f"(from {stage.value} a case moves to {allowed})", on=on)
    return move


def _refuse_if_closed(events: list[Event], stage: Stage, target: Stage | str, on: date) -> None:
    context = GuardContext([e for e in events if e.kind in MOVING_KINDS], stage, None, DEFAULT_RULES,
                           DEFAULT_POLICY)
    refusal = guards.open_stage(Event(on), context)
    if refusal is not None:
        raise IllegalMove(stage, target, refusal.reason, refusal.citation, on)


def check_event(history: Sequence[Event], event: Event, *, calendar: object = None,
                rules: RuleSet = DEFAULT_RULES, policy: Policy = DEFAULT_POLICY) -> None:
    """Raise IllegalMove unless the law allows ``event`` to be added to ``history``."""
    events = ordered(history)
    cal = calendar if calendar is not None else default_calendar()
    if event.kind in MOVING_KINDS:
        stage = current_stage(events) if events else None
        names, target = _move_guards(events, stage, event)
    else:
        stage = stage_on(events, event.on) if events else None
        names, target = _recording_guards(stage, event)
    context = GuardContext(events, stage or Stage.REQUEST, cal, rules, policy)
    for name in names:
        refusal = GUARDS[name](event, context)
        if refusal is not None:
            raise IllegalMove(stage, target, refusal.reason, refusal.citation, event.on)


def _move_guards(events: list[Event], stage: Stage | None, event: Event) -> tuple[tuple[str, ...], Stage]:
    target = KIND_TARGET[event.kind]
    if stage is None:
        move = transition_for(None, event.kind)
        if move is None:
            raise IllegalMove(None, target, "the case has no request yet", "CFA 2014 s.36(1)", event.on)
        return (move.guard,), target
    _refuse_if_closed(events, stage, target, event.on)
    if event.kind == "request_received":  # refused by first_event with the reason
        return ("first_event",), target
    move = transition_for(stage, event.kind)
    if move is None:
        raise IllegalMove(stage, target, f"{event.kind.replace('_', ' ')} does not follow from "
                          f"{stage.value}", on=event.on)
    common = tuple(name for name in COMMON_GUARDS if name != "open_stage")
    return common + (move.guard,), target


def _recording_guards(stage: Stage | None, event: Event) -> tuple[tuple[str, ...], str]:
    recording = recording_for(event.kind)
    if recording is None:
        raise IllegalMove(stage, event.kind, f"unknown event kind {event.kind!r}", on=event.on)
    if stage is None:
        raise IllegalMove(None, event.kind, "the case has no request yet", "CFA 2014 s.36(1)", event.on)
    if stage not in recording.stages:
        allowed = ", ".join(sorted(s.value for s in recording.stages))
        raise IllegalMove(stage, event.kind, f"it can be recorded only while the case is in {allowed}",
                          recording.citation, event.on)
    return ("not_before_request", recording.guard), event.kind
