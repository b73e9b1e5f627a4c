"""Advice requests to partners (reg 6) and their receipt; each answer is due 6 weeks after the body
receives the request (reg 8(1))."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ehcp.domain import body_receipt
from ehcp.domain import events as ev
from ehcp.domain.assessment.events import AdviceCancelled
from ehcp.domain.vocabulary import CHANNELS
from ehcp.services.cases import check_not_future
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.partners import check_advice_kind, find_partner, usable_partner
from ehcp.services.recording import Recorded, Step, record
from ehcp.store.models import AdviceRequest, Partner


@dataclass(frozen=True)
class AdviceAsked:
    """An advice request recorded: its id, and warnings (a partner asked for advice it does not give)."""

    request_id: int
    warnings: list[str] = field(default_factory=list)


def request_advice(ctx: ServiceContext, reference: str, *, kind: str, partner: str | None, on: date,
                   received_by_body: date | None = None, channel: str = "email") -> int:
    """Record that advice of ``kind`` was requested from ``partner`` on ``on``; returns its id
    (:func:`ask_for_advice` also gives the warnings)."""
    return ask_for_advice(ctx, reference, kind=kind, partner=partner, on=on, received_by_body=received_by_body,
                          channel=channel).request_id


def ask_for_advice(ctx: ServiceContext, reference: str, *, kind: str, partner: str | None, on: date,
                   received_by_body: date | None = None, channel: str = "email") -> AdviceAsked:
    """Record that advice of ``kind`` was requested from ``partner`` on ``on``.

    The request row is written with the event so that the 6-week clock can name it; its date of
    receipt by the body is the given one, or the one deemed from the channel (reg 8(1)). The same
    request (case, kind, partner, date) twice is refused; a partner whose listed advice kinds do not
    include ``kind`` is a warning (a slip of --kind or --partner is caught while it is cheap); a
    deactivated partner is refused."""
    check_advice_kind(kind)
    if channel not in CHANNELS:
        raise Refused(f"unknown channel {channel!r}; channels are {', '.join(CHANNELS)}")
    check_not_future(on, ctx.today, "date")
    if received_by_body is not None and received_by_body < on:
        raise Refused(f"--received-by-body {received_by_body} is before the request date {on}")
    made: list[AdviceRequest] = []
    notes: list[str] = []

    def plan(step: Step) -> list[ev.Event]:
        partner_row = usable_partner(step.uow, partner) if partner else None
        if partner_row is None and kind != "parent":
            raise Refused(f"advice of kind {kind!r} needs --partner (the body asked for it)")
        partner_id = partner_row.id if partner_row else None
        if step.uow.advice.same_request(step.case.id, kind, partner_id, on) is not None:
            raise Refused(f"{step.case.reference}: {kind} advice was already requested"
                          f"{' from ' + partner_row.name if partner_row else ''} on {on.isoformat()}")
        if partner_row is not None:
            notes.extend(kinds_warning(partner_row, kind))
        row = step.uow.advice.add(AdviceRequest(
            case_id=step.case.id, kind=kind, partner_id=partner_id,
            requested_on=on, received_by_body_on=received_by_body or on, channel=channel))
        event = ev.AdviceRequested(on=on, advice_kind=kind, request_id=row.id,
                                   received_by_body=received_by_body, channel=channel)
        row.received_by_body_on = body_receipt(event, calendar=step.calendar, policy=step.policy)
        made.append(row)
        return [event]

    record(ctx, reference, plan, action="advice_requested")
    return AdviceAsked(made[0].id, notes)


def kinds_warning(partner: Partner, kind: str) -> list[str]:
    """A warning when the partner's listed advice kinds (if any are listed) leave out ``kind``."""
    kinds = [k for k in (partner.advice_kinds or "").split(",") if k]
    if not kinds or kind in kinds:
        return []
    return [f"{partner.name} is listed as giving {', '.join(kinds)} advice, not {kind}"]


def receive_advice(ctx: ServiceContext, reference: str, *, kind: str, on: date, partner: str | None = None,
                   request_id: int | None = None) -> int:
    """Record receipt of the open advice request of ``kind`` (from ``partner``, or ``request_id``);
    returns its id. Refused when more than one open request matches: it names them."""
    check_advice_kind(kind)
    check_not_future(on, ctx.today, "date")
    found: list[AdviceRequest] = []

    def plan(step: Step) -> list[ev.Event]:
        row = _one_open_request(step, kind, partner, request_id, doing="received")
        if on < row.requested_on:
            raise Refused(f"received date {on} is before the request date {row.requested_on}")
        row.received_on = on
        found.append(row)
        return [ev.AdviceReceived(on=on, advice_kind=kind, request_id=row.id)]

    record(ctx, reference, plan, action="advice_received")
    return found[0].id


def cancel_advice(ctx: ServiceContext, reference: str, *, kind: str, reason: str, on: date | None = None,
                  partner: str | None = None, request_id: int | None = None) -> Recorded:
    """Cancel an open advice request made in error: an ``advice_cancelled`` event (the reason in the
    audit trail) removes its 6-week clock, so it leaves the deadlines and the chase. The request
    itself stays in the log; the row is marked cancelled."""
    check_advice_kind(kind)
    if not reason or not reason.strip():
        raise Refused("say why the request was made in error (--reason)")
    day = on or ctx.today
    check_not_future(day, ctx.today, "date")

    def plan(step: Step) -> list[ev.Event]:
        row = _one_open_request(step, kind, partner, request_id, doing="cancelled")
        if day < row.requested_on:
            raise Refused(f"cancellation date {day} is before the request date {row.requested_on}")
        row.cancelled_on = day
        return [AdviceCancelled(on=day, advice_kind=kind, request_id=row.id)]

    return record(ctx, reference, plan, action="advice_cancelled", reason=reason.strip(), changes=True,
                  permission="act_on_cases")


def _one_open_request(step: Step, kind: str, partner: str | None, request_id: int | None, *,
                      doing: str) -> AdviceRequest:
    """The one open request of ``kind`` the caller means; refuse to guess between several."""
    rows = step.uow.advice.open_requests(step.case.id, kind)
    if partner:
        wanted = find_partner(step.uow, partner).name
        rows = [(row, name) for row, name in rows if name == wanted]
    if request_id is not None:
        rows = [(row, name) for row, name in rows if row.id == request_id]
    asked = "".join(f" from {partner}" if partner else "") + (f" with id {request_id}" if request_id else "")
    if not rows:
        raise Refused(f"{step.case.reference} has no open {kind} advice request{asked}")
    if len(rows) > 1:
        listed = "; ".join(f"request {row.id} ({name or 'no partner'}, requested {row.requested_on.isoformat()})"
                           for row, name in rows)
        raise Refused(f"{step.case.reference} has {len(rows)} open {kind} advice requests: {listed}; "
                      f"say which is {doing} with --partner or --request-id")
    return rows[0][0]
