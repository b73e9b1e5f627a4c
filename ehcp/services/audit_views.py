"""Reading the audit trail: verify the hash chain, list a case's records."""

from __future__ import annotations

from ehcp.services.case_log import load_case
from ehcp.services.context import ServiceContext
from ehcp.store import audit


def verify_chain(ctx: ServiceContext) -> audit.ChainReport:
    with ctx.uow(write=False) as uow:
        return uow.audit.verify()


def case_audit(ctx: ServiceContext, reference: str) -> tuple[str, list[dict]]:
    """The case's audit records, oldest first (raises UnknownCase)."""
    with ctx.uow(write=False) as uow:
        case = load_case(uow, reference)
        rows = uow.audit.for_case(case.id)
        return case.reference, [
            {"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "reason": r.reason,
             "detail": r.detail, "hash": r.hash} for r in rows]
