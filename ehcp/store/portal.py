"""The advice-return links' state (issue 20): link generations, the advice returned through them, the
rate-limit counters, and the bulk reads the nightly digests need (one query a batch, never one a row)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ehcp.store.models import (
    AdviceLink,
    AdviceRequest,
    AdviceReturn,
    Case,
    Child,
    Deadline,
    Partner,
    Reminder,
    User,
    WebHit,
)


@dataclass(frozen=True)
class LinkTarget:
    """What a link names, read with its state: enough to check the signature and show the page."""

    request_id: int
    case_id: int
    reference: str
    stage: str
    kind: str
    requested_on: date
    received_on: date | None
    cancelled_on: date | None
    partner: str | None
    partner_email: str | None
    escalation_email: str | None
    generation: int
    returned: bool
    given_initial: str | None
    family_initial: str | None
    dob: date | None
    due: date | None


class PortalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def generations(self, request_ids: Collection[int]) -> dict[int, int]:
        """Request id -> current link generation (1 for requests never revoked); one query."""
        ids = sorted(set(request_ids))
        found = dict(self.session.execute(
            select(AdviceLink.request_id, AdviceLink.generation).where(AdviceLink.request_id.in_(ids or [-1])))
            .tuples().all())
        return {i: found.get(i, 1) for i in ids}

    def target(self, request_id: int) -> LinkTarget | None:
        row = self.session.execute(
            select(AdviceRequest, Case.reference, Case.stage, Partner.name, Partner.email, Partner.escalation_email,
                   AdviceLink.generation, AdviceReturn.id, func.substr(Child.given_name, 1, 1),
                   func.substr(Child.family_name, 1, 1), Child.dob, Deadline.due)
            .join(Case, Case.id == AdviceRequest.case_id)
            .join(Child, Child.id == Case.child_id)
            .outerjoin(Partner, Partner.id == AdviceRequest.partner_id)
            .outerjoin(AdviceLink, AdviceLink.request_id == AdviceRequest.id)
            .outerjoin(AdviceReturn, AdviceReturn.request_id == AdviceRequest.id)
            .outerjoin(Deadline, Deadline.advice_request_id == AdviceRequest.id)
            .where(AdviceRequest.id == request_id)).first()
        if row is None:
            return None
        req, reference, stage, partner, email, escalation, generation, returned, gi, fi, dob, due = row
        return LinkTarget(req.id, req.case_id, reference, stage, req.kind, req.requested_on, req.received_on,
                          req.cancelled_on, partner, email, escalation, generation or 1, returned is not None,
                          gi, fi, dob, due)

    def request_ids(self, case_id: int, kind: str | None = None) -> list[int]:
        query = select(AdviceRequest.id).where(AdviceRequest.case_id == case_id).order_by(AdviceRequest.id)
        if kind is not None:
            query = query.where(AdviceRequest.kind == kind)
        return list(self.session.scalars(query))

    def bump(self, request_ids: Collection[int], *, at: datetime, actor: str) -> None:
        """Revoke every link of these requests signed so far: their generation goes up by one."""
        for request_id, generation in self.generations(request_ids).items():
            link = self.session.get(AdviceLink, request_id)
            if link is None:
                self.session.add(AdviceLink(request_id=request_id, generation=generation + 1, revoked_at=at,
                                            revoked_by=actor))
            else:
                link.generation, link.revoked_at, link.revoked_by = generation + 1, at, actor
        self.session.flush()

    def add_return(self, row: AdviceReturn) -> AdviceReturn:
        self.session.add(row)
        self.session.flush()
        return row

    def returned(self, request_id: int) -> AdviceReturn | None:
        return self.session.scalars(select(AdviceReturn).where(AdviceReturn.request_id == request_id)).first()

    def hit(self, buckets: Collection[str], *, at: datetime, window: timedelta) -> dict[str, int]:
        """Count one request in each bucket; return each bucket's count within ``window`` (this one
        included). Hits older than the window, of every bucket, are deleted first: the table holds
        one window's requests at most."""
        since = at - window
        self.session.execute(delete(WebHit).where(WebHit.at < since))
        self.session.add_all([WebHit(bucket=b, at=at) for b in buckets])
        self.session.flush()
        counts = dict(self.session.execute(
            select(WebHit.bucket, func.count()).where(WebHit.bucket.in_(sorted(buckets)), WebHit.at >= since)
            .group_by(WebHit.bucket)).tuples().all())
        return {b: counts.get(b, 0) for b in buckets}

    # --- the caseworker digest: advice returned through a link since the caseworker last heard -------

    def returns_to_tell(self, as_of: date, lookback_days: int,
                        caseworker_ids: Collection[int] | None = None) -> dict[int, list[Any]]:
        """Caseworker id -> advice returned through a link on their cases within ``lookback_days``
        before ``as_of`` and after their last caseworker digest was sent (reference, kind, partner,
        sent_on, submitted_on, file_type). Two queries, whatever the number of caseworkers."""
        since = as_of - timedelta(days=lookback_days)
        query = (select(Case.caseworker_id, Case.reference, AdviceRequest.kind, Partner.name.label("partner"),
                        AdviceReturn.sent_on, AdviceReturn.submitted_on, AdviceReturn.submitted_at,
                        AdviceReturn.file_type)
                 .select_from(AdviceReturn)
                 .join(AdviceRequest, AdviceRequest.id == AdviceReturn.request_id)
                 .join(Case, Case.id == AdviceReturn.case_id)
                 .outerjoin(Partner, Partner.id == AdviceRequest.partner_id)
                 .where(AdviceReturn.submitted_on > since, AdviceReturn.submitted_on <= as_of,
                        Case.caseworker_id.is_not(None))
                 .order_by(AdviceReturn.submitted_at, Case.reference))
        if caseworker_ids is not None:
            query = query.where(Case.caseworker_id.in_(sorted(caseworker_ids) or [-1]))
        rows = self.session.execute(query).all()
        if not rows:
            return {}
        last = dict(self.session.execute(
            select(Reminder.subject_id, func.max(Reminder.sent_at))
            .where(Reminder.subject_type == "caseworker", Reminder.status == "sent",
                   Reminder.subject_id.in_(sorted({r.caseworker_id for r in rows})), Reminder.as_of < as_of)
            .group_by(Reminder.subject_id)).tuples().all())
        told: dict[int, list[Any]] = {}
        for row in rows:
            heard = last.get(row.caseworker_id)
            if heard is None or _aware(row.submitted_at) > _aware(heard):
                told.setdefault(row.caseworker_id, []).append(row)
        return told

    def caseworker_addresses(self, ids: Collection[int]) -> list[tuple[int, str | None]]:
        return [(uid, email) for uid, email in self.session.execute(
            select(User.id, User.email).where(User.active.is_(True), User.id.in_(sorted(ids) or [-1])))]


def _aware(at: datetime) -> datetime:
    """SQLite gives timestamps back without their zone (stored as UTC)."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)
