"""Shared plumbing of the bench scripts: databases, timed subprocesses, tables. Not a benchmark."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
EHCP = str(VENV_BIN / "ehcp") if (VENV_BIN / "ehcp").exists() else shutil.which("ehcp") or "ehcp"
PG_BASE = os.environ.get("EHCP_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATA_DIR = Path(os.environ.get("EHCP_BENCH_DIR", "/tmp/ehcp-bench"))

sys.path.insert(0, str(ROOT))
import psycopg
import sqlalchemy as sa

from ehcp.store.db import engine_for


@dataclass
class Run:
    seconds: float
    rss_mb: float
    code: int
    stdout: str
    stderr: str


TIME = shutil.which("time", path="/usr/bin:/bin")

Timings = dict[str, tuple[list[float], object]]  # statement -> (each run's seconds, its parameters)


@contextmanager
def statement_timings(keep: Callable[[str], bool]) -> Iterator[Timings]:
    """Time every statement psycopg runs in this process meanwhile that ``keep`` accepts."""
    timings: Timings = {}
    original = psycopg.Cursor.execute

    def timed(self, query, params=None, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return original(self, query, params, **kwargs)
        finally:
            if isinstance(query, str) and keep(query):
                timings.setdefault(query, ([], params))[0].append(time.perf_counter() - started)

    psycopg.Cursor.execute = timed  # type: ignore[method-assign]
    try:
        yield timings
    finally:
        psycopg.Cursor.execute = original  # type: ignore[method-assign]


def explain_analyze(url: str, query: str, params: object) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of ``query`` as ``url`` connects, in a transaction rolled back
    (the statement may write)."""
    with engine_for(url).connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + query, params).scalars().all()  # type: ignore[arg-type]
        conn.rollback()
    return list(plan)


def run_measured(cmd: list[str], env: dict[str, str] | None = None, check: bool = True) -> Run:
    """Run ``cmd``; its wall time and its own peak RSS.

    The RSS comes from ``/usr/bin/time -f %M`` when it exists: a child forked straight from this
    (large) process would inherit its high-water mark, so ``os.wait4``/RUSAGE_CHILDREN would report
    this process's size, not the command's. Without ``time``, wait4's figure is reported.
    """
    if TIME:
        cmd = [TIME, "-f", "@@maxrss %M", *cmd]
    full_env = {**os.environ, **(env or {})}
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    out_path = DATA_DIR / f".out-{os.getpid()}"
    err_path = DATA_DIR / f".err-{os.getpid()}"
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=full_env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout, stderr = out_path.read_text(), err_path.read_text()
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    rss = usage.ru_maxrss / 1024
    if TIME:
        lines = stderr.rstrip("\n").split("\n")
        if lines and lines[-1].startswith("@@maxrss "):
            rss = int(lines[-1].split()[1]) / 1024
            stderr = "\n".join(lines[:-1])
            stderr = stderr + "\n" if stderr else ""
        if proc.returncode != 0 and stderr.startswith("Command exited with non-zero status"):
            stderr = stderr.split("\n", 1)[-1]
    if check and proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{stderr}")
    return Run(seconds, rss, proc.returncode, stdout, stderr)


def interleaved(cmds: dict[str, tuple[list[str], dict[str, str] | None]], repeat: int = 11,
                warmup: int = 2) -> dict[str, tuple[float, float]]:
    """Median seconds and peak RSS of several commands, run in turn so load drift hits all alike."""
    for _ in range(warmup):
        for cmd, env in cmds.values():
            run_measured(cmd, env)
    samples: dict[str, list[Run]] = {name: [] for name in cmds}
    for _ in range(repeat):
        for name, (cmd, env) in cmds.items():
            samples[name].append(run_measured(cmd, env))
    return {name: (statistics.median(r.seconds for r in runs), max(r.rss_mb for r in runs))
            for name, runs in samples.items()}


def pg_available() -> bool:
    try:
        with sa.create_engine(PG_BASE).connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - whatever stops a connection means: no PostgreSQL for this run
        return False


def pg_schema_url(schema: str) -> str:
    return f"{PG_BASE}?options=-csearch_path%3D{schema}"


def pg_create_schema(schema: str, drop: bool = True) -> str:
    engine = sa.create_engine(PG_BASE)
    with engine.begin() as conn:
        if drop:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()
    return pg_schema_url(schema)


def pg_drop_schema(schema: str) -> None:
    engine = sa.create_engine(PG_BASE)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def pg_schema_exists(schema: str) -> bool:
    engine = sa.create_engine(PG_BASE)
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
                             {"s": schema}).first()
    engine.dispose()
    return found is not None


def machine() -> str:
    try:
        with open("/proc/meminfo") as meminfo:
            mem_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        memory = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        memory = "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} CPUs, {memory} RAM, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}, load average {load}")


FIGURES = os.environ.get("EHCP_BENCH_FIGURES")  # run_all.py: where each script appends its figures


def load() -> str:
    """The 1-minute load average now (printed beside each figure: the VM is shared)."""
    return f"{os.getloadavg()[0]:.1f}"


def figure(name: str, value: float, unit: str, floor_name: str, floor: float | None, budget: str = "",
           status: str = "") -> None:
    """Record one figure with its floor (measured in the same run) for run_all.py's side-by-side
    summary; ratio = value / floor (for rates, floor / value is not used: give seconds)."""
    if not FIGURES:
        return
    ratio = value / floor if floor else None
    with open(FIGURES, "a", encoding="utf-8") as out:
        out.write(json.dumps({"script": Path(sys.argv[0]).stem, "name": name, "value": value, "unit": unit,
                              "floor_name": floor_name, "floor": floor, "ratio": ratio, "budget": budget,
                              "status": status, "load": load()}) + "\n")


def table(title: str, headers: list[str], rows: list[list[object]]) -> str:
    """A plain-text (and Markdown-compatible) table."""
    cells = [[_fmt(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    out = [f"\n{title}\n", line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in cells]
    return "\n".join(out)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        if value >= 1:
            return f"{value:.2f}"
        return f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
