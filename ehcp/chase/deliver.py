"""Handing digests to a notifier and recording the outcome in the ledger.

Each message is recorded as sent in its own short transaction the moment the transport accepts it,
so a crash later in the batch cannot leave a delivered message looking undelivered (and re-sent);
each class of failure is recorded in one transaction, and the batch ends with one audit record of
counts. A failed row goes back to 'pending' (the next run retries it, merged into
that night's digest) until it has failed ``max_attempts`` times, then it is 'failed' and reported.
Error texts are kept in the ledger only; audit records and logs carry counts and error class names,
never addresses or content.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ehcp.chase.config import rung_label
from ehcp.chase.kind import Digest
from ehcp.notify import Notifier
from ehcp.services.context import ServiceContext
from ehcp.store import audit
from ehcp.store.ledger import Ledger


@dataclass
class DeliveryReport:
    """A run's outcome. Undelivered messages are either ``pending`` (the next run retries them) or
    ``gave_up`` (failed ``max_attempts`` times, status 'failed'); ``interrupted`` ones are still
    'sending' (the run stopped between send and record: the next run after the lease re-sends)."""

    messages_sent: int = 0
    reminders_sent: int = 0
    messages_failed: int = 0
    reminders_failed: int = 0
    messages_pending: int = 0   # undelivered, left pending: the next run retries them
    messages_gave_up: int = 0   # undelivered after max_attempts: 'failed', reported, not retried
    messages_interrupted: int = 0  # still 'sending': the run stopped before recording them
    reminders_retried: int = 0  # rows queued on an earlier night that this run delivered or tried
    sent: Counter = field(default_factory=Counter)     # (group, rung) -> reminders delivered
    failed: Counter = field(default_factory=Counter)   # (group, rung) -> reminders not delivered
    errors: Counter = field(default_factory=Counter)   # error, without addresses -> messages
    reasons: dict[str, str] = field(default_factory=dict)  # error class -> one full reason (host, port, reply)

    def summary(self) -> dict:
        return {"messages_sent": self.messages_sent, "reminders_sent": self.reminders_sent,
                "messages_failed": self.messages_failed, "reminders_failed": self.reminders_failed,
                "messages_pending": self.messages_pending, "messages_gave_up": self.messages_gave_up,
                "messages_interrupted": self.messages_interrupted, "reminders_retried": self.reminders_retried,
                "errors": dict(self.errors), "reasons": dict(self.reasons)}


def mark_sent(ctx: ServiceContext, ledger_ids: Sequence[int], *, audited: bool = True) -> int:
    """Record delivery of these claimed rows (one short transaction); returns how many changed."""
    if not ledger_ids:
        return 0
    with ctx.uow() as uow:
        changed = Ledger(uow.session).mark_sent(ledger_ids)
        if audited:
            audit.append(uow.session, actor=ctx.actor, action="reminders_sent", detail={"reminders": changed})
        uow.commit()
    return changed


def audit_sent(ctx: ServiceContext, reminders: int, messages: int) -> None:
    """One audit record of counts for a batch whose messages were each recorded as they went."""
    if not reminders:
        return
    with ctx.uow() as uow:
        audit.append(uow.session, actor=ctx.actor, action="reminders_sent",
                     detail={"reminders": reminders, "messages": messages})
        uow.commit()


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
    """Send each digest and record it sent at once (its own transaction); then each failure class in
    one transaction, and one audit record of the batch's counts."""
    report = DeliveryReport()
    failures: dict[str, list[int]] = {}
    for digest in digests:
        try:
            notifier.send(digest.message)
        except Exception as exc:  # noqa: BLE001 - any notifier failure leaves the rows for a retry
            kind = type(exc).__name__
            failures.setdefault(f"{kind}: {exc}", []).extend(digest.ledger_ids)
            report.errors[kind] += 1
            report.reasons.setdefault(kind, str(exc))
            report.messages_failed += 1
            report.reminders_failed += len(digest.ledger_ids)
            for group, rung, n in digest.counts:
                report.failed[(group, rung)] += n
            continue
        mark_sent(ctx, digest.ledger_ids, audited=False)
        report.messages_sent += 1
        report.reminders_sent += len(digest.ledger_ids)
        for group, rung, n in digest.counts:
            report.sent[(group, rung)] += n
    audit_sent(ctx, report.reminders_sent, report.messages_sent)
    for error, ids in failures.items():
        mark_failed(ctx, ids, error, max_attempts=max_attempts)
    return report


def run_report(ctx: ServiceContext, token: str, as_of: date | None = None) -> DeliveryReport:
    """What the run with this claim token delivered, read back from the ledger (so Prefect retries,
    partial batches and the no-Prefect path all report the same way). Counts, error classes and
    one full reason per class (host, port and the server's reply: never an address or content)."""
    report = DeliveryReport()
    delivered: set[str] = set()
    undelivered: dict[str, tuple[str, str]] = {}
    with ctx.uow(write=False) as uow:
        for row in Ledger(uow.session).outcome(token):
            rung = rung_label(row.rung)
            if as_of is not None and row.as_of < as_of and row.status != "skipped":
                report.reminders_retried += row.n
            if row.status == "sent":
                delivered.add(row.recipient)
                report.reminders_sent += row.n
                report.sent[(row.grp, rung)] += row.n
            elif row.status != "skipped":
                error = row.error or "Interrupted: the run stopped before recording this message"
                undelivered[row.recipient] = (row.status, error)
                report.reminders_failed += row.n
                report.failed[(row.grp, rung)] += row.n
    report.messages_sent = len(delivered)
    report.messages_failed = len(undelivered)
    for status, error in undelivered.values():
        kind, _, reason = error.partition(": ")
        report.errors[kind] += 1
        report.reasons.setdefault(kind, reason)
        report.messages_pending += status == "pending"
        report.messages_gave_up += status == "failed"
        report.messages_interrupted += status == "sending"
    return report
