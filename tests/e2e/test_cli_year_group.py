"""A recorded year group moves on each 1 September (issue 15): read a year later it is one higher,
and every clock that uses it (phase transfer, the season planner) agrees."""

from __future__ import annotations


def keyed(doc: dict) -> dict[str, dict]:
    return {d["key"]: d for d in doc["deadlines"]}


def test_a_year_group_recorded_in_january_2025_is_year_11_in_2026(ehcp):
    # born October 2010: chronologically Year 9 in 2024/25, recorded as Year 10 (out of cohort)
    ref = ehcp.json("case", "new", "--child", "Yara Ten", "--dob", "2010-10-01", "--received", "2025-01-06",
                    "--year-group", "10", EHCP_TODAY="2025-01-15")["reference"]
    ehcp("case", "decide", ref, "--assess", "--on", "2025-02-10", EHCP_TODAY="2025-02-10")
    ehcp("case", "draft", ref, "--on", "2025-04-01", EHCP_TODAY="2025-04-01")
    ehcp("case", "finalise", ref, "--on", "2025-05-01", EHCP_TODAY="2025-05-01")
    before = keyed(ehcp.json("case", "show", ref, EHCP_TODAY="2025-05-01"))["phase_transfer"]["due"]
    assert before.startswith("2026-03")  # Year 11 in 2025/26: the post-16 transfer in September 2026

    ehcp.env["EHCP_TODAY"] = "2026-01-12"
    assert ehcp.json("case", "show", ref)["child"]["year_group"] == 11
    season = ehcp.json("review", "season", "--year", "2026")
    assert [(r["reference"], r["ncy"]) for r in season["cohort"]] == [(ref, 11)]
    ehcp("review", "schedule", ref, "--meeting", "2026-02-02", "--on", "2026-01-12")
    assert keyed(ehcp.json("case", "show", ref))["phase_transfer"]["due"] == before
    assert ehcp.json("review", "season", "--year", "2027")["cohort"] == []
