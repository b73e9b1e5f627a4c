"""Disagreement use cases: appealable decisions, mediation (CFA 2014 s.52-55; SEND Regulations 2014
regs 32-42), appeals (HESC Rules 2008 r.20, r.12) and compliance with tribunal orders and unopposed
appeals (regs 44-45). Each is one audited transaction; Refused names the rule (nothing written).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from calendars.working_days import WorkingDayCalendar
from ehcp.domain import events as ev
from ehcp.domain.disputes.events import REOPENING
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.lifecycle_common import Recorded, check_channel, record
from ehcp.store.models import Case

REGS = "SEND Regulations 2014"
# ``--item KIND[:WHAT WAS AGREED][@YYYY-MM-DD]``: the kind, its words, a date agreed in writing (reg 42(5)).
ITEM = re.compile(r"^(?P<what>[a-z_]+)(?::(?P<text>[^@]*))?(?:@(?P<by>\d{4}-\d{2}-\d{2}))?$")


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


def mediation_concluded(ctx: ServiceContext, reference: str, *, on: date, agreement: str | None = None,
                        items: Sequence[str] | None = None) -> Recorded:
    """Mediation ended; each item agreed gets its own clock (reg 42): an appealable matter as if the Tribunal
    had ordered it (an order kind), anything else ("other") within 2 weeks, or by a date agreed in writing.
    ``items`` are ``KIND[:WHAT WAS AGREED][@YYYY-MM-DD]``; ``agreement`` the one-item form. Raises Refused."""
    agreed = tuple(parse_item(text) for text in items or ())
    return _one(ctx, reference, ev.MediationConcluded(on, agreement, agreed))


def parse_item(text: str) -> ev.AgreementItem:
    """``amend``, ``other:transport review@2026-03-31``: an agreement item, or Refused naming the format."""
    found = ITEM.match(text.strip())
    if found is None:
        raise Refused(f"--item {text!r}: write KIND[:WHAT WAS AGREED][@YYYY-MM-DD], e.g. amend@2026-03-31 or "
                      "'other:transport review'")
    words = (found["text"] or "").strip() or None
    if words is not None and len(words) > 200:
        raise Refused(f"--item {found['what']}: what was agreed is longer than 200 characters")
    try:
        by = date.fromisoformat(found["by"]) if found["by"] else None
    except ValueError:
        raise Refused(f"--item {text!r}: {found['by']} is not a date (YYYY-MM-DD)") from None
    return ev.AgreementItem(found["what"], by, words)


def certificate_issued(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The mediation certificate was issued: the appeal may be brought a month after it, if later."""
    return _one(ctx, reference, ev.MediationCertificateIssued(on))


def appeal_lodged(ctx: ServiceContext, reference: str, *, on: date, la_received: date | None = None,
                  response_by: date | None = None) -> Recorded:
    """The Tribunal received the appeal: a decision to cease cannot take effect until determined; the LA's
    response is due 30 working days (August and 25 Dec - 1 Jan not counted) after it received the notice
    (``la_received``, default ``on``), or on the date the Tribunal directed (``response_by``)."""
    return _one(ctx, reference, ev.AppealLodged(on, la_received, response_by))


def appeal_response(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The LA sent its response to the appeal (HESC r.21): settles appeal_response."""
    return _one(ctx, reference, ev.AppealResponseSent(on))


def appeal_concluded(ctx: ServiceContext, reference: str, *, on: date, outcome: str = "withdrawn") -> Recorded:
    """The appeal was withdrawn, struck out or dismissed without an order to carry out."""
    return _one(ctx, reference, ev.AppealConcluded(on, outcome))


def _reopening(kind: str) -> Callable[[Case], str]:
    """Reopening a closed case is a manager's or admin's act (``reopen_case``); anything else any user's."""
    return lambda case: "reopen_case" if kind in REOPENING.get(case.stage, ()) else "act_on_cases"


def _reopened(event: ev.Event, kind: str) -> Callable[[Case, list[ev.Event], WorkingDayCalendar], list[ev.Event]]:
    """The order, and the reopening of a case closed as not assessed (an order to assess) or no plan (an order
    to make and maintain a plan): the case stands in assessment while the LA carries it out (regs 44-45)."""

    def build(case: Case, history: list[ev.Event], calendar: WorkingDayCalendar) -> list[ev.Event]:
        if kind in REOPENING.get(case.stage, ()):
            return [event, ev.ReopenedByOrder(event.on, kind)]
        return [event]

    return build


def tribunal_order(ctx: ServiceContext, reference: str, *, on: date, order: str) -> Recorded:
    """The Tribunal's order dated ``on``: the reg 44 clocks of its limbs start (G46, G49). An order to assess a
    case closed as not assessed, or to make a plan for one closed as no plan, reopens it (permission
    ``reopen_case``)."""
    return record(ctx, reference, _reopened(ev.TribunalOrdered(on, order), order), action="tribunal_ordered",
                  permission=_reopening(order))


def appeal_unopposed(ctx: ServiceContext, reference: str, *, on: date, appeal: str) -> Recorded:
    """The LA told the Tribunal on ``on`` it will not oppose: reg 45 clocks (version by date, Q21); an appeal
    against a refusal to assess or to issue a plan reopens the closed case, as an order would."""
    return record(ctx, reference, _reopened(ev.AppealUnopposed(on, appeal), appeal), action="appeal_unopposed",
                  permission=_reopening(appeal))


# Limbs whose compliance is also the case's next stage when it was reopened by an order (and the stage it is in).
PLAN_STEPS = {("assessment", "draft_plan"): "draft", ("draft", "final_plan"): "final",
              ("draft", "assessed_final"): "final", ("assessment", "no_plan"): "no_plan"}


def order_complied(ctx: ServiceContext, reference: str, *, on: date, limb: str, channel: str = "email",
                   served_on: date | None = None) -> Recorded:
    """The LA did what one limb of an order, unopposed appeal or agreement required.

    On a case reopened by an order the limb is also the case's next step: the draft plan sent (``channel``,
    ``served_on``: the reg 13(1) window runs from service), the final plan issued (the plan is then maintained:
    annual review, SEN2) or the decision that no plan is needed. Raises Refused (a final plan before its draft)."""
    check_channel(channel)

    def build(case: Case, history: list[ev.Event], calendar: WorkingDayCalendar) -> list[ev.Event]:
        events: list[ev.Event] = [ev.OrderComplied(on, limb)]
        step = PLAN_STEPS.get((case.stage, limb))
        if case.stage == "assessment" and limb in ("final_plan", "assessed_final"):
            raise Refused(f"a final plan follows a draft with 15 days for representations: record the draft first "
                          f"(ehcp tribunal complied {case.reference} --limb draft_plan, or ehcp case draft) "
                          f"({REGS} reg 13(1), 44(2))")
        if step == "draft":
            events.append(ev.DraftPlanSent(on, channel, served_on))
        elif step == "final":
            events.append(ev.FinalPlanIssued(on))
        elif step == "no_plan":
            events.append(ev.PlanNotIssued(on))
        return events

    return record(ctx, reference, build, action="order_complied")
