"""Issue 15: ``case exception`` says which deadlines it disapplied, or why it changed nothing, and
the same circumstance recorded twice (same reason, overlapping dates) is refused."""

from __future__ import annotations

from datetime import date

import pytest

from ehcp.services.cases import ChildDetails, advance_case, open_case, record_exception
from ehcp.services.errors import Refused
from tests.unit.services.fakes import context

TODAY = date(2025, 9, 1)
ALEX = ChildDetails("Alex", "Example", date(2016, 5, 4))


def assessing():
    ctx = context(TODAY)
    ref = open_case(ctx, ALEX, received=date(2025, 3, 3)).reference
    advance_case(ctx, ref, to="assessment", on=date(2025, 4, 1))
    return ctx, ref


def test_an_exception_names_the_deadlines_it_disapplied():
    ctx, ref = assessing()
    done = record_exception(ctx, ref, reason="absence_from_area", start=date(2025, 4, 10), until=date(2025, 5, 20))
    assert "final_plan" in done.details["disapplied"]
    assert all(d.state == "disapplied" for d in done.deadlines if d.key == "final_plan")
    assert done.details["nothing_changed"] is None


def test_a_closure_shorter_than_four_weeks_says_why_it_changed_nothing():
    ctx, ref = assessing()
    done = record_exception(ctx, ref, reason="school_closure", start=date(2025, 4, 7), until=date(2025, 4, 22))
    assert done.details["disapplied"] == [] and done.deadlines == []
    assert done.details["nothing_changed"].startswith("a closure of 15 days is shorter than four weeks")


def test_a_short_absence_says_why_it_changed_nothing():
    ctx, ref = assessing()
    done = record_exception(ctx, ref, reason="absence_from_area", start=date(2025, 4, 10), until=date(2025, 4, 20))
    assert done.details["nothing_changed"].startswith("an absence of 11 days is shorter than four weeks")


def test_overlapping_exceptions_for_the_same_reason_are_refused():
    ctx, ref = assessing()
    record_exception(ctx, ref, reason="personal_circumstances", start=date(2025, 4, 10), until=date(2025, 5, 1))
    with pytest.raises(Refused, match="personal_circumstances exception from 2025-04-10 to 2025-05-01 is already"):
        record_exception(ctx, ref, reason="personal_circumstances", start=date(2025, 4, 20), until=date(2025, 5, 10))
    record_exception(ctx, ref, reason="personal_circumstances", start=date(2025, 6, 1), until=date(2025, 6, 5))
    record_exception(ctx, ref, reason="absence_from_area", start=date(2025, 4, 20), until=date(2025, 5, 30))
