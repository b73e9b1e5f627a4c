"""plan_move and check_event: legal moves build their event, illegal ones raise IllegalMove."""

from __future__ import annotations

import pytest

from ehcp.domain import IllegalMove, Stage, check_event, current_stage, plan_move
from ehcp.domain import events as ev
from tests.unit.domain.builder import CAL, d, received

DRAFTED = received("2025-01-20").agreed("2025-03-01").draft("2025-06-02")
FINAL = received("2024-06-03").agreed("2024-07-01").draft("2024-09-02").final("2024-10-21")


def move(history, to, on, **details):
    return plan_move(list(history), to, d(on), calendar=CAL, **details)


def refusal(history, to, on, **details) -> IllegalMove:
    with pytest.raises(IllegalMove) as caught:
        move(history, to, on, **details)
    return caught.value


def test_builds_the_event_for_each_legal_move():
    assert move([], Stage.REQUEST, "2025-01-20", source="school") == ev.RequestReceived(d("2025-01-20"), "school")
    assert isinstance(move(received("2025-01-20"), "assessment", "2025-02-01"), ev.AssessmentAgreed)
    assert isinstance(move(received("2025-01-20"), "not_assessed", "2025-02-01"), ev.AssessmentRefused)
    assessed = received("2025-01-20").agreed("2025-03-01")
    assert move(assessed, "draft", "2025-05-29", channel="first_class_post").channel == "first_class_post"
    assert isinstance(move(assessed, "no_plan", "2025-05-01"), ev.PlanNotIssued)
    assert isinstance(move(DRAFTED, "final", "2025-06-17"), ev.FinalPlanIssued)
    assert isinstance(move(FINAL, "review", "2025-10-01"), ev.ReviewMeetingHeld)
    assert move(FINAL.meeting("2025-10-01"), "final", "2025-10-20", outcome="amend").outcome == "amend"
    assert isinstance(move(FINAL, "ceased", "2025-10-01"), ev.PlanCeased)
    assert isinstance(move(FINAL.meeting("2025-10-01"), "ceased", "2025-10-02"), ev.PlanCeased)


@pytest.mark.parametrize("history", [received("2025-01-20"), received("2025-01-20").agreed("2025-03-01"),
                                     DRAFTED, FINAL, FINAL.meeting("2025-10-01")])
def test_withdrawal_is_allowed_from_every_open_stage(history):
    assert isinstance(move(history, "withdrawn", "2025-11-01"), ev.CaseWithdrawn)


def test_refuses_final_plan_inside_representation_window():
    error = refusal(DRAFTED, "final", "2025-06-10")
    assert str(error) == (
        "cannot move from draft to final on 2025-06-10: the parent's 15-day window for representations "
        "(SEND Regulations 2014 reg 13(1)(a)) runs to 2025-06-16; record a written waiver to finalise earlier")
    assert (error.stage, error.target) == (Stage.DRAFT, Stage.FINAL)
    assert error.citation == "SEND Regulations 2014 reg 13(1)(a)"


def test_refuses_final_plan_on_the_last_day_of_the_window():
    refusal(DRAFTED, "final", "2025-06-16")


def test_allows_final_plan_inside_window_after_written_waiver():
    assert isinstance(move(DRAFTED.waived("2025-06-05"), "final", "2025-06-06"), ev.FinalPlanIssued)


def test_window_for_a_posted_draft_runs_from_deemed_service():
    posted = received("2025-01-20").agreed("2025-03-01").draft("2025-05-29", channel="first_class_post")
    assert "runs to 2025-06-16" in str(refusal(posted, "final", "2025-06-16"))
    assert isinstance(move(posted, "final", "2025-06-17"), ev.FinalPlanIssued)


@pytest.mark.parametrize("history,stage", [
    (received("2025-01-20").refused("2025-02-20"), "not_assessed"),
    (received("2025-01-20").agreed("2025-02-20").no_plan("2025-05-01"), "no_plan"),
    (FINAL.ceased("2025-03-01"), "ceased"),
    (received("2025-01-20").withdrawn("2025-02-01"), "withdrawn"),
])
def test_refuses_any_move_from_a_closed_stage(history, stage):
    for target in Stage:
        error = refusal(history, target, "2026-01-05")
        assert f"the case is closed ({stage} since" in str(error)


def test_refuses_move_dated_before_the_previous_event():
    error = refusal(received("2025-01-20").agreed("2025-03-01"), "draft", "2025-02-27")
    assert "the previous event (assessment agreed) is dated 2025-03-01" in str(error)


def test_refuses_move_dated_before_the_request_was_received():
    error = refusal(received("2025-01-20"), "assessment", "2025-01-19")
    assert "the request was received on 2025-01-20" in str(error)


def test_refuses_review_before_a_final_plan():
    error = refusal(DRAFTED, "review", "2025-07-01")
    assert "no move from draft to review" in str(error)


def test_refuses_a_route_the_table_does_not_have():
    assert "no move from request to final" in str(refusal(received("2025-01-20"), "final", "2025-03-01"))
    assert "no move from final to draft" in str(refusal(FINAL, "draft", "2025-03-01"))


def test_refuses_a_move_before_any_request():
    assert "no request yet" in str(refusal([], "assessment", "2025-03-01"))


def test_refuses_a_second_request_on_the_same_case():
    with pytest.raises(IllegalMove, match="already has a request"):
        check_event(list(received("2025-01-20")), ev.RequestReceived(d("2025-02-01")), calendar=CAL)


def test_refuses_a_request_before_the_send_regulations():
    assert "came into force on 2014-09-01" in str(refusal([], "request", "2014-08-29"))


def test_refuses_an_unknown_request_source():
    assert "unknown request source" in str(refusal([], "request", "2025-01-20", source="neighbour"))


def test_refuses_unknown_review_outcome():
    assert "unknown review outcome" in str(refusal(FINAL.meeting("2025-10-01"), "final", "2025-10-20",
                                                   outcome="maybe"))


def test_refuses_draft_served_before_it_was_sent():
    assessed = received("2025-01-20").agreed("2025-03-01")
    assert "cannot be served" in str(refusal(assessed, "draft", "2025-05-29", served_on=d("2025-05-28")))


def test_refuses_unknown_channel():
    assessed = received("2025-01-20").agreed("2025-03-01")
    assert "unknown channel" in str(refusal(assessed, "draft", "2025-05-29", channel="pigeon"))


def test_refuses_details_the_event_does_not_take():
    assert "takes no details colour" in str(refusal(received("2025-01-20"), "assessment", "2025-02-01",
                                                    colour="red"))


def test_illegal_move_message_is_one_line():
    assert "\n" not in str(refusal(DRAFTED, "final", "2025-06-10"))


def test_current_stage_follows_the_moves():
    assert current_stage(list(DRAFTED)) is Stage.DRAFT
    assert current_stage(list(FINAL.meeting("2025-10-01"))) is Stage.REVIEW
    assert current_stage(list(FINAL.meeting("2025-10-01").decided("2025-10-20"))) is Stage.FINAL
    assert current_stage([]) is Stage.REQUEST
