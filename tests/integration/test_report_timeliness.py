"""Timeliness the DfE way, on SQLite and PostgreSQL, against small hand-computed data sets."""

from __future__ import annotations

from datetime import date

import pytest

from ehcp.reports.result import Period
from ehcp.reports.timeliness import clock_rate, timeliness_report
from ehcp.store.db import engine_for
from tests.unit.reports.builder import Data

Y2025 = Period.year(2025)


def report(url: str, period: Period = Y2025, **kw):
    with engine_for(url).connect() as conn:
        return timeliness_report(conn, period, **kw).document


def with_conn(url: str, fn, *args, **kw):
    with engine_for(url).connect() as conn:
        return fn(conn, *args, **kw)


@pytest.fixture
def plans(db_url):
    """Eight new plans issued in 2025, two of them with exceptions, and two outside the year.

    days from request to issue:   P1 140 (2025-05-26)   P2 141 (2025-05-27)   P3 100 (2025-06-11)
    P4 400 (2025-10-07)   P5 130 exception, met (2025-07-11)   P6 200 exception, disapplied (2025-09-19)
    P7 364 (2025-09-01)   P8 365 (2025-09-02)   out of 2025: 2024-12-31 and 2026-01-01.
    """
    d = Data(db_url)
    d.plan(date(2025, 1, 6), 140)
    d.plan(date(2025, 1, 6), 141)
    d.plan(date(2025, 3, 3), 100)
    d.plan(date(2024, 9, 2), 400)
    d.plan(date(2025, 3, 3), 130, state="met", exception="school_closure")
    d.plan(date(2025, 3, 3), 200, state="disapplied", exception="personal_circumstances")
    d.plan(date(2024, 9, 2), 364)
    d.plan(date(2024, 9, 2), 365)
    d.plan(date(2024, 6, 3), 211)  # issued 2024-12-31
    d.plan(date(2025, 8, 1), 153)  # issued 2026-01-01
    d.case(date(2025, 4, 1), "assessment")  # no plan yet: not in the population
    return db_url


def test_twenty_weeks_including_and_excluding_exceptions(plans):
    t = report(plans)["twenty_weeks"]
    # including: all 8 issued in 2025; on time (<= 140 days): P1 (140), P3 (100), P5 (130) = 3 -> 3/8 = 37.5%
    assert t["including"]["issued"] == 8 and t["including"]["within"] == 3 and t["including"]["rate"] == 37.5
    # excluding: P5 and P6 leave numerator AND denominator: P1, P3 of 6 -> 2/6 = 33.3%
    assert t["excluding"]["issued"] == 6 and t["excluding"]["within"] == 2 and t["excluding"]["rate"] == 33.3
    assert t["exceptions"] == 2


def test_day_140_is_on_time_and_day_141_is_late(db_url):
    d = Data(db_url)
    d.plan(date(2025, 1, 6), 139)
    d.plan(date(2025, 1, 6), 140)  # issued 2025-05-26 = received + 140: on time
    d.plan(date(2025, 1, 6), 141)  # issued 2025-05-27: late
    t = report(db_url)["twenty_weeks"]["including"]
    assert (t["issued"], t["within"], t["rate"]) == (3, 2, 66.7)  # 2/3
    assert t["bands"] == {"within_20_weeks": 2, "weeks_20_to_52": 1, "over_52_weeks": 0}
    # Policy Q4 alternative (139 days): only the day-139 plan is on time -> 1/3 = 33.3%
    t139 = report(db_url, day_count=139)
    assert t139["day_count"] == 139
    assert (t139["twenty_weeks"]["including"]["within"], t139["twenty_weeks"]["including"]["rate"]) == (1, 33.3)


def test_bands_and_average_weeks(plans):
    t = report(plans)["twenty_weeks"]
    # including: <=140: P1,P3,P5 = 3; 141..364: P2 (141), P6 (200), P7 (364) = 3; >364: P4 (400), P8 (365) = 2
    assert t["including"]["bands"] == {"within_20_weeks": 3, "weeks_20_to_52": 3, "over_52_weeks": 2}
    # excluding (no P5, P6): 2 / 2 (P2, P7) / 2 (P4, P8)
    assert t["excluding"]["bands"] == {"within_20_weeks": 2, "weeks_20_to_52": 2, "over_52_weeks": 2}
    assert t["including"]["band_rates"] == {"within_20_weeks": 37.5, "weeks_20_to_52": 37.5, "over_52_weeks": 25.0}
    # average: (140+141+100+400+130+200+364+365) = 1840 days / 8 = 230 days / 7 = 32.857 -> 32.9 weeks
    assert t["including"]["avg_weeks"] == 32.9
    # excluding: (140+141+100+400+364+365) = 1510 / 6 = 251.67 days / 7 = 35.95 -> 36.0 weeks
    assert t["excluding"]["avg_weeks"] == 36.0


def test_by_month_of_issue(plans):
    months = {m["month"]: m for m in report(plans)["months"]}
    assert sorted(months) == ["2025-05", "2025-06", "2025-07", "2025-09", "2025-10"]
    # May: P1 (on time), P2 (late) -> 1/2 = 50%
    may = months["2025-05"]
    assert (may["issued"], may["within"], may["rate_excluding"]) == (2, 1, 50.0)
    # July: only P5, an exception: including 1/1 = 100%; excluding has no plans -> no rate
    assert months["2025-07"]["rate_including"] == 100.0
    assert months["2025-07"]["issued_excluding"] == 0 and months["2025-07"]["rate_excluding"] is None
    # September: P6 (exception, late), P7, P8 (late): including 0/3, excluding 0/2, one exception
    sep = months["2025-09"]
    assert (sep["issued"], sep["issued_excluding"], sep["within"], sep["exceptions"]) == (3, 2, 0, 1)


def test_period_filters_on_issue_date(plans):
    # --from 2025-05-27 --to 2025-09-01: P2 (05-27), P3 (06-11), P5 (07-11), P7 (09-01) = 4; on time P3, P5
    t = report(plans, Period(date(2025, 5, 27), date(2025, 9, 1)))["twenty_weeks"]["including"]
    assert (t["issued"], t["within"]) == (4, 2)
    # 2024: only the plan issued on 2024-12-31 (211 days: late)
    t = report(plans, Period.year(2024))["twenty_weeks"]["including"]
    assert (t["issued"], t["within"], t["rate"]) == (1, 0, 0.0)


def test_empty_period_has_no_rates(db_url):
    doc = report(db_url)
    assert doc["twenty_weeks"]["including"] == {
        "issued": 0, "within": 0, "rate": None, "avg_weeks": None,
        "bands": {"within_20_weeks": 0, "weeks_20_to_52": 0, "over_52_weeks": 0},
        "band_rates": {"within_20_weeks": None, "weeks_20_to_52": None, "over_52_weeks": None}}
    assert doc["months"] == [] and doc["six_weeks"]["rate"] is None
    assert "DfE" in doc["footer"]


def test_six_week_decisions(db_url):
    d = Data(db_url)
    for state, met_on in (("met", date(2025, 2, 10)), ("met", date(2025, 3, 1)), ("missed", date(2025, 4, 1)),
                          ("disapplied", date(2025, 5, 1)), ("met", date(2024, 12, 20)), ("pending", None)):
        case = d.case(date(2024, 12, 1))
        d.deadline(case, "assessment_decision", date(2025, 1, 12), state, met_on=met_on)
    m = with_conn(db_url, clock_rate, "assessment_decision", Y2025)
    # 2025 decisions: met 2, missed 1 -> 2/3 = 66.7%; the disapplied one apart; 2024 and pending not counted
    assert m == {"decisions": 3, "within": 2, "late": 1, "rate": 66.7, "exceptions": 1}


def test_sixteen_weeks_counts_only_decisions_not_to_issue(db_url):
    d = Data(db_url)
    a = d.case(date(2025, 1, 6), "no_plan", events=(("plan_not_issued", date(2025, 4, 1)),))
    d.deadline(a, "no_plan_notice", date(2025, 4, 28), "met", met_on=date(2025, 4, 1))
    b = d.case(date(2025, 1, 6), "no_plan", events=(("plan_not_issued", date(2025, 6, 1)),))
    d.deadline(b, "no_plan_notice", date(2025, 4, 28), "missed", met_on=date(2025, 6, 1))
    c = d.case(date(2025, 1, 6), "final", events=(("final_plan_issued", date(2025, 4, 20)),))
    d.deadline(c, "no_plan_notice", date(2025, 4, 28), "met", met_on=date(2025, 4, 20))  # a plan, not a refusal
    doc = report(db_url)
    # a within, b late; c issued a plan so is not a "not to issue" decision -> 1/2 = 50%
    assert doc["sixteen_weeks"] == {"decisions": 2, "within": 1, "late": 1, "rate": 50.0, "exceptions": 0}


def test_review_decisions_within_four_weeks_of_the_meeting(db_url):
    d = Data(db_url)
    for key, state, met_on in (
        ("review_decision", "met", date(2025, 3, 31)),  # 28 days after the meeting
        ("review_decision", "missed", date(2025, 4, 1)),  # 29 days
        ("review_decision.2", "met", date(2025, 1, 10)),  # a second cycle counts too
        ("review_decision", "met", date(2024, 3, 10)),  # 2024
        ("review_decision", "pending", None),
        ("review_report", "met", date(2025, 3, 10)),  # another clock
    ):
        d.deadline(d.case(date(2023, 1, 2), "final"), key, date(2025, 3, 31), state, met_on=met_on)
    doc = report(db_url)
    # 2025: met 2, missed 1 -> 2/3 = 66.7%
    assert doc["review_decisions"] == {"decisions": 3, "within": 2, "late": 1, "rate": 66.7, "exceptions": 0}


def test_reviews_completed_within_twelve_months(db_url):
    d = Data(db_url)
    case = d.case(date(2022, 1, 3), "final")
    d.deadline(case, "annual_review", date(2024, 1, 30), "met", met_on=date(2024, 1, 20))  # 2024
    d.deadline(case, "annual_review.2", date(2025, 1, 19), "missed", met_on=date(2025, 2, 3))
    d.deadline(case, "annual_review.3", date(2026, 2, 2), "pending")
    other = d.case(date(2022, 1, 3), "final")
    d.deadline(other, "annual_review", date(2025, 6, 30), "met", met_on=date(2025, 6, 30))
    d.deadline(other, "annual_review.2", date(2025, 10, 1), "disapplied", met_on=date(2025, 11, 1),
               exception="coronavirus")
    doc = report(db_url)["annual_reviews"]
    # 2025: annual_review.2 missed, other's first met -> 1/2 = 50%; one disapplied apart
    assert {k: doc[k] for k in ("decisions", "within", "late", "rate", "exceptions")} == \
        {"decisions": 2, "within": 1, "late": 1, "rate": 50.0, "exceptions": 1}
    assert doc["completed_by"] == "decision"


def test_default_day_count_comes_from_the_rule_book_policy(db_url):
    from ehcp.rules import DEFAULT_POLICY

    assert report(db_url)["day_count"] == DEFAULT_POLICY.sen2_day_count == 140
