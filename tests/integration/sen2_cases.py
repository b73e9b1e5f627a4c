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
"""

from __future__ import annotations

from datetime import date

D = date.fromisoformat


def build(ctx_for, url: str) -> dict[str, str]:
    from ehcp.services.cases import ChildDetails, advance_case, open_case, record_exception
    from ehcp.services.lifecycle_cease import cease_plan, consult_on_ceasing, notify_cease
    from ehcp.services.reviews import decide_review, hold_review
    from ehcp.services.sen2_data import PlacementDetails, record_needs, record_placement, record_upn_unknown

    ctx = ctx_for(url, today="2026-01-14")
    refs: dict[str, str] = {}

    def new(key: str, name: str, dob: str, received: str, upn: str | None = None) -> str:
        given, family = name.split()
        refs[key] = open_case(ctx, ChildDetails(given, family, D(dob), upn=upn), received=D(received)).reference
        return refs[key]

    def plan(ref: str, agreed: str, draft: str, final: str) -> None:
        advance_case(ctx, ref, to="assessment", on=D(agreed))
        advance_case(ctx, ref, to="draft", on=D(draft))
        advance_case(ctx, ref, to="final", on=D(final))

    a = new("A", "Ada Able", "2017-03-01", "2025-01-06", upn="A12345678901A")
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
    consult_on_ceasing(ctx, f, on=D("2025-05-12"))
    notify_cease(ctx, f, on=D("2025-06-02"), reason="needs_met")
    cease_plan(ctx, f, on=D("2025-09-08"))

    g = new("G", "Gus Green", "2012-12-12", "2023-02-06", upn="G12345678901G")
    advance_case(ctx, g, to="not_assessed", on=D("2023-03-13"))
    return refs
