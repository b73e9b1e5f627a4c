"""Assessment: from the request to the plan (CFA 2014 s.36-40; regs 3-13).

``events`` the facts, ``table`` the rows of the stage machine, ``guards`` the conditions the rows
hold, ``clocks`` the handlers that start and settle the 6-, 16- and 20-week clocks, advice, the
draft plan's window and consultations.
"""

from ehcp.domain.assessment.clocks import HANDLERS, body_receipt
from ehcp.domain.assessment.events import EVENTS
from ehcp.domain.assessment.table import RECORDINGS, TRANSITIONS

__all__ = ["EVENTS", "HANDLERS", "RECORDINGS", "TRANSITIONS", "body_receipt"]
