"""Pure rendering: SVG charts, the dashboard page from plain data, the xlsx writer, the formatter."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest

from ehcp.reports import charts
from ehcp.reports.charts import Bar
from ehcp.reports.dashboard import render_html
from ehcp.reports.result import Period, Report, Table, rate
from ehcp.reports.timeliness import by_month, twenty_weeks
from ehcp.reports.xlsx import cell_value, sheet_name, write_workbook

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def figures(svg: str) -> dict[str, str]:
    return {e.get("data-figure"): e.get("data-value") for e in parse(svg).iter() if e.get("data-figure")}


def test_column_chart_is_valid_svg_with_figures_and_reference():
    svg = charts.column_chart([Bar("Jan", 48.7, "m.01", "green", "n=39"), Bar("Feb", None, "m.02")],
                              label="20 weeks", reference=(46.4, "national 46.4%"))
    assert figures(svg) == {"m.01": "48.7", "m.02": "", "national": "46.4"}
    assert "national 46.4%" in svg and "<script" not in svg


def test_hbar_chart_escapes_labels_and_draws_markers():
    svg = charts.hbar_chart([Bar("<b>Paeds & Co</b>", 40, "p.x", marker=59, note="90th 59", sublabel="medical")],
                            label="latency", reference=(42, "6 weeks"))
    root = parse(svg)  # would raise on unescaped markup
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "<b>Paeds & Co</b>" in texts and "medical" in texts and "6 weeks" in texts
    assert figures(svg) == {"p.x": "40"}


def test_stacked_chart_totals_and_empty_states():
    svg = charts.stacked_chart([("alice", [("request", 2), ("final", 3)], "caseload.alice")], label="caseload")
    assert figures(svg) == {"caseload.alice.request": "2", "caseload.alice.final": "3", "caseload.alice.total": "5"}
    assert "No open cases" in charts.stacked_chart([], label="x")
    assert "None" in charts.hbar_chart([], label="x") and "No data" in charts.column_chart([], label="x")


def test_number_format():
    assert (charts.fmt(1042), charts.fmt(46.4, "%"), charts.fmt(46.0, "%"), charts.fmt(40.0), charts.fmt(None)) == \
        ("1,042", "46.4%", "46.0%", "40", "-")
    assert [charts.compact(n) for n in (950, 7683, 12_345, 1_234_567)] == ["950", "7.7k", "12k", "1.2M"]


def data(rate_excl: float | None = 50.0) -> dict:
    """The dashboard's input, as build_dashboard returns it, for one small month."""
    measure = {"issued": 2, "within": 1, "rate": rate_excl, "avg_weeks": 20.1,
               "bands": {"within_20_weeks": 1, "weeks_20_to_52": 1, "over_52_weeks": 0},
               "band_rates": {"within_20_weeks": 50.0, "weeks_20_to_52": 50.0, "over_52_weeks": 0.0}}
    overdue = {"total_overdue": 1, "footer": "overdue note",
               "groups": [{"group": "assessment", "advisory": False, "overdue": 1},
                          {"group": "draft", "advisory": True, "overdue": 4}]}
    return {
        "as_of": date(2025, 3, 10), "year": 2025, "weeks": 8,
        "timeliness": {"twenty_weeks": {"including": measure, "excluding": measure, "exceptions": 0},
                       "months": [{"month": "2025-02", "rate_excluding": rate_excl, "issued_excluding": 2}],
                       "six_weeks": {"rate": None, "within": 0, "decisions": 0}, "footer": "t note"},
        "overdue_by_stage": overdue,
        "overdue_by_partner": {**overdue, "groups": [{"group": "(LA)", "advisory": False, "overdue": 1}]},
        "partners": {"partners": [{"partner": "EP <Service>", "kind": "psychological", "median_days": 40,
                                   "p90_days": 50, "received": 2, "overdue": 0}], "footer": "p note"},
        "caseload": {"stages": ["request", "final"], "totals": {"total": 3, "with_overdue": 1},
                     "caseworkers": [{"caseworker": "alice", "request": 1, "final": 2, "total": 3}], "footer": "c"},
        "forecast": {"total": 0, "footer": "f note"},
    }


def test_dashboard_page_is_self_contained_and_carries_figures():
    html = render_html(data())
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'data-figure="twenty_weeks.excluding.rate" data-value="50.0"' in html
    assert 'data-figure="timeliness.month.2025-02.rate_excluding" data-value="50.0"' in html
    assert 'data-figure="timeliness.month.2025-03.rate_excluding" data-value=""' in html  # March: no plans yet
    assert "timeliness.month.2025-04" not in html  # after the as-of month
    assert "EP &lt;Service&gt;" in html and "EP <Service>" not in html
    assert 'data-figure="overdue.stage.assessment" data-value="1"' in html
    assert "overdue.stage.draft" not in html  # advisory clocks are not on the statutory chart
    assert "overdue.partner.(LA)" not in html
    assert "DfE" in html and "46.4" in html


def test_dashboard_card_colour_against_the_national_average():
    assert 'class="card good"><div class="big" data-figure="twenty_weeks.excluding.rate"' in render_html(data(50.0))
    assert 'class="card bad"><div class="big" data-figure="twenty_weeks.excluding.rate"' in render_html(data(40.0))
    assert 'data-figure="twenty_weeks.excluding.rate" data-value="">-<' in render_html(data(None))


def test_twenty_weeks_from_cells():
    cells = [{"month": "2025-01", "exc": 0, "issued": 3, "within": 2, "weeks_20_52": 1, "over_52": 0,
              "total_days": 420},
             {"month": "2025-01", "exc": 1, "issued": 1, "within": 1, "weeks_20_52": 0, "over_52": 0,
              "total_days": 100}]
    t = twenty_weeks(cells)
    assert (t["including"]["issued"], t["including"]["within"], t["including"]["rate"]) == (4, 3, 75.0)
    assert (t["excluding"]["issued"], t["excluding"]["within"], t["excluding"]["rate"]) == (3, 2, 66.7)
    assert t["including"]["avg_weeks"] == round(520 / 4 / 7, 1) and t["exceptions"] == 1
    (month,) = by_month(cells)
    assert (month["rate_including"], month["rate_excluding"], month["exceptions"]) == (75.0, 66.7, 1)


def test_rate_and_period():
    assert (rate(1, 3), rate(0, 0), rate(None, 2)) == (33.3, None, 0.0)
    assert str(Period.year(2025)) == "2025"
    assert str(Period(date(2025, 1, 1), date(2025, 6, 30))) == "2025-01-01 to 2025-06-30"


def test_sheet_names_are_legal_and_unique():
    taken: set[str] = set()
    assert sheet_name("EP [North]: a/b", taken) == "EP _North__ a_b"
    long = "x" * 40
    assert sheet_name(long, taken) == "x" * 31 and sheet_name(long, taken) == "x" * 27 + " (2)"
    assert sheet_name("", taken) == "Sheet"


def test_cell_values_keep_their_types():
    from decimal import Decimal
    from enum import Enum

    class Colour(Enum):
        red = "red"

    assert cell_value(date(2025, 1, 2)) == date(2025, 1, 2) and cell_value(3) == 3 and cell_value(True) is True
    assert cell_value(Decimal("2.5")) == 2.5 and cell_value(Colour.red) == "red"
    assert json.loads(cell_value({"a": 1})) == {"a": 1} and cell_value(None) is None


def test_workbook_round_trip(tmp_path):
    from openpyxl import load_workbook

    rows = [{"ref": "EHC-1", "due": date(2025, 1, 2), "days": 7, "rate": 46.4, "flag": False, "note": None}]
    tables = [Table("one", list(rows[0]), rows, "One"), Table("one", ["x"], [], None)]
    report = Report("Title", {}, tables, "Footer DfE")
    path = write_workbook(tmp_path / "r.xlsx", report, made_on=date(2025, 12, 1))
    wb = load_workbook(path)
    assert wb.sheetnames == ["one", "one (2)", "About"]
    ws = wb["one"]
    assert ws.freeze_panes == "A2" and [c.value for c in ws[1]] == list(rows[0])
    assert [c.font.bold for c in ws[1]] == [True] * 6
    _ref, due, days, rate_, flag, note = ws[2]
    assert isinstance(due.value, datetime) and due.number_format == "yyyy-mm-dd"
    assert (days.value, rate_.value, flag.value, note.value) == (7, 46.4, False, None)
    about = [c.value for c in wb["About"]["A"]]
    assert about[:3] == ["Title", "Made on 2025-12-01", "Footer DfE"]


def test_emit_report_formats_and_out(tmp_path, capsys):
    from cli.output import Format, ReportFormat, emit, emit_report

    rows = [{"a": 1, "d": date(2025, 1, 2)}]
    report = Report("T", {"rows": rows, "footer": "F"}, [Table("rows", ["a", "d"], rows, "Rows")], "F")
    emit_report(report, ReportFormat.json)
    assert json.loads(capsys.readouterr().out) == {"rows": [{"a": 1, "d": "2025-01-02"}], "footer": "F"}
    emit_report(report, ReportFormat.csv)
    assert list(csv.reader(io.StringIO(capsys.readouterr().out))) == [["a", "d"], ["1", "2025-01-02"]]
    emit_report(report, ReportFormat.table, out=tmp_path / "t.txt")
    assert capsys.readouterr().out == "" and "2025-01-02" in (tmp_path / "t.txt").read_text()
    with pytest.raises(ValueError, match="--out"):
        emit_report(report, ReportFormat.xlsx)
    # the shared emit() keeps working for other commands, and gains out= and xlsx
    emit(rows, ["a", "d"], Format.csv, out=tmp_path / "e.csv")
    assert (tmp_path / "e.csv").read_text() == "a,d\n1,2025-01-02\n"
    emit(rows, ["a", "d"], ReportFormat.xlsx, key="rows", out=tmp_path / "e.xlsx")
    assert (tmp_path / "e.xlsx").stat().st_size > 0


def test_rag_colours_follow_the_configured_due_soon_window():
    from cli.output import pending_style, rag_style

    today = date(2026, 3, 2)
    due = date(2026, 3, 12)  # ten days left
    assert pending_style(due, today, due_soon_days=14) == "yellow"  # EHCP_DUE_SOON_DAYS=14: amber
    assert pending_style(due, today, due_soon_days=7) == "green"
    assert pending_style(date(2026, 3, 9), today, due_soon_days=7) == "yellow"  # seven days left: still due soon
    assert pending_style(date(2026, 3, 1), today, due_soon_days=7) == "bold red"
    assert pending_style(None, today, due_soon_days=7) is None
    assert (rag_style("missed"), rag_style("met"), rag_style("disapplied")) == ("red", "dim", "dim")
    assert (rag_style("overdue"), rag_style("due_soon"), rag_style("open"), rag_style("no clock")) == (
        "bold red", "yellow", "green", None)


def test_output_options_makes_fmt_the_shared_format_option_and_keeps_the_plain_default():
    import inspect

    from typer.models import OptionInfo

    from cli.output import Format, output_options

    @output_options(listing=False)
    def command(reference: str, fmt: Format = Format.table) -> Format:
        return fmt

    assert command("EHC-2025-00042") is Format.table
    option = inspect.signature(command).parameters["fmt"].default
    assert isinstance(option, OptionInfo) and option.param_decls == ("--format", "-f")
    assert option.help == "Output format: table or json." and option.default is Format.table
    with pytest.raises(TypeError, match="no fmt parameter"):
        output_options()(lambda reference: None)
