"""Bring every open case's log into step with its child record (date of birth, year group), so the
under-5, year 9 and phase-transfer clocks of cases opened before those clocks existed are rows of
the deadlines table too (and so reach the caseworker digest)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ehcp.domain import OPEN_STAGES
from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import append_event, case_events
from ehcp.services.context import ServiceContext
from ehcp.services.lifecycle_common import child_note
from ehcp.store import audit
from ehcp.store.models import Case



@dataclass
class Synced:
    cases: int = 0
    noted: list[str] = field(default_factory=list)


def sync_children(ctx: ServiceContext) -> Synced:
    """One transaction: a ``child_noted`` event (dated today) on each open case whose log differs
    from its child record; one audit record per event and one summary."""
    result = Synced()
    with ctx.uow() as uow:
        session = uow.session
        calendar = working_calendar(session)
        for case in session.scalars(select(Case).where(Case.stage.in_(sorted(s.value for s in OPEN_STAGES))).order_by(Case.id)):
            result.cases += 1
            for event in child_note(case, case_events(session, case.id), ctx.today, calendar):
                append_event(session, case, event, actor=ctx.actor, today=ctx.today, action="child_noted")
                result.noted.append(case.reference)
        audit.append(session, actor=ctx.actor, action="children_synced",
                     detail={"cases": result.cases, "noted": len(result.noted)})
        uow.commit()
    return result
