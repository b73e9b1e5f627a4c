"""The lifecycle: the statutory processes' tables and handlers assembled in one place.

Each process package (assessment, review, plan_life, disputes) brings its EVENTS, the rows of the
stage machine it owns (TRANSITIONS that move a case, RECORDINGS that do not) holding their guard
functions, and the HANDLERS that start and settle its clocks while a history is replayed;
machine.disapplication brings the exception event's row. This module reads them together:

* ``TRANSITIONS`` / ``RECORDINGS`` are the core rows (the events of ehcp.domain.events.EVENT_TYPES;
  ``case advance --to STAGE`` only ever builds a core move), ``LIFECYCLE_TRANSITIONS`` /
  ``LIFECYCLE_RECORDINGS`` the rest; every move also passes COMMON_GUARDS.
* ``HANDLERS`` maps an event kind to the handlers of every process that reacts to it, run in
  HANDLER_ORDER: a final plan is assessment's end and starts the review year; an appeal event is
  the disputes' and then decides when a plan under a decision to cease may end (plan_life).

So a new event kind is its process package's business (events with their same-day slot, table row,
guard, handler); the registry (ehcp.domain.events) and the same-day order derive from the packages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from ehcp.domain import assessment, disputes, plan_life, review
from ehcp.domain.events import EVENT_TYPES
from ehcp.domain.machine import disapplication
from ehcp.domain.machine.child import child_facts
from ehcp.domain.machine.clocks import Context
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.guards import COMMON_GUARDS
from ehcp.domain.machine.history import ordered
from ehcp.domain.machine.replay import Replay
from ehcp.domain.machine.table import Recording, Transition
from ehcp.domain.vocabulary import CLOSED_STAGES, INITIAL_STAGE, Stage

Handler = Callable[[Replay, Event], None]

PROCESSES = (assessment, review, plan_life, disputes)
HANDLER_ORDER = (assessment, review, disputes, plan_life)

_MOVES = tuple(t for process in PROCESSES for t in process.TRANSITIONS)
_RECORDED = tuple(r for process in PROCESSES for r in process.RECORDINGS) + disapplication.RECORDINGS

TRANSITIONS: tuple[Transition, ...] = tuple(t for t in _MOVES if t.kind in EVENT_TYPES)
RECORDINGS: tuple[Recording, ...] = tuple(r for r in _RECORDED if r.kind in EVENT_TYPES)
LIFECYCLE_TRANSITIONS: tuple[Transition, ...] = tuple(t for t in _MOVES if t.kind not in EVENT_TYPES)
LIFECYCLE_RECORDINGS: tuple[Recording, ...] = tuple(r for r in _RECORDED if r.kind not in EVENT_TYPES)
ALL_TRANSITIONS = TRANSITIONS + LIFECYCLE_TRANSITIONS
ALL_RECORDINGS = RECORDINGS + LIFECYCLE_RECORDINGS
MOVING_KINDS = frozenset(t.kind for t in ALL_TRANSITIONS)
KIND_TARGET = {t.kind: t.target for t in ALL_TRANSITIONS}
_BY_STAGE_AND_KIND = {(t.source, t.kind): t for t in ALL_TRANSITIONS}
_RECORDING_BY_KIND = {r.kind: r for r in ALL_RECORDINGS}


def _handlers() -> dict[str, tuple[Handler, ...]]:
    merged: dict[str, tuple[Handler, ...]] = {}
    for process in HANDLER_ORDER:
        for kind, handler in process.HANDLERS.items():
            merged[kind] = (*merged.get(kind, ()), handler)
    return merged


HANDLERS = _handlers()


def transition_for(stage: Stage | None, kind: str) -> Transition | None:
    """The transition event ``kind`` makes from ``stage``, if any."""
    return _BY_STAGE_AND_KIND.get((stage, kind))


def transition_to(stage: Stage, target: Stage) -> Transition | None:
    """The core transition from ``stage`` to ``target``, if the table has one."""
    return next((t for t in TRANSITIONS if t.source == stage and t.target == target), None)


def recording_for(kind: str) -> Recording | None:
    return _RECORDING_BY_KIND.get(kind)


def exits(stage: Stage) -> tuple[Transition, ...]:
    return tuple(t for t in TRANSITIONS if t.source == stage)


def current_stage(events: Iterable[Event]) -> Stage:
    """The stage the events lead to; an event with no transition from the stage reached is ignored."""
    stage: Stage | None = None
    for event in ordered(events):
        move = transition_for(stage, event.kind)
        if move is not None:
            stage = move.target
    return stage or INITIAL_STAGE


def stage_on(events: Iterable[Event], day: date) -> Stage:
    """The stage the case was in at the end of ``day``."""
    return current_stage(event for event in events if event.on <= day)


def replay_events(history: list[Event], ctx: Context) -> Replay:
    """The working state after replaying ``history`` (already ordered): clocks and where things stand.

    The child's date of birth and year group, and any noted phase transfers, are read from the
    whole log first (machine.child).
    """
    replay = Replay(ctx)
    replay.child = child_facts(history)
    replay.phase_notes = [e for e in history if e.kind == "phase_transfer_noted"]
    for event in history:
        for handler in HANDLERS.get(event.kind, ()):
            handler(replay, event)
    return replay


def describe_transitions() -> str:
    """The stage machine as text: moves, the guards every move passes, then non-moving events."""
    lines = ["moves:"] + [f"  {t.describe()}" for t in TRANSITIONS]
    lines.append(f"every move: {', '.join(g.__name__ for g in COMMON_GUARDS)}; closed stages: "
                 + ", ".join(sorted(s.value for s in CLOSED_STAGES)))
    lines += ["events that do not move a case:"] + [f"  {r.describe()}" for r in RECORDINGS]
    return "\n".join(lines)


def describe_lifecycle() -> str:
    """The lifecycle rows (reviews to tribunal orders) as text, in the same shape."""
    lines = ["lifecycle moves:"] + [f"  {t.describe()}" for t in LIFECYCLE_TRANSITIONS]
    lines += ["lifecycle events that do not move a case:"] + [f"  {r.describe()}" for r in LIFECYCLE_RECORDINGS]
    return "\n".join(lines)
