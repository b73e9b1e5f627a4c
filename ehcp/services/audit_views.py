"""Reading the audit trail: verify the hash chain, list a case's records."""

from __future__ import annotations

from sqlalchemy import select

from ehcp.services.case_log import load_case
from ehcp.services.context import ServiceContext
from ehcp.store import audit
from ehcp.store.models import AuditRecord


def verify_chain(ctx: ServiceContext) -> audit.ChainReport:
    with ctx.uow(write=False) as uow:
        return audit.verify(uow.session)


def case_audit(ctx: ServiceContext, reference: str) -> tuple[str, list[dict]]:
    """The case's audit records, oldest first (raises UnknownCase)."""
    with ctx.uow(write=False) as uow:
        case = load_case(uow.session, reference)
        rows = uow.session.scalars(select(AuditRecord).where(AuditRecord.case_id == case.id)
                                   .order_by(AuditRecord.id))
        return case.reference, [
            {"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "reason": r.reason,
             "detail": r.detail, "hash": r.hash} for r in rows]
