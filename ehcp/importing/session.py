"""One import = one transaction: a writer, the calendar in force, the summary audit record."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ehcp.importing.writer import BulkWriter
from ehcp.services.calendar import working_calendar
from ehcp.services.context import ServiceContext
from ehcp.store import audit


@dataclass
class ImportResult:
    kind: str  # cases | partners | events | advice | placements | needs
    file: str  # the file's name (no directory)
    rows: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"kind": self.kind, "file": self.file, "rows": self.rows, **self.counts,
                "seconds": round(self.seconds, 3)}


@contextmanager
def import_transaction(ctx: ServiceContext) -> Iterator[tuple]:
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
def _transaction(ctx: ServiceContext) -> Iterator[tuple]:
    from ehcp.services.permissions import require

    with ctx.uow() as uow:
        session = uow.session
        require(session, ctx.settings, "bulk_import")  # a manager or admin, once permissions are enforced
        writer = BulkWriter(session, calendar=working_calendar(session), today=ctx.today, actor=ctx.actor)
        try:
            yield uow, writer
        except BaseException:
            writer.close(quiet=True)
            raise


def finish(uow, writer: BulkWriter, ctx: ServiceContext, result: ImportResult, started: float) -> ImportResult:  # noqa: ANN001
    """Append the one audit record summarising the import (counts and file name only) and commit."""
    writer.close()
    audit.append(uow.session, actor=ctx.actor, action=f"import_{result.kind}",
                 detail={"file": result.file, "rows": result.rows, **result.counts})
    uow.commit()
    result.seconds = time.perf_counter() - started
    return result


def file_name(path: Path) -> str:
    return Path(path).name
