"""Claiming queued ledger rows and turning them into ONE digest per recipient.

Claiming (``status`` pending -> sending, with a token and a time) is what lets two workers run at
once without sending a row twice (``Ledger.claim``). A claim older than the lease belongs to a
crashed worker and is taken over. Rows whose subject no longer needs chasing (the advice arrived, a
clock was disapplied, the case closed) become 'skipped'.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from ehcp.chase.config import ChaseConfig
from ehcp.chase.kind import Digest, NightKind
from ehcp.services.context import ServiceContext
from ehcp.store import audit
from ehcp.store.ledger import Ledger
from ehcp.web.links import link_maker


def with_links(config: ChaseConfig, ctx: ServiceContext) -> ChaseConfig:
    """``config`` with the advice-return link signer the settings call for (none without web_base_url)."""
    if config.links is not None or not ctx.settings.web_base_url:
        return config
    return replace(config, links=link_maker(ctx.settings))


def new_token() -> str:
    return uuid.uuid4().hex


def pending_recipients(ctx: ServiceContext, kind: NightKind, *, lease_minutes: int = 30,
                       as_of: date | None = None) -> list[str]:
    """Recipients with ledger rows waiting to be delivered (pending, or claimed by a crashed worker);
    given ``as_of``, not those already sent this kind's digest that night (one a night at most)."""
    with ctx.uow(write=False) as uow:
        return Ledger(uow.session).recipients_to_deliver(kind.subject_types, lease_minutes, as_of)


def claim_and_build(ledger: Ledger, kind: NightKind, token: str, as_of: date, config: ChaseConfig, *,
                    recipients: Sequence[str] | None = None) -> tuple[int, list[Digest], list[int]]:
    """Claim, build the digests and mark rows that need no message 'skipped' (caller's transaction)."""
    claimed = ledger.claim(kind.subject_types, token, recipients=recipients, lease_minutes=config.lease_minutes)
    if not claimed:
        return 0, [], []
    digests, skipped = kind.digests(ledger, token, as_of, config)
    ledger.skip(skipped)
    return claimed, digests, skipped


def pending_messages(ctx: ServiceContext, kind: NightKind, *, as_of: date | None = None,
                     recipients: Sequence[str] | None = None, token: str | None = None,
                     config: ChaseConfig | None = None) -> list[Digest]:
    """Claim the pending ledger rows and return one digest per recipient (one transaction).

    Deliver each digest, then record the outcome (``deliver``); rows of a digest never recorded (a
    crash) are delivered by a run after the claim's lease has lapsed.
    """
    config = with_links(config or ChaseConfig(), ctx)
    as_of = as_of or ctx.today
    with ctx.uow() as uow:
        claimed, digests, skipped = claim_and_build(Ledger(uow.session), kind, token or new_token(), as_of, config,
                                                    recipients=recipients)
        if claimed:
            audit.append(uow.session, actor=ctx.actor, action="reminders_claimed",
                         detail={"kind": kind.name, "as_of": as_of.isoformat(), "claimed": claimed,
                                 "messages": len(digests), "skipped": len(skipped)})
        uow.commit()
    return digests
