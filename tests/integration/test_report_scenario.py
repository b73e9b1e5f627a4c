"""A hand-computed scenario through the real ``ehcp`` commands: every figure below is worked out by hand
from the dates recorded (the reasoning is in the comments), then compared with the reports (issue 16).

Today is Tuesday 2026-01-20. Day 0 is the day the LA received the request; 20 weeks = day 140,
16 weeks = day 112, 6 weeks = day 42 (days from a request's receipt by the body for advice).
All dates are working days, so receipt is the day given.

  case  received    decision (day)       plan / outcome (day)              what it tests
  Ana   2025-01-13  assess 02-10 (28)    issued 2025-06-02 (140)           day 140 on time; EP advice late
  Ben   2025-01-13  assess 02-10 (28)    issued 2025-06-03 (141)           day 141 late; EP advice in 35 days
  Cal   2025-08-13  assess 09-10 (28)    issued 2025-12-31 (140)           December: counts in 2025
  Dee   2025-08-15  assess 09-12 (28)    issued 2026-01-02 (140)           January: counts in 2026, not 2025
  Eve   2025-03-03  refused 04-21 (49)   -                                 absence_from_area: a refusal on day 49
  Fay   2025-09-08  assess 10-06 (28)    pending; day 112 = 2025-12-29     16 weeks passed heading for a plan
  Gus   2025-06-02  assess 07-07 (35)    not issued 2025-09-15 (105)       16-week notice in time
  Hal   2025-02-03  assess 03-03 (28)    issued 2025-07-14 (161)           personal_circumstances (20 weeks)
  Ivy   2025-06-02  assess 06-30 (28)    issued 2025-11-03 (154)           school_closure (20 weeks)
  Jon   2025-03-03  assess 03-31 (28)    issued 2025-07-21 (140)           missed_appointment: advice late
  Kim   2025-10-06  assess 11-03 (28)    pending                           missed_appointment: advice open
  Leo   transferred in 2025-04-01                                          not a request
(coronavirus, the fifth exception reason, applies only under the 2020 rule version.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Ehcp

TODAY = "2026-01-20"


def new(ehcp: Ehcp, child: str, received: str) -> str:
    doc = ehcp.json("case", "new", "--child", child, "--dob", "2015-03-04", "--received", received)
    return doc["reference"]


def plan(ehcp: Ehcp, ref: str, assess: str, draft: str, final: str) -> None:
    ehcp("case", "decide", ref, "--assess", "--on", assess)
    ehcp("case", "draft", ref, "--on", draft, "--channel", "email")
    ehcp("case", "finalise", ref, "--on", final)


def ep_advice(ehcp: Ehcp, ref: str, on: str, received: str | None = None) -> None:
    ehcp("advice", "request", ref, "--kind", "psychological", "--partner", "EP Service", "--on", on,
         "--received-by-body", on)
    if received:
        ehcp("advice", "received", ref, "--kind", "psychological", "--on", received)


@pytest.fixture
def scenario(db_url: str, tmp_path: Path) -> tuple[Ehcp, dict[str, str]]:
    ehcp = Ehcp(db_url, tmp_path, today=TODAY)
    ehcp("partner", "add", "EP Service", "--email", "ep@example.org", "--kind", "psychological")
    ehcp("partner", "add", "Example School", "--email", "school@example.org", "--kind", "educational")
    refs: dict[str, str] = {}
    refs["Ana"] = ana = new(ehcp, "Ana Scenario", "2025-01-13")
    ehcp("case", "decide", ana, "--assess", "--on", "2025-02-10")
    ep_advice(ehcp, ana, "2025-02-10", "2025-04-07")  # 56 days: late
    ehcp("case", "draft", ana, "--on", "2025-05-01", "--channel", "email")
    ehcp("case", "finalise", ana, "--on", "2025-06-02")  # 2025-01-13 + 140 days = 2025-06-02: on time
    refs["Ben"] = ben = new(ehcp, "Ben Scenario", "2025-01-13")
    ehcp("case", "decide", ben, "--assess", "--on", "2025-02-10")
    ep_advice(ehcp, ben, "2025-02-10", "2025-03-17")  # 35 days: within six weeks
    ehcp("case", "draft", ben, "--on", "2025-05-01", "--channel", "email")
    ehcp("case", "finalise", ben, "--on", "2025-06-03")  # day 141: late
    refs["Cal"] = cal = new(ehcp, "Cal Scenario", "2025-08-13")
    plan(ehcp, cal, "2025-09-10", "2025-11-26", "2025-12-31")  # day 140, issued in December 2025
    refs["Dee"] = dee = new(ehcp, "Dee Scenario", "2025-08-15")
    plan(ehcp, dee, "2025-09-12", "2025-11-28", "2026-01-02")  # day 140, issued in January 2026
    refs["Eve"] = eve = new(ehcp, "Eve Scenario", "2025-03-03")
    # absent 2025-03-10 to 04-20: 36 days inside the 6 weeks (03-03 .. 04-14) >= 28, so reg 5(4)(d)
    # lifts the 6-week limit; the refusal comes on 04-21, day 49
    ehcp("case", "exception", eve, "--reason", "absence_from_area", "--from", "2025-03-10", "--to", "2025-04-20")
    ehcp("case", "decide", eve, "--no-assess", "--on", "2025-04-21", "--reason", "needs met in school")
    refs["Fay"] = fay = new(ehcp, "Fay Scenario", "2025-09-08")
    ehcp("case", "decide", fay, "--assess", "--on", "2025-10-06")  # no draft yet: heading for a plan
    refs["Gus"] = gus = new(ehcp, "Gus Scenario", "2025-06-02")
    ehcp("case", "decide", gus, "--assess", "--on", "2025-07-07")
    ehcp("case", "no-plan", gus, "--on", "2025-09-15")  # day 105 <= 112: notice in time
    refs["Hal"] = hal = new(ehcp, "Hal Scenario", "2025-02-03")
    ehcp("case", "decide", hal, "--assess", "--on", "2025-03-03")
    # personal circumstances 05-01 .. 05-10 fall in the 20 weeks (02-03 .. 06-23): reg 10(4)(c) via 13(3)
    ehcp("case", "exception", hal, "--reason", "personal_circumstances", "--from", "2025-05-01", "--to", "2025-05-10")
    ehcp("case", "draft", hal, "--on", "2025-06-09", "--channel", "email")
    ehcp("case", "finalise", hal, "--on", "2025-07-14")  # day 161
    refs["Ivy"] = ivy = new(ehcp, "Ivy Scenario", "2025-06-02")
    ehcp("case", "decide", ivy, "--assess", "--on", "2025-06-30")
    # the head teacher's advice asked for on 07-14, a week before the school closes 07-21 (re-opens
    # 09-03, 44 days): reg 10(4)(a) via 13(3) lifts the 20 weeks
    ehcp("advice", "request", ivy, "--kind", "educational", "--partner", "Example School", "--on", "2025-07-14",
         "--received-by-body", "2025-07-14")
    ehcp("case", "exception", ivy, "--reason", "school_closure", "--from", "2025-07-21", "--to", "2025-09-03")
    ehcp("advice", "received", ivy, "--kind", "educational", "--on", "2025-08-20")
    ehcp("case", "draft", ivy, "--on", "2025-09-29", "--channel", "email")
    ehcp("case", "finalise", ivy, "--on", "2025-11-03")  # day 154
    refs["Jon"] = jon = new(ehcp, "Jon Scenario", "2025-03-03")
    ehcp("case", "decide", jon, "--assess", "--on", "2025-03-31")
    ep_advice(ehcp, jon, "2025-04-07")
    # the EP's appointment of 04-28 was missed (reg 8(2)(c)): the six weeks no longer apply
    ehcp("case", "exception", jon, "--reason", "missed_appointment", "--from", "2025-04-28", "--kind", "psychological")
    ehcp("advice", "received", jon, "--kind", "psychological", "--on", "2025-06-02")  # 56 days, excused
    ehcp("case", "draft", jon, "--on", "2025-06-16", "--channel", "email")
    ehcp("case", "finalise", jon, "--on", "2025-07-21")  # day 140
    refs["Kim"] = kim = new(ehcp, "Kim Scenario", "2025-10-06")
    ehcp("case", "decide", kim, "--assess", "--on", "2025-11-03")
    ep_advice(ehcp, kim, "2025-11-03")  # due 12-15, still outstanding on 2026-01-20
    ehcp("case", "exception", kim, "--reason", "missed_appointment", "--from", "2025-11-20", "--kind", "psychological")
    leo = ehcp.json("transfer", "in", "--child", "Leo Scenario", "--dob", "2014-02-03", "--on", "2025-04-01",
                    "--from-la", "Otherborough", "--plan-made", "2021-05-04", "--last-review", "2025-03-10")
    refs["Leo"] = leo["reference"]
    ehcp("transfer", "informed", refs["Leo"], "--on", "2025-04-15")
    return ehcp, refs


def report(ehcp: Ehcp, *args: str) -> dict:
    return ehcp.json("report", *args)


def test_a_passed_16_week_date_is_a_milestone_not_overdue(scenario):
    ehcp, refs = scenario
    # Pending statutory clocks on 2026-01-20: Fay's 16 weeks (due 2025-12-29, passed) and 20 weeks
    # (due 2026-01-26); Kim's 16 weeks (due 2026-01-26) and 20 weeks (2026-02-23); the plans'
    # annual reviews (a year after issue) and Leo's. Every issued case was finished in time for its
    # other clocks, so nothing statutory is overdue: Fay's passed 16-week date is a milestone.
    for by in ("rule", "stage", "caseworker", "team", "partner"):
        overdue = report(ehcp, "overdue", "--by", by)
        assert overdue["total_overdue"] == 0 and overdue["groups"] == [], by
        assert [(m["reference"], m["key"], m["status"]) for m in overdue["milestones"]] == \
            [(refs["Fay"], "no_plan_notice", "milestone")]
    # --due-within 7 lists up to 2026-01-27: Fay's 20 weeks (01-26) due soon; Kim's 16 weeks (01-26)
    # is a decision point too, listed with the milestones, not counted as due soon
    soon = report(ehcp, "overdue", "--due-within", "7")
    assert soon["total_overdue"] == 0 and soon["total_due_soon"] == 1
    assert [(d["reference"], d["key"]) for d in soon["deadlines"]] == [(refs["Fay"], "final_plan")]
    assert [(m["reference"], m["status"]) for m in soon["milestones"]] == \
        [(refs["Fay"], "milestone"), (refs["Kim"], "due_soon")]
    caseload = report(ehcp, "caseload")
    assert caseload["totals"]["with_overdue"] == 0
    show = ehcp.json("case", "show", refs["Fay"])
    assert {d["key"]: d["status"] for d in show["deadlines"]}["no_plan_notice"] == "milestone"
    listed = ehcp.json("case", "list", "--overdue")
    assert listed["cases"] == []



def test_twenty_weeks_and_six_weeks_the_dfe_way(scenario):
    ehcp, _ = scenario
    # 20 weeks, calendar year 2025 (definitions unchanged, checked by hand):
    # issued in 2025: Ana 140, Ben 141, Cal 140 (Dec 31), Hal 161 (exception), Ivy 154 (exception),
    # Jon 140; Dee (Jan 2) belongs to 2026. Including: 3 of 6 = 50.0%. Excluding Hal and Ivy: 3 of 4.
    t = report(ehcp, "timeliness", "--year", "2025")
    tw = t["twenty_weeks"]
    assert (tw["including"]["issued"], tw["including"]["within"], tw["including"]["rate"]) == (6, 3, 50.0)
    assert (tw["excluding"]["issued"], tw["excluding"]["within"], tw["excluding"]["rate"]) == (4, 3, 75.0)
    assert tw["exceptions"] == 2
    assert report(ehcp, "timeliness", "--year", "2026")["twenty_weeks"]["including"]["issued"] == 1  # Dee

    # the 6-week rate the DfE way:
    # decisions in 2025: Ana, Ben, Cal, Dee, Fay, Hal, Ivy, Jon, Kim (day 28), Gus (day 35) and
    # Eve's refusal on day 49: 10 of 11 in time = 90.9%. Excluding Eve's exception: 10 of 10.
    six = t["six_weeks"]
    assert (six["decisions"], six["within"], six["late"], six["rate"]) == (11, 10, 1, 90.9)
    adjusted = six["excluding_exceptions"]
    assert (adjusted["decisions"], adjusted["within"], adjusted["rate"], adjusted["exceptions"]) == (10, 10, 100.0, 1)
    # 16-week notices: Gus's, day 105 of 112: 1 of 1
    assert (t["sixteen_weeks"]["decisions"], t["sixteen_weeks"]["within"]) == (1, 1)



def test_partner_on_time_rate_never_counts_excused_advice_late(scenario):
    ehcp, _ = scenario
    # EP Service: Ana 56 days (late), Ben 35 (in time), Jon 56 but excused, Kim outstanding but
    # excused. On time = 1 / (1 in time + 1 late + 0 overdue) = 50.0%; the excused two count in neither.
    (ep,) = [r for r in report(ehcp, "partners")["partners"] if r["partner"] == "EP Service"]
    assert (ep["requests"], ep["received"], ep["within_6_weeks"], ep["overdue"], ep["excused"]) == (4, 3, 1, 0, 2)
    assert ep["on_time_rate"] == 50.0



def test_a_plan_transferred_in_is_not_a_request(scenario):
    ehcp, _ = scenario
    # received in 2025: Ana .. Kim, 11 requests: Y 10 (all assessed, Gus included), N 1 (Eve);
    # Leo's plan came from Otherborough: no request was made here
    sen2 = ehcp.json("sen2", "summary", "--year", "2025")
    assert sen2["requests"] == 11 and sen2["transferred_in"] == 1
    assert sen2["requests_by_outcome"] == {"Y": 10, "N": 1, "A": 0, "W": 0}



def test_honest_footers_and_maintained_plans(scenario):
    ehcp, _ = scenario
    caseload = report(ehcp, "caseload")
    # open: Ana, Ben, Cal, Dee, Hal, Ivy, Jon (final), Leo (final), Fay, Kim (assessment) = 10;
    # maintained plans (final or review) = 8
    assert (caseload["totals"]["total"], caseload["totals"]["maintained_plans"]) == (10, 8)
    for name in ("overdue", "partners", "forecast", "caseload"):
        footer = report(ehcp, name)["footer"]
        assert "not a dfe measure" in footer.lower() and "Follows the DfE" not in footer, name
    assert 'DfE: "Population' in report(ehcp, "timeliness", "--year", "2025")["footer"]


def test_a_past_as_of_is_refused_before_and_after_later_events(scenario):
    """Reconstruction from the event log is not done (ehcp.services.reporting): a past date is refused,
    so its figures cannot change when later events are recorded."""
    ehcp, refs = scenario
    for _ in range(2):
        for name in ("overdue", "caseload", "partners", "forecast"):
            refused = ehcp("report", name, "--as-of", "2025-06-30", code=1)
            assert "before today" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
        ehcp("case", "note", refs["Fay"], "A later event: synthetic note.")
    ehcp("advice", "received", refs["Kim"], "--kind", "psychological", "--on", "2026-01-19")
    assert report(ehcp, "overdue", "--as-of", TODAY)["total_overdue"] == 0
