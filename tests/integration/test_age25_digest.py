"""The age-25 advisory clocks (CFA 2014 s.46; issue 21) reach the caseworker's digest like every advisory
clock, marked advisory, on both databases."""

from __future__ import annotations

from datetime import date

from ehcp.chase.deadlines import DEADLINE_DIGEST
from ehcp.chase.night import run_night
from ehcp.notify.outbox import OutboxNotifier
from tests.integration.test_chase import build_scenario
from tests.integration.test_chase_digest import CASEWORKER, emails


def test_the_ceasing_conversation_before_age_25_is_in_the_digest_as_advisory(db_url, make_ctx, tmp_path):
    from ehcp.services.cases import ChildDetails, advance_case, open_case

    scenario = build_scenario(db_url, make_ctx, tmp_path)
    ctx = scenario.ctx
    ref = open_case(ctx, ChildDetails("Lee", "Older", date(2002, 3, 15)), received=date(2024, 1, 8),
                    source="young_person").reference
    advance_case(ctx, ref, to="assessment", on=date(2024, 2, 12))
    advance_case(ctx, ref, to="draft", on=date(2024, 4, 8))
    advance_case(ctx, ref, to="final", on=date(2024, 5, 20))
    # attains 25 on 15 Mar 2027: the plan may be kept to 31 Jul 2027; consult 3 months before, by 30 Apr 2027
    run_night(ctx, DEADLINE_DIGEST, date(2027, 4, 26), notifier=OutboxNotifier(scenario.outbox))
    mine = next(e for e in emails(scenario) if e["To"] == CASEWORKER).get_content()
    line = next(row for row in mine.splitlines() if ref in row and "age25" in row)
    assert "age25_conversation (advisory)" in line and "2027-04-30" in line
