"""Guards of the plan's life: re-assessment (s.44(2), regs 24-27), ceasing (s.45, reg 31) and
transfers between local authorities (reg 15)."""

from __future__ import annotations

from datetime import date

from calendars import conventions
from ehcp.domain.machine.clocks import pending
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.guards import GuardContext, one_of, valid_service, window_open_until
from ehcp.domain.machine.history import last_of
from ehcp.domain.machine.refusal import Refusal
from ehcp.domain.plan_life import events as ev
from ehcp.domain.plan_life.events import CEASE_REASONS, REASSESSMENT_OUTCOMES, REASSESSMENT_SOURCES, REFUSAL_GROUNDS
from ehcp.rules.model import SEND_REGS_IN_FORCE

REGS = "SEND Regulations 2014"


# --- re-assessment ----------------------------------------------------------------------------

def valid_reassessment_request(event: ev.ReassessmentRequested, g: GuardContext) -> Refusal | None:
    refusal = one_of(event.source, REASSESSMENT_SOURCES, "source", "CFA 2014 s.44(2)")
    if refusal is not None:
        return refusal
    waiting = pending(g.state_on(event.on).clocks, "reassessment_decision")
    if waiting:
        return Refusal(f"the request received on {waiting[-1].trigger.isoformat()} is still waiting for a "
                       "decision", f"{REGS} reg 25(1)")
    return not_reassessing(event, g)


def not_reassessing(event: Event, g: GuardContext) -> Refusal | None:
    since = g.state_on(event.on).reassessing
    if since is not None:
        return Refusal(f"a re-assessment decided on {since.isoformat()} is under way", f"{REGS} reg 27(2)")
    return None


def reassessment_refusal_ground(event: ev.ReassessmentRefused, g: GuardContext) -> Refusal | None:
    """reg 24: refusing because of an assessment in the 6 months before the request needs one."""
    refusal = one_of(event.ground, REFUSAL_GROUNDS, "ground", f"{REGS} reg 24")
    if refusal is not None:
        return refusal
    state = g.state_on(event.on)
    waiting = pending(state.clocks, "reassessment_decision")
    if not waiting:
        return Refusal("no request for a re-assessment is waiting for a decision", f"{REGS} reg 25(1)")
    if event.ground == "within_6_months":
        requested = waiting[-1].trigger
        last = state.last_assessment or _plan_made(g)
        if last is None or last < conventions.add_months(requested, -6):
            when = f"was on {last.isoformat()}" if last else "is not on record"
            return Refusal(f"the last assessment {when}, not within the 6 months before the request "
                           f"({requested.isoformat()}); refuse only because it is not necessary",
                           f"{REGS} reg 24")
    return None


def _plan_made(g: GuardContext) -> date | None:
    issued = last_of(g.history, "final_plan_issued")
    return issued.on if issued is not None else None


def reassessment_draft(event: ev.ReassessmentDraftSent, g: GuardContext) -> Refusal | None:
    if g.state_on(event.on).reassessing is None:
        return Refusal("no re-assessment is under way", f"{REGS} reg 27(2)")
    return valid_service(event, g)


def reassessment_conclusion(event: ev.ReassessmentConcluded, g: GuardContext) -> Refusal | None:
    refusal = one_of(event.outcome, REASSESSMENT_OUTCOMES, "outcome", f"{REGS} reg 27(2)")
    since = g.state_on(event.on).reassessing
    if refusal is not None or since is None:
        return refusal or Refusal("no re-assessment is under way", f"{REGS} reg 27(2)")
    draft = last_of(g.history, "reassessment_draft_sent", before=event.on)
    if event.outcome == "no_change":
        return None
    if draft is None or draft.on < since:
        return Refusal("send the draft plan first: the 15 days for representations apply (reg 13(1) "
                       "via reg 27(2))", f"{REGS} reg 13(1), 27(2)")
    last = window_open_until(draft, "draft_representations", event.on, g)
    if last is None:
        return None
    return Refusal(f"the parent's 15 days for representations (SEND Regulations 2014 reg 13(1)(a)) run to "
                   f"{last.isoformat()}; record a written waiver to finalise earlier", f"{REGS} reg 13(1)(a)")


# --- ceasing and transfers ---------------------------------------------------------------------

def consulted_before_ceasing(event: ev.CeaseNoticeSent, g: GuardContext) -> Refusal | None:
    """reg 31(1): inform and consult the family and the setting before deciding to cease."""
    allowed = tuple(r for r in CEASE_REASONS if r != "transferred")
    refusal = one_of(event.reason, allowed, "cease reason", "CFA 2014 s.45(1)")
    if refusal is not None:
        return refusal
    state = g.state_on(event.on)
    if state.cease is not None:
        return Refusal(f"a decision to cease sent on {state.cease[0].isoformat()} is already in force",
                       "CFA 2014 s.45")
    decided = last_of(g.history, "review_decided", before=event.on)
    # after a meeting: a review decision to cease (review_decided carries the outcome)
    proposal = decided if getattr(decided, "outcome", None) == "cease" else None
    consulted = [e for e in (last_of(g.history, "cease_consulted", before=event.on), proposal) if e is not None]
    earlier = last_of(g.history, "cease_notice_sent", before=event.on)
    fresh = [e for e in consulted if earlier is None or e.on > earlier.on]
    if event.reason != "deceased" and not fresh:
        return Refusal("the family and the setting must first be informed and consulted (ehcp cease consult, "
                       "or a review that proposed ceasing)", f"{REGS} reg 31(1)")
    return None


def lawful_cease(event: Event, g: GuardContext) -> Refusal | None:
    """s.45: a plan under a decision to cease is maintained until the appeal period ends or an
    appeal is determined (G51). A plan with no such decision on record (legacy data) may close."""
    state = g.state_on(event.on)
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


def transferred_in(event: Event, g: GuardContext) -> Refusal | None:
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
