"""Deadline: one computed clock of a case, and the one status rule every reader applies.

``state`` is what the events settle: pending, met, missed (met late) or disapplied (an exception
lifted the time limit; the nominal ``due`` is kept for SEN2 reporting). The *status* adds the part
that depends on the date: a pending clock is open, due soon (within ``due_soon_days``, default
DUE_SOON_DAYS; settings.due_soon_days / EHCP_DUE_SOON_DAYS) or overdue; a window (a period the LA
must allow, not a duty) that has run its course is met; a conditional clock (CONDITIONAL: due only
once a decision it depends on is made) whose date has passed while still pending is a milestone
passed, not a breach. ``deadline_status`` is that rule; the SQL
that lists deadlines (ehcp.store.reads, ehcp.reports) is built from the constants here.

Standard library only, so the read path can import it without the rest of the domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

PENDING, MET, MISSED, DISAPPLIED = "pending", "met", "missed", "disapplied"
STATES = (PENDING, MET, MISSED, DISAPPLIED)
# The ``exception`` of an advice clock closed by the final plan before the advice came (issue 15).
NOT_RECEIVED_BEFORE_PLAN = "not_received_before_plan"
OPEN, DUE_SOON, OVERDUE, MILESTONE = "open", "due_soon", "overdue", "milestone"
STATUSES = (OPEN, DUE_SOON, OVERDUE, MET, MISSED, DISAPPLIED, MILESTONE)
# Clocks that bind only once the authority has made the decision they depend on. reg 10(1): the
# notice not to issue a plan is due within 16 weeks only if the LA decides not to issue one; while a
# case heads for a plan the 16-week date is a decision point (a milestone), not an overdue duty.
# (Every other clock starts at the event that makes it binding: the decision, the meeting, the notice.)
CONDITIONAL = frozenset({"no_plan_notice"})
DUE_SOON_DAYS = 7  # the default window for "due soon", in days from today


def due_soon_until(today: date, due_soon_days: int = DUE_SOON_DAYS) -> date:
    """The last due date that still counts as due soon on ``today``."""
    return today + timedelta(days=due_soon_days)


def is_conditional(key: str) -> bool:
    """Whether the clock ``key`` (or its repeat ``key.N``) is in CONDITIONAL."""
    return key.split(".", 1)[0] in CONDITIONAL


def deadline_status(state: str, due: date, today: date, *, window: bool = False, conditional: bool = False,
                    due_soon_days: int = DUE_SOON_DAYS) -> str:
    """open | due_soon | overdue | milestone | met | missed | disapplied, as seen on ``today``.

    A settled clock keeps its state (a disapplied clock is never overdue); a pending one is overdue
    after ``due`` (a window is met instead, a conditional clock is a milestone passed), due soon up
    to ``due_soon_until``, else open.
    """
    if state != PENDING:
        return state
    if today > due:
        return MET if window else MILESTONE if conditional else OVERDUE
    return DUE_SOON if due <= due_soon_until(today, due_soon_days) else OPEN


@dataclass(frozen=True)
class Component:
    """A sub-date that made a due date: the reg 22(3) date beside the Devon long-stop, the start of
    an advisory window, a date before the Tribunal's August/Christmas rule moved it."""

    name: str  # e.g. "reg_22_3", "devon_longstop", "window_start"
    on: date
    citation: str
    note: str = ""  # one line: what it is and whether it made the due date

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "date": self.on.isoformat(), "citation": self.citation, "note": self.note}


@dataclass(frozen=True)
class Alternative:
    """Another reading the rulebook asks to show beside the due date, and the policy that selects it."""

    reading: str
    on: date
    citation: str
    policy: str = ""  # "review_restart=meeting": the setting under which this date would be the due date

    def to_dict(self) -> dict[str, Any]:
        return {"reading": self.reading, "date": self.on.isoformat(), "citation": self.citation,
                "policy": self.policy}


@dataclass(frozen=True)
class Deadline:
    """A statutory (or advisory) clock: its nominal due date, what settled it, and why."""

    key: str  # deadline key, e.g. "final_plan", "advice.medical", "advice.medical.2"
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
    components: tuple[Component, ...] = ()  # the sub-dates that made ``due``
    alternatives: tuple[Alternative, ...] = ()  # other readings the rulebook names, with their dates

    def detail(self) -> dict[str, list[dict[str, Any]]] | None:
        """Components and alternatives as stored with the deadline row (None when there are none)."""
        if not self.components and not self.alternatives:
            return None
        return {"components": [c.to_dict() for c in self.components],
                "alternatives": [a.to_dict() for a in self.alternatives]}

    def status(self, today: date, due_soon_days: int = DUE_SOON_DAYS) -> str:
        """This deadline's status on ``today`` (deadline_status)."""
        return deadline_status(self.state, self.due, today, window=self.window,
                               conditional=is_conditional(self.key), due_soon_days=due_soon_days)

    def to_dict(self, today: date, due_soon_days: int = DUE_SOON_DAYS) -> dict[str, Any]:
        """The JSON object ``case show`` prints (dates as ISO strings)."""
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
            "components": [c.to_dict() for c in self.components],
            "alternatives": [a.to_dict() for a in self.alternatives],
        }
