"""The base of every event: a frozen dataclass with a class-level ``kind`` and an effective date.

Events are facts in the past tense. The store keeps ``kind``, ``on`` and ``to_payload()`` (JSON);
ehcp.domain.events.event_from rebuilds one. Constructors do not validate: the stage machine
(ehcp.domain.moves.check_event) says whether the law allows an event.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, ClassVar


@dataclass(frozen=True)
class Event:
    """Base class: ``on`` is the date the event took effect (sent, received, held, decided)."""

    kind: ClassVar[str] = ""
    # An event that describes a period (an exception) rather than an act may be dated before the
    # events already recorded; every other event keeps the log in date order.
    describes_period: ClassVar[bool] = False
    # The event's slot in the statutory sequence of one day, across the processes (a request before
    # the decision, a waiver before the final plan): history.ordered sorts same-day events by it.
    # Each event class declares its own; slots are spaced by 10 so a new kind fits between two.
    # ehcp.domain.events.LIFECYCLE_ORDER lists the kinds in this order. Unslotted events come last.
    same_day: ClassVar[int] = 1_000_000
    on: date

    def to_payload(self) -> dict[str, Any]:
        """The event's fields except ``on``, JSON-ready (dates as ISO strings)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name != "on"}


class UnknownEvent(ValueError):
    """No event type has this kind."""


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value
