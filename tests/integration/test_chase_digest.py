"""The caseworker digest on both databases: each caseworker's own deadlines due within 7 days and
overdue, their manager the team's overdue list; one message per person per day, however often run.

Scenario as in test_chase (as of 2025-05-28): EHC-2025-00001 advice.psychological overdue (due 26
May); EHC-2025-00002 advice.psychological and advice.medical due today; EHC-2025-00003's medical
advice clock is disapplied; the other clocks are weeks away.
"""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest

from ehcp.chase.deadlines import DEADLINE_DIGEST
from ehcp.chase.night import run_night
from ehcp.notify.outbox import OutboxNotifier
from tests.integration.test_chase import MANAGER, build_scenario

CASEWORKER = "casey@la.example"


@pytest.fixture
def scenario(db_url, make_ctx, tmp_path):
    return build_scenario(db_url, make_ctx, tmp_path)


def digest(scenario, as_of: date):
    return run_night(scenario.ctx, DEADLINE_DIGEST, as_of, notifier=OutboxNotifier(scenario.outbox))


def emails(scenario) -> list:
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(scenario.outbox.glob("*.eml"))]


def test_caseworker_gets_own_deadlines_and_manager_the_teams_overdue(scenario):
    result = digest(scenario, date(2025, 5, 28))
    assert result.summary()["messages_sent"] == 2
    by_to = {e["To"]: e for e in emails(scenario)}
    assert set(by_to) == {CASEWORKER, MANAGER}
    mine = by_to[CASEWORKER].get_content()
    assert by_to[CASEWORKER]["Subject"] == "EHC deadlines: 1 overdue, 2 due soon"
    overdue, soon = mine.split("Your deadlines due in the next 7 days")
    assert "EHC-2025-00001" in overdue and "advice.psychological" in overdue and "overdue 2 days" in overdue
    assert soon.count("EHC-2025-00002") == 2 and "no_plan_notice" not in mine
    assert "EHC-2025-00003" not in mine  # its only near clock is disapplied
    team = by_to[MANAGER].get_content()
    assert "Your team's overdue deadlines (1)" in team and "casey.worker" in team
    assert "EHC-2025-00002" not in team
    for private in ("Alex", "Example", "Sam Sample", "parents separated"):
        assert private not in mine + team


def test_digest_is_sent_once_a_day_however_often_it_runs(scenario):
    digest(scenario, date(2025, 5, 28))
    again = digest(scenario, date(2025, 5, 28))
    assert again.summary()["messages_sent"] == 0 and again.plan.total_queued == 0
    next_day = digest(scenario, date(2025, 5, 29))
    assert next_day.summary()["messages_sent"] == 2
    assert len(emails(scenario)) == 4


def test_a_manager_with_own_cases_gets_one_combined_message(scenario):
    from ehcp.services.cases import assign_case

    assign_case(scenario.ctx, scenario.refs[1], "morgan.manager")
    digest(scenario, date(2025, 5, 28))
    to_manager = [e for e in emails(scenario) if e["To"] == MANAGER]
    assert len(to_manager) == 1
    body = to_manager[0].get_content()
    assert "Your deadlines due in the next 7 days (2)" in body
    assert "Your team's overdue deadlines (1)" in body


def test_digest_dry_run_writes_nothing(scenario):
    result = run_night(scenario.ctx, DEADLINE_DIGEST, date(2025, 5, 28), dry_run=True)
    assert sorted(d.message.to for d in result.previews) == [CASEWORKER, MANAGER]
    assert not scenario.outbox.exists() and scenario.ledger() == []


def test_a_passed_16_week_date_is_a_milestone_not_an_overdue_item_in_the_digest(scenario):
    """reg 10(1): the no-plan notice binds only once the LA decides not to issue a plan; while the
    case heads for a plan its passed 16-week date is a milestone (issue 16), listed in no digest."""
    import sqlalchemy as sa

    from ehcp.store.db import engine_for

    with engine_for(scenario.ctx.settings.database_url).connect() as conn:
        reference, due = conn.execute(sa.text(
            "SELECT c.reference, d.due FROM deadlines d JOIN cases c ON c.id = d.case_id "
            "WHERE d.key = 'no_plan_notice' AND d.state = 'pending' ORDER BY d.due, c.reference")).first()
    digest(scenario, date.fromisoformat(str(due)[:10]) + timedelta(days=1))
    lines = "".join(e.get_content() for e in emails(scenario)).splitlines()
    assert lines and not [line for line in lines if reference in line and "no_plan_notice" in line]
