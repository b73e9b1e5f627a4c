"""bench/run_all.py ends with every recorded figure beside its floor and the load (issue 22); the
figures come from the scripts through ``_common.figure``. No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_recorded_figures_come_out_side_by_side_with_floor_ratio_and_load(tmp_path: Path) -> None:
    figures = tmp_path / "figures.jsonl"
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import _common; "
            "_common.figure('postgresql: ehcp case show', 0.5, 's', \"python -c 'import sqlalchemy'\", 0.25, "
            "'<= 1.5x', 'missed')")
    subprocess.run([sys.executable, "-c", code, str(BENCH)], check=True,
                   env={"EHCP_BENCH_FIGURES": str(figures), "PATH": "/usr/bin:/bin"})
    recorded = [json.loads(line) for line in figures.read_text().splitlines()]
    assert recorded[0]["ratio"] == 2.0 and float(recorded[0]["load"]) >= 0
    sys.path.insert(0, str(BENCH))
    try:
        import run_all

        text = run_all.summary(recorded)
    finally:
        sys.path.remove(str(BENCH))
    row = next(line for line in text.splitlines() if "ehcp case show" in line)
    assert "500 ms" in row and "250 ms" in row and "2.00x" in row and "<= 1.5x" in row and "missed" in row
    assert "load average" in text
