"""The hash-chained audit trail: every change appends one record in the same transaction.

``hash = sha256(prev_hash | canonical JSON of (at, actor, action, case_id, detail, reason))``, so
editing or deleting any record breaks the chain at that point, and ``verify`` names the first
broken link. Writers are serialised: SQLite by ``BEGIN IMMEDIATE``, PostgreSQL by a transaction
advisory lock taken before reading the chain's tail.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ehcp.store.models import AuditRecord

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 7_348_211  # arbitrary, constant advisory-lock key for the chain tail


def _canonical(record: AuditRecord) -> str:
    at = record.at if record.at.tzinfo else record.at.replace(tzinfo=UTC)
    body = {
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": record.actor,
        "action": record.action,
        "case_id": record.case_id,
        "detail": record.detail,
        "reason": record.reason,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)


def digest(prev_hash: str, record: AuditRecord) -> str:
    return hashlib.sha256(f"{prev_hash}|{_canonical(record)}".encode()).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    case_id: int | None = None,
    detail: dict | None = None,
    reason: str | None = None,
) -> AuditRecord:
    """Append one audit record at the tail of the chain (same transaction as the change)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    prev = session.scalar(select(AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1))
    record = AuditRecord(
        at=datetime.now(UTC),
        actor=actor,
        action=action,
        case_id=case_id,
        detail=json.loads(json.dumps(detail or {}, default=str)),
        reason=reason,
        prev_hash=prev or GENESIS,
    )
    record.hash = digest(record.prev_hash, record)
    session.add(record)
    session.flush()
    return record


@dataclass(frozen=True)
class ChainReport:
    records: int
    first_broken_id: int | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify(session: Session) -> ChainReport:
    """Walk the chain in id order and report the first record whose link or hash is wrong."""
    prev = GENESIS
    count = 0
    for record in session.scalars(select(AuditRecord).order_by(AuditRecord.id)).yield_per(2000):
        count += 1
        if record.prev_hash != prev:
            return ChainReport(count, record.id,
                               "previous-hash link does not match (a record was removed or reordered)")
        if digest(prev, record) != record.hash:
            return ChainReport(count, record.id, "content does not match its hash (the record was edited)")
        prev = record.hash
    return ChainReport(count, None, None)
