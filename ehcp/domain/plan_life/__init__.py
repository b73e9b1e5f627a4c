"""Plan life: ceasing (s.45, reg 31), withdrawal, re-assessment (s.44(2), regs 24-27) and
transfers between local authorities (reg 15).

``events``, ``table``, ``guards`` and ``clocks`` (which also lets an appeal decide when a plan under
a decision to cease may end).
"""

from ehcp.domain.plan_life.clocks import HANDLERS, latest_sufficient_awareness, notice_sufficient
from ehcp.domain.plan_life.events import (
    CEASE_REASONS,
    EVENTS,
    REASSESSMENT_OUTCOMES,
    REASSESSMENT_SOURCES,
    REFUSAL_GROUNDS,
)
from ehcp.domain.plan_life.table import RECORDINGS, TRANSITIONS

__all__ = ["CEASE_REASONS", "EVENTS", "HANDLERS", "REASSESSMENT_OUTCOMES", "REASSESSMENT_SOURCES", "RECORDINGS",
           "REFUSAL_GROUNDS", "TRANSITIONS", "latest_sufficient_awareness", "notice_sufficient"]
