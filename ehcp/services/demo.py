"""A handful of synthetic cases at different stages, dated relative to today (demo and smoke tests).

The names are obviously synthetic; no real person's data is ever used.
"""

from __future__ import annotations

from datetime import date, timedelta

from ehcp.services.advice import receive_advice, request_advice
from ehcp.services.cases import ChildDetails, advance_case, open_case, record_exception
from ehcp.services.context import ServiceContext
from ehcp.services.partners import add_partner

DEMO_PARTNERS = (
    ("Educational Psychology Service (demo)", "psychological", "ep.service@example.org", "ep.manager@example.org"),
    ("Community Paediatrics (demo)", "medical", "paediatrics@example.nhs.uk", "dmo@example.nhs.uk"),
    ("Children's Social Care (demo)", "social_care", "social.care@example.org", "dsco@example.org"),
    ("Example Primary School (demo)", "educational", "senco@example.sch.uk", "head@example.sch.uk"),
)


def already_seeded(ctx: ServiceContext) -> bool:
    with ctx.uow(write=False) as uow:
        return uow.partners.get(DEMO_PARTNERS[0][0]) is not None


def seed(ctx: ServiceContext) -> list[str]:
    """Create the demo partners and six cases; returns the references."""
    today = ctx.today

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    for name, kind, email, escalation in DEMO_PARTNERS:
        add_partner(ctx, name, email=email, escalation_email=escalation, kinds=[kind])
    ep, paeds, social, school = (p[0] for p in DEMO_PARTNERS)
    refs = []

    def new(given: str, family: str, dob: date, received: date) -> str:
        ref = open_case(ctx, ChildDetails(given, family, dob), received=received).reference
        refs.append(ref)
        return ref

    new("Alex", "Example", date(2017, 3, 14), ago(50))  # decision whether to assess is overdue
    ref = new("Sam", "Sample", date(2015, 9, 2), ago(100))
    advance_case(ctx, ref, to="assessment", on=ago(60))
    request_advice(ctx, ref, kind="psychological", partner=ep, on=ago(58))  # advice overdue
    request_advice(ctx, ref, kind="medical", partner=paeds, on=ago(58))
    receive_advice(ctx, ref, kind="medical", on=ago(20))
    request_advice(ctx, ref, kind="social_care", partner=social, on=ago(40))  # due in 2 days
    ref = new("Jo", "Placeholder", date(2014, 1, 20), ago(125))
    advance_case(ctx, ref, to="assessment", on=ago(85))
    request_advice(ctx, ref, kind="educational", partner=school, on=ago(84))
    receive_advice(ctx, ref, kind="educational", on=ago(50))
    advance_case(ctx, ref, to="draft", on=ago(10))
    ref = new("Riley", "Testcase", date(2012, 6, 30), ago(400))
    advance_case(ctx, ref, to="assessment", on=ago(360))
    advance_case(ctx, ref, to="draft", on=ago(260))
    advance_case(ctx, ref, to="final", on=ago(240))  # plan issued late; annual review due soon
    ref = new("Charlie", "Specimen", date(2019, 11, 5), ago(70))
    advance_case(ctx, ref, to="not_assessed", on=ago(35))
    ref = new("Morgan", "Dummy", date(2016, 2, 8), ago(90))
    advance_case(ctx, ref, to="assessment", on=ago(50))
    record_exception(ctx, ref, reason="absence_from_area", start=ago(80), until=ago(40),
                     note="family abroad for 6 weeks (synthetic)")
    return refs
