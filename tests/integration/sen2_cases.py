"""A hand-built set of cases for the SEN2 tests (census 2026-01-15, collection period 2025), recorded
through the services so that events, deadlines and audit are as in real use.

A  received 2025-01-06, agreed 2025-02-10, final 2025-05-26 (day 140: on time); Oak Primary URN 123456
   from 2024-09-04; ASD + SLCN; UPN.
B  received 2025-03-03, refused 2025-04-07; no UPN, UPN-unknown UN1.
C  received 2024-06-03, agreed 2024-07-08, final 2024-10-14 (history H); review meeting 2025-09-15,
   decided maintain 2025-10-06; EHE from 2024-10-14; SEMH.
D  received 2025-02-03, agreed 2025-03-10, exception (personal circumstances) 2025-04-01..05-01,
   final 2025-07-21 (day 168, Week20 = 1); college UKPRN 10001234 from 2025-07-21; MLD.
E  received 2025-09-01, agreed 2025-10-06: assessment pending (A).
F  received 2023-01-09, final 2023-05-22; consulted 2025-05-12, cease notice 2025-06-02 (needs_met), ceased 2025-09-08.
G  received 2023-02-06, refused 2023-03-13: not in the return.
H  plan transferred in 2025-04-01 from LA 202 (made 2024-03-01); OLA from 2025-04-01; PD; PB/OA/DP E.
I  received 2025-04-07, withdrawn 2025-05-01 before a decision (W).
J  received 2025-02-03, agreed 2025-03-10, plan not issued 2025-06-30 (N); decision about no_plan
   appealed: mediation held 2025-08-01, appeal lodged 2025-09-01; UN8, no UPN.
K  received 2025-03-03, refused 2025-04-07; decision about refusal_to_assess mediated 2025-05-20 and
   appealed 2025-06-02 (RequestMediation/RequestTribunal = 1).
L  received 2023-03-06, final 2023-07-10; plan transferred out 2025-10-01 to LA 201 (Exported, cease 5).
Every person has Sex and Ethnicity; A has a postcode.
"""

from __future__ import annotations

from datetime import date


def build(ctx_for, url: str, years_back: int = 0) -> dict[str, str]:
    """Record the set; ``years_back`` moves every date back that many years (1: the 2025 census's set)."""

    def D(day: str) -> date:
        d = date.fromisoformat(day)
        return d.replace(year=d.year - years_back)

    from ehcp.services.cases import ChildDetails, advance_case, open_case, record_exception
    from ehcp.services.lifecycle_cease import cease_plan, consult_on_ceasing, notify_cease
    from ehcp.services.lifecycle_disputes import (
        appeal_lodged,
        mediation_concluded,
        mediation_requested,
        record_decision,
    )
    from ehcp.services.lifecycle_transfer import transfer_in, transfer_out
    from ehcp.services.reviews import decide_review, hold_review
    from ehcp.services.sen2_data import (
        PlacementDetails,
        PlanItems,
        record_needs,
        record_placement,
        record_plan_items,
        record_upn_unknown,
    )

    ctx = ctx_for(url, today=D("2026-01-14").isoformat())
    refs: dict[str, str] = {}

    def child(name: str, dob: str, upn: str | None, **items: str) -> ChildDetails:
        given, family = name.split()
        sex = items.pop("sex", "F" if len(refs) % 2 else "M")
        return ChildDetails(given, family, D(dob), upn=upn, sex=sex, ethnicity=items.pop("ethnicity", "WBRI"), **items)

    def new(key: str, name: str, dob: str, received: str, upn: str | None = None, **items: str) -> str:
        refs[key] = open_case(ctx, child(name, dob, upn, **items), received=D(received)).reference
        return refs[key]

    def plan(ref: str, agreed: str, draft: str, final: str) -> None:
        advance_case(ctx, ref, to="assessment", on=D(agreed))
        advance_case(ctx, ref, to="draft", on=D(draft))
        advance_case(ctx, ref, to="final", on=D(final))

    a = new("A", "Ada Able", "2017-03-01", "2025-01-06", upn="A12345678901A", postcode="zz99 3cz")
    plan(a, "2025-02-10", "2025-04-14", "2025-05-26")
    record_placement(ctx, a, PlacementDetails(D("2024-09-04"), setting="Oak Primary", urn="123456"))
    record_needs(ctx, a, primary="ASD", secondary=["SLCN"], on=D("2025-05-26"))

    b = new("B", "Ben Brown", "2021-05-05", "2025-03-03")
    advance_case(ctx, b, to="not_assessed", on=D("2025-04-07"))
    record_upn_unknown(ctx, b, "UN1")

    c = new("C", "Cara Clark", "2014-02-02", "2024-06-03", upn="C12345678901C")
    plan(c, "2024-07-08", "2024-09-02", "2024-10-14")
    hold_review(ctx, c, on=D("2025-09-15"))
    decide_review(ctx, c, outcome="maintain", on=D("2025-10-06"))
    record_placement(ctx, c, PlacementDetails(D("2024-10-14"), sen_setting="EHE"))
    record_needs(ctx, c, primary="SEMH", on=D("2024-10-14"))

    d = new("D", "Dan Dixon", "2009-09-09", "2025-02-03", upn="D12345678901D")
    advance_case(ctx, d, to="assessment", on=D("2025-03-10"))
    record_exception(ctx, d, reason="personal_circumstances", start=D("2025-04-01"), until=D("2025-05-01"))
    advance_case(ctx, d, to="draft", on=D("2025-06-02"))
    advance_case(ctx, d, to="final", on=D("2025-07-21"))
    record_placement(ctx, d, PlacementDetails(D("2025-07-21"), setting="Town College", ukprn="10001234"))
    record_needs(ctx, d, primary="MLD", on=D("2025-07-21"))

    e = new("E", "Eve Evans", "2019-01-01", "2025-09-01", upn="E12345678901E")
    advance_case(ctx, e, to="assessment", on=D("2025-10-06"))

    f = new("F", "Finn Ford", "2008-08-08", "2023-01-09", upn="F12345678901F")
    plan(f, "2023-02-13", "2023-04-10", "2023-05-22")
    record_placement(ctx, f, PlacementDetails(D("2023-05-22"), setting="Birch Academy", urn="345678"))
    consult_on_ceasing(ctx, f, on=D("2025-05-12"))
    notify_cease(ctx, f, on=D("2025-06-02"), reason="needs_met")
    cease_plan(ctx, f, on=D("2025-09-08"))

    g = new("G", "Gus Green", "2012-12-12", "2023-02-06", upn="G12345678901G")
    advance_case(ctx, g, to="not_assessed", on=D("2023-03-13"))

    h = transfer_in(ctx, child("Hal Hill", "2012-04-04", "H12345678901H", ethnicity="BAFR"), on=D("2025-04-01"),
                    from_la="202", plan_made=D("2024-03-01")).reference
    refs["H"] = h
    record_placement(ctx, h, PlacementDetails(D("2025-04-01"), sen_setting="OLA"))
    record_needs(ctx, h, primary="PD", on=D("2025-04-01"))
    record_plan_items(ctx, h, PlanItems(personal_budget=True, organised_arrangements=True, direct_payment="E"))

    i = new("I", "Ivy Irwin", "2015-05-05", "2025-04-07", upn="I12345678901I", ethnicity="NOBT")
    advance_case(ctx, i, to="withdrawn", on=D("2025-05-01"))

    j = new("J", "Jon Jones", "2016-06-06", "2025-02-03")
    record_upn_unknown(ctx, j, "UN8")
    advance_case(ctx, j, to="assessment", on=D("2025-03-10"))
    advance_case(ctx, j, to="no_plan", on=D("2025-06-30"))
    record_decision(ctx, j, sent=D("2025-06-30"), about="no_plan")
    mediation_requested(ctx, j, on=D("2025-07-10"))
    mediation_concluded(ctx, j, on=D("2025-08-01"))
    appeal_lodged(ctx, j, on=D("2025-09-01"))

    k = new("K", "Kim King", "2013-07-07", "2025-03-03", upn="K12345678901K")
    advance_case(ctx, k, to="not_assessed", on=D("2025-04-07"))
    record_decision(ctx, k, sent=D("2025-04-07"), about="refusal_to_assess")
    mediation_requested(ctx, k, on=D("2025-04-20"))
    mediation_concluded(ctx, k, on=D("2025-05-20"))
    appeal_lodged(ctx, k, on=D("2025-06-02"))

    l_ = new("L", "Lia Lane", "2010-10-10", "2023-03-06", upn="L12345678901L")
    plan(l_, "2023-04-10", "2023-06-05", "2023-07-10")
    record_placement(ctx, l_, PlacementDetails(D("2023-07-10"), setting="Elm Secondary", urn="234567"))
    record_needs(ctx, l_, primary="SLCN", on=D("2023-07-10"))
    transfer_out(ctx, l_, on=D("2025-10-01"), to_la="201")
    return refs
