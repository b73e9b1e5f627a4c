"""Deadline.status and to_dict follow contract.md."""

from __future__ import annotations

import pytest

from ehcp.domain import Deadline
from tests.unit.domain.builder import d


def deadline(state="pending", due="2025-06-16", met_on=None, exception=None, window=False) -> Deadline:
    return Deadline("final_plan", "R-FINAL-PLAN", d(due), state, d(met_on) if met_on else None,
                    "SEND Regulations 2014 reg 13(2)", exception, d(due), False, d("2025-01-27"), window)


@pytest.mark.parametrize("today,status", [
    ("2025-06-01", "open"), ("2025-06-08", "open"), ("2025-06-09", "due_soon"), ("2025-06-16", "due_soon"),
    ("2025-06-17", "overdue"),
])
def test_pending_status_depends_on_today(today, status):
    assert deadline().status(d(today)) == status


def test_due_soon_days_is_a_parameter():
    assert deadline().status(d("2025-06-01"), due_soon_days=15) == "due_soon"
    assert deadline().status(d("2025-06-16"), due_soon_days=0) == "due_soon"


@pytest.mark.parametrize("state", ["met", "missed", "disapplied"])
def test_settled_status_is_the_state(state):
    assert deadline(state, met_on="2025-06-20" if state != "disapplied" else None).status(d("2030-01-01")) == state


def test_disapplied_clock_is_never_overdue():
    assert deadline("disapplied", exception="absence_from_area").status(d("2030-01-01")) == "disapplied"


def test_a_window_past_its_last_day_counts_as_met_not_overdue():
    assert deadline(window=True).status(d("2025-06-17")) == "met"


def test_to_dict_has_the_contract_keys():
    got = deadline("met", met_on="2025-06-10").to_dict(d("2025-07-01"))
    assert {"key", "due", "status", "met_on", "citation", "exception"} <= set(got)
    assert got["due"] == "2025-06-16" and got["met_on"] == "2025-06-10" and got["status"] == "met"
    assert got["practical_last_working_day"] == "2025-06-16" and got["rule"] == "R-FINAL-PLAN"
    assert got["advisory"] is False
