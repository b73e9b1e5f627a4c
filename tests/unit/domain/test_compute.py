"""compute_deadlines: which clocks exist when, how events settle them, how exceptions lift them."""

from __future__ import annotations

from ehcp.domain import DISAPPLIED, MET, MISSED, PENDING
from ehcp.rules import Policy
from tests.unit.domain.builder import clocks, d, received

ASSESSING = received("2025-01-06").agreed("2025-02-10")
FINAL = ASSESSING.draft("2025-04-01").final("2025-04-25")


def test_request_starts_the_three_headline_clocks_with_citations():
    got = clocks(received("2025-01-06"), today="2025-01-06")
    assert list(got) == ["assessment_decision", "no_plan_notice", "final_plan"]
    assert got["assessment_decision"].citation == "SEND Regulations 2014 reg 5(1)"
    assert got["final_plan"].rule == "R-FINAL-PLAN" and got["final_plan"].trigger == d("2025-01-06")


def test_decision_to_assess_on_time_is_met_and_late_is_missed():
    assert clocks(ASSESSING)["assessment_decision"].state == MET
    late = clocks(received("2025-01-06").agreed("2025-02-18"))["assessment_decision"]
    assert (late.state, late.met_on) == (MISSED, d("2025-02-18"))


def test_refusal_settles_the_decision_and_drops_the_other_clocks():
    got = clocks(received("2025-01-06").refused("2025-02-10"))
    assert list(got) == ["assessment_decision"] and got["assessment_decision"].state == MET


def test_draft_drops_the_no_plan_notice_and_opens_the_window():
    got = clocks(ASSESSING.draft("2025-04-01"), today="2025-04-02")
    assert "no_plan_notice" not in got
    assert got["draft_representations"].state == PENDING


def test_final_plan_settles_final_plan_and_window_and_starts_annual_review():
    got = clocks(FINAL, today="2025-04-26")
    assert got["final_plan"].state == MET and got["final_plan"].met_on == d("2025-04-25")
    assert got["draft_representations"].state == MET
    assert got["annual_review"].due == d("2026-04-24") and got["annual_review"].state == PENDING


def test_waiver_settles_the_window_on_the_day_it_was_given():
    got = clocks(ASSESSING.draft("2025-04-01").waived("2025-04-03"), today="2025-04-04")
    assert got["draft_representations"].state == MET and got["draft_representations"].met_on == d("2025-04-03")


def test_advice_clocks_per_request_with_numbered_repeats():
    case = (ASSESSING.advice("2025-02-11", "medical", 1).advice("2025-02-12", "medical", 2)
            .advice("2025-02-12", "parent", 3).advice_received("2025-03-01", "medical", 2))
    got = clocks(case, today="2025-03-02")
    assert got["advice.medical"].state == PENDING and got["advice.medical"].due == d("2025-03-25")
    assert got["advice.medical.2"].state == MET
    assert "advice.parent" not in got


def test_advice_received_without_an_id_settles_the_oldest_pending_request():
    case = (ASSESSING.advice("2025-02-11", "medical").advice("2025-02-12", "medical")
            .advice_received("2025-03-01", "medical"))
    got = clocks(case, today="2025-03-02")
    assert got["advice.medical"].state == MET and got["advice.medical.2"].state == PENDING


def test_posted_advice_request_runs_from_deemed_receipt():
    got = clocks(ASSESSING.advice("2025-02-13", "social_care", channel="first_class_post"), today="2025-02-14")
    assert got["advice.social_care"].trigger == d("2025-02-17")


def test_school_consultation_is_settled_by_a_reply_and_dropped_by_the_final_plan():
    drafted = ASSESSING.draft("2025-04-01").consulted("2025-04-02", "Oak").consulted("2025-04-02", "Elm")
    got = clocks(drafted.responded("2025-04-10", "Elm"), today="2025-04-11")
    assert got["school_consultation"].state == PENDING and got["school_consultation.2"].state == MET
    after = clocks(drafted.final("2025-04-25"), today="2025-04-26")
    assert "school_consultation" not in after


def test_a_new_clock_never_reuses_the_key_of_one_kept_after_a_drop():
    drafted = ASSESSING.draft("2025-04-01").consulted("2025-04-02", "Oak").consulted("2025-04-02", "Elm")
    case = (drafted.responded("2025-04-10", "Elm").final("2025-04-25").notice("2026-01-05")
            .consulted("2026-01-06", "Ash"))
    got = clocks(case, today="2026-01-07")
    assert got["school_consultation.2"].state == MET and got["school_consultation.3"].state == PENDING
    assert "school_consultation" not in got


def test_review_meeting_starts_report_and_decision_and_decision_settles_them():
    got = clocks(FINAL.meeting("2026-03-03"), today="2026-03-04")
    assert got["review_report"].due == d("2026-03-17") and got["review_decision"].due == d("2026-03-31")
    done = clocks(FINAL.meeting("2026-03-03").decided("2026-03-20"), today="2026-03-21")
    assert done["review_report"].state == MISSED and done["review_decision"].state == MET
    assert done["annual_review"].state == MET and done["annual_review"].met_on == d("2026-03-20")
    assert done["annual_review.2"].due == d("2027-03-19")


def test_meeting_policy_completes_the_review_at_the_meeting():
    policy = Policy(review_restart="meeting")
    got = clocks(FINAL.meeting("2026-03-03").decided("2026-03-20"), today="2026-03-21", policy=policy)
    assert got["annual_review"].met_on == d("2026-03-03")
    assert got["annual_review.2"].due == d("2027-03-02")


def test_a_late_review_is_missed():
    got = clocks(FINAL.meeting("2026-04-01").decided("2026-04-28"), today="2026-04-29")
    assert got["annual_review"].state == MISSED


def test_withdrawal_drops_pending_clocks_but_keeps_settled_ones():
    got = clocks(ASSESSING.advice("2025-02-11", "medical").withdrawn("2025-03-01"), today="2025-03-02")
    assert list(got) == ["assessment_decision"]


def test_ceasing_drops_the_annual_review():
    assert "annual_review" not in clocks(FINAL.ceased("2025-09-01"), today="2025-09-02")


def test_exception_touches_only_clocks_whose_rule_lists_it():
    case = ASSESSING.advice("2025-02-11", "medical").exception("2025-02-20", "personal_circumstances")
    got = clocks(case, today="2025-02-21")
    assert got["advice.medical"].state == DISAPPLIED
    assert got["final_plan"].state == DISAPPLIED and got["no_plan_notice"].state == DISAPPLIED
    assert got["assessment_decision"].state == MET


def test_exception_confined_to_one_advice_kind():
    case = (ASSESSING.advice("2025-02-11", "medical").advice("2025-02-11", "psychological")
            .exception("2025-02-20", "personal_circumstances", kind="medical"))
    got = clocks(case, today="2025-02-21")
    assert got["advice.medical"].state == DISAPPLIED
    assert got["advice.psychological"].state == PENDING and got["final_plan"].state == PENDING


def test_clock_settled_before_the_exception_stays_as_it_was():
    late = received("2025-01-06").agreed("2025-02-20").exception("2025-03-01", "personal_circumstances")
    assert clocks(late)["assessment_decision"].state == MISSED


def test_missed_clock_is_disapplied_by_an_exception_that_began_before_it_was_settled():
    late = received("2025-01-06").exception("2025-02-01", "personal_circumstances").agreed("2025-02-20")
    got = clocks(late)["assessment_decision"]
    assert (got.state, got.met_on, got.exception) == (DISAPPLIED, d("2025-02-20"), "personal_circumstances")


def test_met_clock_stays_met_despite_an_exception():
    case = received("2025-01-06").exception("2025-01-20", "personal_circumstances").agreed("2025-02-10")
    assert clocks(case)["assessment_decision"].state == MET


def test_exception_outside_the_period_does_not_apply():
    case = ASSESSING.exception("2025-06-01", "personal_circumstances", until="2025-06-10")
    assert clocks(case, today="2025-06-11")["final_plan"].state == PENDING


def test_open_ended_absence_counts_up_to_today():
    case = received("2026-02-02").exception("2026-04-01", "absence_from_area")
    assert clocks(case, today="2026-04-20")["final_plan"].state == PENDING
    assert clocks(case, today="2026-04-28")["final_plan"].state == DISAPPLIED


def test_missed_appointment_never_disapplies_la_clocks_by_default():
    case = ASSESSING.exception("2025-03-01", "missed_appointment")
    assert clocks(case, today="2025-03-02")["no_plan_notice"].state == PENDING


def test_q1_limb_e_lets_a_missed_appointment_disapply_only_the_16_week_notice():
    policy = Policy(reg10_4_limbs=("a", "b", "c", "d", "e"))
    got = clocks(ASSESSING.exception("2025-03-01", "missed_appointment"), today="2025-03-02", policy=policy)
    assert got["no_plan_notice"].state == DISAPPLIED and got["final_plan"].state == PENDING


def test_q14_reg4_reading_keeps_the_assessment_decision_clock():
    policy = Policy(reg5_exceptions_cover_reg4=False)
    case = received("2025-01-06").exception("2025-01-20", "personal_circumstances")
    assert clocks(case, today="2025-01-21", policy=policy)["assessment_decision"].state == PENDING
    assert clocks(case, today="2025-01-21")["assessment_decision"].state == DISAPPLIED


def test_q13_trigger_date_selection_ignores_the_2020_version_for_earlier_requests():
    case = received("2020-03-02").exception("2020-05-01", "coronavirus")
    by_trigger = clocks(case, today="2020-05-02", policy=Policy(covid_selection="trigger_date"))
    assert by_trigger["final_plan"].state == PENDING
    running = received("2020-06-01").exception("2020-06-15", "coronavirus")  # final plan due 2020-10-19
    assert clocks(running, today="2020-06-16")["final_plan"].state == PENDING
    in_progress = Policy(covid_selection="in_progress")
    assert clocks(running, today="2020-06-16", policy=in_progress)["final_plan"].state == DISAPPLIED


def test_q3_cpr_deemed_service_differs_for_a_friday_posting():
    drafted = ASSESSING.draft("2025-04-04", channel="first_class_post")
    assert clocks(drafted, today="2025-04-05")["draft_representations"].trigger == d("2025-04-08")
    cpr = clocks(drafted, today="2025-04-05", policy=Policy(deemed_service="cpr_6_26"))
    assert cpr["draft_representations"].trigger == d("2025-04-07")


def test_q7_conservative_months_for_a_month_end_issue():
    plan = received("2024-09-02").agreed("2024-10-07").draft("2025-01-06").final("2025-01-31")
    assert clocks(plan, today="2025-02-01")["annual_review"].due == d("2026-01-30")
    leap = received("2027-10-04").agreed("2027-11-01").draft("2028-02-01").final("2028-02-29")
    assert clocks(leap, today="2028-03-01")["annual_review"].due == d("2029-02-28")
    conservative = clocks(leap, today="2028-03-01", policy=Policy(months_beginning="conservative"))
    assert conservative["annual_review"].due == d("2029-02-27")


def test_q9_window_ending_on_a_weekend_may_run_to_the_next_working_day():
    drafted = ASSESSING.draft("2025-04-05")  # Saturday; day 15 is Saturday 19 April
    assert clocks(drafted, today="2025-04-06")["draft_representations"].due == d("2025-04-19")
    rolled = clocks(drafted, today="2025-04-06", policy=Policy(window_end_non_working_day="next_working_day"))
    assert rolled["draft_representations"].due == d("2025-04-22")  # Easter Monday 21 April skipped


def test_amendment_after_review_completes_with_the_amended_plan():
    case = FINAL.meeting("2026-03-03").decided("2026-03-20", "amend").notice("2026-03-20").amended("2026-05-01")
    got = clocks(case, today="2026-05-02")
    assert got["amended_plan"].due == d("2026-05-15") and got["amended_plan"].state == MET
    assert got["amendment_representations"].state == MET


def test_decision_to_amend_without_a_notice_shows_the_devon_longstop():
    got = clocks(FINAL.meeting("2026-03-03").decided("2026-03-20", "amend"), today="2026-03-21")
    assert got["amended_plan"].due == d("2026-05-26") and got["amended_plan"].trigger == d("2026-03-03")


def test_amendment_before_devon_has_no_longstop():
    plan = received("2020-10-05").agreed("2020-11-02").draft("2021-01-11").final("2021-02-15")
    case = plan.meeting("2021-11-01").notice("2021-12-20")
    assert clocks(case, today="2021-12-21")["amended_plan"].due == d("2022-02-14")


def test_practical_last_working_day_precedes_a_bank_holiday_deadline():
    got = clocks(received("2025-01-06"), today="2025-01-07")["final_plan"]
    assert (got.due, got.practical_last_working_day) == (d("2025-05-26"), d("2025-05-23"))


def test_no_clocks_before_the_send_regulations_came_into_force():
    assert clocks(received("2014-06-02"), today="2014-06-03") == {}
