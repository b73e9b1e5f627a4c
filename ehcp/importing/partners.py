"""``ehcp import partners``: one partner organisation (asked for advice) per row."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select

from ehcp.domain.vocabulary import ADVICE_KINDS
from ehcp.importing import fields as f
from ehcp.importing import spec
from ehcp.importing.csvfile import CsvFile
from ehcp.importing.errors import FieldError, RowError
from ehcp.importing.session import ImportResult, file_name, finish, import_transaction, refuse_if_any
from ehcp.services.context import ServiceContext
from ehcp.store.models import Partner

COLUMNS = spec.PARTNERS


def _kinds(value: str) -> str | None:
    kinds = [k.strip().lower() for k in value.replace(";", ",").split(",") if k.strip()]
    for kind in kinds:
        if kind not in ADVICE_KINDS:
            raise FieldError("advice_kinds", f"unknown advice kind {kind!r}; kinds are {', '.join(ADVICE_KINDS)}")
    return ",".join(dict.fromkeys(kinds)) or None


def import_partners(ctx: ServiceContext, path: Path) -> ImportResult:
    """Add one partner per row; raises ImportRefused (nothing written) if any row fails."""
    started = time.perf_counter()
    path = Path(path)
    with import_transaction(ctx) as (uow, writer):
        existing = set(uow.session.scalars(select(Partner.name)))
        source = CsvFile(path, COLUMNS)
        errors: list[RowError] = []
        seen: dict[str, int] = {}
        rows = []
        get: dict = {}
        for line, values in source.rows():
            if not get:
                get = {c.name: source.getter(c.name) for c in COLUMNS}
            row = []
            for column, read in (("name", lambda v: f.text(v, "name", limit=200, required=True)),
                                 ("advice_kinds", _kinds),
                                 ("contact_name", lambda v: f.text(v, "contact_name", limit=200)),
                                 ("email", lambda v: f.email(v, "email")),
                                 ("escalation_email", lambda v: f.email(v, "escalation_email"))):
                try:
                    row.append(read(get[column](values)))
                except FieldError as exc:
                    errors.append(RowError(line, exc.column, exc.reason))
                    row.append(None)
            name = row[0]
            if name in existing:
                errors.append(RowError(line, "name", f"partner {name!r} already exists"))
            elif name is not None and name in seen:
                errors.append(RowError(line, "name", f"duplicate partner {name!r} (also on line {seen[name]})"))
            elif name is not None:
                seen[name] = line
            rows.append(row)
        refuse_if_any(path, source, errors)
        ids = writer.reserve("partners", len(rows))
        writer.insert("partners", ("id", "name", "advice_kinds", "contact_name", "email", "escalation_email"),
                      [(pid, *row) for pid, row in zip(ids, rows, strict=True)])
        result = ImportResult("partners", file_name(path), source.rows_read, {"partners": len(rows)})
        return finish(uow, writer, ctx, result, started)
