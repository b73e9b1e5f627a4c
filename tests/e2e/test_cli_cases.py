"""The caseworker CLI through its real entry point, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import subprocess


def new_case(ehcp, received="2025-03-03", child="Alex Example", dob="2016-05-04", **env):
    return ehcp.json("case", "new", "--child", child, "--dob", dob, "--received", received, **env)["reference"]


def test_case_new_prints_reference_last_line(ehcp):
    result = ehcp("case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received", "2025-03-03")
    assert result.stdout.strip().splitlines()[-1] == "EHC-2025-00001"


def test_contract_show_json(ehcp):
    ref = new_case(ehcp, received="2025-01-06")
    doc = ehcp.json("case", "show", ref)
    assert doc["reference"] == ref and doc["stage"] == "request" and doc["received"] == "2025-01-06"
    by_key = {d["key"]: d for d in doc["deadlines"]}
    assert by_key["assessment_decision"]["due"] == "2025-02-17"
    assert by_key["assessment_decision"]["citation"].startswith("SEND Regulations 2014 reg")
    assert by_key["no_plan_notice"]["due"] == "2025-04-28"
    assert by_key["final_plan"]["due"] == "2025-05-26"
    for d in doc["deadlines"]:
        assert {"key", "due", "status", "met_on", "citation", "exception"} <= d.keys()
        assert d["status"] in {"open", "due_soon", "overdue", "met", "missed", "disapplied", "milestone"}


def test_whole_case_to_first_annual_review(ehcp):
    ref = new_case(ehcp)
    ehcp("partner", "add", "EP Service", "--email", "ep@example.org", "--escalation-email", "lead@example.org")
    ehcp("case", "advance", ref, "--to", "assessment", "--on", "2025-04-10")
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service", "--on", "2025-04-14")
    ehcp("advice", "received", ref, "--kind", "psychological", "--on", "2025-05-20")
    ehcp("case", "draft", ref, "--on", "2025-06-02")
    ehcp("case", "finalise", ref, "--on", "2025-07-01")
    ehcp("case", "advance", ref, "--to", "review", "--on", "2025-11-04")
    doc = ehcp.json("case", "show", ref)
    assert doc["stage"] == "review"
    keys = {d["key"]: d for d in doc["deadlines"]}
    assert keys["final_plan"]["status"] == "met"
    assert keys["review_report"]["due"] == "2025-11-18"
    assert keys["review_decision"]["due"] == "2025-12-02"


def test_illegal_move_one_line_exit_1_nothing_written(ehcp):
    ref = new_case(ehcp)
    before = ehcp.json("case", "timeline", ref)
    result = ehcp("case", "advance", ref, "--to", "final", "--on", "2025-04-01", code=1)
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and ref in result.stderr
    assert ehcp.json("case", "timeline", ref) == before


def test_bad_dates_refused(ehcp):
    ref = new_case(ehcp)
    for code, args in (  # a malformed date is a usage error (2); an impossible one a refusal (1)
        (2, ("case", "new", "--child", "Sam Sample", "--dob", "2016-02-30", "--received", "2025-03-03")),
        (1, ("case", "new", "--child", "Sam Sample", "--dob", "2016-02-03", "--received", "2030-03-03")),
        (1, ("case", "new", "--child", "Sam Sample", "--dob", "2016-02-03", "--received", "2015-03-03")),
        (2, ("case", "advance", ref, "--to", "assessment", "--on", "03/04/2025")),
        (1, ("case", "advance", ref, "--to", "assessment", "--on", "2025-02-01")),
    ):
        result = ehcp(*args, code=code)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert len(ehcp.json("case", "list", "--all")["cases"]) == 1


def test_unknown_case_exit_1(ehcp):
    result = ehcp("case", "show", "EHC-2099-00001", code=1)
    assert "unknown case" in result.stderr


def test_list_formats(ehcp):
    new_case(ehcp)
    new_case(ehcp, child="Sam Sample", dob="2015-01-01", received="2025-11-20")
    doc = ehcp.json("case", "list")
    assert [c["reference"] for c in doc["cases"]] == ["EHC-2025-00001", "EHC-2025-00002"]
    rows = list(csv.DictReader(io.StringIO(ehcp("case", "list", "--format", "csv").stdout)))
    # 6 and 20 weeks overdue; the passed 16-week date is a decision point (reg 10(1)), not counted
    assert rows[0]["reference"] == "EHC-2025-00001" and rows[0]["overdue"] == "2"
    overdue = ehcp.json("case", "list", "--overdue")["cases"]
    assert [c["reference"] for c in overdue] == ["EHC-2025-00001"]


def test_exception_through_cli_G19(ehcp):
    ref = new_case(ehcp, received="2026-02-02", EHCP_TODAY="2026-05-20")
    ehcp("case", "exception", ref, "--reason", "absence_from_area", "--from", "2026-04-01", "--to", "2026-05-10",
         EHCP_TODAY="2026-05-20")
    doc = ehcp.json("case", "show", ref, EHCP_TODAY="2026-05-20")
    final = next(d for d in doc["deadlines"] if d["key"] == "final_plan")
    assert final["status"] == "disapplied" and final["exception"] == "absence_from_area"
    assert final["due"] == "2026-06-22"


def test_overdue_report_json(ehcp):
    new_case(ehcp)
    doc = ehcp.json("report", "overdue")
    assert doc["total_overdue"] == 2
    assert {d["key"] for d in doc["deadlines"]} == {"assessment_decision", "final_plan"}
    assert [(m["key"], m["status"]) for m in doc["milestones"]] == [("no_plan_notice", "milestone")]


def test_installed_script_runs_without_prefect(sqlite_url, tmp_path, script):
    env = {"EHCP_DATABASE_URL": sqlite_url, "EHCP_TODAY": "2025-12-01", "EHCP_USER": "casey", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([script, "case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received",
                          "2025-03-03", "--format", "json"], env=env, capture_output=True, text=True, check=True)
    ref = json.loads(out.stdout)["reference"]
    probe = (f"import sys, runpy; sys.argv=['ehcp','case','show','{ref}','--format','json'];\n"
             "try:\n    runpy.run_module('cli.main', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "assert not any(m == 'prefect' or m.startswith('prefect.') for m in sys.modules), 'prefect imported'\n"
             "assert 'alembic' not in sys.modules\n")
    python = script.rsplit("/", 1)[0] + "/python"
    done = subprocess.run([python, "-c", probe], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["reference"] == ref


def test_report_export_audit_names_the_report(ehcp, db_url, tmp_path):
    from sqlalchemy import text

    from ehcp.store.db import engine_for

    new_case(ehcp)
    ehcp("report", "overdue", "--format", "csv", "--out", str(tmp_path / "o.csv"))
    with engine_for(db_url).connect() as conn:
        details = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'personal_data_exported'")).scalars()
        found = [json.loads(d) if isinstance(d, str) else d for d in details]
    assert [{k: v for k, v in f.items() if k != "rows"} for f in found] == [
        {"report": "overdue", "format": "csv", "file": "o.csv"}]
    assert isinstance(found[0]["rows"], int)  # how many rows the file holds (issue 18)


def test_advice_list_puts_requests_without_a_clock_last_on_both_databases(ehcp):
    """SQLite sorts NULL first and PostgreSQL last: the list named the order, and the two disagreed."""
    ref = new_case(ehcp)
    ehcp("partner", "add", "EP Service", "--email", "ep@example.org")
    ehcp("case", "advance", ref, "--to", "assessment", "--on", "2025-04-10")
    ehcp("advice", "request", ref, "--kind", "parent", "--on", "2025-04-14")
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service", "--on", "2025-04-15")
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service", "--on", "2025-04-14")
    listed = ehcp.json("advice", "list", "--case", ref)["advice"]
    assert [(a["kind"], a["requested_on"], a["status"] != "no clock") for a in listed] == [
        ("psychological", "2025-04-14", True), ("psychological", "2025-04-15", True), ("parent", "2025-04-14", False)]


def test_instants_print_in_utc_with_their_zone_on_both_databases(ehcp):
    """SQLite returns a stored instant without its zone and PostgreSQL with it: 'audit show' printed
    2025-...T10:00:00 on one and 2025-...T10:00:00+00:00 on the other (and its table folded
    differently)."""
    ref = new_case(ehcp)
    stamps = [r["at"] for r in ehcp.json("audit", "show", ref)["audit"]]
    assert stamps and all(s.endswith("+00:00") for s in stamps), stamps
