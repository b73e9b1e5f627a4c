"""Bulk import from CSV (a council migrating from its current system) and the bulk writer that the
synthetic data generator shares.

Every file is all or nothing: each row is validated (fields, dates, references, and every event by
the domain's own ``check_event``), and if any row fails nothing is written and ``ImportRefused``
lists each rejected row with its line, column and reason. See docs/import.md for the columns.
"""

from ehcp.importing.errors import ImportRefused, RowError

KINDS = ("cases", "partners", "events", "advice", "placements", "needs")


def columns(kind: str) -> tuple:
    """The documented columns of a file kind (``Column(name, required, help)``)."""
    from ehcp.importing.spec import COLUMNS

    return COLUMNS[kind]


def import_file(ctx, kind: str, path, **options):  # noqa: ANN001, ANN201
    """Import ``path`` as a file of ``kind``; returns an ImportResult or raises ImportRefused."""
    if kind == "cases":
        from ehcp.importing.cases import import_cases

        return import_cases(ctx, path, **options)
    if kind == "partners":
        from ehcp.importing.partners import import_partners

        return import_partners(ctx, path)
    if kind == "events":
        from ehcp.importing.events import import_events

        return import_events(ctx, path)
    if kind == "advice":
        from ehcp.importing.events import import_advice

        return import_advice(ctx, path)
    if kind in ("placements", "needs"):
        from ehcp.importing import sen2data

        return (sen2data.import_placements if kind == "placements" else sen2data.import_needs)(ctx, path)
    raise ValueError(f"unknown import kind {kind!r}")


__all__ = ["KINDS", "ImportRefused", "RowError", "columns", "import_file"]
