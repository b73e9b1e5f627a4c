"""The keyed, hash-chained audit trail: every change appends one record in the same transaction.

Scheme 2 (keyed, from this version on)::

    hash = HMAC-SHA256(key, prev_hash | canonical JSON of (at, actor, action, case_id, detail, reason,
                                                            scheme, events, events_digest))

The key lives in a file outside the database (:mod:`ehcp.store.audit_key`), so recomputing the chain
after an edit, with the product's own code but without the key, is detected. A record that writes
case events commits to them: ``events`` is how many rows of ``case_events`` it wrote and
``events_digest`` the sum (mod 2**256) of their event digests, ``HMAC-SHA256(key, canonical event
row)``. The sum is order-free, so a bulk import commits to a hundred thousand events in one record
without knowing their ids; a retention purge commits to the events it erases with a negative count.
``verify`` recomputes every event digest from ``case_events`` and checks the total equals what the
trail committed: an edited, deleted or forged case event is detected, and a per-command record
names the record whose event changed.

Scheme 1 rows (unkeyed SHA-256, written before the key existed) still verify as a prefix; the first
keyed write after the upgrade appends an ``audit_keyed`` record committing to every case event then
in the database, from which point everything is proven.

Writers are serialised: SQLite by ``BEGIN IMMEDIATE``, PostgreSQL by a transaction advisory lock
taken before reading the chain's tail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from json.encoder import encode_basestring_ascii as _quote
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ehcp.store import audit_key
from ehcp.store.models import AuditRecord, CaseEvent

GENESIS = "0" * 64
PLAIN, KEYED = 1, 2  # the hash schemes: unkeyed SHA-256 (before the key), HMAC-SHA256
_MOD = 1 << 256
_PG_AUDIT_LOCK = 7_348_211  # arbitrary, constant advisory-lock key for the chain tail

# (case_id, kind, on, recorded_at, actor, reason, payload): a case_events row as written.
EventFacts = tuple[int, str, date, datetime, str, str | None, Mapping[str, Any]]


# -- case events -----------------------------------------------------------------------------------
def canonical_payload(payload: Mapping[str, Any] | None) -> str:
    return json.dumps(payload or {}, sort_keys=True, separators=(",", ":"), default=str)


@lru_cache(maxsize=4096)
def _instant(value: datetime) -> str:
    """A stored timestamp in UTC (SQLite gives it back naive, in UTC; PostgreSQL aware)."""
    at = value if value.tzinfo else value.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def event_digest(key: bytes, case_id: int, kind: str, on: date, recorded_at: datetime, actor: str,
                 reason: str | None, payload: str) -> bytes:
    """HMAC of one case_events row's content (``payload`` already :func:`canonical_payload`): the
    JSON array ``[case_id, kind, on, recorded_at, actor, reason]`` then the payload, built by hand
    (it is on the import's hot path) exactly as ``json.dumps(..., separators=(",", ":"))`` would."""
    why = "null" if reason is None else _quote(reason)
    head = f"[{int(case_id)},{_quote(kind)},\"{on.isoformat()}\",\"{_instant(recorded_at)}\",{_quote(actor)},{why}]"
    inner, outer = _pads(key)
    mac = inner.copy()
    mac.update((head + payload).encode())
    out = outer.copy()
    out.update(mac.digest())
    return bytes(out.digest())


_PADS: dict[bytes, tuple[Any, Any]] = {}


def _pads(key: bytes) -> tuple[Any, Any]:
    """HMAC-SHA256's inner and outer hashes primed with the key (RFC 2104), copied per message:
    three times faster than ``hmac.digest`` per event on the import's hot path."""
    pads = _PADS.get(key)
    if pads is None:
        block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
        pads = _PADS[key] = (hashlib.sha256(bytes(b ^ 0x36 for b in block)),
                             hashlib.sha256(bytes(b ^ 0x5C for b in block)))
    return pads


@dataclass
class Tally:
    """A commitment to a multiset of case events: how many, and the sum of their digests."""

    count: int = 0
    total: int = 0

    def add(self, digest: bytes) -> None:
        self.count += 1
        self.total += int.from_bytes(digest, "big")

    def minus(self, other: Tally) -> Tally:
        return Tally(self.count - other.count, (self.total - other.total) % _MOD)

    @property
    def hex(self) -> str:
        return format(self.total % _MOD, "064x")


def tally(key: bytes, rows: Iterable[EventFacts]) -> Tally:
    out = Tally()
    for case_id, kind, on, at, actor, reason, payload in rows:
        out.add(event_digest(key, case_id, kind, on, at, actor, reason, canonical_payload(payload)))
    return out


def _stored_events(session: Session, key: bytes, where: Any = None) -> Iterable[tuple[int, bytes]]:
    """(case_id, digest) of each case_events row (those matching ``where``)."""
    query = select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.on, CaseEvent.recorded_at, CaseEvent.actor,
                   CaseEvent.reason, CaseEvent.payload)
    if where is not None:
        query = query.where(where)
    for case_id, kind, on, at, actor, reason, payload in session.execute(query).yield_per(5000):
        canon = canonical_payload(json.loads(payload) if isinstance(payload, str) else payload)
        yield case_id, event_digest(key, case_id, kind, on, at, actor, reason, canon)


def stored_tally(session: Session, where: Any = None) -> Tally:
    """The commitment to the case events in the database now (``where`` narrows them): a purge
    passes the negation of what it erases."""
    key = chain_key(session, create=True)
    out = Tally()
    for _, digest in _stored_events(session, key, where):
        out.add(digest)
    return out


# -- the chain -------------------------------------------------------------------------------------
def _canonical(record: AuditRecord) -> str:
    body: dict[str, Any] = {
        "at": _instant(record.at),
        "actor": record.actor,
        "action": record.action,
        "case_id": record.case_id,
        "detail": record.detail,
        "reason": record.reason,
    }
    if record.scheme == KEYED:
        body |= {"scheme": KEYED, "events": record.events, "events_digest": record.events_digest}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)


def digest(prev_hash: str, record: AuditRecord, key: bytes | None = None) -> str:
    message = f"{prev_hash}|{_canonical(record)}".encode()
    if record.scheme == KEYED:
        if key is None:
            raise audit_key.AuditKeyMissing("a keyed audit record needs the audit key")
        return hmac.new(key, message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


_PATHS: dict[tuple[str, str | None], Path] = {}


def key_file(session: Session) -> Path:
    """The key file for this session's database (``session.info['audit_key_file']`` if set)."""
    configured = session.info.get("audit_key_file")
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    cache = (url, str(configured) if configured else None)
    path = _PATHS.get(cache)
    if path is None:
        path = _PATHS[cache] = audit_key.key_path(url, configured)
    return path


def chain_key(session: Session, *, create: bool) -> bytes:
    """The HMAC key; generated on first use (``create``) unless the trail is keyed already."""
    path = key_file(session)
    key = audit_key.read_key(path)
    if key is not None:
        return key
    keyed = session.scalar(select(AuditRecord.id).where(AuditRecord.scheme == KEYED).limit(1))
    if keyed is not None or not create:
        raise audit_key.AuditKeyMissing(
            f"the audit trail is keyed but its key file {path} is missing; set EHCP_AUDIT_KEY_FILE to the key")
    sqlite = session.get_bind().dialect.name == "sqlite"
    return audit_key.create_key(path, warn_production=not sqlite and not session.info.get("audit_key_file"))


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    case_id: int | None = None,
    detail: dict | None = None,
    reason: str | None = None,
    events: Sequence[EventFacts] | Tally | None = None,
) -> AuditRecord:
    """Append one audit record at the tail of the chain (same transaction as the change);
    ``events`` are the case_events rows the change wrote (or their :class:`Tally`)."""
    key = chain_key(session, create=True)
    tail = _locked_tail(session)
    committed = events if isinstance(events, Tally) else tally(key, events) if events else None
    prev = tail.hash if tail is not None else GENESIS
    if tail is not None and tail.scheme != KEYED:
        prev = _key_the_chain(session, key, prev, actor, committed or Tally()).hash
    record = _add(session, key, prev, actor=actor, action=action, case_id=case_id,
                  detail=json.loads(json.dumps(detail or {}, default=str)), reason=reason, events=committed)
    session.flush()
    return record


def _locked_tail(session: Session) -> Any:
    """The chain's last (hash, scheme), writers serialised (PostgreSQL: an advisory lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    return session.execute(select(AuditRecord.hash, AuditRecord.scheme)
                           .order_by(AuditRecord.id.desc()).limit(1)).first()


def _key_the_chain(session: Session, key: bytes, prev: str, actor: str, committed: Tally) -> AuditRecord:
    """The first keyed record after an upgrade: commit to the case events already there (less
    ``committed``, those the change being recorded wrote, which its own record commits to)."""
    before = stored_tally(session).minus(committed)
    unkeyed = session.scalar(select(func.count()).select_from(AuditRecord))
    return _add(session, key, prev, actor=actor, action="audit_keyed", case_id=None,
                detail={"unkeyed_records": unkeyed, "case_events": before.count}, reason=None, events=before)


def start_keyed_chain(session: Session, actor: str) -> bool:
    """Append the ``audit_keyed`` record if the trail still ends in unkeyed records (``ehcp db
    upgrade``, as the owner role who sees every case); True if it did."""
    key = chain_key(session, create=True)
    tail = _locked_tail(session)
    if tail is None or tail.scheme == KEYED:
        return False
    _key_the_chain(session, key, tail.hash, actor, Tally())
    session.flush()
    return True


def _add(session: Session, key: bytes, prev: str, *, actor: str, action: str, case_id: int | None,
         detail: dict, reason: str | None, events: Tally | None) -> AuditRecord:
    record = AuditRecord(at=datetime.now(UTC), actor=actor, action=action, case_id=case_id, detail=detail,
                         reason=reason, prev_hash=prev, scheme=KEYED,
                         events=events.count if events is not None else None,
                         events_digest=events.hex if events is not None else None)
    record.hash = digest(prev, record, key)
    session.add(record)
    return record


# -- verifying -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainReport:
    records: int
    first_broken_id: int | None
    problem: str | None
    unkeyed: int = 0  # scheme-1 records before the keyed chain began
    events: int | None = None  # case events checked against the trail (None: not checked)
    skipped: list[tuple[int, int]] = field(default_factory=list)  # id ranges absent, chain unbroken
    last_id: int | None = None
    head: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def sees_every_case(session: Session) -> bool:
    """SQLite: yes. PostgreSQL: a superuser, a role that bypasses row security, the owner of
    ``case_events`` (row security is enabled, not forced), or an active admin."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text(
        "SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(session_user, c.relowner, 'MEMBER') "
        "OR EXISTS (SELECT 1 FROM users u WHERE u.login = session_user AND u.role = 'admin' AND u.active) "
        "FROM pg_roles r, pg_class c WHERE r.rolname = session_user AND c.oid = to_regclass('case_events')")))


def _snapshot(session: Session) -> None:
    """PostgreSQL: read the chain and the events in one snapshot (a writer may commit between),
    when the session has not begun its transaction yet (a caller's open transaction is its own)."""
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def verify(session: Session) -> ChainReport:
    """Walk the chain in id order and report the first record whose link or hash is wrong; then
    check the case events against what the keyed records committed."""
    _snapshot(session)
    keyed_any = session.scalar(select(AuditRecord.id).where(AuditRecord.scheme == KEYED).limit(1)) is not None
    key = chain_key(session, create=False) if keyed_any else None
    prev, prev_id, count, unkeyed, keyed = GENESIS, 0, 0, 0, False
    committed = Tally()
    singles: list[tuple[int, int | None, str]] = []  # (record id, case id, digest) of one-event records
    purged: set[int] = set()
    skipped: list[tuple[int, int]] = []

    def broken(record_id: int, problem: str) -> ChainReport:
        return ChainReport(count, record_id, problem, unkeyed, None, skipped, prev_id, prev)

    for record in session.scalars(select(AuditRecord).order_by(AuditRecord.id)).yield_per(2000):
        count += 1
        if record.prev_hash != prev:
            missing = f"; records {prev_id + 1}..{record.id - 1} are missing" if record.id > prev_id + 1 else ""
            return broken(record.id, f"previous-hash link does not match (a record was removed or reordered{missing})")
        if record.id > prev_id + 1 and prev_id:
            skipped.append((prev_id + 1, record.id - 1))
        if record.scheme == KEYED:
            keyed = True
            if digest(prev, record, key) != record.hash:
                return broken(record.id, "content does not match its hash (the record was edited, or its hash "
                                         "recomputed without the audit key)")
            if record.events is not None and record.events_digest is not None:
                committed.count += record.events
                committed.total += int(record.events_digest, 16)
                if record.events == 1:
                    singles.append((record.id, record.case_id, record.events_digest))
                elif record.events < 0 and record.case_id is not None:
                    purged.add(record.case_id)
        elif keyed:
            return broken(record.id, "an unkeyed record after the keyed chain began (it was forged)")
        elif digest(prev, record) != record.hash:
            return broken(record.id, "content does not match its hash (the record was edited)")
        else:
            unkeyed += 1
        prev, prev_id = record.hash, record.id
    report = ChainReport(count, None, None, unkeyed, None, skipped, prev_id or None, prev if count else None)
    if keyed and key is not None:
        if not sees_every_case(session):
            return report  # events=None: row security hides other teams' events from this login
        return _check_events(session, key, report, committed, singles, purged)
    if count and not keyed and audit_key.read_key(key_file(session)):
        # The database's key exists, so ehcp keyed its chain (db upgrade or the first write after
        # it): an all-unkeyed trail was rewritten, i.e. downgraded to the scheme anyone can compute.
        return ChainReport(count, None, "no record is keyed although this database's audit key exists (the "
                                        "chain was rewritten without the key)", unkeyed)
    if not count:
        stray = session.scalar(select(func.count()).select_from(CaseEvent)) or 0
        if stray:
            return ChainReport(0, None, f"the audit trail is empty but {stray} case events exist "
                                        "(its records were deleted)")
    return report


def _check_events(session: Session, key: bytes, report: ChainReport, committed: Tally,
                  singles: list[tuple[int, int | None, str]], purged: set[int]) -> ChainReport:
    actual = Tally()
    seen: Counter[str] = Counter()
    for _, found in _stored_events(session, key):
        actual.add(found)
        seen[found.hex()] += 1
    checked = ChainReport(report.records, None, None, report.unkeyed, actual.count, report.skipped,
                          report.last_id, report.head)
    if actual.count == committed.count and actual.total % _MOD == committed.total % _MOD:
        return checked
    for record_id, case_id, event in singles:  # name the record whose event changed, if one did
        if case_id in purged:
            continue
        if seen[event] > 0:
            seen[event] -= 1
            continue
        return ChainReport(report.records, record_id, "its case event no longer matches it (the case_events row "
                           "was edited or deleted)", report.unkeyed, actual.count, report.skipped,
                           report.last_id, report.head)
    return ChainReport(report.records, None, f"the case events do not match the audit trail: {actual.count} rows, "
                       f"{committed.count} recorded (a case event was added, edited or deleted outside ehcp)",
                       report.unkeyed, actual.count, report.skipped, report.last_id, report.head)


# -- seals -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Head:
    records: int
    last_id: int | None
    head: str | None


def head(session: Session) -> Head:
    row = session.execute(select(func.count(), func.max(AuditRecord.id)).select_from(AuditRecord)).one()
    records, last_id = int(row[0]), row[1]
    hash_ = session.scalar(select(AuditRecord.hash).where(AuditRecord.id == last_id)) if last_id else None
    return Head(records, last_id, hash_)


def seal_mac(session: Session, seal: Mapping[str, Any]) -> str:
    """HMAC of a seal's fields, so a seal line cannot be forged without the key either."""
    key = chain_key(session, create=True)
    body = json.dumps({k: seal[k] for k in ("head", "records", "last_id", "at")}, sort_keys=True,
                      separators=(",", ":"))
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SealCheck:
    line: int
    at: str
    problem: str | None


def check_seal(session: Session, number: int, seal: Mapping[str, Any]) -> SealCheck:
    """Does the trail still contain the sealed head? Truncation, rollback and deleted records are
    problems, explained by a ``db_restored`` record written after the seal if there is one."""
    at = str(seal.get("at", "?"))
    try:
        last_id, records, sealed = int(seal["last_id"] or 0), int(seal["records"]), seal["head"]
    except (KeyError, TypeError, ValueError):
        return SealCheck(number, at, "not a seal line (expected head, records, last_id, at)")
    if seal.get("mac") and seal_mac(session, seal) != seal["mac"]:
        return SealCheck(number, at, "the seal line does not match its MAC (it was edited or made without the key)")
    now = head(session)
    problem = None
    if last_id and now.last_id is not None and now.last_id < last_id:
        problem = (f"truncated: the seal names record {last_id} ({records} records) but the trail ends at "
                   f"record {now.last_id} ({now.records} records)")
    elif last_id and now.last_id is None:
        problem = f"truncated: the seal names record {last_id} ({records} records) but the trail is empty"
    elif last_id:
        found = session.scalar(select(AuditRecord.hash).where(AuditRecord.id == last_id))
        upto = session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.id <= last_id))
        if found is None:
            problem = f"record {last_id}, the sealed head, is missing"
        elif found != sealed:
            problem = f"rolled back or rewritten: record {last_id} is not the record sealed"
        elif upto != records:
            problem = f"{records - (upto or 0)} of the {records} sealed records are missing"
    if problem is not None:
        problem += _restores_after(session, at)
    return SealCheck(number, at, problem)


def _restores_after(session: Session, at: str) -> str:
    try:
        sealed_at = datetime.fromisoformat(at)
    except ValueError:
        return ""
    sealed_at = sealed_at if sealed_at.tzinfo else sealed_at.replace(tzinfo=UTC)
    for record in session.scalars(select(AuditRecord).where(AuditRecord.action == "db_restored")
                                  .order_by(AuditRecord.id.desc())):
        when = record.at if record.at.tzinfo else record.at.replace(tzinfo=UTC)
        if when >= sealed_at:
            return (f"; explained by a restore: record {record.id}, {record.actor} restored "
                    f"{record.detail.get('backup')} (sha256 {str(record.detail.get('sha256'))[:16]}) at "
                    f"{_instant(record.at)}")
    return ""
