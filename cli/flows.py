"""``ehcp flows ...``: run one night of chasing now, or serve the nightly flows on a schedule.

Every ``ehcp`` command loads this module, so what is slow to import is imported only by the
commands that need it, each place saying why: Prefect (a second or two, and it must find its
environment set first), the chase (SQLAlchemy and the models, ~250 ms) and the schedule's server
helpers (subprocess, urllib).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from cli.common import context, fail, parse_date, refusals, settings
from cli.output import Format, console, emit_json, emit_table, error, info
from workflows.runtime import configure_prefect

if TYPE_CHECKING:
    from ehcp.chase.config import ChaseConfig
    from ehcp.chase.kind import Digest, NightKind

app = typer.Typer(help="Nightly flows: chase advice from partners, remind caseworkers (Prefect).",
                  no_args_is_help=True)
run_app = typer.Typer(help="Run one night now (no Prefect server needed).", no_args_is_help=True)
app.add_typer(run_app, name="run")

PARTIAL_EXIT = 3
AS_OF = typer.Option(None, "--as-of", help="The night to run, YYYY-MM-DD (default: EHCP_TODAY or today in London).")
DRY_RUN = typer.Option(False, "--dry-run", help="Show what would be sent; write nothing, send nothing "
                                                "(computed directly, without Prefect).")
NO_PREFECT = typer.Option(False, "--no-prefect", help="Call the services directly (cron, tests): same ledger, "
                                                      "same result, no Prefect start-up.")
SHOW = typer.Option(False, "--show-messages", help="With --dry-run: print each message in full.")
FORMAT = typer.Option(Format.table, "--format", "-f", help="Output format: table or json.")
VERBOSE = typer.Option(False, "--verbose", "-v", help="Show Prefect's own log lines.")


@run_app.command("chase-advice")
@refusals
def chase_advice(as_of: str | None = AS_OF, dry_run: bool = DRY_RUN, no_prefect: bool = NO_PREFECT,
                 show_messages: bool = SHOW, fmt: Format = FORMAT, verbose: bool = VERBOSE) -> None:
    """Chase open advice requests: one digest per partner contact, up the escalation ladder.

    Each reminder is recorded in the reminder ledger before it is sent, so running the same night
    again sends nothing new, and a run after a crash delivers what was left exactly once. Exit status
    3: some messages could not be delivered; they stay pending for the next run.

    Example: ehcp flows run chase-advice --as-of 2025-06-04 --dry-run
    """
    _run("advice", as_of, dry_run, no_prefect, show_messages, fmt, verbose)


@run_app.command("caseworker-digest")
@refusals
def caseworker_digest(as_of: str | None = AS_OF, dry_run: bool = DRY_RUN, no_prefect: bool = NO_PREFECT,
                      show_messages: bool = SHOW, fmt: Format = FORMAT, verbose: bool = VERBOSE) -> None:
    """Send each caseworker their deadlines due within 7 days or overdue, and managers their team's overdue.

    One digest per person per day, however often it is run. Exit status 3 as for chase-advice.
    """
    _run("caseworker", as_of, dry_run, no_prefect, show_messages, fmt, verbose)


def _run(kind_name: str, as_of_text: str | None, dry_run: bool, no_prefect: bool, show: bool, fmt: Format,
         verbose: bool) -> None:
    from ehcp.chase.config import load_chase_config
    from ehcp.chase.night import KINDS, run_night

    as_of = parse_date(as_of_text, "--as-of")
    try:
        config = load_chase_config()
    except (ValueError, TypeError) as exc:
        _refuse(f"chase configuration: {exc}")
    kind = KINDS[kind_name]
    if kind_name == "advice" and not settings().web_base_url:
        info("note: EHCP_WEB_BASE_URL is not set: digests carry no advice-return link")
    if dry_run or no_prefect:
        try:
            result = run_night(context(), kind, as_of, config=config, dry_run=dry_run)
        except ValueError as exc:
            _refuse(str(exc))
        summary, rows = result.summary(), result.rows()
        messages = [_message_row(d, show) for d in result.previews]
    else:
        summary, rows = _run_with_prefect(kind_name, as_of, verbose, config)
        messages = []
    _render(kind, summary, rows, messages, fmt, show)
    if _warn(kind_name, summary):
        raise typer.Exit(PARTIAL_EXIT)


def _warn(kind_name: str, summary: dict) -> bool:
    """Say on stderr what went wrong, loudly; True if the run must exit non-zero (status 3)."""
    bad = False
    for kind, reason in summary.get("reasons", {}).items():
        error(f"delivery failed: {kind}: {reason}")
    if summary.get("messages_pending"):
        error(f"{summary['messages_pending']} message(s) could not be delivered; they stay pending and the "
              "next run retries them")
        bad = True
    if summary.get("messages_gave_up"):
        error(f"{summary['messages_gave_up']} message(s) failed too often and are marked failed (not retried)")
        bad = True
    if summary.get("messages_interrupted"):
        error(f"{summary['messages_interrupted']} message(s) are left 'sending': the run stopped between sending "
              "and recording them; a run after the claim's lease re-sends them")
        bad = True
    if kind_name == "caseworker" and summary.get("no_contact"):
        groups = ", ".join(f"{n} {g}" for g, n in summary.get("no_contact_by_group", {}).items())
        error(f"WARNING: {summary['no_contact']} people with deadlines due have no e-mail address and got no "
              f"digest ({groups}); set one with 'ehcp user edit'")
        bad = True
    return bad


def _run_with_prefect(kind_name: str, as_of: date | None, verbose: bool,
                      config: ChaseConfig) -> tuple[dict, list[dict]]:
    """The night through Prefect; if Prefect's API cannot be reached, or its server fails or dies
    during the run, the night is run directly instead (same ledger: nothing is sent twice), with
    a warning. A night is never lost to Prefect."""
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    configure_prefect(settings(), verbose=verbose)
    unreachable = _api_unreachable(os.environ.get("PREFECT_API_URL"))
    if unreachable:
        return _fallback(kind_name, as_of, config, unreachable)
    try:
        import workflows.chase

        flow = workflows.chase.FLOWS[kind_name]
        state = flow(as_of=as_of, dry_run=False, return_state=True)
    except Exception as exc:  # noqa: BLE001 - whatever Prefect raised, the night still runs directly
        return _fallback(kind_name, as_of, config, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    if not state.is_completed():
        reason = state.message.splitlines()[0] if state.message else "see the Prefect logs"
        return _fallback(kind_name, as_of, config, f"the {flow.name} run ended {state.name}: {reason}")
    outcome = state.result()
    return outcome["summary"], outcome["rows"]


def _api_unreachable(url: str | None, timeout: float = 5.0) -> str | None:
    """Why a configured Prefect API cannot be used now (None: reachable, or none configured and
    Prefect will start a temporary server)."""
    if not url:
        return None
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as response:
            return None if response.status == 200 else f"{url} answered {response.status}"
    except (OSError, ValueError) as exc:
        return f"{url} cannot be reached ({getattr(exc, 'reason', exc)})"


def _fallback(kind_name: str, as_of: date | None, config: ChaseConfig, why: str) -> tuple[dict, list[dict]]:
    from ehcp.chase.night import KINDS, run_night

    error(f"WARNING: Prefect is not available ({why}); running the night directly (same ledger, "
          "nothing is sent twice)")
    try:
        result = run_night(context(), KINDS[kind_name], as_of, config=config)
    except ValueError as exc:
        _refuse(str(exc))
    return {**result.summary(), "fallback": why}, result.rows()


def _refuse(message: str) -> NoReturn:
    fail(message)
    raise typer.Exit(1)  # fail() has raised it already; this tells the type checker


def _message_row(digest: Digest, show: bool) -> dict:
    message = digest.message
    row = {"to": message.to, "cc": ", ".join(message.cc), "subject": message.subject,
           "reminders": len(digest.ledger_ids)}
    if show:
        row["body"] = message.body
    return row


def _render(kind: NightKind, summary: dict, rows: list[dict], messages: list[dict], fmt: Format, show: bool) -> None:
    if fmt is Format.json:
        emit_json({"summary": summary, "rows": rows, **({"messages": messages} if summary["dry_run"] else {})})
        return
    columns = ["group", "rung", "queued", "would_send" if summary["dry_run"] else "sent", "failed"]
    title = f"{kind.title} for {summary['as_of']}"
    if summary.get("not_working_day"):
        info(f"{title}: not a working day ({summary['not_working_day']}); nothing sent - the next working "
             "day's digests carry everything due meanwhile")
        return
    if summary.get("retrying"):
        info(f"retrying {summary['retrying']} reminder(s) left undelivered by an earlier run")
    if rows:
        emit_table(rows, columns, title=title + (" (dry run)" if summary["dry_run"] else ""))
    else:
        info(f"{title}: no reminders due")
    if summary["dry_run"]:
        if messages:
            emit_table(messages, ["to", "cc", "subject", "reminders"], title="Messages a real run would send")
        if show:
            out = console()
            for message in messages:
                out.rule(f"To: {message['to']}")
                out.print(message["body"], markup=False)
        info(f"dry run: {summary['messages_would_send']} message(s) would be sent; nothing was written")
    else:
        undelivered = summary["messages_pending"] + summary["messages_gave_up"] + summary["messages_interrupted"]
        info(f"{summary['messages_sent']} message(s) sent ({summary['reminders_sent']} reminders, "
             f"{summary['reminders_retried']} of them retried from an earlier run); "
             f"{summary['queued']} reminder(s) queued tonight, {summary['unchanged']} already sent at their rung; "
             f"{undelivered} not delivered ({summary['messages_pending']} pending for the next run, "
             f"{summary['messages_gave_up']} failed for good, {summary['messages_interrupted']} interrupted)")
    if summary["no_contact"] and kind.name == "advice":
        info(f"{summary['no_contact']} request(s) not chased: their partner has no e-mail address")


@app.command("serve")
@refusals
def serve(
    chase_cron: str | None = typer.Option(None, "--chase-cron", help="Cron for chase-advice (default 30 0 * * *, "
                                                                     "or chase_cron in ehcp.toml)."),
    digest_cron: str | None = typer.Option(None, "--digest-cron",
                                           help="Cron for caseworker-digest (default 30 0 * * *)."),
    timezone: str | None = typer.Option(None, "--timezone", help="Time zone of the schedules (default Europe/London)."),
    port: int = typer.Option(4200, "--port", help="Port of the local Prefect server started when "
                                                  "PREFECT_API_URL is not set."),
) -> None:
    """Serve both flows on their schedules until stopped (Ctrl-C).

    Uses PREFECT_API_URL if set; otherwise starts a local Prefect server (UI on 127.0.0.1:PORT, history
    under the data directory) for as long as it serves.
    """
    # slow imports (SQLAlchemy; subprocess and urllib for the local server), only when serving
    from ehcp.chase.config import load_chase_config
    from workflows.schedule import check_schedule, local_server, serve_nightly

    config = load_chase_config()
    chase, digest, tz = chase_cron or config.chase_cron, digest_cron or config.digest_cron, timezone or config.timezone
    try:
        check_schedule(chase, tz)
        check_schedule(digest, tz)
    except ValueError as exc:
        _refuse(str(exc))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    configure_prefect(settings())
    warnings.filterwarnings("ignore", category=RuntimeWarning, module="prefect")

    with contextlib.ExitStack() as stack:
        if not os.environ.get("PREFECT_API_URL"):
            info(f"starting a local Prefect server with its UI on http://127.0.0.1:{port} ...")
            log = Path(os.environ["PREFECT_HOME"]) / "server.log"
            try:
                os.environ["PREFECT_API_URL"] = stack.enter_context(local_server(port, log))
            except RuntimeError as exc:
                _refuse(str(exc))
        info(f"serving chase-advice ({chase}) and caseworker-digest ({digest}) in {tz}; Ctrl-C to stop")
        with contextlib.suppress(KeyboardInterrupt):
            serve_nightly(chase, digest, tz)
    info("stopped")
