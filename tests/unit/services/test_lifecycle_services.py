"""Lifecycle commands through the recording pipeline over a fake unit of work: the child record
noted first when the log is behind it, and only the clocks that changed reported."""

from __future__ import annotations

from datetime import date

import pytest

from ehcp.services.cases import ChildDetails, advance_case, open_case
from ehcp.services.errors import Refused
from ehcp.services.reviews import hold_review
from tests.unit.services.fakes import context

TODAY = date(2025, 12, 1)


def planned(child: ChildDetails):
    """A case with a final plan issued on 2025-06-20."""
    ctx = context(TODAY)
    ref = open_case(ctx, child, received=date(2025, 3, 3)).reference
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1))
    advance_case(ctx, ref, to="draft", on=date(2025, 6, 2), channel="email")
    advance_case(ctx, ref, to="final", on=date(2025, 6, 20))
    return ctx, ref


def test_holding_a_review_reports_the_clocks_it_started_and_settled():
    ctx, ref = planned(ChildDetails("Alex", "Example", date(2016, 5, 4)))
    result = hold_review(ctx, ref, on=date(2025, 11, 20))
    assert (result.reference, result.stage, result.recorded) == (ref, "review", ["review_meeting_held"])
    assert result.from_stage == "final" and result.on == date(2025, 11, 20)
    stored = set(ctx.fake.deadlines.keys(ctx.fake.cases.get(ref).id))
    assert {d.key for d in result.deadlines} <= stored
    assert "final_plan" not in {d.key for d in result.deadlines}  # settled before, unchanged now
    assert result.details["meeting"] == date(2025, 11, 20)


def test_a_child_record_ahead_of_the_log_is_noted_first_in_the_same_transaction():
    ctx, ref = planned(ChildDetails("Sam", "Sample", date(2015, 9, 2), year_group=5))
    commits = ctx.fake.commits
    result = hold_review(ctx, ref, on=date(2025, 11, 20))
    assert result.recorded == ["child_noted", "review_meeting_held"]
    assert ctx.fake.commits == commits + 1
    assert ctx.fake.audit.actions()[-2:] == ["child_noted", "case_advanced"]


def test_a_review_before_the_plan_is_refused_with_stage_and_target():
    ctx = context(TODAY)
    ref = open_case(ctx, ChildDetails("Jo", "Placeholder", date(2014, 1, 20)), received=date(2025, 3, 3)).reference
    with pytest.raises(Refused) as refused:
        hold_review(ctx, ref, on=date(2025, 6, 1))
    assert (refused.value.stage, refused.value.target) == ("request", "review")
    assert ctx.fake.events.kinds(ctx.fake.cases.get(ref).id) == ["request_received"]
