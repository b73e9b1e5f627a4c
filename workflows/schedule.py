"""``ehcp flows serve``: both flows on a cron schedule (default 00:30 Europe/London).

Against ``PREFECT_API_URL`` when set; otherwise against a local ``prefect server start`` that this
command starts (UI on 127.0.0.1, history kept under ``PREFECT_HOME``) in its own session, so that
Ctrl-C stops the runner cleanly before the server, with no tracebacks.

Schedules must keep out of 01:00-01:59 London time: on the October clock change that hour happens
twice and in March not at all, so a run there could be doubled or skipped. (The ledger would stop a
double send, but a skipped night delays every chaser by a day.) Prefect is imported only to serve.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError


def cron_hours(expr: str) -> set[int]:
    """Validate a 5-field cron expression with ``cronsim`` (the cron library Prefect's own schedules
    use) and return the hours it fires in. Raises ValueError for an expression cron would refuse."""
    try:
        return set(CronSim(expr, datetime(2000, 1, 1)).hours)  # noqa: DTZ001 - only the fields are read
    except CronSimError as exc:
        raise ValueError(f"cron expression {expr!r} is not valid: {exc}") from None


def check_schedule(expr: str, timezone: str) -> None:
    """Refuse an invalid cron or time zone, or a schedule firing in 01:00-01:59 London time."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {timezone!r}") from None
    if 1 in cron_hours(expr) and timezone == "Europe/London":
        raise ValueError(f"schedule {expr!r} runs between 01:00 and 01:59 London time, an hour that happens "
                         "twice or not at all on clock-change nights; choose another hour (default 30 0 * * *)")


@contextlib.contextmanager
def local_server(port: int, log_path: Path, timeout: float = 120.0) -> Iterator[str]:
    """Run ``prefect server start`` on 127.0.0.1:port until the block ends; yields its API URL."""
    prefect = Path(sys.executable).with_name("prefect")
    command = [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}/api"
    try:
        _wait_healthy(url, server, timeout, log_path)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Prefect server exited (status {server.returncode}); see {log_path}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the Prefect server did not start within {timeout:.0f} s; see {log_path}")


def serve_nightly(chase_cron: str, digest_cron: str, timezone: str) -> None:
    """Serve both flows until interrupted (Prefect's ``serve``)."""
    from prefect import serve  # noqa: PLC0415 - Prefect: slow, imported only to serve
    from prefect.deployments.runner import RunnerDeployment  # noqa: PLC0415 - Prefect: slow, only to serve
    from prefect.schedules import Cron  # noqa: PLC0415 - Prefect: slow, imported only to serve

    from workflows.chase import caseworker_digest_flow, chase_advice_flow  # noqa: PLC0415 - imports Prefect: only to serve

    # to_deployment is sync-compatible: called outside an event loop it returns the deployment itself
    serve(
        cast(RunnerDeployment, chase_advice_flow.to_deployment(
            name="nightly", schedules=[Cron(chase_cron, timezone=timezone)],
            description="Chase overdue advice from partners (one digest per contact).")),
        cast(RunnerDeployment, caseworker_digest_flow.to_deployment(
            name="nightly", schedules=[Cron(digest_cron, timezone=timezone)],
            description="Caseworker and manager deadline digests.")),
    )
