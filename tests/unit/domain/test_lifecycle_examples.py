"""Worked examples (docs/worked-examples.md) of statutory-timescales.md sections 6-8 through the domain's events
(named by G-id)."""

from __future__ import annotations

from calendars import post
from ehcp.domain import DISAPPLIED, MET, MISSED, PENDING, ChildFacts, practical
from ehcp.domain import events as ev
from ehcp.domain.plan_life import latest_sufficient_awareness
from ehcp.domain.review import planning_dates
from ehcp.rules import DEFAULT_RULES, Policy
from tests.unit.domain.builder import CAL, CaseBuilder, clocks, d, received

# A plan issued 21 Oct 2024 for a child born 4 May 2016: Year 6 in 2026/27 (secondary in Sept 2027).
PLAN = received("2024-06-03").agreed("2024-07-01").draft("2024-09-02").final("2024-10-21")


def born(dob: str, received_on: str = "2024-09-02") -> CaseBuilder:
    """A case whose request carries the child's date of birth."""
    return CaseBuilder((ev.RequestReceived(d(received_on), "parent", d(dob)),))


def test_G21_review_of_a_plan_issued_on_the_31st_is_due_the_30th():
    plan = received("2024-09-09").agreed("2024-10-14").draft("2025-01-06").final("2025-01-31")
    got = clocks(plan, today="2025-02-01")["annual_review"]
    assert (got.due, got.rule, got.citation) == (d("2026-01-30"), "R-REVIEW-DUE", "CFA 2014 s.44(1)")
    assert practical.latest_review_meeting(got.due) == d("2026-01-02")


def test_G23_scheduling_the_meeting_starts_invitation_and_advice_dates():
    got = clocks(PLAN.add(ev.ReviewScheduled(d("2025-10-01"), d("2025-11-04"))), today="2025-10-02")
    assert got["review_invitation"].due == d("2025-10-21") and got["review_advice"].due == d("2025-10-21")
    assert got["review_invitation"].citation == "SEND Regulations 2014 reg 20(3), 21(3)"


def test_G23_meeting_decision_to_amend_and_the_devon_dates():
    case = PLAN.meeting("2025-11-04").decided("2025-12-01", "amend")
    got = clocks(case, today="2025-12-01")
    assert got["review_report"].due == d("2025-11-18") and got["review_decision"].due == d("2025-12-02")
    assert got["amended_plan"].due == d("2026-01-27")
    assert got["amendment_notice"].due == d("2025-12-02") and got["amendment_notice"].state == PENDING
    assert "Devon" in got["amendment_notice"].citation and not got["amendment_notice"].advisory
    dates = practical.review_dates(d("2025-11-04"), calendar=CAL)
    assert (dates.invitations_by, dates.advice_by, dates.report_by, dates.decision_by, dates.amended_plan_by) == (
        d("2025-10-21"), d("2025-10-21"), d("2025-11-18"), d("2025-12-02"), d("2026-01-27"))


def test_G23_a_notice_later_than_four_weeks_after_the_meeting_is_a_missed_devon_date():
    case = PLAN.meeting("2025-11-04").decided("2025-12-01", "amend").notice("2025-12-10")
    got = clocks(case, today="2025-12-11")
    assert got["amendment_notice"].state == MISSED and got["amendment_notice"].met_on == d("2025-12-10")
    assert got["amended_plan"].due == d("2026-01-27")  # the long-stop beats 10 Dec + 8 weeks


def test_G24_notice_on_time_reg22_date_beats_the_long_stop():
    got = clocks(PLAN.meeting("2025-11-04").notice("2025-11-21"), today="2025-11-22")
    assert got["amendment_representations"].due == d("2025-12-05")
    assert got["amended_plan"].due == d("2026-01-16")
    assert got["amendment_notice"].state == MET


def test_G16_second_class_notice_window_from_service_plan_from_sending():
    got = clocks(PLAN.notice("2026-03-20", channel="second_class_post"), today="2026-03-21")
    assert got["amendment_representations"].trigger == d("2026-03-26")
    assert got["amendment_representations"].due == d("2026-04-09")
    assert got["amended_plan"].due == d("2026-05-15")
    assert "amendment_notice" not in got  # no review meeting: no Devon notice date


def test_G27_under_five_advisory_review_window_and_statutory_year():
    case = born("2021-11-20").agreed("2024-10-07").draft("2025-01-13").final("2025-03-10")
    got = clocks(case, today="2025-03-11")
    assert got["annual_review"].due == d("2026-03-09")
    assert got["under5_review"].due == d("2025-09-10") and got["under5_review"].advisory
    assert practical.under5_review_window(d("2025-03-10")) == (d("2025-06-10"), d("2025-09-10"))
    reviewed = clocks(case.meeting("2025-07-01").decided("2025-07-20"), today="2025-07-21")
    assert reviewed["under5_review"].state == MET and reviewed["under5_review.2"].due == d("2026-01-20")


def test_G27_contrast_no_under_five_review_for_an_older_child():
    case = born("2016-05-04").agreed("2024-10-07").draft("2025-01-13").final("2025-03-10")
    assert "under5_review" not in clocks(case, today="2025-03-11")


def test_G29_year_6_plan_gets_the_15_february_phase_transfer_date():
    case = PLAN.add(ev.ChildNoted(d("2024-10-21"), d("2016-05-04")))
    got = clocks(case, today="2024-10-22")["phase_transfer"]
    assert (got.due, got.trigger, got.rule) == (d("2027-02-14"), d("2027-09-01"), "R-PHASE-TRANSFER")
    assert planning_dates(got.due, rules=DEFAULT_RULES) == (d("2026-12-20"), d("2026-11-22"))
    code = clocks(case, today="2024-10-22", policy=Policy(phase_transfer_date="code"))["phase_transfer"]
    assert code.due == d("2027-02-15")


def test_G29_the_amended_plan_naming_the_school_meets_it_and_a_maintain_decision_does_not():
    case = PLAN.add(ev.ChildNoted(d("2024-10-21"), d("2016-05-04")))
    maintained = clocks(case.meeting("2026-10-06").decided("2026-10-20"), today="2026-10-21")
    assert maintained["phase_transfer"].state == PENDING
    amended = case.meeting("2026-10-06").decided("2026-10-20", "amend").notice("2026-10-20").amended("2027-01-05")
    got = clocks(amended, today="2027-01-06")
    assert got["phase_transfer"].state == MET and got["phase_transfer"].met_on == d("2027-01-05")
    assert got["phase_transfer.2"].due == d("2032-03-30")  # next: Year 11 to post-16


def test_G30_year_11_to_college_before_31_march():
    case = PLAN.add(ev.ChildNoted(d("2025-10-01"), d("2010-03-01")))
    got = clocks(case, today="2025-10-02")["phase_transfer"]
    assert (got.due, got.rule) == (d("2026-03-30"), "R-PHASE-TRANSFER-31MAR")
    code = clocks(case, today="2025-10-02", policy=Policy(phase_transfer_date="code"))
    assert code["phase_transfer"].due == d("2026-03-31")


def test_G33_staying_in_the_school_sixth_form_is_not_a_phase_transfer():
    case = (PLAN.add(ev.ChildNoted(d("2025-09-16"), d("2010-03-01"))).meeting("2025-09-16").decided("2025-10-10")
            .add(ev.PhaseTransferNoted(d("2025-10-10"), "sixth_form_same_school")))
    got = clocks(case, today="2025-10-11")
    assert "phase_transfer" not in got
    assert got["annual_review.2"].due == d("2026-10-09")
    q10 = clocks(case, today="2025-10-11", policy=Policy(sixth_form_is_phase_transfer=True))
    assert q10["phase_transfer"].due == d("2026-03-30")


def test_G31_post16_move_at_another_time_five_months_before():
    case = PLAN.add(ev.ChildNoted(d("2025-10-01"), d("2007-03-01"))).add(
        ev.PhaseTransferNoted(d("2025-10-01"), "post16_to_post16", d("2026-04-20")))
    got = clocks(case, today="2025-10-02")["phase_transfer"]
    assert (got.due, got.rule) == (d("2025-11-20"), "R-POST16-MOVE")


def test_year_group_recorded_out_of_chronological_year_moves_the_transfer():
    held_back = PLAN.add(ev.ChildNoted(d("2024-10-21"), d("2016-05-04"), year_group=4))  # Y4 in 2024/25
    assert clocks(held_back, today="2024-10-22")["phase_transfer"].due == d("2027-02-14")
    a_year_behind = PLAN.add(ev.ChildNoted(d("2024-10-21"), d("2016-05-04"), year_group=3))
    assert clocks(a_year_behind, today="2024-10-22")["phase_transfer"].due == d("2028-02-14")


def test_G35_reassessment_decision_and_final_plan():
    case = PLAN.add(ev.ReassessmentRequested(d("2026-01-12"))).add(ev.ReassessmentAgreed(d("2026-01-27")))
    got = clocks(case, today="2026-01-28")
    assert got["reassessment_decision"].due == d("2026-01-27") and got["reassessment_decision"].state == MET
    assert got["reassessment_final"].due == d("2026-05-05")
    assert got["reassessment_final"].citation == "SEND Regulations 2014 reg 27(2)"


def test_G35_plan_after_reassessment_follows_the_draft_window_and_meets_14_weeks():
    case = (PLAN.add(ev.ReassessmentRequested(d("2026-01-12"))).add(ev.ReassessmentAgreed(d("2026-01-27")))
            .add(ev.ReassessmentDraftSent(d("2026-04-01"))).add(ev.ReassessmentConcluded(d("2026-04-20"))))
    got = clocks(case, today="2026-04-21")
    assert got["reassessment_final"].state == MET and got["draft_representations.2"].state == MET


def test_G37_transfer_in_inform_in_six_weeks_review_by_the_later_date():
    case = CaseBuilder((ev.PlanTransferredIn(d("2026-03-02"), "Somerset", d("2023-06-01"), d("2025-10-10"),
                                             d("2014-05-01")),))
    got = clocks(case, today="2026-03-03")
    assert got["transfer_notice"].due == d("2026-04-13")
    assert got["transfer_review"].due == d("2026-10-09") and got["transfer_review"].rule == "R-LA-TRANSFER-REVIEW"
    reviewed = clocks(case.meeting("2026-05-05").decided("2026-05-20"), today="2026-05-21")
    assert reviewed["transfer_review"].state == MET and reviewed["annual_review"].due == d("2027-05-19")


def test_G37_transfer_in_soon_after_a_review_uses_three_months():
    case = CaseBuilder((ev.PlanTransferredIn(d("2026-03-02"), None, d("2025-02-20")),))
    assert clocks(case, today="2026-03-03")["transfer_review"].due == d("2026-06-01")


def test_G37_old_authority_with_good_notice_transfers_on_the_day_of_the_move():
    case = PLAN.add(ev.MoveNotified(d("2026-02-02"), d("2026-03-02"), "Somerset"))
    assert clocks(case, today="2026-02-03")["plan_transfer"].due == d("2026-03-02")
    assert latest_sufficient_awareness(d("2026-03-02"), CAL) == d("2026-02-09")
    assert latest_sufficient_awareness(d("2026-03-02"), CAL, "clear") == d("2026-02-06")
    late = PLAN.add(ev.MoveNotified(d("2026-02-16"), d("2026-03-02")))
    assert clocks(late, today="2026-02-17")["plan_transfer"].due == d("2026-03-06")  # 15 WD beginning 16 Feb
    out = clocks(late.add(ev.PlanTransferredOut(d("2026-03-04"), "Somerset")), today="2026-03-05")
    assert out["plan_transfer"].state == MET and "annual_review" not in out


def test_G39_certificate_over_christmas_and_the_appeal_a_month_after_it():
    case = PLAN.add(ev.AppealableDecision(d("2025-10-24"), "no_amendment")).add(
        ev.MediationAdviserContacted(d("2025-12-23"), wants_mediation=False))
    got = clocks(case, today="2025-12-23")
    assert got["mediation_contact"].due == d("2025-12-24") and got["mediation_contact"].state == MET
    assert got["mediation_certificate"].due == d("2025-12-30")
    assert got["appeal_deadline"].due == d("2025-12-24") and got["appeal_deadline"].window
    issued = clocks(case.add(ev.MediationCertificateIssued(d("2025-12-30"))), today="2025-12-31")
    assert issued["mediation_certificate"].state == MET
    assert issued["appeal_deadline"].due == d("2026-01-30")


def test_G40_later_date_in_the_christmas_window_runs_to_the_first_working_day_after_1_january():
    case = PLAN.add(ev.AppealableDecision(d("2025-10-01"))).add(ev.MediationCertificateIssued(d("2025-11-29")))
    assert clocks(case, today="2025-11-30")["appeal_deadline"].due == d("2026-01-02")


def test_G41_shape_period_ending_in_august_runs_to_the_first_working_day_after_31_august():
    case = PLAN.add(ev.AppealableDecision(d("2026-06-10")))
    assert clocks(case, today="2026-06-11")["appeal_deadline"].due == d("2026-09-01")  # 31 Aug is a bank holiday


def test_G42_month_end_two_months_then_next_working_day():
    case = PLAN.add(ev.AppealableDecision(d("2025-12-31")))
    assert clocks(case, today="2026-01-01")["appeal_deadline"].due == d("2026-03-02")
    minus_one = clocks(case, today="2026-01-01", policy=Policy(months_after="corresponding_minus_one"))
    assert minus_one["appeal_deadline"].due == d("2026-02-27")


def test_hesc_r12_before_2020_does_not_count_christmas_or_august():
    case = received("2019-01-07").agreed("2019-02-04").draft("2019-05-01").final("2019-05-24").add(
        ev.AppealableDecision(d("2019-07-01")))
    got = clocks(case, today="2019-07-02")["appeal_deadline"]
    assert got.due == d("2019-10-02") and "before 2020" in got.citation  # 1 Sep + the 31 days of August


def test_G43_mediation_within_30_days_certificate_3_working_days_after():
    case = (PLAN.add(ev.AppealableDecision(d("2025-12-01"))).add(ev.MediationRequested(d("2026-01-12")))
            .add(ev.MediationConcluded(d("2026-02-10"))))
    got = clocks(case, today="2026-02-10")
    assert got["mediation_arranged"].due == d("2026-02-11") and got["mediation_arranged"].state == MET
    assert got["mediation_certificate"].due == d("2026-02-13")
    working = clocks(case, today="2026-02-10", policy=Policy(mediation_days="working"))
    assert working["mediation_arranged"].due == d("2026-02-23")


def test_mediation_with_health_issues_tells_the_icbs_within_3_working_days():
    # Friday 1 May 2026: the weekend and the early May bank holiday (Mon 4 May) are not working days.
    case = PLAN.add(ev.AppealableDecision(d("2026-03-02"))).add(ev.MediationRequested(d("2026-05-01"), health=True))
    got = clocks(case, today="2026-05-01")["mediation_icb_notice"]
    assert (got.due, got.state, got.rule) == (d("2026-05-07"), PENDING, "R-MED-ICB-NOTIFY")
    assert got.citation == "SEND Regulations 2014 regs 35-36" and got.trigger == d("2026-05-01")
    told = clocks(case.add(ev.MediationIcbNotified(d("2026-05-07"))), today="2026-05-08")["mediation_icb_notice"]
    assert (told.state, told.met_on) == (MET, d("2026-05-07"))
    late = clocks(case.add(ev.MediationIcbNotified(d("2026-05-08"))), today="2026-05-08")["mediation_icb_notice"]
    assert (late.state, late.met_on) == (MISSED, d("2026-05-08"))


def test_mediation_icb_notice_over_christmas_skips_both_bank_holidays_and_the_weekend():
    case = PLAN.add(ev.AppealableDecision(d("2025-10-24"))).add(ev.MediationRequested(d("2025-12-23"), health=True))
    assert clocks(case, today="2025-12-23")["mediation_icb_notice"].due == d("2025-12-30")  # Tue 23 Dec


def test_mediation_without_health_issues_starts_no_icb_clock():
    case = PLAN.add(ev.AppealableDecision(d("2026-03-02"))).add(ev.MediationRequested(d("2026-05-01")))
    got = clocks(case, today="2026-05-01")
    assert "mediation_icb_notice" not in got and got["mediation_arranged"].state == PENDING


def test_mediation_agreement_is_treated_as_an_order():
    case = (PLAN.add(ev.AppealableDecision(d("2025-12-01"))).add(ev.MediationRequested(d("2026-01-12")))
            .add(ev.MediationConcluded(d("2026-02-10"), agreement="amend")))
    got = clocks(case, today="2026-02-11")
    assert got["order.amend"].due == d("2026-03-17") and got["order.amend"].trigger == d("2026-02-10")
    other = clocks(PLAN.add(ev.AppealableDecision(d("2025-12-01"))).add(ev.MediationRequested(d("2026-01-12")))
                   .add(ev.MediationConcluded(d("2026-02-10"), agreement="other")), today="2026-02-11")
    assert other["mediation_agreement"].due == d("2026-02-24")


def appealed(on: str = "2026-04-01"):
    return PLAN.add(ev.AppealableDecision(d("2026-02-02"), "contents")).add(ev.AppealLodged(d(on)))


def test_G46_make_and_maintain_order_draft_in_5_final_in_11_weeks_august_counts():
    got = clocks(appealed().add(ev.TribunalOrdered(d("2026-07-13"), "make_and_maintain")), today="2026-07-14")
    assert got["order.draft_plan"].due == d("2026-08-17") and got["order.final_plan"].due == d("2026-09-28")
    q19 = clocks(appealed().add(ev.TribunalOrdered(d("2026-07-13"), "make_and_maintain")), today="2026-07-14",
                 policy=Policy(tribunal_holidays_for_la_duties=True))
    assert q19["order.draft_plan"].due == d("2026-09-17")


def test_G49_cease_immediately_continue_immediately_continue_and_amend_in_5_weeks():
    cease = clocks(appealed().add(ev.TribunalOrdered(d("2026-06-01"), "cease")), today="2026-06-01")
    assert cease["order.cease"].due == d("2026-06-01")
    both = clocks(appealed().add(ev.TribunalOrdered(d("2026-06-01"), "continue_amend")), today="2026-06-02")
    assert both["order.continue"].state == MET and both["order.continue"].met_on == d("2026-06-01")
    assert both["order.amend"].due == d("2026-07-06")


def test_G50_shape_unopposed_contents_appeal_5_weeks_from_the_la_notification():
    got = clocks(appealed().add(ev.AppealUnopposed(d("2026-04-20"), "contents")), today="2026-04-21")
    assert got["unopposed.amend"].due == d("2026-05-25") and "SI 2015/359" in got["unopposed.amend"].citation


def test_unopposed_appeal_before_si_2015_359_uses_the_reg_45_as_made():
    plan = received("2014-09-08").agreed("2014-10-06").draft("2014-12-01").final("2014-12-22")
    case = plan.add(ev.AppealableDecision(d("2014-12-22"))).add(ev.AppealLodged(d("2015-01-20"))).add(
        ev.AppealUnopposed(d("2015-02-02"), "contents"))
    got = clocks(case, today="2015-02-03")["unopposed.amend"]
    assert got.due == d("2015-03-02") and got.citation.endswith("reg 45(4) as made")
    later = clocks(case, today="2015-02-03", policy=Policy(si_2015_359_from=d("2015-01-01")))
    assert later["unopposed.amend"].due == d("2015-03-09")


def test_G52_shape_coronavirus_exception_disapplies_an_annual_review_in_2020():
    plan = received("2018-09-03").agreed("2018-10-01").draft("2019-01-07").final("2019-06-10")
    got = clocks(plan.exception("2020-05-01", "coronavirus", until="2020-07-31"), today="2020-06-12")
    assert got["annual_review"].due == d("2020-06-09") and got["annual_review"].state == DISAPPLIED


def test_G55_year_9_review_considers_preparation_for_adulthood():
    child = ChildFacts(d("2013-03-15"))
    assert child.ncy(d("2026-11-10")) == 9 and child.preparation_for_adulthood(d("2026-11-10"))
    assert child.preparation_for_adulthood(d("2025-11-10")) is False
    assert ChildFacts(d("2013-03-15"), year_group=7, as_of=d("2025-10-01")).ncy(d("2026-11-10")) == 8


def test_G57_posted_invitations_are_given_when_deemed_served():
    scheduled = PLAN.add(ev.ReviewScheduled(d("2025-10-01"), d("2025-11-04")))
    assert post.latest_posting_date(d("2025-10-21"), "first_class_post", CAL) == d("2025-10-17")
    assert practical.review_dates(d("2025-11-04"), channel="first_class_post", calendar=CAL).post_invitations_by \
        == d("2025-10-17")
    on_time = clocks(scheduled.add(ev.ReviewInvitationsSent(d("2025-10-17"), "first_class_post")), today="2025-10-22")
    assert on_time["review_invitation"].state == MET and on_time["review_invitation"].met_on == d("2025-10-21")
    late = clocks(scheduled.add(ev.ReviewInvitationsSent(d("2025-10-20"), "first_class_post")), today="2025-10-22")
    assert late["review_invitation"].state == MISSED and late["review_invitation"].met_on == d("2025-10-22")
