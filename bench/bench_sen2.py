"""SEN2 export at scale: time and peak memory of ``ehcp sen2 export`` (its own process) for generated
loads of increasing size; the export streams a batch of children at a time, so the peak should stay
flat as the number of persons grows.

    .venv/bin/python bench/bench_sen2.py --persons 10000 100000
    .venv/bin/python bench/bench_sen2.py --persons 10000 --database postgresql   # EHCP_BENCH_PG_URL

Each size is generated once into EHCP_BENCH_DIR (default /tmp/ehcp-bench) and kept for reruns.
``--persons`` counts the persons in the 2026 return (about 0.66 per generated request).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import (
    DATA_DIR,
    EHCP,
    machine,
    pg_create_schema,
    pg_schema_exists,
    pg_schema_url,
    run_measured,
    table,
)
from bench.generate import context
from ehcp.importing.synthetic import generate
from ehcp.store import migrate

TODAY = date(2026, 1, 14)
CENSUS = "2026-01-15"
PERSONS_PER_REQUEST = 0.66  # measured on seeds 1-3: persons in the 2026 return per generated request
OFFICERS = {"EHCP_SEN2_DMO": "Y", "EHCP_SEN2_DCO": "Y", "EHCP_SEN2_DSCO": "R"}


def database(persons: int, kind: str) -> str:
    """A generated database for ``persons`` (made on first use)."""
    if kind == "sqlite":
        path = DATA_DIR / f"sen2-{persons}.sqlite3"
        url = f"sqlite:///{path}"
        fresh = not path.exists()
    else:
        schema = f"bench_sen2_{persons}"
        fresh = not pg_schema_exists(schema)
        if fresh:
            pg_create_schema(schema)
        url = pg_schema_url(schema)
    if fresh:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        requests = int(persons / PERSONS_PER_REQUEST)
        started = time.perf_counter()
        migrate.upgrade(url)
        generate(context(url, TODAY), plans=requests // 2, seed=1, today=TODAY, requests=requests)
        print(f"generated {requests:,} requests in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    rows = []
    for persons in args.persons:
        url = database(persons, args.database)
        out = DATA_DIR / f"sen2-{persons}.xml"
        env = {"EHCP_DATABASE_URL": url, "EHCP_TODAY": TODAY.isoformat(), "EHCP_USER": "bench", **OFFICERS}
        run = run_measured([EHCP, "sen2", "export", "--census", CENSUS, "--lea", "886", "--out", str(out)], env)
        written = int(run.stderr.split("persons")[0].rsplit(" ", 2)[-2]) if "persons" in run.stderr else 0
        rows.append([f"{written:,}", f"{run.seconds:.1f}", f"{run.rss_mb:.0f}", f"{out.stat().st_size / 1e6:.0f}"])
    print(table(f"ehcp sen2 export, census {CENSUS}, {args.database} ({machine()})",
                ["persons", "seconds", "peak RSS MB", "file MB"], rows))


if __name__ == "__main__":
    main()
