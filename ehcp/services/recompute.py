"""Recompute every case's deadlines after a rule or calendar change, reporting what changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ehcp.services.case_log import case_events, sync_deadlines
from ehcp.services.context import ServiceContext
from ehcp.store import audit
from ehcp.store.models import Case


@dataclass
class RecomputeResult:
    cases: int = 0
    changes: list[dict] = field(default_factory=list)


def recompute_all(ctx: ServiceContext) -> RecomputeResult:
    """One transaction over all cases; one audit record summarising the changes."""
    result = RecomputeResult()
    with ctx.uow() as uow:
        session = uow.session
        for case in session.scalars(select(Case).order_by(Case.id)):
            result.cases += 1
            for key in sync_deadlines(session, case, case_events(session, case.id), today=ctx.today):
                result.changes.append({"reference": case.reference, "key": key})
        audit.append(session, actor=ctx.actor, action="deadlines_recomputed",
                     detail={"cases": result.cases, "changed": len(result.changes)})
        uow.commit()
    return result
