"""The reminder ledger and the nightly chase's queries: every SQL statement of the chase lives here.

The ledger (table ``reminders``) holds one row per (subject, rung); its unique key is what makes a
night idempotent - re-running it, or two workers at once, can queue and send each row only once.
A row's life: ``pending`` (queued) -> ``sending`` (claimed with a token and a time) -> ``sent``, or
back to ``pending`` after a failed send, ``failed`` after too many, ``skipped`` when its subject no
longer needs chasing at delivery.

Set-based by design (bench/bench_chase.py measures it against a hand-written floor): planning is one
``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` (no candidate row crosses into Python), claiming is
one UPDATE through the partial index of open reminders (ix_reminders_open), and a night's digests
are built from one query streamed in recipient order.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Date,
    DateTime,
    Integer,
    Result,
    Select,
    String,
    Table,
    and_,
    any_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import Case as CaseExpression
from sqlalchemy.sql.elements import Label
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import Subquery

from calendars import WorkingDayCalendar, england_and_wales
from ehcp.domain.deadlines import CONDITIONAL, PENDING
from ehcp.store.calendars import CalendarRepository
from ehcp.store.models import OPEN_REMINDERS, AdviceRequest, Case, Child, Deadline, Partner, Reminder, User
from ehcp.store.portal import PortalRepository
from ehcp.store.reads import CLOSED_STAGES, iso_date_sql

LEDGER = cast(Table, Reminder.__table__)
KEY_LENGTH: int = cast(String, LEDGER.c.message_key.type).length or 0

# The ledger's subject types: an advice request (chased from its partner), a caseworker's or a
# manager's daily digest (the subject is the user).
ADVICE, CASEWORKER, MANAGER = "advice", "caseworker", "manager"


class LadderRung(Protocol):
    """What the planner's SQL needs of a rung of the escalation ladder (``ehcp.chase.config.Rung``)."""

    @property
    def name(self) -> str: ...

    @property
    def escalate(self) -> bool: ...


# (index, rung, the latest due date that has reached it), highest rung first: ``rung_thresholds``
Thresholds = Sequence[tuple[int, LadderRung, date]]


def now_utc() -> datetime:
    return datetime.now(UTC)


def ledger_key(recipient: str, as_of: date) -> str:
    """The ledger's message key: the recipient and the night (hashed if too long for the column)."""
    key = f"{as_of.isoformat()}:{recipient}"
    if len(key) <= KEY_LENGTH:
        return key
    return f"{as_of.isoformat()}:sha256:{hashlib.sha256(recipient.encode()).hexdigest()}"


ARRAY_OF_INTEGERS = postgresql.ARRAY(Integer)


def ids_in(session: Session, column: ColumnElement[int], ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN ids`` as ONE bound parameter (a JSON array on SQLite, an array on PostgreSQL):
    a night marks tens of thousands of ledger rows, and an expanded IN list costs far more to
    compile and bind than the update itself."""
    ids = [int(i) for i in ids]
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY_OF_INTEGERS))
    return column.in_(select(literal_column("value")).select_from(func.json_each(json.dumps(ids))))


class _IsoText(FunctionElement):
    type = String()
    inherit_cache = True


@compiles(_IsoText)
def _iso_text(element: _IsoText, compiler: SQLCompiler, **kw: Any) -> str:
    return iso_date_sql(compiler.process(element.clauses, **kw), compiler.dialect.name)


def iso_text(column: Any, name: str) -> Label[str]:
    """A date column as ISO ``YYYY-MM-DD`` text (``ehcp.store.reads.iso_date_sql``)."""
    return _IsoText(column).label(name)


def _advice_columns() -> tuple[Any, ...]:
    """What an advice digest shows and addresses of a request (dates as ISO text)."""
    return (AdviceRequest.id.label("request_id"),  # the advice-return link's subject (issue 20)
            AdviceRequest.kind, iso_text(AdviceRequest.requested_on, "requested_on"), iso_text(Deadline.due, "due"),
            Case.reference, Case.caseworker_id, User.email.label("caseworker_email"),
            Partner.name.label("partner"), Partner.contact_name, Partner.email.label("partner_email"),
            *_child_columns())


def _child_columns() -> tuple[Any, ...]:
    return (func.upper(func.substr(Child.given_name, 1, 1)).label("gi"),
            func.upper(func.substr(Child.family_name, 1, 1)).label("fi"),
            iso_text(Child.dob, "dob"), Child.upn, Child.year_group)


# --- what still needs chasing, stated once -------------------------------------------------------

def advice_still_open() -> ColumnElement[bool]:
    """An advice request still needs chasing while its advice has not arrived, it was not cancelled
    as made in error, its clock is pending
    (not met, missed or disapplied under reg 8(2)), its case is open and its partner is not
    deactivated (the request stays listed for the caseworker, its deadline kept). The planner selects by it;
    delivery re-checks it on each claimed row (anything may have changed since the row was queued)."""
    return and_(Deadline.state == PENDING, AdviceRequest.received_on.is_(None),
                AdviceRequest.cancelled_on.is_(None), Case.stage.not_in(CLOSED_STAGES),
                Partner.active.is_(True))


def live_deadline(as_of: date) -> ColumnElement[bool]:
    """A pending clock that is not 'met' by the domain's one status rule
    (``ehcp.domain.deadlines.deadline_status``, spelt in SQL as ``ehcp.store.reads.status_sql``): a
    window (e.g. the 15-day representation period) whose due date has passed is met, not overdue."""
    return and_(Deadline.state == PENDING, or_(Deadline.is_window == false(), Deadline.due >= as_of))


def open_deadline(as_of: date) -> ColumnElement[bool]:
    """A clock a caseworker must still act on: every statutory and advisory clock the reports list
    (tribunal orders, reviews, phase transfers, amendments, mediation, appeals, advice) that is
    pending and not a run window, on an open case. The digests select and list by it. A conditional
    clock past its date is a milestone passed, not a duty (reg 10(1): the no-plan notice binds only
    once the LA decides not to issue), so it leaves the digests as it leaves the overdue counts."""
    conditional = or_(*(or_(Deadline.key == key, Deadline.key.like(f"{key}.%")) for key in sorted(CONDITIONAL)))
    milestone = and_(conditional, Deadline.due < as_of)
    return and_(live_deadline(as_of), Case.stage.not_in(CLOSED_STAGES), ~milestone)


# --- claiming ----------------------------------------------------------------------------------------

def claimable(subject_types: Sequence[str], token: str, lease_minutes: int) -> ColumnElement[bool]:
    """Rows a worker may claim: pending, or claimed by itself or by a worker whose lease has run out.
    The ``status IN (...)`` term lets both databases read only open rows (ix_reminders_open)."""
    expired = now_utc() - timedelta(minutes=lease_minutes)
    return and_(LEDGER.c.subject_type.in_(tuple(subject_types)), text(OPEN_REMINDERS),
                or_(LEDGER.c.status == "pending",
                    and_(LEDGER.c.status == "sending",
                         or_(LEDGER.c.claimed_by == token, LEDGER.c.claimed_at < expired))))


_PG_INSERT = text("""
INSERT INTO reminders (subject_type, subject_id, rung, as_of, recipient, message_key, status, attempts, created_at)
SELECT :kind, t.sid, t.rung, :as_of, t.recipient, t.mkey, 'pending', 0, :stamp
FROM unnest(CAST(:sids AS integer[]), CAST(:rungs AS varchar[]), CAST(:recipients AS varchar[]),
            CAST(:keys AS varchar[])) AS t(sid, rung, recipient, mkey)
ON CONFLICT DO NOTHING
RETURNING subject_id, rung""")


class Ledger:
    """The reminder ledger and the chase's reads, inside the caller's unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _insert(self) -> postgresql.Insert | sqlite.Insert:
        return postgresql.insert(LEDGER) if self._postgresql else sqlite.insert(LEDGER)

    def working_calendar(self) -> WorkingDayCalendar:
        """England and Wales working days with the one-off holidays recorded in the database."""
        return _calendar(tuple(sorted(CalendarRepository(self.session).extra_holidays().items())))

    # --- queueing ---------------------------------------------------------------------------------

    def insert(self, subject_type: str, as_of: date, stamp: datetime,
               items: Sequence[tuple[int, str, str]]) -> list[tuple[int, str]]:
        """Insert (subject_id, rung, recipient) rows, skipping any whose (subject, rung) is already in
        the ledger (ON CONFLICT DO NOTHING); return the (subject_id, rung) actually inserted."""
        if not items:
            return []
        if self._postgresql:
            # one statement with four array parameters: no per-row placeholders to parse
            params = {"kind": subject_type, "as_of": as_of, "stamp": stamp, "sids": [i[0] for i in items],
                      "rungs": [i[1] for i in items], "recipients": [i[2] for i in items],
                      "keys": [ledger_key(i[2], as_of) for i in items]}
            return [(sid, rung) for sid, rung in self.session.execute(_PG_INSERT, params)]
        # executemany with RETURNING: SQLAlchemy batches it as "insertmanyvalues" with one cached
        # compiled statement
        stmt = sqlite.insert(LEDGER).on_conflict_do_nothing().returning(LEDGER.c.subject_id, LEDGER.c.rung)
        rows = [{"subject_type": subject_type, "subject_id": sid, "rung": rung, "as_of": as_of, "recipient": to,
                 "message_key": ledger_key(to, as_of), "status": "pending", "attempts": 0, "created_at": stamp}
                for sid, rung, to in items]
        return [(sid, rung) for sid, rung in self.session.connection().execute(stmt, rows)]

    def insert_chunked(self, subject_type: str, as_of: date, stamp: datetime,
                       items: Sequence[tuple[int, str, str]], chunk: int = 1000) -> list[tuple[int, str]]:
        inserted: list[tuple[int, str]] = []
        for start in range(0, len(items), max(1, chunk)):
            inserted += self.insert(subject_type, as_of, stamp, items[start:start + chunk])
        return inserted

    def queue_advice(self, thresholds: Thresholds, as_of: date, stamp: datetime, *,
                     chunk: int = 1000) -> Counter[tuple[str, str]]:
        """Queue tonight's advice chasers; returns (rung, recipient) -> rows queued now.

        One ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` picks each request's rung (the highest
        reached, unless it or a higher one is already in the ledger) and recipient in SQL. A
        recipient too long for a plain message key (never a valid e-mail address up to 189
        characters) goes through ``insert``, which hashes it.
        """
        prefix = f"{as_of.isoformat()}:"
        tonight = _candidates(thresholds, as_of, self.reachable(thresholds))
        short = func.length(tonight.c.recipient) <= KEY_LENGTH - len(prefix)
        rows = select(literal(ADVICE), tonight.c.sid, tonight.c.rung, literal(as_of, Date), tonight.c.recipient,
                      literal(prefix) + tonight.c.recipient, literal("pending"), literal(0),
                      literal(stamp, DateTime(timezone=True))).where(short).order_by(tonight.c.recipient)
        self.session.execute(
            self._insert()
            .from_select(["subject_type", "subject_id", "rung", "as_of", "recipient", "message_key", "status",
                          "attempts", "created_at"], rows)
            .on_conflict_do_nothing())
        queued = self._written(as_of, stamp)
        if self._long_contacts(len(prefix)):
            long_rows = [(sid, rung, to) for sid, rung, to in self.session.execute(
                select(tonight.c.sid, tonight.c.rung, tonight.c.recipient).where(~short))]
            recipient_of = {(sid, rung): to for sid, rung, to in long_rows}
            queued.update((rung, recipient_of[sid, rung])
                          for sid, rung in self.insert_chunked(ADVICE, as_of, stamp, long_rows, chunk))
        return queued

    def reachable(self, thresholds: Thresholds) -> Thresholds:
        """The rungs some pending advice clock can reach tonight (highest first): a rung whose latest
        due date is before the earliest pending clock's is reached by none, so the planner's CASE
        leaves it out (a ladder with a repeating top rung has some thirty rungs). Always the first."""
        # driven from the open requests (ix_advice_requests_open), not from ix_deadlines_state_due:
        # walking the pending clocks in due order until the first advice one read 650,000 statutory
        # clocks at national scale (2.8-3.6 s of a 9 s night on PostgreSQL; now 0.2-0.4 s)
        earliest = self.session.scalar(
            select(func.min(Deadline.due)).select_from(AdviceRequest)
            .join(Deadline, and_(Deadline.case_id == AdviceRequest.case_id,
                                 Deadline.advice_request_id == AdviceRequest.id))
            .where(AdviceRequest.received_on.is_(None), Deadline.state == PENDING))
        if earliest is None:
            return thresholds[-1:]
        return [t for t in thresholds[:-1] if t[2] >= earliest] + list(thresholds[-1:])

    def _written(self, as_of: date, stamp: datetime) -> Counter[tuple[str, str]]:
        """(rung, recipient) -> rows this run wrote: tonight's keys all start with the date, so the
        message_key index finds them (cheaper than RETURNING every row into Python)."""
        night = as_of.isoformat()
        rows = self.session.execute(
            select(LEDGER.c.rung, LEDGER.c.recipient, func.count())
            .where(LEDGER.c.message_key >= f"{night}:", LEDGER.c.message_key < f"{night};",
                   LEDGER.c.subject_type == ADVICE, LEDGER.c.created_at == stamp)
            .group_by(LEDGER.c.rung, LEDGER.c.recipient))
        return Counter({(rung, to): n for rung, to, n in rows})

    def _long_contacts(self, prefix: int) -> bool:
        limit = KEY_LENGTH - prefix
        return self.session.execute(
            select(Partner.id).where(or_(func.length(Partner.email) > limit,
                                         func.length(Partner.escalation_email) > limit)).limit(1)).first() is not None

    def partner_contacts(self) -> list[tuple[str, str | None, str | None]]:
        """(partner name, e-mail, escalation e-mail) of every partner."""
        return [tuple(r) for r in self.session.execute(
            select(Partner.name, Partner.email, Partner.escalation_email))]

    def advice_in_reach(self, thresholds: Thresholds, as_of: date) -> list[tuple[str, int, int]]:
        """(partner, requests in reach of the ladder, of which without a contact) per partner."""
        return [tuple(r) for r in self.session.execute(
            _in_reach(thresholds).add_columns(Partner.name, func.count(),
                                              func.count(case((_recipient(thresholds).is_(None), 1))))
            .group_by(Partner.name))]

    def caseworkers_with_deadlines(self, as_of: date, horizon: date) -> list[tuple[int, str | None]]:
        """(user id, e-mail or None) of active caseworkers with open deadlines due by ``horizon``."""
        # non-correlated IN (...): one pass over the pending clocks, not one per user
        busy = _open_deadlines(as_of, Deadline.due <= horizon).with_only_columns(Case.caseworker_id)
        return [(uid, email) for uid, email in self.session.execute(
            select(User.id, User.email).where(User.active.is_(True), User.id.in_(busy)))]

    def managers_of_late_teams(self, as_of: date) -> list[tuple[int, str | None]]:
        """(user id, e-mail or None) of active managers whose team has overdue deadlines."""
        staff = cast(Table, User.__table__).alias("staff")
        late_teams = (_open_deadlines(as_of, Deadline.due < as_of).join(staff, staff.c.id == Case.caseworker_id)
                      .with_only_columns(staff.c.team_id))
        return [(uid, email) for uid, email in self.session.execute(select(User.id, User.email).where(
            User.role == "manager", User.active.is_(True), User.team_id.in_(late_teams)))]

    # --- claiming and recording -------------------------------------------------------------------

    def recipients_to_deliver(self, subject_types: Sequence[str], lease_minutes: int,
                              as_of: date | None = None) -> list[str]:
        """Recipients with rows waiting to be delivered (pending, or claimed by a crashed worker),
        except, given ``as_of``, those already sent a message of this kind queued that night: never
        more than one a night per recipient (what came later waits for the next night's digest)."""
        waiting = self.session.scalars(select(LEDGER.c.recipient).where(claimable(subject_types, "", lease_minutes))
                                       .group_by(LEDGER.c.recipient).order_by(LEDGER.c.recipient))
        if as_of is None:
            return list(waiting)
        # a night's keys all start with its date: the message_key index finds tonight's rows
        night = as_of.isoformat()
        served = set(self.session.scalars(select(LEDGER.c.recipient).where(
            LEDGER.c.message_key >= f"{night}:", LEDGER.c.message_key < f"{night};",
            LEDGER.c.subject_type.in_(tuple(subject_types)), LEDGER.c.status == "sent").distinct()))
        return [to for to in waiting if to not in served]

    def waiting(self, subject_types: Sequence[str], before: date) -> int:
        """Rows queued before ``before`` and still not delivered: tonight's run retries them."""
        return self.session.scalar(select(func.count()).select_from(LEDGER).where(
            LEDGER.c.subject_type.in_(tuple(subject_types)), text(OPEN_REMINDERS), LEDGER.c.as_of < before)) or 0

    def claim(self, subject_types: Sequence[str], token: str, *, recipients: Sequence[str] | None = None,
              lease_minutes: int = 30) -> int:
        """Claim the deliverable rows (of these recipients) for ``token``; returns how many.

        Serialised by ``BEGIN IMMEDIATE`` on SQLite and by row locks on PostgreSQL (a second worker's
        UPDATE re-checks ``status`` after the first commits), so no row is claimed twice."""
        condition = claimable(subject_types, token, lease_minutes)
        if recipients is not None:
            condition = and_(condition, LEDGER.c.recipient.in_(list(recipients)))
        result = self.session.execute(update(LEDGER).where(condition)
                                      .values(status="sending", claimed_by=token, claimed_at=now_utc()))
        return _rowcount(result)

    def skip(self, ledger_ids: Sequence[int]) -> None:
        if ledger_ids:
            self.session.execute(update(LEDGER).where(ids_in(self.session, LEDGER.c.id, ledger_ids))
                                 .values(status="skipped", error="nothing to chase at delivery"))

    def mark_sent(self, ledger_ids: Sequence[int]) -> int:
        """Record delivery of these claimed rows; returns how many changed."""
        result = self.session.execute(
            update(LEDGER).where(ids_in(self.session, LEDGER.c.id, ledger_ids), LEDGER.c.status == "sending")
            .values(status="sent", sent_at=now_utc(), attempts=LEDGER.c.attempts + 1, error=None))
        return _rowcount(result)

    def mark_failed(self, ledger_ids: Sequence[int], error: str, *, max_attempts: int) -> int:
        """A failed delivery: back to 'pending' for the next run, or 'failed' after ``max_attempts``."""
        attempts = LEDGER.c.attempts + 1
        result = self.session.execute(
            update(LEDGER).where(ids_in(self.session, LEDGER.c.id, ledger_ids), LEDGER.c.status == "sending")
            .values(status=case((attempts >= max_attempts, "failed"), else_="pending"), attempts=attempts,
                    error=error[:1000]))
        return _rowcount(result)

    def outcome(self, token: str) -> list[Any]:
        """What the run with this claim token did, in counts: rows of (recipient, status, rung, grp,
        error, n), ``grp`` being the partner of an advice row, else the subject type in the plural."""
        group = case((LEDGER.c.subject_type == ADVICE, func.coalesce(Partner.name, "(no partner)")),
                     else_=LEDGER.c.subject_type + "s")
        return list(self.session.execute(
            select(LEDGER.c.recipient, LEDGER.c.status, LEDGER.c.rung, group.label("grp"), LEDGER.c.error,
                   LEDGER.c.as_of, func.count().label("n"))
            .select_from(LEDGER)
            .outerjoin(AdviceRequest, and_(LEDGER.c.subject_type == ADVICE, AdviceRequest.id == LEDGER.c.subject_id))
            .outerjoin(Partner, Partner.id == AdviceRequest.partner_id)
            .where(LEDGER.c.claimed_by == token)
            .group_by(LEDGER.c.recipient, LEDGER.c.status, LEDGER.c.rung, group, LEDGER.c.error, LEDGER.c.as_of)))

    # --- what the digests say ---------------------------------------------------------------------

    def open_advice_for(self, token: str, escalated_by: date | None) -> dict[str, list[Any]]:
        """Each recipient claimed by ``token`` -> their whole open list: every open advice request of
        the partners whose contact they are, and the escalated ones (due by ``escalated_by``) of
        those whose escalation contact they are. One query for the batch (columns as
        ``claimed_advice``, no ledger id), oldest due first."""
        claimed = select(LEDGER.c.recipient).where(LEDGER.c.claimed_by == token, LEDGER.c.status == "sending")
        query = (select(*_advice_columns(), Partner.escalation_email)
                 .select_from(Deadline)
                 .join(AdviceRequest, AdviceRequest.id == Deadline.advice_request_id)
                 .join(Case, Case.id == AdviceRequest.case_id)
                 .join(Child, Child.id == Case.child_id)
                 .join(Partner, Partner.id == AdviceRequest.partner_id)
                 .outerjoin(User, User.id == Case.caseworker_id)
                 .where(advice_still_open(),
                        or_(Partner.email.in_(claimed), Partner.escalation_email.in_(claimed)))
                 .order_by(Deadline.due, Case.reference))
        lists: dict[str, list[Any]] = defaultdict(list)
        late = escalated_by.isoformat() if escalated_by else None
        # Core execution: plain rows, none of the ORM's per-row loading (a night lists tens of thousands)
        for row in self.session.connection().execute(query):
            if row.partner_email:
                lists[row.partner_email].append(row)
            if row.escalation_email and row.escalation_email != row.partner_email and late and row.due <= late:
                lists[row.escalation_email].append(row)
        return lists

    def last_digest_nights(self, token: str, before: date) -> dict[str, date]:
        """Each recipient claimed by ``token`` -> the last night before ``before`` they were sent an
        advice digest (recipients never sent one are absent)."""
        sent = LEDGER.alias("sent")
        # the batch's few recipients first, as a list: as an IN (subquery) PostgreSQL planned it, with
        # the statistics of a ledger that had just grown by a night's rows, as a nested loop over every
        # sent row (21 s of a 25 s stress night, bench_chase's next night)
        claimed = sorted(set(self.session.scalars(
            select(LEDGER.c.recipient).where(LEDGER.c.claimed_by == token, LEDGER.c.status == "sending"))))
        if not claimed:
            return {}
        rows = self.session.execute(
            select(sent.c.recipient, func.max(sent.c.as_of)).where(
                sent.c.subject_type == ADVICE, sent.c.recipient.in_(claimed), sent.c.status == "sent",
                sent.c.as_of < before).group_by(sent.c.recipient)).tuples()
        return dict(rows.all())

    def queue_overdue_cadence(self, as_of: date, stamp: datetime, cadence_days: int) -> list[str]:
        """A 'weekly-<date>' row for each front-line contact with anything overdue who has had no
        advice row queued within ``cadence_days``: the digest that keeps a late list in view."""
        if cadence_days <= 0:
            return []
        since = as_of - timedelta(days=cadence_days)
        # a night's keys all start with its date: the message_key index finds the recent ones
        recent = set(self.session.scalars(
            select(LEDGER.c.recipient).where(LEDGER.c.message_key > f"{since.isoformat()};",
                                             LEDGER.c.subject_type == ADVICE, LEDGER.c.status != "skipped")
            .distinct()))
        rows = self.session.execute(
            select(func.min(AdviceRequest.id), Partner.email)
            .select_from(Deadline)
            .join(AdviceRequest, AdviceRequest.id == Deadline.advice_request_id)
            .join(Partner, Partner.id == AdviceRequest.partner_id)
            .join(Case, Case.id == AdviceRequest.case_id)
            .where(advice_still_open(), Deadline.due < as_of, Partner.email.is_not(None))
            .group_by(Partner.email))
        rung = f"weekly-{as_of.isoformat()}"
        items = [(sid, rung, email) for sid, email in rows if email not in recent]
        inserted = set(self.insert(ADVICE, as_of, stamp, items))
        return [email for sid, rung_name, email in items if (sid, rung_name) in inserted]

    def claimed_advice(self, token: str) -> Iterator[Any]:
        """The advice rows claimed by ``token``, streamed in recipient order (then due date, case):
        a first night of hundreds of thousands of reminders is never held in memory at once.
        ``still_open`` is ``advice_still_open`` now. Only what addresses the digest and counts its
        rows: what it lists comes from ``open_advice_for``."""
        query = (
            select(LEDGER.c.id.label("ledger_id"), LEDGER.c.recipient, LEDGER.c.rung,
                   case((advice_still_open(), True), else_=False).label("still_open"), Case.caseworker_id,
                   User.email.label("caseworker_email"), Partner.name.label("partner"), Partner.contact_name,
                   Partner.email.label("partner_email"))
            .select_from(LEDGER)
            .join(AdviceRequest, AdviceRequest.id == LEDGER.c.subject_id)
            .join(Case, Case.id == AdviceRequest.case_id)
            .outerjoin(Partner, Partner.id == AdviceRequest.partner_id)
            .outerjoin(User, User.id == Case.caseworker_id)
            # case_id first: it is indexed (uq case_id, key); advice_request_id is not
            .outerjoin(Deadline, and_(Deadline.case_id == AdviceRequest.case_id,
                                      Deadline.advice_request_id == AdviceRequest.id))
            .where(LEDGER.c.subject_type == ADVICE, LEDGER.c.status == "sending", LEDGER.c.claimed_by == token)
            .order_by(LEDGER.c.recipient, Deadline.due, Case.reference)
        )
        return iter(self.session.connection().execute(query.execution_options(yield_per=5000)))

    def managers_by_user(self) -> dict[int, list[str]]:
        """User id -> e-mail addresses of the active managers of their team (one query: users are few)."""
        manager = User.__table__.alias("manager")
        query = (select(User.id, manager.c.email)
                 .join(manager, and_(manager.c.team_id == User.team_id, manager.c.role == "manager",
                                     manager.c.active.is_(True), manager.c.email.is_not(None))))
        found: dict[int, list[str]] = defaultdict(list)
        for uid, email in self.session.execute(query):
            found[uid].append(email)
        return found

    def claimed(self, subject_types: Sequence[str], token: str) -> list[Any]:
        """Rows (id, recipient, subject_type, subject_id) claimed by ``token``, by recipient."""
        return list(self.session.execute(
            select(LEDGER.c.id, LEDGER.c.recipient, LEDGER.c.subject_type, LEDGER.c.subject_id)
            .where(LEDGER.c.subject_type.in_(tuple(subject_types)), LEDGER.c.status == "sending",
                   LEDGER.c.claimed_by == token).order_by(LEDGER.c.recipient, LEDGER.c.id)).all())

    def own_deadlines(self, as_of: date, horizon: date, caseworker_ids: Sequence[int]) -> list[Any]:
        """Open deadlines due by ``horizon`` of these caseworkers' cases, with the child's fields."""
        if not caseworker_ids:
            return []
        return list(self.session.execute(
            _listed_deadlines(as_of, Case.caseworker_id, Case.reference, Deadline.key, Deadline.due, Deadline.advisory,
                              *_child_columns())
            .where(Case.caseworker_id.in_(sorted(caseworker_ids)), Deadline.due <= horizon)))

    def teams_of(self, user_ids: Collection[int]) -> dict[int, int | None]:
        return dict(self.session.execute(select(User.id, User.team_id).where(
            User.id.in_(sorted(user_ids) or [-1]))).tuples().all())

    def team_overdue(self, as_of: date, team_ids: Sequence[int]) -> list[Any]:
        """Overdue open deadlines of these teams' caseworkers (team_id, login, reference, key, due)."""
        if not team_ids:
            return []
        staff = User.__table__.alias("staff")
        return list(self.session.execute(
            _listed_deadlines(as_of, staff.c.team_id, staff.c.login, Case.reference, Deadline.key, Deadline.due,
                              Deadline.advisory)
            .join(staff, staff.c.id == Case.caseworker_id)
            .where(staff.c.team_id.in_(sorted(team_ids)), Deadline.due < as_of)))

    # --- advice-return links (issue 20): the reads live in ehcp.store.portal -----------------------

    def link_generations(self, request_ids: Collection[int]) -> dict[int, int]:
        return PortalRepository(self.session).generations(request_ids)

    def portal_returns(self, as_of: date, lookback_days: int,
                       caseworker_ids: Collection[int] | None = None) -> dict[int, list[Any]]:
        return PortalRepository(self.session).returns_to_tell(as_of, lookback_days, caseworker_ids)

    def active_addresses(self, user_ids: Collection[int]) -> list[tuple[int, str | None]]:
        return PortalRepository(self.session).caseworker_addresses(user_ids)


# --- the advice planner's SQL, built from the ladder's thresholds ---------------------------------

def _by_rung(thresholds: Thresholds, value: Callable[[int, LadderRung], Any]) -> CaseExpression[Any]:
    """A CASE over the pending clock's due date: ``value(i, rung)`` of the highest rung reached."""
    return case(*[(Deadline.due <= last, value(i, rung)) for i, rung, last in thresholds], else_=None)


def _in_reach(thresholds: Thresholds) -> Select[Any]:
    """Advice still needing chasing whose clock has reached the first rung (ix_deadlines_state_due)."""
    _, _, horizon = thresholds[-1]  # the first rung's
    return (select().select_from(Deadline)
            .join(AdviceRequest, AdviceRequest.id == Deadline.advice_request_id)
            .join(Partner, Partner.id == AdviceRequest.partner_id)
            .join(Case, Case.id == AdviceRequest.case_id)
            .where(advice_still_open(), Deadline.due <= horizon))


def _recipient(thresholds: Thresholds) -> CaseExpression[Any]:
    return _by_rung(thresholds, lambda i, rung: func.coalesce(Partner.escalation_email, Partner.email)
                    if rung.escalate else Partner.email)


def _candidates(thresholds: Thresholds, as_of: date, reachable: Thresholds | None = None) -> Subquery:
    """Tonight's new (request, rung, recipient): the highest rung reached, unless it or a higher one
    is already in the ledger. ``reachable``: the rungs a pending clock can reach (``Ledger.reachable``);
    the ledger's rungs are ranked against the whole ladder."""
    live = thresholds if reachable is None else reachable
    reached = _by_rung(live, lambda i, rung: literal(i))
    ranks = case({rung.name: i for i, rung, _ in thresholds}, value=LEDGER.c.rung, else_=-1)
    chased = (select(LEDGER.c.id).where(LEDGER.c.subject_type == ADVICE, LEDGER.c.subject_id == AdviceRequest.id,
                                        ranks >= reached)
              .correlate(AdviceRequest, Deadline))
    recipient = _recipient(live)
    return (_in_reach(live)
            .add_columns(AdviceRequest.id.label("sid"),
                         _by_rung(live, lambda i, rung: literal(rung.name)).label("rung"),
                         recipient.label("recipient"))
            .where(recipient.is_not(None), ~exists(chased))
            .subquery("tonight"))


def _open_deadlines(as_of: date, horizon_clause: ColumnElement[bool]) -> Select[Any]:
    return (select(Deadline.id).join(Case, Case.id == Deadline.case_id)
            .where(open_deadline(as_of), horizon_clause))


def _listed_deadlines(as_of: date, *columns: Any) -> Select[Any]:
    return (select(*columns).select_from(Deadline).join(Case, Case.id == Deadline.case_id)
            .join(Child, Child.id == Case.child_id)
            .where(open_deadline(as_of))
            .order_by(Deadline.due, Case.reference, Deadline.key))


@functools.lru_cache(maxsize=8)
def _calendar(extra: tuple[tuple[date, str], ...]) -> WorkingDayCalendar:
    return england_and_wales(extra_holidays=dict(extra))


def _rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE changed (an UPDATE's result is a cursor result)."""
    return cast(CursorResult[Any], result).rowcount or 0
