"""The review rows of the stage machine: the annual review, its steps, amendments, phase transfers
and the child's details (CFA 2014 s.44; regs 18-22)."""

from __future__ import annotations

from ehcp.domain.machine.guards import none
from ehcp.domain.machine.table import Recording, Transition
from ehcp.domain.review.guards import (
    amendment_to_decide,
    amendment_window_closed,
    meeting_to_report,
    no_amendment_in_progress,
    review_scheduled,
    review_to_invite,
    valid_child_details,
    valid_phase_transfer,
    valid_review_outcome,
    valid_review_schedule,
)
from ehcp.domain.vocabulary import OPEN_STAGES, PLAN_STAGES, Stage

S = Stage
REGS = "SEND Regulations 2014"

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.FINAL, S.REVIEW, "review_meeting_held", none, f"CFA 2014 s.44(1); {REGS} reg 20, 21"),
    Transition(S.REVIEW, S.FINAL, "review_decided", valid_review_outcome, f"{REGS} reg 20(10)"),
)

RECORDINGS: tuple[Recording, ...] = (
    Recording("amendment_notice_sent", PLAN_STAGES, no_amendment_in_progress, f"{REGS} reg 22(2)"),
    Recording("amended_plan_issued", PLAN_STAGES, amendment_window_closed, f"{REGS} reg 22(2)(c), 22(3)"),
    Recording("child_noted", OPEN_STAGES, valid_child_details, f"{REGS} reg 2(1); Code of Practice 9.178"),
    Recording("review_scheduled", PLAN_STAGES, valid_review_schedule, f"{REGS} reg 20(2)-(4), 21(2)-(4)"),
    Recording("review_invitations_sent", PLAN_STAGES, review_to_invite, f"{REGS} reg 20(3), 21(3)"),
    Recording("review_advice_circulated", PLAN_STAGES, review_scheduled, f"{REGS} reg 20(4), 21(4)"),
    Recording("review_report_sent", PLAN_STAGES, meeting_to_report, f"{REGS} reg 20(7), 21(7)"),
    Recording("amendment_not_made", PLAN_STAGES, amendment_to_decide, f"{REGS} reg 22(4)"),
    Recording("phase_transfer_noted", PLAN_STAGES, valid_phase_transfer, f"{REGS} reg 2(1), 18"),
)
