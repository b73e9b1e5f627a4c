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

On PostgreSQL the table also has:

* the driver floor ``python -c "import sqlalchemy, psycopg, sqlalchemy.dialects.postgresql.psycopg"``
  (what any SQLAlchemy program on PostgreSQL pays before its first query);
* the same commands over the Unix socket (``?host=/var/run/postgresql``) when the server has one;
* the same commands as a caseworker's own login role under row-level security (``--no-rls`` to
  skip): the bench gives the generated caseworkers teams of ten (they have none), runs
  ``ehcp db roles --apply --prefix ehcp_bench`` and creates the measured caseworker's login role;
* with ``--compare /work/main/.venv/bin/ehcp``, another installation's ``ehcp`` measured in the
  same interleaved runs (before/after a change, on the same load).

``--explain`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of each command's slowest statement, as the
owner and as the caseworker.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from _common import (
    DATA_DIR,
    EHCP,
    PYTHON,
    explain_analyze,
    figure,
    interleaved,
    load,
    machine,
    pg_available,
    pg_create_schema,
    pg_schema_exists,
    pg_schema_url,
    run_measured,
    statement_timings,
    table,
)
from cli.main import app
from ehcp.importing.synthetic import generate
from ehcp.store import migrate
from ehcp.store.db import engine_for
from generate import context

TODAY = date(2025, 12, 1)
BUDGET = 1.5
SEED = 1
CASELOAD = 200
ROLE_PREFIX = "ehcp_bench"
TEAM_SIZE = 10
SOCKET_DIR = Path("/var/run/postgresql")
PG_FLOOR = "import sqlalchemy, psycopg, sqlalchemy.dialects.postgresql.psycopg"


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
    """(a caseworker with about 200 open cases, their count, and one of their cases with a plan and a
    long history - theirs, so that their login role sees it under row-level security too)."""
    with engine_for(url).connect() as conn:
        login, count = conn.execute(text(
            "SELECT u.login, COUNT(*) AS n FROM cases c JOIN users u ON u.id = c.caseworker_id "
            "WHERE c.stage NOT IN ('ceased', 'withdrawn', 'not_assessed', 'no_plan') "
            f"GROUP BY u.login ORDER BY ABS(COUNT(*) - {CASELOAD}), u.login LIMIT 1")).one()
        mine = "FROM cases c JOIN users u ON u.id = c.caseworker_id WHERE c.stage = 'final' AND u.login = :login"
        reference = conn.execute(text(
            f"SELECT c.reference {mine} ORDER BY c.id LIMIT 1 OFFSET (SELECT COUNT(*) / 2 {mine})"),
            {"login": login}).scalar()
    return reference, login, count


def rls_login(url: str, login: str) -> str:
    """A URL connecting as ``login``'s own login role, a caseworker under row-level security: the
    generated caseworkers get teams of TEAM_SIZE (in id order) if they have none, the group roles
    are applied (``ehcp db roles --apply``) and ``login`` gets its login role, as ``ehcp user add``
    would give it."""
    with engine_for(url).begin() as conn:
        if not conn.execute(text("SELECT COUNT(*) FROM users WHERE team_id IS NOT NULL")).scalar():
            ids = conn.execute(text("SELECT id FROM users WHERE role = 'caseworker' ORDER BY id")).scalars().all()
            for team, start in enumerate(range(0, len(ids), TEAM_SIZE), 1):
                team_id = conn.execute(text("INSERT INTO teams (name) VALUES (:n) RETURNING id"),
                                       {"n": f"Team {team:02d}"}).scalar()
                conn.execute(text("UPDATE users SET team_id = :t WHERE id = ANY(:ids)"),
                             {"t": team_id, "ids": list(ids[start:start + TEAM_SIZE])})
    run_measured([EHCP, "db", "roles", "--apply", "--prefix", ROLE_PREFIX],
                 {"EHCP_DATABASE_URL": url, "EHCP_CONFIG": "/nonexistent.toml", "EHCP_USER": "bench"})
    with engine_for(url).begin() as conn:
        conn.execute(text("SELECT ehcp_grant_login(:l, 'caseworker')"), {"l": login})
    return make_url(url).set(username=login).render_as_string(hide_password=False)


def socket_url(url: str) -> str | None:
    """``url`` over the local Unix socket, if the server is on this machine and has one."""
    parsed = make_url(url)
    if parsed.host not in ("127.0.0.1", "localhost") or not (SOCKET_DIR / f".s.PGSQL.{parsed.port or 5432}").exists():
        return None
    return parsed.set(host=None, query={**parsed.query, "host": str(SOCKET_DIR)}).render_as_string(hide_password=False)


# Every command's first statements (connection set-up, identity, login check): not the command's own.
START_OF_COMMAND = ("current_setting('transaction_isolation')", "session_user AS login", "'enforce_permissions'")


def explain(url: str, label: str, env: dict[str, str], argv: list[str]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest SELECT ``argv`` runs (each statement timed through
    three in-process runs of the command), as the role ``url`` connects as."""
    def selected(query: str) -> bool:
        return query.lstrip().upper().startswith(("SELECT", "WITH")) and not any(
            common in query for common in START_OF_COMMAND)

    with statement_timings(selected) as timings:
        for _ in range(4):  # the first run warms the server's caches; each statement's best run counts
            done = CliRunner().invoke(app, argv, env={**env, "EHCP_DATABASE_URL": url})
            assert done.exit_code == 0, done.output
    engine_for(url).dispose()
    query, (runs, params) = max(timings.items(), key=lambda item: min(item[1][0]))
    seconds = min(runs)
    plan = explain_analyze(url, query, params)
    print(f"\n-- {label}: slowest statement of `ehcp {' '.join(argv)}` "
          f"(best of 4 in-process runs: {seconds * 1000:.1f} ms)")
    print(" ".join(query.split()))
    print(f"-- params: {params}")
    print("\n".join(plan))


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
    parser.add_argument("--compare", help="another ehcp executable measured in the same runs (e.g. main's)")
    parser.add_argument("--no-rls", action="store_true", help="PostgreSQL: skip the caseworker login role")
    parser.add_argument("--no-socket", action="store_true", help="PostgreSQL: skip the Unix-socket runs")
    parser.add_argument("--explain", action="store_true", help="PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) of "
                                                               "each command's slowest statement")
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
        cmds: dict[str, tuple[list[str], dict[str, str] | None]] = {
            "python -c pass": ([PYTHON, "-c", "pass"], None),
            "python -c 'import sqlalchemy'": ([PYTHON, "-c", "import sqlalchemy"], None),
        }
        if db == "postgresql":
            cmds["python -c 'import sqlalchemy, psycopg + dialect' (driver floor)"] = ([PYTHON, "-c", PG_FLOOR], None)
        envs = {"": env}
        if db == "postgresql" and not args.no_socket and (local := socket_url(url)):
            envs[" [unix socket]"] = {**env, "EHCP_DATABASE_URL": local}
        if db == "postgresql" and not args.no_rls:
            envs[f" [login role {login}, RLS]"] = {**env, "EHCP_DATABASE_URL": rls_login(url, login)}
            if local := socket_url(url):
                envs[f" [login role {login}, RLS, unix socket]"] = {
                    **env, "EHCP_DATABASE_URL": rls_login(local, login)}
        executables = {"": EHCP, **({" (compared)": args.compare} if args.compare else {})}
        for tag, e in envs.items():
            for which, exe in executables.items():
                cmds[f"ehcp case show REF --format json{tag}{which}"] = ([exe, "case", "show", reference, "--format",
                                                                          "json"], e)
                cmds[f"ehcp case list --format json ({caseload} cases){tag}{which}"] = (
                    [exe, "case", "list", "--format", "json"], e)
        cmds["ehcp --help"] = ([EHCP, "--help"], env)
        measured = interleaved(cmds, repeat=args.repeat)
        base = measured["python -c 'import sqlalchemy'"][0]
        for name, (seconds, rss) in measured.items():
            ratio = seconds / base
            budget = ""
            if name.startswith(("ehcp case show", "ehcp case list")):
                budget = f"<= {BUDGET}x: " + ("met" if ratio <= BUDGET else "MISSED")
                if ratio > BUDGET and name.startswith("ehcp case show") and "(compared)" not in name:
                    missed.append((db, env, reference))
                figure(f"{db}: {name}", seconds, "s", "python -c 'import sqlalchemy'", base, f"<= {BUDGET}x",
                       "met" if ratio <= BUDGET else "missed")
            rows.append([db, name, seconds * 1000, ratio, budget, rss, load()])
        if db == "postgresql" and args.explain:
            for tag, e in envs.items():
                if "socket" in tag:
                    continue
                for argv in (["case", "show", reference, "--format", "json"], ["case", "list", "--format", "json"]):
                    explain(e["EHCP_DATABASE_URL"], f"{db}{tag or ' [owner]'}", env, argv)
    print(table("CLI start-up: median wall time of a subprocess, ratio to `python -c 'import sqlalchemy'`",
                ["database", "command", "median ms", "ratio", "budget", "peak RSS MB", "load"], rows))
    for db, env, reference in missed[:1]:
        print(f"\ncase show missed its budget on {db}: the largest imports (python -X importtime, cumulative):")
        for ms, name in importtime(env, reference):
            print(f"  {ms:8.1f} ms  {name}")


if __name__ == "__main__":
    main()
