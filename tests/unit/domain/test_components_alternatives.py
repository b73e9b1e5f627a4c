"""Issue 21: the sub-dates that made a due date (``components``) and the other readings the rulebook names
(``alternatives``). Every date below is worked out by hand in the comment beside it."""

from __future__ import annotations

from ehcp.domain import events as ev
from ehcp.rules import Policy
from tests.unit.domain.builder import CaseBuilder, clocks, d, received

# A plan issued Monday 21 Oct 2024 for a child born 4 May 2016 (Year 6 in 2026/27).
PLAN = received("2024-06-03").agreed("2024-07-01").draft("2024-09-02").final("2024-10-21")


def parts(deadline) -> dict[str, str]:
    return {c.name: c.on.isoformat() for c in deadline.components}


def test_amended_plan_shows_reg_22_3_beside_the_devon_longstop_that_wins():
    # Meeting Tue 4 Nov 2025; amendment notice Wed 10 Dec 2025.
    # reg 22(3): 8 weeks after the notice = 10 Dec + 56 days = Wed 4 Feb 2026.
    # Devon long-stop: 12 weeks after the meeting = 4 Nov + 84 days = Tue 27 Jan 2026.
    # The earlier date applies: 27 Jan 2026 (the long-stop wins).
    case = PLAN.meeting("2025-11-04").decided("2025-12-01", "amend").notice("2025-12-10")
    got = clocks(case, today="2025-12-11")["amended_plan"]
    assert got.due == d("2026-01-27")
    assert parts(got) == {"reg_22_3": "2026-02-04", "devon_longstop": "2026-01-27"}
    assert "the long-stop" in got.components[1].note and "Devon" in got.components[1].citation


def test_amended_plan_where_reg_22_3_wins_still_shows_the_longstop():
    # Meeting 4 Nov 2025, notice Fri 21 Nov 2025: reg 22(3) 21 Nov + 56 days = Fri 16 Jan 2026, before the
    # long-stop of Tue 27 Jan 2026 -> due 16 Jan 2026 (G24), both dates shown.
    got = clocks(PLAN.meeting("2025-11-04").notice("2025-11-21"), today="2025-11-22")["amended_plan"]
    assert got.due == d("2026-01-16")
    assert parts(got) == {"reg_22_3": "2026-01-16", "devon_longstop": "2026-01-27"}
    assert got.components[1].note.endswith("(reg 22(3))")


def test_under5_review_shows_the_start_of_its_window():
    # Child born 15 Mar 2022 (aged 2); plan issued Mon 21 Oct 2024. Code 9.178 window 3-6 months after
    # issue (C-MONTHS-AFTER, corresponding date): opens 21 Jan 2025, closes (due) 21 Apr 2025.
    case = CaseBuilder((ev.RequestReceived(d("2024-06-03"), "parent", d("2022-03-15")),)).agreed(
        "2024-07-01").draft("2024-09-02").final("2024-10-21")
    got = clocks(case, today="2024-10-22")["under5_review"]
    assert got.due == d("2025-04-21")
    assert parts(got) == {"window_start": "2025-01-21", "window_end": "2025-04-21"}
    # Policy Q15 (2, 4): opens 21 Dec 2024, due 21 Feb 2025.
    narrow = clocks(case, today="2024-10-22", policy=Policy(under5_review_months=(2, 4)))["under5_review"]
    assert parts(narrow) == {"window_start": "2024-12-21", "window_end": "2025-02-21"}
    assert narrow.due == d("2025-02-21")


def test_la_transfer_review_shows_both_dates_of_reg_15_5():
    # Transferred in Mon 10 Mar 2025, last reviewed Fri 20 Jun 2024.
    # 3 months beginning with 10 Mar 2025 = (9 Mar) + 3 months = 9 Jun 2025.
    # 12 months beginning with 20 Jun 2024 = (19 Jun 2024) + 12 months = 19 Jun 2025.
    # The later applies: 19 Jun 2025.
    case = CaseBuilder((ev.PlanTransferredIn(d("2025-03-10"), "Another LA", d("2023-06-01"), d("2024-06-20")),))
    got = clocks(case, today="2025-03-11")["transfer_review"]
    assert got.due == d("2025-06-19")
    assert parts(got) == {"three_months_after_transfer": "2025-06-09",
                          "twelve_months_after_last_review": "2025-06-19"}
    assert got.components[1].note.endswith("the later date applies")


def test_appeal_deadline_shows_the_plain_two_months_before_the_august_rule():
    # Appealable decision sent Mon 30 Jun 2025: 2 months after = Sat 30 Aug 2025 (C-MONTHS-AFTER).
    # HESC r.12(3)(a) (2020): a period ending in August runs to the first working day after 31 August:
    # Mon 1 Sep 2025.
    case = PLAN.add(ev.AppealableDecision(d("2025-06-30"), "contents"))
    got = clocks(case, today="2025-07-01")["appeal_deadline"]
    assert got.due == d("2025-09-01")
    assert parts(got) == {"2_months_after_decision": "2025-08-30", "decision_after_r12": "2025-09-01"}
    assert "August" in got.components[1].note


def test_appeal_deadline_after_a_mediation_certificate_shows_both_starts():
    # Decision Mon 2 Jun 2025: 2 months = Sat 2 Aug 2025, in August -> Mon 1 Sep 2025.
    # Certificate Mon 1 Sep 2025: 1 month = Wed 1 Oct 2025, a working day -> not moved. Later: 1 Oct 2025.
    case = PLAN.add(ev.AppealableDecision(d("2025-06-02"), "contents")).add(
        ev.MediationCertificateIssued(d("2025-09-01")))
    got = clocks(case, today="2025-09-02")["appeal_deadline"]
    assert got.due == d("2025-10-01")
    assert parts(got) == {"2_months_after_decision": "2025-08-02", "decision_after_r12": "2025-09-01",
                          "1_month_after_certificate": "2025-10-01", "certificate_after_r12": "2025-10-01"}


def test_phase_transfer_shows_the_codes_15_february_beside_the_regulations_day_before():
    # Year 6 in 2026/27 -> secondary in Sept 2027: reg 18 "before 15 February 2027" = 14 Feb 2027;
    # Code 9.179 "by 15 February" = 15 Feb 2027 (the published long-stop). Policy Q5 "code" swaps them.
    case = CaseBuilder((ev.RequestReceived(d("2024-06-03"), "parent", d("2016-05-04")),)).agreed(
        "2024-07-01").draft("2024-09-02").final("2024-10-21")
    got = clocks(case, today="2024-10-22")["phase_transfer"]
    assert got.due == d("2027-02-14")
    [alt] = got.alternatives
    assert (alt.on, alt.policy) == (d("2027-02-15"), "phase_transfer_date=code")
    assert "9.179" in alt.citation
    code = clocks(case, today="2024-10-22", policy=Policy(phase_transfer_date="code"))["phase_transfer"]
    assert code.due == d("2027-02-15")
    assert [(a.on, a.policy) for a in code.alternatives] == [(d("2027-02-14"), "phase_transfer_date=regulation")]


def test_annual_review_shows_the_meeting_based_reading():
    # Meeting Mon 15 Sep 2025, decision Mon 6 Oct 2025 (maintain).
    # Q6 default (decision): 12 months beginning with 6 Oct 2025 = (5 Oct 2025) + 12 months = 5 Oct 2026.
    # Meeting reading: 12 months beginning with 15 Sep 2025 = 14 Sep 2026.
    case = PLAN.meeting("2025-09-15").decided("2025-10-06")
    got = clocks(case, today="2025-10-07")["annual_review.2"]
    assert got.due == d("2026-10-05")
    assert [(a.on, a.policy) for a in got.alternatives] == [(d("2026-09-14"), "review_restart=meeting")]
    # Under Q6 "meeting" the dates swap once the decision is known.
    meeting = clocks(case, today="2025-10-07", policy=Policy(review_restart="meeting"))["annual_review.2"]
    assert meeting.due == d("2026-09-14")
    assert [(a.on, a.policy) for a in meeting.alternatives] == [(d("2026-10-05"), "review_restart=decision")]


def test_posted_draft_shows_the_cpr_6_26_date_beside_the_1985_practice_direction():
    # Draft posted first class on Friday 4 Apr 2025.
    # 1985 PD: 2nd working day after posting = Tue 8 Apr; 15 days beginning with 8 Apr -> Tue 22 Apr 2025.
    # CPR 6.26: 2nd day after posting = Sun 6 Apr, not a business day -> Mon 7 Apr; 15 days -> Mon 21 Apr.
    case = received("2025-01-06").agreed("2025-02-03").draft("2025-04-04", channel="first_class_post")
    got = clocks(case, today="2025-04-05")["draft_representations"]
    assert got.due == d("2025-04-22")
    [alt] = got.alternatives
    assert (alt.on, alt.policy, alt.citation) == (d("2025-04-21"), "deemed_service=cpr_6_26", "CPR 6.26")
    cpr = clocks(case, today="2025-04-05", policy=Policy(deemed_service="cpr_6_26"))["draft_representations"]
    assert cpr.due == d("2025-04-21")
    assert cpr.alternatives[0].on == d("2025-04-22") and "1985" in cpr.alternatives[0].reading


def test_emailed_or_received_documents_have_no_deemed_service_alternative():
    case = received("2025-01-06").agreed("2025-02-03")
    assert clocks(case.draft("2025-04-04"), today="2025-04-05")["draft_representations"].alternatives == ()
    served = case.draft("2025-04-04", channel="first_class_post", served_on="2025-04-07")
    assert clocks(served, today="2025-04-08")["draft_representations"].alternatives == ()


def test_to_dict_carries_components_and_alternatives_as_iso_dates():
    got = clocks(PLAN.meeting("2025-11-04").notice("2025-11-21"), today="2025-11-22")["amended_plan"]
    document = got.to_dict(d("2025-11-22"))
    assert document["components"][0] == {"name": "reg_22_3", "date": "2026-01-16",
                                         "citation": "SEND Regulations 2014 reg 22(3)",
                                         "note": "8 weeks after the amendment notice of 2025-11-21"}
    assert document["alternatives"] == []
    assert got.detail() == {"components": document["components"], "alternatives": []}
