"""Guards of the lifecycle table for ceasing (s.45, reg 31), transfers between authorities (reg 15)
and disagreements (mediation, appeals, tribunal orders: regs 32-45). Same shape as ehcp.domain.guards;
where the case's standing matters they replay the log (lifecycle_guards.state_on)."""

from __future__ import annotations

from ehcp.domain import events as ev
from ehcp.domain.clocks import pending
from ehcp.domain.events_disputes import APPEAL_OUTCOMES, DECISIONS, LIMBS, ORDER_LIMBS, UNOPPOSED_LIMBS
from ehcp.domain.events_plan import CEASE_REASONS
from ehcp.domain.guards import GuardContext, Refusal
from ehcp.domain.history import last_of
from ehcp.domain.lifecycle_guards import REGS, vocabulary, state_on
from ehcp.rules.model import SEND_REGS_IN_FORCE


# --- ceasing and transfers ---------------------------------------------------------------------

def consulted_before_ceasing(event: ev.CeaseNoticeSent, g: GuardContext) -> Refusal | None:
    """reg 31(1): inform and consult the family and the setting before deciding to cease."""
    allowed = tuple(r for r in CEASE_REASONS if r != "transferred")
    refusal = vocabulary(event.reason, allowed, "cease reason", "CFA 2014 s.45(1)")
    if refusal is not None:
        return refusal
    state = state_on(g, event.on)
    if state.cease is not None:
        return Refusal(f"a decision to cease sent on {state.cease[0].isoformat()} is already in force",
                       "CFA 2014 s.45")
    decided = last_of(g.history, "review_decided", before=event.on)
    proposal = decided if decided is not None and decided.outcome == "cease" else None  # after a meeting
    consulted = [e for e in (last_of(g.history, "cease_consulted", before=event.on), proposal) if e is not None]
    earlier = last_of(g.history, "cease_notice_sent", before=event.on)
    fresh = [e for e in consulted if earlier is None or e.on > earlier.on]
    if event.reason != "deceased" and not fresh:
        return Refusal("the family and the setting must first be informed and consulted (ehcp cease consult, "
                       "or a review that proposed ceasing)", f"{REGS} reg 31(1)")
    return None


def lawful_cease(event: ev.Event, g: GuardContext) -> Refusal | None:
    """s.45: a plan under a decision to cease is maintained until the appeal period ends or an
    appeal is determined (G51). A plan with no such decision on record (legacy data) may close."""
    state = state_on(g, event.on)
    if state.cease is None:
        return None
    sent = state.cease[0].isoformat()
    if state.appeal_pending is not None:
        return Refusal(f"the appeal lodged on {state.appeal_pending.isoformat()} against the decision to cease "
                       f"({sent}) is not determined; the plan is maintained until it is", "CFA 2014 s.45")
    waiting = pending(state.clocks, "cease_effective")
    if waiting and event.on < waiting[-1].due:
        return Refusal(f"the plan must be maintained until the time for appealing the decision of {sent} has "
                       f"expired; it may cease from {waiting[-1].due.isoformat()}", "CFA 2014 s.45")
    return None


def transferred_in(event: ev.Event, g: GuardContext) -> Refusal | None:
    if any(e.kind == "plan_transferred_in" for e in g.history):
        return None
    return Refusal("the plan did not transfer in from another authority", f"{REGS} reg 15(4)")


def first_transfer_in(event: ev.PlanTransferredIn, g: GuardContext) -> Refusal | None:
    if g.history:
        return Refusal("the case already has a history; a plan transferring in opens a new case")
    if event.on < SEND_REGS_IN_FORCE:
        return Refusal("the SEND Regulations 2014 came into force on 2014-09-01", f"{REGS} reg 1")
    made, reviewed = event.plan_made, event.last_reviewed
    if made is not None and made > event.on:
        return Refusal(f"the plan cannot be made ({made.isoformat()}) after it transferred")
    if reviewed is not None and (reviewed > event.on or (made is not None and reviewed < made)):
        return Refusal(f"the last review ({reviewed.isoformat()}) must fall between the plan's making and the transfer")
    return None


# --- appeals, mediation, orders ----------------------------------------------------------------

def valid_decision(event: ev.AppealableDecision, g: GuardContext) -> Refusal | None:
    return vocabulary(event.about, DECISIONS, "decision", "CFA 2014 s.51(2)")


def decision_to_dispute(event: ev.Event, g: GuardContext) -> Refusal | None:
    if state_on(g, event.on).decision is None:
        return Refusal(f"no appealable decision was sent on or before {event.on.isoformat()}; record it first "
                       "(ehcp appeal decision)", f"{REGS} reg 32")
    return None


def mediation_pending(event: ev.Event, g: GuardContext) -> Refusal | None:
    if not pending(state_on(g, event.on).clocks, "mediation_arranged"):
        return Refusal("the LA has not been told of a wish to mediate (ehcp mediation requested)",
                       f"{REGS} regs 35-37")
    return None


def health_issues_to_notify(event: ev.MediationIcbNotified, g: GuardContext) -> Refusal | None:
    """regs 35-36: the commissioning bodies are told of mediation issues that include health care."""
    clocks = state_on(g, event.on).clocks
    if pending(clocks, "mediation_icb_notice"):
        return None
    told = [c for c in clocks.values() if c.key.split(".")[0] == "mediation_icb_notice" and c.met_on is not None]
    if told:
        return Refusal(f"the commissioning bodies were already told of the health issues on "
                       f"{told[-1].met_on.isoformat()}", f"{REGS} regs 35-36")
    return Refusal("the LA has not been told of mediation issues that include health care provision "
                   "(ehcp mediation requested --health)", f"{REGS} regs 35-36")


def mediation_to_conclude(event: ev.MediationConcluded, g: GuardContext) -> Refusal | None:
    agreements = (None, "other", *ORDER_LIMBS)
    return vocabulary(event.agreement, agreements, "agreement", f"{REGS} reg 42") or mediation_pending(event, g)


def appeal_to_lodge(event: ev.AppealLodged, g: GuardContext) -> Refusal | None:
    state = state_on(g, event.on)
    if state.appeal_pending is not None:
        return Refusal(f"an appeal lodged on {state.appeal_pending.isoformat()} is not yet determined")
    return decision_to_dispute(event, g)


def _appeal_pending(event: ev.Event, g: GuardContext, citation: str) -> Refusal | None:
    if state_on(g, event.on).appeal_pending is None:
        return Refusal("no appeal is pending; record it first (ehcp appeal lodged)", citation)
    return None


def appeal_to_conclude(event: ev.AppealConcluded, g: GuardContext) -> Refusal | None:
    return (vocabulary(event.outcome, APPEAL_OUTCOMES, "outcome")
            or _appeal_pending(event, g, "HESC Rules 2008 r.17"))


def valid_order(event: ev.TribunalOrdered, g: GuardContext) -> Refusal | None:
    return (vocabulary(event.order, tuple(ORDER_LIMBS), "order", f"{REGS} reg 44")
            or _appeal_pending(event, g, f"{REGS} reg 44"))


def valid_unopposed(event: ev.AppealUnopposed, g: GuardContext) -> Refusal | None:
    return (vocabulary(event.appeal, tuple(UNOPPOSED_LIMBS), "appeal", f"{REGS} reg 45")
            or _appeal_pending(event, g, f"{REGS} reg 45(1)"))


def order_outstanding(event: ev.OrderComplied, g: GuardContext) -> Refusal | None:
    refusal = vocabulary(event.limb, LIMBS, "limb", f"{REGS} reg 44")
    if refusal is not None:
        return refusal
    clocks = state_on(g, event.on).clocks
    bases = {"agreement": ("mediation_agreement",),
             "no_plan": ("order.assessed_final", "unopposed.assessed_final")}.get(
                 event.limb, (f"order.{event.limb}", f"unopposed.{event.limb}"))
    if any(pending(clocks, base) for base in bases):
        return None
    return Refusal(f"no order, unopposed appeal or agreement is waiting for {event.limb.replace('_', ' ')}",
                   f"{REGS} regs 42, 44, 45")


DISPUTE_GUARD_NAMES = (
    "consulted_before_ceasing", "lawful_cease", "transferred_in", "first_transfer_in", "valid_decision",
    "decision_to_dispute", "mediation_pending", "health_issues_to_notify", "mediation_to_conclude",
    "appeal_to_lodge", "appeal_to_conclude", "valid_order", "valid_unopposed", "order_outstanding",
)
