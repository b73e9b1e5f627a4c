"""A recorded year group moves on each 1 September (issue 15), checked over generated dates (hypothesis)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ehcp.domain import ChildFacts, academic_year, ncy_from_dob, year_group_on

DATES = st.dates(min_value=date(2014, 9, 1), max_value=date(2045, 8, 31))
BIRTHS = st.dates(min_value=date(1995, 1, 1), max_value=date(2030, 12, 31))
OFFSETS = st.integers(min_value=-2, max_value=2)  # out of cohort: held back or moved up
FAST = settings(max_examples=200, deadline=None)


def septembers_between(first: date, last: date) -> int:
    """How many 1 Septembers fall in (first, last]."""
    return sum(1 for year in range(first.year, last.year + 1) if first < date(year, 9, 1) <= last)


@FAST
@given(dob=BIRTHS, recorded=DATES, one=DATES, two=DATES, offset=OFFSETS)
def test_the_derived_year_group_moves_on_each_1_september(dob, recorded, one, two, offset):
    first, last = sorted((one, two))
    noted = ncy_from_dob(dob, recorded) + offset
    recorded_in = academic_year(recorded)
    moved = year_group_on(noted, recorded_in, last) - year_group_on(noted, recorded_in, first)
    assert moved == septembers_between(first, last)
    assert year_group_on(noted, recorded_in, recorded) == noted


@FAST
@given(dob=BIRTHS, recorded=DATES, on=DATES, offset=OFFSETS)
def test_out_of_cohort_stays_out_by_the_same_offset_and_the_log_agrees(dob, recorded, on, offset):
    noted = ncy_from_dob(dob, recorded) + offset
    derived = year_group_on(noted, academic_year(recorded), on)
    assert derived == ncy_from_dob(dob, on) + offset
    assert ChildFacts(dob, noted, recorded).ncy(on) == derived


def test_year_10_recorded_in_january_2025_is_year_11_from_1_september_2025():
    assert year_group_on(10, academic_year(date(2025, 1, 15)), date(2025, 8, 31)) == 10
    assert year_group_on(10, academic_year(date(2025, 1, 15)), date(2025, 9, 1)) == 11
    assert year_group_on(10, academic_year(date(2025, 1, 15)), date(2026, 1, 15)) == 11
