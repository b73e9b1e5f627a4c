"""Benchmark: ``ehcp import cases`` on SQLite and PostgreSQL, against the raw insert floor of the same rows.

    .venv/bin/python bench/bench_import.py                     # 100,000 rows, both databases
    .venv/bin/python bench/bench_import.py --rows 1000000 --only sqlite

A deterministic CSV of synthetic cases (invented names; half with a UPN; 500 caseworker logins) is
imported by the installed ``ehcp`` (a subprocess: start-up, parsing, validation of every row, the
domain's deadlines, the bulk writer, commit), each time into a fresh database. Its wall time and
peak RSS (os.wait4) are set beside the "raw floor": the very rows the import wrote (children, cases,
case_events, deadlines), re-inserted into another fresh database with plain DB-API ``executemany``
(SQLite) or ``COPY`` (PostgreSQL) in one transaction - what the database alone costs.

Budgets: at least 20,000 cases per second into SQLite and 15,000 into PostgreSQL, end to end, on a
quiet machine; within 1.5x the raw floor.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sqlite3
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg
from sqlalchemy.engine import make_url

from _common import (
    DATA_DIR,
    EHCP,
    figure,
    load,
    machine,
    pg_available,
    pg_create_schema,
    pg_drop_schema,
    pg_schema_url,
    run_measured,
    table,
)
from ehcp.importing.synthetic import FAMILY, GIVEN
from ehcp.store import migrate
from ehcp.store.db import engine_for

TODAY = date(2025, 12, 1)
BUDGETS = {"sqlite": 20_000, "postgresql": 15_000}  # cases per second, end to end
FLOOR_BUDGET = 1.5
TABLES = {
    "children": ("id", "given_name", "family_name", "dob", "upn", "uln", "year_group", "home_la"),
    "cases": ("id", "reference", "child_id", "stage", "received", "source", "caseworker_id", "opened_at",
              "closed_on", "version", "updated_at", "updated_by"),
    "case_events": ("case_id", "kind", "on", "recorded_at", "actor", "reason", "payload"),
    "deadlines": ("case_id", "key", "rule", "due", "practical_last_working_day", "state", "met_on", "citation",
                  "exception", "advisory", "advice_request_id"),
}
SCHEMA = "ehcp_bench_import"


def write_csv(rows: int, seed: int = 7) -> Path:
    """A deterministic cases file (kept between runs)."""
    path = DATA_DIR / f"import-cases-{rows}-{seed}.csv"
    if path.exists():
        return path
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sources = ("parent",) * 12 + ("school",) * 6 + ("young_person", "other")
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["reference", "given_name", "family_name", "dob", "upn", "year_group", "received", "source",
                      "caseworker"])
        for i in range(rows):
            received = date(2016, 1, 4) + timedelta(days=rng.randrange(3600))
            dob = received - timedelta(days=rng.randrange(2 * 365, 18 * 365))
            out.writerow(["", rng.choice(GIVEN), f"{rng.choice(FAMILY)}-{i}", dob.isoformat(),
                          f"Z{i:012d}" if i % 2 else "", rng.randrange(0, 12) if i % 3 else "", received.isoformat(),
                          rng.choice(sources), f"caseworker.{rng.randrange(500) + 1:04d}"])
    return path


def fresh(db: str, tag: str) -> str:
    """A new, migrated, empty database (this process's pooled connections to an old one closed first)."""
    if db == "sqlite":
        path = DATA_DIR / f"import-{tag}.sqlite3"
        url = f"sqlite:///{path}"
        engine_for(url).dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        url = pg_schema_url(f"{SCHEMA}_{tag}")
        engine_for(url).dispose()
        url = pg_create_schema(f"{SCHEMA}_{tag}")
    migrate.upgrade(url)
    engine_for(url).dispose()
    return url


LOGIN = "bench.import.admin"  # an admin's own login role (role names are cluster-wide: reused)


def as_login_role(url: str) -> str:
    """``url`` connecting as an admin's own login role, set up as a council would (``ehcp db roles
    --apply``, ``ehcp user add``): row-level security applies, so the import writes with INSERT
    instead of COPY (PostgreSQL refuses COPY FROM under RLS) and every row meets the policies. An
    admin, because the file's caseworkers belong to no team a manager's policy would admit."""
    env = {"EHCP_DATABASE_URL": url, "EHCP_CONFIG": "/nonexistent.toml", "EHCP_USER": "bench.import"}
    # a bench database: flagged as a test database, so that EHCP_TODAY may still fix the date
    for argv in (["db", "roles", "--apply", "--prefix", "ehcp_bench_import"], ["user", "add", LOGIN, "--role", "admin"],
                 ["db", "flag-test", "--on"]):
        run_measured([EHCP, *argv], env)
    return make_url(url).set(username=LOGIN).render_as_string(hide_password=False)


def import_once(db: str, csv_path: Path, login_role: bool = False) -> tuple[float, float, float, str]:
    """(wall s, service s, peak RSS MB, owner's url) of one CLI import into a fresh database."""
    url = fresh(db, "run")
    env = {"EHCP_DATABASE_URL": as_login_role(url) if login_role else url, "EHCP_TODAY": TODAY.isoformat(),
           "EHCP_USER": LOGIN if login_role else "bench.import", "EHCP_CONFIG": "/nonexistent.toml"}
    result = run_measured([EHCP, "import", "cases", str(csv_path), "--create-users", "--format", "json"], env)
    service = json.loads(result.stdout)["seconds"]
    return result.seconds, service, result.rss_mb, url


def floor(db: str, source_url: str) -> float:
    """Seconds to insert the imported rows again, raw, into a fresh database (one transaction)."""
    target = fresh(db, "floor")
    if db == "sqlite":
        src = sqlite3.connect(source_url.removeprefix("sqlite:///"))
        data = {t: src.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM {t} ORDER BY id')
                .fetchall() for t, cols in TABLES.items()}
        users = src.execute("SELECT id, login, name, role, active FROM users").fetchall()
        src.close()
        conn = sqlite3.connect(target.removeprefix("sqlite:///"), isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-131072"):
            conn.execute(f"PRAGMA {pragma}")
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO users (id, login, name, role, active) VALUES (?, ?, ?, ?, ?)", users)
        for t, cols in TABLES.items():
            names = ", ".join(f'"{c}"' for c in cols)
            conn.executemany(f"INSERT INTO {t} ({names}) VALUES ({', '.join('?' * len(cols))})", data[t])
        conn.execute("COMMIT")
        seconds = time.perf_counter() - started
        conn.close()
        return seconds
    dsn = "postgresql://postgres@127.0.0.1:5432/test"
    with psycopg.connect(dsn, options=f"-c search_path={SCHEMA}_run") as src:
        data = {t: src.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM {t} ORDER BY id')
                .fetchall() for t, cols in TABLES.items()}
        users = src.execute("SELECT id, login, name, role, active FROM users").fetchall()
    with psycopg.connect(dsn, options=f"-c search_path={SCHEMA}_floor") as conn:
        started = time.perf_counter()
        with conn.cursor() as cur:
            for t, cols, rows in [("users", ("id", "login", "name", "role", "active"), users)] + \
                    [(t, cols, data[t]) for t, cols in TABLES.items()]:
                names = ", ".join(f'"{c}"' for c in cols)
                with cur.copy(f"COPY {t} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([json.dumps(v) if isinstance(v, dict) else v for v in row])
        conn.commit()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="cases in the CSV (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="imports per database; the median is reported")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--no-login-role", action="store_true",
                        help="PostgreSQL: skip the import as an admin's own login role (row-level security)")
    args = parser.parse_args()
    dbs = [args.only] if args.only else ["sqlite", "postgresql"]
    if "postgresql" in dbs and not pg_available():
        print("PostgreSQL is not reachable; SQLite only", file=sys.stderr)
        dbs.remove("postgresql")
    csv_path = write_csv(args.rows)
    print(f"bench_import: {args.rows:,} cases from {csv_path.name}; {machine()}")
    rows = []
    plan = [(db, False) for db in dbs] + ([("postgresql", True)] if "postgresql" in dbs and not args.no_login_role
                                          else [])
    for db, login_role in plan:
        runs = [import_once(db, csv_path, login_role) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        service = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs)
        raw = floor(db, runs[-1][3])
        rate = args.rows / wall
        verdict = "met" if rate >= BUDGETS[db] else "MISSED"
        name = f"{db} (admin login role, RLS: INSERT)" if login_role else db
        rows.append([name, args.rows, wall, service, rate, args.rows / service, raw, wall / raw, service / raw,
                     f">= {BUDGETS[db]:,}/s: {verdict}", rss, load()])
        figure(f"{name}: import {args.rows:,} cases end to end ({rate:,.0f} cases/s)", wall, "s",
               "raw floor (executemany / COPY of the same rows)", raw,
               f">= {BUDGETS[db]:,}/s, <= {FLOOR_BUDGET}x floor",
               ("met" if rate >= BUDGETS[db] else "rate missed")
               + ("" if wall / raw <= FLOOR_BUDGET else ", ratio missed"))
        if db == "postgresql":
            pg_drop_schema(f"{SCHEMA}_run")
            pg_drop_schema(f"{SCHEMA}_floor")
    print(table(f"import cases: median of {args.repeat} runs (end to end = the ehcp subprocess; service = inside it)",
                ["database", "rows", "end to end s", "service s", "cases/s end to end", "cases/s service",
                 "raw floor s", "ratio e2e/floor", "ratio service/floor", "budget", "peak RSS MB", "load"], rows))


if __name__ == "__main__":
    main()
