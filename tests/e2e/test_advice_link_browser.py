"""Issue 20's 'done when': a real headless browser returns advice through the link a real nightly
chase wrote, and the case, the audit trail and the next night's digest all show it.

``ehcp flows run chase-advice --no-prefect`` writes the digests to the outbox; ``ehcp web serve`` runs
as a real subprocess on a free port; Playwright drives Debian's Chromium (``executable_path``: no
browser is downloaded). A first submission with a date in the future is refused with the error
summary; the second, typed and submitted from the keyboard with a PDF attached, records the advice.
Without chromium the test is skipped, unless ``EHCP_REQUIRE_CHROMIUM=1`` (CI), when it fails.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
import urllib.request
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.e2e.test_dashboard import chromium
from tests.integration.test_chase import EP, build_scenario

pytestmark = pytest.mark.slow
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def digests(outbox: Path, to: str, night: date) -> list[str]:
    mails = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(outbox.glob("*.eml"))]
    return [m.get_content() for m in mails if m["To"] == to and f"{night.day} {night:%B %Y}" in m.get_content()]


def test_a_partner_returns_advice_in_a_browser_from_the_link_the_chase_sent(sqlite_url, make_ctx, tmp_path, script):
    browser_path = chromium()
    from playwright.sync_api import sync_playwright

    build_scenario(sqlite_url, make_ctx, tmp_path)
    port = free_port()
    outbox = tmp_path / "outbox"
    env = {**os.environ, "EHCP_DATABASE_URL": sqlite_url, "EHCP_TODAY": "2025-05-28", "EHCP_USER": "ops",
           "EHCP_OUTBOX": str(outbox), "EHCP_WEB_BASE_URL": f"http://127.0.0.1:{port}",
           "EHCP_CONFIG": str(tmp_path / "none.toml"), "NO_COLOR": "1"}
    env.pop("EHCP_SECRET_KEY_FILE", None)  # the embedded default: a 0600 key beside the database

    def ehcp(*args: str, today: str = "2025-05-28") -> subprocess.CompletedProcess:
        done = subprocess.run([script, *args], env={**env, "EHCP_TODAY": today}, capture_output=True, text=True,
                              timeout=180, check=False)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done

    ehcp("flows", "run", "chase-advice", "--no-prefect", "--as-of", "2025-05-28")
    [digest] = digests(outbox, EP, date(2025, 5, 28))
    link = re.search(r"EHC-2025-00001 psychological: (\S+)", digest).group(1)
    assert link.startswith(f"http://127.0.0.1:{port}/advice-return/")
    key = tmp_path / "ehcp-secret.key"
    assert (key.stat().st_mode & 0o777) == 0o600

    server = subprocess.Popen([script, "web", "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/advice-return/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"ehcp web serve did not start: {server.poll()} {server.stderr and server.stderr.read()}")
        advice = tmp_path / "advice.pdf"
        advice.write_bytes(PDF)
        with sync_playwright() as play:
            browser = play.chromium.launch(executable_path=browser_path, headless=True,
                                           args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(link)
            assert page.title().startswith("Confirm the advice has been sent")
            assert "EHC-2025-00001" in page.content() and "A.E." in page.content()
            assert page.locator("script").count() == 0
            # a date in the future: refused with the error summary, nothing recorded
            page.get_by_label("Day").fill("29")
            page.get_by_label("Month").fill("5")
            page.get_by_label("Year").fill("2025")
            page.get_by_role("button", name="Confirm advice sent").click()
            assert page.title().startswith("Error: ")
            summary = page.get_by_role("alert")
            assert "There is a problem" in summary.inner_text() and "today or in the past" in summary.inner_text()
            # the error summary's link takes the keyboard user to the field
            summary.get_by_role("link").click()
            # the real date, with the file, submitted from the keyboard (Enter in the year field)
            page.get_by_label("Day").fill("27")
            page.get_by_label("Month").fill("5")
            page.get_by_label("Upload the advice (optional)").set_input_files(str(advice))
            page.get_by_label("Year").fill("2025")
            page.get_by_label("Year").press("Enter")
            page.wait_for_load_state()
            assert page.title().startswith("Advice recorded"), page.content()
            assert "EHC-2025-00001" in page.inner_text("main")
            # the same link again: refused politely
            page.goto(link)
            assert "already been recorded" in page.inner_text("h1")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)

    case = json.loads(ehcp("case", "show", "EHC-2025-00001", "--format", "json").stdout)
    clock = next(d for d in case["deadlines"] if d["key"] == "advice.psychological")
    assert clock["met_on"] == "2025-05-27" and clock["status"] in ("met", "missed"), clock  # late: its real date
    audit = json.loads(ehcp("audit", "show", "EHC-2025-00001", "--format", "json").stdout)["audit"]
    received = [r for r in audit if r["action"] == "advice_received"]
    assert len(received) == 1 and received[0]["actor"] == EP and "portal" in received[0]["reason"]
    listed = json.loads(ehcp("advice", "list", "--received-via", "portal", "--format", "json").stdout)["advice"]
    assert [(r["reference"], r["received_on"]) for r in listed] == [("EHC-2025-00001", "2025-05-27")]

    # the next night: the partner's digest no longer lists the request; the caseworker hears of it
    ehcp("flows", "run", "chase-advice", "--no-prefect", "--as-of", "2025-05-29", today="2025-05-29")
    [tomorrow] = digests(outbox, EP, date(2025, 5, 29))
    assert "EHC-2025-00002" in tomorrow and "EHC-2025-00001" not in tomorrow
    ehcp("flows", "run", "caseworker-digest", "--no-prefect", "--as-of", "2025-05-29", today="2025-05-29")
    [caseworker] = digests(outbox, "casey@la.example", date(2025, 5, 29))
    assert "Advice received via portal since your last digest (1)" in caseworker
