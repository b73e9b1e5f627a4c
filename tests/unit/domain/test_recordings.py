"""check_event for events that do not move a case: advice, waivers, consultations, amendments, exceptions."""

from __future__ import annotations

import pytest

from ehcp.domain import IllegalMove, check_event
from ehcp.domain import events as ev
from ehcp.domain.assessment.events import AdviceCancelled
from tests.unit.domain.builder import CAL, clocks, d, received

ASSESSING = received("2025-01-20").agreed("2025-03-01")
FINAL = received("2024-06-03").agreed("2024-07-01").draft("2024-09-02").final("2024-10-21")


def allowed(history, event) -> None:
    check_event(list(history), event, calendar=CAL)


def refused(history, event) -> str:
    with pytest.raises(IllegalMove) as caught:
        check_event(list(history), event, calendar=CAL)
    return str(caught.value)


def test_allows_advice_requests_and_receipts_during_assessment():
    allowed(ASSESSING, ev.AdviceRequested(d("2025-03-03"), "medical", 7))
    allowed(ASSESSING.advice("2025-03-03", "medical", 7), ev.AdviceReceived(d("2025-04-01"), "medical", 7))


def test_refuses_advice_received_without_a_matching_request():
    assert "no unanswered medical advice request" in refused(ASSESSING, ev.AdviceReceived(d("2025-04-01"), "medical"))
    asked = ASSESSING.advice("2025-03-03", "medical", 7)
    assert "(request 8)" in refused(asked, ev.AdviceReceived(d("2025-04-01"), "medical", 8))


def test_refuses_advice_received_twice_for_one_request():
    answered = ASSESSING.advice("2025-03-03", "medical", 7).advice_received("2025-04-01", "medical", 7)
    refused(answered, ev.AdviceReceived(d("2025-04-02"), "medical", 7))


def test_a_cancelled_advice_request_loses_its_clock_and_cannot_be_answered_or_cancelled_again():
    asked = ASSESSING.advice("2025-03-03", "medical", 7).advice("2025-03-04", "medical", 8)
    assert {"advice.medical", "advice.medical.2"} <= set(clocks(asked.events))
    cancelled = asked.add(AdviceCancelled(d("2025-03-10"), "medical", 8))
    allowed(asked, cancelled.events[-1])
    left = [k for k in clocks(cancelled.events) if k.startswith("advice.")]
    assert left == ["advice.medical"]  # request 7's; request 8, made in error, no longer counts
    assert "no unanswered medical advice request (request 8)" in refused(
        cancelled, ev.AdviceReceived(d("2025-04-01"), "medical", 8))
    assert "no open medical advice request (request 8)" in refused(
        cancelled, AdviceCancelled(d("2025-04-01"), "medical", 8))
    allowed(cancelled, ev.AdviceReceived(d("2025-04-01"), "medical", 7))


def test_refuses_advice_request_with_unknown_kind():
    assert "unknown advice kind" in refused(ASSESSING, ev.AdviceRequested(d("2025-03-03"), "astrology"))


def test_refuses_advice_received_by_the_body_before_it_was_sent():
    event = ev.AdviceRequested(d("2025-03-03"), "medical", received_by_body=d("2025-03-02"))
    assert "before it was sent" in refused(ASSESSING, event)


def test_refuses_advice_request_after_a_final_plan():
    assert "can be recorded only while the case is in" in refused(FINAL, ev.AdviceRequested(d("2025-03-03"), "medical"))


def test_refuses_waiver_without_a_draft_or_amendment_notice():
    assert "no draft plan or amendment notice" in refused(FINAL, ev.RepresentationsWaived(d("2025-03-05")))
    assert "can be recorded only while" in refused(ASSESSING, ev.RepresentationsWaived(d("2025-03-05")))


def test_refuses_school_response_without_a_consultation():
    drafted = ASSESSING.draft("2025-05-01")
    assert "no consultation of Oak" in refused(drafted, ev.SchoolResponded(d("2025-05-10"), "Oak"))
    allowed(drafted.consulted("2025-05-02", "Oak"), ev.SchoolResponded(d("2025-05-10"), "Oak"))


def test_refuses_amended_plan_inside_the_amendment_window():
    noticed = FINAL.meeting("2025-10-01").decided("2025-10-20", "amend").notice("2025-10-20")
    message = refused(noticed, ev.AmendedPlanIssued(d("2025-11-03")))
    assert "reg 22(2)(c)) run to 2025-11-03" in message
    allowed(noticed, ev.AmendedPlanIssued(d("2025-11-04")))
    allowed(noticed.waived("2025-10-25"), ev.AmendedPlanIssued(d("2025-10-27")))


def test_refuses_amended_plan_without_a_notice():
    assert "no amendment notice" in refused(FINAL, ev.AmendedPlanIssued(d("2025-03-03")))


def test_refuses_second_amendment_notice_while_one_is_pending():
    noticed = FINAL.notice("2025-03-03")
    assert "has not yet led to an amended plan" in refused(noticed, ev.AmendmentNoticeSent(d("2025-03-10")))
    allowed(noticed.amended("2025-04-01"), ev.AmendmentNoticeSent(d("2025-06-10")))


def test_refuses_exception_ending_before_it_starts():
    assert "ends (2025-02-01) before it starts" in refused(
        ASSESSING, ev.ExceptionRecorded(d("2025-03-01"), "personal_circumstances", d("2025-02-01")))


def test_refuses_school_closure_without_a_reopening_date():
    assert "re-opens" in refused(ASSESSING, ev.ExceptionRecorded(d("2025-07-23"), "school_closure"))


def test_refuses_unknown_exception_reason():
    assert "unknown exception reason" in refused(ASSESSING, ev.ExceptionRecorded(d("2025-03-02"), "snow"))


def test_allows_exception_dated_before_later_events():
    allowed(ASSESSING.draft("2025-05-01"), ev.ExceptionRecorded(d("2025-03-05"), "absence_from_area", d("2025-04-10")))


def test_refuses_exception_starting_after_the_case_closed():
    closed = ASSESSING.withdrawn("2025-04-01")
    assert "can be recorded only while" in refused(closed, ev.ExceptionRecorded(d("2025-04-02"), "absence_from_area"))


def test_refuses_recording_before_the_request():
    assert "request was received on 2025-01-20" in refused(
        ASSESSING, ev.ExceptionRecorded(d("2025-01-10"), "personal_circumstances"))
