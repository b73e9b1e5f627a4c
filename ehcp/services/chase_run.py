"""One night of chasing end to end, without Prefect (cron, tests, ``--no-prefect``, ``--dry-run``).

The Prefect flows in ``workflows/`` call the same three steps (``plan_kind``, ``pending_recipients``,
``deliver_batch``), so both paths share every rule and the ledger's guarantees.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from ehcp.notify import Notifier, notifier_for
from ehcp.services.chase_config import ChaseConfig
from ehcp.services.chase_delivery import DeliveryReport, deliver, run_report
from ehcp.services.chase_messages import Digest, claim_and_build, new_token, pending_messages, pending_recipients
from ehcp.services.chasing import ADVICE, NightPlan, plan_advice, plan_caseworker_digest, plan_digest, plan_night
from ehcp.services.context import ServiceContext

KINDS = (ADVICE, "caseworker")


@dataclass
class NightResult:
    kind: str
    as_of: date
    dry_run: bool
    plan: NightPlan
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    previews: list[Digest] = field(default_factory=list)

    def rows(self) -> list[dict]:
        """Per (group, rung): reminders queued tonight, delivered, failed (dry run: would send)."""
        would: Counter = Counter()
        for digest in self.previews:
            for group, rung, n in digest.counts:
                would[(group, rung)] += n
        keys = sorted(set(self.plan.queued) | set(self.delivery.sent) | set(self.delivery.failed) | set(would))
        return [{"group": g, "rung": r, "queued": self.plan.queued.get((g, r), 0),
                 "sent": self.delivery.sent.get((g, r), 0), "failed": self.delivery.failed.get((g, r), 0),
                 **({"would_send": would.get((g, r), 0)} if self.dry_run else {})} for g, r in keys]

    def summary(self) -> dict:
        return {**self.plan.summary(), **self.delivery.summary(), "dry_run": self.dry_run,
                "messages_would_send": len(self.previews)}


def plan_kind(ctx: ServiceContext, kind: str, as_of: date, config: ChaseConfig) -> NightPlan:
    if kind == ADVICE:
        return plan_night(ctx, as_of, config.ladder, chunk=config.insert_chunk)
    return plan_caseworker_digest(ctx, as_of, digest_days=config.digest_days)


def batches(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), max(1, size)):
        yield list(items[start:start + size])


def deliver_batch(ctx: ServiceContext, kind: str, recipients: Sequence[str], as_of: date, token: str,
                  notifier: Notifier, config: ChaseConfig) -> DeliveryReport:
    """Claim these recipients' pending rows, send one digest each, record the outcome."""
    digests = pending_messages(ctx, kind, as_of=as_of, recipients=recipients, token=token, config=config)
    return deliver(ctx, notifier, digests, max_attempts=config.max_attempts)


def preview_night(ctx: ServiceContext, kind: str, as_of: date, config: ChaseConfig) -> tuple[NightPlan, list[Digest]]:
    """What tonight would send, computed in a transaction that is rolled back: writes nothing."""
    with ctx.uow() as uow:
        if kind == ADVICE:
            plan = plan_advice(uow.session, as_of, config.ladder, chunk=config.insert_chunk)
        else:
            plan = plan_digest(uow.session, as_of, digest_days=config.digest_days)
        _, digests, _ = claim_and_build(uow.session, kind, new_token(), as_of, config)
    return plan, digests


def run_night(ctx: ServiceContext, kind: str = ADVICE, as_of: date | None = None, *,
              config: ChaseConfig | None = None, notifier: Notifier | None = None,
              dry_run: bool = False) -> NightResult:
    """Plan and deliver one night of ``kind`` ('advice' or 'caseworker'); never sends a row twice.

    Raises ValueError for an unknown kind or a notifier that is not configured.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown flow kind {kind!r}; kinds are {', '.join(KINDS)}")
    config = config or ChaseConfig()
    as_of = as_of or ctx.today
    if dry_run:
        plan, previews = preview_night(ctx, kind, as_of, config)
        return NightResult(kind, as_of, True, plan, previews=previews)
    notifier = notifier or notifier_for(ctx.settings, config.notify_templates)
    plan = plan_kind(ctx, kind, as_of, config)
    token = new_token()
    for batch in batches(pending_recipients(ctx, kind, lease_minutes=config.lease_minutes), config.batch_size):
        deliver_batch(ctx, kind, batch, as_of, token, notifier, config)
    return NightResult(kind, as_of, False, plan, run_report(ctx, token))
