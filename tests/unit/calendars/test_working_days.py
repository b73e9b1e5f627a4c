"""England and Wales working days (statutory-timescales.md section 9; HESC r.1(3))."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta

import pytest

from calendars import WorkingDayCalendar, bank_holidays, england_and_wales
from calendars.bank_holidays import EnglandAndWalesHolidays, easter_sunday
from tests.unit.calendars.helpers import CAL, d

# Section 9.2: the weekday non-working days (Christmas Day and Good Friday included).
TABLE_9_2 = {
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2028: ["01-03", "04-14", "04-17", "05-01", "05-29", "08-28", "12-25", "12-26"],
}


@pytest.mark.parametrize("year", sorted(TABLE_9_2))
def test_non_working_weekdays_match_rulebook_table_9_2(year):
    days = (date(year, 1, 1) + timedelta(days=i) for i in range(366))
    closed = {x for x in days if x.year == year and x.weekday() < 5 and not CAL.is_working_day(x)}
    assert closed == {d(f"{year}-{md}") for md in TABLE_9_2[year]}


@pytest.mark.parametrize("iso, working", [
    ("2020-05-04", True),    # early May bank holiday moved to VE Day in 2020
    ("2020-05-08", False),
    ("2026-12-28", False),   # substitute for Boxing Day (Sat 26 Dec)
    ("2027-12-27", False),   # substitute for Christmas Day (Sat 25 Dec)
    ("2027-12-28", False),   # substitute for Boxing Day (Sun 26 Dec)
    ("2028-01-03", False),   # substitute for New Year's Day (Sat 1 Jan)
    ("2025-12-24", True),    # Christmas Eve is a working day
    ("2025-12-29", True),    # 27-31 Dec are working days unless substitutes
    ("2025-12-27", False),   # Saturday
    ("2025-12-28", False),   # Sunday
])
def test_specific_days(iso, working):
    assert CAL.is_working_day(d(iso)) is working


def test_good_friday_and_christmas_are_named():
    assert CAL.name(d("2026-04-03")) == "Good Friday"
    assert CAL.name(d("2027-12-25")) == "Christmas Day"
    assert CAL.name(d("2026-12-28")) == "Boxing Day (observed)"
    assert CAL.name(d("2026-06-08")) is None
    assert CAL.name(d("2026-06-06")) is None  # a Saturday has no holiday name


def test_christmas_and_good_friday_added_when_the_package_omits_them(monkeypatch):
    monkeypatch.setattr(bank_holidays.holidays, "country_holidays", lambda *a, **k: {})
    found = EnglandAndWalesHolidays()(2026)
    assert found == {d("2026-12-25"): "Christmas Day", d("2026-04-03"): "Good Friday"}


@pytest.mark.parametrize("year, iso", [(2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"),
                                       (2027, "2027-03-28"), (2028, "2028-04-16"), (2038, "2038-04-25"),
                                       (2285, "2285-03-22"), (1943, "1943-04-25")])
def test_easter_sunday(year, iso):
    assert easter_sunday(year) == d(iso)


def test_extra_proclaimed_holiday():
    cal = england_and_wales(extra_holidays={d("2026-06-08"): "proclaimed"})
    assert not cal.is_working_day(d("2026-06-08"))
    assert cal.name(d("2026-06-08")) == "proclaimed"
    assert CAL.is_working_day(d("2026-06-08"))
    assert cal.add_working_days(d("2026-06-05"), 1) == d("2026-06-09")


def test_calendars_are_shared_per_set_of_extras():
    assert england_and_wales() is CAL
    assert england_and_wales({}) is CAL
    one = england_and_wales({d("2026-06-08"): "x"})
    assert england_and_wales({d("2026-06-08"): "x"}) is one
    assert one is not CAL


def test_extra_holiday_keys_must_be_dates():
    cal = england_and_wales({datetime(2026, 6, 9, 12, 0): "proclaimed"})  # noqa: DTZ001 - any datetime will do
    assert not cal.is_working_day(d("2026-06-09"))
    with pytest.raises(TypeError, match="not a date"):
        england_and_wales({"2026-06-09": "proclaimed"})


def test_holidays_between_is_inclusive_sorted_and_spans_years():
    got = CAL.holidays_between(d("2027-12-25"), d("2028-01-03"))
    assert [x for x, _ in got] == [d("2027-12-25"), d("2027-12-26"), d("2027-12-27"), d("2027-12-28"),
                                   d("2028-01-01"), d("2028-01-03")]
    assert got[0] == (d("2027-12-25"), "Christmas Day")
    assert CAL.holidays_between(d("2025-06-01"), d("2025-06-30")) == []


def test_G01_practical_last_working_day_before_spring_bank_holiday():
    assert CAL.last_working_day_on_or_before(d("2025-05-26")) == d("2025-05-23")
    assert CAL.last_working_day_on_or_before(d("2025-05-23")) == d("2025-05-23")


def test_G02_practical_last_working_day_of_saturday_deadlines():
    assert CAL.last_working_day_on_or_before(d("2026-02-14")) == d("2026-02-13")
    assert CAL.last_working_day_on_or_before(d("2026-05-23")) == d("2026-05-22")


def test_G29_strict_phase_transfer_day_falls_on_a_sunday():
    assert CAL.last_working_day_on_or_before(d("2027-02-14")) == d("2027-02-12")


def test_G40_first_working_day_after_1_january():
    assert CAL.next_working_day_after(d("2026-01-01")) == d("2026-01-02")


def test_G42_next_working_day_after_a_saturday_deadline():
    assert CAL.next_working_day_after(d("2026-02-28")) == d("2026-03-02")


def test_next_working_day_after_christmas_eve():
    assert CAL.next_working_day_after(d("2025-12-24")) == d("2025-12-29")


def test_G37_fifteen_working_days_before_the_move():
    assert CAL.add_working_days(d("2026-03-02"), -15) == d("2026-02-09")
    assert CAL.add_working_days(d("2026-03-02"), -16) == d("2026-02-06")  # clear-days reading


def test_add_zero_working_days_is_identity():
    assert CAL.add_working_days(d("2026-02-07"), 0) == d("2026-02-07")


def test_fixed_calendar_and_pickling():
    cal = WorkingDayCalendar.from_holidays({d("2030-01-02"): "test day"})
    assert not cal.is_working_day(d("2030-01-02"))
    assert cal.is_working_day(d("2030-01-01"))
    assert cal.holidays_between(d("2030-01-01"), d("2030-12-31")) == [(d("2030-01-02"), "test day")]
    for original in (cal, england_and_wales({d("2026-06-08"): "x"})):
        copy = pickle.loads(pickle.dumps(original))
        assert copy.source == original.source
        assert [copy.is_working_day(d("2026-06-08")), copy.is_working_day(d("2030-01-02"))] == \
               [original.is_working_day(d("2026-06-08")), original.is_working_day(d("2030-01-02"))]


def test_bulk_lookups_ask_the_holiday_provider_once_per_year():
    """What keeps 200,000 lookups cheap is that each year's holidays are loaded once (timings are in
    bench/, never asserted here)."""
    asked: list[int] = []

    def provider(year: int) -> dict[date, str]:
        asked.append(year)
        return {date(year, 12, 25): "Christmas Day"}

    cal = WorkingDayCalendar(provider, "counting")
    day = d("2025-01-01")
    results = [cal.is_working_day(day + timedelta(days=i % 1500)) for i in range(200_000)]
    assert sorted(asked) == [2025, 2026, 2027, 2028, 2029]
    assert results.count(False) > 0 and not cal.is_working_day(date(2026, 12, 25))
