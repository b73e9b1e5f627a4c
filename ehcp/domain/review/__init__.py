"""Review: the annual review and its steps, amendments and phase transfers (CFA 2014 s.44;
regs 18-22; R (L) v Devon).

``events``, ``table``, ``guards``; ``clocks`` (meeting, decision, amendment) and ``steps`` (around
the meeting: scheduling, invitations, report, under-5 reviews, no amendment); ``phase`` (which
transfer when, and its reg 18 date) and ``phase_clocks`` (its clock during a replay).
"""

from ehcp.domain.review.clocks import HANDLERS
from ehcp.domain.review.events import EVENTS, PHASE_TRANSFERS
from ehcp.domain.review.phase import PhaseDeadline, Transfer, deadline_in, next_deadline, planning_dates
from ehcp.domain.review.table import RECORDINGS, TRANSITIONS

__all__ = [
           "EVENTS",
           "HANDLERS",
           "PHASE_TRANSFERS",
           "RECORDINGS",
           "TRANSITIONS",
           "PhaseDeadline",
           "Transfer",
           "deadline_in",
           "next_deadline",
           "planning_dates",
]
