"""The lifecycle table and its guards: every event kind has a row, every refusal names its rule."""

from __future__ import annotations

import json

import pytest

from ehcp.domain import (
    ALL_EVENT_TYPES,
    EVENT_TYPES,
    LIFECYCLE_EVENT_TYPES,
    LIFECYCLE_RECORDINGS,
    LIFECYCLE_TRANSITIONS,
    IllegalMove,
    Stage,
    check_event,
    current_stage,
    describe_lifecycle,
    event_from,
)
from ehcp.domain import events as ev
from ehcp.domain.assessment.events import AdviceCancelled
from tests.unit.domain.builder import CAL, CaseBuilder, clocks, d, received

PLAN = received("2024-06-03").agreed("2024-07-01").draft("2024-09-02").final("2024-10-21")
TRANSFERRED = CaseBuilder((ev.PlanTransferredIn(d("2026-03-02"), "Somerset", d("2023-06-01"), d("2025-10-10")),))

SAMPLES = [
    AdviceCancelled(d("2025-05-01"), "medical", 4),
    ev.ChildNoted(d("2025-01-01"), d("2016-05-04"), 4),
    ev.ReviewScheduled(d("2025-10-01"), d("2025-11-04")),
    ev.ReviewInvitationsSent(d("2025-10-17"), "first_class_post", d("2025-10-20")),
    ev.ReviewAdviceCirculated(d("2025-10-20")),
    ev.ReviewReportSent(d("2025-11-14")),
    ev.AmendmentNotMade(d("2025-12-20")),
    ev.PhaseTransferNoted(d("2025-10-10"), "post16_to_post16", d("2026-04-20")),
    ev.ReassessmentRequested(d("2026-01-12"), "school"),
    ev.ReassessmentAgreed(d("2026-01-27")),
    ev.ReassessmentRefused(d("2026-01-27"), "within_6_months"),
    ev.ReassessmentDraftSent(d("2026-04-01"), "hand", d("2026-04-01")),
    ev.ReassessmentConcluded(d("2026-04-20"), "no_change"),
    ev.CeaseConsulted(d("2026-01-05")),
    ev.CeaseNoticeSent(d("2026-02-02"), "higher_education"),
    ev.PlanTransferredIn(d("2026-03-02"), "Somerset", d("2023-06-01"), d("2025-10-10"), d("2014-05-01"), 6),
    ev.TransferInformed(d("2026-04-01")),
    ev.MoveNotified(d("2026-02-02"), d("2026-03-02"), "Devon"),
    ev.PlanTransferredOut(d("2026-03-02"), "Devon"),
    ev.AppealableDecision(d("2025-10-24"), "cease"),
    ev.MediationAdviserContacted(d("2025-12-23"), True),
    ev.MediationRequested(d("2026-01-12"), health=True),
    ev.MediationIcbNotified(d("2026-01-14")),
    ev.MediationUnavailable(d("2026-02-01")),
    ev.MediationConcluded(d("2026-02-10"), "placement"),
    ev.MediationCertificateIssued(d("2026-02-12")),
    ev.MediationConcluded(d("2026-02-10"), items=(ev.AgreementItem("amend", d("2026-03-31"), "section F therapy"),
                                                  ev.AgreementItem("other", None, "transport review"))),
    ev.AppealLodged(d("2026-03-01")),
    ev.AppealLodged(d("2026-03-01"), d("2026-03-04"), d("2026-04-30")),
    ev.AppealResponseSent(d("2026-04-01")),
    ev.ReopenedByOrder(d("2026-07-13"), "make_and_maintain"),
    ev.AppealConcluded(d("2026-05-01"), "struck_out"),
    ev.TribunalOrdered(d("2026-07-13"), "make_and_maintain"),
    ev.AppealUnopposed(d("2026-04-20"), "refusal_to_issue"),
    ev.OrderComplied(d("2026-08-10"), "draft_plan"),
]


def allowed(history, event) -> None:
    check_event(list(history), event, calendar=CAL)


def refused(history, event) -> IllegalMove:
    with pytest.raises(IllegalMove) as caught:
        check_event(list(history), event, calendar=CAL)
    assert "\n" not in str(caught.value)
    return caught.value


def test_samples_cover_every_lifecycle_event_and_round_trip_through_json():
    assert {type(e) for e in SAMPLES} == set(LIFECYCLE_EVENT_TYPES.values())
    for event in SAMPLES:
        payload = json.loads(json.dumps(event.to_payload()))
        assert event_from(event.kind, event.on.isoformat(), payload) == event


def test_a_stored_mediation_request_without_health_loads_as_no_health_issues():
    assert event_from("mediation_requested", "2026-01-12", {}) == ev.MediationRequested(d("2026-01-12"), health=False)
    assert event_from("mediation_requested", "2026-01-12", None).health is False


def test_the_contract_vocabulary_is_unchanged_and_the_registries_do_not_overlap():
    assert not set(EVENT_TYPES) & set(LIFECYCLE_EVENT_TYPES)
    assert set(ALL_EVENT_TYPES) == set(EVENT_TYPES) | set(LIFECYCLE_EVENT_TYPES)
    assert not {t.target for t in LIFECYCLE_TRANSITIONS} - set(Stage)


def test_every_lifecycle_event_is_a_move_or_a_recording_and_every_guard_exists():
    moving = {t.kind for t in LIFECYCLE_TRANSITIONS}
    recorded = {r.kind for r in LIFECYCLE_RECORDINGS}
    assert not moving & recorded and moving | recorded == set(LIFECYCLE_EVENT_TYPES)
    assert all(callable(row.guard) for row in LIFECYCLE_TRANSITIONS + LIFECYCLE_RECORDINGS)
    assert all(t.citation for t in LIFECYCLE_TRANSITIONS) and all(r.citation for r in LIFECYCLE_RECORDINGS)
    pairs = [(t.source, t.kind) for t in LIFECYCLE_TRANSITIONS]
    assert len(set(pairs)) == len(pairs)


def test_describe_lifecycle_prints_every_row():
    text = describe_lifecycle()
    assert all(r.kind in text for r in LIFECYCLE_RECORDINGS) and all(t.kind in text for t in LIFECYCLE_TRANSITIONS)


# --- reviews and amendments ------------------------------------------------------------------

def test_refuses_invitations_and_advice_before_a_meeting_is_arranged():
    error = refused(PLAN, ev.ReviewInvitationsSent(d("2025-10-17")))
    assert "ehcp review schedule" in str(error) and error.citation == "SEND Regulations 2014 reg 20(2)-(4)"
    scheduled = PLAN.add(ev.ReviewScheduled(d("2025-10-01"), d("2025-11-04")))
    allowed(scheduled, ev.ReviewInvitationsSent(d("2025-10-17")))
    allowed(scheduled, ev.ReviewAdviceCirculated(d("2025-10-20")))
    assert "unknown channel" in str(refused(scheduled, ev.ReviewInvitationsSent(d("2025-10-17"), "pigeon")))


def test_refuses_a_meeting_arranged_for_a_day_already_past():
    assert "before the day it was arranged" in str(refused(PLAN, ev.ReviewScheduled(d("2025-10-01"), d("2025-09-30"))))


def test_refuses_a_report_without_a_meeting_or_twice():
    assert "waiting for its report" in str(refused(PLAN, ev.ReviewReportSent(d("2025-11-14"))))
    met = PLAN.meeting("2025-11-04")
    allowed(met, ev.ReviewReportSent(d("2025-11-14")))
    refused(met.add(ev.ReviewReportSent(d("2025-11-14"))), ev.ReviewReportSent(d("2025-11-15")))


def test_report_settles_the_two_week_clock():
    got = clocks(PLAN.meeting("2025-11-04").add(ev.ReviewReportSent(d("2025-11-14"))), today="2025-11-20")
    assert got["review_report"].state == "met" and got["review_report"].met_on == d("2025-11-14")


def test_meeting_moved_without_rescheduling_moves_the_notice_dates():
    case = PLAN.add(ev.ReviewScheduled(d("2025-10-01"), d("2025-11-04"))).meeting("2025-11-11")
    assert clocks(case, today="2025-11-12")["review_invitation"].due == d("2025-10-28")


def test_decision_not_to_amend_needs_a_notice_and_opens_an_appeal_window():
    assert "no amendment notice" in str(refused(PLAN, ev.AmendmentNotMade(d("2025-12-20"))))
    noticed = PLAN.meeting("2025-11-04").notice("2025-11-21")
    allowed(noticed, ev.AmendmentNotMade(d("2025-12-20")))
    got = clocks(noticed.add(ev.AmendmentNotMade(d("2025-12-20"))), today="2025-12-21")
    assert "amended_plan" not in got
    assert got["no_amendment_notice"].due == d("2026-01-16") and got["no_amendment_notice"].state == "met"
    assert got["appeal_deadline"].due == d("2026-02-20") and got["mediation_contact"].due == d("2026-02-20")
    refused(noticed.add(ev.AmendmentNotMade(d("2025-12-20"))), ev.AmendedPlanIssued(d("2025-12-22")))


def test_amended_plan_after_an_order_needs_no_new_notice():
    ordered = PLAN.add(ev.AppealableDecision(d("2025-11-03"), "contents")).add(ev.AppealLodged(d("2025-12-01"))).add(
        ev.TribunalOrdered(d("2026-04-01"), "amend"))
    allowed(ordered, ev.AmendedPlanIssued(d("2026-04-20")))
    got = clocks(ordered.amended("2026-04-20"), today="2026-04-21")
    assert got["order.amend"].state == "met"


def test_refuses_an_unknown_phase_transfer_and_a_post16_move_without_a_date():
    assert "unknown transfer" in str(refused(PLAN, ev.PhaseTransferNoted(d("2025-10-01"), "gap_year")))
    assert "5 months" in str(refused(PLAN, ev.PhaseTransferNoted(d("2025-10-01"), "post16_to_post16")))


def test_refuses_an_impossible_year_group():
    assert "not a national curriculum year" in str(refused(PLAN, ev.ChildNoted(d("2025-10-01"), year_group=31)))


# --- re-assessment -----------------------------------------------------------------------------

REQUESTED = PLAN.add(ev.ReassessmentRequested(d("2026-01-12")))


def test_refuses_a_second_request_while_one_waits():
    assert "still waiting for a decision" in str(refused(REQUESTED, ev.ReassessmentRequested(d("2026-01-14"))))


def test_reg_24_six_month_ground_needs_an_assessment_in_the_six_months_before_the_request():
    error = refused(REQUESTED, ev.ReassessmentRefused(d("2026-01-20"), "within_6_months"))
    assert "2024-10-21, not within the 6 months" in str(error) and error.citation == "SEND Regulations 2014 reg 24"
    allowed(REQUESTED, ev.ReassessmentRefused(d("2026-01-20"), "not_necessary"))
    recent = PLAN.add(ev.ReassessmentRequested(d("2025-03-03")))
    allowed(recent, ev.ReassessmentRefused(d("2025-03-10"), "within_6_months"))


def test_refusal_without_a_request_is_refused_and_a_refusal_opens_an_appeal_window():
    assert "no request for a re-assessment" in str(refused(PLAN, ev.ReassessmentRefused(d("2026-01-20"))))
    got = clocks(REQUESTED.add(ev.ReassessmentRefused(d("2026-01-20"))), today="2026-01-21")
    assert got["reassessment_decision"].state == "met" and got["appeal_deadline"].due == d("2026-03-20")


def test_the_plan_after_reassessment_needs_its_draft_and_the_15_days():
    agreed = REQUESTED.add(ev.ReassessmentAgreed(d("2026-01-27")))
    assert "send the draft plan first" in str(refused(agreed, ev.ReassessmentConcluded(d("2026-04-01"))))
    drafted = agreed.add(ev.ReassessmentDraftSent(d("2026-04-01")))
    assert "run to 2026-04-15" in str(refused(drafted, ev.ReassessmentConcluded(d("2026-04-10"))))
    allowed(drafted, ev.ReassessmentConcluded(d("2026-04-16")))
    allowed(drafted.waived("2026-04-05"), ev.ReassessmentConcluded(d("2026-04-06")))
    allowed(agreed, ev.ReassessmentConcluded(d("2026-03-01"), "no_change"))


def test_advice_is_sought_after_a_plan_only_during_a_reassessment():
    agreed = REQUESTED.add(ev.ReassessmentAgreed(d("2026-01-27")))
    allowed(agreed, ev.AdviceRequested(d("2026-02-02"), "psychological"))
    assert "during a re-assessment" in str(refused(PLAN, ev.AdviceRequested(d("2026-02-02"), "psychological")))


# --- ceasing and transfers ---------------------------------------------------------------------

CONSULTED = PLAN.add(ev.CeaseConsulted(d("2025-09-01")))
NOTIFIED = CONSULTED.add(ev.CeaseNoticeSent(d("2025-10-24"), "needs_met"))


def test_cease_notice_needs_consultation_first():
    error = refused(PLAN, ev.CeaseNoticeSent(d("2025-10-24"), "needs_met"))
    assert "informed and consulted" in str(error) and error.citation == "SEND Regulations 2014 reg 31(1)"
    allowed(CONSULTED, ev.CeaseNoticeSent(d("2025-10-24"), "needs_met"))
    proposed = PLAN.meeting("2025-09-16").decided("2025-10-10", "cease")
    allowed(proposed, ev.CeaseNoticeSent(d("2025-10-10"), "needs_met"))
    assert "unknown cease reason" in str(refused(CONSULTED, ev.CeaseNoticeSent(d("2025-10-24"), "transferred")))


def test_G51_shape_plan_is_maintained_until_the_appeal_period_has_run():
    got = clocks(NOTIFIED, today="2025-10-25")["cease_effective"]
    assert got.due == d("2025-12-25") and got.window
    error = refused(NOTIFIED, ev.PlanCeased(d("2025-12-24")))
    assert "it may cease from 2025-12-25" in str(error) and error.citation == "CFA 2014 s.45"
    allowed(NOTIFIED, ev.PlanCeased(d("2025-12-25")))
    done = clocks(NOTIFIED.ceased("2025-12-31"), today="2026-01-01")
    assert done["cease_effective"].state == "met" and "annual_review" not in done


def test_cease_effective_follows_the_christmas_rule():
    case = CONSULTED.add(ev.CeaseNoticeSent(d("2025-10-27"), "employment"))
    assert clocks(case, today="2025-10-28")["cease_effective"].due == d("2026-01-03")


def test_an_appeal_holds_the_plan_until_determined():
    appealed = NOTIFIED.add(ev.AppealLodged(d("2025-12-01")))
    assert "cease_effective" not in clocks(appealed, today="2025-12-02")
    assert "not determined" in str(refused(appealed, ev.PlanCeased(d("2026-03-01"))))
    allowed(appealed.add(ev.AppealConcluded(d("2026-02-01"), "withdrawn")), ev.PlanCeased(d("2026-02-01")))
    dismissed = appealed.add(ev.TribunalOrdered(d("2026-06-01"), "cease"))
    allowed(dismissed, ev.PlanCeased(d("2026-06-01")))
    kept = appealed.add(ev.TribunalOrdered(d("2026-06-01"), "continue"))
    allowed(kept, ev.PlanCeased(d("2026-06-02")))  # no decision to cease is in force any more
    assert "cease_effective" not in clocks(kept, today="2026-06-02")


def test_death_ends_the_plan_at_once_and_legacy_ceasing_is_not_held():
    died = PLAN.add(ev.CeaseNoticeSent(d("2025-10-24"), "deceased"))
    allowed(died, ev.PlanCeased(d("2025-10-24")))
    allowed(PLAN, ev.PlanCeased(d("2025-10-24")))


def test_a_plan_transferred_in_opens_the_case_at_final_and_takes_no_request():
    allowed([], TRANSFERRED.events[0])
    assert current_stage(list(TRANSFERRED)) is Stage.FINAL
    assert "opened by a plan transferring in" in str(refused(TRANSFERRED, ev.RequestReceived(d("2026-03-03"))))
    assert "does not follow from final" in str(refused(PLAN, ev.PlanTransferredIn(d("2026-03-02"))))
    allowed(TRANSFERRED, ev.TransferInformed(d("2026-04-01")))
    assert "did not transfer in" in str(refused(PLAN, ev.TransferInformed(d("2026-04-01"))))
    bad = ev.PlanTransferredIn(d("2026-03-02"), plan_made=d("2023-06-01"), last_reviewed=d("2023-01-01"))
    assert "between the plan's making" in str(refused([], bad))


def test_transfer_out_closes_the_case():
    out = PLAN.add(ev.PlanTransferredOut(d("2026-03-02"), "Devon"))
    assert current_stage(list(out)) is Stage.CEASED


# --- appeals, mediation and orders ------------------------------------------------------------

def test_mediation_and_appeals_need_a_decision_and_orders_need_an_appeal():
    assert "ehcp appeal decision" in str(refused(PLAN, ev.MediationRequested(d("2026-01-12"))))
    decided = PLAN.add(ev.AppealableDecision(d("2025-12-01")))
    assert "ehcp appeal lodged" in str(refused(decided, ev.TribunalOrdered(d("2026-06-01"), "amend")))
    assert "ehcp mediation requested" in str(refused(decided, ev.MediationConcluded(d("2026-01-20"))))
    lodged = decided.add(ev.AppealLodged(d("2026-01-20")))
    assert "not yet determined" in str(refused(lodged, ev.AppealLodged(d("2026-01-21"))))
    assert "unknown order" in str(refused(lodged, ev.TribunalOrdered(d("2026-06-01"), "apologise")))


def test_icb_notice_needs_a_mediation_request_with_health_issues_not_yet_notified():
    decided = PLAN.add(ev.AppealableDecision(d("2025-12-01")))
    error = refused(decided, ev.MediationIcbNotified(d("2026-01-14")))
    assert "ehcp mediation requested --health" in str(error)
    assert error.citation == "SEND Regulations 2014 regs 35-36"
    no_health = decided.add(ev.MediationRequested(d("2026-01-12")))
    assert "health care provision" in str(refused(no_health, ev.MediationIcbNotified(d("2026-01-14"))))
    health = decided.add(ev.MediationRequested(d("2026-01-12"), health=True))
    refused(health, ev.MediationIcbNotified(d("2026-01-11")))  # before the LA was told the issues
    allowed(health, ev.MediationIcbNotified(d("2026-01-12")))
    told = health.add(ev.MediationIcbNotified(d("2026-01-14")))
    refusal = refused(told, ev.MediationIcbNotified(d("2026-01-15")))
    assert "already told of the health issues on 2026-01-14" in str(refusal)


def test_refusals_to_assess_can_be_appealed_from_a_closed_case():
    refused_case = received("2025-01-06").refused("2025-02-10")
    allowed(refused_case, ev.AppealableDecision(d("2025-02-10"), "refusal_to_assess"))
    ordered = (refused_case.add(ev.AppealableDecision(d("2025-02-10"), "refusal_to_assess"))
               .add(ev.AppealLodged(d("2025-03-20"))).add(ev.TribunalOrdered(d("2025-07-01"), "assess")))
    got = clocks(ordered, today="2025-07-02")
    assert got["order.assess"].due == d("2025-07-15") and got["order.assessed_final"].due == d("2025-10-07")
    allowed(ordered, ev.OrderComplied(d("2025-07-10"), "assess"))
    no_plan = clocks(ordered.add(ev.OrderComplied(d("2025-09-01"), "no_plan")), today="2025-09-02")
    assert no_plan["order.no_plan"].state == "met" and "order.assessed_final" not in no_plan


def test_refuses_compliance_with_nothing_outstanding():
    assert "waiting for amend" in str(refused(PLAN, ev.OrderComplied(d("2026-01-01"), "amend")))


def test_remitted_decisions_have_a_clock_only_when_the_policy_names_one():
    from ehcp.rules import Policy

    case = PLAN.add(ev.AppealableDecision(d("2025-12-01"))).add(ev.AppealLodged(d("2026-01-20"))).add(
        ev.TribunalOrdered(d("2026-06-01"), "remit"))
    assert "order.remit" not in clocks(case, today="2026-06-02")
    got = clocks(case, today="2026-06-02", policy=Policy(order_remit_weeks=2))
    assert got["order.remit"].due == d("2026-06-15")
