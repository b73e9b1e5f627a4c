"""Breach forecast and caseload on SQLite and PostgreSQL, against hand-computed data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ehcp.reports.caseload import caseload_report
from ehcp.reports.forecast import forecast_report
from ehcp.store.db import engine_for
from tests.unit.reports.builder import Data

AS_OF = date(2025, 6, 1)  # horizon with --weeks 8: 2025-07-27


def forecast(url: str, weeks: int = 8):
    with engine_for(url).connect() as conn:
        return forecast_report(conn, as_of=AS_OF, weeks=weeks).document


@pytest.fixture
def open_cases(db_url):
    """Pace without history is the Code of Practice timetable (decide 42, assess 70, after advice 28,
    finalise 28 days); EP Service's observed advice latency is 60/70/80 -> median 70 days.

    F1 draft sent 05-20, due 06-10: max(06-01, 05-20 + 28) = 06-17 -> 7 days late (stage)
    F2 draft sent 05-30, due 07-20: 06-27 -> on time
    F3 assessment agreed 04-01, due 07-21, EP advice with the body since 05-01 -> expected 05-01 + 70 =
       07-10; 07-10 + 28 + 28 = 09-04 (the stage alone: max(06-01, 04-01 + 70) + 28 = 07-08)
       -> 45 days late (advice)
    F4 request received 02-17, due 07-07: max(06-01, 02-17 + 42) + 70 + 28 = 09-07 -> 62 days late (stage)
    F5 request received 04-01, due 08-19: beyond the 8-week horizon
    F6 final_plan disapplied (exception), due 06-20: no 20-week limit to breach
    F7 assessment agreed 03-10, due 06-30, no advice outstanding: max(06-01, 05-19) + 28 = 06-29 -> on time
    """
    d = Data(db_url)
    casey = d.user("casey")
    ep = d.partner("EP Service")
    for latency in (60, 70, 80):
        old = d.case(date(2024, 11, 1), "final")
        d.advice(old, "psychological", ep, date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 1) + timedelta(latency))
    f1 = d.case(date(2025, 1, 21), "draft", casey, events=(("draft_plan_sent", date(2025, 5, 20)),))
    d.deadline(f1, "final_plan", date(2025, 6, 10))
    f2 = d.case(date(2025, 3, 2), "draft", casey, events=(("draft_plan_sent", date(2025, 5, 30)),))
    d.deadline(f2, "final_plan", date(2025, 7, 20))
    f3 = d.case(date(2025, 3, 3), "assessment", casey, events=(("assessment_agreed", date(2025, 4, 1)),))
    d.deadline(f3, "final_plan", date(2025, 7, 21))
    d.advice(f3, "psychological", ep, date(2025, 4, 30), date(2025, 5, 1))
    d.advice(f3, "medical", None, date(2025, 4, 2), date(2025, 4, 2), date(2025, 5, 1))  # already in
    f4 = d.case(date(2025, 2, 17), "request")
    d.deadline(f4, "final_plan", date(2025, 7, 7))
    f5 = d.case(date(2025, 4, 1), "request")
    d.deadline(f5, "final_plan", date(2025, 8, 19))
    f6 = d.case(date(2025, 2, 3), "assessment")
    d.deadline(f6, "final_plan", date(2025, 6, 20), "disapplied", exception="personal_circumstances")
    f7 = d.case(date(2025, 2, 10), "assessment", events=(("assessment_agreed", date(2025, 3, 10)),))
    d.deadline(f7, "final_plan", date(2025, 6, 30))
    return db_url


def test_forecast_finds_the_cases_that_will_breach(open_cases):
    doc = forecast(open_cases)
    got = [(c["reference"][-2:], c["stage"], c["estimated_issue"], c["days_late"], c["driver"]) for c in doc["cases"]]
    # references are numbered in insertion order: three history cases first, so F1 = 04, F3 = 06, F4 = 07
    assert got == [("04", "draft", date(2025, 6, 17), 7, "stage"),
                   ("07", "request", date(2025, 9, 7), 62, "stage"),
                   ("06", "assessment", date(2025, 9, 4), 45, "advice")]
    f3 = doc["cases"][2]
    assert (f3["outstanding_advice"], f3["expected_advice"], f3["due"]) == (1, date(2025, 7, 10), date(2025, 7, 21))
    assert doc["total"] == 3 and doc["horizon"] == date(2025, 7, 27)
    assert doc["pace"]["finalise"] == {"days": 28, "observations": 0, "source": "Code of Practice"}


def test_forecast_uses_observed_pace(open_cases):
    d = Data(open_cases)
    for gap in (10, 20, 30):  # three plans finalised 10, 20, 30 days after the draft: median 20
        d.case(date(2024, 10, 1), "final", events=(("draft_plan_sent", date(2025, 3, 1)),
                                                   ("final_plan_issued", date(2025, 3, 1) + timedelta(gap))))
    doc = forecast(open_cases)
    assert doc["pace"]["finalise"] == {"days": 20, "observations": 3, "source": "observed"}
    # F1: max(06-01, 05-20 + 20 = 06-09) = 06-09, not after 06-10: no longer forecast to breach
    assert [c["estimated_issue"] for c in doc["cases"]] == [date(2025, 8, 30), date(2025, 8, 27)]


def test_shorter_horizon(open_cases):
    # 2 weeks: due by 06-15 -> only F1
    assert [c["due"] for c in forecast(open_cases, weeks=2)["cases"]] == [date(2025, 6, 10)]


def test_caseload_per_caseworker_and_stage(db_url):
    d = Data(db_url)
    north, south = d.team("North"), d.team("South")
    alice, bob = d.user("alice", north), d.user("bob", south)
    for stage in ("request", "request", "assessment", "final"):
        case = d.case(date(2025, 3, 3), stage, alice)
    late = d.case(date(2025, 3, 3), "assessment", alice)
    d.deadline(late, "assessment_decision", date(2025, 4, 14))
    d.deadline(late, "final_plan", date(2025, 5, 1))  # two overdue deadlines, one case
    for stage in ("draft", "review", "ceased"):
        case = d.case(date(2025, 3, 3), stage, bob)
    d.deadline(case - 0, "school_consultation", date(2025, 4, 1), advisory=True)
    d.case(date(2025, 3, 3), "request")
    d.case(date(2025, 3, 3), "withdrawn")
    with engine_for(db_url).connect() as conn:
        doc = caseload_report(conn, as_of=AS_OF).document
    rows = {r["caseworker"]: r for r in doc["caseworkers"]}
    assert list(rows) == ["alice", "bob", "(unassigned)"]  # most cases first
    # alice: request 2, assessment 2, final 1 = 5; one case with overdue statutory deadlines
    assert {k: rows["alice"][k] for k in ("request", "assessment", "draft", "final", "review", "total",
                                          "with_overdue", "team")} == {
        "request": 2, "assessment": 2, "draft": 0, "final": 1, "review": 0, "total": 5, "with_overdue": 1,
        "team": "North"}
    # bob: draft 1, review 1 (ceased is closed); an advisory clock overdue does not count
    bob = rows["bob"]
    assert (bob["draft"], bob["review"], bob["total"], bob["with_overdue"]) == (1, 1, 2, 0)
    assert rows["(unassigned)"]["total"] == 1  # withdrawn is closed
    assert doc["totals"]["total"] == 8 and doc["stages"] == ["request", "assessment", "draft", "final", "review"]
