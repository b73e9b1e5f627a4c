"""Case services on both databases: one transaction per command, audit per change, refusals write nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from ehcp.services.advice import receive_advice, request_advice
from ehcp.services.cases import ChildDetails, advance_case, open_case, record_exception
from ehcp.services.errors import Conflict, Refused, UnknownCase
from ehcp.services.partners import add_partner
from ehcp.services.views import show_case
from ehcp.store.models import AuditRecord, CaseEvent, Deadline

ALEX = ChildDetails("Alex", "Example", date(2016, 5, 4))


def counts(ctx) -> tuple[int, int, int]:
    with ctx.uow(write=False) as uow:
        s = uow.session
        return (s.scalar(select(func.count(CaseEvent.id))), s.scalar(select(func.count(Deadline.id))),
                s.scalar(select(func.count(AuditRecord.id))))


def deadlines(ctx, ref) -> dict[str, dict]:
    return {d["key"]: d for d in show_case(ctx.settings, ref)["deadlines"]}


def test_new_case_has_headline_clocks_G01(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-01-10")
    ref = open_case(ctx, ALEX, received=date(2025, 1, 6)).reference
    assert ref == "EHC-2025-00001"
    d = deadlines(ctx, ref)
    assert d["assessment_decision"]["due"] == date(2025, 2, 17)
    assert d["no_plan_notice"]["due"] == date(2025, 4, 28)
    assert d["final_plan"]["due"] == date(2025, 5, 26)
    assert d["final_plan"]["practical_last_working_day"] == date(2025, 5, 23)
    assert d["final_plan"]["citation"].startswith("SEND Regulations 2014 reg 13")
    assert d["assessment_decision"]["status"] == "open"


def test_references_count_up_per_year(db_url, make_ctx):
    ctx = make_ctx(db_url)
    a = open_case(ctx, ALEX, received=date(2025, 3, 3)).reference
    b = open_case(ctx, ChildDetails("Sam", "Sample", date(2015, 1, 1)), received=date(2025, 3, 4)).reference
    assert (a, b) == ("EHC-2025-00001", "EHC-2025-00002")


def test_duplicate_child_refused_unless_forced(db_url, make_ctx):
    ctx = make_ctx(db_url)
    open_case(ctx, ALEX, received=date(2025, 3, 3))
    before = counts(ctx)
    with pytest.raises(Conflict, match="already has case"):
        open_case(ctx, ALEX, received=date(2025, 6, 3))
    assert counts(ctx) == before
    assert open_case(ctx, ALEX, received=date(2025, 6, 3), force=True).reference == "EHC-2025-00002"


def test_whole_case_request_to_final_records_one_audit_per_change(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-12-01")
    ref = open_case(ctx, ALEX, received=date(2025, 3, 3)).reference
    add_partner(ctx, "EP Service", email="ep@example.org", kinds=["psychological"])
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 10))
    request_advice(ctx, ref, kind="psychological", partner="EP Service", on=date(2025, 4, 14))
    receive_advice(ctx, ref, kind="psychological", on=date(2025, 5, 20))
    advance_case(ctx, ref, to="draft", on=date(2025, 6, 2))
    advance_case(ctx, ref, to="final", on=date(2025, 7, 1))
    d = deadlines(ctx, ref)
    assert d["assessment_decision"]["status"] == "met"
    assert d["advice.psychological"]["due"] == date(2025, 5, 26)
    assert d["advice.psychological"]["status"] == "met"
    assert d["final_plan"]["status"] == "met" and d["final_plan"]["met_on"] == date(2025, 7, 1)
    assert "annual_review" in d
    events, _, audits = counts(ctx)
    # 6 case events; audits: user registered + partner + 6 events
    assert events == 6
    assert audits == 8


def test_final_inside_representation_window_refused_and_nothing_written(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-12-01")
    ref = open_case(ctx, ALEX, received=date(2025, 3, 3)).reference
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 10))
    advance_case(ctx, ref, to="draft", on=date(2025, 6, 2))
    before = counts(ctx)
    with pytest.raises(Refused, match="2025-06-16"):
        advance_case(ctx, ref, to="final", on=date(2025, 6, 10))
    assert counts(ctx) == before


@pytest.mark.parametrize("bad", [
    dict(to="final", on=date(2025, 4, 1)),       # skips assessment and draft
    dict(to="nonsense", on=date(2025, 4, 1)),    # unknown stage
    dict(to="assessment", on=date(2025, 3, 1)),  # before the request was received
    dict(to="assessment", on=date(2026, 1, 1)),  # in the future
])
def test_illegal_moves_refused(db_url, make_ctx, bad):
    ctx = make_ctx(db_url, today="2025-12-01")
    ref = open_case(ctx, ALEX, received=date(2025, 3, 3)).reference
    before = counts(ctx)
    with pytest.raises(Refused):
        advance_case(ctx, ref, **bad)
    assert counts(ctx) == before


def test_unknown_case_suggests_near_reference(db_url, make_ctx):
    ctx = make_ctx(db_url)
    open_case(ctx, ALEX, received=date(2025, 3, 3))
    with pytest.raises(UnknownCase, match="EHC-2025-00001"):
        advance_case(ctx, "EHC-2025-0001", to="assessment", on=date(2025, 4, 1))


def test_absence_exception_disapplies_final_plan_only_G19(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2026-05-20")
    ref = open_case(ctx, ALEX, received=date(2026, 2, 2)).reference
    record_exception(ctx, ref, reason="absence_from_area", start=date(2026, 4, 1), until=date(2026, 5, 10))
    d = deadlines(ctx, ref)
    assert d["final_plan"]["status"] == "disapplied"
    assert d["final_plan"]["due"] == date(2026, 6, 22)
    assert d["final_plan"]["exception"] == "absence_from_area"
    assert d["assessment_decision"]["status"] == "overdue"
    assert d["assessment_decision"]["exception"] is None


def test_missed_appointment_disapplies_advice_clock_G11(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2026-04-20")
    ref = open_case(ctx, ALEX, received=date(2026, 1, 12)).reference
    add_partner(ctx, "Paediatrics", email="p@example.org")
    advance_case(ctx, ref, to="assessment", on=date(2026, 2, 20))
    request_advice(ctx, ref, kind="medical", partner="Paediatrics", on=date(2026, 3, 2))
    record_exception(ctx, ref, reason="missed_appointment", start=date(2026, 3, 20))
    d = deadlines(ctx, ref)
    assert d["advice.medical"]["status"] == "disapplied"
    assert d["advice.medical"]["due"] == date(2026, 4, 13)
    assert d["final_plan"]["status"] != "disapplied"


def test_audit_chain_verifies(db_url, make_ctx):
    from ehcp.store import audit

    ctx = make_ctx(db_url)
    ref = open_case(ctx, ALEX, received=date(2025, 3, 3)).reference
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 10))
    with ctx.uow(write=False) as uow:
        report = audit.verify(uow.session)
    assert report.ok and report.records == 3


def test_posted_advice_request_runs_from_deemed_receipt(db_url, make_ctx):
    from ehcp.services.views import show_case

    ctx = make_ctx(db_url, today="2025-06-05")
    ref = open_case(ctx, ALEX, received=date(2025, 4, 1)).reference
    add_partner(ctx, "EP Service", email="ep@example.org")
    advance_case(ctx, ref, to="assessment", on=date(2025, 5, 12))
    request_advice(ctx, ref, kind="psychological", partner="EP Service", on=date(2025, 5, 29),
                   channel="first_class_post")
    view = show_case(ctx.settings, ref)
    # posted Thu 29 May 2025, first class: deemed served on the 2nd working day, Mon 2 June
    assert view["advice"][0]["received_by_body_on"] == date(2025, 6, 2)
    due = {d["key"]: d["due"] for d in view["deadlines"]}["advice.psychological"]
    assert due == date(2025, 7, 14)  # 2 June + 42 days (reg 8(1))


def test_representation_window_that_has_run_is_met_not_overdue(db_url, make_ctx):
    ctx = make_ctx(db_url, today="2025-06-10")
    ref = open_case(ctx, ALEX, received=date(2025, 3, 3)).reference
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 10))
    advance_case(ctx, ref, to="draft", on=date(2025, 6, 2))
    assert deadlines(ctx, ref)["draft_representations"]["status"] == "due_soon"
    later = make_ctx(db_url, today="2025-06-20")  # window ran to 2025-06-16 (G12)
    assert deadlines(later, ref)["draft_representations"]["status"] == "met"


def test_expired_representation_window_is_not_reported_overdue(db_url, make_ctx):
    from ehcp.reports.overdue import overdue_rows
    from ehcp.services.views import list_cases, read_connection

    ctx = make_ctx(db_url, today="2025-06-20")
    ref = open_case(ctx, ALEX, received=date(2025, 3, 3)).reference
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 10))
    advance_case(ctx, ref, to="draft", on=date(2025, 6, 2))  # window to 2025-06-16
    with read_connection(ctx.settings) as conn:
        keys = {r["key"] for r in overdue_rows(conn, as_of=date(2025, 6, 20))}
    assert "draft_representations" not in keys
    rows, _ = list_cases(ctx.settings, mine=False)
    assert rows[0]["overdue"] == 0 and rows[0]["next_deadline"] == "final_plan"
