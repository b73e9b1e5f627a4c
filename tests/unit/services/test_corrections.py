"""Voiding an event recorded in error (issue 15): it stops counting, the stage and deadlines
recompute, and a void is refused while later events depend on it."""

from __future__ import annotations

from datetime import date

import pytest

from ehcp.domain import compute_deadlines, current_stage
from ehcp.services.cases import ChildDetails, advance_case, open_case
from ehcp.services.corrections import void_event
from ehcp.services.errors import Refused
from tests.unit.domain.builder import CAL
from tests.unit.services.fakes import context

TODAY = date(2025, 7, 1)


def opened():
    ctx = context(TODAY)
    ref = open_case(ctx, ChildDetails("Alex", "Example", date(2016, 5, 4)), received=date(2025, 3, 3)).reference
    return ctx, ref


def event_id(ctx, ref: str, kind: str) -> int:
    case_id = ctx.fake.cases.get(ref).id
    return next(i for i, e in ctx.fake.events.logged(case_id) if e.kind == kind)


def test_a_voided_decision_stops_counting_and_the_case_and_its_clock_go_back():
    ctx, ref = opened()
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1))
    result = void_event(ctx, ref, event_id(ctx, ref, "assessment_agreed"), reason="wrong case")
    assert (result.from_stage, result.stage, result.recorded) == ("assessment", "request", ["event_voided"])
    case = ctx.fake.cases.get(ref)
    assert case.stage == "request"
    history = ctx.fake.events.history(case.id)
    assert current_stage(history).value == "request"
    decision = next(d for d in compute_deadlines(history, calendar=CAL, today=TODAY)
                    if d.key == "assessment_decision")
    assert decision.state == "pending"
    assert (ctx.fake.audit.entries[-1].action, ctx.fake.audit.entries[-1].reason) == ("event_voided", "wrong case")
    with pytest.raises(Refused, match=r"no event \d+ that counts"):  # voided once is enough
        void_event(ctx, ref, event_id(ctx, ref, "assessment_agreed"), reason="again")


def test_a_void_is_refused_while_later_events_depend_on_it_and_names_them():
    ctx, ref = opened()
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1))
    advance_case(ctx, ref, to="draft", on=date(2025, 5, 1))
    draft = event_id(ctx, ref, "draft_plan_sent")
    with pytest.raises(Refused, match=f"later events depend on it: event {draft} \\(draft_plan_sent on 2025-05-01\\)"):
        void_event(ctx, ref, event_id(ctx, ref, "assessment_agreed"), reason="wrong case")
    with pytest.raises(Refused, match="opened the case"):
        void_event(ctx, ref, event_id(ctx, ref, "request_received"), reason="wrong case")
    assert ctx.fake.cases.get(ref).stage == "draft"
    void_event(ctx, ref, draft, reason="draft sent on the wrong case")
    assert ctx.fake.cases.get(ref).stage == "assessment"
