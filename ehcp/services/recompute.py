"""Recompute every case's deadlines after a rule or calendar change, reporting what changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import sync_deadlines
from ehcp.services.context import ServiceContext


@dataclass
class RecomputeResult:
    cases: int = 0
    changes: list[dict] = field(default_factory=list)


def recompute_all(ctx: ServiceContext) -> RecomputeResult:
    """One transaction over all cases; one audit record summarising the changes."""
    result = RecomputeResult()
    with ctx.uow() as uow:
        calendar = working_calendar(uow)
        for case in uow.cases.all():
            result.cases += 1
            history = uow.events.history(case.id)
            for key in sync_deadlines(uow, case, history, calendar=calendar, today=ctx.today):
                result.changes.append({"reference": case.reference, "key": key})
        uow.audit.append(actor=ctx.actor, action="deadlines_recomputed",
                         detail={"cases": result.cases, "changed": len(result.changes)})
        uow.commit()
    return result
