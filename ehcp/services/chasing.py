"""Nightly chasing, step 1: decide who is due a reminder tonight and write it to the reminder ledger.

Set-based: one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` over the open advice requests in
reach of the ladder (ix_deadlines_state_due) picks each one's rung and recipient in SQL and writes
tonight's ledger rows; the ledger's unique key (subject, rung) stops any row being queued twice. No
request crosses into Python; one transaction, one audit record. Re-running a night, or two workers planning at once, can
therefore queue each (request, rung) only once. Step 2 (grouping the queued rows into one digest per
recipient, claiming and delivering them) is in ``chase_messages`` and ``chase_delivery``.

Rules (issue 5): only the highest rung reached on ``as_of`` is queued, and only if neither it nor a
higher rung was queued before - a rung missed because a night was skipped is still sent (the highest
one), but lower rungs are never sent once a higher one is due. Requests whose clock is disapplied (a
reg 8(2) exception), met or missed, or whose advice has arrived, are never chased.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import (Date, DateTime, Integer, any_, bindparam, case, exists, false, func, literal, literal_column,
                        or_, select, text)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ehcp.services.chase_config import DEFAULT_LADDER, Rung, check_ladder
from ehcp.services.context import ServiceContext
from ehcp.store import audit
from ehcp.store.models import AdviceRequest, Case, Deadline, Partner, Reminder, User
from ehcp.store.reads import CLOSED_STAGES

LEDGER = Reminder.__table__
KEY_LENGTH = Reminder.__table__.c.message_key.type.length
ADVICE, CASEWORKER, MANAGER = "advice", "caseworker", "manager"


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class NightPlan:
    """What one planning step queued: counts per (partner or audience, rung), no personal data."""

    kind: str
    as_of: date
    examined: int = 0
    unchanged: int = 0  # their rung (or a higher one) was already queued on an earlier run
    queued: Counter = field(default_factory=Counter)      # (group, rung) -> reminders queued now
    no_contact: Counter = field(default_factory=Counter)  # group -> requests with no e-mail to send to

    @property
    def total_queued(self) -> int:
        return sum(self.queued.values())

    def rows(self) -> list[dict]:
        return [{"group": g, "rung": r, "queued": n} for (g, r), n in sorted(self.queued.items())]

    def summary(self) -> dict:
        by_rung: Counter = Counter()
        for (_, rung), n in self.queued.items():
            by_rung[rung] += n
        return {"kind": self.kind, "as_of": self.as_of.isoformat(), "examined": self.examined,
                "queued": self.total_queued, "by_rung": dict(sorted(by_rung.items())),
                "unchanged": self.unchanged, "no_contact": sum(self.no_contact.values())}


def ledger_key(recipient: str, as_of: date) -> str:
    """The ledger's message key: the recipient and the night (hashed if too long for the column)."""
    key = f"{as_of.isoformat()}:{recipient}"
    return key if len(key) <= KEY_LENGTH else f"{as_of.isoformat()}:sha256:{hashlib.sha256(recipient.encode()).hexdigest()}"


_PG_INSERT = text("""
INSERT INTO reminders (subject_type, subject_id, rung, as_of, recipient, message_key, status, attempts, created_at)
SELECT :kind, t.sid, t.rung, :as_of, t.recipient, t.mkey, 'pending', 0, :stamp
FROM unnest(CAST(:sids AS integer[]), CAST(:rungs AS varchar[]), CAST(:recipients AS varchar[]),
            CAST(:keys AS varchar[])) AS t(sid, rung, recipient, mkey)
ON CONFLICT DO NOTHING
RETURNING subject_id, rung""")


def insert_ledger_rows(session: Session, kind: str, as_of: date, stamp: datetime,
                       items: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
    """Insert (subject_id, rung, recipient) rows, skipping any whose (subject, rung) is already in the
    ledger (ON CONFLICT DO NOTHING); return the (subject_id, rung) actually inserted."""
    if not items:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # one statement with four array parameters: no per-row placeholders to parse
        params = {"kind": kind, "as_of": as_of, "stamp": stamp, "sids": [i[0] for i in items],
                  "rungs": [i[1] for i in items], "recipients": [i[2] for i in items],
                  "keys": [ledger_key(i[2], as_of) for i in items]}
        return [(sid, rung) for sid, rung in session.execute(_PG_INSERT, params)]
    from sqlalchemy.dialects.sqlite import insert

    # executemany with RETURNING: SQLAlchemy batches it as "insertmanyvalues" with one cached
    # compiled statement
    stmt = insert(LEDGER).on_conflict_do_nothing().returning(LEDGER.c.subject_id, LEDGER.c.rung)
    rows = [{"subject_type": kind, "subject_id": sid, "rung": rung, "as_of": as_of, "recipient": to,
             "message_key": ledger_key(to, as_of), "status": "pending", "attempts": 0, "created_at": stamp}
            for sid, rung, to in items]
    return [(sid, rung) for sid, rung in session.connection().execute(stmt, rows)]


def ids_in(session: Session, column, ids: Sequence[int]):  # noqa: ANN001, ANN201
    """``column IN ids`` as ONE bound parameter (a JSON array on SQLite, an array on PostgreSQL):
    a night marks tens of thousands of ledger rows, and an expanded IN list costs far more to
    compile and bind than the update itself."""
    ids = [int(i) for i in ids]
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    return column.in_(select(literal_column("value")).select_from(func.json_each(json.dumps(ids))))


def rung_thresholds(ladder: tuple[Rung, ...], as_of: date) -> list[tuple[int, Rung, date]]:
    """(index, rung, the latest due date that has reached it on ``as_of``), highest rung first: rung
    i is reached once ``due <= as_of - offset_i`` (offsets strictly increase). The planner's SQL is
    built from these, so this is the rule it applies."""
    return [(i, rung, as_of - timedelta(days=rung.offset_days)) for i, rung in reversed(list(enumerate(ladder)))]


def rung_reached(ladder: tuple[Rung, ...], due: date, as_of: date) -> int:
    """Index of the highest rung reached on ``as_of`` by a clock due on ``due`` (-1 if none yet)."""
    return next((i for i, _, last in rung_thresholds(ladder, as_of) if due <= last), -1)


def _by_rung(ladder: tuple[Rung, ...], as_of: date, value) -> case:  # noqa: ANN001
    """A CASE over the pending clock's due date: ``value(i, rung)`` of the highest rung reached."""
    return case(*[(Deadline.due <= last, value(i, rung)) for i, rung, last in rung_thresholds(ladder, as_of)],
                else_=None)


def _in_reach(ladder: tuple[Rung, ...], as_of: date):  # noqa: ANN202
    """Open advice requests whose pending clock has reached the first rung (ix_deadlines_state_due)."""
    _, _, horizon = rung_thresholds(ladder, as_of)[-1]  # the first rung's
    return (select().select_from(Deadline)
            .join(AdviceRequest, AdviceRequest.id == Deadline.advice_request_id)
            .join(Partner, Partner.id == AdviceRequest.partner_id)
            .join(Case, Case.id == AdviceRequest.case_id)
            .where(Deadline.state == "pending", Deadline.due <= horizon,
                   AdviceRequest.received_on.is_(None), Case.stage.not_in(CLOSED_STAGES)))


def _recipient(ladder: tuple[Rung, ...], as_of: date):  # noqa: ANN202
    return _by_rung(ladder, as_of, lambda i, rung: func.coalesce(Partner.escalation_email, Partner.email)
                    if rung.escalate else Partner.email)


def _candidates(ladder: tuple[Rung, ...], as_of: date):  # noqa: ANN202
    """Tonight's new (request, rung, recipient): the highest rung reached, unless it or a higher one
    is already in the ledger."""
    reached = _by_rung(ladder, as_of, lambda i, rung: literal(i))
    ranks = case({rung.name: i for i, rung in enumerate(ladder)}, value=LEDGER.c.rung, else_=-1)
    chased = (select(LEDGER.c.id).where(LEDGER.c.subject_type == ADVICE, LEDGER.c.subject_id == AdviceRequest.id,
                                        ranks >= reached)
              .correlate(AdviceRequest, Deadline))
    recipient = _recipient(ladder, as_of)
    return (_in_reach(ladder, as_of)
            .add_columns(AdviceRequest.id.label("sid"),
                         _by_rung(ladder, as_of, lambda i, rung: literal(rung.name)).label("rung"),
                         recipient.label("recipient"))
            .where(recipient.is_not(None), ~exists(chased))
            .subquery("tonight"))


def _dialect_insert(session: Session):  # noqa: ANN202
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(LEDGER)


def plan_advice(session: Session, as_of: date, ladder: tuple[Rung, ...], *, chunk: int = 1000) -> NightPlan:
    """The planning step inside the caller's transaction (``plan_night`` commits it; dry runs don't).

    One ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` picks each request's rung and recipient in
    SQL and writes tonight's ledger rows: no row of the selection crosses into Python (the rung rule
    is ``rung_thresholds``). A recipient too long for a plain message key (never a
    valid e-mail address up to 189 characters) goes through ``insert_ledger_rows``, which hashes it.
    """
    check_ladder(ladder)
    plan = NightPlan(ADVICE, as_of)
    stamp = now_utc()
    prefix = f"{as_of.isoformat()}:"
    tonight = _candidates(ladder, as_of)
    short = func.length(tonight.c.recipient) <= KEY_LENGTH - len(prefix)
    rows = select(literal(ADVICE), tonight.c.sid, tonight.c.rung, literal(as_of, Date), tonight.c.recipient,
                  literal(prefix) + tonight.c.recipient, literal("pending"), literal(0),
                  literal(stamp, DateTime(timezone=True))).where(short)
    insert = (_dialect_insert(session)
              .from_select(["subject_type", "subject_id", "rung", "as_of", "recipient", "message_key", "status",
                            "attempts", "created_at"], rows)
              .on_conflict_do_nothing())
    session.execute(insert)
    queued = _written(session, as_of, stamp)
    if _long_contacts(session, len(prefix)):
        long_rows = [(sid, rung, to) for sid, rung, to in session.execute(
            select(tonight.c.sid, tonight.c.rung, tonight.c.recipient).where(~short))]
        for start in range(0, len(long_rows), chunk):
            batch = long_rows[start:start + chunk]
            recipient_of = {(sid, rung): to for sid, rung, to in batch}
            queued.update((rung, recipient_of[sid, rung])
                          for sid, rung in insert_ledger_rows(session, ADVICE, as_of, stamp, batch))
    _count(session, plan, ladder, queued)
    return plan


def _written(session: Session, as_of: date, stamp: datetime) -> Counter:
    """(rung, recipient) -> rows this run wrote: tonight's keys all start with the date, so the
    message_key index finds them (cheaper than RETURNING every row into Python)."""
    night = as_of.isoformat()
    rows = session.execute(
        select(LEDGER.c.rung, LEDGER.c.recipient, func.count())
        .where(LEDGER.c.message_key >= f"{night}:", LEDGER.c.message_key < f"{night};",
               LEDGER.c.subject_type == ADVICE, LEDGER.c.created_at == stamp)
        .group_by(LEDGER.c.rung, LEDGER.c.recipient))
    return Counter({(rung, to): n for rung, to, n in rows})


def _long_contacts(session: Session, prefix: int) -> bool:
    limit = KEY_LENGTH - prefix
    return session.execute(select(Partner.id).where(or_(func.length(Partner.email) > limit,
                                                        func.length(Partner.escalation_email) > limit))
                           .limit(1)).first() is not None


def _count(session: Session, plan: NightPlan, ladder: tuple[Rung, ...], queued: Counter) -> None:
    """Fill the plan's counts: queued per (partner, rung), requests examined and without a contact.

    The ledger rows name a recipient, not a partner: a recipient shared by several partners is
    counted under all their names joined."""
    escalates = {rung.name: rung.escalate for rung in ladder}
    names: dict[tuple[str, bool], list[str]] = {}
    for name, email, escalation in session.execute(select(Partner.name, Partner.email, Partner.escalation_email)):
        for escalate, to in ((False, email), (True, escalation or email)):
            if to:
                names.setdefault((to, escalate), []).append(name)
    for (rung, recipient), n in queued.items():
        plan.queued[(" / ".join(sorted(names.get((recipient, escalates[rung]), ["?"]))), rung)] += n
    in_reach = _in_reach(ladder, as_of=plan.as_of)
    for partner, examined, no_contact in session.execute(
            in_reach.add_columns(Partner.name, func.count(),
                                 func.count(case((_recipient(ladder, plan.as_of).is_(None), 1))))
            .group_by(Partner.name)):
        plan.examined += examined
        if no_contact:
            plan.no_contact[partner] += no_contact
    # rows that lost an insert race to another worker count as unchanged too
    plan.unchanged = plan.examined - plan.total_queued - sum(plan.no_contact.values())


def plan_night(ctx: ServiceContext, as_of: date | None = None, rungs: tuple[Rung, ...] = DEFAULT_LADDER,
               *, chunk: int = 1000) -> NightPlan:
    """Queue tonight's advice chasers in the ledger (one transaction, one audit record).

    Raises ValueError for an invalid ladder. Safe to re-run: nothing already queued is queued again.
    """
    as_of = as_of or ctx.today
    with ctx.uow() as uow:
        plan = plan_advice(uow.session, as_of, rungs, chunk=chunk)
        audit.append(uow.session, actor=ctx.actor, action="chase_planned", detail=plan.summary())
        uow.commit()
    return plan


def live_deadline(as_of: date):  # noqa: ANN201
    """A pending window (e.g. the 15-day representation period) that has run is met, not overdue."""
    return or_(Deadline.is_window == false(), Deadline.due >= as_of)


def _open_deadline(as_of: date, horizon_clause):  # noqa: ANN001, ANN201
    return (select(Deadline.id).join(Case, Case.id == Deadline.case_id)
            .where(Deadline.state == "pending", Deadline.advisory == false(), live_deadline(as_of),
                   Case.stage.not_in(CLOSED_STAGES), horizon_clause))


def plan_digest(session: Session, as_of: date, *, digest_days: int = 7) -> NightPlan:
    """Queue one 'digest:<date>' row per caseworker with deadlines due soon or overdue, and one
    'team:<date>' row per manager whose team has overdue deadlines (the caller's transaction)."""
    plan = NightPlan(CASEWORKER, as_of)
    stamp = now_utc()
    horizon = as_of + timedelta(days=digest_days)
    # non-correlated IN (...): one pass over the pending clocks, not one per user
    busy = _open_deadline(as_of, Deadline.due <= horizon).with_only_columns(Case.caseworker_id)
    workers = select(User.id, User.email).where(User.active.is_(True), User.email.is_not(None),
                                                User.id.in_(busy))
    staff = User.__table__.alias("staff")
    late_teams = (_open_deadline(as_of, Deadline.due < as_of).join(staff, staff.c.id == Case.caseworker_id)
                  .with_only_columns(staff.c.team_id))
    managers = select(User.id, User.email).where(
        User.role == "manager", User.active.is_(True), User.email.is_not(None), User.team_id.in_(late_teams))
    for kind, rung, query in ((CASEWORKER, f"digest:{as_of.isoformat()}", workers),
                              (MANAGER, f"team:{as_of.isoformat()}", managers)):
        rows = [(uid, rung, email) for uid, email in session.execute(query)]
        plan.examined += len(rows)
        for start in range(0, len(rows), 1000):
            for _, rung_name in insert_ledger_rows(session, kind, as_of, stamp, rows[start:start + 1000]):
                plan.queued[(kind + "s", rung_name.split(":")[0])] += 1
    plan.unchanged = plan.examined - plan.total_queued
    return plan


def plan_caseworker_digest(ctx: ServiceContext, as_of: date | None = None, *, digest_days: int = 7) -> NightPlan:
    """Queue tonight's caseworker and manager digests (one transaction, one audit record)."""
    as_of = as_of or ctx.today
    with ctx.uow() as uow:
        plan = plan_digest(uow.session, as_of, digest_days=digest_days)
        audit.append(uow.session, actor=ctx.actor, action="digest_planned", detail=plan.summary())
        uow.commit()
    return plan


__all__ = ["ADVICE", "CASEWORKER", "CLOSED_STAGES", "MANAGER", "NightPlan", "ids_in", "insert_ledger_rows",
           "plan_advice", "plan_caseworker_digest", "plan_digest", "plan_night", "rung_reached",
           "rung_thresholds"]
