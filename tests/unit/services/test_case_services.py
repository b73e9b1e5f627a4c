"""The case services over a fake unit of work: what each use case writes, refuses and returns,
with no database (the same services run against SQLite and PostgreSQL in tests/integration)."""

from __future__ import annotations

from datetime import date

import pytest

from ehcp.services.advice import cancel_advice, receive_advice, request_advice
from ehcp.services.cases import ChildDetails, advance_case, open_case, record_exception
from ehcp.services.errors import Conflict, NotFound, Refused
from tests.unit.services.fakes import FakeUnitOfWork, context

TODAY = date(2025, 7, 1)
ALEX = ChildDetails("Alex", "Example", date(2016, 5, 4))


def opened(fake: FakeUnitOfWork | None = None, **settings: object):
    ctx = context(TODAY, fake=fake, **settings)
    ref = open_case(ctx, ALEX, received=date(2025, 3, 3)).reference
    return ctx, ref


def case_id(ctx, ref: str) -> int:
    return ctx.fake.cases.get(ref).id


def test_opening_a_case_records_the_request_and_starts_its_clocks():
    ctx, ref = opened()
    fake = ctx.fake
    assert ref == "EHC-2025-00001"
    assert fake.events.kinds(case_id(ctx, ref)) == ["request_received"]
    assert {"assessment_decision", "final_plan"} <= fake.deadlines.keys(case_id(ctx, ref))
    assert fake.audit.actions() == ["user_registered", "case_opened"]
    assert fake.users.get("casey").role == "admin"  # the first login, in open mode
    assert fake.commits == 1


def test_opening_a_second_case_for_the_same_child_is_a_conflict_unless_forced():
    ctx, first = opened()
    with pytest.raises(Conflict, match=f"already has case\\(s\\) {first}"):
        open_case(ctx, ALEX, received=date(2025, 4, 1))
    assert ctx.fake.commits == 1
    again = open_case(ctx, ALEX, received=date(2025, 4, 1), force=True)
    assert again.reference == "EHC-2025-00002"
    assert len(ctx.fake.cases.children) == 1


def test_advancing_a_case_moves_it_once_and_recomputes_its_deadlines():
    ctx, ref = opened()
    moved = advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1))
    assert (moved.reference, moved.from_stage, moved.to_stage, moved.on) == (ref, "request", "assessment",
                                                                             date(2025, 4, 1))
    case = ctx.fake.cases.get(ref)
    assert case.stage == "assessment"
    assert ctx.fake.cases.locked[-1] == ref
    stored = ctx.fake.deadlines.rows[case.id]
    assert stored["assessment_decision"][0].state == "met"
    advanced = ctx.fake.audit.entries[-1]
    assert (advanced.action, advanced.detail["from_stage"], advanced.detail["to_stage"]) == (
        "case_advanced", "request", "assessment")


def test_a_refused_move_carries_its_rule_and_citation_and_writes_nothing():
    ctx, ref = opened()
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1))
    advance_case(ctx, ref, to="draft", on=date(2025, 6, 2), channel="email")
    events_before, commits_before = len(ctx.fake.events.rows), ctx.fake.commits
    with pytest.raises(Refused) as refused:
        advance_case(ctx, ref, to="final", on=date(2025, 6, 5))
    exc = refused.value
    assert str(exc).startswith(f"{ref}: cannot move from draft to final on 2025-06-05: ")
    assert exc.citation == "SEND Regulations 2014 reg 13(1)(a)"
    assert (exc.stage, exc.target) == ("draft", "final")
    assert exc.to_dict()["message"] == str(exc)
    assert len(ctx.fake.events.rows) == events_before
    assert ctx.fake.commits == commits_before
    assert ctx.fake.cases.get(ref).stage == "draft"


def test_a_move_the_law_does_not_have_is_refused_with_stage_and_target():
    ctx, ref = opened()
    with pytest.raises(Refused) as refused:
        advance_case(ctx, ref, to="final", on=date(2025, 4, 2))
    assert (refused.value.stage, refused.value.target) == ("request", "final")


def test_an_expected_version_that_is_stale_is_a_conflict():
    ctx, ref = opened()
    version = ctx.fake.cases.get(ref).version
    with pytest.raises(Conflict, match="please re-check"):
        advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1), expected_version=version - 1)
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1), expected_version=version)


def test_recording_an_exception_disapplies_the_clocks_it_applies_to():
    ctx, ref = opened()
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1))
    assert record_exception(ctx, ref, reason="absence_from_area", start=date(2025, 4, 10),
                            until=date(2025, 5, 20), note="family abroad (synthetic)").reference == ref
    assert ctx.fake.events.kinds(case_id(ctx, ref))[-1] == "exception_recorded"
    entry = ctx.fake.audit.entries[-1]
    assert (entry.action, entry.reason) == ("exception_recorded", "family abroad (synthetic)")


def test_a_school_closure_without_an_end_takes_it_from_the_imported_calendar():
    fake = FakeUnitOfWork(closures=[(date(2025, 4, 7), date(2025, 4, 22))])
    ctx, ref = opened(fake)
    record_exception(ctx, ref, reason="school_closure", start=date(2025, 4, 10))
    exception = ctx.fake.events.history(case_id(ctx, ref))[-1]
    assert (exception.on, exception.until) == (date(2025, 4, 7), date(2025, 4, 22))


def test_an_exception_needs_a_senior_role_once_permissions_are_enforced():
    ctx, ref = opened(enforce_permissions=True)
    ctx.fake.users.get("casey").role = "caseworker"
    with pytest.raises(Refused, match="permission 'record_exception' needs role manager or admin"):
        record_exception(ctx, ref, reason="absence_from_area", start=date(2025, 4, 10), until=date(2025, 5, 1))


def test_requesting_advice_writes_the_request_and_its_six_week_clock():
    fake = FakeUnitOfWork(partners=["EP Service (synthetic)"])
    ctx, ref = opened(fake)
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1))
    request_id = request_advice(ctx, ref, kind="psychological", partner="EP Service (synthetic)",
                                on=date(2025, 4, 2), channel="second_class_post")
    row = fake.advice.rows[0]
    assert (row.id, row.case_id, row.kind, row.partner_id) == (request_id, case_id(ctx, ref), "psychological", 1)
    assert row.received_by_body_on > row.requested_on  # deemed served after second-class post
    event = fake.events.history(case_id(ctx, ref))[-1]
    assert (event.kind, event.request_id) == ("advice_requested", request_id)
    assert fake.deadlines.rows[case_id(ctx, ref)]["advice.psychological"][1] == request_id
    assert receive_advice(ctx, ref, kind="psychological", on=date(2025, 5, 1)) == request_id
    assert row.received_on == date(2025, 5, 1)


def test_advice_from_an_unknown_partner_is_refused_before_anything_is_written():
    ctx, ref = opened(FakeUnitOfWork(partners=["EP Service (synthetic)"]))
    with pytest.raises(NotFound, match="did you mean EP Service"):
        request_advice(ctx, ref, kind="psychological", partner="EP Servise (synthetic)", on=date(2025, 4, 2))
    assert ctx.fake.advice.rows == []


def test_a_date_in_the_future_is_refused():
    ctx, ref = opened()
    with pytest.raises(Refused, match="is in the future"):
        advance_case(ctx, ref, to="assessment", on=date(2025, 7, 2))


def two_open_psychology_requests():
    fake = FakeUnitOfWork(partners=["EP Service (synthetic)", "EP Locum (synthetic)"])
    ctx, ref = opened(fake)
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1))
    first = request_advice(ctx, ref, kind="psychological", partner="EP Service (synthetic)", on=date(2025, 4, 2))
    second = request_advice(ctx, ref, kind="psychological", partner="EP Locum (synthetic)", on=date(2025, 4, 3))
    return ctx, ref, first, second


def test_advice_received_refuses_to_guess_between_two_open_requests_and_names_them():
    ctx, ref, first, second = two_open_psychology_requests()
    with pytest.raises(Refused, match=f"request {first} \\(EP Service.*request {second} \\(EP Locum.*"
                                      "--partner or --request-id"):
        receive_advice(ctx, ref, kind="psychological", on=date(2025, 5, 1))
    assert receive_advice(ctx, ref, kind="psychological", on=date(2025, 5, 1),
                          partner="EP Locum (synthetic)") == second
    assert ctx.fake.advice.rows[0].received_on is None
    assert receive_advice(ctx, ref, kind="psychological", on=date(2025, 5, 2), request_id=first) == first


def test_cancelling_an_advice_request_made_in_error_drops_its_clock_and_audits_the_reason():
    ctx, ref, first, second = two_open_psychology_requests()
    with pytest.raises(Refused, match="2 open psychological advice requests"):
        cancel_advice(ctx, ref, kind="psychological", reason="asked twice")
    result = cancel_advice(ctx, ref, kind="psychological", reason="asked the locum by mistake", request_id=second)
    assert result.recorded == ["advice_cancelled"]
    assert result.dropped == ["advice.psychological.2"]
    assert ctx.fake.advice.rows[1].cancelled_on == TODAY
    clocks = ctx.fake.deadlines.rows[case_id(ctx, ref)]
    assert [v[1] for k, v in clocks.items() if k.startswith("advice.")] == [first]
    audit = ctx.fake.audit.entries[-1]
    assert (audit.action, audit.reason) == ("advice_cancelled", "asked the locum by mistake")
    # the one request left is answered without naming it; the cancelled one cannot be answered
    assert receive_advice(ctx, ref, kind="psychological", on=date(2025, 5, 1)) == first
    with pytest.raises(Refused, match="no open psychological advice request with id"):
        receive_advice(ctx, ref, kind="psychological", on=date(2025, 5, 1), request_id=second)
