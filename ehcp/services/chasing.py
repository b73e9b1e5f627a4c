"""Nightly chasing, step 1: decide who is due a reminder tonight and write it to the reminder ledger.

Set-based and streaming: one indexed query streams the open advice requests in reach of the ladder
as plain rows (never ORM objects), Python picks each one's rung, and tonight's new ledger rows are
inserted in chunks with ``INSERT ... ON CONFLICT DO NOTHING`` on the ledger's unique key (subject,
rung), all in one transaction with one audit record. Re-running a night, or two workers planning at once, can
therefore queue each (request, rung) only once. Step 2 (grouping the queued rows into one digest per
recipient, claiming and delivering them) is in ``chase_messages`` and ``chase_delivery``.

Rules (issue 5): only the highest rung reached on ``as_of`` is queued, and only if neither it nor a
higher rung was queued before - a rung missed because a night was skipped is still sent (the highest
one), but lower rungs are never sent once a higher one is due. Requests whose clock is disapplied (a
reg 8(2) exception), met or missed, or whose advice has arrived, are never chased.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import case, false, func, or_, select, text
from sqlalchemy.orm import Session

from ehcp.services.chase_config import DEFAULT_LADDER, Rung, check_ladder
from ehcp.services.context import ServiceContext
from ehcp.store import audit
from ehcp.store.models import AdviceRequest, Case, Deadline, Partner, Reminder, User

CLOSED_STAGES = ("ceased", "withdrawn", "not_assessed", "no_plan")
LEDGER = Reminder.__table__
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
    return key if len(key) <= 200 else f"{as_of.isoformat()}:sha256:{hashlib.sha256(recipient.encode()).hexdigest()}"


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


def open_advice_query(ladder: tuple[Rung, ...], as_of: date):  # noqa: ANN201
    """Open advice requests whose pending clock is within reach of the ladder, with the highest rank
    already in the ledger (``sent_rank``, NULL if none). Uses ix_deadlines_state_due."""
    ranks = {rung.name: i for i, rung in enumerate(ladder)}
    rank = case(ranks, value=LEDGER.c.rung, else_=-1)
    sent_rank = (select(func.max(rank))
                 .where(LEDGER.c.subject_type == ADVICE, LEDGER.c.subject_id == AdviceRequest.id)
                 .correlate(AdviceRequest).scalar_subquery())
    horizon = as_of - timedelta(days=ladder[0].offset_days)
    return (
        select(AdviceRequest.id, Deadline.due, Partner.name.label("partner"), Partner.email,
               Partner.escalation_email, sent_rank.label("sent_rank"))
        .select_from(Deadline)
        .join(AdviceRequest, AdviceRequest.id == Deadline.advice_request_id)
        .join(Partner, Partner.id == AdviceRequest.partner_id)
        .join(Case, Case.id == AdviceRequest.case_id)
        .where(Deadline.state == "pending", Deadline.due <= horizon,
               AdviceRequest.received_on.is_(None), Case.stage.not_in(CLOSED_STAGES))
    )


def rung_reached(offsets: list[int], due: date, as_of: date) -> int:
    """Index of the highest rung reached on ``as_of`` (-1 if none yet)."""
    return bisect.bisect_right(offsets, (as_of - due).days) - 1


def plan_advice(session: Session, as_of: date, ladder: tuple[Rung, ...], *, chunk: int = 1000) -> NightPlan:
    """The planning step inside the caller's transaction (``plan_night`` commits it; dry runs don't)."""
    check_ladder(ladder)
    plan = NightPlan(ADVICE, as_of)
    offsets = [rung.offset_days for rung in ladder]
    due: list[tuple[int, str, str]] = []  # (request id, rung, recipient): only tonight's new rows
    partner_of: dict[int, str] = {}
    # Stream the selection to the end before writing: inserting into the ledger while its cursor is
    # open would make every later row's "already sent?" probe see a growing table (PostgreSQL plans
    # that probe as a scan while the ledger is small). Memory is bounded by tonight's new rows.
    result = session.execute(open_advice_query(ladder, as_of).execution_options(yield_per=5000))
    for row in result:
        plan.examined += 1
        reached = rung_reached(offsets, row.due, as_of)
        if reached < 0 or (row.sent_rank is not None and row.sent_rank >= reached):
            continue
        rung = ladder[reached]
        recipient = (row.escalation_email or row.email) if rung.escalate else row.email
        if not recipient:
            plan.no_contact[row.partner] += 1
            continue
        due.append((row.id, rung.name, recipient))
        partner_of[row.id] = row.partner
    stamp = now_utc()
    for start in range(0, len(due), chunk):
        for subject_id, rung_name in insert_ledger_rows(session, ADVICE, as_of, stamp, due[start:start + chunk]):
            plan.queued[(partner_of[subject_id], rung_name)] += 1
    # rows that lost an insert race to another worker count as unchanged too
    plan.unchanged = plan.examined - plan.total_queued - sum(plan.no_contact.values())
    return plan


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


__all__ = ["ADVICE", "CASEWORKER", "CLOSED_STAGES", "MANAGER", "NightPlan", "insert_ledger_rows",
           "plan_advice", "plan_caseworker_digest", "plan_digest", "plan_night", "rung_reached"]
