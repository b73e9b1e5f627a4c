"""Handing digests to a notifier and recording the outcome in the ledger.

The sent rows are recorded in one transaction and each class of failure in another, each with one
audit record of counts. A failed row goes back to 'pending' (the next run retries it, merged into
that night's digest) until it has failed ``max_attempts`` times, then it is 'failed' and reported.
Error texts are kept in the ledger only; audit records and logs carry counts and error class names,
never addresses or content.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ehcp.chase.kind import Digest
from ehcp.notify import Notifier
from ehcp.services.context import ServiceContext
from ehcp.store import audit
from ehcp.store.ledger import Ledger


@dataclass
class DeliveryReport:
    messages_sent: int = 0
    reminders_sent: int = 0
    messages_failed: int = 0
    reminders_failed: int = 0
    sent: Counter = field(default_factory=Counter)     # (group, rung) -> reminders delivered
    failed: Counter = field(default_factory=Counter)   # (group, rung) -> reminders not delivered
    errors: Counter = field(default_factory=Counter)   # error class -> messages

    def summary(self) -> dict:
        return {"messages_sent": self.messages_sent, "reminders_sent": self.reminders_sent,
                "messages_failed": self.messages_failed, "reminders_failed": self.reminders_failed,
                "errors": dict(self.errors)}


def mark_sent(ctx: ServiceContext, ledger_ids: Sequence[int]) -> int:
    """Record delivery of these claimed rows; returns how many changed."""
    if not ledger_ids:
        return 0
    with ctx.uow() as uow:
        changed = Ledger(uow.session).mark_sent(ledger_ids)
        audit.append(uow.session, actor=ctx.actor, action="reminders_sent", detail={"reminders": changed})
        uow.commit()
    return changed


def mark_failed(ctx: ServiceContext, ledger_ids: Sequence[int], error: str, *, max_attempts: int = 9) -> int:
    """Record a failed delivery: back to 'pending' for the next run, or 'failed' after ``max_attempts``."""
    if not ledger_ids:
        return 0
    with ctx.uow() as uow:
        changed = Ledger(uow.session).mark_failed(ledger_ids, error, max_attempts=max_attempts)
        audit.append(uow.session, actor=ctx.actor, action="reminders_failed",
                     detail={"reminders": changed, "error": error.split(":")[0][:80]})
        uow.commit()
    return changed


def deliver(ctx: ServiceContext, notifier: Notifier, digests: Iterable[Digest], *,
            max_attempts: int = 9) -> DeliveryReport:
    """Send each digest; record the sent ones in one transaction and each failure class in another."""
    report = DeliveryReport()
    sent_ids: list[int] = []
    failures: dict[str, list[int]] = {}
    for digest in digests:
        try:
            notifier.send(digest.message)
        except Exception as exc:  # noqa: BLE001 - any notifier failure leaves the rows for a retry
            kind = type(exc).__name__
            failures.setdefault(f"{kind}: {exc}", []).extend(digest.ledger_ids)
            report.errors[kind] += 1
            report.messages_failed += 1
            report.reminders_failed += len(digest.ledger_ids)
            for group, rung, n in digest.counts:
                report.failed[(group, rung)] += n
            continue
        sent_ids.extend(digest.ledger_ids)
        report.messages_sent += 1
        report.reminders_sent += len(digest.ledger_ids)
        for group, rung, n in digest.counts:
            report.sent[(group, rung)] += n
    mark_sent(ctx, sent_ids)
    for error, ids in failures.items():
        mark_failed(ctx, ids, error, max_attempts=max_attempts)
    return report


def run_report(ctx: ServiceContext, token: str) -> DeliveryReport:
    """What the run with this claim token delivered, read back from the ledger (so Prefect retries,
    partial batches and the no-Prefect path all report the same way). Counts only."""
    report = DeliveryReport()
    delivered: set[str] = set()
    undelivered: dict[str, str] = {}
    with ctx.uow(write=False) as uow:
        for row in Ledger(uow.session).outcome(token):
            rung = row.rung.split(":")[0]
            if row.status == "sent":
                delivered.add(row.recipient)
                report.reminders_sent += row.n
                report.sent[(row.grp, rung)] += row.n
            elif row.status != "skipped":
                undelivered[row.recipient] = (row.error or "Interrupted").split(":")[0]
                report.reminders_failed += row.n
                report.failed[(row.grp, rung)] += row.n
    report.messages_sent = len(delivered)
    report.messages_failed = len(undelivered)
    report.errors.update(undelivered.values())
    return report
