"""The plan-life rows of the stage machine: ceasing (s.45, reg 31), withdrawal, re-assessment
(s.44(2), regs 24-27) and transfers between local authorities (reg 15)."""

from __future__ import annotations

from ehcp.domain.machine.guards import none
from ehcp.domain.machine.table import Recording, Transition
from ehcp.domain.plan_life.guards import (
    consulted_before_ceasing,
    first_transfer_in,
    lawful_cease,
    not_reassessing,
    reassessment_conclusion,
    reassessment_draft,
    reassessment_refusal_ground,
    transferred_in,
    valid_reassessment_request,
)
from ehcp.domain.vocabulary import PLAN_STAGES, Stage

S = Stage
REGS = "SEND Regulations 2014"
CEASE = f"CFA 2014 s.45; {REGS} reg 31"
WITHDRAWAL = "case closed at the family's request (no statutory procedure)"

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.FINAL, S.CEASED, "plan_ceased", lawful_cease, CEASE),
    Transition(S.REVIEW, S.CEASED, "plan_ceased", lawful_cease, CEASE),
    *(Transition(stage, S.WITHDRAWN, "case_withdrawn", none, WITHDRAWAL)
      for stage in (S.REQUEST, S.ASSESSMENT, S.DRAFT, S.FINAL, S.REVIEW)),
    Transition(None, S.FINAL, "plan_transferred_in", first_transfer_in, f"{REGS} reg 15(2)-(3)"),
    Transition(S.FINAL, S.CEASED, "plan_transferred_out", none, f"{REGS} reg 15(2)"),
    Transition(S.REVIEW, S.CEASED, "plan_transferred_out", none, f"{REGS} reg 15(2)"),
)

RECORDINGS: tuple[Recording, ...] = (
    Recording("reassessment_requested", PLAN_STAGES, valid_reassessment_request, f"CFA 2014 s.44(2); {REGS} reg 25(1)"),
    Recording("reassessment_agreed", PLAN_STAGES, not_reassessing, f"CFA 2014 s.44(2); {REGS} reg 25(1)"),
    Recording("reassessment_refused", PLAN_STAGES, reassessment_refusal_ground, f"{REGS} reg 24, 25(1)"),
    Recording("reassessment_draft_sent", PLAN_STAGES, reassessment_draft, f"{REGS} reg 27(2), 13(1)"),
    Recording("reassessment_concluded", PLAN_STAGES, reassessment_conclusion, f"{REGS} reg 27(2), 13(1)(a)"),
    Recording("cease_consulted", PLAN_STAGES, none, f"{REGS} reg 31(1)"),
    Recording("cease_notice_sent", PLAN_STAGES, consulted_before_ceasing, f"CFA 2014 s.45; {REGS} reg 31"),
    Recording("transfer_informed", PLAN_STAGES, transferred_in, f"{REGS} reg 15(4)"),
    Recording("move_notified", PLAN_STAGES, none, f"{REGS} reg 15(2)"),
)
