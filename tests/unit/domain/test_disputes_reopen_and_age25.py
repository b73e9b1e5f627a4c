"""Worked examples of our own (issues 15 and 21), each date worked out by hand in the comments: a tribunal
order reopening a closed case, a mediation agreement with several items (reg 42), the Tribunal-rule period
for the LA's response to an appeal (HESC r.21, r.12(3)(b), (4)), and the age-25 advisory clocks (s.46)."""

from __future__ import annotations

import pytest

from ehcp.domain import MET, PENDING, IllegalMove, Stage, check_event, current_stage
from ehcp.domain import events as ev
from ehcp.domain.machine.counting import academic_year_end, tribunal_working_days_after
from ehcp.rules import DEFAULT_RULES
from tests.unit.domain.builder import CAL, CaseBuilder, clocks, d, received

REFUSED = (received("2026-01-05").refused("2026-02-10")
           .add(ev.AppealableDecision(d("2026-02-10"), "refusal_to_assess")).add(ev.AppealLodged(d("2026-03-10"))))
NO_PLAN = (received("2026-01-05").agreed("2026-02-02").add(ev.PlanNotIssued(d("2026-04-20")))
           .add(ev.AppealableDecision(d("2026-04-20"), "no_plan")).add(ev.AppealLodged(d("2026-05-11"))))


# --- a tribunal order reopens a closed case (regs 44-45) ------------------------------------------------

def test_an_order_to_assess_reopens_a_not_assessed_case_into_assessment():
    ordered = REFUSED.add(ev.TribunalOrdered(d("2026-07-13"), "assess"))
    reopen = ev.ReopenedByOrder(d("2026-07-13"), "assess")
    check_event(list(ordered.events), reopen, calendar=CAL)
    assert current_stage(list(ordered.add(reopen).events)) is Stage.ASSESSMENT
    got = clocks(ordered.add(reopen), today="2026-07-14")
    # Mon 13 Jul 2026 + 2 weeks = Mon 27 Jul; + 14 weeks (98 days) = Mon 19 Oct 2026 (reg 44(2)(b), (b)(ii))
    assert got["order.assess"].due == d("2026-07-27") and got["order.assessed_final"].due == d("2026-10-19")


def test_no_case_reopens_without_an_order_or_by_the_wrong_kind_of_order():
    with pytest.raises(IllegalMove, match="no tribunal order or unopposed appeal to assess"):
        check_event(list(REFUSED.events), ev.ReopenedByOrder(d("2026-07-13"), "assess"), calendar=CAL)
    amend = NO_PLAN.add(ev.TribunalOrdered(d("2026-07-13"), "amend"))
    with pytest.raises(IllegalMove, match="does not reopen a case closed as no_plan"):
        check_event(list(amend.events), ev.ReopenedByOrder(d("2026-07-13"), "amend"), calendar=CAL)
    with pytest.raises(IllegalMove, match="the case is closed"):  # no other move leaves a closed stage
        check_event(list(REFUSED.events), ev.AssessmentAgreed(d("2026-07-13")), calendar=CAL)


def test_an_order_to_make_a_plan_reopens_a_no_plan_case_and_the_final_plan_is_maintained():
    case = (NO_PLAN.add(ev.TribunalOrdered(d("2026-07-13"), "make_and_maintain"))
            .add(ev.ReopenedByOrder(d("2026-07-13"), "make_and_maintain"))
            .draft("2026-08-10").final("2026-09-14"))
    assert current_stage(list(case.events)) is Stage.FINAL
    got = clocks(case, today="2026-09-15")
    # the draft (10 Aug) and the final plan (14 Sep) settle the order's limbs by themselves: draft due
    # 13 Jul + 5 weeks = 17 Aug, final 13 Jul + 11 weeks = 28 Sep (G46)
    assert (got["order.draft_plan"].state, got["order.final_plan"].state) == (MET, MET)
    # s.44(1): 12 months beginning with 14 Sep 2026 end on 13 Sep 2027
    assert got["annual_review"].due == d("2027-09-13") and got["annual_review"].state == PENDING


def test_after_an_order_to_assess_a_decision_not_to_issue_meets_the_10_week_limb_and_closes_again():
    case = (REFUSED.add(ev.TribunalOrdered(d("2026-07-13"), "assess"))
            .add(ev.ReopenedByOrder(d("2026-07-13"), "assess")).add(ev.PlanNotIssued(d("2026-09-07"))))
    got = clocks(case, today="2026-09-08")
    # reg 44(2)(b)(i): 13 Jul + 10 weeks = 21 Sep; notified 7 Sep: met; the 14-week final limb is gone
    assert got["order.no_plan"].due == d("2026-09-21") and got["order.no_plan"].state == MET
    assert "order.assessed_final" not in got and current_stage(list(case.events)) is Stage.NO_PLAN


# --- a mediation agreement with several items (reg 42) --------------------------------------------------

def agreement(*items: ev.AgreementItem) -> CaseBuilder:
    plan = received("2024-06-03").agreed("2024-07-01").draft("2024-09-02").final("2024-10-21")
    return (plan.add(ev.AppealableDecision(d("2025-12-01"))).add(ev.MediationRequested(d("2026-01-12")))
            .add(ev.MediationConcluded(d("2026-02-10"), items=items)))


def test_each_item_of_a_mediation_agreement_has_its_own_clock():
    got = clocks(agreement(ev.AgreementItem("placement"), ev.AgreementItem("other", text="OT report"),
                           ev.AgreementItem("amend", d("2026-04-30"), "section F"),
                           ev.AgreementItem("other", d("2026-03-02"), "transport")), today="2026-02-11")
    # Tue 10 Feb 2026. placement, appealable (reg 42(2) -> reg 44): 2 weeks = Tue 24 Feb.
    assert got["order.placement"].due == d("2026-02-24")
    # "other" (reg 42(3)): 2 weeks = Tue 24 Feb, its words kept as the clock's subject
    assert got["mediation_agreement"].due == d("2026-02-24")
    # amend would be 5 weeks (Tue 17 Mar), but the parties agreed 30 Apr in writing (reg 42(5))
    assert got["order.amend"].due == d("2026-04-30") and "reg 42(5)" in got["order.amend"].citation
    # the second "other" item: agreed 2 Mar instead of 24 Feb
    assert got["mediation_agreement.2"].due == d("2026-03-02")


def test_an_agreed_timescale_before_the_agreement_is_refused():
    base = agreement().events[:-1]
    late = ev.MediationConcluded(d("2026-02-10"), items=(ev.AgreementItem("amend", d("2026-02-01")),))
    with pytest.raises(IllegalMove, match="reg 42"):
        check_event(list(base), late, calendar=CAL)
    both = ev.MediationConcluded(d("2026-02-10"), "amend", (ev.AgreementItem("other"),))
    with pytest.raises(IllegalMove, match="not both"):
        check_event(list(base), both, calendar=CAL)


# --- Tribunal-rule periods: r.12(3)(b), (4) ---------------------------------------------------------------

def test_tribunal_working_days_skip_august():
    # from Mon 13 Jul 2026: 14-17 Jul (4), 20-24 (9), 27-31 (14); August not counted; Tue 1 Sep (15),
    # 2-4 Sep (18), 7-11 (23), 14-18 (28), Mon 21 (29), Tue 22 Sep (30)
    assert tribunal_working_days_after(d("2026-07-13"), 30, CAL) == d("2026-09-22")
    # the plain count would end on Mon 24 Aug: 14-31 Jul (14), 3-7 Aug (19), 10-14 (24), 17-21 (29), 24 (30)
    assert CAL.add_working_days(d("2026-07-13"), 30) == d("2026-08-24")


def test_tribunal_working_days_skip_christmas_to_new_year():
    # from Thu 10 Dec 2026: 11 Dec (1), 14-18 (6), 21-24 (10); 25 Dec - 1 Jan not counted (28 Dec is the
    # Boxing Day substitute anyway); Mon 4 Jan 2027 (11), 5-8 (15), 11-15 (20), 18-22 (25), 25-29 Jan (30)
    assert tribunal_working_days_after(d("2026-12-10"), 30, CAL) == d("2027-01-29")


def test_appeal_lodged_starts_the_la_response_and_a_directed_date_replaces_it():
    case = REFUSED.events[:-1]
    summer = CaseBuilder((*case, ev.AppealLodged(d("2026-07-10"), d("2026-07-13"))))
    got = clocks(summer, today="2026-07-14")["appeal_response"]
    assert (got.due, got.trigger, got.rule) == (d("2026-09-22"), d("2026-07-13"), "R-APPEAL-RESPONSE")
    directed = CaseBuilder((*case, ev.AppealLodged(d("2026-07-10"), None, d("2026-09-01"))))
    got = clocks(directed, today="2026-07-14")["appeal_response"]
    assert got.due == d("2026-09-01") and "directed" in got.citation
    unopposed = summer.add(ev.AppealUnopposed(d("2026-07-20"), "assess"))
    assert clocks(unopposed, today="2026-07-21")["appeal_response"].state == MET  # reg 45(1)


def test_the_la_response_rule_counts_by_the_tribunal_convention():
    rule = DEFAULT_RULES.rule("appeal_response", d("2026-07-13"))
    assert (rule.convention, rule.length, rule.unit) == ("C-TRIBUNAL-WD", 30, "working_days")
    assert "r.12(3)(b), (4)" in rule.citation and "r.21(1)" in rule.citation


# --- the end of a plan at 25 (s.46; reg 46(1)) -------------------------------------------------------------

def young_person(dob: str, request: str, final: str) -> CaseBuilder:
    return (CaseBuilder((ev.RequestReceived(d(request), "young_person", d(dob)),))
            .agreed(request).draft(request).final(final))


def test_age25_advisory_clocks_for_a_young_person_with_a_plan():
    # born 15 Mar 2002: attains 25 on 15 Mar 2027, in the academic year 1 Aug 2026 - 31 Jul 2027, so the plan
    # may be kept until Sat 31 Jul 2027 (s.46; reg 46(1)(a)); consult on ceasing 3 months before: 30 Apr 2027
    got = clocks(young_person("2002-03-15", "2024-01-08", "2024-05-20"), today="2024-05-21")
    end, talk = got["age25_end"], got["age25_conversation"]
    assert (end.due, end.trigger, end.advisory) == (d("2027-07-31"), d("2027-03-15"), True)
    assert (talk.due, talk.trigger, talk.advisory) == (d("2027-04-30"), d("2027-07-31"), True)
    assert end.status(d("2027-08-01")) == "overdue" and end.advisory  # reported apart, never a breach


def test_age25_for_a_birthday_in_august_is_the_next_31_july():
    # born 20 Aug 2001: attains 25 on 20 Aug 2026, which starts the academic year 2026/27: end 31 Jul 2027
    got = clocks(young_person("2001-08-20", "2024-01-08", "2024-05-20"), today="2024-05-21")
    assert got["age25_end"].due == d("2027-07-31")
    assert academic_year_end(d("2026-07-31")) == d("2026-07-31") and academic_year_end(d("2026-08-01")) == \
        d("2027-07-31")


def test_age25_clocks_wait_until_the_young_person_is_19():
    # a plan made at 17 shows nothing yet; the first completed review at 19 or over starts the clocks
    plan = young_person("2007-01-10", "2024-01-08", "2024-05-20")
    assert "age25_end" not in clocks(plan, today="2024-05-21")
    reviewed = plan.meeting("2026-05-11").decided("2026-05-18", "maintain")
    assert clocks(reviewed, today="2026-05-19")["age25_end"].due == d("2032-07-31")
