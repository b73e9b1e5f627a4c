"""``ehcp report ...`` through the real Typer app: every format, ``--out``, xlsx typing, refusals."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.reports.builder import Data

REPORTS = ("overdue", "timeliness", "partners", "forecast", "caseload")


class Run:
    def __init__(self, url: str, tmp: Path):
        self.env = {"EHCP_DATABASE_URL": url, "EHCP_TODAY": "2025-12-01", "EHCP_USER": "manager",
                    "NO_COLOR": "1", "EHCP_CONFIG": str(tmp / "none.toml"), "EHCP_OUTBOX": str(tmp / "outbox")}

    def __call__(self, *args: str, code: int = 0):
        from cli.main import app

        result = CliRunner().invoke(app, ["report", *args], env=self.env, catch_exceptions=False)
        assert result.exit_code == code, (args, result.exit_code, result.stdout, result.stderr)
        return result


@pytest.fixture
def run(db_url, tmp_path):
    d = Data(db_url)
    alice = d.user("alice", d.team("North"))
    ep = d.partner("EP Service")
    late = d.case(date(2025, 9, 1), "assessment", alice, events=(("assessment_agreed", date(2025, 10, 1)),))
    d.deadline(late, "assessment_decision", date(2025, 10, 13), "met", met_on=date(2025, 10, 1))
    d.deadline(late, "final_plan", date(2026, 1, 19))
    advice = d.advice(late, "psychological", ep, date(2025, 10, 2), date(2025, 10, 2))
    d.deadline(late, "advice.psychological", date(2025, 11, 13), advice_request_id=advice)
    d.plan(date(2025, 1, 6), 140, caseworker=alice)
    d.plan(date(2025, 1, 6), 141)
    return Run(db_url, tmp_path)


def test_overdue_json_keeps_its_shape(run):
    doc = json.loads(run("overdue", "--format", "json").stdout)
    assert set(doc) >= {"deadlines", "groups", "as_of", "by", "total_overdue"}
    assert doc["total_overdue"] == 1 and doc["as_of"] == "2025-12-01"
    (row,) = doc["deadlines"]
    assert (row["reference"], row["key"], row["due"], row["days_overdue"], row["partner"]) == \
        ("EHC-2025-00001", "advice.psychological", "2025-11-13", 18, "EP Service")
    assert "DfE" in doc["footer"]


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_in_every_text_format(run, name):
    doc = json.loads(run(name, "--format", "json").stdout)
    assert "DfE" in doc["footer"]
    table = run(name).stdout
    assert "DfE" in " ".join(table.split())  # the footer says whose definitions these are
    rows = list(csv.reader(io.StringIO(run(name, "--format", "csv").stdout)))
    assert rows and rows[0]


def test_overdue_csv_lists_every_deadline_and_summary_lists_groups(run):
    rows = list(csv.DictReader(io.StringIO(run("overdue", "--due-within", "60", "--format", "csv").stdout)))
    assert [(r["key"], r["status"], r["advisory"]) for r in rows] == [
        ("advice.psychological", "overdue", "False"), ("final_plan", "due_soon", "False")]
    summary = list(csv.DictReader(io.StringIO(run("overdue", "--summary", "--format", "csv").stdout)))
    assert summary == [{"group": "R-ADVICE-RESPOND", "advisory": "False", "overdue": "1", "due_soon": "0",
                        "oldest_due": "2025-11-13"}]


def test_timeliness_figures_through_the_cli(run):
    doc = json.loads(run("timeliness", "--year", "2025", "--format", "json").stdout)
    # day 140 on time, day 141 late: 1 of 2
    assert doc["twenty_weeks"]["including"] == {**doc["twenty_weeks"]["including"], "issued": 2, "within": 1,
                                                "rate": 50.0}
    assert json.loads(run("timeliness", "--year", "2025", "--day-count", "139", "--format", "json").stdout)[
        "twenty_weeks"]["including"]["within"] == 0
    by_month = list(csv.DictReader(io.StringIO(run("timeliness", "--by", "month", "--format", "csv").stdout)))
    assert [(r["month"], r["issued"], r["within"]) for r in by_month] == [("2025-05", "2", "1")]


def test_out_writes_the_file_and_nothing_to_stdout(run, tmp_path):
    target = tmp_path / "overdue.json"
    result = run("overdue", "--format", "json", "--out", str(target))
    assert result.stdout == "" and "wrote" in result.stderr
    assert json.loads(target.read_text())["total_overdue"] == 1
    run("caseload", "--out", str(tmp_path / "caseload.txt"))
    assert "alice" in (tmp_path / "caseload.txt").read_text()


def test_xlsx_needs_out(run):
    result = run("overdue", "--format", "xlsx", code=2)
    assert "--out" in result.stderr


def test_xlsx_typed_cells_frozen_header_sheet_per_group(run, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "overdue.xlsx"
    run("overdue", "--by", "partner", "--due-within", "60", "--format", "xlsx", "--out", str(target))
    wb = load_workbook(target)
    assert wb.sheetnames == ["Summary", "EP Service", "(LA)", "About"]
    ws = wb["EP Service"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:6] == ["advisory", "reference", "stage", "key", "due", "days_overdue"]
    row = dict(zip(header, ws[2], strict=True))
    assert isinstance(row["due"].value, datetime) and row["due"].value.date() == date(2025, 11, 13)
    assert row["due"].is_date and row["due"].number_format == "yyyy-mm-dd"
    assert row["days_overdue"].value == 18 and row["days_overdue"].data_type == "n"
    assert row["advisory"].value is False
    assert "DfE" in " ".join(str(c.value) for c in wb["About"]["A"])


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_exports_to_xlsx(run, tmp_path, name):
    from openpyxl import load_workbook

    target = tmp_path / f"{name}.xlsx"
    run(name, "--format", "xlsx", "--out", str(target))
    wb = load_workbook(target)
    assert wb.sheetnames[-1] == "About" and len(wb.sheetnames) >= 2
    for ws in wb.worksheets[:-1]:
        assert ws.freeze_panes == "A2"


def test_timeliness_summary_numbers_are_numbers_in_xlsx(run, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "t.xlsx"
    run("timeliness", "--year", "2025", "--format", "xlsx", "--out", str(target))
    ws = load_workbook(target)["summary"]
    first = [c.value for c in ws[2]]
    assert first[1:4] == [1, 2, 50.0]  # excluding exceptions: day 140 within, day 141 not: 1 of 2


@pytest.mark.parametrize("args, message", [
    (("overdue", "--by", "colour"), "unknown grouping"),
    (("timeliness", "--year", "2025", "--from", "2025-01-01"), "either --year or --from"),
    (("timeliness", "--from", "2025-06-01", "--to", "2025-01-01"), "before --from"),
    (("timeliness", "--by", "week"), "grouped by month"),
    (("caseload", "--out", "/nonexistent/dir/c.txt"), "cannot write"),
    (("dashboard", "--out", "/nonexistent/dir/d.html"), "cannot write"),
])
def test_refusals_exit_1_with_one_line(run, args, message):
    result = run(*args, code=1)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_malformed_date_is_a_usage_error_in_one_line(run):
    result = run("overdue", "--as-of", "01/12/2025", code=2)
    assert "not a date" in result.stderr and len(result.stderr.strip().splitlines()) == 1
