"""The nightly Prefect flows: chase advice from partners, and the caseworker digest.

Thin by design: every rule lives in ``ehcp.chase``; a flow plans (one task), then hands
the recipients to ``deliver_batch`` in chunks (one task per chunk of digests, never per case), and
publishes a markdown artifact of counts. Idempotency is in the database's reminder ledger, not in
Prefect's cache (tasks use ``NO_CACHE``), so a re-run, a retry or a run without Prefect never sends
a reminder twice. Logs carry counts only.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import task_run
from prefect.tasks import exponential_backoff

from ehcp.chase import night
from ehcp.chase.advice import ADVICE_CHASE
from ehcp.chase.claim import new_token, pending_recipients
from ehcp.chase.config import ChaseConfig, load_chase_config
from ehcp.chase.deadlines import DEADLINE_DIGEST
from ehcp.chase.deliver import run_report
from ehcp.chase.kind import NightKind, NightPlan
from ehcp.config import load_settings
from ehcp.notify import notifier_for
from ehcp.services.context import ServiceContext
from workflows.summary import markdown

DELIVERY_RETRIES = 2


class DeliveryIncomplete(RuntimeError):
    """Some digests of a batch could not be delivered (they stay pending); Prefect retries the batch."""


@task(name="plan", cache_policy=NO_CACHE)
def plan(ctx: ServiceContext, kind: NightKind, as_of: date, config: ChaseConfig) -> tuple[NightPlan, list[str]]:
    planned = night.plan_night(ctx, kind, as_of, config)
    recipients = pending_recipients(ctx, kind, lease_minutes=config.lease_minutes, as_of=as_of)
    get_run_logger().info("planned %s reminders (%s examined); %s recipients to deliver to",
                          planned.total_queued, planned.examined, len(recipients))
    return planned, recipients


@task(name="deliver_batch", cache_policy=NO_CACHE, retries=DELIVERY_RETRIES,
      retry_delay_seconds=exponential_backoff(backoff_factor=10))
def deliver_batch(ctx: ServiceContext, kind: NightKind, recipients: list[str], as_of: date, token: str,
                  config: ChaseConfig) -> dict:
    notifier = notifier_for(ctx.settings, config.notify_templates)
    report = night.deliver_batch(ctx, kind, recipients, as_of, token, notifier, config)
    logger = get_run_logger()
    logger.info("batch of %s recipients: %s messages sent, %s failed",
                len(recipients), report.messages_sent, report.messages_failed)
    if report.messages_failed and task_run.run_count <= DELIVERY_RETRIES:
        raise DeliveryIncomplete(f"{report.messages_failed} message(s) not delivered: "
                                 f"{', '.join(sorted(report.errors))}")
    return report.summary()


@task(name="preview", cache_policy=NO_CACHE)
def preview(ctx: ServiceContext, kind: NightKind, as_of: date, config: ChaseConfig) -> night.NightResult:
    return night.preview_night(ctx, kind, as_of, config)


def run_flow(kind: NightKind, as_of: date | None, dry_run: bool) -> dict:
    """The shared body of both flows; returns the run's summary and per-group rows (no personal data)."""
    ctx = ServiceContext(load_settings())
    config = load_chase_config()
    as_of = as_of or ctx.today
    logger = get_run_logger()
    resting = night.resting_reason(ctx, as_of, config)
    if resting:
        result = night.NightResult(kind, as_of, dry_run, NightPlan(kind.name, as_of), resting=resting)
    elif dry_run:
        result = preview(ctx, kind, as_of, config)
    else:
        notifier_for(ctx.settings, config.notify_templates)  # refuse a misconfigured notifier before planning
        planned, recipients = plan(ctx, kind, as_of, config)
        token = new_token()
        futures = [deliver_batch.submit(ctx, kind, batch, as_of, token, config)
                   for batch in night.batches(recipients, config.batch_size)]
        failed_batches = sum(1 for f in futures if not _completed(f))
        result = night.NightResult(kind, as_of, False, planned, run_report(ctx, token, as_of))
        if failed_batches:
            logger.warning("%s delivery batch(es) failed after retries; their messages stay pending", failed_batches)
    summary, rows = result.summary(), result.rows()
    create_markdown_artifact(markdown=markdown(kind, summary, rows),
                             key=kind.artifact_key + ("-dry-run" if dry_run else ""),
                             description=f"{kind.name} run for {as_of.isoformat()}")
    logger.info("%s: %s messages sent (%s reminders), %s not delivered", kind.name, summary["messages_sent"],
                summary["reminders_sent"], summary["messages_failed"])
    return {"summary": summary, "rows": rows}


def _completed(future: PrefectFuture[dict]) -> bool:
    future.wait()
    return bool(future.state.is_completed())


@flow(name="chase-advice", log_prints=False)
def chase_advice_flow(as_of: date | None = None, dry_run: bool = False) -> dict:
    """Chase overdue advice: one digest per partner contact, up the escalation ladder, never twice."""
    return run_flow(ADVICE_CHASE, as_of, dry_run)


@flow(name="caseworker-digest", log_prints=False)
def caseworker_digest_flow(as_of: date | None = None, dry_run: bool = False) -> dict:
    """Remind caseworkers of their deadlines due within 7 days or overdue; managers get their team's overdue."""
    return run_flow(DEADLINE_DIGEST, as_of, dry_run)


FLOWS = {ADVICE_CHASE.name: chase_advice_flow, DEADLINE_DIGEST.name: caseworker_digest_flow}
