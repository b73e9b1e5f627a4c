"""``ehcp deadline explain REF KEY``: one deadline of a case, step by step (ehcp.domain.explain),
computed under the policy in effect, with a note when the stored row was computed under another."""

from __future__ import annotations

from typing import Any

from ehcp.domain.explain import NoSuchDeadline, explain_deadline
from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import load_case
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.policy import policy_in_force


def explain(ctx: ServiceContext, reference: str, key: str) -> dict[str, Any]:
    """The explanation as a JSON-ready document (``reference`` and ``warnings`` added)."""
    with ctx.uow(write=False) as uow:
        case = load_case(uow, reference)
        reference = case.reference
        history = uow.events.history(case.id)
        calendar = working_calendar(uow)
        found = policy_in_force(uow, ctx.settings)
        stored = uow.deadlines.policy_hash(case.id, key.strip())
    try:
        result = explain_deadline(history, key.strip(), calendar=calendar, today=ctx.today, policy=found.policy,
                                  due_soon_days=ctx.settings.due_soon_days)
    except NoSuchDeadline as exc:
        raise Refused(f"{reference}: {exc}") from None
    warnings = list(found.conflicts)
    if stored is not None and stored != found.policy.digest:
        warnings.append(f"the stored deadline was computed under policy {stored}, not the policy in effect "
                        f"({found.policy.digest}): run 'ehcp deadlines recompute'")
    return {"reference": reference, **result.to_dict(), "policy_hash": found.policy.digest,
            "warnings": warnings}
