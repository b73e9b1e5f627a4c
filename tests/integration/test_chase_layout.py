"""What keeps a night with tens of thousands of reminders cheap, on both databases (the figures are
in docs/performance.md, measured by bench/bench_chase.py; no timings are asserted here):

* a night's ledger rows are written in recipient order, so the rows one message marks sent (its own
  short transaction) lie together instead of on every page of the table;
* the planner's rung CASE leaves out the rungs no pending clock can reach (a repeating top rung
  expands the default ladder to some thirty rungs).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ehcp.chase.advice import ADVICE_CHASE
from ehcp.chase.config import ChaseConfig, expand_ladder, rung_thresholds
from ehcp.chase.night import run_night
from ehcp.notify.outbox import OutboxNotifier
from ehcp.store.ledger import Ledger
from ehcp.store.models import Reminder
from tests.integration.test_chase import EP, PAEDS, build_scenario

NIGHT = date(2025, 5, 28)


def interleaved_scenario(db_url, make_ctx, tmp_path):
    """The chase scenario plus two requests due 2025-05-26, one to each partner, so that in due-date
    order the contacts alternate: EP, Paediatrics, EP, then EP, Paediatrics."""
    from ehcp.services.advice import request_advice

    scenario = build_scenario(db_url, make_ctx, tmp_path)
    request_advice(scenario.ctx, scenario.refs[0], kind="medical", partner="Paediatrics", on=date(2025, 4, 14))
    request_advice(scenario.ctx, scenario.refs[2], kind="psychological", partner="EP Service", on=date(2025, 4, 14))
    return scenario


def test_a_nights_ledger_rows_lie_together_by_recipient(db_url, make_ctx, tmp_path):
    scenario = interleaved_scenario(db_url, make_ctx, tmp_path)
    result = run_night(scenario.ctx, ADVICE_CHASE, NIGHT, notifier=OutboxNotifier(scenario.outbox))
    assert result.delivery.messages_sent == 2
    with scenario.ctx.uow(write=False) as uow:
        # the rung rows of the one planning INSERT (a contact's cadence row is written after them)
        rows = uow.session.execute(select(Reminder.id, Reminder.recipient).where(
            Reminder.as_of == NIGHT, Reminder.rung.not_like("weekly-%")).order_by(Reminder.id)).all()
    recipients = [to for _, to in rows]
    assert sorted(set(recipients)) == [EP, PAEDS] and len(recipients) >= 5
    # each recipient's rows are one run of consecutive ids: EP's digest marks one stretch of the table
    assert [to for i, to in enumerate(recipients) if i == 0 or recipients[i - 1] != to] == sorted(set(recipients))
    ids = {to: [i for i, t in rows if t == to] for to in set(recipients)}
    assert all(max(found) - min(found) + 1 == len(found) for found in ids.values())


def test_the_planner_leaves_out_rungs_no_pending_clock_can_reach(db_url, make_ctx, tmp_path):
    scenario = build_scenario(db_url, make_ctx, tmp_path)
    thresholds = rung_thresholds(expand_ladder(ChaseConfig().ladder), NIGHT)
    assert len(thresholds) > 20  # escalation, escalation#2, ... for a year
    with scenario.ctx.uow(write=False) as uow:
        reachable = Ledger(uow.session).reachable(thresholds)
    # the earliest pending advice clock is due 2025-05-26: two days late reaches 'overdue' at most
    assert [rung.name for _, rung, _ in reachable] == ["overdue", "due_today", "courtesy"]
    # and the night queues exactly what the whole ladder would: the highest rung each request reached
    run_night(scenario.ctx, ADVICE_CHASE, NIGHT, notifier=OutboxNotifier(scenario.outbox))
    assert sorted((sid, rung) for sid, rung, *_ in scenario.ledger() if not rung.startswith("weekly-")) == [
        (1, "overdue"), (2, "due_today"), (3, "due_today")]


def test_with_no_pending_advice_only_the_first_rung_is_kept(sqlite_url, make_ctx, tmp_path):
    ctx = make_ctx(sqlite_url)
    thresholds = rung_thresholds(expand_ladder(ChaseConfig().ladder), NIGHT)
    with ctx.uow(write=False) as uow:
        assert [rung.name for _, rung, _ in Ledger(uow.session).reachable(thresholds)] == ["courtesy"]


