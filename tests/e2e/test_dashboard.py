"""The board dashboard: written by ``ehcp report dashboard``, opened in headless Chromium (screenshot
taken in the test run), and every figure on the page equal to the JSON reports.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it). Without it the test is skipped,
unless ``EHCP_REQUIRE_CHROMIUM=1`` (CI), when it fails. Set ``EHCP_DASHBOARD_SCREENSHOT=docs/dashboard.png``
to keep the screenshot.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.unit.reports.builder import Data

pytestmark = pytest.mark.slow
WINDOW = (1400, 1800)


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("EHCP_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is required (EHCP_REQUIRE_CHROMIUM=1) but not installed: apt-get install chromium")
        pytest.skip("chromium is not installed (apt-get install chromium); set EHCP_REQUIRE_CHROMIUM=1 to fail instead")
    return path


def headless(browser: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp / 'profile'}",
         *args], capture_output=True, text=True, timeout=120, check=True)


class Figures(HTMLParser):
    """Collect ``data-figure`` -> ``data-value`` from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            if a.get(name) and not a[name].startswith(("#", "data:")):
                self.external.append(a[name])
        if "data-figure" in a:
            assert a["data-figure"] not in self.values, f"figure {a['data-figure']} appears twice"
            self.values[a["data-figure"]] = a.get("data-value", "")


def figures(html: str) -> Figures:
    parser = Figures()
    parser.feed(html)
    return parser


def same(shown: str, expected: object) -> bool:
    if expected is None:
        return shown == ""
    return float(shown) == float(expected)


@pytest.fixture
def board(ehcp, db_url):
    """Plans issued in 2025 (days): 140 on time (alice), 141 late, 100 on time, 130 with an exception.
    Including exceptions 3/4 = 75%; excluding 2/3 = 66.7%. Overdue as of 2025-12-01: case A (alice,
    assessment) decision due 11-01 and EP advice due 11-13; case B (bob, request) decision due 11-30."""
    d = Data(db_url)
    alice, bob = d.user("alice", d.team("North")), d.user("bob", d.team("South"))
    ep = d.partner("EP Service")
    d.plan(date(2025, 1, 6), 140, caseworker=alice)
    d.plan(date(2025, 1, 6), 141)
    d.plan(date(2025, 3, 3), 100)
    d.plan(date(2025, 3, 3), 130, state="disapplied", exception="school_closure")
    a = d.case(date(2025, 9, 1), "assessment", alice, events=(("assessment_agreed", date(2025, 10, 1)),))
    d.deadline(a, "assessment_decision", date(2025, 11, 1))
    advice = d.advice(a, "psychological", ep, date(2025, 10, 2))
    d.deadline(a, "advice.psychological", date(2025, 11, 13), advice_request_id=advice)
    for days in (30, 50):  # EP's history: median 40 days
        old = d.case(date(2024, 6, 3), "withdrawn")
        d.advice(old, "psychological", ep, date(2025, 1, 6), date(2025, 1, 6), date(2025, 1, 6) + timedelta(days))
    b = d.case(date(2025, 10, 19), "request", bob)
    d.deadline(b, "assessment_decision", date(2025, 11, 30))
    return ehcp


def test_dashboard_renders_in_chromium_and_matches_the_json_reports(board, tmp_path):
    browser = chromium()
    page = tmp_path / "dashboard.html"
    result = board("report", "dashboard", "--year", "2025", "--out", str(page))  # the plans were issued in 2025
    assert result.stdout == "" and page.is_file()
    html = page.read_text(encoding="utf-8")
    found = figures(html)
    assert found.scripts == 0 and found.external == []  # self-contained: nothing fetched at view time

    shot = tmp_path / "shot.png"
    headless(browser, tmp_path, f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}", page.as_uri())
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == WINDOW
    assert len(png) > 50_000  # a blank page is a few kB; charts and text make it far larger
    if os.environ.get("EHCP_DASHBOARD_SCREENSHOT"):
        shutil.copy(shot, os.environ["EHCP_DASHBOARD_SCREENSHOT"])
    rendered = figures(headless(browser, tmp_path, "--dump-dom", page.as_uri()).stdout)
    assert rendered.values == found.values  # what the browser built is what the file says
    v = found.values

    timeliness = board.json("report", "timeliness", "--year", "2025")
    t = timeliness["twenty_weeks"]
    assert (v["twenty_weeks.excluding.rate"], v["twenty_weeks.including.rate"]) == ("66.7", "75.0")  # 2/3, 3/4
    for key in ("excluding.rate", "including.rate", "including.issued"):
        part, name = key.split(".")
        assert same(v[f"twenty_weeks.{key}"], t[part][name]), key
    for band, value in t["including"]["band_rates"].items():
        assert same(v[f"twenty_weeks.including.band_rates.{band}"], value)
    assert same(v["six_weeks.rate"], timeliness["six_weeks"]["rate"])
    months = {m["month"]: m["rate_excluding"] for m in timeliness["months"]}
    assert months == {"2025-05": 50.0, "2025-06": 100.0, "2025-07": None}
    for month in range(1, 13):  # the page shows January to the as-of month (December)
        key = f"2025-{month:02d}"
        assert same(v[f"timeliness.month.{key}.rate_excluding"], months.get(key)), key
    assert v["national"] == "46.4"

    by_stage = board.json("report", "overdue", "--by", "stage")
    assert v["overdue.total_overdue"] == str(by_stage["total_overdue"]) == "3"
    stages = {g["group"]: g["overdue"] for g in by_stage["groups"] if not g["advisory"]}
    assert stages == {"assessment": 2, "request": 1}
    assert {k.split(".", 2)[2]: int(x) for k, x in v.items() if k.startswith("overdue.stage.")} == stages
    by_partner = board.json("report", "overdue", "--by", "partner")
    partners = {g["group"]: g["overdue"] for g in by_partner["groups"] if g["group"] != "(LA)"}
    assert {k.split(".", 2)[2]: int(x) for k, x in v.items() if k.startswith("overdue.partner.")} == partners \
        == {"EP Service": 1}

    league = board.json("report", "partners")["partners"]
    for row in league:
        assert same(v[f"partners.{row['partner']}.{row['kind']}.median_days"], row["median_days"])
    assert v["partners.EP Service.psychological.median_days"] == "40"
    assert same(v["partners.overdue"], sum(r["overdue"] for r in league))

    caseload = board.json("report", "caseload")
    assert same(v["caseload.total"], caseload["totals"]["total"])
    for row in caseload["caseworkers"]:
        assert same(v[f"caseload.{row['caseworker']}.total"], row["total"])
    assert same(v["forecast.total"], board.json("report", "forecast")["total"])


def test_dashboard_needs_out(board):
    result = board("report", "dashboard", code=2)
    assert "--out" in result.stderr


def test_dashboard_of_an_empty_database(ehcp, tmp_path):
    page = tmp_path / "empty.html"
    ehcp("report", "dashboard", "--out", str(page))
    v = figures(page.read_text(encoding="utf-8")).values
    assert v["twenty_weeks.excluding.rate"] == "" and v["overdue.total_overdue"] == "0"
    assert json.dumps(v)  # every value is plain text
