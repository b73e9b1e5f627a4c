"""What every lifecycle use case shares: record one or more domain events on a case in one
transaction (validated in turn, each appended, deadlines re-derived and audited by
ehcp.services.case_log), and report which clocks that started, moved or settled.

The child's date of birth and year group drive under-5 reviews, year 9 and phase transfers; when the
case's log does not yet say what the child record says, a ``child_noted`` event is recorded first,
in the same transaction, dated with the earliest event it comes with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ehcp.domain import IllegalMove, check_event, child_facts, compute_deadlines, ordered
from ehcp.domain import academic_year
from ehcp.domain import events as ev
from ehcp.domain import Deadline
from ehcp.domain.vocabulary import CHANNELS
from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import append_event, case_events, load_case
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.store.models import Case

Build = Callable[[Case, list, object], Sequence[ev.Event]]


@dataclass(frozen=True)
class Recorded:
    """What a lifecycle command did: the events recorded, the clocks they changed, warnings."""

    reference: str
    stage: str
    recorded: list[str]
    deadlines: list[Deadline]
    as_of: date
    warnings: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # keys of clocks that no longer apply

    def to_dict(self, due_soon_days: int = 7) -> dict[str, Any]:
        """Stable JSON keys: reference, stage, recorded, deadlines (contract objects), dropped,
        warnings, then the command's own details."""
        return {"reference": self.reference, "stage": self.stage, "recorded": self.recorded,
                "deadlines": [d.to_dict(self.as_of, due_soon_days) for d in self.deadlines],
                "dropped": self.dropped, "warnings": self.warnings, **self.details}

    def deadline(self, key: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.key == key), None)


def check_dates(ctx: ServiceContext, *dated: tuple[date | None, str]) -> None:
    """Refuse a date in the future: every lifecycle fact is recorded once it has happened."""
    for day, what in dated:
        if day is not None and day > ctx.today:
            raise Refused(f"{what} {day.isoformat()} is in the future (today is {ctx.today.isoformat()})")


def check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise Refused(f"unknown channel {channel!r}; channels are {', '.join(CHANNELS)}")
    return channel


def record(ctx: ServiceContext, reference: str, build: Build | Sequence[ev.Event], *, action: str,
           reason: str | None = None, details: Callable[[list, Any], dict] | None = None,
           warnings: Callable[[list, Any], list[str]] | None = None) -> Recorded:
    """Validate and append the events ``build`` gives (a list, or a function of the case, its
    history and the calendar), then report. Raises Refused naming the rule (nothing written)."""
    with ctx.uow() as uow:
        session = uow.session
        case = load_case(session, reference, lock=True)
        history = case_events(session, case.id)
        calendar = working_calendar(session)
        before = {d.key: d for d in compute_deadlines(history, calendar=calendar, today=ctx.today)}
        events = list(build(case, history, calendar) if callable(build) else build)
        check_dates(ctx, *((e.on, e.kind.replace("_", " ") + " date") for e in events))
        first = min((e.on for e in events), default=ctx.today)
        events = child_note(case, history, ctx.today, calendar, first=first) + events
        _validate(case.reference, history, events, calendar)
        for event in events:
            history = append_event(session, case, event, actor=ctx.actor, today=ctx.today, reason=reason,
                                   action=action if event.kind != "child_noted" else "child_noted")
        uow.commit()
        after = compute_deadlines(history, calendar=calendar, today=ctx.today)
        changed = [d for d in after if before.get(d.key) != d]
        dropped = sorted(set(before) - {d.key for d in after})
        return Recorded(case.reference, case.stage, [e.kind for e in events], changed, ctx.today,
                        warnings(history, calendar) if warnings else [],
                        details(history, calendar) if details else {}, dropped)


def _validate(reference: str, history: list, events: list, calendar: object) -> None:
    so_far = list(history)
    for event in events:
        try:
            check_event(so_far, event, calendar=calendar)
        except IllegalMove as exc:
            raise Refused(f"{reference}: {exc}") from None
        so_far.append(event)


def child_note(case: Case, history: list, today: date, calendar: object, *, first: date | None = None) -> list[ev.Event]:
    """A child_noted event if the log's idea of the child differs from the child record.

    Dated ``first`` (the earliest event being recorded with it), not today: a note dated today
    would come after a back-dated move (a review held last week) and the move would be refused as
    out of order. The recorded year group is taken back to that date's academic year. Falls back
    to today if the earlier date is refused (before the case began), and to no note on a closed case.
    """
    child = case.child
    facts = child_facts(ordered(history))
    same_dob = facts.dob == child.dob
    if child.year_group is None:
        same_year = facts.year_group is None
    else:
        same_year = facts.year_group is not None and facts.ncy(today) == child.year_group
    if same_dob and same_year:
        return []
    for on in dict.fromkeys((min(first or today, today), today)):
        year_group = None if child.year_group is None else (
            child.year_group - (academic_year(today) - academic_year(on)))
        note = ev.ChildNoted(on, child.dob, year_group)
        try:
            check_event(history, note, calendar=calendar)
        except IllegalMove:
            continue
        return [note]
    return []  # a closed case: nothing to plan for


def latest(history: list, kind: str, **match: object) -> ev.Event | None:
    """The latest event of ``kind`` (matching the given field values) in the ordered log."""
    found = [e for e in ordered(history) if e.kind == kind and all(getattr(e, k) == v for k, v in match.items())]
    return found[-1] if found else None
