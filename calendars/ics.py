"""Closures from an iCalendar (RFC 5545) file of term dates or of holidays/closures.

If any event's SUMMARY says it is a term ("Autumn Term", "Term 2", "Spring term starts"), the
file lists terms: the gaps between consecutive terms are closures (a "term starts" marker runs to
the next "term ends" marker; days before the first or after the last term are unknown, so give a
term on each side of a holiday), and events that name a holiday, half term, INSET day or closure
are closures too; other events are ignored. Otherwise every event is a closure. All-day DTEND is
exclusive (RFC 5545 3.6.1); recurring events are refused. Closures are merged as in
`calendars.closures.merge_closures`. Only the bytes handed in are read.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from icalendar import Calendar, Component

from calendars.closures import Closure, merge_closures

ONE_DAY = timedelta(days=1)
CLOSURE_WORDS = re.compile(r"half[\s-]*term|holiday|\bbreak\b|\bclosed\b|\bclosures?\b|inset|"
                           r"vacation|recess|training day", re.IGNORECASE)
TERM_WORD = re.compile(r"\bterms?(?![a-z])", re.IGNORECASE)  # "Term 2", "Autumn term"; not "determine"
START_MARKER = re.compile(r"\b(start|starts|begin|begins|beginning|first day)\b", re.IGNORECASE)
END_MARKER = re.compile(r"\b(end|ends|finish|finishes|last day)\b", re.IGNORECASE)


class CalendarFileError(ValueError):
    """The calendar file cannot be read; the message is one line."""


class Span(NamedTuple):
    """One event: its summary and its days, ``end`` exclusive."""

    summary: str
    start: date
    end: date


def closures_from_ics(data: bytes | str, setting: str | None = None, *,
                      bridge_weekends: bool = True) -> list[Closure]:
    """The merged closures described by an iCalendar file (terms or closures; see module doc)."""
    spans = [_span(event) for event in _events(data) if not _cancelled(event)]
    terms = [s for s in spans if is_term(s.summary)]
    if terms:
        raw = _gaps(_term_spans(terms)) + [(s.start, s.end) for s in spans if is_closure(s.summary)]
    else:
        raw = [(s.start, s.end) for s in spans]
    return merge_closures((Closure(a, b, setting) for a, b in raw), bridge_weekends=bridge_weekends)


def is_closure(summary: str) -> bool:
    """The event names a holiday, half term, INSET day or closure."""
    return bool(CLOSURE_WORDS.search(summary))


def is_term(summary: str) -> bool:
    """The event is term time: its summary says "term" and names no holiday or closure."""
    return bool(TERM_WORD.search(summary)) and not is_closure(summary)


def _events(data: bytes | str) -> list[Component]:
    """The VEVENTs of one VCALENDAR; any parser failure is a CalendarFileError."""
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    if not text.strip():
        raise CalendarFileError("the calendar file is empty")
    try:
        calendar = Calendar.from_ical(text)
    except Exception as exc:  # noqa: BLE001 - whatever the parser trips on, the file is bad
        raise _error("not a valid iCalendar file", exc) from None
    if calendar.name != "VCALENDAR":
        raise CalendarFileError(f"not a valid iCalendar file: it holds a {calendar.name}, not a VCALENDAR")
    return calendar.walk("VEVENT")


def _span(event: Component) -> Span:
    """An event's summary and days (a missing or zero-length end means one day)."""
    summary = str(event.get("SUMMARY", "")).strip()
    label = f"event {summary!r}" if summary else "an event"
    if "RRULE" in event or "RDATE" in event:
        raise CalendarFileError(f"{label}: recurring events are not supported")
    if event.get("DTSTART") is None:
        raise CalendarFileError(f"{label} has no DTSTART")
    try:
        first = _day(event.get("DTSTART").dt)
        stop = _stop(event, event.get("DTSTART").dt)
    except Exception as exc:  # noqa: BLE001 - broken DTSTART/DTEND/DURATION values
        raise _error(f"{label} has a bad date", exc) from None
    if stop is not None and stop < first:
        raise CalendarFileError(f"{label} ends ({stop}) before it starts ({first})")
    return Span(summary, first, max(stop or first, first + ONE_DAY))


def _stop(event: Component, start: date) -> date | None:
    """Exclusive end day from DTEND, else DTSTART + DURATION, else None."""
    if event.get("DTEND") is not None:
        return _day_after(event.get("DTEND").dt)
    if event.get("DURATION") is not None:
        return _day_after(start + event.get("DURATION").dt)
    return None


def _day(value: date) -> date:
    """The calendar day of a DATE or DATE-TIME value."""
    if not isinstance(value, date):
        raise ValueError(f"{value!r} is not a date")
    return value.date() if isinstance(value, datetime) else value


def _day_after(end: date) -> date:
    """Exclusive end day: a DATE as is; a DATE-TIME after midnight closes its own day too."""
    if isinstance(end, datetime) and end.time() != time(0):
        return end.date() + ONE_DAY
    return _day(end)


def _cancelled(event: Component) -> bool:
    """STATUS:CANCELLED events are not closures."""
    return str(event.get("STATUS", "")).upper() == "CANCELLED"


def _term_spans(terms: list[Span]) -> list[tuple[date, date]]:
    """Term time: span events as given; a "term starts" marker runs to the next "term ends"."""
    spans: list[tuple[date, date]] = []
    opened: date | None = None
    for s in sorted(terms, key=lambda s: s.start):
        spans.append((s.start, s.end))
        if START_MARKER.search(s.summary) and opened is None:
            opened = s.start
        elif END_MARKER.search(s.summary) and opened is not None:
            spans.append((opened, s.end))
            opened = None
    return spans


def _gaps(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The days between consecutive terms that are not just a weekend."""
    gaps: list[tuple[date, date]] = []
    spans = sorted(spans)
    covered_to = spans[0][1]
    for start, end in spans[1:]:
        if start > covered_to and _has_weekday(covered_to, start):
            gaps.append((covered_to, start))
        covered_to = max(covered_to, end)
    return gaps


def _has_weekday(start: date, stop: date) -> bool:
    """Some day from ``start`` up to (not including) ``stop`` is Monday to Friday."""
    return any((start + timedelta(days=i)).weekday() < 5 for i in range((stop - start).days))


def _error(what: str, exc: Exception) -> CalendarFileError:
    """A one-line CalendarFileError from a parser exception."""
    detail = " ".join(str(exc).split())[:160]
    return CalendarFileError(f"{what}: {detail}" if detail else what)
