"""What every statutory process shares: the Event base, the rows of the stage machine (Transition,
Recording) holding guard functions, GuardContext and Refusal, the history and its same-day order,
counting, clocks and their replay, the child's facts, and the disapplication of time limits by
statutory exceptions. The processes (assessment, review, plan_life, disputes) build on it;
ehcp.domain.lifecycle assembles them.
"""

from ehcp.domain.machine.child import ChildFacts, academic_year, age_on, child_facts, ncy_from_dob, year_group_on
from ehcp.domain.machine.clocks import Clock, Context, family, next_key, pending, select_rule
from ehcp.domain.machine.counting import longstop_due, nominal_due, receipt_date, service_date
from ehcp.domain.machine.disapplication import ExceptionRecorded, disapply
from ehcp.domain.machine.event import Event, UnknownEvent
from ehcp.domain.machine.guards import (
    COMMON_GUARDS,
    Guard,
    GuardContext,
    Replayer,
    none,
    one_of,
    valid_service,
    waived_since,
    window_end,
    window_open_until,
)
from ehcp.domain.machine.history import last_of, ordered, request_of
from ehcp.domain.machine.refusal import IllegalMove, Refusal
from ehcp.domain.machine.replay import Replay
from ehcp.domain.machine.table import Recording, Transition

__all__ = [
    "COMMON_GUARDS",
    "ChildFacts",
    "Clock",
    "Context",
    "Event",
    "ExceptionRecorded",
    "Guard",
    "GuardContext",
    "IllegalMove",
    "Recording",
    "Refusal",
    "Replay",
    "Replayer",
    "Transition",
    "UnknownEvent",
    "academic_year",
    "age_on",
    "child_facts",
    "disapply",
    "family",
    "last_of",
    "longstop_due",
    "ncy_from_dob",
    "next_key",
    "nominal_due",
    "none",
    "one_of",
    "ordered",
    "pending",
    "receipt_date",
    "request_of",
    "select_rule",
    "service_date",
    "valid_service",
    "waived_since",
    "window_end",
    "window_open_until",
    "year_group_on",
]
