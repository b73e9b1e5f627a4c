"""Disagreement use cases: appealable decisions, mediation (CFA 2014 s.52-55; SEND Regulations 2014
regs 32-42), appeals (HESC Rules 2008 r.20, r.12) and compliance with tribunal orders and unopposed
appeals (regs 44-45). Each is one audited transaction; Refused names the rule (nothing written).
"""

from __future__ import annotations

from datetime import date

from ehcp.domain import events as ev
from ehcp.services.context import ServiceContext
from ehcp.services.lifecycle_common import Recorded, record


def _one(ctx: ServiceContext, reference: str, event: ev.Event) -> Recorded:
    return record(ctx, reference, [event], action=event.kind)


def record_decision(ctx: ServiceContext, reference: str, *, sent: date, about: str) -> Recorded:
    """Notice of an appealable decision was sent: appeal deadline and mediation contact start."""
    return _one(ctx, reference, ev.AppealableDecision(sent, about))


def adviser_contacted(ctx: ServiceContext, reference: str, *, on: date, wants_mediation: bool) -> Recorded:
    """The family contacted the mediation adviser; declining mediation starts the 3-day certificate."""
    return _one(ctx, reference, ev.MediationAdviserContacted(on, wants_mediation))


def mediation_requested(ctx: ServiceContext, reference: str, *, on: date, health: bool = False) -> Recorded:
    """The LA was told the family wishes to mediate: mediation within 30 days (Policy Q12); if the
    issues include health care provision, the commissioning bodies are told within 3 working days."""
    return _one(ctx, reference, ev.MediationRequested(on, health))


def mediation_icb_notified(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The LA told the commissioning body(ies) of the health care issues: settles mediation_icb_notice."""
    return _one(ctx, reference, ev.MediationIcbNotified(on))


def mediation_unavailable(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The LA told the adviser it cannot arrange mediation in 30 days: certificate in 3 working days."""
    return _one(ctx, reference, ev.MediationUnavailable(on))


def mediation_concluded(ctx: ServiceContext, reference: str, *, on: date, agreement: str | None = None) -> Recorded:
    """Mediation ended; an agreement is carried out as if it were that tribunal order (reg 42)."""
    return _one(ctx, reference, ev.MediationConcluded(on, agreement))


def certificate_issued(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The mediation certificate was issued: the appeal may be brought a month after it, if later."""
    return _one(ctx, reference, ev.MediationCertificateIssued(on))


def appeal_lodged(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The Tribunal received the appeal: a decision to cease cannot take effect until determined."""
    return _one(ctx, reference, ev.AppealLodged(on))


def appeal_concluded(ctx: ServiceContext, reference: str, *, on: date, outcome: str = "withdrawn") -> Recorded:
    """The appeal was withdrawn, struck out or dismissed without an order to carry out."""
    return _one(ctx, reference, ev.AppealConcluded(on, outcome))


def tribunal_order(ctx: ServiceContext, reference: str, *, on: date, order: str) -> Recorded:
    """The Tribunal's order dated ``on``: the reg 44 clocks of its limbs start (G46, G49)."""
    return _one(ctx, reference, ev.TribunalOrdered(on, order))


def appeal_unopposed(ctx: ServiceContext, reference: str, *, on: date, appeal: str) -> Recorded:
    """The LA told the Tribunal on ``on`` it will not oppose: reg 45 clocks (version by date, Q21)."""
    return _one(ctx, reference, ev.AppealUnopposed(on, appeal))


def order_complied(ctx: ServiceContext, reference: str, *, on: date, limb: str) -> Recorded:
    """The LA did what one limb of an order, unopposed appeal or agreement required."""
    return _one(ctx, reference, ev.OrderComplied(on, limb))
