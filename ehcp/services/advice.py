"""Advice requests to partners (reg 6) and their receipt; each answer is due 6 weeks after the body
receives the request (reg 8(1))."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ehcp.domain import events as ev
from ehcp.services.case_log import append_event, case_events, load_case
from ehcp.services.cases import check_not_future, validate_event
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.partners import check_advice_kind, find_partner
from ehcp.store.models import AdviceRequest
from ehcp.domain import IllegalMove, body_receipt
from ehcp.domain.vocabulary import CHANNELS
from ehcp.rules import DEFAULT_POLICY
from ehcp.services.calendar import working_calendar



def request_advice(ctx: ServiceContext, reference: str, *, kind: str, partner: str | None, on: date,
                   received_by_body: date | None = None, channel: str = "email") -> int:
    """Record that advice of ``kind`` was requested from ``partner`` on ``on``; returns its id."""
    check_advice_kind(kind)
    if channel not in CHANNELS:
        raise Refused(f"unknown channel {channel!r}; channels are {', '.join(CHANNELS)}")
    check_not_future(on, ctx.today, "date")
    if received_by_body is not None and received_by_body < on:
        raise Refused(f"--received-by-body {received_by_body} is before the request date {on}")
    with ctx.uow() as uow:
        session = uow.session
        case = load_case(session, reference, lock=True)
        partner_row = find_partner(session, partner) if partner else None
        if partner_row is None and kind != "parent":
            raise Refused(f"advice of kind {kind!r} needs --partner (the body asked for it)")
        row = AdviceRequest(case_id=case.id, kind=kind, partner_id=partner_row.id if partner_row else None,
                            requested_on=on, received_by_body_on=received_by_body or on, channel=channel)
        session.add(row)
        session.flush()
        event = ev.AdviceRequested(on=on, advice_kind=kind, request_id=row.id,
                                   received_by_body=received_by_body, channel=channel)
        calendar = working_calendar(session)
        _validate(case.reference, case_events(session, case.id), event, calendar)
        append_event(session, case, event, actor=ctx.actor, today=ctx.today, action="advice_requested")
        row.received_by_body_on = body_receipt(event, calendar=calendar, policy=DEFAULT_POLICY)
        uow.commit()
        return row.id


def _validate(reference: str, history: list, event, calendar) -> None:  # noqa: ANN001
    try:
        validate_event(history, event, calendar)
    except IllegalMove as exc:
        raise Refused(f"{reference}: {exc}") from None


def receive_advice(ctx: ServiceContext, reference: str, *, kind: str, on: date) -> int:
    """Record receipt of the oldest open advice request of ``kind``; returns its id."""
    check_advice_kind(kind)
    check_not_future(on, ctx.today, "date")
    with ctx.uow() as uow:
        session = uow.session
        case = load_case(session, reference, lock=True)
        row = session.scalars(
            select(AdviceRequest)
            .where(AdviceRequest.case_id == case.id, AdviceRequest.kind == kind,
                   AdviceRequest.received_on.is_(None))
            .order_by(AdviceRequest.id).limit(1)
        ).first()
        if row is None:
            raise Refused(f"{case.reference} has no open {kind} advice request")
        if on < row.requested_on:
            raise Refused(f"received date {on} is before the request date {row.requested_on}")
        row.received_on = on
        event = ev.AdviceReceived(on=on, advice_kind=kind, request_id=row.id)
        _validate(case.reference, case_events(session, case.id), event, working_calendar(session))
        append_event(session, case, event, actor=ctx.actor, today=ctx.today, action="advice_received")
        uow.commit()
        return row.id
