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
    assert "2 message(s) sent (3 reminders)" in first.stderr
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
    assert "hunter2-secret" not in result.output
    assert {status for *_, status, _ in scenario.ledger()} == {"pending"}


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
