"""The base of every event: a frozen dataclass with a class-level ``kind`` and an effective date."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, ClassVar


@dataclass(frozen=True)
class Event:
    """Base class: ``on`` is the date the event took effect (sent, received, held, decided)."""

    kind: ClassVar[str] = ""
    on: date

    def to_payload(self) -> dict[str, Any]:
        """The event's fields except ``on``, JSON-ready (dates as ISO strings)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name != "on"}


def _plain(value: Any) -> Any:  # noqa: ANN401
    return value.isoformat() if isinstance(value, date) else value
