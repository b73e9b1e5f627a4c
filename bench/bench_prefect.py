"""Benchmark: a nightly chase through Prefect against the same night with ``--no-prefect``.

    .venv/bin/python bench/bench_prefect.py [--rounds 5] [--api-url http://127.0.0.1:4200/api]
                                            [--temporary-rounds 1]

On the demo data (``ehcp demo --no-prefect`` into a scratch directory, as of the last working day),
each round runs, in turn, with a fresh ledger each time (so every run does the same work: plans,
claims and sends the same digests to the outbox):

  direct        ``ehcp flows run chase-advice --no-prefect``
  prefect       ``ehcp flows run chase-advice`` with ``PREFECT_API_URL`` set: a server already up
                (``--api-url``, else one this script starts with ``prefect server start`` on a free
                port in a scratch ``PREFECT_HOME`` and stops at the end - that start is not timed)
  import        ``python -c "import prefect"``: what loading Prefect costs before any run, the part
                of the difference no flow design can remove

and, ``--temporary-rounds`` times, ``ehcp flows run chase-advice`` with NO ``PREFECT_API_URL``:
Prefect starts a temporary server for the run (the figure for a run that must start one).
Prints the medians, the overhead (prefect - direct; budget: within 3 s once the server is up) and
the machine's load before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(1, str(Path(__file__).resolve().parent))

from _common import EHCP, PYTHON, machine, run_measured, table
from calendars import england_and_wales
from workflows.schedule import local_server

BUDGET_S = 3.0


def last_working_day() -> date:
    day, calendar = datetime.now(UTC).date(), england_and_wales()
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(api_url: str | None, home: Path) -> Iterator[str]:
    """The given API URL, or a ``prefect server start`` of our own for the duration."""
    if api_url:
        yield api_url
        return
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    with local_server(free_port(), home / "server.log") as url:
        yield url


def run_cpu(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system, of the command and its children that it waited
    for) and stdout. On a busy machine the wall clock mostly measures waiting for a CPU; the CPU
    time of the run's own process is the steadier figure (the server's CPU is not in it)."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=out, stderr=subprocess.DEVNULL, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) not in (0, 3):
            raise SystemExit(f"command failed: {' '.join(cmd)}")
        out.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, out.read()


def fresh_ledger(database: Path) -> None:
    with contextlib.closing(sqlite3.connect(database)) as conn:
        conn.execute("DELETE FROM reminders")
        conn.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--temporary-rounds", type=int, default=1,
                        help="runs that must start a temporary Prefect server (0: skip)")
    parser.add_argument("--api-url", help="a Prefect server already running (default: start one)")
    args = parser.parse_args()
    api_url = args.api_url or os.environ.pop("PREFECT_API_URL", None)
    os.environ.pop("PREFECT_API_URL", None)  # the subprocesses get it only where a run should use it
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-prefect-") as tmp:
        work = Path(tmp)
        database = work / "ehcp.sqlite3"
        env = {"EHCP_DATABASE_URL": f"sqlite:///{database}", "EHCP_OUTBOX": str(work / "outbox"),
               "EHCP_TODAY": last_working_day().isoformat(), "EHCP_USER": "bench",
               "EHCP_CONFIG": str(work / "none.toml"), "EHCP_NOTIFIER": "outbox",
               "PREFECT_HOME": str(work / "prefect-client"), "DO_NOT_TRACK": "1"}
        run_measured([EHCP, "demo", "--no-prefect"], env)
        night = [EHCP, "flows", "run", "chase-advice", "--format", "json"]
        samples: dict[str, list[float]] = {"direct": [], "prefect": [], "import": []}
        cpu: dict[str, list[float]] = {"direct": [], "prefect": [], "import": []}
        sent: set[int] = set()
        with server(api_url, work / "prefect-server") as url:
            print(f"Prefect API: {url}; demo data as of {env['EHCP_TODAY']}")
            for _ in range(args.rounds):
                for name, cmd, extra in (("direct", [*night, "--no-prefect"], {}),
                                         ("prefect", night, {"PREFECT_API_URL": url})):
                    fresh_ledger(database)
                    wall, seconds, stdout = run_cpu(cmd, {**env, **extra})
                    samples[name].append(wall)
                    cpu[name].append(seconds)
                    sent.add(_messages(stdout))
                wall, seconds, _ = run_cpu([PYTHON, "-c", "import prefect"], env)
                samples["import"].append(wall)
                cpu["import"].append(seconds)
        temporary: list[float] = []
        for _ in range(args.temporary_rounds):  # no PREFECT_API_URL: Prefect starts a server for the run
            fresh_ledger(database)
            wall, _, stdout = run_cpu(night, {**env, "PREFECT_HOME": str(work / "prefect-temporary")})
            temporary.append(wall)
            sent.add(_messages(stdout))
    med = {name: statistics.median(values) for name, values in samples.items()}
    med_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    rows = [[name, f"{med[name]:.2f} s", f"{min(values):.2f}-{max(values):.2f} s", f"{med_cpu[name]:.2f} s",
             len(values)] for name, values in samples.items()]
    if temporary:
        rows.append(["prefect, temporary server", f"{statistics.median(temporary):.2f} s",
                     f"{min(temporary):.2f}-{max(temporary):.2f} s", "-", len(temporary)])
    print(table("ehcp flows run chase-advice on the demo data",
                ["run", "median wall", "range", "median CPU", "runs"], rows))
    print(f"Prefect overhead in CPU seconds of the run's process: {med_cpu['prefect'] - med_cpu['direct']:.2f} s "
          f"(import prefect {med_cpu['import']:.2f} s)")
    overhead = med["prefect"] - med["direct"]
    print(f"messages sent per run: {sorted(sent)}")
    print(f"Prefect overhead, server up: {overhead:.2f} s (budget {BUDGET_S:.0f} s: "
          f"{'met' if overhead <= BUDGET_S else 'missed'}); of which importing Prefect {med['import']:.2f} s")
    if temporary:
        print(f"Prefect overhead, temporary server: {statistics.median(temporary) - med['direct']:.2f} s")
    print(f"machine after: {machine()}")


def _messages(stdout: str) -> int:
    return int(json.loads(stdout)["summary"]["messages_sent"])


if __name__ == "__main__":
    main()
