"""Properties of the review cycle and the lifecycle clocks, over generated plans (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import example, given, settings
from hypothesis import strategies as st

from calendars import conventions
from ehcp.domain import ChildFacts, compute_deadlines, ncy_from_dob, ordered
from ehcp.domain import events as ev
from ehcp.rules import Policy
from tests.unit.domain.builder import CAL

FAST = settings(max_examples=60, deadline=None)
POLICIES = st.builds(Policy, review_restart=st.sampled_from(["decision", "meeting"]),
                     months_beginning=st.sampled_from(["legal", "conservative"]))


@st.composite
def reviewed_plans(draw) -> tuple[list[ev.Event], list[tuple[date, date]]]:
    """A plan, then 1-5 reviews: (meeting, decision) pairs 0-70 days apart, reviews 30-420 days apart."""
    issued = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31)))
    history: list[ev.Event] = [ev.RequestReceived(issued - timedelta(days=140), dob=date(2012, 3, 1)),
                               ev.AssessmentAgreed(issued - timedelta(days=100)),
                               ev.DraftPlanSent(issued - timedelta(days=30)), ev.FinalPlanIssued(issued)]
    reviews, day = [], issued
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        meeting = day + timedelta(days=draw(st.integers(min_value=30, max_value=420)))
        decided = meeting + timedelta(days=draw(st.integers(min_value=0, max_value=70)))
        outcome = draw(st.sampled_from(["maintain", "amend"]))
        history += [ev.ReviewMeetingHeld(meeting), ev.ReviewDecided(decided, outcome)]
        if outcome == "amend":
            history.append(ev.AmendmentNoticeSent(decided))
            history.append(ev.AmendedPlanIssued(decided + timedelta(days=draw(st.integers(15, 60)))))
        reviews.append((meeting, decided))
        day = history[-1].on
    return history, reviews


def annual_reviews(history: list[ev.Event], policy: Policy) -> list:
    deadlines = compute_deadlines(history, calendar=CAL, today=history[-1].on, policy=policy)
    return [dl for dl in deadlines if dl.key.split(".")[0] == "annual_review"]


@FAST
@given(plan=reviewed_plans(), policy=POLICIES)
def test_a_completed_review_moves_the_next_due_date_forward_and_never_past_12_months(plan, policy):
    history, reviews = plan
    clocks = annual_reviews(history, policy)
    assert len(clocks) == len(reviews) + 1
    for (earlier, later), (meeting, decided) in zip(pairwise(clocks), reviews, strict=True):
        restart = decided if policy.review_restart == "decision" else meeting
        assert earlier.state in ("met", "missed") and earlier.met_on == restart
        assert later.trigger == restart
        assert later.due > earlier.due
        assert later.due < conventions.add_months(restart, 12) + timedelta(days=1)
        assert later.due >= restart + timedelta(days=363)


@FAST
@given(plan=reviewed_plans(), policy=POLICIES)
def test_only_one_annual_review_is_ever_pending(plan, policy):
    history, _ = plan
    assert sum(1 for dl in annual_reviews(history, policy) if dl.state == "pending") == 1


@FAST
@given(plan=reviewed_plans(), data=st.data())
def test_lifecycle_replay_is_independent_of_recording_order(plan, data):
    history, _ = plan
    extra = [ev.ChildNoted(history[3].on, date(2012, 3, 1), data.draw(st.integers(min_value=0, max_value=11))),
             ev.AppealableDecision(history[-1].on, "contents"),
             ev.MediationAdviserContacted(history[-1].on + timedelta(days=5), wants_mediation=False)]
    history = history + extra
    today = history[-1].on + timedelta(days=10)
    shuffled = data.draw(st.permutations(history))
    assert compute_deadlines(shuffled, calendar=CAL, today=today) == compute_deadlines(history, calendar=CAL,
                                                                                       today=today)


@FAST
@given(plan=reviewed_plans())
def test_at_most_one_phase_transfer_waits_and_it_falls_in_the_transfer_year(plan):
    history, _ = plan
    deadlines = compute_deadlines(history, calendar=CAL, today=history[-1].on)
    phase = [dl for dl in deadlines if dl.key.startswith("phase_transfer")]
    assert sum(1 for dl in phase if dl.state == "pending") <= 1
    for dl in phase:
        assert dl.due.year == dl.trigger.year and dl.due < dl.trigger


@FAST
@given(dob=st.dates(min_value=date(2000, 1, 1), max_value=date(2022, 12, 31)),
       on=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
def test_ncy_rises_by_one_each_september_and_matches_a_recorded_chronological_year(dob, on):
    child = ChildFacts(dob)
    next_year = date(on.year + 1, on.month, min(on.day, 28))
    assert child.ncy(next_year) == child.ncy(on) + 1
    recorded = ChildFacts(dob, ncy_from_dob(dob, on), on)
    assert recorded.ncy(next_year) == child.ncy(next_year)


@FAST
@given(sent=st.dates(min_value=date(2016, 1, 1), max_value=date(2028, 12, 31)),
       cert_after=st.one_of(st.none(), st.integers(min_value=0, max_value=90)))
@example(sent=date(2022, 4, 1), cert_after=90)  # ends Sat 30 Jul 2022: r.12(2) gives Mon 1 Aug
def test_appeal_deadline_is_a_working_day_never_before_two_months_and_never_ends_in_the_tribunal_holidays(
        sent, cert_after):
    """From the 2020 r.12(3)(a): a period that *ends* 25 Dec-1 Jan or in August runs to the first
    working day after them. A period ending on a non-working day just before them takes r.12(2)
    instead ("otherwise", statutory-timescales.md 8.2): the next working day, which may be 1 August
    or 28 December."""
    from ehcp.domain.disputes.appeal_window import _months, appeal_in_time_until, tribunal_holiday

    cert = None if cert_after is None else sent + timedelta(days=cert_after)
    policy = Policy()
    due = appeal_in_time_until(sent, cert, calendar=CAL, policy=policy)
    assert CAL.is_working_day(due) and due >= conventions.months_after(sent, 2)
    if cert is not None:
        assert due >= conventions.months_after(cert, 1)
    end = max(_months(sent, 2, policy), _months(cert, 1, policy) if cert is not None else date.min)
    if end >= policy.hesc_r12_2020_from and tribunal_holiday(due):
        assert not tribunal_holiday(end) and not CAL.is_working_day(end)
        assert not any(CAL.is_working_day(end + timedelta(days=k)) for k in range(1, (due - end).days))


def test_ordered_puts_same_day_lifecycle_steps_in_statutory_sequence():
    day = date(2026, 1, 5)
    shuffled = [ev.PlanCeased(day), ev.CeaseNoticeSent(day, "deceased"), ev.ReviewDecided(day, "cease"),
                ev.ReviewMeetingHeld(day)]
    assert [e.kind for e in ordered(shuffled)] == ["review_meeting_held", "review_decided", "cease_notice_sent",
                                                   "plan_ceased"]
