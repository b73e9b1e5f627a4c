"""Guards of disagreements: appealable decisions, mediation, appeals and tribunal orders
(CFA 2014 s.51-55; regs 32-45; HESC Rules 2008)."""

from __future__ import annotations

from ehcp.domain.disputes import events as ev
from ehcp.domain.disputes.events import (
    AGREEMENT_OTHER,
    APPEAL_OUTCOMES,
    DECISIONS,
    LIMBS,
    ORDER_LIMBS,
    REOPENING,
    UNOPPOSED_LIMBS,
)
from ehcp.domain.machine.clocks import pending
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.guards import GuardContext, one_of
from ehcp.domain.machine.refusal import Refusal

REGS = "SEND Regulations 2014"


# --- appeals, mediation, orders ----------------------------------------------------------------

def valid_decision(event: ev.AppealableDecision, g: GuardContext) -> Refusal | None:
    return one_of(event.about, DECISIONS, "decision", "CFA 2014 s.51(2)")


def decision_to_dispute(event: Event, g: GuardContext) -> Refusal | None:
    if g.state_on(event.on).decision is None:
        return Refusal(f"no appealable decision was sent on or before {event.on.isoformat()}; record it first "
                       "(ehcp appeal decision)", f"{REGS} reg 32")
    return None


def mediation_pending(event: Event, g: GuardContext) -> Refusal | None:
    if not pending(g.state_on(event.on).clocks, "mediation_arranged"):
        return Refusal("the LA has not been told of a wish to mediate (ehcp mediation requested)",
                       f"{REGS} regs 35-37")
    return None


def health_issues_to_notify(event: ev.MediationIcbNotified, g: GuardContext) -> Refusal | None:
    """regs 35-36: the commissioning bodies are told of mediation issues that include health care."""
    clocks = g.state_on(event.on).clocks
    if pending(clocks, "mediation_icb_notice"):
        return None
    told = [c.met_on for c in clocks.values() if c.key.split(".")[0] == "mediation_icb_notice" and c.met_on is not None]
    if told:
        return Refusal(f"the commissioning bodies were already told of the health issues on "
                       f"{told[-1].isoformat()}", f"{REGS} regs 35-36")
    return Refusal("the LA has not been told of mediation issues that include health care provision "
                   "(ehcp mediation requested --health)", f"{REGS} regs 35-36")


def mediation_to_conclude(event: ev.MediationConcluded, g: GuardContext) -> Refusal | None:
    """reg 42: each item is a matter that could be appealed (an order kind) or something else ("other");
    an agreed timescale (reg 42(5)) is a date on or after the agreement."""
    agreements = (None, AGREEMENT_OTHER, *ORDER_LIMBS)
    refusal = one_of(event.agreement, agreements, "agreement", f"{REGS} reg 42")
    if refusal is None and event.agreement is not None and event.items:
        refusal = Refusal("give either one --agreement or the --item of each item agreed, not both", f"{REGS} reg 42")
    for item in event.items:
        refusal = refusal or one_of(item.what, (AGREEMENT_OTHER, *ORDER_LIMBS), "agreement item", f"{REGS} reg 42")
        if refusal is None and item.by is not None and item.by < event.on:
            refusal = Refusal(f"the timescale agreed for {item.what} ({item.by.isoformat()}) is before the agreement "
                              f"({event.on.isoformat()})", f"{REGS} reg 42(5)")
    return refusal or mediation_pending(event, g)


def appeal_to_lodge(event: ev.AppealLodged, g: GuardContext) -> Refusal | None:
    state = g.state_on(event.on)
    if state.appeal_pending is not None:
        return Refusal(f"an appeal lodged on {state.appeal_pending.isoformat()} is not yet determined")
    if event.la_received is not None and event.la_received < event.on:
        return Refusal(f"the LA cannot receive the notice of appeal ({event.la_received.isoformat()}) before the "
                       f"Tribunal did ({event.on.isoformat()})", "HESC Rules 2008 r.21(1)")
    if event.response_by is not None and event.response_by < event.on:
        return Refusal(f"a response date directed by the Tribunal ({event.response_by.isoformat()}) cannot be before "
                       "the appeal", "HESC Rules 2008 r.12(3)(b), (4)")
    return decision_to_dispute(event, g)


def response_to_send(event: ev.AppealResponseSent, g: GuardContext) -> Refusal | None:
    """HESC r.21(1): a response answers a pending appeal whose response is still awaited."""
    state = g.state_on(event.on)
    refusal = _appeal_pending(event, g, "HESC Rules 2008 r.21(1)")
    if refusal is None and not pending(state.clocks, "appeal_response"):
        return Refusal("the response to this appeal is already recorded", "HESC Rules 2008 r.21(1)")
    return refusal


def _appeal_pending(event: Event, g: GuardContext, citation: str) -> Refusal | None:
    if g.state_on(event.on).appeal_pending is None:
        return Refusal("no appeal is pending; record it first (ehcp appeal lodged)", citation)
    return None


def appeal_to_conclude(event: ev.AppealConcluded, g: GuardContext) -> Refusal | None:
    return (one_of(event.outcome, APPEAL_OUTCOMES, "outcome")
            or _appeal_pending(event, g, "HESC Rules 2008 r.17"))


def valid_order(event: ev.TribunalOrdered, g: GuardContext) -> Refusal | None:
    return (one_of(event.order, tuple(ORDER_LIMBS), "order", f"{REGS} reg 44")
            or _appeal_pending(event, g, f"{REGS} reg 44"))


def valid_unopposed(event: ev.AppealUnopposed, g: GuardContext) -> Refusal | None:
    return (one_of(event.appeal, tuple(UNOPPOSED_LIMBS), "appeal", f"{REGS} reg 45")
            or _appeal_pending(event, g, f"{REGS} reg 45(1)"))


def reopening_order(event: ev.ReopenedByOrder, g: GuardContext) -> Refusal | None:
    """reg 44(2)(b)-(c), 45(3), (6): an order to assess reopens a case closed as not assessed, an order to make
    and maintain a plan one closed as no plan; the order must be on record and not yet carried out."""
    kinds = REOPENING.get(g.stage.value, frozenset())
    citation = f"{REGS} regs 44(2)(b)-(c), 45"
    if event.order not in kinds:
        wanted = " or ".join(sorted(kinds)) or "none"
        return Refusal(f"an order {event.order!r} does not reopen a case closed as {g.stage.value} (it takes: "
                       f"{wanted})", citation)
    limb = "assess" if g.stage.value == "not_assessed" else "draft_plan"
    clocks = g.state_on(event.on).clocks
    if not (pending(clocks, f"order.{limb}") or pending(clocks, f"unopposed.{limb}")):
        return Refusal(f"no tribunal order or unopposed appeal to {limb.replace('_', ' ')} is on record for "
                       f"{event.on.isoformat()} (ehcp tribunal order / tribunal unopposed)", citation)
    return None


def order_outstanding(event: ev.OrderComplied, g: GuardContext) -> Refusal | None:
    refusal = one_of(event.limb, LIMBS, "limb", f"{REGS} reg 44")
    if refusal is not None:
        return refusal
    clocks = g.state_on(event.on).clocks
    bases = {"agreement": ("mediation_agreement",),
             "no_plan": ("order.assessed_final", "unopposed.assessed_final")}.get(
                 event.limb, (f"order.{event.limb}", f"unopposed.{event.limb}"))
    if any(pending(clocks, base) for base in bases):
        return None
    return Refusal(f"no order, unopposed appeal or agreement is waiting for {event.limb.replace('_', ' ')}",
                   f"{REGS} regs 42, 44, 45")
