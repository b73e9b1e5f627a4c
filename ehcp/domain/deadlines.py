"""Deadline: one computed clock of a case, and its date-dependent status (contract.md).

``state`` is what the events settle: pending, met, missed (met late) or disapplied (an exception
lifted the time limit; the nominal ``due`` is kept for SEN2 reporting, statutory-timescales.md s.0).
``status(today)`` adds the part that depends on the date: open, due_soon or overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

PENDING, MET, MISSED, DISAPPLIED = "pending", "met", "missed", "disapplied"
STATES = (PENDING, MET, MISSED, DISAPPLIED)
OPEN, DUE_SOON, OVERDUE = "open", "due_soon", "overdue"
STATUSES = (OPEN, DUE_SOON, OVERDUE, MET, MISSED, DISAPPLIED)


@dataclass(frozen=True)
class Deadline:
    """A statutory (or advisory) clock: its nominal due date, what settled it, and why."""

    key: str  # contract.md deadline key, e.g. "final_plan", "advice.medical", "advice.medical.2"
    rule: str  # rule id, e.g. "R-FINAL-PLAN"
    due: date  # nominal date, never rolled forward, kept even when disapplied
    state: str  # pending | met | missed | disapplied
    met_on: date | None
    citation: str
    exception: str | None  # the reason code that disapplied it
    practical_last_working_day: date  # last working day on or before `due` (planning aid)
    advisory: bool = False  # Code of Practice guidance, never a breach of law
    trigger: date | None = None  # the date the clock started from (receipt, service, meeting)
    window: bool = False  # a minimum period the LA must allow (due = its last day), not a duty

    def status(self, today: date, due_soon_days: int = 7) -> str:
        """open | due_soon | overdue | met | missed | disapplied, as seen on ``today``.

        A disapplied clock is never overdue; a window that has run its course counts as met.
        """
        if self.state != PENDING:
            return self.state
        if today > self.due:
            return MET if self.window else OVERDUE
        return DUE_SOON if (self.due - today).days <= due_soon_days else OPEN

    def to_dict(self, today: date, due_soon_days: int = 7) -> dict[str, Any]:
        """The contract's JSON object for ``case show`` (dates as ISO strings)."""
        return {
            "key": self.key,
            "due": self.due.isoformat(),
            "status": self.status(today, due_soon_days),
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "citation": self.citation,
            "exception": self.exception,
            "practical_last_working_day": self.practical_last_working_day.isoformat(),
            "rule": self.rule,
            "advisory": self.advisory,
            "state": self.state,
            "trigger": self.trigger.isoformat() if self.trigger else None,
        }
