"""Recompute every case's deadlines after a rule, calendar or policy change, reporting what changed:
each change with its due date (and state) before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ehcp.rules.policy import Policy
from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import sync_deadlines
from ehcp.services.context import ServiceContext
from ehcp.services.policy import policy_of
from ehcp.store.uow import UnitOfWork


@dataclass
class RecomputeResult:
    cases: int = 0
    changes: list[dict] = field(default_factory=list)


def recompute_all(ctx: ServiceContext) -> RecomputeResult:
    """One transaction over all cases; one audit record summarising the changes."""
    with ctx.uow() as uow:
        policy = policy_of(uow, ctx.settings)
        result = recompute_cases(uow, ctx, policy)
        uow.audit.append(actor=ctx.actor, action="deadlines_recomputed",
                         detail={"cases": result.cases, "changed": len(result.changes),
                                 "policy_hash": policy.digest})
        uow.commit()
    return result


def recompute_cases(uow: UnitOfWork, ctx: ServiceContext, policy: Policy) -> RecomputeResult:
    """Every case's deadlines recomputed under ``policy`` in ``uow`` (the caller commits and audits)."""
    result = RecomputeResult()
    calendar = working_calendar(uow)
    before = uow.deadlines.dues()
    for case in uow.cases.all():
        result.cases += 1
        history = uow.events.history(case.id)
        changed = sync_deadlines(uow, case, history, calendar=calendar, today=ctx.today, policy=policy)
        if not changed:
            continue
        after = uow.deadlines.dues_of(case.id)
        for key in changed:
            result.changes.append(_change(case.reference, key, before.get((case.id, key)), after.get(key)))
    return result


def _change(reference: str, key: str, before: tuple | None, after: tuple | None) -> dict[str, Any]:
    return {"reference": reference, "key": key,
            "before": before[0].isoformat() if before else None, "after": after[0].isoformat() if after else None,
            "state_before": before[1] if before else None, "state_after": after[1] if after else None}
