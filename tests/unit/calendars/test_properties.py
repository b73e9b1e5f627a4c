"""Property tests for the counting conventions, working days and closures (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from calendars import Closure, post, terms
from calendars import conventions as c
from tests.unit.calendars.helpers import CAL

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 12, 31))
ONE = timedelta(days=1)


def _days(a: date, b: date) -> list[date]:
    """Every day from a to b inclusive."""
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


def _month_index(x: date) -> int:
    return x.year * 12 + x.month


@given(DAYS, st.integers(-60, 60))
def test_weeks_after_lands_on_the_same_weekday(d, n):
    due = c.weeks_after(d, n)
    assert due.weekday() == d.weekday()
    assert (due - d).days == 7 * n


@given(DAYS, st.integers(1, 60))
def test_months_beginning_never_passes_the_corresponding_date(d, n):
    corresponding = c.add_months(d, n)
    legal = c.months_beginning(d, n)
    conservative = c.months_beginning(d, n, conservative=True)
    assert conservative <= legal <= corresponding
    assert legal in (corresponding - ONE, corresponding)
    assert _month_index(legal) - _month_index(corresponding - ONE) in (0, 1)
    assert _month_index(corresponding - ONE) - _month_index(conservative) in (0, 1)


@given(DAYS, st.integers(1, 60))
def test_months_beginning_next_period_starts_on_the_corresponding_day_or_next_month(d, n):
    following = c.months_beginning(d, n) + ONE
    assert following == c.add_months(d, n) or (following.day == 1 and following > c.add_months(d, n))


@given(DAYS.filter(lambda x: x.day > 1), st.integers(1, 60))
def test_months_beginning_is_day_before_plus_months_except_on_the_first(d, n):
    assert c.months_beginning(d, n) == c.add_months(d - ONE, n)


@given(DAYS, st.integers(-120, 120))
def test_add_months_keeps_the_day_or_clamps_to_month_end(d, n):
    got = c.add_months(d, n)
    assert _month_index(got) - _month_index(d) == n
    assert got.day == d.day or (got.day < d.day and (got + ONE).day == 1)


@given(DAYS, st.integers(1, 400))
def test_days_beginning_window_is_exactly_n_days(d, n):
    first, last = c.days_beginning(d, n)
    assert first == d
    assert len(_days(first, last)) == n


@given(DAYS, st.integers(-40, 40).filter(bool))
def test_add_working_days_lands_on_a_working_day_n_working_days_away(d, n):
    got = CAL.add_working_days(d, n)
    assert CAL.is_working_day(got)
    between = _days(d + ONE, got) if n > 0 else _days(got, d - ONE)
    assert sum(CAL.is_working_day(x) for x in between) == abs(n)


@given(DAYS)
def test_last_working_day_on_or_before_is_a_working_day_not_after_d(d):
    got = CAL.last_working_day_on_or_before(d)
    assert got <= d
    assert CAL.is_working_day(got)
    assert not any(CAL.is_working_day(x) for x in _days(got + ONE, d))


@given(DAYS)
def test_next_working_day_after_is_the_first_working_day_after_d(d):
    got = CAL.next_working_day_after(d)
    assert got > d and CAL.is_working_day(got)
    assert not any(CAL.is_working_day(x) for x in _days(d + ONE, got - ONE))


@given(DAYS, st.integers(1, 30))
def test_working_days_beginning_counts_n_working_days_including_d(d, n):
    got = c.working_days_beginning(d, n, CAL)
    assert CAL.is_working_day(got)
    assert sum(CAL.is_working_day(x) for x in _days(d, got)) == n


@given(DAYS, st.sampled_from(post.CHANNELS), st.sampled_from(post.POLICIES))
def test_latest_posting_date_is_the_latest_working_day_served_in_time(target, channel, policy):
    posted = post.latest_posting_date(target, channel, CAL, policy)
    assert CAL.is_working_day(posted)
    assert post.deemed_served(posted, channel, CAL, policy) <= target
    later = CAL.next_working_day_after(posted)
    assert later > target or post.deemed_served(later, channel, CAL, policy) > target


@given(st.lists(st.tuples(DAYS, st.integers(1, 60)), max_size=8))
def test_merged_closures_are_disjoint_and_cover_every_closed_day(spans):
    closures = [Closure(s, s + timedelta(days=n)) for s, n in spans]
    merged = terms.merge_closures(closures)
    for a, b in pairwise(merged):
        assert a.reopens < b.start and any(x.weekday() < 5 for x in _days(a.reopens, b.start - ONE))
    for closure in closures:
        assert any(m.start <= closure.start and closure.reopens <= m.reopens for m in merged)
    assert terms.merge_closures(merged) == merged


@given(DAYS, st.integers(1, 120))
def test_exception_window_is_as_long_as_the_closure(start, n):
    closure = Closure(start, start + timedelta(days=n))
    opens, closes = terms.exception_window(closure)
    assert (closes - opens).days == closure.days and closure.start - opens == timedelta(weeks=1)
