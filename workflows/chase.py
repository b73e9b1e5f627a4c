"""The nightly Prefect flows: chase advice from partners, and the caseworker digest.

Thin by design: every rule lives in ``ehcp.chase``; a flow runs ONE task per stage - ``plan``
(queue tonight's ledger rows) and ``deliver`` (every recipient, in set-based batches of
``batch_size`` digests inside the one task, each batch through ``ehcp.chase.night.deliver_batch``)
- and publishes a markdown artifact of counts. Each task run costs API round trips (states, events,
logs), so tasks are per stage, never per batch, contact or case (``bench/bench_prefect.py``).
Idempotency is in the database's reminder ledger, not in Prefect's cache or result store (tasks and
flows use ``NO_CACHE`` and ``persist_result=False``), so a re-run, a retry or a run without Prefect
never sends a reminder twice: a retried ``deliver`` re-claims only what is still undelivered. Logs
carry counts only, one line per stage.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
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


@task(name="plan", cache_policy=NO_CACHE, persist_result=False)
def plan(ctx: ServiceContext, kind: NightKind, as_of: date, config: ChaseConfig) -> tuple[NightPlan, list[str]]:
    planned = night.plan_night(ctx, kind, as_of, config)
    recipients = pending_recipients(ctx, kind, lease_minutes=config.lease_minutes, as_of=as_of)
    get_run_logger().info("planned %s reminders (%s examined); %s recipients to deliver to",
                          planned.total_queued, planned.examined, len(recipients))
    return planned, recipients


@task(name="deliver", cache_policy=NO_CACHE, persist_result=False, retries=DELIVERY_RETRIES,
      retry_delay_seconds=exponential_backoff(backoff_factor=10))
def deliver(ctx: ServiceContext, kind: NightKind, recipients: list[str], as_of: date, token: str,
            config: ChaseConfig) -> dict:
    """Every recipient's digest, ``batch_size`` at a time (one claim transaction per batch, each
    message marked sent in its own as the transport accepts it). A retry runs the same batches:
    rows already sent are not claimed again, rows that failed are pending and are."""
    notifier = notifier_for(ctx.settings, config.notify_templates)
    sent = failed = 0
    errors: set[str] = set()
    for batch in night.batches(recipients, config.batch_size):
        report = night.deliver_batch(ctx, kind, batch, as_of, token, notifier, config)
        sent, failed = sent + report.messages_sent, failed + report.messages_failed
        errors.update(report.errors)
    get_run_logger().info("%s recipients in %s batch(es): %s messages sent, %s failed", len(recipients),
                          -(-len(recipients) // max(1, config.batch_size)), sent, failed)
    if failed and task_run.run_count <= DELIVERY_RETRIES:
        raise DeliveryIncomplete(f"{failed} message(s) not delivered: {', '.join(sorted(errors))}")
    return {"messages_sent": sent, "messages_failed": failed}


@task(name="preview", cache_policy=NO_CACHE, persist_result=False)
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
        delivered = deliver(ctx, kind, recipients, as_of, token, config, return_state=True) if recipients else None
        result = night.NightResult(kind, as_of, False, planned, run_report(ctx, token, as_of))
        if delivered is not None and not delivered.is_completed():
            logger.warning("delivery failed after %s retries; the undelivered messages stay pending", DELIVERY_RETRIES)
    summary, rows = result.summary(), result.rows()
    create_markdown_artifact(markdown=markdown(kind, summary, rows),
                             key=kind.artifact_key + ("-dry-run" if dry_run else ""),
                             description=f"{kind.name} run for {as_of.isoformat()}")
    logger.info("%s: %s messages sent (%s reminders), %s not delivered", kind.name, summary["messages_sent"],
                summary["reminders_sent"], summary["messages_failed"])
    return {"summary": summary, "rows": rows}


@flow(name="chase-advice", log_prints=False, persist_result=False)
def chase_advice_flow(as_of: date | None = None, dry_run: bool = False) -> dict:
    """Chase overdue advice: one digest per partner contact, up the escalation ladder, never twice."""
    return run_flow(ADVICE_CHASE, as_of, dry_run)


@flow(name="caseworker-digest", log_prints=False, persist_result=False)
def caseworker_digest_flow(as_of: date | None = None, dry_run: bool = False) -> dict:
    """Remind caseworkers of their deadlines due within 7 days or overdue; managers get their team's overdue."""
    return run_flow(DEADLINE_DIGEST, as_of, dry_run)


FLOWS = {ADVICE_CHASE.name: chase_advice_flow, DEADLINE_DIGEST.name: caseworker_digest_flow}
