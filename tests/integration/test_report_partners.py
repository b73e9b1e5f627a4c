"""The advice league table on SQLite and PostgreSQL, against a hand-computed data set."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ehcp.reports.partners import league_rows
from ehcp.reports.result import Period
from ehcp.store.db import engine_for
from tests.unit.reports.builder import Data

AS_OF = date(2025, 12, 1)


def rows(url: str, period: Period | None = None) -> dict[tuple[str, str], dict]:
    with engine_for(url).connect() as conn:
        return {(r["partner"], r["kind"]): r for r in league_rows(conn, as_of=AS_OF, period=period)}


@pytest.fixture
def advice(db_url):
    """EP Service, psychological, requested 2025: days to receive 30, 42, 43, 60 and one still open and
    overdue; one more requested in 2024 (10 days). Paediatrics, medical: 5, 10, ..., 50 days (ten) and
    one open, not yet due. A parent's advice (no partner): 5 days."""
    d = Data(db_url)
    ep, paeds = d.partner("EP Service"), d.partner("Paediatrics")
    case = d.case(date(2025, 1, 6), "assessment")
    body = date(2025, 3, 3)

    def req(partner, kind, received_after, requested=body):
        received = requested + timedelta(days=received_after) if received_after is not None else None
        return d.advice(case, kind, partner, requested, requested, received)

    ids = {n: req(ep, "psychological", n) for n in (30, 42, 43, 60)}
    open_ep = req(ep, "psychological", None)
    d.deadline(case, "advice.psychological", date(2025, 4, 14), advice_request_id=open_ep)  # overdue
    req(ep, "psychological", 10, requested=date(2024, 6, 3))
    for n in range(5, 55, 5):
        req(paeds, "medical", n)
    open_med = req(paeds, "medical", None, requested=date(2025, 11, 24))
    d.deadline(case, "advice.medical", date(2026, 1, 5), advice_request_id=open_med)  # not yet due
    req(None, "parent", 5)
    # chasing: the 60-day request reached 3 rungs, the open one 4; a failed send does not count
    for rung in ("courtesy", "due_today", "overdue"):
        d.reminder(ids[60], rung)
    for rung in ("courtesy", "due_today", "overdue", "escalation"):
        d.reminder(open_ep, rung)
    d.reminder(ids[43], "courtesy", status="failed")
    return db_url


def test_ep_service_figures(advice):
    ep = rows(advice, Period.year(2025))[("EP Service", "psychological")]
    # 5 requests in 2025, 4 received; within 42 days: 30, 42 -> 2
    assert (ep["requests"], ep["received"], ep["within_6_weeks"]) == (5, 4, 2)
    # median of 30, 42, 43, 60 = (42 + 43) / 2 = 42.5; 90th (nearest rank ceil(0.9 * 4) = 4th) = 60
    assert (ep["median_days"], ep["p90_days"]) == (42.5, 60)
    # overdue 1; on time 2 / (4 received + 1 overdue) = 40%
    assert (ep["overdue"], ep["on_time_rate"]) == (1, 40.0)
    # chased: 2 requests; 3 + 4 = 7 sent; most rungs on one request = 4
    assert (ep["chased"], ep["chases_sent"], ep["rungs_reached"]) == (2, 7, 4)
    # whole numbers on both databases (PostgreSQL's SUM of a COUNT is numeric: it printed "7.0")
    assert {type(ep[c]) for c in ("requests", "chased", "chases_sent", "rungs_reached", "overdue")} == {int}


def test_paediatrics_percentiles_and_no_chasing(advice):
    med = rows(advice, Period.year(2025))[("Paediatrics", "medical")]
    # 10 received: 5..50; median (25 + 30) / 2 = 27.5; 90th = 9th of 10 = 45; within 42: 5..40 = 8
    assert (med["requests"], med["received"], med["median_days"], med["p90_days"]) == (11, 10, 27.5, 45)
    assert (med["within_6_weeks"], med["overdue"], med["on_time_rate"]) == (8, 0, 80.0)  # 8 / (10 + 0)
    assert (med["chased"], med["chases_sent"], med["rungs_reached"]) == (0, 0, 0)


def test_parent_advice_has_no_partner(advice):
    parent = rows(advice)[("(no partner)", "parent")]
    assert (parent["requests"], parent["median_days"], parent["p90_days"]) == (1, 5, 5)


def test_period_filters_on_request_date(advice):
    all_time = rows(advice)[("EP Service", "psychological")]
    # all time adds the 2024 request (10 days): 30, 42, 43, 60, 10 -> sorted 10, 30, 42, 43, 60: median 42
    assert (all_time["requests"], all_time["received"], all_time["median_days"]) == (6, 5, 42)
    assert rows(advice, Period.year(2024))[("EP Service", "psychological")]["requests"] == 1
    assert list(rows(advice, Period.year(2023))) == []


def test_ordered_by_partner_then_kind(advice):
    assert list(rows(advice)) == [("(no partner)", "parent"), ("EP Service", "psychological"),
                                  ("Paediatrics", "medical")]
