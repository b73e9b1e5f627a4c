"""One night of chasing, the same for every kind: plan, claim, build digests, deliver, record.

Each step is its own transaction, so a night can stop anywhere and the next run finishes it: the
ledger's unique key stops a row being queued twice and the claim stops it being sent twice. Cron,
tests, ``--no-prefect`` and ``--dry-run`` call ``run_night``; the Prefect flows in ``workflows/`` call
the same steps (``plan_night``, ``pending_recipients``, ``deliver_batch``), one task each, so both
paths share every rule and the ledger's guarantees.

Nights that are not working days (England and Wales, with the holidays recorded in the database;
``working_days_only = false`` in ``[chase]`` turns this off) plan and send nothing: the next working
night's planner finds every rung reached meanwhile (the highest, once) and its digests carry them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from ehcp.chase.advice import ADVICE_CHASE
from ehcp.chase.claim import claim_and_build, new_token, pending_messages, pending_recipients, with_links
from ehcp.chase.config import ChaseConfig
from ehcp.chase.deadlines import DEADLINE_DIGEST
from ehcp.chase.deliver import DeliveryReport, deliver, run_report
from ehcp.chase.kind import Digest, NightKind, NightPlan
from ehcp.notify import Notifier, notifier_for
from ehcp.services.context import ServiceContext
from ehcp.store import audit
from ehcp.store.ledger import Ledger

KINDS: dict[str, NightKind] = {kind.name: kind for kind in (ADVICE_CHASE, DEADLINE_DIGEST)}


def kind_named(name: str) -> NightKind:
    """Raises ValueError for an unknown kind."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown flow kind {name!r}; kinds are {', '.join(KINDS)}") from None


@dataclass
class NightResult:
    kind: NightKind
    as_of: date
    dry_run: bool
    plan: NightPlan
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    previews: list[Digest] = field(default_factory=list)
    resting: str | None = None  # why nothing ran: the night is not a working day

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
                "messages_would_send": len(self.previews), "not_working_day": self.resting}


def plan_night(ctx: ServiceContext, kind: NightKind, as_of: date | None = None,
               config: ChaseConfig | None = None) -> NightPlan:
    """Queue tonight's rows of ``kind`` in the ledger (one transaction, one audit record).

    Raises ValueError for an invalid ladder. Safe to re-run: nothing already queued is queued again.
    """
    config = config or ChaseConfig()
    as_of = as_of or ctx.today
    with ctx.uow() as uow:
        ledger = Ledger(uow.session)
        plan = kind.plan(ledger, as_of, config)
        plan.waiting = ledger.waiting(kind.subject_types, as_of)
        # queued earlier but never delivered is not 'already chased': those rows are retried now
        plan.unchanged = max(0, plan.unchanged - plan.waiting)
        audit.append(uow.session, actor=ctx.actor, action=kind.planned_action, detail=plan.summary())
        uow.commit()
    return plan


def resting_reason(ctx: ServiceContext, as_of: date, config: ChaseConfig) -> str | None:
    """Why ``as_of`` sends nothing (a weekend or a bank holiday), or None on a working day."""
    if not config.working_days_only:
        return None
    with ctx.uow(write=False) as uow:
        calendar = Ledger(uow.session).working_calendar()
    if calendar.is_working_day(as_of):
        return None
    return calendar.name(as_of) or as_of.strftime("%A")


def batches(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), max(1, size)):
        yield list(items[start:start + size])


def deliver_batch(ctx: ServiceContext, kind: NightKind, recipients: Sequence[str], as_of: date, token: str,
                  notifier: Notifier, config: ChaseConfig) -> DeliveryReport:
    """Claim these recipients' pending rows, send one digest each, record the outcome."""
    digests = pending_messages(ctx, kind, as_of=as_of, recipients=recipients, token=token, config=config)
    return deliver(ctx, notifier, digests, max_attempts=config.max_attempts)


def preview_night(ctx: ServiceContext, kind: NightKind, as_of: date, config: ChaseConfig) -> NightResult:
    """What tonight would send, computed in a transaction that is rolled back: writes nothing."""
    config = with_links(config, ctx)
    with ctx.uow() as uow:
        ledger = Ledger(uow.session)
        plan = kind.plan(ledger, as_of, config)
        _, digests, _ = claim_and_build(ledger, kind, new_token(), as_of, config)
    return NightResult(kind, as_of, True, plan, previews=digests)


def run_night(ctx: ServiceContext, kind: NightKind, as_of: date | None = None, *,
              config: ChaseConfig | None = None, notifier: Notifier | None = None,
              dry_run: bool = False) -> NightResult:
    """Plan and deliver one night of ``kind``; never sends a row twice.

    Raises ValueError for an invalid ladder or a notifier that is not configured.
    """
    config = config or ChaseConfig()
    as_of = as_of or ctx.today
    resting = resting_reason(ctx, as_of, config)
    if resting:
        return NightResult(kind, as_of, dry_run, NightPlan(kind.name, as_of), resting=resting)
    if dry_run:
        return preview_night(ctx, kind, as_of, config)
    notifier = notifier or notifier_for(ctx.settings, config.notify_templates)
    plan = plan_night(ctx, kind, as_of, config)
    token = new_token()
    for batch in batches(pending_recipients(ctx, kind, lease_minutes=config.lease_minutes, as_of=as_of),
                         config.batch_size):
        deliver_batch(ctx, kind, batch, as_of, token, notifier, config)
    return NightResult(kind, as_of, False, plan, run_report(ctx, token, as_of))
