"""What every lifecycle use case shares: record one or more domain events on a case through the
recording pipeline (:mod:`ehcp.services.recording`), noting the child record first when the log is
behind it, and report which clocks that started, moved or settled.

The child's date of birth and year group drive under-5 reviews, year 9 and phase transfers; when the
case's log does not yet say what the child record says, a ``child_noted`` event is recorded first,
in the same transaction, dated with the earliest event it comes with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from calendars.working_days import WorkingDayCalendar
from ehcp.domain import events as ev
from ehcp.domain import ordered
from ehcp.domain.vocabulary import CHANNELS
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.recording import Details, Permission, Recorded, Step, Warnings, check_dates
from ehcp.services.recording import record as record_events
from ehcp.store.models import Case

Build = Callable[[Case, list[ev.Event], WorkingDayCalendar], Sequence[ev.Event]]

__all__ = ["Build", "Recorded", "check_channel", "check_dates", "latest", "record"]


def check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise Refused(f"unknown channel {channel!r}; channels are {', '.join(CHANNELS)}")
    return channel


def record(ctx: ServiceContext, reference: str, build: Build | Sequence[ev.Event], *, action: str,
           reason: str | None = None, details: Details | None = None, warnings: Warnings | None = None,
           permission: Permission = None) -> Recorded:
    """Validate and append the events ``build`` gives (a list, or a function of the case, its
    history and the calendar), then report the clocks they changed. Raises Refused naming the rule
    (nothing written), or the ``permission`` (a name, or a function of the case) the user lacks."""

    def plan(step: Step) -> Sequence[ev.Event]:
        return build(step.case, step.history, step.calendar) if callable(build) else build

    return record_events(ctx, reference, plan, action=action, reason=reason, note_child=True, changes=True,
                         details=details, warnings=warnings, permission=permission)


def latest(history: list, kind: str, **match: object) -> ev.Event | None:
    """The latest event of ``kind`` (matching the given field values) in the ordered log."""
    found = [e for e in ordered(history) if e.kind == kind and all(getattr(e, k) == v for k, v in match.items())]
    return found[-1] if found else None
