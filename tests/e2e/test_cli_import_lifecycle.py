"""``ehcp import events`` with lifecycle rows (fields in ``details``) through the real entry point."""

from __future__ import annotations

import json

from tests.e2e.test_cli_lifecycle import keyed, plan


def test_review_and_cease_rows_import_as_json_and_bad_details_are_refused(ehcp, tmp_path):
    ref = plan(ehcp)  # final plan issued 2024-10-21
    good = tmp_path / "events.csv"
    good.write_text("reference,kind,on,outcome,details\n"
                    f"{ref},review_scheduled,2025-09-01,,meeting=2025-09-16\n"
                    f"{ref},review_meeting_held,2025-09-16,,\n"
                    f"{ref},review_decided,2025-10-10,cease,\n"
                    f"{ref},cease_notice_sent,2025-10-10,,reason=needs_met\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("reference,kind,on,details\n"
                   f"{ref},appealable_decision,2025-10-10,about=cease;colour=blue\n"
                   f"{ref},review_report_sent,2025-09-23,outcome=maintain\n")
    refused = ehcp("import", "events", str(bad), "--format", "json", code=1)
    assert len(refused.stderr.strip().splitlines()) == 1 and "nothing was imported" in refused.stderr
    rejected = json.loads(refused.stdout)["rejected"]
    assert [(r["line"], r["column"]) for r in rejected] == [(2, "details"), (3, "details")]
    assert "unknown key 'colour' for appealable_decision; its keys are about" in rejected[0]["reason"]
    assert "review_report_sent takes no details" in rejected[1]["reason"]

    doc = ehcp.json("import", "events", str(good))
    assert (doc["kind"], doc["rows"], doc["cases"], doc["events"]) == ("events", 4, 1, 4)
    show = ehcp.json("case", "show", ref)
    assert show["stage"] == "final"  # maintained until the time for appealing the decision to cease ends
    got = keyed(show)
    assert got["cease_effective"]["due"] == "2025-12-11" and got["appeal_deadline"]["due"] == "2025-12-10"
    # the same as 'ehcp review decision --cease --reason needs_met' gives (tests/e2e/test_cli_lifecycle.py)
    refusal = ehcp("cease", "plan", ref, "--on", "2025-11-28", code=1)
    assert "it may cease from 2025-12-11" in refusal.stderr
