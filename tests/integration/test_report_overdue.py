"""The overdue report on SQLite and PostgreSQL: who is late, grouped, oldest first, advisory apart."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ehcp.reports.overdue import overdue_report
from ehcp.store.db import engine_for
from tests.unit.reports.builder import Data

AS_OF = date(2025, 12, 1)


def doc(url: str, **kw):
    with engine_for(url).connect() as conn:
        return overdue_report(conn, as_of=AS_OF, **kw).document


@pytest.fixture
def late(db_url):
    """As of 2025-12-01:
    C1 alice/North, assessment: assessment_decision due 11-01 (30 days over); final_plan due 2026-01-20
    C2 bob/South, request: assessment_decision due 11-30 (1 day over); no_plan_notice due 12-01 (today)
    C3 unassigned, assessment: advice.psychological from EP Service due 10-15 (47 days over)
    C4 alice: final_plan disapplied due 09-01; assessment_decision met - neither is overdue
    C5 bob: school_consultation (advisory) due 11-20 (11 days over)
    """
    d = Data(db_url)
    north, south = d.team("North"), d.team("South")
    alice, bob = d.user("alice", north), d.user("bob", south)
    ep = d.partner("EP Service")
    c1 = d.case(date(2025, 9, 20), "assessment", alice)
    d.deadline(c1, "assessment_decision", date(2025, 11, 1))
    d.deadline(c1, "final_plan", date(2026, 1, 20))
    c2 = d.case(date(2025, 10, 19), "request", bob)
    d.deadline(c2, "assessment_decision", date(2025, 11, 30))
    d.deadline(c2, "no_plan_notice", date(2025, 12, 1))
    c3 = d.case(date(2025, 6, 1), "assessment")
    advice = d.advice(c3, "psychological", ep, date(2025, 9, 3))
    d.deadline(c3, "advice.psychological", date(2025, 10, 15), advice_request_id=advice)
    c4 = d.case(date(2025, 4, 14), "assessment", alice)
    d.deadline(c4, "final_plan", date(2025, 9, 1), "disapplied", exception="school_closure")
    d.deadline(c4, "assessment_decision", date(2025, 5, 26), "met", met_on=date(2025, 5, 1))
    c5 = d.case(date(2025, 6, 1), "draft", bob)
    d.deadline(c5, "school_consultation", date(2025, 11, 20), advisory=True)
    return db_url


def test_lists_statutory_overdue_oldest_first_and_advisory_apart(late):
    r = doc(late)
    assert r["total_overdue"] == 3 and r["advisory_overdue"] == 1
    assert [(d["key"], d["days_overdue"]) for d in r["deadlines"]] == [
        ("advice.psychological", 47), ("assessment_decision", 30), ("school_consultation", 11),
        ("assessment_decision", 1)]
    assert [d["advisory"] for d in r["deadlines"]] == [False, False, True, False]
    assert {d["status"] for d in r["deadlines"]} == {"overdue"}
    assert set(r) >= {"deadlines", "groups", "as_of", "by", "total_overdue"}


def test_due_today_is_not_overdue_but_due_within_lists_it(late):
    r = doc(late, due_within=7)
    # C2's no_plan_notice due 12-01 is a decision point (reg 10(1)), listed apart, never due soon/overdue
    assert [d["status"] for d in r["deadlines"] if d["status"] == "due_soon"] == []
    assert [(m["key"], m["status"], m["days_overdue"]) for m in r["milestones"]] == [("no_plan_notice", "due_soon", 0)]
    assert r["total_overdue"] == 3 and r["total_due_soon"] == 0
    # within 60 days the final_plan due 2026-01-20 (50 days away) joins
    assert doc(late, due_within=60)["total_due_soon"] == 1


def test_a_passed_16_week_date_is_a_milestone_not_overdue(db_url):
    """reg 10(1) binds only once the LA decides not to issue: day 113 on a case heading for a plan."""
    d = Data(db_url)
    case = d.case(date(2025, 8, 11), "assessment")
    d.deadline(case, "no_plan_notice", date(2025, 12, 1) - timedelta(days=1))  # passed yesterday
    r = doc(db_url, by="stage")
    assert r["total_overdue"] == 0 and r["groups"] == [] and r["deadlines"] == []
    assert [(m["key"], m["status"]) for m in r["milestones"]] == [("no_plan_notice", "milestone")]
    assert r["milestones_passed"] == 1


@pytest.mark.parametrize("by, expected", [
    # group -> (statutory overdue, oldest due)
    ("stage", {"assessment": (2, date(2025, 10, 15)), "request": (1, date(2025, 11, 30))}),
    ("caseworker", {"(unassigned)": (1, date(2025, 10, 15)), "alice": (1, date(2025, 11, 1)),
                    "bob": (1, date(2025, 11, 30))}),
    ("team", {"(no team)": (1, date(2025, 10, 15)), "North": (1, date(2025, 11, 1)),
              "South": (1, date(2025, 11, 30))}),
    ("partner", {"EP Service": (1, date(2025, 10, 15)), "(LA)": (2, date(2025, 11, 1))}),
    ("rule", {"R-ADVICE-RESPOND": (1, date(2025, 10, 15)), "R-ASSESS-DECISION": (2, date(2025, 11, 1))}),
])
def test_groups_count_and_oldest_due(late, by, expected):
    r = doc(late, by=by)
    statutory = [g for g in r["groups"] if not g["advisory"]]
    assert {g["group"]: (g["overdue"], g["oldest_due"]) for g in statutory} == expected
    assert [g["oldest_due"] for g in statutory] == sorted(g["oldest_due"] for g in statutory)
    advisory = [g for g in r["groups"] if g["advisory"]]
    assert len(advisory) == 1 and advisory[0]["overdue"] == 1  # the school consultation, listed after


def test_rows_carry_caseworker_team_partner(late):
    first = doc(late, by="partner")["deadlines"][0]
    assert (first["partner"], first["caseworker"], first["team"], first["group"]) == \
        ("EP Service", "(unassigned)", None, "EP Service")
    assert first["citation"] == "citation for R-ADVICE-RESPOND"


def test_unknown_grouping_refused(late):
    with pytest.raises(ValueError, match="unknown grouping"):
        doc(late, by="colour")


def test_workbook_has_one_sheet_per_group(late):
    with engine_for(late).connect() as conn:
        report = overdue_report(conn, as_of=AS_OF, by="stage")
    names = [t.name for t in report.workbook_sheets()]
    # Summary, then the groups oldest first: assessment (10-15), draft (advisory, 11-20), request (11-30)
    assert names == ["Summary", "assessment", "draft", "request"]
