"""Disputes: appealable decisions, mediation, appeals and tribunal orders (CFA 2014 s.51-55;
regs 32-45; HESC Rules 2008).

``events``, ``table``, ``guards``, ``clocks``; ``appeal_window`` opens the parent's window for
appealing any decision and says until when an appeal is in time.
"""

from ehcp.domain.disputes.appeal_window import appeal_in_time_until, start_appeal_window, tribunal_holiday
from ehcp.domain.disputes.clocks import HANDLERS
from ehcp.domain.disputes.events import (
    APPEAL_OUTCOMES,
    DECISIONS,
    EVENTS,
    LIMBS,
    ORDER_LIMBS,
    UNOPPOSED_LIMBS,
)
from ehcp.domain.disputes.table import RECORDINGS, TRANSITIONS

__all__ = ["APPEAL_OUTCOMES", "DECISIONS", "EVENTS", "HANDLERS", "LIMBS", "ORDER_LIMBS", "RECORDINGS", "TRANSITIONS",
           "UNOPPOSED_LIMBS", "appeal_in_time_until", "start_appeal_window", "tribunal_holiday"]
