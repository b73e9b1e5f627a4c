"""Guards for the events that do not move a case: advice, waivers, consultations, amendments,
exceptions. Same shape as ehcp.domain.guards: return None to allow, a Refusal to refuse."""

from __future__ import annotations

from ehcp.domain import events as ev
from ehcp.domain.guards import GuardContext, Refusal, waived_since, valid_service, window_end
from ehcp.domain.history import last_of
from ehcp.domain.stages import Stage
from ehcp.rules.model import EXCEPTION_REASONS, SCHOOL_CLOSURE


def valid_advice_request(event: ev.AdviceRequested, g: GuardContext) -> Refusal | None:
    """A known advice kind (reg 6(1)(a)-(h)) and channel; received by the body not before sending.
    Once a plan is made, advice is sought only for a re-assessment (reg 26)."""
    if g.stage in (Stage.FINAL, Stage.REVIEW) and not _reassessing(event, g):
        return Refusal("it can be recorded only while the case is in request, assessment or draft, or "
                       "during a re-assessment", "SEND Regulations 2014 reg 6(1), 26")
    if event.advice_kind not in ev.ADVICE_KINDS:
        return Refusal(f"unknown advice kind {event.advice_kind!r}; kinds are {', '.join(ev.ADVICE_KINDS)}")
    if event.received_by_body is not None and event.received_by_body < event.on:
        return Refusal(f"the body cannot receive it ({event.received_by_body.isoformat()}) before it was sent")
    return valid_service(event, g)


def matching_advice_request(event: ev.AdviceReceived, g: GuardContext) -> Refusal | None:
    """Advice received answers an earlier request of the same kind (and id) not yet answered."""
    asked = [e for e in g.history if isinstance(e, ev.AdviceRequested) and e.advice_kind == event.advice_kind
             and e.on <= event.on]
    answered = [e for e in g.history if isinstance(e, ev.AdviceReceived) and e.advice_kind == event.advice_kind]
    if event.request_id is not None:
        asked = [e for e in asked if str(e.request_id) == str(event.request_id)]
        answered = [e for e in answered if str(e.request_id) == str(event.request_id)]
    if len(asked) > len(answered):
        return None
    which = f" (request {event.request_id})" if event.request_id is not None else ""
    return Refusal(f"there is no unanswered {event.advice_kind} advice request{which} dated on or before "
                   f"{event.on.isoformat()}", "SEND Regulations 2014 reg 8(1)")


def _reassessing(event: ev.Event, g: GuardContext) -> bool:
    from ehcp.domain.lifecycle_guards import state_on

    return state_on(g, event.on).reassessing is not None


def window_open(event: ev.RepresentationsWaived, g: GuardContext) -> Refusal | None:
    """A waiver needs a window to waive: the draft plan's (also after a re-assessment), or an
    amendment notice's in progress."""
    if g.stage is Stage.DRAFT or amendment_in_progress(g) is not None or _reassessing(event, g):
        return None
    return Refusal("there is no draft plan or amendment notice awaiting representations",
                   "SEND Regulations 2014 reg 13(1)(a), 22(2)(c)")


def matching_consultation(event: ev.SchoolResponded, g: GuardContext) -> Refusal | None:
    consulted = [e for e in g.history if isinstance(e, ev.SchoolConsulted) and e.on <= event.on
                 and (event.school is None or e.school == event.school)]
    if consulted:
        return None
    school = event.school or "a school"
    return Refusal(f"no consultation of {school} is recorded on or before {event.on.isoformat()}")


def amendment_in_progress(g: GuardContext) -> ev.AmendmentNoticeSent | None:
    """The amendment notice still waiting for an amended plan or a decision not to amend."""
    notice = last_of(g.history, "amendment_notice_sent")
    ended = [e for e in (last_of(g.history, "amended_plan_issued"), last_of(g.history, "amendment_not_made"))
             if e is not None]
    if notice is None or any(e.on >= notice.on for e in ended):
        return None
    return notice


_amendment_in_progress = amendment_in_progress


def no_amendment_in_progress(event: ev.AmendmentNoticeSent, g: GuardContext) -> Refusal | None:
    """One amendment at a time: a notice waits for its amended plan (reg 22(3))."""
    notice = _amendment_in_progress(g)
    if notice is None:
        return valid_service(event, g)
    return Refusal(f"the amendment notice sent on {notice.on.isoformat()} has not yet led to an amended plan",
                   "SEND Regulations 2014 reg 22(3)")


def amendment_window_closed(event: ev.AmendedPlanIssued, g: GuardContext) -> Refusal | None:
    """No amended plan inside the 15 days for representations unless waived (reg 22(2)(c))."""
    notice = amendment_in_progress(g)
    if notice is None:
        if _ordered_to_amend(event, g):
            return None
        return Refusal("no amendment notice is waiting for an amended plan", "SEND Regulations 2014 reg 22(2)")
    last = window_end(notice, "amendment_representations", g)
    if event.on > last or waived_since(notice, event.on, g):
        return None
    return Refusal(f"the 15 days for representations on the proposed amendments (SEND Regulations 2014 "
                   f"reg 22(2)(c)) run to {last.isoformat()}; record a written waiver to finalise earlier",
                   "SEND Regulations 2014 reg 22(2)(c)")


def _ordered_to_amend(event: ev.Event, g: GuardContext) -> bool:
    """An order, unopposed appeal or mediation agreement requires an amended plan (reg 42, 44, 45)."""
    from ehcp.domain.lifecycle_guards import state_on

    bases = ("order.amend", "order.placement", "unopposed.amend", "unopposed.placement")
    return state_on(g, event.on).latest_pending(*bases) is not None


def valid_exception(event: ev.ExceptionRecorded, g: GuardContext) -> Refusal | None:
    """A known reason, a period that does not end before it starts, a re-opening date for closures."""
    if event.reason not in EXCEPTION_REASONS:
        return Refusal(f"unknown exception reason {event.reason!r}; reasons are {', '.join(EXCEPTION_REASONS)}")
    if event.until is not None and event.until < event.on:
        return Refusal(f"the exception ends ({event.until.isoformat()}) before it starts")
    if event.reason == SCHOOL_CLOSURE and event.until is None:
        return Refusal("a school closure needs the date the setting re-opens",
                       "SEND Regulations 2014 reg 10(4)(a)")
    if event.advice_kind is not None and event.advice_kind not in ev.ADVICE_KINDS:
        return Refusal(f"unknown advice kind {event.advice_kind!r}; kinds are {', '.join(ev.ADVICE_KINDS)}")
    return None
