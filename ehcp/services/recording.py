"""The recording pipeline: the spine of every case command.

``record`` is the one way an event reaches a case's log: load the case with a lock (SQLite holds the
write lock from ``BEGIN IMMEDIATE``, PostgreSQL takes ``FOR UPDATE`` on the case row), check the
caller's version and permission, replay the event log once and read the working-day calendar once,
let the command plan its events over them, refuse a date in the future, note the child record if
the log is behind it, validate each event in turn against the law, append them (stage and audit
record per event), recompute the deadlines once, commit, and return one :class:`Recorded`.

A refusal by the law is :class:`~ehcp.services.errors.Refused` carrying the rule, citation, stage
and target as data; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from calendars.working_days import WorkingDayCalendar
from ehcp.domain import Deadline, Event, IllegalMove, check_event, compute_deadlines
from ehcp.rules.policy import DEFAULT_POLICY, Policy
from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import load_case, sync_deadlines, write_event
from ehcp.services.child_notes import child_note
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Conflict, Refused, refused_by_law
from ehcp.services.permissions import require
from ehcp.services.policy import policy_of
from ehcp.store.models import Case
from ehcp.store.uow import UnitOfWork


@dataclass(frozen=True)
class Recorded:
    """What a case command did: the events recorded, the clocks they changed, warnings.

    ``deadlines`` are the clocks that started, moved or settled (every clock of the case when the
    command does not report changes), ``dropped`` the keys of clocks that no longer apply.
    """

    reference: str
    stage: str
    recorded: list[str]
    deadlines: list[Deadline]
    as_of: date
    warnings: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    from_stage: str = ""
    on: date | None = None  # the date of the last event recorded

    @property
    def to_stage(self) -> str:
        return self.stage

    def to_dict(self, due_soon_days: int = 7) -> dict[str, Any]:
        """Stable JSON keys: reference, stage, recorded, deadlines (contract objects), dropped,
        warnings, then the command's own details."""
        return {"reference": self.reference, "stage": self.stage, "recorded": self.recorded,
                "deadlines": [d.to_dict(self.as_of, due_soon_days) for d in self.deadlines],
                "dropped": self.dropped, "warnings": self.warnings, **self.details}

    def deadline(self, key: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.key == key), None)


@dataclass(frozen=True)
class Step:
    """What a command's plan sees: the locked case, its log (replayed once, in effective-date
    order), the calendar (read once), today, and the unit of work for a row written alongside."""

    uow: UnitOfWork
    case: Case
    history: list[Event]
    calendar: WorkingDayCalendar
    today: date
    policy: Policy = DEFAULT_POLICY  # the policy in effect (ehcp.services.policy)


Plan = Callable[[Step], Sequence[Event]]
# Both see the final log, the calendar and the policy in effect (the dates they name follow the council's readings).
Details = Callable[[list[Event], WorkingDayCalendar, Policy], dict[str, Any]]
Warnings = Callable[[list[Event], WorkingDayCalendar, Policy], list[str]]
Permission = str | Callable[[Case], str] | None


def record(ctx: ServiceContext, reference: str, plan: Plan, *, action: str, reason: str | None = None,
           permission: Permission = None, expected_version: int | None = None, note_child: bool = False,
           planned: bool = False, changes: bool = False,
           details: Details | None = None, warnings: Warnings | None = None) -> Recorded:
    """Record the events ``plan`` gives on case ``reference`` in one transaction.

    ``permission`` (a name, or a function of the case) is checked for the acting user;
    ``expected_version`` is the optimistic lock; ``note_child`` records a ``child_noted`` event
    first when the log is behind the child record; ``planned`` says the plan validated its events
    itself (``plan_move``); ``changes`` reports only the clocks that changed and those dropped.
    ``details`` and ``warnings`` are functions of the final log, the calendar and the policy.

    Raises UnknownCase, Conflict (version), Refused (permission, a future date, or the law).
    """
    with ctx.uow() as uow:
        case = load_case(uow, reference, lock=True)
        check_version(case, expected_version)
        if permission is not None:
            require(uow, ctx.settings, permission(case) if callable(permission) else permission)
        history = uow.events.history(case.id)
        calendar = working_calendar(uow)
        policy = policy_of(uow, ctx.settings)
        before = _by_key(compute_deadlines(history, calendar=calendar, today=ctx.today, policy=policy)) \
            if changes else None
        try:
            events = list(plan(Step(uow, case, history, calendar, ctx.today, policy)))
        except IllegalMove as exc:
            raise refused_by_law(case.reference, exc) from None
        check_dates(ctx, *((e.on, e.kind.replace("_", " ") + " date") for e in events))
        if note_child:
            first = min((e.on for e in events), default=ctx.today)
            events = child_note(case, history, ctx.today, calendar, first=first) + events
        if not planned:
            validate(case.reference, history, events, calendar)
        from_stage = case.stage
        for event in events:
            history = write_event(uow, case, event, history, actor=ctx.actor, reason=reason,
                                  action=action if event.kind != "child_noted" else "child_noted")
        after = compute_deadlines(history, calendar=calendar, today=ctx.today, policy=policy)
        sync_deadlines(uow, case, history, calendar=calendar, today=ctx.today, policy=policy, computed=after)
        uow.commit()
    changed, dropped = after, []
    if before is not None:
        changed = [d for d in after if before.get(d.key) != d]
        dropped = sorted(set(before) - {d.key for d in after})
    return Recorded(case.reference, case.stage, [e.kind for e in events], changed, ctx.today,
                    warnings(history, calendar, policy) if warnings else [],
                    details(history, calendar, policy) if details else {}, dropped,
                    from_stage, events[-1].on if events else None)


def _by_key(deadlines: list[Deadline]) -> dict[str, Deadline]:
    return {d.key: d for d in deadlines}


def validate(reference: str, history: Sequence[Event], events: Sequence[Event], calendar: WorkingDayCalendar) -> None:
    """Check each event against the law after the log and the events before it; raise Refused
    (with the rule and citation) at the first the law does not allow."""
    so_far = list(history)
    for event in events:
        try:
            check_event(so_far, event, calendar=calendar)
        except IllegalMove as exc:
            raise refused_by_law(reference, exc) from None
        so_far.append(event)


def check_dates(ctx: ServiceContext, *dated: tuple[date | None, str]) -> None:
    """Refuse a date in the future: every fact is recorded once it has happened."""
    for day, what in dated:
        if day is not None and day > ctx.today:
            raise Refused(f"{what} {day.isoformat()} is in the future (today is {ctx.today.isoformat()})")


def check_version(case: Case, expected_version: int | None) -> None:
    """Optimistic locking: raise Conflict if the case changed since the caller read ``expected_version``."""
    if expected_version is None or case.version == expected_version:
        return
    at = case.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    raise Conflict(f"{case.reference}: changed by {case.updated_by} at {at}, please re-check "
                   f"(version {case.version}; you had version {expected_version})")
