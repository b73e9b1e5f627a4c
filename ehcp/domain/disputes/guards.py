"""Guards of disagreements: appealable decisions, mediation, appeals and tribunal orders
(CFA 2014 s.51-55; regs 32-45; HESC Rules 2008)."""

from __future__ import annotations

from ehcp.domain.disputes import events as ev
from ehcp.domain.disputes.events import APPEAL_OUTCOMES, DECISIONS, LIMBS, ORDER_LIMBS, UNOPPOSED_LIMBS
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
    agreements = (None, "other", *ORDER_LIMBS)
    return one_of(event.agreement, agreements, "agreement", f"{REGS} reg 42") or mediation_pending(event, g)


def appeal_to_lodge(event: ev.AppealLodged, g: GuardContext) -> Refusal | None:
    state = g.state_on(event.on)
    if state.appeal_pending is not None:
        return Refusal(f"an appeal lodged on {state.appeal_pending.isoformat()} is not yet determined")
    return decision_to_dispute(event, g)


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
