"""The dispute rows of the stage machine: appealable decisions, mediation, appeals and tribunal
orders (CFA 2014 s.51-55; regs 32-45; HESC Rules 2008). None of them moves a case."""

from __future__ import annotations

from ehcp.domain.disputes.guards import (
    appeal_to_conclude,
    appeal_to_lodge,
    decision_to_dispute,
    health_issues_to_notify,
    mediation_pending,
    mediation_to_conclude,
    order_outstanding,
    reopening_order,
    response_to_send,
    valid_decision,
    valid_order,
    valid_unopposed,
)
from ehcp.domain.machine.table import Recording, Transition
from ehcp.domain.vocabulary import OPEN_STAGES, PLAN_STAGES, Stage

S = Stage
REGS = "SEND Regulations 2014"
# A decision the family can appeal may close the case (refusals) or leave the plan maintained.
DISPUTE_STAGES = PLAN_STAGES | {S.NOT_ASSESSED, S.NO_PLAN}
# A case reopened by an order goes on through assessment and draft while the order is carried out.
ORDER_STAGES = OPEN_STAGES | DISPUTE_STAGES
REOPEN = f"{REGS} reg 44(2)(b)-(c), 45(3), (6)"

# The only moves out of a closed stage: the Tribunal (or the LA, no longer opposing) decided the case must
# be assessed, or a plan made (statutory-timescales.md 8.3-8.4).
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.NOT_ASSESSED, S.ASSESSMENT, "reopened_by_order", reopening_order, REOPEN),
    Transition(S.NO_PLAN, S.ASSESSMENT, "reopened_by_order", reopening_order, REOPEN),
)

RECORDINGS: tuple[Recording, ...] = (
    Recording("appealable_decision", DISPUTE_STAGES, valid_decision, f"CFA 2014 s.51; {REGS} reg 32"),
    Recording("mediation_adviser_contacted", DISPUTE_STAGES, decision_to_dispute, f"{REGS} reg 33; CFA 2014 s.55"),
    Recording("mediation_requested", DISPUTE_STAGES, decision_to_dispute, f"{REGS} regs 35-37"),
    Recording("mediation_icb_notified", DISPUTE_STAGES, health_issues_to_notify, f"{REGS} regs 35-36"),
    Recording("mediation_unavailable", DISPUTE_STAGES, mediation_pending, f"{REGS} regs 37-39"),
    Recording("mediation_concluded", DISPUTE_STAGES, mediation_to_conclude, f"{REGS} regs 39, 42"),
    Recording("mediation_certificate_issued", DISPUTE_STAGES, decision_to_dispute, f"{REGS} regs 34, 39"),
    Recording("appeal_lodged", DISPUTE_STAGES, appeal_to_lodge, "HESC Rules 2008 r.20; CFA 2014 s.51"),
    Recording("appeal_response_sent", ORDER_STAGES, response_to_send, "HESC Rules 2008 r.21(1)"),
    Recording("appeal_concluded", DISPUTE_STAGES, appeal_to_conclude, "HESC Rules 2008"),
    Recording("tribunal_ordered", DISPUTE_STAGES, valid_order, f"{REGS} reg 44"),
    Recording("appeal_unopposed", DISPUTE_STAGES, valid_unopposed, f"{REGS} reg 45"),
    Recording("order_complied", ORDER_STAGES, order_outstanding, f"{REGS} regs 42, 44, 45"),
)
