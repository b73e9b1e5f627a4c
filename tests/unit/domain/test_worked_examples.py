"""One test per worked example of docs/worked-examples.md that the domain covers (named by G-id)."""

from __future__ import annotations

from datetime import date

from calendars import post
from ehcp.domain import DISAPPLIED, MET, PENDING, practical
from ehcp.domain.review import Transfer, planning_dates
from ehcp.domain.review.phase import deadline_for
from ehcp.rules import DEFAULT_POLICY, DEFAULT_RULES, Policy
from tests.unit.domain.builder import CAL, clocks, d, received


def test_G01_three_headline_clocks_from_a_monday_request():
    got = clocks(received("2025-01-06"), today="2025-01-06")
    assert got["assessment_decision"].due == d("2025-02-17")
    assert got["no_plan_notice"].due == d("2025-04-28")
    assert got["final_plan"].due == d("2025-05-26")
    assert got["final_plan"].practical_last_working_day == d("2025-05-23")
    assert practical.sen2_last_day(d("2025-01-06")) == d("2025-05-26")


def test_G02_weekend_email_request_runs_from_actual_receipt():
    got = clocks(received("2026-01-03"), today="2026-01-05")
    assert got["assessment_decision"].due == d("2026-02-14")
    assert got["assessment_decision"].practical_last_working_day == d("2026-02-13")
    assert got["final_plan"].due == d("2026-05-23")
    assert got["final_plan"].practical_last_working_day == d("2026-05-22")


def test_G02_local_policy_treats_weekend_receipt_as_next_working_day():
    policy = Policy(weekend_receipt="next_working_day")
    got = clocks(received("2026-01-03"), today="2026-01-05", policy=policy)
    assert got["assessment_decision"].due == d("2026-02-16")
    assert got["final_plan"].due == d("2026-05-25")


def test_G05_sen2_day_140_is_within_20_weeks_and_day_141_is_not():
    assert practical.sen2_within_20_weeks(d("2025-09-01"), d("2026-01-19"))
    assert not practical.sen2_within_20_weeks(d("2025-09-01"), d("2026-01-20"))
    strict = Policy(sen2_day_count=139)
    assert practical.sen2_last_day(d("2025-09-01"), strict) == d("2026-01-18")
    assert not practical.sen2_within_20_weeks(d("2025-09-01"), d("2026-01-19"), strict)


def test_G06_summer_closure_exception_unavailable_when_advice_requested_before_window():
    case = (received("2025-06-02").agreed("2025-06-20").advice("2025-07-14", "educational")
            .exception("2025-07-23", "school_closure", until="2025-09-03"))
    got = clocks(case, today="2025-09-01")
    assert got["no_plan_notice"].due == d("2025-09-22")
    assert got["final_plan"].due == d("2025-10-20")
    assert got["final_plan"].state == PENDING and got["final_plan"].exception is None


def test_G06_contrast_advice_requested_inside_window_disapplies_final_plan():
    case = (received("2025-06-02").agreed("2025-06-20").advice("2025-07-16", "educational")
            .exception("2025-07-23", "school_closure", until="2025-09-03"))
    got = clocks(case, today="2025-09-01")
    assert got["final_plan"].state == DISAPPLIED and got["final_plan"].exception == "school_closure"
    assert got["final_plan"].due == d("2025-10-20")


def test_G07_school_closure_never_disapplies_advice_clocks():
    case = (received("2025-06-02").agreed("2025-06-20").advice("2025-07-16", "educational")
            .exception("2025-07-23", "school_closure", until="2025-09-03"))
    got = clocks(case, today="2025-09-01")
    assert got["advice.educational"].state == PENDING
    assert got["advice.educational"].due == d("2025-08-27")


def test_G09_advice_due_six_weeks_from_the_body_receiving_the_request():
    case = received("2025-10-01").agreed("2025-10-30").advice("2025-11-03", "psychological",
                                                               received_by_body="2025-11-04")
    got = clocks(case, today="2025-11-05")
    assert got["advice.psychological"].due == d("2025-12-16")
    assert got["advice.psychological"].trigger == d("2025-11-04")
    assert got["advice.psychological"].citation == "SEND Regulations 2014 reg 8(1)"


def test_G11_missed_appointment_disapplies_the_advice_clock_only():
    case = (received("2026-01-12").agreed("2026-02-20").advice("2026-03-02", "medical")
            .exception("2026-03-20", "missed_appointment", kind="medical"))
    got = clocks(case, today="2026-03-25")
    assert got["advice.medical"].state == DISAPPLIED
    assert got["advice.medical"].due == d("2026-04-13")
    assert got["advice.medical"].exception == "missed_appointment"
    assert got["final_plan"].state == PENDING and got["no_plan_notice"].state == PENDING


def test_G12_emailed_draft_window_is_fifteen_days_beginning_with_service():
    case = received("2025-01-20").agreed("2025-03-01").draft("2025-06-02")
    got = clocks(case, today="2025-06-02")["draft_representations"]
    assert (got.trigger, got.due) == (d("2025-06-02"), d("2025-06-16"))
    assert practical.earliest_finalisation(d("2025-06-02")) == d("2025-06-17")


def test_G12_window_counts_as_met_once_it_has_run():
    case = received("2025-01-20").agreed("2025-03-01").draft("2025-06-02")
    assert clocks(case, today="2025-06-16")["draft_representations"].state == PENDING
    assert clocks(case, today="2025-06-17")["draft_representations"].state == MET


def test_G13_first_class_draft_is_served_on_the_second_working_day():
    case = received("2025-01-20").agreed("2025-03-01").draft("2025-05-29", channel="first_class_post")
    got = clocks(case, today="2025-06-01")["draft_representations"]
    assert got.trigger == d("2025-06-02")
    assert got.due == d("2025-06-16")
    assert practical.earliest_finalisation(got.trigger) == d("2025-06-17")


def test_G16_posted_amendment_notice_window_from_service_plan_from_sending():
    case = (received("2025-01-06").agreed("2025-02-10").draft("2025-04-01").final("2025-04-25")
            .notice("2026-03-20", channel="second_class_post"))
    assert post.deemed_served(d("2026-03-20"), "second_class_post", CAL) == d("2026-03-26")
    got = clocks(case, today="2026-03-21")
    assert got["amendment_representations"].trigger == d("2026-03-26")
    assert got["amendment_representations"].due == d("2026-04-09")
    assert got["amended_plan"].due == d("2026-05-15")


def test_G17_school_consultation_is_advisory_fifteen_days():
    case = received("2024-11-01").agreed("2024-12-01").draft("2025-03-03").consulted("2025-03-05", "Oak")
    got = clocks(case, today="2025-03-06")["school_consultation"]
    assert got.due == d("2025-03-20")
    assert got.advisory is True


def test_G18_notice_not_to_issue_due_at_sixteen_weeks():
    case = received("2025-03-03").agreed("2025-04-01")
    assert clocks(case, today="2025-04-02")["no_plan_notice"].due == d("2025-06-23")
    closed = clocks(case.no_plan("2025-06-20"), today="2025-06-20")
    assert closed["no_plan_notice"].state == MET
    assert "final_plan" not in closed


def test_G19_forty_day_absence_disapplies_final_plan_not_the_assessment_decision():
    case = received("2026-02-02").exception("2026-04-01", "absence_from_area", until="2026-05-10")
    got = clocks(case, today="2026-05-11")
    assert got["final_plan"].state == DISAPPLIED
    assert got["final_plan"].due == d("2026-06-22")
    assert got["final_plan"].exception == "absence_from_area"
    assert got["assessment_decision"].due == d("2026-03-16")
    assert got["assessment_decision"].state == PENDING


def test_G20_absence_shorter_than_four_weeks_disapplies_nothing():
    case = received("2026-02-02").exception("2026-04-01", "absence_from_area", until="2026-04-27")
    assert clocks(case, today="2026-05-11")["final_plan"].state == PENDING


def test_G21_first_review_due_the_day_before_the_anniversary():
    case = received("2024-09-09").agreed("2024-10-14").draft("2025-01-06").final("2025-01-31")
    got = clocks(case, today="2025-02-01")["annual_review"]
    assert got.due == d("2026-01-30")
    assert practical.latest_review_meeting(got.due) == d("2026-01-02")


def test_G23_review_meeting_derived_dates_and_devon_longstop():
    plan = received("2024-06-03").agreed("2024-07-01").draft("2024-09-02").final("2024-10-21")
    meeting = "2025-11-04"
    got = clocks(plan.meeting(meeting), today="2025-11-05")
    assert practical.review_invitation_by(d(meeting)) == d("2025-10-21")
    assert practical.review_advice_by(d(meeting)) == d("2025-10-21")
    assert got["review_report"].due == d("2025-11-18")
    assert got["review_decision"].due == d("2025-12-02")
    assert practical.amended_plan_longstop(d(meeting)) == d("2026-01-27")
    decided = clocks(plan.meeting(meeting).decided("2025-12-01", "amend"), today="2025-12-02")
    assert decided["amended_plan"].due == d("2026-01-27")


def test_G24_amended_plan_due_at_the_earlier_of_reg22_and_devon():
    plan = received("2024-06-03").agreed("2024-07-01").draft("2024-09-02").final("2024-10-21")
    case = plan.meeting("2025-11-04").notice("2025-11-21")
    got = clocks(case, today="2025-11-22")
    assert got["amendment_representations"].due == d("2025-12-05")
    assert got["amended_plan"].due == d("2026-01-16")
    assert "Devon" in got["amended_plan"].citation


def test_G27_under_five_statutory_review_and_advisory_window():
    case = received("2024-09-02").agreed("2024-10-07").draft("2025-01-13").final("2025-03-10")
    assert clocks(case, today="2025-03-11")["annual_review"].due == d("2026-03-09")
    assert practical.under5_review_window(d("2025-03-10")) == (d("2025-06-10"), d("2025-09-10"))


def phase_transfer_deadline(year: int, *, to_post16: bool, policy: Policy = DEFAULT_POLICY) -> date:
    """The reg 18 date of a move on 1 September ``year``, from the rule catalogue's fixed dates."""
    kind = "secondary_to_post16" if to_post16 else "primary_to_secondary"
    found = deadline_for(Transfer(kind, date(year, 9, 1)), rules=DEFAULT_RULES, policy=policy, calendar=CAL)
    assert found is not None
    return found.due


def test_G29_phase_transfer_to_secondary_before_15_february():
    deadline = phase_transfer_deadline(2027, to_post16=False)
    assert deadline == d("2027-02-14")
    assert phase_transfer_deadline(2027, to_post16=False, policy=Policy(phase_transfer_date="code")) \
        == d("2027-02-15")
    assert planning_dates(deadline, rules=DEFAULT_RULES) == (d("2026-12-20"), d("2026-11-22"))


def test_G30_phase_transfer_to_post16_before_31_march():
    assert phase_transfer_deadline(2026, to_post16=True) == d("2026-03-30")
    code = Policy(phase_transfer_date="code")
    assert phase_transfer_deadline(2026, to_post16=True, policy=code) == d("2026-03-31")


def test_G33_next_review_runs_from_the_last_review_decision():
    plan = received("2024-06-03").agreed("2024-07-01").draft("2024-09-02").final("2024-10-21")
    got = clocks(plan.meeting("2025-09-16").decided("2025-10-10"), today="2025-10-11")
    assert got["annual_review"].state == MET
    assert got["annual_review.2"].due == d("2026-10-09")


def test_G35_reassessment_decision_and_final_plan():
    decision, final = practical.reassessment_deadlines(d("2026-01-12"), d("2026-01-27"))
    assert decision == d("2026-01-27")
    assert final == d("2026-05-05")


def test_G52_coronavirus_exception_disapplies_a_deadline_falling_in_2020_window():
    case = received("2020-03-02").agreed("2020-04-06").exception("2020-05-01", "coronavirus")
    got = clocks(case, today="2020-06-01")["final_plan"]
    assert got.state == DISAPPLIED and got.exception == "coronavirus"
    assert got.due == d("2020-07-20")
    assert "SI 2020/471" in got.citation


def test_G52_contrast_coronavirus_is_not_an_exception_outside_2020():
    case = received("2025-03-03").agreed("2025-04-01").exception("2025-05-01", "coronavirus")
    assert clocks(case, today="2025-06-01")["final_plan"].state == PENDING


def test_G52_default_policy_selects_the_version_in_force_on_the_deadline_date():
    assert DEFAULT_POLICY.covid_selection == "deadline_date"
    early = received("2020-03-02").exception("2020-03-20", "coronavirus")
    assert clocks(early, today="2020-03-21")["assessment_decision"].state == PENDING  # due 13 Apr 2020
    assert clocks(early, today="2020-03-21")["final_plan"].state == DISAPPLIED


def test_plan_met_in_time_still_names_the_exception_that_applied():
    """SEN2 Week20: a plan issued on time during an exception is still an exception case (sen2.md s.3)."""
    from datetime import date

    from calendars import england_and_wales
    from ehcp.domain import compute_deadlines
    from ehcp.domain import events as ev

    history = [
        ev.RequestReceived(on=date(2026, 2, 2)),
        ev.AssessmentAgreed(on=date(2026, 3, 2)),
        ev.ExceptionRecorded(on=date(2026, 4, 1), reason="absence_from_area", until=date(2026, 5, 10)),
        ev.DraftPlanSent(on=date(2026, 5, 18)),
        ev.FinalPlanIssued(on=date(2026, 6, 15)),
    ]
    computed = compute_deadlines(history, calendar=england_and_wales(), today=date(2026, 7, 1))
    final = {d.key: d for d in computed}["final_plan"]
    assert final.state == "met" and final.exception == "absence_from_area"
