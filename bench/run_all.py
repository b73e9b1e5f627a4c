"""Run every benchmark script in bench/ (bench_*.py), one after the other, with its default (modest)
sizes, and finish with a summary: each script's wall time, peak RSS and exit status.

    .venv/bin/python bench/run_all.py                       # what `make bench` runs
    .venv/bin/python bench/run_all.py --only cli,import     # bench_cli.py and bench_import.py
    .venv/bin/python bench/run_all.py --output /tmp/bench.txt

Each script prints its own table of figures and ratios measured side by side in one run, on SQLite
and PostgreSQL. The scripts also record their budgeted figures (``_common.figure``) in a file that
this runner reads back: the run ends with every figure beside its floor, the ratio, the budget and
the 1-minute load average when it was taken (the VM is shared: a ratio to a floor measured in the
same run is what to compare, not milliseconds). Extra arguments after ``--`` go to every script,
e.g. ``run_all.py --only cli -- --cases 20000 --repeat 11``. docs/performance.md holds the latest
figures and how they were obtained.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PYTHON, TIME, machine, table

HERE = Path(__file__).resolve().parent


def scripts(only: list[str] | None) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    if only:
        wanted = {name.removeprefix("bench_").removesuffix(".py") for name in only}
        found = [p for p in found if p.stem.removeprefix("bench_") in wanted]
    return found


def run(script: Path, timeout: float, out, extra: list[str] | None = None,
        env: dict[str, str] | None = None) -> tuple[float, float | None, int]:
    """Run one script, streaming its output; (seconds, peak RSS MB or None, exit status)."""
    cmd = [PYTHON, str(script), *(extra or [])]
    if TIME:
        cmd = [TIME, "-f", "@@maxrss %M", *cmd]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                            env={**os.environ, **(env or {})})
    rss = None
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("@@maxrss "):
                rss = int(line.split()[1]) / 1024
                continue
            if line.startswith("Command exited with non-zero status"):
                continue
            out(line.rstrip("\n"))
            if time.perf_counter() - started > timeout:
                proc.kill()
                out(f"(stopped after {timeout:.0f} s)")
                break
        code = proc.wait()
    except KeyboardInterrupt:
        proc.kill()
        raise
    return time.perf_counter() - started, rss, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated script names without bench_ / .py (e.g. cli,import)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per script (default 1800)")
    parser.add_argument("--output", type=Path, help="also write everything printed to this file")
    parser.add_argument("extra", nargs="*", help="after --: arguments passed to every script")
    args = parser.parse_args()
    sink = args.output.open("w", encoding="utf-8") if args.output else None

    def out(line: str) -> None:
        print(line, flush=True)
        if sink:
            sink.write(line + "\n")
            sink.flush()

    found = scripts(args.only.split(",") if args.only else None)
    out(f"run_all: {len(found)} benchmark script(s); {machine()}")
    rows = []
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl", prefix="ehcp-figures-") as figures:
        for script in found:
            out(f"\n===== {script.name} " + "=" * max(0, 60 - len(script.name)))
            seconds, rss, code = run(script, args.timeout, out, args.extra, {"EHCP_BENCH_FIGURES": figures.name})
            rows.append([script.name, seconds, "-" if rss is None else rss, "ok" if code == 0 else f"exit {code}"])
        recorded = [json.loads(line) for line in figures.read().splitlines() if line.strip()]
    out(table("run_all summary", ["script", "wall s", "peak RSS MB", "status"], rows))
    out(summary(recorded))
    if sink:
        sink.close()
    sys.exit(0 if all(r[3] == "ok" for r in rows) else 1)


def summary(recorded: list[dict]) -> str:
    """The side-by-side table of the figures the scripts recorded (``_common.figure``)."""
    return table(f"every figure beside its floor (measured in the same run); at the end: {machine()}",
                 ["script", "figure", "value", "floor", "floor value", "ratio", "budget", "status", "load"],
                 [[f["script"], f["name"], _value(f["value"], f["unit"]), f["floor_name"],
                   _value(f["floor"], f["unit"]) if f["floor"] is not None else "-",
                   f"{f['ratio']:.2f}x" if f["ratio"] is not None else "-", f["budget"], f["status"], f["load"]]
                  for f in recorded])


def _value(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"
    return f"{value:,.0f} {unit}"


if __name__ == "__main__":
    main()
