"""``ehcp rules list|show``: the catalogue through the real command tree."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from cli.main import app
from ehcp.rules import DEFAULT_RULES


def run(*args):
    return CliRunner().invoke(app, ["rules", *args], env={"COLUMNS": "240"})


def test_list_json_has_every_version_with_its_dates():
    result = run("list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["rules"]
    assert len(rows) == len(DEFAULT_RULES)
    devon = [r for r in rows if r["rule"] == "R-AMEND-FINAL" and r["version"] == "send-2014+devon-2022"]
    assert devon == [{**devon[0], "effective_from": "2022-03-08", "effective_to": None, "convention": "C-WEEKS"}]
    assert "12 weeks after the review meeting" in devon[0]["period"]


def test_list_csv_has_every_column():
    result = run("list", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    first = rows[0]
    assert first["rule"] == "R-ASSESS-DECISION" and first["citation"] == "SEND Regulations 2014 reg 5(1)"
    assert first["trigger"] and first["exceptions"] == "school_closure, personal_circumstances, absence_from_area"


def test_list_table_names_the_rules():
    result = run("list")
    assert result.exit_code == 0 and "R-FINAL-PLAN" in result.stdout


def test_show_by_id_or_deadline_key_gives_citation_trigger_counting_and_versions():
    by_id = json.loads(run("show", "R-ADVICE-RESPOND", "--format", "json").stdout)
    by_key = json.loads(run("show", "advice.medical.2", "--format", "json").stdout)
    lower = json.loads(run("show", "r-advice-respond", "--format", "json").stdout)
    assert by_id == by_key == lower
    assert by_id["citation"] == "SEND Regulations 2014 reg 8(1)"
    assert by_id["trigger"] == "advice request received by the body"
    assert by_id["convention"] == "C-WEEKS" and by_id["period"] == "6 weeks"
    assert "school_closure" not in by_id["exceptions"] and "missed_appointment" in by_id["exceptions"]
    assert [v["version"] for v in by_id["versions"]] == ["send-2014", "send-2014@covid-2020", "send-2014"]
    assert by_id["versions"][1]["effective_to"] == "2020-09-25"


def test_show_table_prints_the_rule_and_where_it_is_documented():
    result = run("show", "R-FINAL-PLAN")
    assert result.exit_code == 0
    assert "reg 13(2)" in result.stdout and "docs/rules.md#r-final-plan" in result.stdout


def test_unknown_rule_is_refused_with_one_line_and_exit_1():
    result = run("show", "R-TEA-BREAK")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == ["ehcp: no rule with key or id 'R-TEA-BREAK'"]
