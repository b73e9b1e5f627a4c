"""Benchmark: ``report overdue`` (the service function) against the equivalent hand-written SQL, run in
the same process, on SQLite and on PostgreSQL. A script, not a test. Budget: service <= 2x raw SQL.

    .venv/bin/python bench/bench_reports.py --cases 200000            # both databases
    .venv/bin/python bench/bench_reports.py --cases 1000000 --only sqlite

It builds (once; later runs reuse it) a deterministic synthetic data set with SQLAlchemy Core bulk
inserts: cases in every stage with the national mix (sen2.md sections 4-5: about 46% of plans within
20 weeks, 47% 20-52 weeks, 7% over a year, 6% exceptions), their derived deadlines (pending, met, missed,
disapplied; advisory school consultations), advice requests to partners with each partner's own
latency, and the key case events. SQLite lives in --sqlite-dir, PostgreSQL in the schema
``ehcp_bench_<cases>`` of --pg (dropped with --rebuild).

"Raw SQL" is the same join (deadlines -> cases, users, teams, advice requests, partners; pending and
due before the date; oldest first) run on the DB-API cursor and fetched with ``fetchall()``. The
service adds binding, typed results (dates), per-row dicts and the per-group counts.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from ehcp.reports.overdue import overdue_report
from ehcp.store import migrate
from ehcp.store.db import engine_for
from ehcp.store.models import AdviceRequest, Case, CaseEvent, Child, Deadline, Partner, Team, User

AS_OF = date(2025, 12, 1)
NOW = datetime(2025, 12, 1, tzinfo=UTC)
CHUNK = 20_000
STAGES = (("final", 0.66), ("review", 0.06), ("ceased", 0.07), ("not_assessed", 0.08), ("withdrawn", 0.02),
          ("no_plan", 0.02), ("request", 0.04), ("assessment", 0.035), ("draft", 0.015))
PARTNERS = (("EP Service North", "psychological", 48), ("EP Service South", "psychological", 63),
            ("Community Paediatrics", "medical", 40), ("CAMHS", "medical", 55),
            ("Children's Social Care", "social_care", 35), ("Schools and Settings", "educational", 30),
            ("Speech and Language Therapy", "other", 44))
ADVICE_KINDS = ("psychological", "medical", "social_care", "educational")
CITATION = {"assessment_decision": ("R-ASSESS-DECISION", "SEND Regulations 2014 reg 4(1)"),
            "no_plan_notice": ("R-NO-PLAN-NOTICE", "SEND Regulations 2014 reg 10(1)"),
            "final_plan": ("R-FINAL-PLAN", "SEND Regulations 2014 reg 13(2)"),
            "annual_review": ("R-REVIEW-DUE", "Children and Families Act 2014 s.44(1)"),
            "review_decision": ("R-REVIEW-DECISION", "SEND Regulations 2014 reg 20(10)"),
            "school_consultation": ("R-SCHOOL-CONSULT", "SEND Code of Practice 9.78"),
            "advice": ("R-ADVICE-RESPOND", "SEND Regulations 2014 reg 8(1)")}

RAW_SQL = """
SELECT c.reference, c.stage, d.key, d.rule, d.due, d.citation, d.advisory, u.login, t.name, p.name
FROM deadlines d
JOIN cases c ON c.id = d.case_id
LEFT JOIN users u ON u.id = c.caseworker_id
LEFT JOIN teams t ON t.id = u.team_id
LEFT JOIN advice_requests a ON a.id = d.advice_request_id
LEFT JOIN partners p ON p.id = a.partner_id
WHERE d.state = 'pending' AND d.due < {p}
ORDER BY d.due, c.reference, d.key
"""


# ---------------------------------------------------------------- synthetic data
class Generator:
    """Deterministic rows for cases [start, stop), with explicit ids so no round-trips are needed."""

    def __init__(self, cases: int, seed: int = 20251201):
        self.cases = cases
        self.users = max(8, cases // 150)
        self.teams = max(2, self.users // 12)
        self.seed = seed

    def fixed(self) -> dict:
        teams = [{"id": i + 1, "name": f"Team {i + 1:03d}"} for i in range(self.teams)]
        users = [{"id": i + 1, "login": f"cw{i + 1:05d}", "name": f"Caseworker {i + 1}", "role": "caseworker",
                  "team_id": i % self.teams + 1, "active": True} for i in range(self.users)]
        partners = [{"id": i + 1, "name": name, "advice_kinds": kind, "email": f"p{i + 1}@example.org"}
                    for i, (name, kind, _) in enumerate(PARTNERS)]
        return {Team: teams, User: users, Partner: partners}

    def chunk(self, start: int, stop: int) -> dict:
        rng = random.Random(self.seed * 1_000_003 + start)
        out: dict = {Child: [], Case: [], AdviceRequest: [], Deadline: [], CaseEvent: []}
        self._advice_id = start * 3 + 1  # 3 advice requests per case at most
        for i in range(start, stop):
            self._case(i + 1, rng, out)
        return out

    def _case(self, cid: int, rng: random.Random, out: dict) -> None:
        stage = rng.choices([s for s, _ in STAGES], [w for _, w in STAGES])[0]
        roll = rng.random()
        weeks = rng.randint(90, 140) if roll < 0.46 else rng.randint(141, 364) if roll < 0.93 else rng.randint(365, 500)
        if stage in ("request", "assessment", "draft"):
            low, high = {"request": (1, 60), "assessment": (30, 170), "draft": (90, 220)}[stage]
            received = AS_OF - timedelta(days=rng.randint(low, high))
        elif stage in ("final", "review", "ceased"):
            received = AS_OF - timedelta(days=weeks + rng.randint(1, 3000))
        else:
            received = AS_OF - timedelta(days=rng.randint(50, 1500))
        out[Child].append({"id": cid, "given_name": "Synthetic", "family_name": f"Child{cid:07d}",
                           "dob": received - timedelta(days=rng.randint(3 * 365, 16 * 365))})
        caseworker = rng.randint(1, self.users) if stage not in ("ceased", "withdrawn", "not_assessed", "no_plan") \
            else None
        out[Case].append({"id": cid, "reference": f"EHC-{received.year}-{cid:07d}", "child_id": cid, "stage": stage,
                          "received": received, "source": "parent", "caseworker_id": caseworker, "opened_at": NOW,
                          "version": 1, "updated_at": NOW, "updated_by": "bench"})
        ev = lambda kind, on: out[CaseEvent].append({"case_id": cid, "kind": kind, "on": on, "recorded_at": NOW,  # noqa: E731 - this case's rows, one line each
                                                     "actor": "bench", "payload": {}})
        dl = lambda key, due, state="pending", met_on=None, exception=None, advisory=False, advice=None, rule=None: \
            out[Deadline].append({"case_id": cid, "key": key, "rule": CITATION[rule or key][0], "due": due,  # noqa: E731 - as ev
                                  "practical_last_working_day": due, "state": state, "met_on": met_on,
                                  "citation": CITATION[rule or key][1], "exception": exception,
                                  "advisory": advisory, "advice_request_id": advice})
        ev("request_received", received)
        decision_due = received + timedelta(days=42)
        if stage == "request":
            dl("assessment_decision", decision_due)
            dl("no_plan_notice", received + timedelta(days=112))
            dl("final_plan", received + timedelta(days=140))
            return
        decided = min(received + timedelta(days=rng.choice((rng.randint(20, 42),) * 5 + (rng.randint(43, 90),))),
                      AS_OF)
        dl("assessment_decision", decision_due, "met" if decided <= decision_due else "missed", decided)
        if stage in ("not_assessed", "withdrawn"):
            ev("assessment_refused" if stage == "not_assessed" else "case_withdrawn", decided)
            return
        ev("assessment_agreed", decided)
        if stage in ("assessment", "draft"):
            self._advice(cid, rng, decided, out, dl, all_in=stage == "draft")
            dl("no_plan_notice", received + timedelta(days=112))
            dl("final_plan", received + timedelta(days=140))
            if stage == "draft":
                sent = min(decided + timedelta(days=rng.randint(40, 120)), AS_OF)
                ev("draft_plan_sent", sent)
                dl("school_consultation", sent + timedelta(days=15), advisory=True)
            return
        if stage == "no_plan":
            done = received + timedelta(days=rng.randint(80, 150))
            ev("plan_not_issued", done)
            dl("no_plan_notice", received + timedelta(days=112), "met" if (done - received).days <= 112 else "missed",
               done)
            return
        issued = received + timedelta(days=weeks)
        exception = "personal_circumstances" if rng.random() < 0.06 else None
        state = "disapplied" if exception else ("met" if weeks <= 140 else "missed")
        if issued > AS_OF - timedelta(days=730):
            self._advice(cid, rng, decided, out, dl, all_in=True)
        ev("draft_plan_sent", issued - timedelta(days=rng.randint(16, 40)))
        ev("final_plan_issued", issued)
        dl("final_plan", received + timedelta(days=140), state, issued, exception)
        if stage == "ceased":
            ev("plan_ceased", min(issued + timedelta(days=rng.randint(100, 900)), AS_OF))
            return
        last = issued
        while last + timedelta(days=364) < AS_OF - timedelta(days=rng.randint(0, 120)):
            last += timedelta(days=rng.randint(330, 400))
        if stage == "review":
            meeting = AS_OF - timedelta(days=rng.randint(1, 40))
            ev("review_meeting_held", meeting)
            dl("review_decision", meeting + timedelta(days=28))
        else:
            dl("annual_review", last + timedelta(days=364))

    def _advice(self, cid, rng, decided, out, dl, *, all_in: bool) -> None:
        for kind in rng.sample(ADVICE_KINDS, 3):
            choices = [i for i, p in enumerate(PARTNERS) if p[1] == kind] or [len(PARTNERS) - 1]
            partner = rng.choice(choices)
            requested = decided + timedelta(days=rng.randint(1, 10))
            if requested > AS_OF:
                continue
            due = requested + timedelta(days=42)
            latency = max(5, int(rng.gauss(PARTNERS[partner][2], 15)))
            received = requested + timedelta(days=latency)
            if received > AS_OF and all_in:
                received = AS_OF
            aid = self._advice_id
            self._advice_id += 1
            got = received if received <= AS_OF and (all_in or rng.random() < 0.6) else None
            out[AdviceRequest].append({"id": aid, "case_id": cid, "kind": kind, "partner_id": partner + 1,
                                       "requested_on": requested, "received_by_body_on": requested,
                                       "channel": "email", "received_on": got})
            state = "pending" if got is None else ("met" if got <= due else "missed")
            dl(f"advice.{kind}", due, state, got, advice=aid, rule="advice")


# ---------------------------------------------------------------- databases
def pg_url(base: str, cases: int) -> str:
    return f"{base}?options=-csearch_path%3Dehcp_bench_{cases}"


def prepare(kind: str, args: argparse.Namespace) -> str:
    """The database URL, built with ``--cases`` cases unless it already holds them."""
    if kind == "sqlite":
        path = Path(args.sqlite_dir) / f"ehcp-bench-{args.cases}.sqlite3"
        if args.rebuild and path.exists():
            for extra in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                extra.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        fresh = not path.exists()
    else:
        schema = f"ehcp_bench_{args.cases}"
        admin = sa.create_engine(args.pg)
        with admin.begin() as conn:
            if args.rebuild:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            fresh = conn.execute(sa.text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
                                 {"s": schema}).first() is None
            conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        admin.dispose()
        url = pg_url(args.pg, args.cases)
    if not fresh:
        with engine_for(url).connect() as conn:
            try:
                have = conn.execute(sa.text("SELECT COUNT(*) FROM cases")).scalar()
            except sa.exc.DBAPIError:
                have = -1
        if have == args.cases:
            print(f"[{kind}] reusing {args.cases:,} cases", flush=True)
            return url
        raise SystemExit(f"[{kind}] the bench database holds {have} cases, not {args.cases}; use --rebuild")
    build(kind, url, args.cases)
    return url


def build(kind: str, url: str, cases: int) -> None:
    started = time.perf_counter()
    migrate.upgrade(url)
    engine = engine_for(url)
    gen = Generator(cases)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        for model, rows in gen.fixed().items():
            conn.execute(sa.insert(model.__table__), rows)
    for start in range(0, cases, CHUNK):
        rows_by_model = gen.chunk(start, min(cases, start + CHUNK))
        with engine.begin() as conn:
            for model, rows in rows_by_model.items():
                if rows:
                    conn.execute(sa.insert(model.__table__), rows)
                    counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)
        print(f"\r[{kind}] built {min(cases, start + CHUNK):,} / {cases:,} cases", end="", flush=True)
    with engine.begin() as conn:
        if kind == "postgresql":
            for table in ("teams", "users", "partners", "children", "cases", "advice_requests", "deadlines",
                          "case_events"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    with engine.connect() as conn:
        if kind == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    print(f"\n[{kind}] built in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)


# ---------------------------------------------------------------- timing
def time_raw(url: str) -> tuple[float, int]:
    engine = engine_for(url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        started = time.perf_counter()
        if url.startswith("sqlite"):
            cursor.execute(RAW_SQL.format(p="?"), (AS_OF.isoformat(),))
        else:
            cursor.execute(RAW_SQL.format(p="%s"), (AS_OF,))
        rows = cursor.fetchall()
        elapsed = time.perf_counter() - started
        cursor.close()
    finally:
        raw.close()
    return elapsed, len(rows)


def time_service(url: str) -> tuple[float, int]:
    with engine_for(url).connect() as conn:
        started = time.perf_counter()
        report = overdue_report(conn, as_of=AS_OF, by="rule")
        elapsed = time.perf_counter() - started
    return elapsed, len(report.document["deadlines"])


def bench(kind: str, url: str, repeat: int) -> dict:
    with engine_for(url).connect() as conn:
        deadlines = conn.execute(sa.text("SELECT COUNT(*) FROM deadlines")).scalar()
    time_raw(url), time_service(url)  # warm the caches
    raw, service = [], []
    for _ in range(repeat):
        r, n_raw = time_raw(url)
        s, n_service = time_service(url)
        raw.append(r)
        service.append(s)
    assert n_raw == n_service, (n_raw, n_service)
    r, s = statistics.median(raw), statistics.median(service)
    return {"db": kind, "deadlines": deadlines, "rows": n_raw, "raw": r, "service": s, "ratio": s / r,
            "best": min(service) / min(raw)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="Drop and rebuild the synthetic data set.")
    parser.add_argument("--sqlite-dir", default="/tmp")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    results = []
    for kind in ("sqlite", "postgresql"):
        if args.only and kind != args.only:
            continue
        results.append(bench(kind, prepare(kind, args), args.repeat))
    print(f"\nreport overdue as of {AS_OF}, {args.cases:,} cases, median of {args.repeat} alternating runs "
          "(same process); best = fastest service / fastest raw")
    print(f"{'database':<12}{'deadlines':>12}{'overdue rows':>14}{'raw SQL s':>11}{'service s':>11}{'ratio':>7}"
          f"{'best':>6}  budget 2.0")
    for r in results:
        verdict = "ok" if r["ratio"] <= 2.0 else "OVER"
        print(f"{r['db']:<12}{r['deadlines']:>12,}{r['rows']:>14,}{r['raw']:>11.3f}{r['service']:>11.3f}"
              f"{r['ratio']:>7.2f}{r['best']:>6.2f}  {verdict}")


if __name__ == "__main__":
    main()
