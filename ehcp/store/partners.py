"""Partner organisations and the advice requests sent to them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehcp.store.models import AdviceRequest, Partner


class PartnerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> Partner | None:
        return self.session.scalars(select(Partner).where(Partner.name == name)).one_or_none()

    def names(self) -> list[str]:
        return list(self.session.scalars(select(Partner.name)))

    def all(self) -> list[Partner]:
        return list(self.session.scalars(select(Partner).order_by(Partner.name)))

    def add(self, partner: Partner) -> Partner:
        self.session.add(partner)
        self.session.flush()
        return partner

    def flush(self) -> None:
        self.session.flush()


class AdviceRequestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, request: AdviceRequest) -> AdviceRequest:
        self.session.add(request)
        self.session.flush()
        return request

    def get(self, request_id: int) -> AdviceRequest | None:
        return self.session.get(AdviceRequest, request_id)

    def open_requests(self, case_id: int, kind: str) -> list[tuple[AdviceRequest, str | None]]:
        """The case's requests for advice of ``kind`` neither answered nor cancelled, oldest first,
        each with its partner's name (None for the parent's own advice)."""
        rows = self.session.execute(
            select(AdviceRequest, Partner.name)
            .outerjoin(Partner, Partner.id == AdviceRequest.partner_id)
            .where(AdviceRequest.case_id == case_id, AdviceRequest.kind == kind,
                   AdviceRequest.received_on.is_(None), AdviceRequest.cancelled_on.is_(None))
            .order_by(AdviceRequest.id))
        return [(row, name) for row, name in rows]

    def same_request(self, case_id: int, kind: str, partner_id: int | None, on: date) -> AdviceRequest | None:
        """A live request already on file for the same case, kind, partner and date (a second is a
        duplicate); one cancelled as made in error does not count, so it can be made again."""
        partner = AdviceRequest.partner_id.is_(None) if partner_id is None else AdviceRequest.partner_id == partner_id
        return self.session.scalars(
            select(AdviceRequest)
            .where(AdviceRequest.case_id == case_id, AdviceRequest.kind == kind, partner,
                   AdviceRequest.requested_on == on, AdviceRequest.cancelled_on.is_(None))
            .order_by(AdviceRequest.id).limit(1)).first()

    def outstanding(self, case_id: int) -> list[tuple[str, date, str | None]]:
        """The case's requests whose advice has not arrived, oldest first: (kind, requested on, partner)."""
        rows = self.session.execute(
            select(AdviceRequest.kind, AdviceRequest.requested_on, Partner.name)
            .outerjoin(Partner, Partner.id == AdviceRequest.partner_id)
            .where(AdviceRequest.case_id == case_id, AdviceRequest.received_on.is_(None),
                   AdviceRequest.cancelled_on.is_(None))
            .order_by(AdviceRequest.requested_on, AdviceRequest.id))
        return [(kind, on, partner) for kind, on, partner in rows.tuples()]
