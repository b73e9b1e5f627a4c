"""Closures, the reg 5(4)(a)/10(4)(a) exception window and iCalendar term files."""

from __future__ import annotations

import pytest

from calendars import Closure, terms
from tests.unit.calendars.helpers import d


def ics(*events: str) -> bytes:
    """A VCALENDAR around VEVENT bodies, CRLF line endings as RFC 5545 wants."""
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ehcp tests//EN"]
    for i, event in enumerate(events):
        body += ["BEGIN:VEVENT", f"UID:{i}@test", "DTSTAMP:20250101T000000Z", *event.strip().splitlines(),
                 "END:VEVENT"]
    return ("\r\n".join([*body, "END:VCALENDAR"]) + "\r\n").encode()


def allday(summary: str, start: str, end_exclusive: str) -> str:
    return f"SUMMARY:{summary}\nDTSTART;VALUE=DATE:{start}\nDTEND;VALUE=DATE:{end_exclusive}"


# A school's holidays for 2025/26 (DTEND exclusive): half terms < 4 weeks, summer >= 4 weeks.
HOLIDAYS = ics(
    allday("October half term", "20251027", "20251101"),      # Mon 27 - Fri 31 Oct
    allday("INSET day", "20251103", "20251104"),              # Mon 3 Nov, after the weekend
    allday("Christmas holiday", "20251222", "20260103"),      # Mon 22 Dec - Fri 2 Jan
    allday("February half term", "20260216", "20260221"),
    allday("Easter holiday", "20260330", "20260411"),
    allday("May half term", "20260526", "20260530"),          # Tue 26 - Fri 29 May (bank holiday Mon)
    allday("Summer holiday", "20260723", "20260903"),         # Thu 23 Jul - Wed 2 Sep
)

# The same school as term dates instead (DTEND exclusive), with half-term holidays inside terms.
TERMS = ics(
    allday("Summer Term 2025", "20250422", "20250723"),       # ends Tue 22 Jul
    allday("Autumn Term", "20250903", "20251220"),            # Wed 3 Sep - Fri 19 Dec
    allday("Autumn half term", "20251027", "20251101"),
    allday("Spring Term", "20260105", "20260328"),
    "SUMMARY:Parents' evening\nDTSTART:20251015T170000\nDTEND:20251015T200000",
)


def test_G06_exception_window_one_week_before_closure_and_reopening():
    summer = Closure(d("2025-07-23"), d("2025-09-03"))
    assert summer.days == 42
    assert terms.exception_window(summer) == (d("2025-07-16"), d("2025-08-27"))
    assert terms.in_exception_window(d("2025-07-14"), [summer]) is None  # advice asked too early
    assert terms.in_exception_window(d("2025-07-16"), [summer]) == summer
    assert terms.in_exception_window(d("2025-08-27"), [summer]) == summer
    assert terms.in_exception_window(d("2025-08-28"), [summer]) is None


def test_closure_basics():
    c = Closure(d("2025-10-27"), d("2025-11-03"), "Oak Primary")
    assert c.days == 7 and d("2025-11-02") in c and d("2025-11-03") not in c
    with pytest.raises(ValueError, match="reopen after"):
        Closure(d("2025-10-27"), d("2025-10-27"))


def test_long_closures_need_four_weeks():
    exactly = Closure(d("2025-07-23"), d("2025-08-20"))          # 28 days
    short = Closure(d("2026-07-23"), d("2026-08-19"))            # 27 days
    assert terms.long_closures([exactly, short]) == [exactly]
    assert terms.in_exception_window(d("2026-07-20"), [short]) is None


def test_merge_joins_overlapping_adjacent_and_weekend_separated_closures():
    merged = terms.merge_closures([
        Closure(d("2025-07-23"), d("2025-08-01")),    # Wed - Thu 31 Jul
        Closure(d("2025-07-30"), d("2025-08-02")),    # overlaps; ends Fri 1 Aug
        Closure(d("2025-08-04"), d("2025-08-15")),    # starts Monday after the weekend
        Closure(d("2025-08-15"), d("2025-09-03")),    # adjacent
        Closure(d("2025-09-09"), d("2025-09-10")),    # separate (weekdays between)
        Closure(d("2025-07-23"), d("2025-07-24"), "other school"),
    ])
    assert merged == [
        Closure(d("2025-07-23"), d("2025-09-03")),
        Closure(d("2025-09-09"), d("2025-09-10")),
        Closure(d("2025-07-23"), d("2025-07-24"), "other school"),
    ]


def test_closed_to_friday_and_from_monday_is_one_closure_even_without_bridging():
    parts = [Closure(d("2025-07-23"), d("2025-08-02")), Closure(d("2025-08-04"), d("2025-08-21"))]
    assert terms.merge_closures(parts, bridge_weekends=False) == [Closure(d("2025-07-23"), d("2025-08-21"))]
    assert terms.long_closures(parts, bridge_weekends=False) == [Closure(d("2025-07-23"), d("2025-08-21"))]


def test_weekends_either_side_belong_to_the_closure_unless_told_otherwise():
    holiday = Closure(d("2026-07-27"), d("2026-08-22"))           # Mon 27 Jul - Fri 21 Aug: 26 days
    assert terms.bridge_weekend(holiday) == Closure(d("2026-07-25"), d("2026-08-24"))
    assert [c.days for c in terms.long_closures([holiday])] == [30]
    assert terms.long_closures([holiday], bridge_weekends=False) == []


def test_holiday_file_gives_merged_closures():
    got = terms.closures_from_ics(HOLIDAYS, setting="Oak Primary")
    assert [(c.start, c.reopens) for c in got] == [
        (d("2025-10-25"), d("2025-11-04")),           # half term + weekend + INSET day
        (d("2025-12-20"), d("2026-01-05")),
        (d("2026-02-14"), d("2026-02-23")),
        (d("2026-03-28"), d("2026-04-13")),
        (d("2026-05-26"), d("2026-06-01")),
        (d("2026-07-23"), d("2026-09-03")),
    ]
    assert {c.setting for c in got} == {"Oak Primary"}
    assert terms.long_closures(got) == [Closure(d("2026-07-23"), d("2026-09-03"), "Oak Primary")]


def test_term_file_gives_gaps_between_terms_and_half_terms():
    got = terms.closures_from_ics(TERMS)
    assert [(c.start, c.reopens) for c in got] == [
        (d("2025-07-23"), d("2025-09-03")),           # summer: the gap between two terms
        (d("2025-10-25"), d("2025-11-03")),           # half term listed inside the autumn term
        (d("2025-12-20"), d("2026-01-05")),           # Christmas gap
    ]
    summer = terms.long_closures(got)[0]
    assert terms.exception_window(summer) == (d("2025-07-16"), d("2025-08-27"))


def test_term_start_and_end_markers_are_paired():
    data = ics(allday("Summer term ends", "20250722", "20250723"),
               allday("Autumn term starts", "20250903", "20250904"),
               allday("Autumn term ends", "20251219", "20251220"),
               allday("Spring term begins", "20260105", "20260106"))
    got = terms.closures_from_ics(data)
    assert [(c.start, c.reopens) for c in got] == [(d("2025-07-23"), d("2025-09-03")),
                                                   (d("2025-12-20"), d("2026-01-05"))]


def test_terms_separated_only_by_a_weekend_leave_no_closure():
    data = ics(allday("Autumn term 1", "20250903", "20251025"),
               allday("Autumn term 2", "20251027", "20251220"))
    assert terms.closures_from_ics(data) == []


@pytest.mark.parametrize("summary, term, closure", [
    ("Autumn Term", True, False), ("Term2", True, False), ("Spring-term starts", True, False),
    ("October half-term", False, True), ("Half Term", False, True), ("Intermediate exams", False, False),
    ("Determination meeting", False, False), ("INSET day", False, True), ("Bank Holiday", False, True),
])
def test_event_classification(summary, term, closure):
    from calendars.ics import is_closure, is_term

    assert (is_term(summary), is_closure(summary)) == (term, closure)


def test_timed_events_missing_ends_durations_and_cancellations():
    data = ics("SUMMARY:Closed for polling\nDTSTART:20260507T080000\nDTEND:20260507T220000",
               "SUMMARY:Snow day\nDTSTART;VALUE=DATE:20260113",
               "SUMMARY:Works\nDTSTART;VALUE=DATE:20260120\nDURATION:P2D",
               "SUMMARY:Cancelled closure\nSTATUS:CANCELLED\nDTSTART;VALUE=DATE:20260303")
    got = terms.closures_from_ics(data.decode(), bridge_weekends=False)
    assert [(c.start, c.reopens) for c in got] == [(d("2026-01-13"), d("2026-01-14")),
                                                   (d("2026-01-20"), d("2026-01-22")),
                                                   (d("2026-05-07"), d("2026-05-08"))]


def test_empty_calendar_has_no_closures():
    assert terms.closures_from_ics(ics()) == []


@pytest.mark.parametrize("data, message", [
    (b"this is not a calendar", "not a valid iCalendar file"),
    (b"", "the calendar file is empty"),
    ("  \r\n", "the calendar file is empty"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n", "not a valid iCalendar file"),
    (ics("SUMMARY:Summer holiday"), "has no DTSTART"),
    (ics("SUMMARY:Summer holiday\nDTSTART;VALUE=DATE:2026bad"), "bad date"),
    (ics(allday("Summer holiday", "20260903", "20260723")), "ends (2026-07-23) before it starts"),
    (ics("SUMMARY:Inset\nDTSTART;VALUE=DATE:20260105\nRRULE:FREQ=WEEKLY"), "recurring"),
    (b"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\nEND:VEVENT\r\n", "not a VCALENDAR"),
])
def test_malformed_files_raise_one_line_calendar_file_error(data, message):
    with pytest.raises(terms.CalendarFileError) as caught:
        terms.closures_from_ics(data)
    assert isinstance(caught.value, ValueError)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
