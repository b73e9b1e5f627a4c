"""Property: random sequences of case actions (legal or not) never leave a case in a stage its event
log does not give, and never leave the derived deadlines different from a fresh recompute."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ehcp.domain import compute_deadlines, current_stage
from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import load_case
from ehcp.services.cases import ChildDetails, advance_case, open_case, record_exception
from ehcp.services.errors import Refused
from ehcp.store.models import Deadline

STAGES = ["assessment", "not_assessed", "draft", "final", "no_plan", "review", "ceased", "withdrawn", "request"]
ACTION = st.one_of(
    st.tuples(st.just("advance"), st.sampled_from(STAGES), st.integers(0, 300)),
    st.tuples(st.just("exception"), st.sampled_from(["personal_circumstances", "absence_from_area", "bogus"]),
              st.integers(0, 300)),
)
_counter = itertools.count()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(ACTION, min_size=1, max_size=8))
def test_random_actions_keep_stage_and_deadlines_consistent(sqlite_url, make_ctx, actions):
    ctx = make_ctx(sqlite_url)
    start = date(2025, 1, 6)
    n = next(_counter)
    ref = open_case(ctx, ChildDetails("Kid", f"Number{n}", date(2015, 1, 1)), received=start).reference
    for kind, what, offset in actions:
        on = start + timedelta(days=offset)
        try:
            if kind == "advance":
                advance_case(ctx, ref, to=what, on=on, **({"channel": "email"} if what == "draft" else {}))
            else:
                record_exception(ctx, ref, reason=what, start=on, until=on + timedelta(days=10))
        except Refused:
            pass
    with ctx.uow(write=False) as uow:
        case = load_case(uow, ref)
        events = uow.events.history(case.id)
        assert case.stage == current_stage(events).value
        computed = {d.key: (d.due, d.state, d.met_on)
                    for d in compute_deadlines(events, calendar=working_calendar(uow), today=ctx.today)}
        stored = {d.key: (d.due, d.state, d.met_on)
                  for d in uow.session.scalars(select(Deadline).where(Deadline.case_id == case.id))}
    assert stored == computed
