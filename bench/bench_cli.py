"""Benchmark: CLI start-up. ``ehcp case show REF --format json`` and ``ehcp case list`` (a caseworker's
own ~200-case caseload) on a database of 100,000 cases, against ``python -c "import sqlalchemy"``,
measured side by side (interleaved runs, median), on SQLite and on PostgreSQL.

    .venv/bin/python bench/bench_cli.py                   # 100,000 cases, both databases
    .venv/bin/python bench/bench_cli.py --cases 1000000 --only sqlite --repeat 21

Every command is a subprocess of the installed .venv/bin/ehcp, so the figures include interpreter
start-up, imports, settings, the connection and the queries - what a caseworker waits for. The
databases are generated once by the synthetic generator (bench/generate.py) and kept in
$EHCP_BENCH_DIR (default /tmp/ehcp-bench) and the PostgreSQL schema ehcp_bench_cli_<cases>;
--rebuild makes them again.

Budget: ``case show`` <= 1.5x ``import sqlalchemy``. When it is missed, the top of
``python -X importtime`` for ``case show`` is printed, to show what costs what.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import text

from _common import (
    DATA_DIR,
    EHCP,
    PYTHON,
    interleaved,
    machine,
    pg_available,
    pg_create_schema,
    pg_schema_exists,
    pg_schema_url,
    run_measured,
    table,
)
from ehcp.importing.synthetic import generate
from ehcp.store import migrate
from ehcp.store.db import engine_for
from generate import context

TODAY = date(2025, 12, 1)
BUDGET = 1.5
SEED = 1
CASELOAD = 200


def database(db: str, cases: int, rebuild: bool) -> str:
    """A generated database of ``cases`` cases (made once, then reused)."""
    if db == "sqlite":
        path = DATA_DIR / f"cli-{cases}-{SEED}.sqlite3"
        url = f"sqlite:///{path}"
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        fresh = not path.exists()
    else:
        schema = f"ehcp_bench_cli_{cases}"
        fresh = rebuild or not pg_schema_exists(schema)
        url = pg_create_schema(schema) if fresh else pg_schema_url(schema)
    if not fresh:
        with engine_for(url).connect() as conn:
            done = conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'synthetic_data_generated'"))
            fresh = not done.scalar()
        if fresh:
            return database(db, cases, True)
    if fresh:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        print(f"  generating {cases:,} cases into {db} (once) ...", file=sys.stderr, flush=True)
        migrate.upgrade(url)
        generate(context(url, TODAY), plans=cases // 2, seed=SEED, today=TODAY, requests=cases)
    return url


def subjects(url: str) -> tuple[str, str, int]:
    """(a case with a plan and a long history, a caseworker with about 200 open cases, their count)."""
    with engine_for(url).connect() as conn:
        reference = conn.execute(text(
            "SELECT c.reference FROM cases c WHERE c.stage = 'final' ORDER BY c.id "
            "LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM cases WHERE stage = 'final')")).scalar()
        login, count = conn.execute(text(
            "SELECT u.login, COUNT(*) AS n FROM cases c JOIN users u ON u.id = c.caseworker_id "
            "WHERE c.stage NOT IN ('ceased', 'withdrawn', 'not_assessed', 'no_plan') "
            f"GROUP BY u.login ORDER BY ABS(COUNT(*) - {CASELOAD}), u.login LIMIT 1")).one()
    return reference, login, count


def importtime(env: dict[str, str], reference: str) -> list[tuple[float, str]]:
    """The biggest top-level imports of ``case show`` (cumulative ms), from python -X importtime."""
    result = run_measured([PYTHON, "-X", "importtime", EHCP, "case", "show", reference, "--format", "json"], env)
    top: dict[str, float] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        if not cumulative.strip().isdigit():
            continue
        if len(name) - len(name.lstrip()) == 1:  # one space: a top-level import (children are indented)
            top[name.strip()] = top.get(name.strip(), 0) + int(cumulative) / 1000
    return sorted(((ms, name) for name, ms in top.items()), reverse=True)[:12]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the database (default 100000)")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each command (median reported)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--rebuild", action="store_true", help="generate the databases again")
    parser.add_argument("--database", help="use this existing (generated) database instead, e.g. the "
                                           "national one made by bench/generate.py --plans 1000000")
    args = parser.parse_args()
    dbs = [args.only] if args.only else ["sqlite", "postgresql"]
    if args.database:
        dbs = ["sqlite" if args.database.startswith("sqlite") else "postgresql"]
    if "postgresql" in dbs and not pg_available():
        print("PostgreSQL is not reachable; SQLite only", file=sys.stderr)
        dbs.remove("postgresql")
    size = args.database or f"{args.cases:,} cases"
    print(f"bench_cli: {size}, {args.repeat} interleaved runs each; {machine()}")
    rows, missed = [], []
    for db in dbs:
        url = args.database or database(db, args.cases, args.rebuild)
        reference, login, caseload = subjects(url)
        env = {"EHCP_DATABASE_URL": url, "EHCP_TODAY": TODAY.isoformat(), "EHCP_USER": login,
               "EHCP_CONFIG": "/nonexistent.toml", "NO_COLOR": "1"}
        measured = interleaved({
            "python -c pass": ([PYTHON, "-c", "pass"], None),
            "python -c 'import sqlalchemy'": ([PYTHON, "-c", "import sqlalchemy"], None),
            f"ehcp case show {reference} --format json": ([EHCP, "case", "show", reference, "--format", "json"], env),
            f"ehcp case list --format json ({caseload} cases of {login})": ([EHCP, "case", "list", "--format", "json"],
                                                                           env),
            "ehcp --help": ([EHCP, "--help"], env),
        }, repeat=args.repeat)
        base = measured["python -c 'import sqlalchemy'"][0]
        for name, (seconds, rss) in measured.items():
            ratio = seconds / base
            budget = ""
            if name.startswith("ehcp case show"):
                budget = f"<= {BUDGET}x: " + ("met" if ratio <= BUDGET else "MISSED")
                if ratio > BUDGET:
                    missed.append((db, env, reference))
            rows.append([db, name, seconds * 1000, ratio, budget, rss])
    print(table("CLI start-up: median wall time of a subprocess, ratio to `python -c 'import sqlalchemy'`",
                ["database", "command", "median ms", "ratio", "budget", "peak RSS MB"], rows))
    for db, env, reference in missed[:1]:
        print(f"\ncase show missed its budget on {db}: the largest imports (python -X importtime, cumulative):")
        for ms, name in importtime(env, reference):
            print(f"  {ms:8.1f} ms  {name}")


if __name__ == "__main__":
    main()
