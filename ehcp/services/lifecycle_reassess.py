"""Re-assessment use cases (CFA 2014 s.44(2)-(3); SEND Regulations 2014 regs 24-27; G35).

A request is decided within 15 days (reg 25(1)); a refusal on the 6-month ground needs an
assessment in the 6 months before the request (reg 24); the plan after a re-assessment follows the
draft and its 15 days (reg 13(1)) and is due 14 weeks after the decision (reg 27(2)). Each function
is one audited transaction and raises Refused naming the rule (nothing written).
"""

from __future__ import annotations

from datetime import date

from ehcp.domain import events as ev
from ehcp.services.context import ServiceContext
from ehcp.services.lifecycle_common import Recorded, record


def request_reassessment(ctx: ServiceContext, reference: str, *, on: date, source: str = "parent") -> Recorded:
    """A request for a re-assessment was received on ``on``: decide within 15 days (reg 25(1))."""
    return record(ctx, reference, [ev.ReassessmentRequested(on, source)], action="reassessment_requested")


def decide_reassessment(ctx: ServiceContext, reference: str, *, agree: bool, on: date,
                        ground: str = "not_necessary") -> Recorded:
    """Notify whether the LA will re-assess; agreeing without a request is a decision of its own motion."""
    event = ev.ReassessmentAgreed(on) if agree else ev.ReassessmentRefused(on, ground)
    return record(ctx, reference, [event], action=event.kind)


def send_reassessment_draft(ctx: ServiceContext, reference: str, *, on: date, channel: str = "email",
                            served_on: date | None = None) -> Recorded:
    """The draft amended or replacement plan was sent: 15 days for representations from service."""
    return record(ctx, reference, [ev.ReassessmentDraftSent(on, channel, served_on)], action="reassessment_draft_sent")


def conclude_reassessment(ctx: ServiceContext, reference: str, *, on: date, outcome: str = "plan_issued") -> Recorded:
    """The plan after re-assessment was issued (reg 27(2)), or the LA decided not to change it."""
    return record(ctx, reference, [ev.ReassessmentConcluded(on, outcome)], action="reassessment_concluded")
