"""The assessment rows of the stage machine: request to plan (CFA 2014 s.36-40; regs 3-13).

Every move is also subject to the common guards (ehcp.domain.machine.guards.COMMON_GUARDS); events
that do not move a case may be recorded late, dated when they happened, provided the case was then
in a stage that allows them (and not before the request).
"""

from __future__ import annotations

from ehcp.domain.assessment.guards import (
    cancellable_advice_request,
    first_event,
    matching_advice_request,
    matching_consultation,
    representation_window_closed,
    valid_advice_request,
    window_open,
)
from ehcp.domain.machine.guards import none, valid_service
from ehcp.domain.machine.table import Recording, Transition
from ehcp.domain.vocabulary import OPEN_STAGES, PLAN_STAGES, Stage

S = Stage
REGS = "SEND Regulations 2014"
DRAFT_OR_PLAN = frozenset({S.DRAFT}) | PLAN_STAGES
ADVICE_STAGES = frozenset({S.REQUEST, S.ASSESSMENT, S.DRAFT})  # reg 5(4)(a): also while deciding

TRANSITIONS: tuple[Transition, ...] = (
    Transition(None, S.REQUEST, "request_received", first_event, "CFA 2014 s.36(1)"),
    Transition(S.REQUEST, S.ASSESSMENT, "assessment_agreed", none, f"CFA 2014 s.36(8); {REGS} reg 5(1)"),
    Transition(S.REQUEST, S.NOT_ASSESSED, "assessment_refused", none,
               f"CFA 2014 s.36(5); {REGS} reg 4(1), 5(3)"),
    Transition(S.ASSESSMENT, S.DRAFT, "draft_plan_sent", valid_service, f"CFA 2014 s.38; {REGS} reg 13(1)"),
    Transition(S.ASSESSMENT, S.NO_PLAN, "plan_not_issued", none, f"CFA 2014 s.36(9); {REGS} reg 10(1)"),
    Transition(S.DRAFT, S.FINAL, "final_plan_issued", representation_window_closed,
               f"{REGS} reg 13(1)(a), 13(2)"),
)

RECORDINGS: tuple[Recording, ...] = (
    Recording("advice_requested", ADVICE_STAGES | PLAN_STAGES, valid_advice_request,
              f"{REGS} reg 6(1), 8(1), 26"),
    Recording("advice_received", OPEN_STAGES, matching_advice_request,
              f"{REGS} reg 8(1)"),
    Recording("advice_cancelled", OPEN_STAGES, cancellable_advice_request,
              "correction: a request made in error (the log stays append-only)"),
    Recording("representations_waived", DRAFT_OR_PLAN, window_open,
              f"{REGS} reg 13(1)(a), 22(2)(c)"),
    Recording("school_consulted", DRAFT_OR_PLAN, none, "CFA 2014 s.39(2), s.40(3); Code of Practice 9.83"),
    Recording("school_responded", DRAFT_OR_PLAN, matching_consultation,
              "Code of Practice 9.83"),
)
