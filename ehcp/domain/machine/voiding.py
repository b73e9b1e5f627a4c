"""Voiding an event recorded in error: the log stays append-only, a correction is a new event.

An ``EventVoided`` names the voided event by its id in the store and describes it (kind, date,
payload), so that replay, which sees events without their ids, can leave it out. It is dated on
the voided event's date, so that a history cut at any date (``stage_on``) voids it or holds neither.
``history.ordered`` applies voids: neither the voided event nor the void itself takes part in a
replay, a guard or a stage. Whether a void is allowed (no later event depends on it) is the
service's question (ehcp.services.corrections), asked of the stage machine.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from ehcp.domain.machine.event import Event
from ehcp.domain.vocabulary import VOIDED_EVENT_KIND


@dataclass(frozen=True)
class EventVoided(Event):
    """Event ``event_id`` (``voided_kind`` with ``voided_payload``, JSON) was recorded in error."""

    kind: ClassVar[str] = VOIDED_EVENT_KIND
    describes_period: ClassVar[bool] = True  # dated on the voided event, before later ones
    event_id: int
    voided_kind: str
    voided_payload: str = "{}"

    @classmethod
    def of(cls, event_id: int, event: Event) -> EventVoided:
        return cls(on=event.on, event_id=event_id, voided_kind=event.kind, voided_payload=payload_text(event))

    def voids(self, event: Event) -> bool:
        return (event.kind == self.voided_kind and event.on == self.on
                and payload_text(event) == self.voided_payload)


def payload_text(event: Event) -> str:
    return json.dumps(event.to_payload(), sort_keys=True)


def without_voided(events: Sequence[Event]) -> list[Event]:
    """``events`` less each void and the one event it voids (the first that matches)."""
    voids = [e for e in events if isinstance(e, EventVoided)]
    if not voids:
        return list(events)
    kept = [e for e in events if not isinstance(e, EventVoided)]
    for void in voids:
        match = next((i for i, e in enumerate(kept) if void.voids(e)), None)
        if match is not None:
            del kept[match]
    return kept
