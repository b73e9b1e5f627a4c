"""``ehcp import cases``: one row per request for an EHC needs assessment (a new case each).

Every row is checked; rows are written in chunks inside one transaction while no row has failed,
and the transaction is rolled back (nothing written) if any row of the file fails.
"""

from __future__ import annotations

import csv
import re
import time
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select, text, tuple_

from ehcp.domain import IllegalMove, RequestReceived, academic_year, check_event
from ehcp.domain.vocabulary import NAME_CHARACTERS, REQUEST_SOURCES, valid_name
from ehcp.importing import fields as f
from ehcp.importing import spec
from ehcp.importing.csvfile import CsvFile
from ehcp.importing.errors import FieldError, RowError, read
from ehcp.importing.session import (
    ImportResult,
    already_imported,
    case_ids,
    content_hash,
    file_name,
    finish,
    import_transaction,
    refuse_if_any,
)
from ehcp.importing.writer import BulkWriter, NewCase, NewChild, chunks
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.sen2_person import PersonItems, checked_person_items
from ehcp.store.models import Case, Child, User

COLUMNS = spec.CASES
PERSON_COLUMNS = ("sex", "ethnicity", "postcode", "uln")  # columns 9-12 of spec.CASES
_GENERATED = re.compile(r"^EHC-(\d{4})-(\d{5,})$")
CHUNK = 5000


@lru_cache(maxsize=8192)
def _request_event(received: date, source: str) -> RequestReceived:
    """The opening event, checked by the domain once per distinct (date, source)."""
    event = RequestReceived(on=received, source=source)
    check_event([], event)
    return event


class _Run:
    """State of one cases import."""

    def __init__(self, ctx: ServiceContext, path: Path, writer: BulkWriter, create_users: bool,
                 again: bool = False) -> None:
        self.ctx = ctx
        self.again = again
        self.requests: dict[tuple[object, date], int] = {}  # (child, received) -> its line (0: on file)
        self.on_file: set[int] = set()  # ids of the children found on file
        self.today = ctx.today
        self.writer = writer
        self.session = writer.session
        self.create_users = create_users
        self.errors: list[RowError] = []
        self.seen_refs: dict[str, int] = {}
        self.children: dict[object, NewChild] = {}
        self.users: dict[str, int] = dict(self.session.execute(select(User.login, User.id)).tuples().all())
        self.new_users: list[str] = []
        self.has_children = self.session.execute(select(Child.id).limit(1)).first() is not None
        self.explicit_max, explicit = _prescan(path)
        self.taken = self._on_file(explicit)
        self.counters: dict[int, int] = {}
        self.derived: dict = {}  # opening event -> ([event], (stage, deadline rows))

    def _on_file(self, references: set[str]) -> set[str]:
        """The file's references that are already in the database (looked up before any write) -
        on PostgreSQL past row-level security: another team's case, unseen, still holds its number."""
        if self.writer.dialect == "postgresql" and references:
            return set(self.session.scalars(text("SELECT ehcp_case_references_taken(:refs)"),
                                            {"refs": sorted(references)}))
        return set(case_ids(self.session, references))

    def next_reference(self, year: int) -> str:
        number = self.counters.get(year)
        if number is None:
            number = max(self._db_max(year), self.explicit_max.get(year, 0))
        number += 1
        self.counters[year] = number
        return f"EHC-{year}-{number:05d}"

    def _db_max(self, year: int) -> int:
        self.writer.drain()  # the connection is about to be used from this thread
        prefix = f"EHC-{year}-"
        if self.writer.dialect == "postgresql":  # past row-level security, as 'case new': numbers are global
            last = self.session.scalar(text("SELECT ehcp_last_case_reference(:p)"), {"p": prefix})
        else:
            last = self.session.scalar(
                select(Case.reference).where(Case.reference.like(f"{prefix}%"))
                .order_by(func.length(Case.reference).desc(), Case.reference.desc()).limit(1))
        match = _GENERATED.match(last or "")
        return int(match.group(2)) if match else 0

    def person(self, line: int, values: list[str], ix: tuple[int, ...]) -> PersonItems:
        """The SEN2 person items of the row (columns sex, ethnicity, postcode, uln), each checked as
        ``case new`` checks it; a bad one is added to ``errors``."""
        found = {}
        for name, position in zip(PERSON_COLUMNS, ix[9:13], strict=True):
            value = values[position].strip()
            if not value:
                continue
            try:
                found[name] = getattr(checked_person_items(PersonItems(**{name: value}), self.today), name)
            except Refused as exc:
                self.errors.append(RowError(line, name, str(exc)))
        return PersonItems(**found)

    def parse(self, line: int, values: list[str], ix: tuple[int, ...]) -> tuple | None:
        """(line, reference, given, family, dob, upn, year_group, received, source, caseworker, event,
        person items)
        or None (the problems added to ``errors``). ``ix`` holds each column's position (-1: absent,
        which reads the '' the reader appends to every row)."""
        errors = self.errors
        before = len(errors)
        try:  # the usual case: every field is good
            ref = f.reference(values[ix[0]], "reference", required=False)
            given = f.text(values[ix[1]], "given_name", limit=100)
            family = f.text(values[ix[2]], "family_name", limit=100, required=True)
            dob = f.iso_date(values[ix[3]], "dob")
            upn = f.upn(values[ix[4]], "upn")
            year_group = f.small_int(values[ix[5]], "year_group", low=-3, high=20)
            received = f.iso_date(values[ix[6]], "received")
            source = f.choice(values[ix[7]], "source", REQUEST_SOURCES, default="parent")
        except FieldError:  # read every field again to report each bad one
            ref = read(errors, line, f.reference, values[ix[0]], "reference", required=False)
            given = read(errors, line, f.text, values[ix[1]], "given_name", limit=100)
            family = read(errors, line, f.text, values[ix[2]], "family_name", limit=100, required=True)
            dob = read(errors, line, f.iso_date, values[ix[3]], "dob")
            upn = read(errors, line, f.upn, values[ix[4]], "upn")
            year_group = read(errors, line, f.small_int, values[ix[5]], "year_group", low=-3, high=20)
            received = read(errors, line, f.iso_date, values[ix[6]], "received")
            source = read(errors, line, f.choice, values[ix[7]], "source", REQUEST_SOURCES, default="parent")
        given = given or ""
        worker: int | str | None = None  # a user's id, or a login to create (--create-users)
        login = values[ix[8]].strip()
        if login:
            worker = self.users.get(login)
            if worker is None:
                if self.create_users and valid_name(login):
                    worker = login
                elif self.create_users:
                    errors.append(RowError(line, "caseworker", f"login {login!r} is not allowed: use "
                                           f"{NAME_CHARACTERS} (at most 63)"))
                else:
                    errors.append(RowError(line, "caseworker", f"unknown user {login!r}; add them with "
                                           "'ehcp user add' first, or import with --create-users"))
        person = self.person(line, values, ix)
        today = self.today
        if dob is None or received is None or dob > today or received > today or received < dob:
            self._dates(line, dob, received)
        if ref is not None:
            first = self.seen_refs.get(ref)
            if first is not None:
                errors.append(RowError(line, "reference", f"duplicate reference {ref} (also on line {first})"))
            else:
                self.seen_refs[ref] = line
            if ref in self.taken:
                errors.append(RowError(line, "reference", f"case {ref} is already in the database"))
        if len(errors) != before:
            return None
        try:
            event = _request_event(received, source)
        except IllegalMove as exc:
            errors.append(RowError(line, "received", exc.reason))
            return None
        return (line, ref, given, family, dob, upn, year_group, received, source, worker, event, person)

    def _dates(self, line: int, dob: date | None, received: date | None) -> None:
        today = self.today
        if dob is not None and dob > today:
            self.errors.append(RowError(line, "dob",
                                        f"{dob.isoformat()} is in the future (today is {today.isoformat()})"))
        if received is not None and received > today:
            self.errors.append(RowError(line, "received",
                                        f"{received.isoformat()} is in the future (today is {today.isoformat()})"))
        if dob is not None and received is not None and received < dob:
            self.errors.append(RowError(line, "received", f"{received.isoformat()} is before the child's date "
                                                          f"of birth {dob.isoformat()}"))

    def build(self, rows: list[tuple]) -> list[NewCase]:
        existing = self._existing_children(rows) if self.has_children else {}
        children, derived, derive = self.children, self.derived, self.writer.derive
        cases = []
        for line, ref, given, family, dob, upn, year_group, received, source, worker, event, person in rows:
            named = (family, given, dob)
            child = children.get(upn or named)
            if child is None:
                child = (upn and children.get(named)) or existing.get(upn or named) or \
                    (upn and existing.get(named)) or \
                    NewChild(given, family, dob, upn=upn, year_group=year_group,
                             year_group_year=None if year_group is None else academic_year(self.today), sex=person.sex,
                             ethnicity=person.ethnicity, postcode=person.postcode, uln=person.uln)
                children[upn or named] = child
                children.setdefault(named, child)
            if not self.again and self._same_request(line, child, received):
                continue
            if worker.__class__ is str:
                worker = self._user(worker)
            history = derived.get(event)
            if history is None:
                history = derived[event] = ([event], derive([event]))
            # stored as 'case new' stores it, with the child's date of birth (under-5 reviews, year 9,
            # phase transfers later on); a request's own clocks do not depend on it, so the deadlines
            # derived once per (received, source) still apply
            opening = [replace(event, dob=dob)] if dob is not None else history[0]
            cases.append(NewCase(ref or self.next_reference(received.year), child, received, source, worker,
                                 opening, derived=history[1]))
        return cases

    def _same_request(self, line: int, child: NewChild, received: date) -> bool:
        """True (and the row refused) when this child already has a request received that day: on
        file (``requests`` holds those of the children on file) or on an earlier line."""
        key = (("on file", child.id) if child.id in self.on_file else ("new", id(child)), received)
        first = self.requests.get(key)
        if first is None:
            self.requests[key] = line
            return False
        where = "a case on file" if first == 0 else f"line {first}"
        self.errors.append(RowError(line, "received", f"{child.given_name} {child.family_name} already has a "
                                    f"request received {received.isoformat()} ({where}); import with --again "
                                    "to open another case"))
        return True

    def _existing_children(self, rows: list[tuple]) -> dict[object, NewChild]:
        """Children already on file with the same UPN, or the same name and date of birth."""
        found: dict[object, NewChild] = {}
        self.writer.drain()  # the connection is about to be used from this thread
        upns = {r[5] for r in rows if r[5]}
        names = {(r[3], r[2], r[4]) for r in rows}
        columns = (Child.id, Child.given_name, Child.family_name, Child.dob, Child.upn)
        queries = []
        if upns:
            queries.append(select(*columns).where(Child.upn.in_(sorted(upns))))
        for chunk in chunks(sorted(names, key=str), 300):
            queries.append(select(*columns).where(tuple_(Child.family_name, Child.given_name, Child.dob).in_(chunk)))
        for query in queries:
            for child_id, given, family, dob, upn in self.session.execute(query):
                child = NewChild(given, family, dob, upn=upn, id=child_id)
                if upn:
                    found.setdefault(upn, child)
                found.setdefault((family, given, dob), child)
        ids = sorted({c.id for c in found.values() if c.id is not None})
        self.on_file.update(ids)
        for some in chunks(ids, 500):
            for child_id, received in self.session.execute(
                    select(Case.child_id, Case.received).where(Case.child_id.in_(some))):
                self.requests.setdefault((("on file", child_id), received), 0)
        return found

    def _user(self, login: str) -> int:
        user_id = self.users.get(login)
        if user_id is None:
            user_id = self.writer.reserve("users", 1)[0]
            self.writer.insert("users", ("id", "login", "name", "role", "active"),
                               [(user_id, login, login, "caseworker", True)])
            self.users[login] = user_id
            self.new_users.append(login)
        return user_id


def import_cases(ctx: ServiceContext, path: Path, *, create_users: bool = False, chunk: int = CHUNK,
                 again: bool = False) -> ImportResult:
    """Import one case per row of ``path``; raises ImportRefused (nothing written) if any row fails.

    Re-running an import must not double every case: a file whose content was imported before is
    Refused, and so is a row whose child already has a request received on the same date (on file
    or earlier in the file), unless ``again``."""
    started = time.perf_counter()
    path = Path(path)
    sha256 = content_hash(path)
    with import_transaction(ctx) as (uow, writer):
        earlier = None if again else already_imported(uow.session, "cases", sha256)
        if earlier is not None:
            raise Refused(f"{file_name(path)}: this file was already imported on {earlier.at:%Y-%m-%d} by "
                          f"{earlier.actor} (as {earlier.detail.get('file')}, the same content); importing it "
                          "again would open every case twice. Use --again if that is really meant")
        run = _Run(ctx, path, writer, create_users, again=again)
        source = CsvFile(path, COLUMNS)
        pending: list[tuple] = []
        ix: tuple[int, ...] = ()
        for line, values in source.rows():
            if not ix:
                ix = source.positions([c.name for c in COLUMNS])
            row = run.parse(line, values, ix)
            if row is not None:
                pending.append(row)
            if len(pending) >= chunk:
                _flush(run, pending)
                pending = []
        _flush(run, pending)
        refuse_if_any(path, source, run.errors)
        counts = writer.counts.as_dict()
        if run.new_users:
            counts["users_created"] = len(run.new_users)
        result = ImportResult("cases", file_name(path), source.rows_read, counts)
        return finish(uow, writer, ctx, result, started, sha256=sha256)


def _flush(run: _Run, rows: list[tuple]) -> None:
    if not rows:
        return
    if run.errors:
        return  # keep validating the rest of the file, write nothing more
    run.writer.write_cases(run.build(rows))


def _prescan(path: Path) -> tuple[dict[int, int], set[str]]:
    """A quick first pass over the reference column: every reference given, and per year the highest
    EHC-YYYY-NNNNN number among them (blank references are numbered above it)."""
    maxima: dict[int, int] = {}
    given: set[str] = set()
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip().lower() for h in next(reader, [])]
            if "reference" not in header:
                return maxima, given
            position = header.index("reference")
            for values in reader:
                if len(values) > position and values[position]:
                    reference = values[position].strip().upper()
                    if not reference:
                        continue
                    given.add(reference)
                    match = _GENERATED.match(reference)
                    if match:
                        year, number = int(match.group(1)), int(match.group(2))
                        if number > maxima.get(year, 0):
                            maxima[year] = number
    except (OSError, UnicodeDecodeError, csv.Error):
        pass  # the main pass reports the problem with its line
    return maxima, given



