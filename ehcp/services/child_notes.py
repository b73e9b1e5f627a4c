"""The child record in the case's log: the ``child_noted`` event that brings a log into step with
the child's date of birth and year group, and the sweep that does so for every open case, so the
under-5, year 9 and phase-transfer clocks of cases opened before those clocks existed are rows of
the deadlines table too (and so reach the caseworker digest)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from calendars.working_days import WorkingDayCalendar
from ehcp.domain import OPEN_STAGES, IllegalMove, academic_year, check_event, child_facts, ordered, year_group_on
from ehcp.domain import events as ev
from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import sync_deadlines, write_event
from ehcp.services.context import ServiceContext
from ehcp.services.policy import policy_of
from ehcp.store.models import Case, Child


def current_year_group(child: Child, on: date) -> int | None:
    """The child's recorded year group moved on to the academic year of ``on`` (None if none is
    recorded). A row from before the academic year was stored counts as recorded that year."""
    if child.year_group is None:
        return None
    return year_group_on(child.year_group, child.year_group_year or academic_year(on), on)


@dataclass
class Synced:
    cases: int = 0
    noted: list[str] = field(default_factory=list)


def child_note(case: Case, history: list, today: date, calendar: WorkingDayCalendar, *,
               first: date | None = None) -> list[ev.Event]:
    """A child_noted event if the log's idea of the child differs from the child record.

    Dated ``first`` (the earliest event being recorded with it), not today: a note dated today
    would come after a back-dated move (a review held last week) and the move would be refused as
    out of order. The recorded year group is given as it was in that date's academic year. Falls back
    to today if the earlier date is refused (before the case began), and to no note on a closed case.
    """
    child = case.child
    facts = child_facts(ordered(history))
    same_dob = facts.dob == child.dob
    if child.year_group is None:
        same_year = facts.year_group is None
    else:
        same_year = facts.year_group is not None and facts.ncy(today) == current_year_group(child, today)
    if same_dob and same_year:
        return []
    for on in dict.fromkeys((min(first or today, today), today)):
        note = ev.ChildNoted(on, child.dob, current_year_group(child, on))
        try:
            check_event(history, note, calendar=calendar)
        except IllegalMove:
            continue
        return [note]
    return []  # a closed case: nothing to plan for


def sync_children(ctx: ServiceContext) -> Synced:
    """One transaction: a ``child_noted`` event (dated today) on each open case whose log differs
    from its child record; one audit record per event and one summary."""
    result = Synced()
    with ctx.uow() as uow:
        calendar = working_calendar(uow)
        for case in uow.cases.in_stages(s.value for s in OPEN_STAGES):
            result.cases += 1
            history = uow.events.history(case.id)
            notes = child_note(case, history, ctx.today, calendar)
            for event in notes:
                history = write_event(uow, case, event, history, actor=ctx.actor, action="child_noted")
                result.noted.append(case.reference)
            if notes:
                sync_deadlines(uow, case, history, calendar=calendar, today=ctx.today,
                               policy=policy_of(uow, ctx.settings))
        uow.audit.append(actor=ctx.actor, action="children_synced",
                         detail={"cases": result.cases, "noted": len(result.noted)})
        uow.commit()
    return result
