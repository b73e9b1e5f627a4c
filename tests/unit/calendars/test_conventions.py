"""Counting conventions of statutory-timescales.md section 0, one test per worked example (G-id)."""

from __future__ import annotations

import pytest

from calendars import conventions as c
from tests.unit.calendars.helpers import CAL, d


def test_G01_weeks_after_request_land_on_the_same_weekday():
    request = d("2025-01-06")
    assert c.weeks_after(request, 6) == d("2025-02-17")
    assert c.weeks_after(request, 16) == d("2025-04-28")
    assert c.weeks_after(request, 20) == d("2025-05-26")  # a bank holiday: no roll-forward


def test_G02_weeks_run_from_a_saturday_receipt():
    assert c.weeks_after(d("2026-01-03"), 6) == d("2026-02-14")
    assert c.weeks_after(d("2026-01-03"), 20) == d("2026-05-23")


def test_G05_twenty_weeks_is_request_plus_140_days():
    assert c.weeks_after(d("2025-09-01"), 20) == d("2026-01-19")
    assert c.days_after(d("2025-09-01"), 139) == d("2026-01-18")


def test_G06_sixteen_and_twenty_weeks_stand():
    assert c.weeks_after(d("2025-06-02"), 16) == d("2025-09-22")
    assert c.weeks_after(d("2025-06-02"), 20) == d("2025-10-20")


def test_G09_advice_due_six_weeks_from_receipt():
    assert c.weeks_after(d("2025-11-04"), 6) == d("2025-12-16")


def test_G11_nominal_advice_due():
    assert c.weeks_after(d("2026-03-02"), 6) == d("2026-04-13")


def test_G12_days_beginning_counts_the_service_day():
    window = c.days_beginning(d("2025-06-02"), 15)
    assert window == (d("2025-06-02"), d("2025-06-16"))
    assert c.days_after(window[1], 1) == d("2025-06-17")  # earliest day to finalise


def test_G17_school_consultation_fifteen_days():
    assert c.days_after(d("2025-03-05"), 15) == d("2025-03-20")


def test_G18_sixteen_weeks():
    assert c.weeks_after(d("2025-03-03"), 16) == d("2025-06-23")


def test_G19_nominal_final_plan_date():
    assert c.weeks_after(d("2026-02-02"), 20) == d("2026-06-22")


def test_G21_review_period_ends_day_before_corresponding_date():
    due = c.months_beginning(d("2025-01-31"), 12)
    assert due == d("2026-01-30")
    assert c.months_beginning(d("2025-01-31"), 12, conservative=True) == d("2026-01-30")
    assert c.at_least_before(due, weeks=4) == d("2026-01-02")
    assert c.months_after(d("2025-01-31"), 12) == d("2026-01-31")  # "anniversary" reading


def test_G22_leap_day_start():
    assert c.months_beginning(d("2028-02-29"), 12) == d("2029-02-28")
    assert c.months_beginning(d("2028-02-29"), 12, conservative=True) == d("2029-02-27")


def test_G23_review_meeting_derived_dates():
    meeting = d("2025-11-04")
    assert c.at_least_before(meeting, weeks=2) == d("2025-10-21")
    assert c.weeks_after(meeting, 2) == d("2025-11-18")
    assert c.weeks_after(meeting, 4) == d("2025-12-02")
    assert c.weeks_after(meeting, 12) == d("2026-01-27")


def test_G24_amendment_notice_window_and_eight_weeks():
    assert c.days_beginning(d("2025-11-21"), 15)[1] == d("2025-12-05")
    assert c.weeks_after(d("2025-11-21"), 8) == d("2026-01-16")


def test_G27_under_five_window_and_statutory_review():
    assert c.months_after(d("2025-03-10"), 3) == d("2025-06-10")
    assert c.months_after(d("2025-03-10"), 6) == d("2025-09-10")
    assert c.months_beginning(d("2025-03-10"), 12) == d("2026-03-09")


def test_G29_before_15_february_and_planning_aids():
    last = c.before_date(2027, 2, 15)
    assert last == d("2027-02-14")
    notice = c.at_least_before(last, weeks=8)
    assert notice == d("2026-12-20")
    assert c.at_least_before(notice, weeks=4) == d("2026-11-22")


def test_G30_before_31_march():
    assert c.before_date(2026, 3, 31) == d("2026-03-30")


def test_G33_twelve_months_from_last_review():
    assert c.months_beginning(d("2025-10-10"), 12) == d("2026-10-09")


def test_G35_reassessment_decision_and_fourteen_weeks():
    decision = c.days_after(d("2026-01-12"), 15)
    assert decision == d("2026-01-27")
    assert c.weeks_after(decision, 14) == d("2026-05-05")


def test_G37_transfer_between_authorities():
    assert c.weeks_after(d("2026-03-02"), 6) == d("2026-04-13")
    assert c.months_beginning(d("2025-10-10"), 12) == d("2026-10-09")
    assert c.months_beginning(d("2026-03-02"), 3) == d("2026-06-01")
    assert c.working_days_beginning(d("2026-02-09"), 15, CAL) == d("2026-02-27")  # before the move


def test_G39_three_working_days_over_christmas():
    assert c.working_days_after(d("2025-12-23"), 3, CAL) == d("2025-12-30")
    assert c.months_after(d("2025-10-24"), 2) == d("2025-12-24")
    assert c.months_after(d("2025-12-30"), 1) == d("2026-01-30")


def test_G40_months_after_for_the_appeal_deadline():
    assert c.months_after(d("2025-10-01"), 2) == d("2025-12-01")
    assert c.months_after(d("2025-11-29"), 1) == d("2025-12-29")


def test_G42_months_after_clamps_to_month_end():
    assert c.months_after(d("2025-12-31"), 2) == d("2026-02-28")


def test_G43_thirty_days_and_three_working_days():
    assert c.days_after(d("2026-01-12"), 30) == d("2026-02-11")
    assert c.working_days_after(d("2026-02-10"), 3, CAL) == d("2026-02-13")


def test_G46_weeks_count_august_days():
    assert c.weeks_after(d("2026-07-13"), 5) == d("2026-08-17")
    assert c.weeks_after(d("2026-07-13"), 11) == d("2026-09-28")


def test_G49_continue_and_amend_five_weeks():
    assert c.weeks_after(d("2026-06-01"), 5) == d("2026-07-06")


def test_G52_covid_era_nominal_date():
    assert c.weeks_after(d("2020-03-02"), 20) == d("2020-07-20")


@pytest.mark.parametrize("start, n, expected", [
    ("2025-01-31", 1, "2025-02-28"),
    ("2024-01-31", 1, "2024-02-29"),
    ("2025-03-31", -1, "2025-02-28"),
    ("2025-11-30", 3, "2026-02-28"),
    ("2025-05-15", -17, "2023-12-15"),
    ("2025-05-15", 0, "2025-05-15"),
])
def test_add_months_clamps(start, n, expected):
    assert c.add_months(d(start), n) == d(expected)


@pytest.mark.parametrize("start, n, legal, conservative", [
    ("2026-03-01", 3, "2026-05-31", "2026-05-31"),    # (d - 1) + 3 months would give 28 May
    ("2023-03-01", 12, "2024-02-29", "2024-02-29"),
    ("2026-05-01", 3, "2026-07-31", "2026-07-31"),
    ("2025-03-31", 1, "2025-04-30", "2025-04-29"),    # no 31 April: ends with April
    ("2025-03-30", 1, "2025-04-29", "2025-04-29"),
    ("2024-01-30", 1, "2024-02-29", "2024-02-28"),
])
def test_months_beginning_month_ends_and_firsts(start, n, legal, conservative):
    assert c.months_beginning(d(start), n) == d(legal)
    assert c.months_beginning(d(start), n, conservative=True) == d(conservative)


def test_at_least_months_before_takes_corresponding_date():
    assert c.at_least_before(d("2026-09-01"), months=5) == d("2026-04-01")
    assert c.at_least_before(d("2026-07-31"), months=5) == d("2026-02-28")
    assert c.at_least_before(d("2026-09-01")) == d("2026-09-01")


def test_working_days_beginning_counts_a_working_day_as_day_one():
    assert c.working_days_beginning(d("2026-02-09"), 1, CAL) == d("2026-02-09")
    assert c.working_days_beginning(d("2026-02-07"), 1, CAL) == d("2026-02-09")  # Saturday
    assert c.working_days_beginning(d("2026-02-07"), 15, CAL) == d("2026-02-27")
    assert c.working_days_beginning(d("2025-12-24"), 3, CAL) == d("2025-12-30")


@pytest.mark.parametrize("call", [
    lambda: c.days_beginning(d("2025-01-01"), 0),
    lambda: c.months_beginning(d("2025-01-01"), 0),
    lambda: c.working_days_after(d("2025-01-01"), 0, CAL),
    lambda: c.working_days_beginning(d("2025-01-01"), -1, CAL),
    lambda: c.at_least_before(d("2025-01-01"), weeks=-2),
])
def test_empty_or_negative_periods_are_refused(call):
    with pytest.raises(ValueError):
        call()
