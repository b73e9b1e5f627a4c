"""Reports over data recorded through the real services and domain engine (not hand-inserted rows),
so the report SQL and the deadline engine agree on what the derived table holds."""

from __future__ import annotations

from datetime import date

import pytest

from ehcp.reports.overdue import overdue_report
from ehcp.reports.result import Period
from ehcp.reports.timeliness import timeliness_report
from ehcp.store.db import engine_for


@pytest.fixture
def recorded(db_url, make_ctx):
    from ehcp.services.cases import ChildDetails, advance_case, open_case, record_exception

    ctx = make_ctx(db_url, today="2025-12-01")

    def plan(name: str, received: date, decided: date, drafted: date, issued: date) -> str:
        ref = open_case(ctx, ChildDetails(name, "Example", date(2016, 5, 4)), received=received).reference
        advance_case(ctx, ref, to="assessment", on=decided)
        if name == "Cal":  # 6 weeks' absence inside the 20 weeks: reg 10(4)(d) disapplies the limit
            record_exception(ctx, ref, reason="absence_from_area", start=date(2025, 3, 1), until=date(2025, 4, 15))
        advance_case(ctx, ref, to="draft", on=drafted)
        advance_case(ctx, ref, to="final", on=issued)
        return ref

    plan("Ana", date(2025, 1, 6), date(2025, 2, 10), date(2025, 5, 1), date(2025, 5, 26))  # day 140
    plan("Ben", date(2025, 1, 6), date(2025, 2, 10), date(2025, 5, 1), date(2025, 5, 27))  # day 141
    plan("Cal", date(2025, 2, 3), date(2025, 3, 10), date(2025, 6, 2), date(2025, 7, 1))  # day 148, exception
    open_case(ctx, ChildDetails("Dee", "Example", date(2015, 1, 1)), received=date(2025, 9, 1))  # no decision yet
    return db_url


def test_timeliness_over_the_domain_engines_deadlines(recorded):
    with engine_for(recorded).connect() as conn:
        doc = timeliness_report(conn, Period.year(2025)).document
    t = doc["twenty_weeks"]
    # including: Ana (140) on time; Ben (141), Cal (148) late -> 1/3 = 33.3%
    assert (t["including"]["issued"], t["including"]["within"], t["including"]["rate"]) == (3, 1, 33.3)
    # excluding: Cal's 20 weeks were disapplied -> Ana of Ana, Ben = 1/2 = 50%
    assert (t["excluding"]["issued"], t["excluding"]["within"], t["excluding"]["rate"]) == (2, 1, 50.0)
    # decisions 35, 35 and 35 days after the request: all within 6 weeks
    adjusted = {"decisions": 3, "within": 3, "late": 0, "rate": 100.0, "exceptions": 0}
    assert doc["six_weeks"] == {**adjusted, "excluding_exceptions": adjusted}


def test_overdue_over_the_domain_engines_deadlines(recorded):
    with engine_for(recorded).connect() as conn:
        doc = overdue_report(conn, as_of=date(2025, 12, 1), by="stage").document
    # Dee: decision due 2025-10-13 overdue; 16 weeks (12-22) and 20 weeks (2026-01-19) not yet due
    assert [(d["key"], d["due"], d["days_overdue"]) for d in doc["deadlines"]] == [
        ("assessment_decision", date(2025, 10, 13), 49)]
    assert doc["groups"] == [{"group": "request", "advisory": False, "overdue": 1, "due_soon": 0,
                              "oldest_due": date(2025, 10, 13)}]
