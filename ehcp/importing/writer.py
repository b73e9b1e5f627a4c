"""The bulk writer shared by CSV import and the synthetic data generator.

It takes whole cases (child, request, event history, advice requests) and writes them with one
multi-row statement per table and chunk, inside the caller's transaction: children, cases,
advice_requests, case_events, then the derived deadlines - computed by the domain's
``compute_deadlines``, exactly as ``ehcp.services.case_log.sync_deadlines`` would, but memoised per
distinct history (the domain is pure, so equal histories give equal deadlines).

SQLite: multi-row ``INSERT ... VALUES`` of plain tuples on the transaction's connection (the values
encoded the way SQLAlchemy stores them), row ids reserved from ``MAX(id)`` while ``BEGIN IMMEDIATE``
holds the write lock. PostgreSQL: ``COPY ... FROM STDIN`` on the same connection, ids drawn from each
table's sequence - except into a table whose row-level security applies to the connected role (a
person's own login role: the server refuses ``COPY FROM`` there), which gets ``executemany`` of one
``INSERT`` (psycopg pipelines it) and so every policy check. Either way a background thread
(``_Lane``) runs the inserts while the caller builds the next chunk. No ORM objects are built for
the rows.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import chain, repeat
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from calendars.working_days import WorkingDayCalendar
from ehcp.domain import AdviceReceived, AdviceRequested, Event, body_receipt, compute_deadlines, current_stage
from ehcp.rules.policy import DEFAULT_POLICY, Policy
from ehcp.services.case_log import advice_request_ids as _advice_request_ids
from ehcp.store import audit
from ehcp.store.models import AdviceRequest, Base, Case, Deadline

CHILD_COLUMNS = ("id", "given_name", "family_name", "dob", "upn", "uln", "year_group", "year_group_year", "home_la",
                 "sex", "ethnicity", "postcode", "upn_unknown")
CASE_COLUMNS = ("id", "reference", "child_id", "stage", "received", "source", "caseworker_id", "opened_at",
                "closed_on", "version", "updated_at", "updated_by")
ADVICE_COLUMNS = ("id", "case_id", "kind", "partner_id", "requested_on", "received_by_body_on", "channel",
                  "received_on")
EVENT_COLUMNS = ("case_id", "kind", "on", "recorded_at", "actor", "reason", "payload")
DEADLINE_COLUMNS = ("case_id", "key", "rule", "due", "practical_last_working_day", "state", "met_on",
                    "citation", "exception", "advisory", "is_window", "detail", "policy_hash", "advice_request_id")

_MEMO_LIMIT = 50_000
_MEMO_EVENTS = 1  # only one-event histories (an import of requests) repeat often enough to be worth it

T = TypeVar("T")


@dataclass(slots=True, eq=False)
class NewChild:
    given_name: str
    family_name: str
    dob: date
    upn: str | None = None
    uln: str | None = None
    year_group: int | None = None
    year_group_year: int | None = None  # the academic year the year group was recorded for
    home_la: str | None = None
    id: int | None = None  # set by the writer (or an existing child's id)
    sex: str | None = None  # SEN2 person items (ehcp.services.sen2_person)
    ethnicity: str | None = None
    postcode: str | None = None
    upn_unknown: str | None = None


@dataclass(slots=True)
class NewAdvice:
    """An advice request; events refer to it by ``local`` (a negative number) until it has an id.

    ``received_by_body`` is the recorded date the body got it, if known; the stored
    ``received_by_body_on`` is the domain's ``body_receipt`` (that date, else deemed service), as
    ``ehcp advice request`` stores it.
    """

    local: int
    kind: str
    partner_id: int | None
    requested_on: date
    received_by_body: date | None = None
    channel: str = "email"
    received_on: date | None = None
    id: int | None = None


@dataclass(slots=True)
class NewCase:
    """A case with its whole history; ``stamps``/``reasons`` run parallel to ``events`` when given."""

    reference: str
    child: NewChild
    received: date
    source: str
    caseworker_id: int | None
    events: list
    advice: list[NewAdvice] = field(default_factory=list)
    actor: str | None = None
    stamps: list[datetime] | None = None
    reasons: list[str | None] | None = None
    opened_at: datetime | None = None
    derived: tuple | None = None  # (stage, deadline rows) if the caller already has them from derive()
    id: int | None = None  # set by write_cases


@dataclass(slots=True)
class CaseUpdate:
    """New events (and advice requests, receipts) for a case already in the database."""

    case_id: int
    history: list  # every event of the case after the import, stored ones first, with real request ids
    new_events: list  # the events to append (advice refer to new requests by their local number)
    new_reasons: list[str | None]
    new_advice: list[NewAdvice] = field(default_factory=list)
    received: list[tuple[int, date]] = field(default_factory=list)  # (advice id or local, received_on)


@dataclass
class Counts:
    children: int = 0
    cases: int = 0
    events: int = 0
    advice_requests: int = 0
    deadlines: int = 0
    deadlines_changed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if v}


def _batches(count: int, full: int) -> Iterator[tuple[int, int]]:
    """(start, size) of the statements for ``count`` rows: ``full``-row ones, then the rest in
    power-of-two sizes - a handful of distinct statements, because SQLite keeps every prepared
    statement in its cache (a 3,000-row INSERT is ~3 MB) and each new size would be another."""
    start = 0
    while count - start >= full:
        yield start, full
        start += full
    size = 1 << max(0, (count - start).bit_length() - 1)
    while start < count:
        if count - start >= size:
            yield start, size
            start += size
        size >>= 1


@lru_cache(maxsize=256)
def _values_sql(table: str, names: str, width: int, rows: int) -> str:
    one = "(" + ", ".join("?" * width) + ")"
    return f"INSERT INTO {table} ({names}) VALUES " + ", ".join([one] * rows)


def _pg_statement(table: str, names: str, width: int, policed: frozenset[str]) -> tuple[str, str]:
    """(how, statement) for PostgreSQL: COPY, or one INSERT for ``executemany`` into a table under
    row-level security for this role (COPY FROM is refused there: "Use INSERT statements instead")."""
    if table in policed:
        return "many", f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * width)})"
    return "copy", f"COPY {table} ({names}) FROM STDIN"


def _write_pg(raw: Any, how: str, statement: str, rows: list[tuple]) -> None:
    with raw.cursor() as cursor:
        if how == "many":
            cursor.executemany(statement, rows)
            return
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def policed_tables(conn: Connection) -> frozenset[str]:
    """PostgreSQL: the tables of the current schema whose row-level security applies to this
    connection's role (none for the owner; the case tables for a person's login role)."""
    return frozenset(conn.exec_driver_sql(
        "SELECT c.relname FROM pg_class c WHERE c.relrowsecurity"
        " AND c.relnamespace = current_schema()::regnamespace AND row_security_active(c.oid)").scalars())


class _Lane:
    """A background thread running this transaction's inserts, so that the database's own work
    overlaps the parsing and building of the next chunk in the caller's thread.

    SQLite runs each statement with the GIL released; rows go as multi-row ``INSERT ... VALUES
    (...), (...)`` statements of up to ~3,000 rows - one GIL hand-over per statement, not per row.
    PostgreSQL gets one ``COPY ... FROM STDIN`` per table and chunk; the thread waits on the server
    (GIL released) while the caller carries on. Only one thread uses the connection at a time: the
    writer calls ``drain()`` before any statement of its own.
    """

    def __init__(self, raw: Any, dialect: str, policed: frozenset[str] = frozenset()) -> None:
        self.raw = raw  # the DB-API connection (sqlite3 or psycopg)
        self.sqlite = dialect == "sqlite"
        self.policed = policed  # PostgreSQL tables written with INSERT, not COPY (policed_tables)
        self.queue: queue.Queue = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        self.limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if self.sqlite else 0
        self.switch = sys.getswitchinterval()
        sys.setswitchinterval(0.001)  # hand the GIL back to the insert thread promptly
        self.thread = threading.Thread(target=self._run, name="ehcp-bulk-insert", daemon=True)
        self.thread.start()

    def submit(self, table: str, names: str, width: int, rows: list[tuple]) -> None:
        self.check()
        if not self.sqlite:
            self.queue.put((*_pg_statement(table, names, width, self.policed), rows))
            return
        for start, size in _batches(len(rows), max(1, min(3000, self.limit // width))):
            self.queue.put(("values", _values_sql(table, names, width, size), rows[start:start + size]))

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.error is None:
                    how, statement, rows = item
                    if self.sqlite:
                        self.raw.execute(statement, list(chain.from_iterable(rows)))
                    else:
                        _write_pg(self.raw, how, statement, rows)
            except BaseException as exc:  # noqa: BLE001 - handed to the writer's thread
                self.error = exc
            finally:
                self.queue.task_done()

    def check(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def drain(self) -> None:
        """Wait until every submitted row is in; re-raise a failure."""
        self.queue.join()
        self.check()

    def stop(self) -> None:
        self.queue.put(None)
        self.thread.join()
        sys.setswitchinterval(self.switch)


class BulkWriter:
    """Writes cases in bulk into the session's transaction (see the module docstring)."""

    def __init__(self, session: Session, *, calendar: WorkingDayCalendar, today: date, actor: str,
                 policy: Policy = DEFAULT_POLICY) -> None:
        self.session = session
        self.policy = policy
        self.conn = session.connection()
        self.dialect = self.conn.dialect.name
        self.sqlite = self.dialect == "sqlite"
        self.calendar = calendar
        self.today = today
        self.actor = actor
        self.now = datetime.now(UTC)
        self.counts = Counts()
        self.written: Counter[str] = Counter()  # table -> rows inserted (which statistics to refresh)
        self._memo: dict[tuple, tuple[str, tuple]] = {}
        self._next_id: dict[str, int] = {}
        self._encoded_stamps: dict[datetime, object] = {}
        self._receipts: dict[tuple, date] = {}
        self._payloads: dict[Event, str] = {}
        self.lane: _Lane | None = None
        self.policed = frozenset() if self.sqlite else policed_tables(self.conn)
        # The audit record that ends the import commits to every event row written (count and
        # sum of their keyed digests, ehcp.store.audit): one HMAC per event, no read-back.
        self.key = audit.chain_key(session, create=True)
        self.tally = audit.Tally()
        self._open()
        self.d = date_encoder(self.dialect)

    def _open(self) -> None:
        if self.sqlite:
            self.conn.exec_driver_sql("PRAGMA cache_size = -131072")  # 128 MiB page cache for the import
        self.lane = _Lane(_driver_connection(self.conn), self.dialect, self.policed)

    def drain(self) -> None:
        """Wait for background inserts: call before using the connection from this thread."""
        if self.lane is not None:
            self.lane.drain()

    def close(self, *, quiet: bool = False) -> None:
        """Finish background inserts and put the connection's settings back (before commit;
        ``quiet`` on the error path, where the transaction is being rolled back anyway)."""
        try:
            if self.lane is not None:
                lane, self.lane = self.lane, None
                try:
                    lane.drain()
                finally:
                    lane.stop()
            if self.sqlite:
                self.conn.exec_driver_sql("PRAGMA cache_size = -2000")
        except Exception:
            if not quiet:
                raise

    def commit(self) -> None:
        """Commit what is written so far and carry on in a new transaction (generator only: an
        import is one transaction)."""
        self.close()
        self.session.commit()
        self.conn = self.session.connection()
        self._next_id.clear()
        self._open()

    # -- ids ---------------------------------------------------------------------------------------
    def reserve(self, table: str, count: int) -> list[int]:
        """``count`` fresh primary keys for ``table`` (no row is written)."""
        if count == 0:
            return []
        if self.sqlite:
            start = self._next_id.get(table)
            if start is None:
                self.drain()
                start = (self.conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").scalar() or 0) + 1
            self._next_id[table] = start + count
            return list(range(start, start + count))
        self.drain()
        rows = self.conn.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, {int(count)})"
        )
        return sorted(r[0] for r in rows)

    def body_receipt(self, advice: NewAdvice) -> date:
        """When the body received the request (recorded, else deemed service; reg 8(1))."""
        key = (advice.requested_on, advice.channel, advice.received_by_body)
        found = self._receipts.get(key)
        if found is None:
            request = AdviceRequested(on=advice.requested_on, advice_kind=advice.kind,
                                      received_by_body=advice.received_by_body, channel=advice.channel)
            found = self._receipts[key] = body_receipt(request, calendar=self.calendar, policy=self.policy)
        return found

    # -- encoding ----------------------------------------------------------------------------------
    def stamp(self, value: datetime) -> object:
        """A timestamp as this database stores it (SQLite: SQLAlchemy's text format, in UTC)."""
        if not self.sqlite:
            return value
        encoded = self._encoded_stamps.get(value)
        if encoded is None:
            utc = value.astimezone(UTC) if value.tzinfo else value
            encoded = utc.strftime("%Y-%m-%d %H:%M:%S.%f")
            if len(self._encoded_stamps) > 100_000:
                self._encoded_stamps.clear()
            self._encoded_stamps[value] = encoded
        return encoded

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        """Insert already-encoded rows with one bulk statement."""
        if not rows:
            return
        self.written[table] += len(rows)
        names = ", ".join(f'"{c}"' for c in columns)
        if self.lane is not None:
            self.lane.submit(table, names, len(columns), rows)
            return
        self.drain()
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            self.conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            return
        _write_pg(_driver_connection(self.conn), *_pg_statement(table, names, len(columns), self.policed), rows)

    # -- deadlines ---------------------------------------------------------------------------------
    def derive(self, events: list[Event]) -> tuple[str, tuple]:
        """(stage, deadline rows less case_id) of a history (see ``derive``), memoised per short
        history (the domain is pure: equal histories give equal deadlines)."""
        key = tuple(events) if len(events) <= _MEMO_EVENTS else None
        hit = self._memo.get(key) if key else None
        if hit is not None:
            return hit
        result = derive(events, calendar=self.calendar, today=self.today, encode_date=self.d, policy=self.policy)
        if key:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = result
        return result

    def payload(self, event: Event) -> str:
        """The event's JSON payload (memoised per distinct event: imports repeat many)."""
        try:
            return self._payloads[event]
        except KeyError:
            text = self._payloads[event] = _payload(event)
            if len(self._payloads) > _MEMO_LIMIT:
                self._payloads.clear()
            return text

    def commit_events(self, case_id: int, events: Sequence[Event], stamps: Sequence[datetime], actor: str,
                      reasons: Sequence[str | None] | None, texts: Sequence[str]) -> None:
        """Add the events (as written: payload ``texts``, canonical JSON) to the import's audit
        commitment."""
        key, digest, total = self.key, audit.event_digest, 0
        for event, at, why, text in zip(events, stamps, reasons or repeat(None), texts, strict=False):
            total += int.from_bytes(digest(key, case_id, event.kind, event.on, at, actor, why, text))
        self.tally.count += len(events)
        self.tally.total += total

    # -- new cases ---------------------------------------------------------------------------------
    def write_cases(self, cases: Sequence[NewCase]) -> None:
        """Insert the cases with their children, advice requests, events and derived deadlines."""
        if not cases:
            return
        d, stamp, derive, payload, commit = self.d, self.stamp, self.derive, self.payload, self.commit_events
        new_children = _unique(c.child for c in cases if c.child.id is None)
        for child, child_id in zip(new_children, self.reserve("children", len(new_children)), strict=True):
            child.id = child_id
        case_ids = self.reserve("cases", len(cases))
        advice_ids = iter(self.reserve("advice_requests", sum(len(c.advice) for c in cases)))
        children = [(ch.id, ch.given_name, ch.family_name, d(ch.dob), ch.upn, ch.uln, ch.year_group, ch.year_group_year,
                     ch.home_la, ch.sex, ch.ethnicity, ch.postcode, ch.upn_unknown) for ch in new_children]
        case_rows: list[tuple] = []
        advice_rows: list[tuple] = []
        event_rows: list[tuple] = []
        deadline_rows: list[tuple] = []
        default_stamp = stamp(self.now)
        default_actor = self.actor
        for case, case_id in zip(cases, case_ids, strict=True):
            case.id = case_id
            actor = case.actor or default_actor
            events = case.events
            stage, deadlines = case.derived or derive(events)
            if case.advice:
                ids: dict[int, int] = {}
                for advice in case.advice:
                    advice.id = ids[advice.local] = next(advice_ids)
                    advice_rows.append((advice.id, case_id, advice.kind, advice.partner_id, d(advice.requested_on),
                                        d(self.body_receipt(advice)), advice.channel,
                                        d(advice.received_on) if advice.received_on else None))
                events = [_with_request_id(e, ids) for e in events]
                by_key = _advice_request_ids(events)
                deadline_rows += [(case_id, *x[:-1], by_key.get(x[0])) for x in deadlines]
            else:
                deadline_rows += [(case_id, *x) for x in deadlines]
            if case.stamps is None and case.reasons is None:
                texts = [payload(e) for e in events]
                event_rows += [(case_id, e.kind, d(e.on), default_stamp, actor, None, text)
                               for e, text in zip(events, texts, strict=True)]
                commit(case_id, events, [self.now] * len(events), actor, None, texts)
                last = default_stamp
            else:
                reasons = case.reasons or [None] * len(events)
                raw_stamps = case.stamps or [self.now] * len(events)
                stamps = [stamp(x) for x in raw_stamps]
                texts = [_payload(e) for e in events]
                event_rows += [(case_id, e.kind, d(e.on), at, actor, why, text)
                               for e, at, why, text in zip(events, stamps, reasons, texts, strict=True)]
                commit(case_id, events, raw_stamps, actor, reasons, texts)
                last = stamps[-1]
            opened = stamp(case.opened_at) if case.opened_at else default_stamp
            case_rows.append((case_id, case.reference, case.child.id, stage, d(case.received), case.source,
                              case.caseworker_id, opened, None, 1, last, actor))
        self.insert("children", CHILD_COLUMNS, children)
        self.insert("cases", CASE_COLUMNS, case_rows)
        self.insert("advice_requests", ADVICE_COLUMNS, advice_rows)
        self.insert("case_events", EVENT_COLUMNS, event_rows)
        self.insert("deadlines", DEADLINE_COLUMNS, deadline_rows)
        c = self.counts
        c.children += len(children)
        c.cases += len(case_rows)
        c.advice_requests += len(advice_rows)
        c.events += len(event_rows)
        c.deadlines += len(deadline_rows)

    # -- existing cases ----------------------------------------------------------------------------
    def write_updates(self, updates: Sequence[CaseUpdate]) -> None:
        """Append events to existing cases; bring their stage and deadlines into step (by key, as
        sync_deadlines does, so deadline ids - which the reminder ledger refers to - are kept)."""
        if not updates:
            return
        self.drain()
        d, stamp = self.d, self.stamp
        advice_ids = iter(self.reserve("advice_requests", sum(len(u.new_advice) for u in updates)))
        advice_rows, event_rows, received_rows, case_rows = [], [], [], []
        now = stamp(self.now)
        for u in updates:
            ids: dict[int, int] = {}
            for advice in u.new_advice:
                advice.id = ids[advice.local] = next(advice_ids)
            for advice in u.new_advice:
                received = [on for ref, on in u.received if ref == advice.local]
                advice.received_on = received[0] if received else advice.received_on
                advice_rows.append((advice.id, u.case_id, advice.kind, advice.partner_id, d(advice.requested_on),
                                    d(self.body_receipt(advice)), advice.channel,
                                    d(advice.received_on) if advice.received_on else None))
            received_rows += [{"b_id": ref, "v_on": on} for ref, on in u.received if ref > 0]
            written = [_with_request_id(event, ids) if ids else event for event in u.new_events]
            texts = [_payload(event) for event in written]
            for event, reason, text in zip(written, u.new_reasons, texts, strict=True):
                event_rows.append((u.case_id, event.kind, d(event.on), now, self.actor, reason, text))
            self.commit_events(u.case_id, written, [self.now] * len(written), self.actor, list(u.new_reasons), texts)
            u.history = [_with_request_id(e, ids) for e in u.history] if ids else u.history
            case_rows.append({"b_id": u.case_id, "v_stage": current_stage(u.history).value})
        self.insert("advice_requests", ADVICE_COLUMNS, advice_rows)
        if received_rows:
            self.drain()
            table = _table(AdviceRequest)
            self.conn.execute(update(table).where(table.c.id == bindparam("b_id"))
                              .values(received_on=bindparam("v_on")), received_rows)
        self.insert("case_events", EVENT_COLUMNS, event_rows)
        self.drain()
        table = _table(Case)
        self.conn.execute(
            update(table).where(table.c.id == bindparam("b_id"))
            .values(stage=bindparam("v_stage"), version=table.c.version + 1, updated_at=self.now,
                    updated_by=self.actor),
            case_rows,
        )
        self._sync_deadlines(updates)
        self.counts.advice_requests += len(advice_rows)
        self.counts.events += len(event_rows)

    def _sync_deadlines(self, updates: Sequence[CaseUpdate]) -> None:
        table = _table(Deadline)
        columns = DEADLINE_COLUMNS[1:]
        existing: dict[int, dict[str, tuple]] = {}
        ids = [u.case_id for u in updates]
        for chunk in chunks(ids, 500):
            query = select(table.c.id, *(table.c[c] for c in DEADLINE_COLUMNS)).where(table.c.case_id.in_(chunk))
            for row in self.conn.execute(query):
                existing.setdefault(row.case_id, {})[row.key] = (row.id, tuple(row[2:]))
        inserts, changes, removals = [], [], []
        for u in updates:
            stored = existing.get(u.case_id, {})
            computed = compute_deadlines(u.history, calendar=self.calendar, today=self.today, policy=self.policy)
            by_key = _advice_request_ids(u.history)
            for x in computed:
                values = (x.key, x.rule, x.due, x.practical_last_working_day, x.state, x.met_on, x.citation,
                          x.exception, bool(x.advisory), bool(x.window), x.detail(), self.policy.digest,
                          by_key.get(x.key))
                old = stored.pop(x.key, None)
                if old is None:
                    inserts.append((u.case_id, *values[:10], _json(values[10]), *values[11:]))
                elif old[1] != values:
                    changes.append({"b_id": old[0],
                                    **{f"v_{c}": v for c, v in zip(columns[1:], values[1:], strict=True)}})
            removals += [row_id for row_id, _ in stored.values()]
        if removals:
            for chunk in chunks(removals, 500):
                self.conn.execute(delete(table).where(table.c.id.in_(chunk)))
        if changes:
            self.conn.execute(update(table).where(table.c.id == bindparam("b_id"))
                              .values({c: bindparam(f"v_{c}") for c in columns[1:]}), changes)
        d = self.d
        self.insert("deadlines", DEADLINE_COLUMNS,
                    [(r[0], r[1], r[2], d(r[3]), d(r[4]), r[5], d(r[6]) if r[6] else None, *r[7:]) for r in inserts])
        self.counts.deadlines += len(inserts)
        self.counts.deadlines_changed += len(changes) + len(removals)


def derive(events: list[Event], *, calendar: WorkingDayCalendar, today: date,
           encode_date: Callable[[date], object] | None = None, policy: Policy = DEFAULT_POLICY) -> tuple[str, tuple]:
    """(stage, deadline rows less case_id) of a history, computed by the domain.

    Each row is (key, rule, due, practical_last_working_day, state, met_on, citation, exception,
    advisory, is_window, detail as JSON text, policy_hash, advice_request_id=None) with dates passed
    through ``encode_date`` - the values ``ehcp.services.case_log.sync_deadlines`` stores.
    """
    d = encode_date or _same
    computed = compute_deadlines(events, calendar=calendar, today=today, policy=policy)
    deadlines = tuple(
        (x.key, x.rule, d(x.due), d(x.practical_last_working_day), x.state, d(x.met_on) if x.met_on else None,
         x.citation, x.exception, bool(x.advisory), bool(x.window), _json(x.detail()), policy.digest, None)
        for x in computed
    )
    return current_stage(events).value, deadlines


def _json(detail: dict | None) -> str | None:
    """A deadline's detail as the JSON text a bulk insert writes (the ORM would encode the dict)."""
    return None if detail is None else json.dumps(detail)


def date_encoder(dialect: str) -> Callable[[date], object]:
    """How the writer passes dates to this database (SQLite: ISO text, as SQLAlchemy stores them)."""
    return date.isoformat if dialect == "sqlite" else _same


def _same(value: object) -> object:
    return value


def _unique(children: Iterable[NewChild]) -> list[NewChild]:
    seen: set[int] = set()
    out = []
    for child in children:
        if id(child) not in seen:
            seen.add(id(child))
            out.append(child)
    return out


def _with_request_id(event: Event, ids: dict[int, int]) -> Event:
    """The event with its local advice request number replaced by the request's id."""
    ref = getattr(event, "request_id", None)
    if ref.__class__ is not int or ref not in ids:
        return event
    if event.__class__ is AdviceRequested:
        return AdviceRequested(on=event.on, advice_kind=event.advice_kind, request_id=ids[ref],
                               received_by_body=event.received_by_body, channel=event.channel)
    if event.__class__ is AdviceReceived:
        return AdviceReceived(on=event.on, advice_kind=event.advice_kind, request_id=ids[ref])
    changed: Event = replace(cast(Any, event), request_id=ids[ref])  # another kind with a request_id field
    return changed


_FIELDS: dict[type, tuple[str, ...] | None] = {}
# Canonical JSON (sorted keys, no spaces): the text stored is the text the audit digest covers
# (ehcp.store.audit.canonical_payload), so the import never re-serialises a payload to commit to it.
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def _payload(event: Event) -> str:
    """``json.dumps(event.to_payload())``, without re-reading the dataclass fields every time."""
    cls = event.__class__
    try:
        names = _FIELDS[cls]
    except KeyError:
        names = _FIELDS[cls] = (tuple(f.name for f in fields(cls) if f.name != "on")
                                if cls.to_payload is Event.to_payload else None)
    if names is None:  # an event class with its own serialisation
        return _dumps(event.to_payload())
    payload = {}
    for name in names:
        value = getattr(event, name)
        payload[name] = value.isoformat() if isinstance(value, date) else value
    return _dumps(payload)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size`` (an IN list per statement stays small)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _table(model: type[Base]) -> Table:
    """A mapped class's Table (SQLAlchemy types ``__table__`` as the wider FromClause)."""
    return cast(Table, model.__table__)


def _driver_connection(conn: Connection) -> Any:
    """The DB-API connection (sqlite3 or psycopg) under SQLAlchemy's, for multi-row INSERT and COPY."""
    raw = conn.connection.driver_connection
    if raw is None:
        raise RuntimeError("the import's database connection is closed")
    return raw
