"""Benchmark: one nightly chase over N synthetic open advice requests, against the raw-SQL floor.

    .venv/bin/python bench/bench_chase.py [--n 100000] [--partners 40] [--no-pg]
    .venv/bin/python bench/bench_chase.py --scale 25000      # the scale issue's generator instead
    .venv/bin/python bench/bench_chase.py --database sqlite:////tmp/ehcp-bench/national-1000000.sqlite3

Synthetic rows are bulk-inserted with SQLAlchemy Core (no services, no event log): N children,
cases and advice requests, each with its advice deadline, due dates spread evenly over 120 days
around the night (about half within reach of the ladder), 5% disapplied, 20% already answered,
plus a final_plan clock per case for the caseworker digest. Timings printed:

  floor         the selection + ledger writes as ONE hand-written INSERT ... SELECT ... ON CONFLICT
                DO NOTHING (rung computed in SQL) and its commit (then deleted) - the least any
                implementation could do
  night floor   that insert, reading every queued row's message content, one UPDATE marking all sent
  lists floor   that insert, reading each queued contact's WHOLE open list (what a digest carries
                since issue 19), and one short UPDATE + COMMIT per message (the per-message
                delivery guarantee) - the least a night with today's digests could do
  plan_night    ehcp's planning step on the first night (then undone)
  whole night   run_night: planning, claiming, one digest per partner contact, "sending" (a null
                notifier) and marking sent - what ``ehcp flows run chase-advice`` does
  rerun         the same night again (the steady state: nothing new is queued or sent)
  next_night    the following night (only the rungs newly reached)
  digest        the caseworker digest (plan + deliver) for the same night

and the peak RSS of the process (resource.getrusage). The working-day calendar's data (the
``holidays`` package, ~0.1 s once per process, like an import) is loaded before the nights are
timed. With ``--scale PLANS`` the data set is the scale issue's realistic case load
(bench/generate.py, seed 1, as of 2025-12-01: about half as many plans again in other stages, ~2.5
advice requests per case) instead of the synthetic rows above. PostgreSQL is used too when
reachable at EHCP_BENCH_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test, as every
bench script), in a scratch schema.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(1, str(Path(__file__).resolve().parent))

import sqlalchemy as sa

import generate
from _common import explain_analyze, pg_available, pg_create_schema, pg_drop_schema, statement_timings
from ehcp.chase.advice import ADVICE_CHASE
from ehcp.chase.config import ChaseConfig
from ehcp.chase.deadlines import DEADLINE_DIGEST
from ehcp.chase.night import plan_night, resting_reason, run_night
from ehcp.config import Settings
from ehcp.services.context import ServiceContext
from ehcp.store import migrate
from ehcp.store.db import engine_for
from ehcp.store.models import AdviceRequest, Case, Child, Deadline, Partner, Reminder, Team, User

AS_OF = date(2025, 6, 4)
EXPLAIN = False
KINDS = ("psychological", "educational", "medical", "social_care")


class NullNotifier:
    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0

    def send(self, message) -> None:
        self.messages += 1
        self.bytes += len(message.body)


def populate(url: str, n: int, partners: int) -> None:
    """Bulk-insert the synthetic data set with Core executemany, in chunks."""
    now = datetime.now(UTC)
    engine = engine_for(url)
    teams, workers = 10, 200
    with engine.begin() as conn:
        conn.execute(sa.insert(Team.__table__), [{"id": t + 1, "name": f"Team {t + 1}"} for t in range(teams)])
        users = [{"id": u + 1, "login": f"cw{u + 1}", "name": f"Caseworker {u + 1}", "email": f"cw{u + 1}@la.example",
                  "role": "caseworker", "team_id": u % teams + 1, "active": True} for u in range(workers)]
        users += [{"id": workers + t + 1, "login": f"mgr{t + 1}", "name": f"Manager {t + 1}",
                   "email": f"mgr{t + 1}@la.example", "role": "manager", "team_id": t + 1, "active": True}
                  for t in range(teams)]
        conn.execute(sa.insert(User.__table__), users)
        conn.execute(sa.insert(Partner.__table__), [
            {"id": p + 1, "name": f"Partner {p + 1}", "email": f"partner{p + 1}@nhs.example",
             "escalation_email": f"lead{p + 1}@nhs.example" if p % 2 else None} for p in range(partners)])
    step = 20_000
    for start in range(0, n, step):
        ids = range(start + 1, min(n, start + step) + 1)
        with engine.begin() as conn:
            conn.execute(sa.insert(Child.__table__), [
                {"id": i, "given_name": f"Given{i}", "family_name": f"Family{i}",
                 "dob": date(2010, 1, 1) + timedelta(days=i % 4000)} for i in ids])
            conn.execute(sa.insert(Case.__table__), [
                {"id": i, "reference": f"EHC-2025-{i:07d}", "child_id": i, "stage": "assessment",
                 "received": date(2025, 3, 1), "source": "parent", "caseworker_id": i % workers + 1,
                 "opened_at": now, "updated_at": now, "updated_by": "bench", "version": 1} for i in ids])
            conn.execute(sa.insert(AdviceRequest.__table__), [
                {"id": i, "case_id": i, "kind": KINDS[i % 4], "partner_id": i % partners + 1,
                 "requested_on": AS_OF - timedelta(days=i % 120 + 2), "received_by_body_on": AS_OF,
                 "channel": "email", "received_on": AS_OF if i % 5 == 0 else None} for i in ids])
            conn.execute(sa.insert(Deadline.__table__), [
                {"case_id": i, "key": f"advice.{KINDS[i % 4]}", "rule": "R-ADVICE-RESPOND",
                 "due": AS_OF + timedelta(days=(i // partners) % 120 - 60), "practical_last_working_day": AS_OF,
                 "state": "disapplied" if i % 20 == 1 else ("met" if i % 5 == 0 else "pending"),
                 "citation": "SEND Regulations 2014 reg 8(1)", "advisory": False, "advice_request_id": i}
                for i in ids])
            conn.execute(sa.insert(Deadline.__table__), [
                {"case_id": i, "key": "final_plan", "rule": "R-FINAL-PLAN", "due": AS_OF + timedelta(days=i % 200 - 20),
                 "practical_last_working_day": AS_OF, "state": "pending", "citation": "reg 13(2)", "advisory": False}
                for i in ids])


FLOOR_SQL = """
INSERT INTO reminders (subject_type, subject_id, rung, as_of, recipient, message_key, status, attempts, created_at)
SELECT 'advice', a.id,
       CASE WHEN d.due <= :esc THEN 'escalation' WHEN d.due <= :over THEN 'overdue'
            WHEN d.due <= :today THEN 'due_today' ELSE 'courtesy' END,
       :as_of,
       CASE WHEN d.due <= :esc THEN COALESCE(p.escalation_email, p.email) ELSE p.email END,
       'floor', 'pending', 0, :now
FROM deadlines d JOIN advice_requests a ON a.id = d.advice_request_id
JOIN partners p ON p.id = a.partner_id JOIN cases c ON c.id = a.case_id
WHERE d.state = 'pending' AND d.due <= :horizon AND a.received_on IS NULL
  AND c.stage NOT IN ('ceased', 'withdrawn', 'not_assessed', 'no_plan') AND p.email IS NOT NULL
ON CONFLICT DO NOTHING
"""


def floor(url: str) -> tuple[float, int]:
    params = {"esc": AS_OF - timedelta(days=8), "over": AS_OF - timedelta(days=1), "today": AS_OF,
              "horizon": AS_OF + timedelta(days=7), "as_of": AS_OF, "now": datetime.now(UTC)}
    with engine_for(url).connect() as conn:
        started = time.perf_counter()
        with conn.begin():
            rows = conn.execute(sa.text(FLOOR_SQL), params).rowcount
        elapsed = time.perf_counter() - started  # committed: written means durable, as for plan_night
        with conn.begin():
            conn.execute(sa.text("DELETE FROM reminders WHERE message_key = 'floor'"))
    return elapsed, rows


NIGHT_SQL = (
    # what any delivery must read to write the messages: each queued row with its request, case,
    # child (initials, date of birth) and partner, grouped by recipient
    """SELECT r.id, r.recipient, r.rung, a.kind, a.requested_on, d.due, c.reference, p.name,
              upper(substr(ch.given_name, 1, 1)), upper(substr(ch.family_name, 1, 1)), ch.dob
       FROM reminders r JOIN advice_requests a ON a.id = r.subject_id JOIN cases c ON c.id = a.case_id
       JOIN children ch ON ch.id = c.child_id JOIN partners p ON p.id = a.partner_id
       JOIN deadlines d ON d.case_id = a.case_id AND d.advice_request_id = a.id
       WHERE r.message_key = 'floor' ORDER BY r.recipient, d.due""",
    # and what it must write once they are sent
    "UPDATE reminders SET status = 'sent', sent_at = :now WHERE message_key = 'floor'",
)


def night_floor(url: str) -> tuple[float, int]:
    """The whole night's floor: the ledger INSERT ... SELECT, reading every queued row's message
    content and marking them sent - three statements, each committed - then undone."""
    params = {"esc": AS_OF - timedelta(days=8), "over": AS_OF - timedelta(days=1), "today": AS_OF,
              "horizon": AS_OF + timedelta(days=7), "as_of": AS_OF, "now": datetime.now(UTC)}
    with engine_for(url).connect() as conn:
        started = time.perf_counter()
        with conn.begin():
            conn.execute(sa.text(FLOOR_SQL), params)
        with conn.begin():
            rows = len(conn.exec_driver_sql(NIGHT_SQL[0]).fetchall())
        with conn.begin():
            conn.execute(sa.text(NIGHT_SQL[1]), params)
        elapsed = time.perf_counter() - started
        with conn.begin():
            conn.execute(sa.text("DELETE FROM reminders WHERE message_key = 'floor'"))
    return elapsed, rows


_LIST_COLUMNS = """a.kind, a.requested_on, d.due, c.reference, p.name, upper(substr(ch.given_name, 1, 1)),
              upper(substr(ch.family_name, 1, 1)), ch.dob
       FROM deadlines d JOIN advice_requests a ON a.id = d.advice_request_id JOIN cases c ON c.id = a.case_id
       JOIN children ch ON ch.id = c.child_id JOIN partners p ON p.id = a.partner_id
       WHERE d.state = 'pending' AND a.received_on IS NULL
         AND c.stage NOT IN ('ceased', 'withdrawn', 'not_assessed', 'no_plan')"""
LISTS_SQL = (
    # what a digest of the contact's WHOLE open list (issue 19) must read: every open request of the
    # partners whose contact (all of them) or escalation contact (the escalated ones) has a queued row
    f"""SELECT p.email, {_LIST_COLUMNS}
         AND p.email IN (SELECT recipient FROM reminders WHERE message_key = 'floor')
       UNION ALL
       SELECT p.escalation_email, {_LIST_COLUMNS} AND d.due <= :esc AND p.escalation_email <> p.email
         AND p.escalation_email IN (SELECT recipient FROM reminders WHERE message_key = 'floor')
       ORDER BY 1, 4""",
    # and each message marked sent in its own transaction (the per-message delivery guarantee),
    # through the partial index of open rows, by recipient
    """UPDATE reminders SET status = 'sent', sent_at = :now
       WHERE subject_type = 'advice' AND recipient = :to AND status IN ('pending', 'sending')
         AND message_key = 'floor'""",
    # the ledger rows written in recipient order, so that a message's rows lie together
    FLOOR_SQL.replace("\nON CONFLICT", "\nORDER BY 5\nON CONFLICT"),
)


def lists_floor(url: str) -> tuple[float, int, int]:
    """The whole night's floor with today's digests: the ledger INSERT ... SELECT (in recipient
    order), reading every queued contact's whole open list, then ONE short UPDATE + COMMIT per
    message - then undone."""
    params = {"esc": AS_OF - timedelta(days=8), "over": AS_OF - timedelta(days=1), "today": AS_OF,
              "horizon": AS_OF + timedelta(days=7), "as_of": AS_OF, "now": datetime.now(UTC)}
    with engine_for(url).connect() as conn:
        started = time.perf_counter()
        with conn.begin():
            conn.execute(sa.text(LISTS_SQL[2]), params)
        with conn.begin():
            rows = conn.execute(sa.text(LISTS_SQL[0]), params).fetchall()
        recipients = sorted({row[0] for row in rows})
        mark = sa.text(LISTS_SQL[1])
        for to in recipients:
            with conn.begin():
                conn.execute(mark, {"now": params["now"], "to": to})
        elapsed = time.perf_counter() - started
        with conn.begin():
            conn.execute(sa.text("DELETE FROM reminders WHERE message_key = 'floor'"))
    return elapsed, len(rows), len(recipients)


def timed(label: str, fn, results: list):
    started = time.perf_counter()
    value = fn()
    elapsed = time.perf_counter() - started
    results.append((label, elapsed, value))
    return value


def bench(url: str, n: int, partners: int, name: str, scale: int | None = None, reuse: bool = False) -> None:
    global AS_OF  # noqa: PLW0603 - the bench's 'today': a generated or reused data set has its own
    started = time.perf_counter()
    migrate.upgrade(url)
    if reuse:  # a data set generated beforehand (ehcp dev generate): start from an empty ledger
        AS_OF = date(2025, 12, 1)
        with engine_for(url).begin() as conn:
            conn.execute(sa.text("DELETE FROM reminders"))
            n = conn.execute(sa.text("SELECT COUNT(*) FROM advice_requests")).scalar()
            partners = conn.execute(sa.text("SELECT COUNT(*) FROM partners")).scalar()
            analysed = conn.execute(sa.text("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
                                    ).scalar() if url.startswith("sqlite") else 1
        if not analysed:
            with engine_for(url).connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        print(f"\n{name}: reusing {url.rsplit('/', 1)[-1]}: {n:,} advice requests ({partners} partners), "
              f"as of {AS_OF}")
        return _measure(url, name)
    if scale:
        AS_OF = date(2025, 12, 1)
        summary = generate.build(url, scale, today=AS_OF, quiet=True)
        n, partners = summary.counts["advice_requests"], summary.partners
    else:
        populate(url, n, partners)
    with engine_for(url).connect() as conn:  # statistics, as a live database would have
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    print(f"\n{name}: {n:,} advice requests ({partners} partners) generated in {time.perf_counter() - started:.1f} s")
    _measure(url, name)


HISTORY = 0  # --history N: ledger rows of earlier nights (sent) present before the measured night


def add_history(url: str, rows: int) -> None:
    """``rows`` reminders already sent on earlier nights, as a ledger holds after months of use
    (subjects beyond the data set's own, so no current request counts as chased)."""
    if not rows:
        return
    started = time.perf_counter()
    stamp = datetime.now(UTC)
    with engine_for(url).begin() as conn:
        top = conn.execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM advice_requests")).scalar()
        for start in range(0, rows, 50_000):
            batch = []
            for i in range(start, min(rows, start + 50_000)):
                night = AS_OF - timedelta(days=1 + i % 365)
                to = f"partner{i % 40 + 1}@nhs.example"
                batch.append({"subject_type": "advice", "subject_id": top + 1 + i, "rung": "overdue",
                              "as_of": night, "recipient": to, "message_key": f"{night.isoformat()}:{to}",
                              "status": "sent", "attempts": 1, "created_at": stamp, "sent_at": stamp,
                              "claimed_by": f"run-{night.isoformat()}", "claimed_at": stamp})
            conn.execute(sa.insert(Reminder.__table__), batch)
    print(f"  (ledger history: {rows:,} reminders sent on earlier nights, added in "
          f"{time.perf_counter() - started:.1f} s)")


def _measure(url: str, name: str) -> None:
    add_history(url, HISTORY)
    ctx = ServiceContext(Settings(database_url=url, user="bench", outbox=Path(tempfile.gettempdir()),
                                  today_override=AS_OF))
    results: list = []
    floor(url)  # once to warm the page cache (a national file is read cold otherwise), then timed
    floor_s, floor_rows = floor(url)
    results.append(("floor (1 INSERT...SELECT + commit)", floor_s, f"{floor_rows:,} ledger rows"))
    night_s, night_rows = night_floor(url)
    results.append(("night floor (insert + read + mark sent)", night_s, f"{night_rows:,} rows read"))
    lists_s, list_rows, messages = lists_floor(url)
    results.append(("lists floor (insert + open lists + 1 mark/msg)", lists_s,
                    f"{list_rows:,} listed rows, {messages} messages"))
    config = ChaseConfig()
    resting_reason(ctx, AS_OF, config)  # loads the calendar's data once per process, like an import: untimed
    plan = timed("plan_night (first night)", lambda: plan_night(ctx, ADVICE_CHASE, AS_OF, config), results)
    results[-1] = (*results[-1][:2], f"{plan.total_queued:,} queued of {plan.examined:,} examined")
    with engine_for(url).begin() as conn:  # undo it: the whole night below plans it again, once
        conn.execute(sa.text("DELETE FROM reminders WHERE subject_type = 'advice' AND as_of = :night"),
                     {"night": AS_OF})
    notifier = NullNotifier()
    night = timed("whole first night (run_night)", lambda: run_night(ctx, ADVICE_CHASE, AS_OF, config=config,
                                                                    notifier=notifier), results)
    results[-1] = (*results[-1][:2], (f"{night.summary()['messages_sent']} digests, "
                                      f"{night.summary()['reminders_sent']:,} reminders, "
                                      f"{notifier.bytes / 1e6:.1f} MB of text"))
    again = timed("rerun same night (run_night)", lambda: run_night(ctx, ADVICE_CHASE, AS_OF, config=config,
                                                                    notifier=NullNotifier()), results)
    results[-1] = (*results[-1][:2], f"{again.summary()['messages_sent']} sent")
    nxt = timed("next night (run_night)", lambda: run_night(ctx, ADVICE_CHASE, AS_OF + timedelta(days=1),
                                                            config=config, notifier=NullNotifier()), results)
    results[-1] = (*results[-1][:2], f"{nxt.plan.total_queued:,} new rungs, {nxt.summary()['messages_sent']} digests")
    digest = timed("caseworker digest (run_night)", lambda: run_night(ctx, DEADLINE_DIGEST, AS_OF, config=config,
                                                                      notifier=NullNotifier()), results)
    results[-1] = (*results[-1][:2], f"{digest.summary()['messages_sent']} digests")
    for label, seconds, note in results:
        print(f"  {label:<42} {seconds * 1000:9.0f} ms   {note}")
    by_label = {label: seconds for label, seconds, _ in results}
    plan_s = by_label["plan_night (first night)"]
    whole = by_label["whole first night (run_night)"]
    print(f"  plan_night / floor: {plan_s / floor_s:.1f}x;  whole first night (plan + deliver) "
          f"{whole:.2f} s / night floor: {whole / night_s:.1f}x;  / lists floor: {whole / lists_s:.1f}x")
    with engine_for(url).connect() as conn:
        print(f"  ledger rows: {conn.scalar(sa.select(sa.func.count()).select_from(Reminder.__table__)):,}")
    if EXPLAIN and url.startswith("postgresql"):
        explain_night(url, ctx, config)


def explain_night(url: str, ctx: ServiceContext, config: ChaseConfig) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of a first night (every statement timed
    as psycopg runs it), re-run on an empty ledger in a transaction that is rolled back."""
    def empty_ledger() -> None:
        with engine_for(url).begin() as conn:
            conn.execute(sa.text("DELETE FROM reminders WHERE subject_type = 'advice'"))

    empty_ledger()
    with statement_timings(lambda query: query.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "UPDATE"))
                           ) as timings:
        run_night(ctx, ADVICE_CHASE, AS_OF, config=config, notifier=NullNotifier())
    empty_ledger()
    query, (runs, params) = max(timings.items(), key=lambda item: max(item[1][0]))
    plan = explain_analyze(url, query, params)
    print(f"\n-- slowest statement of the first night ({max(runs) * 1000:.0f} ms):")
    print(" ".join(query.split()))
    print(f"-- params: {params}")
    print("\n".join(plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--partners", type=int, default=40)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--scale", type=int, metavar="PLANS", help="use bench/generate.py with this many plans")
    parser.add_argument("--database", metavar="URL", help="measure a database generated beforehand with "
                        "'ehcp dev generate ... --today 2025-12-01' (its reminders are deleted first)")
    parser.add_argument("--history", type=int, default=0, metavar="N",
                        help="first add N reminders sent on earlier nights (a ledger after months of use)")
    parser.add_argument("--explain", action="store_true",
                        help="PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) of the first night's slowest statement")
    args = parser.parse_args()
    global HISTORY, EXPLAIN  # set once from the options, read by _measure
    HISTORY, EXPLAIN = args.history, args.explain
    if args.database:
        bench(args.database, 0, 0, args.database.split(":")[0], reuse=True)
        print(f"\npeak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        return
    with tempfile.TemporaryDirectory() as tmp:
        bench(f"sqlite:///{tmp}/bench.sqlite3", args.n, args.partners, "SQLite", args.scale)
        engine_for(f"sqlite:///{tmp}/bench.sqlite3").dispose()
    if not args.no_pg:
        bench_pg(args.n, args.partners, args.scale)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\npeak RSS: {peak_kb / 1024:.0f} MB")


def bench_pg(n: int, partners: int, scale: int | None = None) -> None:
    if not pg_available():
        print("\nPostgreSQL not reachable: skipped")
        return
    schema = f"bench_chase_{uuid.uuid4().hex[:8]}"
    url = pg_create_schema(schema)
    try:
        bench(url, n, partners, "PostgreSQL", scale)
    finally:
        engine_for(url).dispose()
        pg_drop_schema(schema)


if __name__ == "__main__":
    main()
