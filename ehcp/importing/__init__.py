"""Bulk import from CSV (a council migrating from its current system) and the bulk writer that the
synthetic data generator shares.

Every file is all or nothing: each row is validated (fields, dates, references, and every event by
the domain's own ``check_event``), and if any row fails nothing is written and ``ImportRefused``
lists each rejected row with its line, column and reason. See docs/import.md for the columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ehcp.importing.errors import ImportRefused, RowError
from ehcp.importing.spec import COLUMNS

if TYPE_CHECKING:
    from ehcp.importing.csvfile import Column
    from ehcp.importing.session import ImportResult
    from ehcp.services.context import ServiceContext

KINDS = ("cases", "partners", "events", "advice", "placements", "needs")


def columns(kind: str) -> tuple[Column, ...]:
    """The documented columns of a file kind (``Column(name, required, help)``)."""
    return COLUMNS[kind]


def import_file(ctx: ServiceContext, kind: str, path: Path, **options: bool) -> ImportResult:
    """Import ``path`` as a file of ``kind``; returns an ImportResult or raises ImportRefused.

    The importers are imported here, when called: the CLI reads this package (spec, for its help
    text) on every start-up, and the importers bring SQLAlchemy, the domain and the services (~0.8 s).
    """
    if kind == "cases":
        from ehcp.importing.cases import import_cases  # noqa: PLC0415 - see above: start-up time

        return import_cases(ctx, path, **options)
    if kind == "partners":
        from ehcp.importing.partners import import_partners  # noqa: PLC0415 - see above: start-up time

        return import_partners(ctx, path)
    if kind == "events":
        from ehcp.importing.events import import_events  # noqa: PLC0415 - see above: start-up time

        return import_events(ctx, path)
    if kind == "advice":
        from ehcp.importing.events import import_advice  # noqa: PLC0415 - see above: start-up time

        return import_advice(ctx, path)
    if kind in ("placements", "needs"):
        from ehcp.importing import sen2data  # noqa: PLC0415 - see above: start-up time

        return (sen2data.import_placements if kind == "placements" else sen2data.import_needs)(ctx, path)
    raise ValueError(f"unknown import kind {kind!r}")


__all__ = ["KINDS", "ImportRefused", "RowError", "columns", "import_file"]
