"""A case's history: its events in effective-date order, and the queries every guard asks of it.

Events are ordered by date; on the same date by their place in the statutory sequence (a request
before the decision, a waiver before the final plan: each event class declares its ``same_day`` slot);
then by recording order. So the same facts always replay the same way, whatever order they were typed in.
An event voided as recorded in error is left out (machine.voiding).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from ehcp.domain.machine.event import Event
from ehcp.domain.machine.voiding import without_voided

History = Sequence[Event]


def ordered(events: Iterable[Event]) -> list[Event]:
    """Events sorted by (date, place in the statutory sequence (Event.same_day), recording order);
    events voided as recorded in error, and the voids, left out (machine.voiding)."""
    indexed = list(enumerate(without_voided(list(events))))
    indexed.sort(key=lambda pair: (pair[1].on, pair[1].same_day, pair[0]))
    return [event for _, event in indexed]


def request_of(events: Iterable[Event]) -> Event | None:
    """The request that opened the case (the earliest request_received)."""
    return next((e for e in ordered(events) if e.kind == "request_received"), None)


def last_of(events: Iterable[Event], kind: str, before: date | None = None) -> Event | None:
    """The latest event of ``kind`` (on or before ``before`` if given)."""
    found = [e for e in ordered(events) if e.kind == kind and (before is None or e.on <= before)]
    return found[-1] if found else None
