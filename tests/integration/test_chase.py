"""Chasing advice on both databases: the right rung to the right contact, one digest per contact,
never twice (re-runs, crashes, two workers), disapplied clocks never chased, minimal child data.

The scenario (built with the case services):
  EHC-2025-00001 Alex Example   psychological <- EP Service  due 2025-05-26
  EHC-2025-00002 Sam Sample     psychological <- EP Service  due 2025-05-28
                                medical       <- Paediatrics due 2025-05-28
  EHC-2025-00003 Jo Jones       medical       <- Paediatrics due 2025-05-26, disapplied (reg 8(2))
Ladder: courtesy due-7, due_today, overdue due+1, escalation due+8 (to ep.lead@, cc the manager).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ehcp.chase.advice import ADVICE_CHASE
from ehcp.chase.claim import pending_messages
from ehcp.chase.config import ChaseConfig
from ehcp.chase.night import plan_night, run_night
from ehcp.notify.outbox import OutboxNotifier
from ehcp.store.models import AuditRecord, Reminder

EP, EP_LEAD, PAEDS, MANAGER = "ep@nhs.example", "ep.lead@nhs.example", "paeds@nhs.example", "morgan@la.example"


@dataclass
class Scenario:
    ctx: object
    outbox: Path
    refs: list[str]
    config: ChaseConfig = field(default_factory=ChaseConfig)

    def run(self, as_of: date, **kwargs):
        kwargs.setdefault("notifier", OutboxNotifier(self.outbox))
        return run_night(self.ctx, ADVICE_CHASE, as_of, config=kwargs.pop("config", self.config), **kwargs)

    def emails(self) -> list:
        return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(self.outbox.glob("*.eml"))]

    def ledger(self) -> list[tuple]:
        with self.ctx.uow(write=False) as uow:
            rows = uow.session.execute(select(Reminder.subject_id, Reminder.rung, Reminder.recipient,
                                              Reminder.status, Reminder.attempts).order_by(Reminder.id))
            return [tuple(r) for r in rows]


def build_scenario(db_url: str, make_ctx, tmp_path: Path) -> Scenario:
    from ehcp.services.advice import request_advice
    from ehcp.services.cases import ChildDetails, add_note, advance_case, open_case, record_exception
    from ehcp.services.partners import add_partner
    from ehcp.services.users import add_user

    ctx = make_ctx(db_url, today="2025-12-01")
    with ctx.uow() as uow:
        add_user(uow, actor="setup", login="casey.worker", name="Casey Worker", role="caseworker",
                 team="North", email="casey@la.example")
        add_user(uow, actor="setup", login="morgan.manager", name="Morgan Manager", role="manager",
                 team="North", email=MANAGER)
        uow.commit()
    add_partner(ctx, "EP Service", email=EP, escalation_email=EP_LEAD, contact_name="Dr Pat Partner")
    add_partner(ctx, "Paediatrics", email=PAEDS)
    children = [ChildDetails("Alex", "Example", date(2016, 5, 4)), ChildDetails("Sam", "Sample", date(2015, 1, 1)),
                ChildDetails("Jo", "Jones", date(2014, 2, 2))]
    refs = [open_case(ctx, child, received=date(2025, 3, 3 + i)).reference for i, child in enumerate(children)]
    for ref in refs:
        advance_case(ctx, ref, to="assessment", on=date(2025, 4, 10))
    request_advice(ctx, refs[0], kind="psychological", partner="EP Service", on=date(2025, 4, 14))
    request_advice(ctx, refs[1], kind="psychological", partner="EP Service", on=date(2025, 4, 16))
    request_advice(ctx, refs[1], kind="medical", partner="Paediatrics", on=date(2025, 4, 16))
    request_advice(ctx, refs[2], kind="medical", partner="Paediatrics", on=date(2025, 4, 14))
    record_exception(ctx, refs[2], reason="missed_appointment", start=date(2025, 4, 20), advice_kind="medical")
    add_note(ctx, refs[0], "Private: Alex's parents separated; call mum first")
    return Scenario(ctx, tmp_path / "outbox", refs)


@pytest.fixture
def scenario(db_url, make_ctx, tmp_path) -> Scenario:
    return build_scenario(db_url, make_ctx, tmp_path)


def test_night_sends_the_right_rungs_to_the_right_contacts(scenario):
    result = scenario.run(date(2025, 5, 28))
    assert sorted(scenario.ledger()) == [
        (1, "overdue", EP, "sent", 1),     # due 26 May: overdue from the 27th
        (2, "due_today", EP, "sent", 1),
        (3, "due_today", PAEDS, "sent", 1),
    ]
    emails = {e["To"]: e for e in scenario.emails()}
    assert set(emails) == {EP, PAEDS}
    assert "Cc" not in emails[EP]
    assert emails[EP]["Subject"] == "EHC needs assessment advice: 2 requests outstanding, 1 overdue"
    assert result.summary()["messages_sent"] == 2
    assert {(r["group"], r["rung"]): r["sent"] for r in result.rows()} == {
        ("EP Service", "due_today"): 1, ("EP Service", "overdue"): 1, ("Paediatrics", "due_today"): 1}

    scenario.run(date(2025, 6, 4))
    escalation = {e["To"]: e for e in scenario.emails() if "4 June 2025" in e.get_content()}
    assert set(escalation) == {EP_LEAD, EP, PAEDS}
    assert escalation[EP_LEAD]["Subject"].startswith("ESCALATION:")
    # the escalation copies the front-line contact, the caseworker and (at this rung) the manager
    assert escalation[EP_LEAD]["Cc"] == f"casey@la.example, {EP}, {MANAGER}"
    assert "EHC-2025-00001" in escalation[EP_LEAD].get_content()
    assert "EHC-2025-00002" not in escalation[EP_LEAD].get_content()  # not escalated: not the lead's
    # the front-line digest is the whole open list: the escalated request stays in it
    front = escalation[EP].get_content()
    assert "Escalated (1)" in front and "EHC-2025-00001" in front and "Overdue (1)" in front


def test_digest_groups_a_partners_requests_into_one_message(scenario):
    scenario.run(date(2025, 5, 28))
    ep = [e for e in scenario.emails() if e["To"] == EP]
    assert len(ep) == 1
    body = ep[0].get_content()
    assert "EHC-2025-00001" in body and "EHC-2025-00002" in body
    assert "Dear Dr Pat Partner" in body
    assert body.index("Overdue (1)") < body.index("Due within 5 working days (1)")
    assert "overdue 2 days" in body and "due today" in body and "2025-04-14" in body


def test_message_names_reference_initials_and_dob_never_the_childs_name_or_notes(scenario):
    scenario.run(date(2025, 5, 28))
    raw = b"".join(p.read_bytes() for p in scenario.outbox.glob("*.eml")).decode()
    assert "EHC-2025-00001" in raw and "A.E." in raw and "2016-05-04" in raw
    for private in ("Alex", "Example", "Sam", "Sample", "parents separated", "Jo Jones"):
        assert private not in raw


def test_child_fields_are_configurable(scenario):
    scenario.run(date(2025, 5, 28), config=ChaseConfig(child_fields=("initials",)))
    body = next(e for e in scenario.emails() if e["To"] == EP).get_content()
    assert "A.E." in body and "2016-05-04" not in body
    with pytest.raises(ValueError, match="never sent"):
        ChaseConfig(child_fields=("initials", "name"))


def test_running_the_same_night_again_sends_nothing_new(scenario):
    scenario.run(date(2025, 5, 28))
    before = {p.name: p.read_bytes() for p in scenario.outbox.glob("*.eml")}
    again = scenario.run(date(2025, 5, 28))
    assert again.summary()["messages_sent"] == 0 and again.plan.total_queued == 0
    assert {p.name: p.read_bytes() for p in scenario.outbox.glob("*.eml")} == before
    assert all(attempts == 1 for *_, attempts in scenario.ledger())


def test_advancing_a_day_sends_only_the_next_rungs(scenario):
    scenario.run(date(2025, 5, 28))
    ledger_before = set(scenario.ledger())
    result = scenario.run(date(2025, 5, 29))
    new = set(scenario.ledger()) - ledger_before
    assert sorted(new) == [(2, "overdue", EP, "sent", 1), (3, "overdue", PAEDS, "sent", 1)]
    assert result.plan.unchanged == 1  # request 1 is still 'overdue': nothing new for it
    ep_today = [e for e in scenario.emails() if e["To"] == EP and "29 May 2025" in e.get_content()]
    assert len(ep_today) == 1
    # the whole open list, not just tonight's rungs: request 1 stays in view while it is late
    assert "Overdue (2)" in ep_today[0].get_content() and "EHC-2025-00001" in ep_today[0].get_content()
    assert ep_today[0]["Subject"] == "EHC needs assessment advice: 2 requests outstanding, 2 overdue"


def test_a_skipped_night_sends_the_highest_rung_reached_and_no_lower_one(scenario):
    scenario.run(date(2025, 6, 4))  # first run ever: courtesy, due today and overdue were never sent
    assert sorted(scenario.ledger()) == [
        (1, "escalation", EP_LEAD, "sent", 1), (2, "overdue", EP, "sent", 1), (3, "overdue", PAEDS, "sent", 1)]
    scenario.run(date(2025, 6, 3))  # replaying an earlier night never sends a lower rung afterwards
    assert len(scenario.ledger()) == 3


def test_interrupted_after_ledger_write_delivers_exactly_once_on_the_next_run(scenario):
    plan = plan_night(scenario.ctx, ADVICE_CHASE, date(2025, 5, 28))  # ... and the process dies before delivery
    assert plan.total_queued == 3
    assert {status for *_, status, _ in scenario.ledger()} == {"pending"}
    assert not scenario.outbox.exists()
    resumed = scenario.run(date(2025, 5, 28))
    assert resumed.plan.total_queued == 0 and resumed.summary()["reminders_sent"] == 3
    scenario.run(date(2025, 5, 28))
    assert len(scenario.emails()) == 2
    assert {(status, attempts) for *_, status, attempts in scenario.ledger()} == {("sent", 1)}


def test_rows_claimed_by_a_crashed_worker_are_delivered_once_after_the_lease(scenario):
    plan_night(scenario.ctx, ADVICE_CHASE, date(2025, 5, 28))
    claimed = pending_messages(scenario.ctx, ADVICE_CHASE, as_of=date(2025, 5, 28))  # claimed, then the worker dies
    assert len(claimed) == 2
    assert scenario.run(date(2025, 5, 28)).summary()["messages_sent"] == 0  # the claim is still live
    lapsed = replace(scenario.config, lease_minutes=0)
    assert scenario.run(date(2025, 5, 28), config=lapsed).summary()["reminders_sent"] == 3
    assert scenario.run(date(2025, 5, 28), config=lapsed).summary()["messages_sent"] == 0
    assert len(scenario.emails()) == 2


def test_disapplied_and_received_advice_is_never_chased(scenario):
    from ehcp.services.advice import receive_advice

    receive_advice(scenario.ctx, scenario.refs[1], kind="medical", on=date(2025, 5, 20))
    scenario.run(date(2025, 6, 4))
    subjects = {subject_id for subject_id, *_ in scenario.ledger()}
    assert subjects == {1, 2}  # request 3 answered, request 4 disapplied (reg 8(2))
    raw = b"".join(p.read_bytes() for p in scenario.outbox.glob("*.eml")).decode()
    assert "EHC-2025-00003" not in raw
    assert PAEDS not in {e["To"] for e in scenario.emails()}


def test_an_advice_request_cancelled_as_made_in_error_is_never_chased(scenario):
    from ehcp.services.advice import cancel_advice
    from ehcp.services.advice_views import list_advice

    cancel_advice(scenario.ctx, scenario.refs[0], kind="psychological", reason="requested in error",
                  on=date(2025, 5, 20))
    scenario.run(date(2025, 6, 4))
    subjects = {subject_id for subject_id, *_ in scenario.ledger()}
    assert 1 not in subjects and subjects  # request 1 cancelled; the others still chased
    listed = {row["reference"]: row for row in list_advice(scenario.ctx.settings, reference=scenario.refs[0])}
    assert listed[scenario.refs[0]]["status"] == "cancelled"
    assert list_advice(scenario.ctx.settings, reference=scenario.refs[0], outstanding=True) == []


def test_dry_run_shows_messages_and_writes_nothing(scenario):
    with scenario.ctx.uow(write=False) as uow:
        audits = uow.session.scalar(select(func.count(AuditRecord.id)))
    result = scenario.run(date(2025, 5, 28), dry_run=True)
    assert sorted(d.message.to for d in result.previews) == [EP, PAEDS]
    assert result.summary()["messages_would_send"] == 2
    assert scenario.ledger() == [] and not scenario.outbox.exists()
    with scenario.ctx.uow(write=False) as uow:
        assert uow.session.scalar(select(func.count(AuditRecord.id))) == audits


class FlakyNotifier:
    def __init__(self, outbox: Path, fail_for: set[str]) -> None:
        self.inner, self.fail_for = OutboxNotifier(outbox), fail_for

    def send(self, message) -> None:
        if message.to in self.fail_for:
            raise ConnectionError("mail relay unavailable")
        self.inner.send(message)


def test_failed_delivery_stays_pending_is_reported_and_goes_next_run(scenario):
    result = scenario.run(date(2025, 5, 28), notifier=FlakyNotifier(scenario.outbox, {PAEDS}))
    summary = result.summary()
    assert (summary["messages_sent"], summary["messages_failed"]) == (1, 1)
    assert summary["errors"] == {"ConnectionError": 1}
    assert ("Paediatrics", "due_today") in result.delivery.failed
    assert (3, "due_today", PAEDS, "pending", 1) in scenario.ledger()
    retry = scenario.run(date(2025, 5, 29))  # next night: yesterday's and tonight's rung in one digest
    paeds = [e for e in scenario.emails() if e["To"] == PAEDS]
    assert len(paeds) == 1 and retry.summary()["messages_failed"] == 0
    assert {(s, r) for s, r, to, status, _ in scenario.ledger() if to == PAEDS and status == "sent"} == {
        (3, "due_today"), (3, "overdue")}


class SlowCountingNotifier:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def send(self, message) -> None:
        time.sleep(0.05)
        with self.lock:
            self.sent.append(message.to)


def test_two_workers_at_once_send_each_reminder_once(scenario):
    notifier, errors = SlowCountingNotifier(), []

    def worker() -> None:
        try:
            scenario.run(date(2025, 5, 28), notifier=notifier, config=replace(scenario.config, batch_size=1))
        except Exception as exc:  # noqa: BLE001 - collected, and asserted empty after the join
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(notifier.sent) == [EP, PAEDS]
    assert sorted(scenario.ledger()) == [(1, "overdue", EP, "sent", 1), (2, "due_today", EP, "sent", 1),
                                         (3, "due_today", PAEDS, "sent", 1)]


def test_runs_are_audited_with_counts_only(scenario):
    from ehcp.store import audit

    scenario.run(date(2025, 5, 28))
    with scenario.ctx.uow(write=False) as uow:
        records = uow.session.execute(select(AuditRecord.action, AuditRecord.detail)
                                      .where(AuditRecord.action.in_(("chase_planned", "reminders_claimed",
                                                                     "reminders_sent")))).all()
        assert audit.verify(uow.session).ok
    actions = [a for a, _ in records]
    assert actions.count("chase_planned") == 1 and "reminders_sent" in actions
    planned = next(d for a, d in records if a == "chase_planned")
    assert planned["queued"] == 3 and planned["by_rung"] == {"due_today": 2, "overdue": 1}
    text = str([d for _, d in records])
    assert "@" not in text and "EHC-2025" not in text and "Alex" not in text


def test_a_contact_address_too_long_for_a_plain_message_key_is_still_chased_once(db_url, make_ctx, tmp_path):
    """The set-based planner writes '<date>:<recipient>' keys in SQL; an address that would overflow the
    key column goes through the hashing path instead - chased once, keyed like every other row."""
    from ehcp.store.ledger import KEY_LENGTH, ledger_key
    from ehcp.store.models import Partner

    scenario = build_scenario(db_url, make_ctx, tmp_path)
    long_address = "p" * 190 + "@nhs.example"
    assert len(f"2025-05-28:{long_address}") > KEY_LENGTH
    with scenario.ctx.uow() as uow:
        uow.session.scalars(select(Partner).where(Partner.name == "Paediatrics")).one().email = long_address
        uow.commit()
    for _ in range(2):
        scenario.run(date(2025, 5, 28))
    assert sorted(scenario.ledger()) == [
        (1, "overdue", EP, "sent", 1), (2, "due_today", EP, "sent", 1), (3, "due_today", long_address, "sent", 1)]
    with scenario.ctx.uow(write=False) as uow:
        keys = set(uow.session.scalars(select(Reminder.message_key)))
    assert keys == {f"2025-05-28:{EP}", ledger_key(long_address, date(2025, 5, 28))}
    assert [e["To"] for e in scenario.emails()].count(long_address) == 1


def test_digest_dates_are_iso_whatever_the_servers_date_style(scenario):
    """The digest query reads dates as text; PostgreSQL's CAST would follow DateStyle ('26/05/2025')."""
    from sqlalchemy import text

    from ehcp.store.ledger import iso_text
    from ehcp.store.models import Deadline

    with scenario.ctx.uow(write=False) as uow:
        if uow.session.get_bind().dialect.name == "postgresql":
            uow.session.execute(text("SET LOCAL DateStyle = 'SQL, DMY'"))
        dues = set(uow.session.scalars(select(iso_text(Deadline.due, "due"))))
    assert "2025-05-26" in dues and all(len(d) == 10 and d[4] == "-" for d in dues)


def test_claiming_reads_only_the_open_reminders_through_their_partial_index(sqlite_url):
    """The ledger keeps every reminder ever sent; claiming and listing tonight's must not read them all.
    SQLite uses ix_reminders_open only if the query repeats the index's WHERE verbatim."""
    from sqlalchemy import and_, update
    from sqlalchemy.dialects import sqlite

    from ehcp.store.db import engine_for
    from ehcp.store.ledger import ADVICE, LEDGER, claimable

    claim = (update(LEDGER).where(and_(claimable((ADVICE,), "token", 30), LEDGER.c.recipient.in_(["a@nhs.example"])))
             .values(status="sending", claimed_by="token"))
    listing = select(LEDGER.c.recipient).where(claimable((ADVICE,), "", 30)).group_by(LEDGER.c.recipient)
    with engine_for(sqlite_url).connect() as conn:
        for query in (claim, listing):
            sql = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
            plan = " ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "USING INDEX ix_reminders_open" in plan, plan


class _DiesOnSecondMessage:
    """A process killed between two messages: the first was accepted by the transport."""

    def __init__(self, outbox: Path) -> None:
        self.inner, self.sent = OutboxNotifier(outbox), 0

    def send(self, message) -> None:
        if self.sent:
            raise KeyboardInterrupt  # not an Exception: nothing after it in the batch runs
        self.inner.send(message)
        self.sent += 1


def test_each_message_is_recorded_sent_as_soon_as_the_transport_accepts_it(scenario):
    from ehcp.chase.deliver import run_report
    from ehcp.chase.night import deliver_batch

    plan_night(scenario.ctx, ADVICE_CHASE, date(2025, 5, 28))
    with pytest.raises(KeyboardInterrupt):
        deliver_batch(scenario.ctx, ADVICE_CHASE, [EP, PAEDS], date(2025, 5, 28), "dying-worker",
                      _DiesOnSecondMessage(scenario.outbox), scenario.config)
    statuses = {(to, status) for _, _, to, status, _ in scenario.ledger()}
    assert statuses == {(EP, "sent"), (PAEDS, "sending")}  # not all-or-nothing per batch
    report = run_report(scenario.ctx, "dying-worker", date(2025, 5, 28))
    assert (report.messages_sent, report.messages_interrupted) == (1, 1)  # the CLI exits 3 on it
    scenario.run(date(2025, 5, 28), config=replace(scenario.config, lease_minutes=0))
    assert sorted(e["To"] for e in scenario.emails()) == [EP, PAEDS]  # each exactly once


def test_a_deactivated_partner_is_no_longer_chased_but_its_requests_stay_listed(scenario):
    from ehcp.services.partners import set_partner_active

    set_partner_active(scenario.ctx, "EP Service", active=False, reason="service recommissioned")
    scenario.run(date(2025, 5, 28))
    assert sorted(scenario.ledger()) == [(3, "due_today", PAEDS, "sent", 1)]  # EP Service's two: not chased
    with scenario.ctx.uow(write=False) as uow:
        case_id = uow.cases.get(scenario.refs[0]).id
        assert [kind for kind, _, _ in uow.advice.outstanding(case_id)] == ["psychological"]
