"""Write a deterministic synthetic case load (same seed, size and today -> the same rows).

    .venv/bin/python bench/generate.py --plans 25000 --seed 1 --database sqlite:///kent.sqlite3
    .venv/bin/python bench/generate.py --plans 1000000 --database postgresql://postgres@127.0.0.1:5432/test

The same as ``ehcp dev generate``; the distributions are described in ehcp/importing/synthetic.py
and docs/performance.md. ``--digest`` prints a sha256 of every generated table afterwards (two runs
with the same arguments print the same digest).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import inspect, text

from ehcp.config import load_settings
from ehcp.importing.synthetic import generate
from ehcp.services.context import ServiceContext
from ehcp.store import migrate
from ehcp.store.db import engine_for

TABLES = ("users", "partners", "children", "cases", "case_events", "advice_requests", "deadlines")


def context(url: str, today: date, user: str = "bench"):
    settings = dataclasses.replace(load_settings(), database_url=url, today_override=today, user=user)
    return ServiceContext(settings)


def build(url: str, plans: int, seed: int = 1, today: date = date(2025, 12, 1), jobs: int = 1,
          quiet: bool = False):
    """Migrate ``url`` and generate into it; returns the generator's Summary."""
    migrate.upgrade(url)

    def progress(done: int, total: int) -> None:
        if not quiet:
            print(f"  {done:,}/{total:,} cases", file=sys.stderr, flush=True)

    return generate(context(url, today), plans, seed, today=today, jobs=jobs, progress=progress)


def digest(url: str) -> str:
    """sha256 over every row of the generated tables, in primary-key order (audit log excluded)."""
    h = hashlib.sha256()
    with engine_for(url).connect() as conn:
        for table in TABLES:
            columns = [c for c in _columns(conn, table) if c not in ("id",)]
            quoted = ", ".join(f'"{c}"' for c in columns)
            for row in conn.execute(text(f"SELECT {quoted} FROM {table} ORDER BY id")):
                h.update(repr(tuple(_plain(v) for v in row)).encode())
    return h.hexdigest()


def _columns(conn, table: str) -> list[str]:
    return [c["name"] for c in inspect(conn).get_columns(table)]


def _plain(value):
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, str) and value.startswith("{"):
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    if hasattr(value, "isoformat"):
        return value.isoformat()[:19] if hasattr(value, "hour") else value.isoformat()
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=25_000, help="about how many plans held today (default 25000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", required=True, help="SQLAlchemy URL (an empty database)")
    parser.add_argument("--today", default="2025-12-01", help="today's date for the data set (YYYY-MM-DD)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (the rows do not depend on it)")
    parser.add_argument("--digest", action="store_true", help="print a sha256 of the generated rows afterwards")
    args = parser.parse_args()
    started = time.perf_counter()
    summary = build(args.database, args.plans, args.seed, date.fromisoformat(args.today), args.jobs)
    print(f"{summary.requests:,} cases, {summary.plans:,} active plans, "
          f"{', '.join(f'{v:,} {k}' for k, v in summary.counts.items())} in {time.perf_counter() - started:.1f} s")
    print("stages: " + ", ".join(f"{k} {v:,}" for k, v in summary.by_stage.items()))
    if args.digest:
        print(f"sha256 {digest(args.database)}")


if __name__ == "__main__":
    main()
