"""``ehcp import placements`` and ``ehcp import needs``: the SEN2 data the event log does not carry,
for cases already on file (a council migrating its placements and SEN types of need).

Each row is checked by the very functions ``ehcp sen2 placement`` / ``sen2 need`` use (codes of the
latest collection year, 6-digit URN, 8-digit UKPRN, dates not in the future and in order) and written
the same way (a new placement ends the open one of the same rank; needs replace those recorded
before); all or nothing per file, like every import.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Table, select, update

from ehcp.importing import fields as f
from ehcp.importing import spec
from ehcp.importing.csvfile import Column, CsvFile
from ehcp.importing.errors import FieldError, RowError
from ehcp.importing.session import ImportResult, case_ids, file_name, finish, import_transaction, refuse_if_any
from ehcp.services import sen2_data as data
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.store.models import Case, Child

_YES, _NO = ("y", "yes", "true", "1"), ("", "n", "no", "false", "0")

T = TypeVar("T")
Getters = dict[str, Callable[[list[str]], str]]  # column name -> accessor of a row's cell


class _Rows:
    """Reads one file's rows, collecting every rejected cell as a RowError."""

    def __init__(self, path: Path, columns: tuple[Column, ...]) -> None:
        self.source = CsvFile(path, columns)
        self.columns = columns
        self.errors: list[RowError] = []

    def __iter__(self) -> Iterator[tuple[int, Callable[..., Any], Callable[[], bool]]]:
        """(line, read, clean) per row: ``read(column, check, *args)`` is the cell checked (None if
        refused, the problem listed); ``clean()`` says whether the row has no problem so far."""
        get: Getters = {}
        for line, values in self.source.rows():
            if not get:
                get = {c.name: self.source.getter(c.name) for c in self.columns}
            row = _Row(self.errors, line, values, get)
            yield line, row.read, row.clean


class _Row:
    """One row's cells, read and checked on demand; problems go to the file's ``errors``."""

    def __init__(self, errors: list[RowError], line: int, values: list[str], get: Getters) -> None:
        self.errors, self.line, self.values, self.get = errors, line, values, get
        self.failed = len(errors)

    def read(self, column: str, check: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return check(self.get[column](self.values), *args, **kwargs)
        except FieldError as exc:
            self.errors.append(RowError(self.line, exc.column, exc.reason))
        except Refused as exc:
            self.errors.append(RowError(self.line, column, str(exc)))
        return None

    def clean(self) -> bool:
        return len(self.errors) == self.failed


def _flag(value: str, column: str) -> bool:
    text = value.strip().lower()
    if text in _YES or text in _NO:
        return text in _YES
    raise FieldError(column, f"{value!r} is not yes or no")


def _blank_none(check: Callable[..., T], *names: object) -> Callable[[str], T]:
    """A service checker applied to a cell, with blank meaning 'not given'."""
    return lambda value: check(value.strip() or None, *names)


def import_placements(ctx: ServiceContext, path: Path) -> ImportResult:
    """One placement per row; raises ImportRefused (nothing written) if any row fails."""
    started, path = time.perf_counter(), Path(path)
    with import_transaction(ctx) as (uow, writer):
        rows = _Rows(path, spec.PLACEMENTS)
        parsed = []
        for line, read, clean in rows:
            ref = read("reference", f.reference)
            details = data.PlacementDetails(
                entry_date=read("entry_date", f.iso_date, "entry_date"),
                setting=read("setting", f.text, "setting", limit=200),
                urn=read("urn", _blank_none(data.digits, "URN", 6)),
                ukprn=read("ukprn", _blank_none(data.digits, "UKPRN", 8)),
                sen_setting=read("sen_setting", _blank_none(data.checked_code, "sen_setting", "SEN setting code")),
                sen_setting_other=read("sen_setting_other", f.text, "sen_setting_other", limit=200),
                rank=read("rank", f.small_int, "rank", low=1, high=2) or 1,
                leaving_date=read("leaving_date", f.iso_date, "leaving_date", required=False),
                sen_unit=bool(read("sen_unit", _flag, "sen_unit")),
                resourced_provision=bool(read("resourced_provision", _flag, "resourced_provision")),
                residential=read("residential", _blank_none(data.checked_code, "residential", "residential code")))
            if clean():
                try:
                    data.check_placement(details, ctx.today)
                    if not (details.setting or details.urn or details.ukprn or details.sen_setting):
                        raise FieldError("setting", "give a setting, urn, ukprn or sen_setting")
                except Refused as exc:
                    column = "leaving_date" if "leaving" in str(exc) else "entry_date"
                    rows.errors.append(RowError(line, column, str(exc)))
                except FieldError as exc:
                    rows.errors.append(RowError(line, exc.column, exc.reason))
            parsed.append((line, ref, details))
        cases = case_ids(uow.session, {ref for _, ref, _ in parsed if ref})
        rows.errors += [RowError(line, "reference", f"unknown case {ref!r}")
                        for line, ref, _ in parsed if ref and ref not in cases]
        refuse_if_any(path, rows.source, rows.errors)
        ended = 0
        for _, ref, p in parsed:
            detail = data.add_placement(uow, cases[ref], p, urn=p.urn, ukprn=p.ukprn,
                                        sen_setting=p.sen_setting, residential=p.residential)
            ended += len(detail["ended_placements"])
        result = ImportResult("placements", file_name(path), rows.source.rows_read,
                              {"placements": len(parsed), "placements_ended": ended})
        return finish(uow, writer, ctx, result, started)


def import_needs(ctx: ServiceContext, path: Path) -> ImportResult:
    """One case's SEN types of need (and UPN-unknown reason) per row; all or nothing."""
    started, path = time.perf_counter(), Path(path)
    with import_transaction(ctx) as (uow, writer):
        rows = _Rows(path, spec.NEEDS)
        parsed = []
        seen: dict[str, int] = {}
        for line, read, clean in rows:
            ref = read("reference", f.reference)
            secondary = read("secondary", lambda v: [s for s in v.replace(",", ";").split(";") if s.strip()])
            types = read("primary", _primary_types, secondary or [])
            day = read("recorded_on", f.iso_date, "recorded_on", required=False) or ctx.today
            upn_unknown = read("upn_unknown", _blank_none(data.checked_code, "upn_unknown", "UPN unknown reason"))
            if clean() and day > ctx.today:
                rows.errors.append(RowError(line, "recorded_on", f"{day} is in the future (today is {ctx.today})"))
            if ref in seen:
                rows.errors.append(RowError(line, "reference",
                                            f"{ref} is on line {seen[ref]} already: one row per case"))
            elif ref:
                seen[ref] = line
            parsed.append((line, ref, types, day, upn_unknown))
        cases = case_ids(uow.session, {ref for _, ref, *_ in parsed if ref})
        rows.errors += [RowError(line, "reference", f"unknown case {ref!r}")
                        for line, ref, *_ in parsed if ref and ref not in cases]
        refuse_if_any(path, rows.source, rows.errors)
        reasons = 0
        for _, ref, types, day, upn_unknown in parsed:
            data.replace_needs(uow, cases[ref], types, day)
            if upn_unknown:
                uow.session.execute(update(cast(Table, Child.__table__))  # a Core UPDATE, not the ORM's
                                    .where(Child.id == select(Case.child_id).where(Case.id == cases[ref])
                                           .scalar_subquery())
                                    .values(upn_unknown=upn_unknown))
                reasons += 1
        result = ImportResult("needs", file_name(path), rows.source.rows_read,
                              {"cases": len(parsed), "upn_unknown_reasons": reasons})
        return finish(uow, writer, ctx, result, started)


def _primary_types(value: str, secondary: list[str]) -> list[str]:
    if not value.strip():
        raise FieldError("primary", "a primary SEN type is required")
    return data.sen_types(value, secondary)
