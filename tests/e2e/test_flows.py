"""The nightly flows end to end: the Prefect flow under Prefect's test harness (started once per
test session: it costs several seconds), and ``ehcp flows run`` through the real CLI entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ehcp.chase.advice import ADVICE_CHASE
from ehcp.chase.night import plan_night
from tests.integration.test_chase import EP, PAEDS, build_scenario

REPO = Path(__file__).resolve().parents[2]


def flow_env(scenario, tmp_path: Path) -> dict[str, str]:
    return {"EHCP_DATABASE_URL": scenario.ctx.settings.database_url, "EHCP_OUTBOX": str(scenario.outbox),
            "EHCP_TODAY": "2025-05-28", "EHCP_USER": "nightly", "EHCP_CONFIG": str(tmp_path / "none.toml"),
            "EHCP_NOTIFIER": "outbox"}


def emails(outbox: Path) -> list:
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(outbox.glob("*.eml"))]


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One temporary Prefect server for the whole session (starting one takes ~8-15 s)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        mp.setenv("PREFECT_LOGGING_LEVEL", "WARNING")
        mp.setenv("PREFECT_HOME", str(tmp_path_factory.mktemp("prefect-home")))
        from prefect.testing.utilities import prefect_test_harness

        with prefect_test_harness(server_startup_timeout=120):
            yield


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_prefect_flow_resumes_a_crashed_night_then_sends_nothing_on_rerun(prefect_harness, sqlite_url,
                                                                          make_ctx, tmp_path, monkeypatch):
    import workflows.chase as chase
    from workflows.chase import caseworker_digest_flow, chase_advice_flow

    artifacts = []
    real = chase.create_markdown_artifact

    def recording(**kwargs):  # records the markdown, then creates it for real
        artifacts.append((kwargs["key"], kwargs["markdown"]))
        assert real(**kwargs)

    monkeypatch.setattr(chase, "create_markdown_artifact", recording)

    scenario = build_scenario(sqlite_url, make_ctx, tmp_path)
    for name, value in flow_env(scenario, tmp_path).items():
        monkeypatch.setenv(name, value)
    plan_night(scenario.ctx, ADVICE_CHASE, date(2025, 5, 28))  # ledger written, then the night "crashed"

    first = chase_advice_flow()  # as of EHCP_TODAY
    assert first["summary"]["messages_sent"] == 2 and first["summary"]["reminders_sent"] == 3
    assert sorted(e["To"] for e in emails(scenario.outbox)) == [EP, PAEDS]
    again = chase_advice_flow(as_of=date(2025, 5, 28))
    assert again["summary"]["messages_sent"] == 0 and again["summary"]["queued"] == 0
    assert len(emails(scenario.outbox)) == 2
    assert {status for *_, status, _ in scenario.ledger()} == {"sent"}

    assert [key for key, _ in artifacts] == ["chase-advice", "chase-advice"]  # one per run
    markdown = artifacts[0][1]
    assert "| EP Service | overdue | 0 | 1 | 0 |" in markdown
    assert "@" not in markdown and "EHC-2025" not in markdown and "Alex" not in markdown

    digest = caseworker_digest_flow(as_of=date(2025, 5, 28))
    assert digest["summary"]["messages_sent"] == 2


def run_cli(args: list[str], env: dict[str, str]):
    from cli.main import app

    return CliRunner().invoke(app, args, env=env)


def test_cli_no_prefect_runs_a_night_then_sends_nothing_on_rerun(sqlite_url, make_ctx, tmp_path):
    scenario = build_scenario(sqlite_url, make_ctx, tmp_path)
    env = flow_env(scenario, tmp_path)
    preview = run_cli(["flows", "run", "chase-advice", "--dry-run", "--format", "json"], env)
    assert preview.exit_code == 0, preview.output
    document = json.loads(preview.stdout)
    assert sorted(m["to"] for m in document["messages"]) == [EP, PAEDS]
    assert not scenario.outbox.exists()

    first = run_cli(["flows", "run", "chase-advice", "--no-prefect"], env)
    assert first.exit_code == 0, first.output
    assert "2 message(s) sent (3 reminders, 0 of them retried from an earlier run)" in first.stderr
    assert "EP Service" in first.stdout
    again = run_cli(["flows", "run", "chase-advice", "--no-prefect", "--as-of", "2025-05-28"], env)
    assert again.exit_code == 0 and "0 message(s) sent" in again.stderr
    assert len(emails(scenario.outbox)) == 2

    digest = run_cli(["flows", "run", "caseworker-digest", "--no-prefect", "--format", "json"], env)
    assert json.loads(digest.stdout)["summary"]["messages_sent"] == 2


def test_cli_undeliverable_messages_exit_3_and_stay_pending(sqlite_url, make_ctx, tmp_path):
    import socket

    scenario = build_scenario(sqlite_url, make_ctx, tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**flow_env(scenario, tmp_path), "EHCP_NOTIFIER": "smtp", "EHCP_SMTP_PORT": str(port),
           "EHCP_SMTP_PASSWORD": "hunter2-secret", "EHCP_SMTP_USER": "sen"}
    result = run_cli(["flows", "run", "chase-advice", "--no-prefect"], env)
    assert result.exit_code == 3
    assert "2 message(s) could not be delivered" in result.stderr and "Traceback" not in result.output
    # the reason names host, port and the cause (issue 19), never the password
    assert f"SMTP server localhost:{port}: ConnectionRefusedError" in result.stderr \
        or f"SMTP server 127.0.0.1:{port}: ConnectionRefusedError" in result.stderr, result.stderr
    assert "hunter2-secret" not in result.output
    assert {status for *_, status, _ in scenario.ledger()} == {"pending"}
    # the next night retries them and says so: undelivered mail is never "already chased"
    env = {**env, "EHCP_NOTIFIER": "outbox", "EHCP_TODAY": "2025-05-29"}
    retry = run_cli(["flows", "run", "chase-advice", "--no-prefect"], env)
    assert retry.exit_code == 0, retry.output
    assert "retrying 3 reminder(s) left undelivered by an earlier run" in retry.stderr
    assert "3 of them retried from an earlier run" in retry.stderr
    assert "0 already sent at their rung" in retry.stderr


def test_cli_falls_back_to_the_direct_path_when_prefect_cannot_be_reached(sqlite_url, make_ctx, tmp_path):
    import socket

    scenario = build_scenario(sqlite_url, make_ctx, tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**flow_env(scenario, tmp_path), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    result = run_cli(["flows", "run", "chase-advice"], env)
    assert result.exit_code == 0, result.output
    assert "WARNING: Prefect is not available" in result.stderr and "running the night directly" in result.stderr
    assert "2 message(s) sent (3 reminders" in result.stderr and "Traceback" not in result.output
    assert len(emails(scenario.outbox)) == 2


def test_a_weekend_night_sends_nothing(sqlite_url, make_ctx, tmp_path):
    scenario = build_scenario(sqlite_url, make_ctx, tmp_path)
    env = {**flow_env(scenario, tmp_path), "EHCP_TODAY": "2025-05-31"}
    result = run_cli(["flows", "run", "chase-advice", "--no-prefect"], env)
    assert result.exit_code == 0 and "not a working day (Saturday); nothing sent" in result.stderr
    assert not scenario.outbox.exists()


def test_caseworkers_with_due_deadlines_and_no_address_are_warned_about_loudly(sqlite_url, make_ctx, tmp_path):
    from ehcp.store.models import User

    scenario = build_scenario(sqlite_url, make_ctx, tmp_path)
    with scenario.ctx.uow() as uow:
        uow.session.query(User).filter(User.login == "casey.worker").update({"email": None})
        uow.commit()
    result = run_cli(["flows", "run", "caseworker-digest", "--no-prefect"], flow_env(scenario, tmp_path))
    assert result.exit_code == 3
    assert "WARNING: 1 people with deadlines due have no e-mail address" in result.stderr
    assert "1 caseworkers" in result.stderr


def test_cli_refuses_bad_dates_and_schedules_in_the_clock_change_hour(tmp_path):
    env = {"EHCP_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "EHCP_CONFIG": str(tmp_path / "none.toml")}
    bad = run_cli(["flows", "run", "chase-advice", "--no-prefect", "--as-of", "2025-02-30"], env)
    assert bad.exit_code == 2 and "not a real calendar date" in bad.stderr  # a usage error
    hour = run_cli(["flows", "serve", "--chase-cron", "30 1 * * *"], env)
    assert hour.exit_code == 1 and "01:00 and 01:59" in hour.stderr


def test_case_commands_never_import_prefect():
    code = ("import sys, cli.main; from cli.main import app; "
            "assert 'prefect' not in sys.modules, 'prefect imported'; "
            "import cli.flows; assert 'prefect' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


KILL_SERVER_MID_NIGHT = """
import os, signal, sys
import ehcp.chase.night as night
real = night.deliver_batch
def killing(*args, **kwargs):  # the Prefect server dies as the first batch is delivered
    os.killpg(int(os.environ["KILL_PGID"]), signal.SIGKILL)
    return real(*args, **kwargs)
night.deliver_batch = killing
from cli.main import run
sys.argv = ["ehcp", "flows", "run", "chase-advice"]
run()
"""


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_a_prefect_server_killed_mid_night_still_completes_the_night(sqlite_url, make_ctx, tmp_path):
    import socket

    from workflows.schedule import local_server

    scenario = build_scenario(sqlite_url, make_ctx, tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    home = tmp_path / "prefect-home"
    env = {**os.environ, **flow_env(scenario, tmp_path), "PREFECT_HOME": str(home), "PYTHONPATH": str(REPO),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_CLIENT_MAX_RETRIES": "1"}
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        with local_server(port, home / "server.log") as url:
            # the server runs in its own session: its process group is the one to kill
            pgid = int(next(line.split()[0] for line in subprocess.run(
                ["ps", "-ww", "-eo", "pgid,args"], capture_output=True, text=True, check=True).stdout.splitlines()
                if f"--port {port}" in line and "prefect" in line))
            night = subprocess.run([sys.executable, "-c", KILL_SERVER_MID_NIGHT], cwd=REPO, capture_output=True,
                                   text=True, timeout=300, check=False,
                                   env={**env, "PREFECT_API_URL": url, "KILL_PGID": str(pgid)})
    assert night.returncode == 0, night.stderr[-2000:]
    assert "WARNING: Prefect is not available" in night.stderr
    assert len(emails(scenario.outbox)) == 2  # the night completed, each digest exactly once
    assert {status for *_, status, _ in scenario.ledger()} == {"sent"}


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_a_prefect_night_runs_one_task_per_stage_however_many_batches(prefect_harness, sqlite_url, make_ctx,
                                                                        tmp_path, monkeypatch):
    """Each task run costs API round trips: the flow runs 'plan' and 'deliver' once each, the
    batches (here one recipient each) inside 'deliver' (bench/bench_prefect.py)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import TaskRunSort

    from workflows.chase import chase_advice_flow

    scenario = build_scenario(sqlite_url, make_ctx, tmp_path)
    config = tmp_path / "ehcp.toml"
    config.write_text("[chase]\nbatch_size = 1\n")
    for name, value in {**flow_env(scenario, tmp_path), "EHCP_CONFIG": str(config)}.items():
        monkeypatch.setenv(name, value)
    state = chase_advice_flow(as_of=date(2025, 5, 28), return_state=True)
    assert state.is_completed() and state.result()["summary"]["messages_sent"] == 2
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[state.state_details.flow_run_id])), sort=TaskRunSort.ID_DESC, limit=50)
    assert sorted(run.task_key.rsplit("-", 1)[0].split(".")[-1] for run in runs) == ["deliver", "plan"]
    assert len(emails(scenario.outbox)) == 2
