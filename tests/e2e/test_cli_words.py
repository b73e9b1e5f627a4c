"""What a person reads (issue 16): help as paragraphs, refusals that name the next command, labels
instead of internal keys, --version, --team, an unknown caseworker, a mistyped search."""

from __future__ import annotations

import re

from cli.output import paragraphs


def draft(ehcp) -> str:
    ref = ehcp.json("case", "new", "--child", "Alex Example", "--dob", "2016-05-04", "--received", "2025-01-06")[
        "reference"]
    ehcp("case", "decide", ref, "--assess", "--on", "2025-02-03")
    ehcp("case", "draft", ref, "--on", "2025-04-07")
    return ref


def test_help_reads_as_paragraphs_at_any_width(ehcp_sqlite):
    """The docstring's own line breaks do not survive: at 200 columns a paragraph is one line."""
    shown = ehcp_sqlite("review", "schedule", "--help", COLUMNS="200").stdout
    assert "the latest posting date if --channel is a post" in shown
    assert re.search(r"the latest\s*\n", shown) is None


def test_paragraphs_keep_examples_on_their_own_line():
    text = """Do a thing
        over two lines.

        More words
        here.
        Example: ehcp case show EHC-2025-00001
    """
    assert paragraphs(text) == ("Do a thing over two lines.\n\nMore words here.\n"
                                "Example: ehcp case show EHC-2025-00001")


def test_refusal_asking_for_a_written_waiver_names_the_command(ehcp_sqlite):
    ref = draft(ehcp_sqlite)
    refused = ehcp_sqlite("case", "finalise", ref, "--on", "2025-04-10", code=1)
    assert f"ehcp case waive {ref} --on YYYY-MM-DD" in refused.stderr


def test_version():
    from typer.testing import CliRunner

    from cli.main import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and re.fullmatch(r"ehcp \d+\.\d+\.\d+\S*\n", result.stdout)


def test_unknown_caseworker_is_an_error_not_an_empty_list(ehcp_sqlite):
    draft(ehcp_sqlite)
    refused = ehcp_sqlite("case", "list", "--caseworker", "no.such.person", code=1)
    assert "no caseworker with the login 'no.such.person'" in refused.stderr


def test_case_list_by_team(ehcp_sqlite):
    ref = draft(ehcp_sqlite)
    ehcp_sqlite("user", "add", "kim.north", "--name", "Kim North", "--team", "North")
    ehcp_sqlite("user", "add", "sam.other", "--name", "Sam Other", "--team", "South")
    ehcp_sqlite("case", "assign", ref, "--to", "kim.north")
    assert [c["reference"] for c in ehcp_sqlite.json("case", "list", "--team", "North")["cases"]] == [ref]
    assert ehcp_sqlite.json("case", "list", "--team", "South")["cases"] == []
    assert "no team called 'East'" in ehcp_sqlite("case", "list", "--team", "East", code=1).stderr


def test_find_offers_a_near_match_for_a_typo(ehcp_sqlite):
    ref = draft(ehcp_sqlite)
    found = ehcp_sqlite.json("case", "find", "Alex Exampel")
    assert [c["reference"] for c in found["cases"]] == [ref] and found["near_matches"] is True
    assert "did you mean" in ehcp_sqlite("case", "find", "Alx Example").stdout
    exact = ehcp_sqlite.json("case", "find", "Alex Example")
    assert exact["near_matches"] is False


def test_timeline_names_the_partner_not_the_request_id(ehcp_sqlite):
    ref = draft(ehcp_sqlite)
    ehcp_sqlite("partner", "add", "Example EP Service", "--kind", "psychological")
    ehcp_sqlite("advice", "request", ref, "--kind", "psychological", "--partner", "Example EP Service",
                "--on", "2025-02-10")
    shown = ehcp_sqlite("case", "timeline", ref, COLUMNS="200").stdout
    assert "partner: Example EP Service" in shown
    assert "request_id" not in shown and "advice_requested" not in shown


def test_case_show_uses_labels_and_json_keeps_keys(ehcp_sqlite):
    ref = draft(ehcp_sqlite)
    shown = ehcp_sqlite("case", "show", ref, COLUMNS="200").stdout
    assert "final plan" in shown and "final_plan" not in shown and "True" not in shown
    assert "final_plan" in {d["key"] for d in ehcp_sqlite.json("case", "show", ref)["deadlines"]}


def test_overdue_workbook_sheets_are_named_for_people_not_rule_ids(ehcp_sqlite, tmp_path):
    from openpyxl import load_workbook

    draft(ehcp_sqlite)
    out = tmp_path / "overdue.xlsx"
    ehcp_sqlite("report", "overdue", "--format", "xlsx", "--out", str(out), EHCP_TODAY="2025-08-01")
    names = load_workbook(out, read_only=True).sheetnames
    assert "final plan" in names and not [n for n in names if n.startswith("R-")]
