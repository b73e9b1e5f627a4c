"""Handlers for appeal windows, mediation (regs 32-42), appeals and tribunal orders (regs 44-45).

* An appealable decision (recorded as such, or a decision to cease, not to amend, not to
  re-assess) opens appeal_deadline (HESC r.20, r.12: the parent's window; G39-G42) and, unless the
  appeal could only be about the school named, mediation_contact (2 months, reg 33).
* The adviser's certificate is due 3 working days after being told "no mediation" (reg 34; G39),
  after the LA says it cannot arrange mediation, or after mediation ends (reg 39; G43); mediation is
  arranged within 30 days of the LA being told (G43; Policy Q12). A certificate can push the
  appeal deadline to a month after it (G39, G40). Where the issues include health care provision
  the LA tells each commissioning body within 3 working days (mediation_icb_notice; regs 35-36).
* An order (reg 44; G46, G49), an unopposed appeal (reg 45, version by Policy Q21; G50), or a
  mediation agreement treated as one (reg 42) starts ``order.<limb>`` / ``unopposed.<limb>``;
  "immediately" limbs are due the day they are made, and continuing to maintain is met at once.

What an appeal means for a decision to cease (the plan is maintained until it is determined, s.45)
is plan_life's part: ehcp.domain.plan_life.clocks reacts to the same events after these handlers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from calendars import conventions
from ehcp.domain.disputes import events as ev
from ehcp.domain.disputes.appeal_window import (
    appeal_components,
    appeal_rule,
    due_of,
    not_counting_holidays,
    start_appeal_window,
)
from ehcp.domain.disputes.events import ORDER_LIMBS, UNOPPOSED_LIMBS
from ehcp.domain.machine.clocks import pending, select_rule
from ehcp.domain.machine.counting import nominal_due
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.replay import Replay
from ehcp.rules.lifecycle_rules import REG45_NEW, REG45_OLD
from ehcp.rules.model import NoRuleInForce, Rule

MET_AT_ONCE = frozenset({"continue"})
AGREED = "reg 42(5): a timescale the parties agreed in writing"


def appealable_decision(r: Replay, e: ev.AppealableDecision) -> None:
    start_appeal_window(r, e.on, e.about)


def adviser_contacted(r: Replay, e: ev.MediationAdviserContacted) -> None:
    r.settle_latest("mediation_contact", e.on)
    if not e.wants_mediation:
        r.start("mediation_certificate", e.on)


def mediation_requested(r: Replay, e: ev.MediationRequested) -> None:
    key = r.start("mediation_arranged", e.on)
    if key is not None and r.ctx.policy.mediation_days == "working":
        clock = r.clocks[key]
        r.clocks[key] = replace(clock, due=conventions.working_days_after(e.on, clock.rule.length, r.ctx.calendar))
    if e.health:
        r.start("mediation_icb_notice", e.on)


def icb_notified(r: Replay, e: ev.MediationIcbNotified) -> None:
    r.settle_latest("mediation_icb_notice", e.on)


def mediation_unavailable(r: Replay, e: ev.MediationUnavailable) -> None:
    r.settle_latest("mediation_arranged", e.on)
    r.start("mediation_certificate", e.on)


def mediation_concluded(r: Replay, e: ev.MediationConcluded) -> None:
    """Each item of the agreement starts its own clock (reg 42): an appealable matter the reg 44 limbs as if
    ordered (42(2)), anything else 2 weeks (42(3)); a timescale agreed in writing replaces either (42(5))."""
    r.settle_latest("mediation_arranged", e.on)
    r.start("mediation_certificate", e.on)
    for item in e.agreed():
        if item.what not in ORDER_LIMBS:
            key = r.start("mediation_agreement", e.on, subject=item.text)
            keys = [key] if key is not None else []
        else:
            keys = start_limbs(r, "order", ORDER_LIMBS[item.what], e.on, subject=item.text)
        if item.by is not None:
            for key in keys:
                clock = r.clocks[key]
                agreed = replace(clock.rule, citation=f"{clock.rule.citation}; {AGREED}")
                r.clocks[key] = replace(clock, due=item.by, rule=agreed)


def certificate_issued(r: Replay, e: ev.MediationCertificateIssued) -> None:
    """The appeal may then be brought up to a month after the certificate, if later (r.20(1)(c))."""
    r.settle_latest("mediation_certificate", e.on)
    r.certificate = e.on
    clock = r.clocks.get(r.appeal_key or "")
    if r.decision is not None and clock is not None and clock.state == "pending":
        ctx = r.ctx
        parts = appeal_components(r.decision[0], e.on, calendar=ctx.calendar, policy=ctx.policy)
        due = due_of(parts)  # = appeal_in_time_until(decision, certificate, ...)
        r.clocks[clock.key] = replace(clock, due=due, rule=appeal_rule(ctx.rules, due, ctx.policy), components=parts)


def appeal_lodged(r: Replay, e: ev.AppealLodged) -> None:
    """The appeal is in time; the LA's response is due 30 working days after it received the notice, August and
    25 December - 1 January not counted (HESC r.21(1), Schedule; r.12(3)(b), (4)), or on a directed date."""
    r.settle(r.clocks.get(r.appeal_key or "") or r.latest_pending("appeal_deadline"), e.on)
    r.appeal_pending = e.on
    r.drop("appeal_response")
    key = r.start("appeal_response", e.la_received or e.on)
    if key is not None and e.response_by is not None:
        clock = r.clocks[key]
        directed = replace(clock.rule, citation=f"{clock.rule.citation}; date directed by the Tribunal")
        r.clocks[key] = replace(clock, due=e.response_by, rule=directed)


def appeal_response_sent(r: Replay, e: ev.AppealResponseSent) -> None:
    r.settle_latest("appeal_response", e.on)


def _appeal_ended(r: Replay, on: date) -> None:
    """A response not yet due when the appeal ends is no longer needed; one already overdue stays overdue."""
    for clock in [c for c in r.clocks.values() if c.key.startswith("appeal_response") and c.state == "pending"]:
        if on <= clock.due:
            del r.clocks[clock.key]


def appeal_concluded(r: Replay, e: ev.AppealConcluded) -> None:
    """Withdrawn, struck out or dismissed: the appeal is no longer pending (plan_life then lets a
    decision to cease take effect, s.45)."""
    r.appeal_pending = None
    _appeal_ended(r, e.on)


def tribunal_ordered(r: Replay, e: ev.TribunalOrdered) -> None:
    r.appeal_pending = None
    _appeal_ended(r, e.on)
    start_limbs(r, "order", ORDER_LIMBS[e.order], e.on)


def appeal_unopposed(r: Replay, e: ev.AppealUnopposed) -> None:
    """reg 45(1): the LA told the Tribunal, before its response was due, that it will not oppose: that
    notification answers the appeal (the response clock is met by it)."""
    r.appeal_pending = None
    r.settle_latest("appeal_response", e.on)
    start_limbs(r, "unopposed", UNOPPOSED_LIMBS[e.appeal], e.on)


def plan_made_under_order(r: Replay, e: Event) -> None:
    """A draft or final plan sent by the usual commands carries out the limb of an order to make one."""
    if e.kind == "draft_plan_sent":
        r.settle(r.latest_pending("order.draft_plan", "unopposed.draft_plan"), e.on)
    else:
        r.settle(r.latest_pending("order.final_plan", "unopposed.final_plan", "order.assessed_final",
                                  "unopposed.assessed_final"), e.on)


def start_limbs(r: Replay, family: str, limbs: tuple[str, ...], on: date, *, subject: str | None = None) -> list[str]:
    """Start the clock of each limb; returns their keys."""
    keys: list[str] = []
    for limb in limbs:
        if limb == "remit" and r.ctx.policy.order_remit_weeks is None:
            continue  # Q11: no confirmed period for reconsidering a remitted decision
        try:
            rule, due = _limb_rule(r, family, limb, on)
        except NoRuleInForce:
            continue
        key = r.put(f"{family}.{limb}", rule, on, due, subject=subject)
        keys.append(key)
        if limb in MET_AT_ONCE:
            r.clocks[key] = r.clocks[key].settled(on)
    return keys


def _limb_rule(r: Replay, family: str, limb: str, on: date) -> tuple[Rule, date]:
    """reg 44: the version in force (Q13); reg 45: as substituted by SI 2015/359 from Policy Q21."""
    ctx, key = r.ctx, f"{family}.{limb}"
    if family == "unopposed":
        wanted = REG45_NEW if on >= ctx.policy.si_2015_359_from else REG45_OLD
        versions = ctx.rules.versions(key)
        rule = next((v for v in versions if v.version == wanted), versions[-1])
        due = nominal_due(rule, on, calendar=ctx.calendar, policy=ctx.policy)
    else:
        rule, due = select_rule(key, on, ctx)
    remit_weeks = ctx.policy.order_remit_weeks  # start_limbs skips "remit" while it is None (Q11)
    if limb == "remit" and remit_weeks is not None:
        due = conventions.weeks_after(on, remit_weeks)
    if ctx.policy.tribunal_holidays_for_la_duties:  # Q19; default no (G46)
        due = not_counting_holidays(on, due)
    return rule, due


def order_complied(r: Replay, e: ev.OrderComplied) -> None:
    """Settle the limb; a decision that no plan is needed replaces the final-plan limb (reg 44(2)(b))."""
    if e.limb == "agreement":  # several agreed items: the one due first
        waiting = pending(r.clocks, "mediation_agreement")
        r.settle(min(waiting, key=lambda c: c.due) if waiting else None, e.on)
        return
    if e.limb == "no_plan":
        no_plan_instead(r, e.on)
        return
    r.settle(r.latest_pending(f"order.{e.limb}", f"unopposed.{e.limb}"), e.on)


def no_plan_instead(r: Replay, on: date) -> None:
    """After an order to assess, a decision that no plan is needed replaces the final-plan limb (reg 44(2)(b)(i)).
    Called by the assessment's plan_not_issued too, before the case closes."""
    final = r.latest_pending("order.assessed_final", "unopposed.assessed_final")
    if final is None:
        return
    family = final.key.split(".")[0]
    del r.clocks[final.key]
    try:
        rule, due = _limb_rule(r, family, "no_plan", final.trigger)
    except NoRuleInForce:
        return
    key = r.put(f"{family}.no_plan", rule, final.trigger, due)
    r.clocks[key] = r.clocks[key].settled(on)


HANDLERS = {
    "appealable_decision": appealable_decision,
    "mediation_adviser_contacted": adviser_contacted,
    "mediation_requested": mediation_requested,
    "mediation_icb_notified": icb_notified,
    "mediation_unavailable": mediation_unavailable,
    "mediation_concluded": mediation_concluded,
    "mediation_certificate_issued": certificate_issued,
    "appeal_lodged": appeal_lodged,
    "appeal_response_sent": appeal_response_sent,
    "appeal_concluded": appeal_concluded,
    "tribunal_ordered": tribunal_ordered,
    "appeal_unopposed": appeal_unopposed,
    "order_complied": order_complied,
    # after the assessment's handlers: a plan made under an order carries out its limb
    "draft_plan_sent": plan_made_under_order,
    "final_plan_issued": plan_made_under_order,
}
