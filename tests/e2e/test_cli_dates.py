"""Dates as typed (issue 15): today and yesterday, malformed dates as usage errors, EHCP_TODAY
within 2014..2100, notes dated by EHCP_TODAY, case-insensitive stages, ``appeal decision --on``."""

from __future__ import annotations


def new_case(ehcp, received="2025-03-03", child="Alex Example"):
    return ehcp.json("case", "new", "--child", child, "--dob", "2016-05-04",
                     "--received", received)["reference"]


def test_a_note_is_dated_by_ehcp_today(ehcp):
    ref = new_case(ehcp)
    ehcp("case", "note", ref, "Phoned the parent.", EHCP_TODAY="2025-03-05")
    notes = [i for i in ehcp.json("case", "timeline", ref)["items"] if i["what"] == "note"]
    assert [n["date"] for n in notes] == ["2025-03-05"]


def test_today_and_yesterday_are_dates_everywhere(ehcp):
    ref = new_case(ehcp, received="yesterday")
    assert ehcp.json("case", "show", ref)["received"] == "2025-11-30"
    ehcp("case", "advance", ref, "--to", "Assessment", "--on", "today")
    doc = ehcp.json("case", "show", ref)
    assert doc["stage"] == "assessment"
    assert [i["date"] for i in ehcp.json("case", "timeline", ref)["items"]][:2] == ["2025-11-30", "2025-12-01"]


def test_a_malformed_date_is_a_usage_error(ehcp):
    ref = new_case(ehcp)
    for bad in ("2025-02-30", "25/02/2025", "tomorrow"):
        result = ehcp("case", "advance", ref, "--to", "assessment", "--on", bad, code=2)
        assert len(result.stderr.strip().splitlines()) == 1 and "--on" in result.stderr
    assert ehcp("case", "new", "--child", "Sam Sample", "--dob", "2016-13-01", "--received", "2025-03-03",
                code=2).stderr.count("\n") == 1


def test_ehcp_today_outside_2014_to_2100_is_refused_in_one_line(ehcp):
    for bad in ("2013-12-31", "2101-01-01", "not-a-date"):
        result = ehcp("case", "list", code=1, EHCP_TODAY=bad)
        assert result.stderr.startswith("ehcp: EHCP_TODAY") and result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr


def test_appeal_decision_takes_on_like_every_command_and_keeps_sent(ehcp):
    ref = new_case(ehcp, received="2025-01-06")
    ehcp("case", "decide", ref, "--no-assess", "--on", "2025-02-10")
    ehcp("appeal", "decision", ref, "--on", "2025-02-11", "--about", "refusal_to_assess")
    other = new_case(ehcp, received="2025-01-06", child="Sam Sample")
    ehcp("case", "decide", other, "--no-assess", "--on", "2025-02-10")
    ehcp("appeal", "decision", other, "--sent", "2025-02-11", "--about", "refusal_to_assess")
    due = [{d["key"]: d["due"] for d in ehcp.json("case", "show", r)["deadlines"]} for r in (ref, other)]
    assert due[0] == due[1] and any(k.startswith("appeal") for k in due[0])


def test_implausible_dates_of_birth_and_requests_are_refused_in_one_line(ehcp):
    def opening(dob, received, *extra, code=1):
        return ehcp("case", "new", "--child", "Pat Person", "--dob", dob, "--received", received, *extra, code=code)

    too_old = opening("1990-05-04", "2025-03-03").stderr
    assert "makes the child 34" in too_old and too_old.count("\n") == 1
    assert "before the child's date of birth" in opening("2025-05-04", "2025-03-03").stderr
    early = opening("2010-05-04", "2014-08-31").stderr
    assert "2014-09-01" in early and early.count("\n") == 1
    assert "--reason" in opening("1990-05-04", "2025-03-03", "--force").stderr  # forcing needs a reason
    ref = opening("1990-05-04", "2025-03-03", "--force", "--reason", "care leaver, age checked",
                  code=0).stdout.split()[-1]
    audit = ehcp.json("audit", "show", ref)["audit"]
    forced = [a for a in audit if a["action"] == "implausible_age_forced"]
    assert len(forced) == 1 and forced[0]["reason"] == "care leaver, age checked"
