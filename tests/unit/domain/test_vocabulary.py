"""One vocabulary, one status rule, and refusals as data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ehcp.domain import (
    DUE_SOON_DAYS,
    AdviceKind,
    Channel,
    Deadline,
    ExceptionReason,
    IllegalMove,
    RequestSource,
    ReviewOutcome,
    Stage,
    check_event,
    deadline_status,
    plan_move,
)
from ehcp.domain import events as ev
from ehcp.domain.vocabulary import CLOSED_STAGE_NAMES
from ehcp.rules.model import EXCEPTION_REASONS as CATALOGUE_REASONS
from tests.unit.domain.builder import CAL, d, received

TODAY = date(2025, 6, 2)


def test_the_stored_and_printed_words_are_unchanged():
    assert [s.value for s in Stage] == ["request", "assessment", "not_assessed", "draft", "final", "no_plan",
                                       "review", "ceased", "withdrawn"]
    assert list(Channel) == ["email", "hand", "portal", "first_class_post", "second_class_post"]
    assert list(AdviceKind) == ["parent", "educational", "medical", "psychological", "social_care", "other"]
    assert list(RequestSource) == ["parent", "young_person", "school", "other"]
    assert list(ReviewOutcome) == ["maintain", "amend", "cease"]
    assert CLOSED_STAGE_NAMES == ("not_assessed", "no_plan", "ceased", "withdrawn")
    assert f"{Stage.DRAFT}" == str(Stage.DRAFT) == "draft"


def test_every_exception_reason_of_the_rule_catalogue_can_be_recorded():
    assert list(ExceptionReason) == list(CATALOGUE_REASONS)


@pytest.mark.parametrize(("state", "due", "window", "status"), [
    ("pending", TODAY + timedelta(days=8), False, "open"),
    ("pending", TODAY + timedelta(days=7), False, "due_soon"),
    ("pending", TODAY, False, "due_soon"),
    ("pending", TODAY - timedelta(days=1), False, "overdue"),
    ("pending", TODAY - timedelta(days=1), True, "met"),
    ("met", TODAY - timedelta(days=30), False, "met"),
    ("missed", TODAY - timedelta(days=30), False, "missed"),
    ("disapplied", TODAY - timedelta(days=30), False, "disapplied"),
])
def test_one_status_rule(state, due, window, status):
    assert deadline_status(state, due, TODAY, window=window) == status
    deadline = Deadline("final_plan", "R-FINAL-PLAN", due, state, None, "reg 13(2)", None, due, window=window)
    assert deadline.status(TODAY) == status


def test_the_due_soon_window_is_a_setting():
    assert DUE_SOON_DAYS == 7
    due = TODAY + timedelta(days=10)
    assert deadline_status("pending", due, TODAY) == "open"
    assert deadline_status("pending", due, TODAY, due_soon_days=10) == "due_soon"


def test_a_refused_move_carries_its_rule_citation_stage_and_target():
    drafted = received("2025-01-20").agreed("2025-03-01").draft("2025-06-02")
    with pytest.raises(IllegalMove) as caught:
        plan_move(list(drafted.events), "final", d("2025-06-10"), calendar=CAL)
    error = caught.value
    assert (error.rule, error.kind, error.stage, error.target) == (
        "representation_window_closed", "final_plan_issued", Stage.DRAFT, Stage.FINAL)
    assert error.citation == "SEND Regulations 2014 reg 13(1)(a)"
    assert error.reason.startswith("the parent's 15-day window")
    assert str(error).startswith("cannot move from draft to final on 2025-06-10: ")


def test_a_refused_recording_names_the_event_kind_as_its_target():
    with pytest.raises(IllegalMove) as caught:
        check_event(list(received("2025-01-20").events), ev.SchoolResponded(d("2025-02-01"), "Oak"), calendar=CAL)
    error = caught.value
    assert (error.rule, error.kind, error.target, error.stage) == (
        "not_in_stage", "school_responded", "school_responded", Stage.REQUEST)
    assert str(error) == ("cannot record school_responded in stage request on 2025-02-01: it can be recorded only "
                          "while the case is in draft, final, review (Code of Practice 9.83)")


def test_a_move_the_table_lacks_names_no_move():
    with pytest.raises(IllegalMove) as caught:
        plan_move(list(received("2025-01-20").events), "final", d("2025-02-01"), calendar=CAL)
    assert caught.value.rule == "no_move" and caught.value.citation is None
