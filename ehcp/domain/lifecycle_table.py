"""The lifecycle table: the moves and recordings of statutory-timescales.md sections 6-8, in the
same declarative shape as the core table of ehcp.domain.transitions (which reads both).

Kept apart from the core table because the core one is the contract's vocabulary (the stages, and
the events `ehcp import events` reads); a lifecycle event never adds a stage. Guards are named here
and implemented in ehcp.domain.lifecycle_guards.
"""

from __future__ import annotations

from ehcp.domain.stages import OPEN_STAGES, Stage
from ehcp.domain.table import PLAN_STAGES, Recording, Transition

S = Stage
REGS = "SEND Regulations 2014"
# A decision the family can appeal may close the case (refusals) or leave the plan maintained.
DISPUTE_STAGES = PLAN_STAGES | {S.NOT_ASSESSED, S.NO_PLAN}

LIFECYCLE_TRANSITIONS: tuple[Transition, ...] = (
    Transition(None, S.FINAL, "plan_transferred_in", "first_transfer_in", f"{REGS} reg 15(2)-(3)"),
    Transition(S.FINAL, S.CEASED, "plan_transferred_out", "none", f"{REGS} reg 15(2)"),
    Transition(S.REVIEW, S.CEASED, "plan_transferred_out", "none", f"{REGS} reg 15(2)"),
)

LIFECYCLE_RECORDINGS: tuple[Recording, ...] = (
    # annual review, amendments, phase transfers (section 6)
    Recording("child_noted", OPEN_STAGES, "valid_child_details", f"{REGS} reg 2(1); Code of Practice 9.178"),
    Recording("review_scheduled", PLAN_STAGES, "valid_review_schedule", f"{REGS} reg 20(2)-(4), 21(2)-(4)"),
    Recording("review_invitations_sent", PLAN_STAGES, "review_to_invite", f"{REGS} reg 20(3), 21(3)"),
    Recording("review_advice_circulated", PLAN_STAGES, "review_scheduled", f"{REGS} reg 20(4), 21(4)"),
    Recording("review_report_sent", PLAN_STAGES, "meeting_to_report", f"{REGS} reg 20(7), 21(7)"),
    Recording("amendment_not_made", PLAN_STAGES, "amendment_to_decide", f"{REGS} reg 22(4)"),
    Recording("phase_transfer_noted", PLAN_STAGES, "valid_phase_transfer", f"{REGS} reg 2(1), 18"),
    # re-assessment, ceasing, transfers between authorities (section 7)
    Recording("reassessment_requested", PLAN_STAGES, "valid_reassessment_request", f"CFA 2014 s.44(2); {REGS} reg 25(1)"),
    Recording("reassessment_agreed", PLAN_STAGES, "not_reassessing", f"CFA 2014 s.44(2); {REGS} reg 25(1)"),
    Recording("reassessment_refused", PLAN_STAGES, "reassessment_refusal_ground", f"{REGS} reg 24, 25(1)"),
    Recording("reassessment_draft_sent", PLAN_STAGES, "reassessment_draft", f"{REGS} reg 27(2), 13(1)"),
    Recording("reassessment_concluded", PLAN_STAGES, "reassessment_conclusion", f"{REGS} reg 27(2), 13(1)(a)"),
    Recording("cease_consulted", PLAN_STAGES, "none", f"{REGS} reg 31(1)"),
    Recording("cease_notice_sent", PLAN_STAGES, "consulted_before_ceasing", f"CFA 2014 s.45; {REGS} reg 31"),
    Recording("transfer_informed", PLAN_STAGES, "transferred_in", f"{REGS} reg 15(4)"),
    Recording("move_notified", PLAN_STAGES, "none", f"{REGS} reg 15(2)"),
    # mediation, appeals, tribunal orders (section 8)
    Recording("appealable_decision", DISPUTE_STAGES, "valid_decision", f"CFA 2014 s.51; {REGS} reg 32"),
    Recording("mediation_adviser_contacted", DISPUTE_STAGES, "decision_to_dispute", f"{REGS} reg 33; CFA 2014 s.55"),
    Recording("mediation_requested", DISPUTE_STAGES, "decision_to_dispute", f"{REGS} regs 35-37"),
    Recording("mediation_icb_notified", DISPUTE_STAGES, "health_issues_to_notify", f"{REGS} regs 35-36"),
    Recording("mediation_unavailable", DISPUTE_STAGES, "mediation_pending", f"{REGS} regs 37-39"),
    Recording("mediation_concluded", DISPUTE_STAGES, "mediation_to_conclude", f"{REGS} regs 39, 42"),
    Recording("mediation_certificate_issued", DISPUTE_STAGES, "decision_to_dispute", f"{REGS} regs 34, 39"),
    Recording("appeal_lodged", DISPUTE_STAGES, "appeal_to_lodge", "HESC Rules 2008 r.20; CFA 2014 s.51"),
    Recording("appeal_concluded", DISPUTE_STAGES, "appeal_to_conclude", "HESC Rules 2008"),
    Recording("tribunal_ordered", DISPUTE_STAGES, "valid_order", f"{REGS} reg 44"),
    Recording("appeal_unopposed", DISPUTE_STAGES, "valid_unopposed", f"{REGS} reg 45"),
    Recording("order_complied", DISPUTE_STAGES, "order_outstanding", f"{REGS} regs 42, 44, 45"),
)
