"""How a table fits a terminal (cli.layout) and the labels it shows (ehcp.domain.labels): pure functions."""

from __future__ import annotations

from cli.layout import fit, overhead
from ehcp.domain import labels

HEADERS = ["reference", "child", "stage", "deadline", "due", "days left"]
ROWS = [["EHC-2025-00001", "Alex Example", "assessment", "psychological advice", "2025-08-16", "-16"],
        ["EHC-2025-00002", "Sam Sample", "request", "decision to assess", "2025-08-24", "8"]]


def test_natural_widths_when_the_table_fits():
    columns, widths = fit(HEADERS, ROWS, 200)
    assert [c.header for c in columns] == HEADERS
    assert widths == [14, 12, 10, 20, 10, 9]


def test_a_narrow_terminal_stacks_columns_and_never_narrows_a_reference_or_date():
    columns, widths = fit(HEADERS, ROWS, 60)
    assert sum(widths) + overhead(len(columns)) <= 60
    assert len(columns) < len(HEADERS)
    for column, width in zip(columns, widths, strict=True):
        for cell in column.cells:
            for token in cell.split():
                if token.startswith(("EHC-", "2025-")):
                    assert len(token) <= width


def test_an_empty_column_goes_before_anything_stacks():
    headers, rows = [*HEADERS, "exception"], [[*r, ""] for r in ROWS]
    columns, _ = fit(headers, rows, 90)
    assert "exception" not in [c.header for c in columns]


def test_labels_for_keys():
    assert labels.deadline("advice.medical.2") == "medical advice (2nd request)"
    assert labels.deadline("final_plan") == "final plan"
    assert labels.rule("R-ADVICE-RESPOND") == "advice from partners"
    assert labels.words("not_assessed") == "not assessed"
    assert labels.flag(True) == "yes"
