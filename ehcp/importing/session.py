"""One import = one transaction: a writer, the calendar in force, the summary audit record."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehcp.importing.csvfile import CsvFile
from ehcp.importing.errors import ImportRefused, RowError
from ehcp.importing.writer import BulkWriter, chunks
from ehcp.services.calendar import working_calendar
from ehcp.services.context import ServiceContext
from ehcp.services.permissions import require
from ehcp.store import audit
from ehcp.store.models import Case
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
        writer = BulkWriter(session, calendar=working_calendar(uow), today=ctx.today, actor=ctx.actor)
        try:
            yield uow, writer
        except BaseException:
            writer.close(quiet=True)
            raise


def finish(uow: UnitOfWork, writer: BulkWriter, ctx: ServiceContext, result: ImportResult,
           started: float) -> ImportResult:
    """Append the one audit record summarising the import (counts and file name only) and commit."""
    writer.close()
    audit.append(uow.session, actor=ctx.actor, action=f"import_{result.kind}",
                 detail={"file": result.file, "rows": result.rows, **result.counts})
    uow.commit()
    result.seconds = time.perf_counter() - started
    return result


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
