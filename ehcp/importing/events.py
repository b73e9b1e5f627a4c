"""``ehcp import events`` and ``ehcp import advice``: more history for cases already on file.

Rows are read whole, grouped by case and replayed in file order on top of each case's stored log:
every event is checked by the domain (``check_event``) exactly as the case commands check it. Only
if every row passes are the events appended, advice requests created or answered, and each touched
case's stage and deadlines brought into step - in one transaction.

Core kinds (spec.EVENT_KINDS) carry their fields in columns of their own; lifecycle kinds
(spec.LIFECYCLE_EVENT_KINDS: reviews, re-assessment, ceasing, transfers out, disputes) carry them in
the ``details`` cell as ``key=value;key=value``, the keys being the event dataclass's fields, each
value read by its field's type.
"""

from __future__ import annotations

import difflib
import time
import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from functools import cache
from pathlib import Path
from typing import cast

from sqlalchemy import select

from ehcp.domain import IllegalMove, check_event, event_from
from ehcp.domain import events as ev
from ehcp.domain.vocabulary import ADVICE_KINDS, CHANNELS, EXCEPTION_REASONS, REVIEW_OUTCOMES
from ehcp.importing import fields as f
from ehcp.importing import spec
from ehcp.importing.csvfile import Column, CsvFile
from ehcp.importing.errors import FieldError, RowError, read
from ehcp.importing.session import ImportResult, case_ids, file_name, finish, import_transaction, refuse_if_any
from ehcp.importing.writer import BulkWriter, CaseUpdate, NewAdvice, chunks
from ehcp.services.context import ServiceContext
from ehcp.store.models import AdviceRequest, CaseEvent, Partner

KINDS = spec.EVENT_KINDS + spec.LIFECYCLE_EVENT_KINDS
LIFECYCLE_KINDS = frozenset(spec.LIFECYCLE_EVENT_KINDS)
PAYLOAD_COLUMNS = spec.PAYLOAD_COLUMNS
EVENT_COLUMNS = spec.EVENTS
ADVICE_COLUMNS = spec.ADVICE

Getters = dict[str, Callable[[list[str]], str]]  # column name -> accessor of a row's cell


@dataclass
class Item:
    """One event to add: the row it came from and the column its refusal belongs to."""

    line: int
    reference: str
    kind: str
    on: date
    column: str  # where a domain refusal is reported
    fields: dict = field(default_factory=dict)
    note: str | None = None
    partner_id: int | None = None
    pair: Item | None = None  # advice file: the receipt that answers this request


@dataclass
class CaseState:
    case_id: int
    history: list
    open_advice: list[list]  # [id or local, kind, requested_on, received_on]
    new_events: list = field(default_factory=list)
    reasons: list = field(default_factory=list)
    new_advice: list[NewAdvice] = field(default_factory=list)
    received: list[tuple[int, date]] = field(default_factory=list)
    rejected_line: int | None = None


class _Run:
    def __init__(self, ctx: ServiceContext, writer: BulkWriter) -> None:
        self.ctx = ctx
        self.today = ctx.today
        self.writer = writer
        self.session = writer.session
        self.errors: list[RowError] = []
        self.partners: dict[str, int] = dict(self.session.execute(select(Partner.name, Partner.id)).tuples().all())
        self.locals = 0

    def error(self, line: int, column: str, reason: str) -> None:
        self.errors.append(RowError(line, column, reason))

    def partner(self, line: int, name: str | None, kind: str | None) -> int | None:
        if not name:
            if kind not in (None, "parent"):
                self.error(line, "partner", f"advice of kind {kind!r} needs the partner asked for it")
            return None
        partner_id = self.partners.get(name)
        if partner_id is None:
            near = difflib.get_close_matches(name, list(self.partners), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(near)}?" if near else "; import partners first ('ehcp import partners')"
            self.error(line, "partner", f"unknown partner {name!r}{hint}")
        return partner_id

    def load_cases(self, items: list[Item]) -> dict[str, CaseState]:
        refs = sorted({i.reference for i in items})
        cases = {reference: CaseState(case_id, [], []) for reference, case_id in case_ids(self.session, refs).items()}
        by_id = {s.case_id: s for s in cases.values()}
        ids = sorted(by_id)
        for chunk in chunks(ids, 500):
            rows = self.session.execute(
                select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.on, CaseEvent.payload)
                .where(CaseEvent.case_id.in_(chunk)).order_by(CaseEvent.case_id, CaseEvent.on, CaseEvent.id))
            for case_id, kind, on, payload in rows:
                by_id[case_id].history.append(event_from(kind, on, payload or {}))
            rows = self.session.execute(
                select(AdviceRequest.case_id, AdviceRequest.id, AdviceRequest.kind, AdviceRequest.requested_on)
                .where(AdviceRequest.case_id.in_(chunk), AdviceRequest.received_on.is_(None),
                       AdviceRequest.cancelled_on.is_(None))
                .order_by(AdviceRequest.id))
            for case_id, advice_id, kind, requested_on in rows:
                by_id[case_id].open_advice.append([advice_id, kind, requested_on, None])
        return cases

    def replay(self, items: list[Item]) -> dict[str, CaseState]:
        """Check every item against its case's history so far; collect what to write."""
        cases = self.load_cases(items)
        for item in items:
            state = cases.get(item.reference)
            if state is None:
                self.error(item.line, "reference", f"unknown case {item.reference!r}")
                continue
            if state.rejected_line is not None:
                self.error(item.line, "reference", f"not checked: an earlier row for {item.reference} "
                                                   f"(line {state.rejected_line}) was rejected")
                continue
            before = len(self.errors)
            self._add(state, item)
            if item.pair is not None and len(self.errors) == before:
                self._add(state, item.pair)
            if len(self.errors) != before:
                state.rejected_line = item.line
        return cases

    def _add(self, state: CaseState, item: Item) -> None:
        event = self._event(state, item)
        if event is None:
            return
        try:
            check_event(state.history, event, calendar=self.writer.calendar)
        except IllegalMove as exc:
            self.error(item.line, item.column, str(exc))
            return
        # an imported advice event's request_id is always an int: a stored request's id, or a local
        # (negative) number that _event gave it
        if isinstance(event, ev.AdviceRequested):
            request_id = cast(int, event.request_id)
            state.new_advice.append(NewAdvice(request_id, event.advice_kind, item.partner_id, event.on,
                                              event.received_by_body, event.channel))
            state.open_advice.append([request_id, event.advice_kind, event.on, None])
        elif isinstance(event, ev.AdviceReceived):
            request_id = cast(int, event.request_id)
            for request in state.open_advice:
                if request[0] == request_id:
                    request[3] = event.on
            state.received.append((request_id, event.on))
        state.history.append(event)
        state.new_events.append(event)
        state.reasons.append(item.note)

    def _event(self, state: CaseState, item: Item) -> ev.Event | None:
        values = dict(item.fields)
        if item.kind == "advice_requested":
            self.locals -= 1
            values["request_id"] = self.locals
            if item.pair is not None:
                item.pair.fields["request_id"] = self.locals
        elif item.kind == "advice_received" and "request_id" not in values:
            kind = values["advice_kind"]
            waiting = [r for r in state.open_advice if r[1] == kind and r[3] is None]
            if not waiting:
                self.error(item.line, "advice_kind", f"{item.reference} has no open {kind} advice request")
                return None
            if item.on < waiting[0][2]:
                self.error(item.line, item.column, f"received {item.on.isoformat()} is before the request "
                                                   f"date {waiting[0][2].isoformat()}")
                return None
            values["request_id"] = waiting[0][0]
        return ev.ALL_EVENT_TYPES[item.kind](on=item.on, **values)

    def write(self, cases: dict[str, CaseState]) -> None:
        updates = [CaseUpdate(s.case_id, s.history, s.new_events, s.reasons, s.new_advice, s.received)
                   for s in cases.values() if s.new_events]
        self.writer.write_updates(updates)


def _common(run: _Run, line: int, get: Getters, values: list[str], date_column: str) -> tuple[str | None, date | None]:
    ref = read(run.errors, line, f.reference, get["reference"](values))
    on = read(run.errors, line, f.iso_date, get[date_column](values), date_column)
    if on is not None:
        read(run.errors, line, f.not_future, on, run.today, date_column)
    return ref, on


def _event_item(run: _Run, line: int, get: Getters, values: list[str]) -> Item | None:
    before = len(run.errors)
    ref, on = _common(run, line, get, values, "on")
    raw_kind = get["kind"](values).strip().lower()
    if raw_kind == "request_received":
        run.error(line, "kind", "a request opens a case: import it with 'ehcp import cases'")
        return None
    if raw_kind == "advice_cancelled":
        run.error(line, "kind", "a cancellation corrects the live record: use 'ehcp advice cancel'")
        return None
    if raw_kind in spec.LIFECYCLE_NOT_IMPORTED:
        run.error(line, "kind", "a plan transferring in opens a new case: record it with 'ehcp transfer in', "
                                "then import the case's later events")
        return None
    kind = read(run.errors, line, f.choice, raw_kind, "kind", KINDS)
    if kind is None:
        return None
    wanted = PAYLOAD_COLUMNS.get(kind, ())
    lifecycle = kind in LIFECYCLE_KINDS
    for column in ("advice_kind", "partner", "received_by_body", "channel", "served_on", "reason", "until",
                   "outcome", "school"):
        if column not in wanted and get[column](values).strip():
            hint = f"; give {kind}'s fields in details" if lifecycle else ""
            run.error(line, column, f"does not apply to {kind} (leave it blank{hint})")
    if not lifecycle and get["details"](values).strip():
        run.error(line, "details", f"does not apply to {kind}: details are for lifecycle kinds; {kind}'s "
                                   "fields have columns of their own (leave it blank)")
    data: dict = {}
    partner_id = None

    def cell(name: str) -> str:
        return get[name](values)

    if lifecycle:
        data = _details(run, line, kind, cell("details"))
    elif kind in ("advice_requested", "advice_received"):
        data["advice_kind"] = read(run.errors, line, f.choice, cell("advice_kind"), "advice_kind", ADVICE_KINDS)
    if kind == "advice_requested":
        data["received_by_body"] = read(run.errors, line, f.iso_date, cell("received_by_body"), "received_by_body",
                                         required=False)
        data["channel"] = read(run.errors, line, f.choice, cell("channel"), "channel", CHANNELS, default="email")
        name = read(run.errors, line, f.text, cell("partner"), "partner", limit=200)
        partner_id = run.partner(line, name, data["advice_kind"])
    elif kind in ("draft_plan_sent", "amendment_notice_sent"):
        data["channel"] = read(run.errors, line, f.choice, cell("channel"), "channel", CHANNELS, default="email")
        data["served_on"] = read(run.errors, line, f.iso_date, cell("served_on"), "served_on", required=False)
    elif kind in ("school_consulted", "school_responded"):
        data["school"] = read(run.errors, line, f.text, cell("school"), "school", limit=200)
    elif kind == "review_decided":
        data["outcome"] = read(run.errors, line, f.choice, cell("outcome"), "outcome", REVIEW_OUTCOMES)
    elif kind == "exception_recorded":
        data["reason"] = read(run.errors, line, f.choice, cell("reason"), "reason", EXCEPTION_REASONS)
        data["until"] = read(run.errors, line, f.iso_date, cell("until"), "until", required=False)
        data["advice_kind"] = read(run.errors, line, f.optional_choice, cell("advice_kind"), "advice_kind",
                                   ADVICE_KINDS)
    note = read(run.errors, line, f.long_text, cell("note"), "note")
    if len(run.errors) != before or ref is None or on is None:  # (None only with an error listed)
        return None
    return Item(line, ref, kind, on, "kind", data, note, partner_id)


# -- lifecycle details ------------------------------------------------------------------------------

TRUE = ("yes", "true", "1")
FALSE = ("no", "false", "0")


@cache
def detail_fields(kind: str) -> dict[str, tuple[type, bool, bool]]:
    """The ``details`` keys of a lifecycle kind: field name -> (type, may be None, required), read
    from the event dataclass (every field but ``on``; required: no default)."""
    cls = ev.ALL_EVENT_TYPES[kind]
    hints = typing.get_type_hints(cls)
    out = {}
    for fld in fields(cls):
        if fld.name == "on" or fld.metadata.get("import") is False:  # e.g. a mediation agreement's items
            continue
        hint = hints[fld.name]
        union = isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
        args = typing.get_args(hint) if union else (hint,)
        base = [a for a in args if a is not type(None)]
        if len(base) != 1 or base[0] not in (date, bool, int, str):
            raise TypeError(f"{kind}.{fld.name}: the import cannot read a field of type {hint}")
        out[fld.name] = (base[0], type(None) in args, fld.default is MISSING and fld.default_factory is MISSING)
    return out


def _details(run: _Run, line: int, kind: str, cell: str) -> dict:
    """The event fields in a ``details`` cell (``key=value;key=value``); problems go to ``run``."""
    known = detail_fields(kind)
    allowed = ", ".join(known) if known else None
    values: dict = {}
    seen: set[str] = set()
    malformed = False
    for part in cell.split(";"):
        if not part.strip():
            continue
        key, equals, raw = part.partition("=")
        key = key.strip().lower()
        if not equals or not key:
            malformed = True
            run.error(line, "details", f"{part.strip()!r} is not key=value (pairs are separated by ';'"
                                       f"{'; keys for ' + kind + ': ' + allowed if allowed else ''})")
            continue
        if key not in known:
            reason = (f"unknown key {key!r} for {kind}; its keys are {allowed}" if allowed
                      else f"unknown key {key!r}: {kind} takes no details (leave it blank)")
            run.error(line, "details", reason)
            continue
        if key in seen:
            run.error(line, "details", f"{key} is given twice")
            continue
        seen.add(key)
        typ, nullable, _ = known[key]
        try:
            values[key] = _typed(key, raw, typ, nullable)
        except FieldError as exc:
            run.error(line, "details", exc.reason)
    missing = [name for name, (_, _, required) in known.items() if required and name not in seen]
    if missing and not malformed:  # a pair that is not key=value is reported once, not again as missing
        run.error(line, "details", f"{kind} needs {', '.join(name + '=...' for name in missing)} "
                                   f"(its keys are {allowed})")
    return values


def _typed(key: str, raw: str, typ: type, nullable: bool) -> date | bool | int | str | None:
    """``raw`` read as a value of the field's type (``typ``; blank is None if the field may be None)."""
    text = raw.strip()
    if not text:
        if nullable:
            return None
        raise FieldError("details", f"{key}: a value is required")
    if typ is date:
        try:
            return f.iso_date(text, "details")
        except FieldError as exc:
            raise FieldError("details", f"{key}: {exc.reason}") from None
    if typ is bool:
        word = text.lower()
        if word in TRUE or word in FALSE:
            return word in TRUE
        raise FieldError("details", f"{key}: {text!r} is not yes or no (yes/no, true/false, 1/0)")
    if typ is int:
        try:
            return int(text)
        except ValueError:
            raise FieldError("details", f"{key}: {text!r} is not a whole number") from None
    try:
        return f.text(text, "details", limit=200)
    except FieldError as exc:
        raise FieldError("details", f"{key}: {exc.reason}") from None


def _advice_item(run: _Run, line: int, get: Getters, values: list[str]) -> Item | None:
    before = len(run.errors)
    ref, on = _common(run, line, get, values, "requested_on")
    kind = read(run.errors, line, f.choice, get["kind"](values), "kind", ADVICE_KINDS)
    received_by_body = read(run.errors, line, f.iso_date, get["received_by_body"](values), "received_by_body",
                             required=False)
    channel = read(run.errors, line, f.choice, get["channel"](values), "channel", CHANNELS, default="email")
    received_on = read(run.errors, line, f.iso_date, get["received_on"](values), "received_on", required=False)
    if received_on is not None:
        read(run.errors, line, f.not_future, received_on, run.today, "received_on")
        if on is not None and received_on < on:
            run.error(line, "received_on", f"{received_on.isoformat()} is before requested_on {on.isoformat()}")
    partner_id = run.partner(line, read(run.errors, line, f.text, get["partner"](values), "partner", limit=200), kind)
    if len(run.errors) != before or ref is None or on is None:  # (None only with an error listed)
        return None
    item = Item(line, ref, "advice_requested", on, "requested_on",
                {"advice_kind": kind, "received_by_body": received_by_body, "channel": channel},
                partner_id=partner_id)
    if received_on is not None:
        item.pair = Item(line, ref, "advice_received", received_on, "received_on", {"advice_kind": kind})
    return item


def _import(ctx: ServiceContext, path: Path, kind: str, columns: tuple[Column, ...],
            parse: Callable[[_Run, int, Getters, list[str]], Item | None]) -> ImportResult:
    started = time.perf_counter()
    path = Path(path)
    with import_transaction(ctx) as (uow, writer):
        run = _Run(ctx, writer)
        source = CsvFile(path, columns)
        get: Getters = {}
        items = []
        for line, values in source.rows():
            if not get:
                get = {c.name: source.getter(c.name) for c in columns}
            item = parse(run, line, get, values)
            if item is not None:
                items.append(item)
        cases = run.replay(items) if not source.errors else {}
        refuse_if_any(path, source, run.errors)
        run.write(cases)
        counts = {"cases": sum(1 for s in cases.values() if s.new_events), **writer.counts.as_dict()}
        return finish(uow, writer, ctx, ImportResult(kind, file_name(path), source.rows_read, counts), started)


def import_events(ctx: ServiceContext, path: Path) -> ImportResult:
    """Append one event per row to existing cases; raises ImportRefused (nothing written) if any row fails."""
    return _import(ctx, path, "events", EVENT_COLUMNS, _event_item)


def import_advice(ctx: ServiceContext, path: Path) -> ImportResult:
    """One advice request per row (and its receipt, if dated); raises ImportRefused if any row fails."""
    return _import(ctx, path, "advice", ADVICE_COLUMNS, _advice_item)


