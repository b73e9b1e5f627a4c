"""Events round-trip through their stored form (kind, on, JSON payload)."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest

from ehcp.domain import EVENT_TYPES, UnknownEvent, event_from
from ehcp.domain import events as ev
from tests.unit.domain.builder import d

SAMPLES = [
    ev.RequestReceived(d("2025-01-06"), "school"),
    ev.AssessmentAgreed(d("2025-02-01")),
    ev.AssessmentRefused(d("2025-02-01")),
    ev.AdviceRequested(d("2025-02-03"), "medical", 42, d("2025-02-05"), "first_class_post"),
    ev.AdviceReceived(d("2025-03-03"), "medical", "42"),
    ev.DraftPlanSent(d("2025-05-01"), "second_class_post", d("2025-05-06")),
    ev.RepresentationsWaived(d("2025-05-07")),
    ev.SchoolConsulted(d("2025-05-02"), "Oak Primary"),
    ev.SchoolResponded(d("2025-05-09"), "Oak Primary"),
    ev.FinalPlanIssued(d("2025-05-20")),
    ev.PlanNotIssued(d("2025-05-20")),
    ev.ReviewMeetingHeld(d("2026-04-01")),
    ev.ReviewDecided(d("2026-04-20"), "amend"),
    ev.AmendmentNoticeSent(d("2026-04-20"), "email", None),
    ev.AmendedPlanIssued(d("2026-06-01")),
    ev.PlanCeased(d("2027-01-01")),
    ev.CaseWithdrawn(d("2025-03-01")),
    ev.ExceptionRecorded(d("2025-07-23"), "school_closure", d("2025-09-03"), None),
]


def test_samples_cover_every_event_type():
    assert {type(e) for e in SAMPLES} == set(EVENT_TYPES.values())


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.kind)
def test_event_round_trips_through_json_payload(event):
    payload = json.loads(json.dumps(event.to_payload()))
    assert "on" not in payload
    assert event_from(event.kind, event.on.isoformat(), payload) == event


def test_every_event_has_a_kind_and_a_date():
    for kind, cls in EVENT_TYPES.items():
        assert cls.kind == kind
        assert fields(cls)[0].name == "on"


def test_event_from_reads_kind_as_advice_kind_and_ignores_unknown_keys():
    event = event_from("advice_requested", d("2025-02-03"), {"kind": "medical", "request_id": 3, "later": 1})
    assert event == ev.AdviceRequested(d("2025-02-03"), "medical", 3)


def test_event_from_refuses_an_unknown_kind():
    with pytest.raises(UnknownEvent):
        event_from("tea_served", d("2025-01-01"), {})


def test_events_are_frozen():
    with pytest.raises(AttributeError):
        ev.AssessmentAgreed(d("2025-02-01")).on = d("2025-02-02")  # type: ignore[misc]


# The same-day order as ehcp/domain/machine/history.py spelt it out before each event declared its slot
# (and kinds added since, in their slots: advice_cancelled).
SAME_DAY_ORDER_BEFORE_SLOTS = (
    "request_received", "plan_transferred_in", "child_noted", "assessment_agreed", "assessment_refused",
    "reassessment_requested", "reassessment_agreed", "reassessment_refused", "advice_requested", "advice_cancelled",
    "advice_received", "draft_plan_sent", "reassessment_draft_sent", "school_consulted", "school_responded",
    "representations_waived", "plan_not_issued", "final_plan_issued", "reassessment_concluded", "transfer_informed",
    "phase_transfer_noted", "review_scheduled", "review_invitations_sent", "review_advice_circulated",
    "review_meeting_held", "review_report_sent", "review_decided", "amendment_notice_sent", "amendment_not_made",
    "amended_plan_issued", "cease_consulted", "cease_notice_sent", "appealable_decision",
    "mediation_adviser_contacted", "mediation_requested", "mediation_icb_notified", "mediation_unavailable",
    "mediation_concluded", "mediation_certificate_issued", "appeal_lodged", "appeal_response_sent",
    "appeal_unopposed", "tribunal_ordered", "reopened_by_order", "appeal_concluded", "order_complied",
    "exception_recorded", "move_notified", "plan_transferred_out", "plan_ceased", "case_withdrawn",
)


def test_the_same_day_order_from_the_event_slots_is_the_order_before_slots():
    assert ev.LIFECYCLE_ORDER == SAME_DAY_ORDER_BEFORE_SLOTS
    assert set(ev.LIFECYCLE_ORDER) == set(ev.ALL_EVENT_TYPES)


def test_every_event_kind_has_its_own_same_day_slot():
    slots = [cls.same_day for cls in ev.ALL_EVENT_TYPES.values()]
    assert len(set(slots)) == len(slots)
    assert ev.Event.same_day > max(slots)  # an event without a slot sorts after every known one
