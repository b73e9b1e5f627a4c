"""Advice returned through a signed link (issue 20): check a link, record the return, revoke links,
count requests for the rate limits.

A valid return records ``advice received`` through the one recording pipeline (``record``): the
date the partner says the advice was sent, the channel ``portal`` (``advice_requests.received_via``),
the actor the address the link was sent to, the file (if any) with its SHA-256, all in one
transaction with its audit record. Anything refused records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from ehcp.domain import events as ev
from ehcp.domain.vocabulary import CLOSED_STAGE_NAMES, Channel
from ehcp.services.case_log import load_case
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.permissions import require
from ehcp.services.recording import Recorded, Step, record
from ehcp.store.ledger import now_utc
from ehcp.store.models import AdviceReturn
from ehcp.store.portal import LinkTarget, PortalRepository
from ehcp.web import links

# the refusals a link can meet, each with its own page
INVALID, REVOKED, EXPIRED, USED, CLOSED = "invalid", "revoked", "expired", "used", "closed"


class LinkRefused(Refused):
    """A link that cannot be used: ``why`` is one of INVALID, REVOKED, EXPIRED, USED, CLOSED."""

    def __init__(self, why: str, message: str) -> None:
        super().__init__(message)
        self.why = why


@dataclass(frozen=True)
class LinkView:
    """What the page shows of a request: nothing more than the issue allows (no names, no notes)."""

    token: str
    request_id: int
    reference: str
    initials: str
    dob: date | None
    kind: str
    requested_on: date
    due: date | None
    partner: str | None
    recipient: str


@dataclass(frozen=True)
class Upload:
    """A checked file (``ehcp.web.uploads``): its name as given, type, bytes and SHA-256."""

    name: str
    file_type: str
    data: bytes
    sha256: str


def open_link(ctx: ServiceContext, token: str, key: bytes) -> LinkView:
    """The request a link names, once its signature, generation, expiry and state are checked.

    Raises LinkRefused (the page to show) for a link that is malformed, tampered with, revoked,
    expired, already used, or whose request no longer needs advice."""
    with ctx.uow(write=False) as uow:
        target = PortalRepository(uow.session).target(claim.request_id) if (claim := links.parse(token)) else None
    return _check(ctx, token, key, target)


def _check(ctx: ServiceContext, token: str, key: bytes, target: LinkTarget | None) -> LinkView:
    claim = links.parse(token)
    address = None
    if claim is not None and target is not None:
        address = target.partner_email if claim.role == links.CONTACT else target.escalation_email
    if claim is None or target is None or not address or not links.signed_by(key, claim, address):
        raise LinkRefused(INVALID, "this link is not valid")
    if claim.generation != target.generation:
        raise LinkRefused(REVOKED, "this link has been withdrawn by the SEN team")
    if target.returned or target.received_on is not None:
        raise LinkRefused(USED, "the advice for this request has already been recorded")
    if claim.expires < ctx.today:
        raise LinkRefused(EXPIRED, f"this link expired on {claim.expires.isoformat()}")
    if target.cancelled_on is not None or target.stage in CLOSED_STAGE_NAMES:
        raise LinkRefused(CLOSED, "this request for advice is no longer open")
    initials = "".join(f"{c.upper()}." for c in (target.given_initial, target.family_initial) if c)
    return LinkView(token, target.request_id, target.reference, initials, target.dob, target.kind,
                    target.requested_on, target.due, target.partner, address)


def return_advice(ctx: ServiceContext, token: str, key: bytes, *, sent_on: date,
                  upload: Upload | None = None, actor_from_link: bool = True) -> Recorded:
    """Record the advice a link asks for as received on ``sent_on`` (channel portal), by the link's
    recipient; the link is then used up. The link is checked again under the case's lock, so two
    submissions at once record one. ``actor_from_link`` False: the actor stays the server's own
    (a PostgreSQL login role, which the database requires as the actor) and the reason names the
    recipient.

    Raises LinkRefused for a link that cannot be used, Refused for a date in the future or before
    the request."""
    view = open_link(ctx, token, key)
    if sent_on > ctx.today:
        raise Refused(f"the date the advice was sent ({sent_on.isoformat()}) is in the future")
    if sent_on < view.requested_on:
        raise Refused(f"the date the advice was sent ({sent_on.isoformat()}) is before the request "
                      f"({view.requested_on.isoformat()})")
    as_partner = ServiceContext(replace(ctx.settings, user=view.recipient)) if actor_from_link else ctx

    def plan(step: Step) -> list[ev.Event]:
        portal = PortalRepository(step.uow.session)
        _check(ctx, token, key, portal.target(view.request_id))  # again, under the lock
        row = step.uow.advice.get(view.request_id)
        if row is None:  # checked just above; keeps the type checker honest
            raise LinkRefused(INVALID, "this link is not valid")
        row.received_on, row.received_via = sent_on, Channel.PORTAL.value
        at = now_utc()
        portal.add_return(AdviceReturn(
            request_id=row.id, case_id=row.case_id, recipient=view.recipient, sent_on=sent_on, submitted_at=at,
            submitted_on=ctx.today, file_name=upload.name[:200] if upload else None,
            file_type=upload.file_type if upload else None, file_size=len(upload.data) if upload else None,
            file_sha256=upload.sha256 if upload else None, file_data=upload.data if upload else None))
        return [ev.AdviceReceived(on=sent_on, advice_kind=row.kind, request_id=row.id)]

    what = f"; file {upload.file_type} sha256 {upload.sha256}" if upload else "; no file"
    return record(as_partner, view.reference, plan, action="advice_received", changes=True,
                  reason=f"returned through the advice link (channel portal) by {view.recipient}{what}")


def revoke_links(ctx: ServiceContext, reference: str, *, kind: str | None = None) -> int:
    """Withdraw every advice-return link already sent for the case's requests (of ``kind``): their
    generation goes up, so old links show 'withdrawn'; the next digest carries fresh ones. Returns
    how many requests' links were revoked; audited."""
    with ctx.uow() as uow:
        require(uow, ctx.settings, "act_on_cases")
        case = load_case(uow, reference, lock=True)
        portal = PortalRepository(uow.session)
        ids = portal.request_ids(case.id, kind)
        if not ids:
            raise Refused(f"{case.reference} has no advice requests{' of kind ' + kind if kind else ''}")
        portal.bump(ids, at=now_utc(), actor=ctx.actor)
        uow.audit.append(actor=ctx.actor, action="advice_links_revoked", case_id=case.id,
                         detail={"reference": case.reference, "requests": ids, "kind": kind})
        uow.commit()
    return len(ids)


def count_hit(ctx: ServiceContext, buckets: list[str], *, window: timedelta) -> dict[str, int]:
    """Count one page request in each rate-limit bucket; their counts within ``window``."""
    with ctx.uow() as uow:
        counts = PortalRepository(uow.session).hit(buckets, at=now_utc(), window=window)
        uow.commit()
    return counts


def request_of(token: str) -> int | None:
    """The request id a token names, for its rate-limit bucket (not a proof of anything)."""
    claim = links.parse(token)
    return claim.request_id if claim else None
