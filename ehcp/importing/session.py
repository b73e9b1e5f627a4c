"""One import = one transaction: a writer, the calendar in force, the summary audit record."""

from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ehcp.importing.csvfile import CsvFile
from ehcp.importing.errors import ImportRefused, RowError
from ehcp.importing.writer import BulkWriter, chunks
from ehcp.services.calendar import working_calendar
from ehcp.services.context import ServiceContext
from ehcp.services.permissions import require
from ehcp.services.policy import policy_of
from ehcp.store import audit
from ehcp.store.models import AuditRecord, Case
from ehcp.store.uow import UnitOfWork


@dataclass
class ImportResult:
    kind: str  # cases | partners | events | advice | placements | needs
    file: str  # the file's name (no directory)
    rows: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "file": self.file, "rows": self.rows, **self.counts,
                "seconds": round(self.seconds, 3)}


@contextmanager
def import_transaction(ctx: ServiceContext) -> Iterator[tuple[UnitOfWork, BulkWriter]]:
    """(uow, writer) inside one write transaction; the caller commits with ``finish``.

    The cyclic garbage collector is paused meanwhile: a bulk load allocates millions of small
    tuples and none of them form cycles, so its full collections are pure overhead.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        with _transaction(ctx) as pair:
            yield pair
    finally:
        if paused:
            gc.enable()


@contextmanager
def _transaction(ctx: ServiceContext) -> Iterator[tuple[UnitOfWork, BulkWriter]]:
    with ctx.uow() as uow:
        session = uow.session
        require(uow, ctx.settings, "bulk_import")  # a manager or admin, once permissions are enforced
        writer = BulkWriter(session, calendar=working_calendar(uow), today=ctx.today, actor=ctx.actor,
                            policy=policy_of(uow, ctx.settings))
        try:
            yield uow, writer
        except BaseException:
            writer.close(quiet=True)
            raise


def finish(uow: UnitOfWork, writer: BulkWriter, ctx: ServiceContext, result: ImportResult,
           started: float, *, sha256: str | None = None) -> ImportResult:
    """Append the one audit record summarising the import (counts, file name and, if given, the
    content hash that ``already_imported`` looks for) and commit."""
    writer.close()
    detail: dict[str, object] = {"file": result.file, "rows": result.rows, **result.counts}
    if sha256 is not None:
        detail["sha256"] = sha256
    audit.append(uow.session, actor=ctx.actor, action=f"import_{result.kind}", detail=detail, events=writer.tally)
    uow.commit()
    refresh_statistics(ctx, writer.written)
    result.seconds = time.perf_counter() - started
    return result


# A table that grew by at least this many rows has its planner statistics refreshed at once.
STATISTICS_AFTER_ROWS = 1000


def refresh_statistics(ctx: ServiceContext, written: Mapping[str, int]) -> list[str]:
    """PostgreSQL: ``ANALYZE`` the tables a bulk load grew (by ``STATISTICS_AFTER_ROWS`` rows or more)
    now, after its commit, rather than whenever autovacuum next looks at them.

    Until then the planner plans from the statistics of the tables before the load - none at all
    for a first import - and on a freshly imported 100,000-case database a caseworker's ``case
    list`` took 120-160 ms instead of 18 ms and ``case show`` under row-level security read every
    case once per statement (docs/performance.md, "PostgreSQL as a caseworker"). Only the tables'
    owner may ANALYZE them: run as a login role, the server skips them with a warning and
    autovacuum catches up. SQLite keeps no statistics unless asked to, and ehcp's queries are
    written for its planner without them. Returns the tables analysed.
    """
    tables = sorted(t for t, n in written.items() if n >= STATISTICS_AFTER_ROWS)
    if ctx.settings.is_sqlite or not tables:
        return []
    with ctx.uow() as uow:
        uow.session.execute(text(f"ANALYZE {', '.join(tables)}"))
        uow.commit()
    return tables


def content_hash(path: Path) -> str:
    """The SHA-256 of the file's bytes: the same file imported twice has the same hash, whatever its name."""
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def already_imported(session: Session, kind: str, sha256: str) -> AuditRecord | None:
    """The audit record of an earlier import of ``kind`` with this content hash, if any. The audit
    trail already records every import (one record each), so it is where the hash is kept."""
    records = session.scalars(select(AuditRecord).where(AuditRecord.action == f"import_{kind}")
                              .order_by(AuditRecord.id))
    return next((r for r in records if (r.detail or {}).get("sha256") == sha256), None)


def file_name(path: Path) -> str:
    return Path(path).name


def refuse_if_any(path: Path, source: CsvFile, errors: list[RowError]) -> None:
    """Raise ImportRefused (nothing written) if the reader or the checks rejected any row, or if
    the file has a header but no rows."""
    errors = source.errors + errors
    if errors or source.rows_read == 0:
        raise ImportRefused(file_name(path), errors or [RowError(2, "-", "the file has a header but no rows")],
                            source.rows_read)


def case_ids(session: Session, references: Iterable[str]) -> dict[str, int]:
    """Reference -> case id, for those of ``references`` already on file."""
    found: dict[str, int] = {}
    for chunk in chunks(sorted(references), 500):
        found.update((ref, cid) for cid, ref in session.execute(
            select(Case.id, Case.reference).where(Case.reference.in_(chunk))))
    return found
