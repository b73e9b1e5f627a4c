"""Properties of the deadline engine, checked over generated cases (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ehcp.domain import Deadline, compute_deadlines
from ehcp.domain import events as ev
from tests.unit.domain.builder import CAL

DAYS = st.integers(min_value=1, max_value=60)
START = st.dates(min_value=date(2015, 1, 1), max_value=date(2028, 6, 30))
REASONS = st.sampled_from(["personal_circumstances", "absence_from_area", "missed_appointment",
                           "school_closure", "coronavirus"])
FAST = settings(max_examples=60, deadline=None)


@st.composite
def case_histories(draw) -> list[ev.Event]:
    """A plausible case, each event on its own date: request, decision, advice, draft, final, review."""
    day = draw(st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31)))
    history: list[ev.Event] = [ev.RequestReceived(day)]

    def later() -> date:
        nonlocal day
        day = day + timedelta(days=draw(DAYS))
        return day

    if draw(st.booleans()):
        history.append(ev.AssessmentRefused(later()))
        return history
    history.append(ev.AssessmentAgreed(later()))
    for kind in draw(st.lists(st.sampled_from(["educational", "medical", "psychological"]), max_size=3)):
        history.append(ev.AdviceRequested(later(), kind, channel=draw(st.sampled_from(["email", "first_class_post"]))))
    if draw(st.booleans()):
        history.append(ev.ExceptionRecorded(later(), draw(REASONS), day + timedelta(days=draw(DAYS))))
    history.append(ev.DraftPlanSent(later()))
    history.append(ev.FinalPlanIssued(day + timedelta(days=15 + draw(DAYS))))
    day = history[-1].on
    if draw(st.booleans()):
        history += [ev.ReviewMeetingHeld(later()), ev.ReviewDecided(later())]
    return history


def compute(history: list[ev.Event], today: date) -> list[Deadline]:
    return compute_deadlines(history, calendar=CAL, today=today)


@FAST
@given(history=case_histories(), data=st.data())
def test_replay_is_independent_of_recording_order(history, data):
    today = history[-1].on + timedelta(days=10)
    shuffled = data.draw(st.permutations(history))
    assert compute(list(shuffled), today) == compute(history, today)


@FAST
@given(history=case_histories(), offset=st.integers(min_value=-400, max_value=800))
def test_a_disapplied_clock_is_never_overdue(history, offset):
    today = history[0].on + timedelta(days=offset)
    for deadline in compute(history, today):
        if deadline.state == "disapplied":
            assert deadline.status(today) == "disapplied" and deadline.exception


@FAST
@given(received=START)
def test_week_clocks_land_on_the_weekday_the_request_was_received(received):
    for deadline in compute([ev.RequestReceived(received)], received):
        assert deadline.due.weekday() == received.weekday()
        assert deadline.practical_last_working_day <= deadline.due
        assert CAL.is_working_day(deadline.practical_last_working_day)


@FAST
@given(history=case_histories(), offset=st.integers(min_value=0, max_value=800))
def test_states_and_statuses_agree_with_the_dates(history, offset):
    today = history[0].on + timedelta(days=offset)
    for deadline in compute(history, today):
        status = deadline.status(today)
        if deadline.state == "met":
            assert deadline.met_on is not None and deadline.met_on <= deadline.due
        if deadline.state == "missed":
            assert deadline.met_on is not None and deadline.met_on > deadline.due
        if status == "overdue":
            assert deadline.state == "pending" and today > deadline.due and not deadline.window
        if status in ("open", "due_soon"):
            assert deadline.state == "pending" and today <= deadline.due
        if status == "due_soon":
            assert (deadline.due - today).days <= 7


@FAST
@given(history=case_histories())
def test_keys_are_unique_and_every_clock_keeps_its_nominal_due_date(history):
    deadlines = compute(history, history[-1].on)
    assert len({dl.key for dl in deadlines}) == len(deadlines)
    assert all(dl.due and dl.trigger for dl in deadlines)


@FAST
@given(due=START, today=START, state=st.sampled_from(["pending", "met", "missed", "disapplied"]),
       window=st.booleans())
def test_status_of_any_deadline_follows_its_state_and_dates(due, today, state, window):
    deadline = Deadline("k", "R-X", due, state, None, "c", None, due, False, None, window)
    status = deadline.status(today)
    if state != "pending":
        assert status == state
    elif today > due:
        assert status == ("met" if window else "overdue")
    else:
        assert status == ("due_soon" if (due - today).days <= 7 else "open")
