"""Nightly chasing, step 2: claim queued ledger rows and group them into ONE digest per recipient.

Claiming (``status`` pending -> sending, with a token and a time) is what lets two workers run at
once without sending a row twice: the UPDATE is serialised by ``BEGIN IMMEDIATE`` on SQLite and by
row locks on PostgreSQL (a second worker's UPDATE re-checks ``status`` after the first commits). A
claim older than the lease belongs to a crashed worker and is taken over. Rows whose subject no
longer needs chasing (the advice arrived, a clock was disapplied, the case closed) become 'skipped'.
"""

from __future__ import annotations

import functools
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from operator import attrgetter

from sqlalchemy import String, and_, false, func, or_, select, text, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.orm import Session

from ehcp.notify.message import Message
from ehcp.services import chase_render as render
from ehcp.services.chase_config import ChaseConfig
from ehcp.services.chasing import ADVICE, CASEWORKER, CLOSED_STAGES, LEDGER, MANAGER, ids_in, live_deadline, now_utc
from ehcp.services.context import ServiceContext
from ehcp.store import audit
from ehcp.store.models import OPEN_REMINDERS, AdviceRequest, Case, Child, Deadline, Partner, User

KIND_SUBJECTS = {ADVICE: (ADVICE,), CASEWORKER: (CASEWORKER, MANAGER)}


@dataclass(frozen=True)
class Digest:
    """One message and the ledger rows it delivers; ``counts`` = (group, rung, reminders)."""

    message: Message
    ledger_ids: tuple[int, ...]
    counts: tuple[tuple[str, str, int], ...]


def new_token() -> str:
    return uuid.uuid4().hex


def subject_types(kind: str) -> tuple[str, ...]:
    try:
        return KIND_SUBJECTS[kind]
    except KeyError:
        raise ValueError(f"unknown digest kind {kind!r}; kinds are {', '.join(KIND_SUBJECTS)}") from None


def _claimable(kind: str, token: str, lease_minutes: int):  # noqa: ANN202
    """Rows a worker may claim: pending, or claimed by itself or by a worker whose lease has run out.
    The ``status IN (...)`` term lets both databases read only open rows (ix_reminders_open)."""
    expired = now_utc() - timedelta(minutes=lease_minutes)
    return and_(LEDGER.c.subject_type.in_(subject_types(kind)), text(OPEN_REMINDERS),
                or_(LEDGER.c.status == "pending",
                    and_(LEDGER.c.status == "sending",
                         or_(LEDGER.c.claimed_by == token, LEDGER.c.claimed_at < expired))))


def pending_recipients(ctx: ServiceContext, kind: str = ADVICE, *, lease_minutes: int = 30) -> list[str]:
    """Recipients with ledger rows waiting to be delivered (pending, or claimed by a crashed worker)."""
    with ctx.uow(write=False) as uow:
        query = (select(LEDGER.c.recipient).where(_claimable(kind, "", lease_minutes))
                 .group_by(LEDGER.c.recipient).order_by(LEDGER.c.recipient))
        return list(uow.session.scalars(query))


def claim(session: Session, kind: str, token: str, *, recipients: Sequence[str] | None = None,
          lease_minutes: int = 30) -> int:
    """Claim the deliverable rows (of these recipients) for ``token``; returns how many."""
    condition = _claimable(kind, token, lease_minutes)
    if recipients is not None:
        condition = and_(condition, LEDGER.c.recipient.in_(list(recipients)))
    result = session.execute(update(LEDGER).where(condition)
                             .values(status="sending", claimed_by=token, claimed_at=now_utc()))
    return result.rowcount or 0


def claim_and_build(session: Session, kind: str, token: str, as_of: date, config: ChaseConfig, *,
                    recipients: Sequence[str] | None = None) -> tuple[int, list[Digest], list[int]]:
    """Claim, build the digests and mark rows that need no message 'skipped' (caller's transaction)."""
    claimed = claim(session, kind, token, recipients=recipients, lease_minutes=config.lease_minutes)
    if not claimed:
        return 0, [], []
    build = advice_digests if kind == ADVICE else caseworker_digests
    digests, skipped = build(session, token, as_of, config)
    if skipped:
        session.execute(update(LEDGER).where(ids_in(session, LEDGER.c.id, skipped))
                        .values(status="skipped", error="nothing to chase at delivery"))
    return claimed, digests, skipped


def pending_messages(ctx: ServiceContext, kind: str = ADVICE, *, as_of: date | None = None,
                     recipients: Sequence[str] | None = None, token: str | None = None,
                     config: ChaseConfig | None = None) -> list[Digest]:
    """Claim the pending ledger rows and return one digest per recipient (one transaction).

    Deliver each digest, then record the outcome with ``mark_sent`` / ``mark_failed``; rows of a
    digest never marked (a crash) are delivered by a run after the claim's lease has lapsed.
    """
    config = config or ChaseConfig()
    as_of = as_of or ctx.today
    with ctx.uow() as uow:
        claimed, digests, skipped = claim_and_build(uow.session, kind, token or new_token(), as_of, config,
                                                    recipients=recipients)
        if claimed:
            audit.append(uow.session, actor=ctx.actor, action="reminders_claimed",
                         detail={"kind": kind, "as_of": as_of.isoformat(), "claimed": claimed,
                                 "messages": len(digests), "skipped": len(skipped)})
        uow.commit()
    return digests


def _text(column, name: str):  # noqa: ANN001, ANN202
    """A date column as ISO ``YYYY-MM-DD`` text: SQLite stores it so; PostgreSQL formats it with
    ``to_char`` (a plain CAST would follow the server's DateStyle)."""
    return _IsoText(column).label(name)


class _IsoText(FunctionElement):
    type = String()
    inherit_cache = True


@compiles(_IsoText)
def _iso_text(element, compiler, **kw) -> str:  # noqa: ANN001
    return f"CAST({compiler.process(element.clauses, **kw)} AS VARCHAR)"


@compiles(_IsoText, "postgresql")
def _iso_text_pg(element, compiler, **kw) -> str:  # noqa: ANN001
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


def _child_columns():  # noqa: ANN202 - initials in SQL: names never leave the database; dob as ISO text
    return (func.upper(func.substr(Child.given_name, 1, 1)).label("gi"),
            func.upper(func.substr(Child.family_name, 1, 1)).label("fi"),
            _text(Child.dob, "dob"), Child.upn, Child.year_group)


def advice_digests(session: Session, token: str, as_of: date, config: ChaseConfig) -> tuple[list[Digest], list[int]]:
    query = (
        # dates as ISO text: they are only printed and compared, and parsing four dates a row into
        # date objects costs more than the rest of a row's work
        select(LEDGER.c.id.label("ledger_id"), LEDGER.c.recipient, LEDGER.c.rung, AdviceRequest.kind,
               _text(AdviceRequest.requested_on, "requested_on"), AdviceRequest.received_on.is_not(None)
               .label("answered"), _text(Deadline.due, "due"), Deadline.state,
               Case.reference, Case.stage, Case.caseworker_id, Partner.name.label("partner"),
               Partner.contact_name, Partner.email.label("partner_email"), *_child_columns())
        .select_from(LEDGER)
        .join(AdviceRequest, AdviceRequest.id == LEDGER.c.subject_id)
        .join(Case, Case.id == AdviceRequest.case_id)
        .join(Child, Child.id == Case.child_id)
        .outerjoin(Partner, Partner.id == AdviceRequest.partner_id)
        # case_id first: it is indexed (uq case_id, key); advice_request_id is not
        .outerjoin(Deadline, and_(Deadline.case_id == AdviceRequest.case_id,
                                  Deadline.advice_request_id == AdviceRequest.id))
        .where(LEDGER.c.subject_type == ADVICE, LEDGER.c.status == "sending", LEDGER.c.claimed_by == token)
        .order_by(LEDGER.c.recipient, Deadline.due, Case.reference)
    )
    build = _AdviceDigestBuilder(session, as_of, config)
    skipped: list[int] = []
    digests = []
    # streamed, one recipient at a time (the rows come ordered by recipient): a first night of
    # hundreds of thousands of reminders never holds more than one recipient's rows
    for recipient, group in groupby(session.execute(query.execution_options(yield_per=5000)),
                                    key=attrgetter("recipient")):
        rows = []
        for row in group:
            if row.answered or row.state != "pending" or row.stage in CLOSED_STAGES:
                skipped.append(row.ledger_id)
            else:
                rows.append(row)
        if rows:
            digests.append(build(recipient, rows))
    return digests, skipped


class _AdviceDigestBuilder:
    """One partner contact's digest from their claimed rows."""

    def __init__(self, session: Session, as_of: date, config: ChaseConfig) -> None:
        self.as_of, self.config = as_of, config
        self.ranks = {rung.name: i for i, rung in enumerate(config.ladder)}
        self.escalating = {rung.name for rung in config.ladder if rung.escalate}
        self.heading = functools.lru_cache(maxsize=None)(lambda rung: render.heading_for(rung, config.ladder))
        self.managers = _managers_of(session)
        # a night's rows share a few hundred distinct due dates (ISO text, see the query)
        self.timing = functools.lru_cache(maxsize=None)(lambda due: render.timing(date.fromisoformat(due), as_of))

    def __call__(self, recipient: str, rows: list) -> Digest:
        config, as_of, timing, escalating = self.config, self.as_of, self.timing, self.escalating
        today = as_of.isoformat()
        rows.sort(key=lambda r: (-self.ranks.get(r.rung, -1), r.due, r.reference))
        partners = sorted({r.partner for r in rows})
        sections: dict[str, list[list[str]]] = {}
        for r in rows:
            cells = [r.reference, *render.child_cells(r, config.child_fields), r.kind, r.requested_on, r.due,
                     timing(r.due)]
            if len(partners) > 1:
                cells.insert(1, r.partner)
            sections.setdefault(self.heading(r.rung), []).append(cells)
        cc = sorted({m for r in rows if r.rung in escalating for m in self.managers.get(r.caseworker_id, ())}
                    - {recipient})
        contact = rows[0].contact_name if len(partners) == 1 and rows[0].partner_email == recipient else None
        body = render.advice_body(contact=contact, sections=list(sections.items()), as_of=as_of,
                                  child_fields=config.child_fields, multiple_partners=len(partners) > 1)
        subject = render.advice_subject(len(rows), sum(1 for r in rows if r.due < today),
                                        any(r.rung in escalating for r in rows))
        counts = Counter((r.partner, r.rung) for r in rows)
        return Digest(Message(to=recipient, cc=tuple(cc), subject=subject, body=body,
                              key=f"advice:{as_of.isoformat()}:{recipient}", kind=ADVICE),
                      tuple(r.ledger_id for r in rows), tuple((g, rung, n) for (g, rung), n in sorted(counts.items())))


def _managers_of(session: Session) -> dict[int, list[str]]:
    """User id -> e-mail addresses of the active managers of their team (one query: users are few)."""
    manager = User.__table__.alias("manager")
    query = (select(User.id, manager.c.email)
             .join(manager, and_(manager.c.team_id == User.team_id, manager.c.role == "manager",
                                 manager.c.active.is_(True), manager.c.email.is_not(None))))
    found: dict[int, list[str]] = defaultdict(list)
    for uid, email in session.execute(query):
        found[uid].append(email)
    return found


def _pending_deadlines(as_of: date, *columns):  # noqa: ANN001, ANN202
    return (select(*columns).select_from(Deadline).join(Case, Case.id == Deadline.case_id)
            .join(Child, Child.id == Case.child_id)
            .where(Deadline.state == "pending", Deadline.advisory == false(), live_deadline(as_of),
                   Case.stage.not_in(CLOSED_STAGES))
            .order_by(Deadline.due, Case.reference, Deadline.key))


def caseworker_digests(session: Session, token: str, as_of: date, config: ChaseConfig) -> tuple[list[Digest], list[int]]:
    claimed = session.execute(
        select(LEDGER.c.id, LEDGER.c.recipient, LEDGER.c.subject_type, LEDGER.c.subject_id)
        .where(LEDGER.c.subject_type.in_((CASEWORKER, MANAGER)), LEDGER.c.status == "sending",
               LEDGER.c.claimed_by == token).order_by(LEDGER.c.recipient, LEDGER.c.id)).all()
    horizon = as_of + timedelta(days=config.digest_days)
    worker_ids = {r.subject_id for r in claimed if r.subject_type == CASEWORKER}
    own: dict[int, list] = defaultdict(list)
    if worker_ids:
        query = _pending_deadlines(as_of, Case.caseworker_id, Case.reference, Deadline.key, Deadline.due,
                                   *_child_columns()).where(Case.caseworker_id.in_(sorted(worker_ids)),
                                                            Deadline.due <= horizon)
        for row in session.execute(query):
            own[row.caseworker_id].append(row)
    team_of = dict(session.execute(select(User.id, User.team_id).where(
        User.id.in_(sorted({r.subject_id for r in claimed if r.subject_type == MANAGER}) or [-1]))).all())
    team: dict[int, list] = defaultdict(list)
    if any(team_of.values()):
        staff = User.__table__.alias("staff")
        query = (_pending_deadlines(as_of, staff.c.team_id, staff.c.login, Case.reference, Deadline.key, Deadline.due)
                 .join(staff, staff.c.id == Case.caseworker_id)
                 .where(staff.c.team_id.in_(sorted({t for t in team_of.values() if t})), Deadline.due < as_of))
        for row in session.execute(query):
            team[row.team_id].append(row)
    grouped: dict[str, list] = defaultdict(list)
    for row in claimed:
        grouped[row.recipient].append(row)
    digests, skipped = [], []
    for recipient, rows in grouped.items():
        mine = [d for r in rows if r.subject_type == CASEWORKER for d in own.get(r.subject_id, [])]
        theirs = [d for r in rows if r.subject_type == MANAGER for d in team.get(team_of.get(r.subject_id), [])]
        mine, theirs = _unique(mine), _unique(theirs)
        if not mine and not theirs:
            skipped.extend(r.id for r in rows)
            continue
        cell = lambda d: [d.reference, *render.child_cells(d, config.child_fields), d.key,  # noqa: E731
                          d.due.isoformat(), render.timing(d.due, as_of)]
        overdue = [cell(d) for d in mine if d.due < as_of]
        soon = [cell(d) for d in mine if d.due >= as_of]
        team_rows = [[d.reference, d.login, d.key, d.due.isoformat(), render.timing(d.due, as_of)] for d in theirs]
        body = render.caseworker_body(as_of=as_of, overdue=overdue, due_soon=soon, team=team_rows,
                                      child_fields=config.child_fields, digest_days=config.digest_days)
        counts = tuple((f"{r.subject_type}s", "team" if r.subject_type == MANAGER else "digest", 1) for r in rows)
        digests.append(Digest(
            Message(to=recipient, cc=(), subject=render.caseworker_subject(len(overdue), len(soon), len(team_rows)),
                    body=body, key=f"caseworker:{as_of.isoformat()}:{recipient}", kind=CASEWORKER),
            tuple(r.id for r in rows), counts))
    return digests, skipped


def _unique(rows: list) -> list:
    seen, out = set(), []
    for row in rows:
        key = (row.reference, row.key)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return sorted(out, key=lambda d: (d.due, d.reference, d.key))
