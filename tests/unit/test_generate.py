"""The synthetic data generator (no database): deterministic, lawful histories, DfE-like mix."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from calendars import england_and_wales
from ehcp.domain import IllegalMove, check_event, current_stage
from ehcp.importing import synthetic

TODAY = date(2025, 12, 1)


def sample(seed: int, requests: int = 3000) -> list[synthetic.Story]:
    return list(synthetic.stories(seed, requests, TODAY, caseworkers=10, chunk=700))


def test_same_seed_same_stories_and_another_seed_others():
    first = synthetic.story_digest(iter(sample(11, 600)))
    assert first == synthetic.story_digest(iter(sample(11, 600)))
    assert first != synthetic.story_digest(iter(sample(12, 600)))


def test_chunking_does_not_change_the_requests():
    dates = synthetic.received_dates(5, 1000, TODAY)
    assert dates == sorted(dates) and dates == synthetic.received_dates(5, 1000, TODAY)
    assert min(dates) >= synthetic.EARLIEST and max(dates) <= TODAY


def test_every_history_is_one_the_case_commands_would_accept():
    calendar = england_and_wales()
    for story in sample(3, 1500):
        history: list = []
        for event in story.events:
            try:
                check_event(history, event, calendar=calendar)
            except IllegalMove as exc:  # pragma: no cover - the message says which
                pytest.fail(f"{event.kind} on {event.on} refused: {exc}\n{[(e.kind, e.on) for e in story.events]}")
            history.append(event)
        assert all(e.on <= TODAY for e in story.events)
        asked = {e.request_id for e in story.events if e.kind == "advice_requested"}
        assert {a.local for a in story.advice} == asked


def test_the_mix_follows_the_dfe_figures():
    stories = sample(21, 4000)
    outcomes = Counter()
    bands = Counter()
    exceptions = plans = 0
    for story in stories:
        kinds = [e.kind for e in story.events]
        if "assessment_refused" in kinds:
            outcomes["refused"] += 1
        if "assessment_agreed" in kinds:
            outcomes["assessed"] += 1
        if "plan_not_issued" in kinds:
            outcomes["no_plan"] += 1
        final = next((e.on for e in story.events if e.kind == "final_plan_issued"), None)
        if final is not None:
            plans += 1
            weeks = (final - story.received).days
            bands["<=20" if weeks <= 140 else "20-52" if weeks <= 364 else ">52"] += 1
            exceptions += "exception_recorded" in kinds
    decided = outcomes["refused"] + outcomes["assessed"]
    assert 0.22 <= outcomes["refused"] / decided <= 0.28
    assert 0.90 <= plans / (plans + outcomes["no_plan"]) <= 0.97
    assert 0.40 <= bands["<=20"] / plans <= 0.52
    assert 0.41 <= bands["20-52"] / plans <= 0.53
    assert 0.04 <= bands[">52"] / plans <= 0.10
    assert 0.03 <= exceptions / plans <= 0.09
    stages = Counter(current_stage(s.events).value for s in stories)
    assert {"request", "assessment", "draft", "final", "review", "ceased"} <= set(stages)


def test_names_are_synthetic_words_only():
    for story in sample(4, 500):
        assert story.child.given_name in synthetic.GIVEN
        assert story.child.family_name in synthetic.FAMILY
        upn, reason = story.child.upn, story.child.upn_unknown
        assert (upn is None) != (reason is None)  # a synthetic UPN, or the reason there is none
        assert upn is None or (len(upn) == 13 and upn[0].isalpha() and upn[1:].isdigit())


def test_requests_for_a_plan_count_is_stable():
    first = synthetic.requests_for(300, 1, TODAY)
    assert first == synthetic.requests_for(300, 1, TODAY)
    assert 1.5 <= first / 300 <= 2.5


def test_worker_results_are_taken_in_order_with_at_most_a_window_in_flight():
    """Back-pressure: the writer is slower than the workers, so no more than ``window`` chunks may be
    handed out ahead of it (plain ``imap`` queued them all and held gigabytes at national scale)."""
    from ehcp.importing.synthetic import _in_order

    class Pool:
        def __init__(self) -> None:
            self.submitted, self.taken = [], []

        def apply_async(self, work, args):
            self.submitted.append(args[0])
            assert len(self.submitted) - len(self.taken) <= 3, "more than the window in flight"
            pool = self

            class Result:
                def get(self):
                    pool.taken.append(args[0])
                    return work(args[0])

            return Result()

    pool = Pool()
    assert list(_in_order(pool, lambda n: n * n, iter(range(10)), window=3)) == [n * n for n in range(10)]
    assert pool.taken == list(range(10))
