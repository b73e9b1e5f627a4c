"""Issue 15: finalising a plan with advice still outstanding warns and lists it; the requests close
as "not received before the plan", stop being the case's next deadline and are no longer chased."""

from __future__ import annotations

from datetime import date

from ehcp.services.advice_views import list_advice
from ehcp.services.cases import advance_case
from ehcp.services.views import show_case
from tests.integration.test_chase import build_scenario


def test_a_final_plan_with_advice_outstanding_warns_and_closes_it(db_url, make_ctx, tmp_path):
    scenario = build_scenario(db_url, make_ctx, tmp_path)
    ctx, ref = scenario.ctx, scenario.refs[1]  # psychological and medical advice, both due 2025-05-28
    advance_case(ctx, ref, to="draft", on=date(2025, 5, 20))
    final = advance_case(ctx, ref, to="final", on=date(2025, 6, 10))
    assert final.warnings == [("advice still outstanding: psychological from EP Service (requested 2025-04-16); "
                              "medical from Paediatrics (requested 2025-04-16); closed as not received before "
                              "the plan")]
    shown = {d["key"]: d for d in show_case(ctx.settings, ref)["deadlines"]}
    for key in ("advice.psychological", "advice.medical"):
        assert (shown[key]["status"], shown[key]["exception"]) == ("disapplied", "not_received_before_plan")
    outstanding = list_advice(ctx.settings, reference=ref, outstanding=True)
    assert outstanding == []
    scenario.run(date(2025, 6, 11))
    chased = {row[0] for row in scenario.ledger()}
    assert chased and not chased & {2, 3}  # requests 2 and 3 are this case's: never chased
