"""Partner organisations and the advice requests sent to them."""

from __future__ import annotations

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
