"""The EHC case domain: stages, events, transitions and deadline computation.

Pure functions over plain data: imports only the standard library, `calendars` and `ehcp.rules`.
No database, no clock (``today`` is always an argument), no Prefect.
"""

from ehcp.domain import events
from ehcp.domain.counting import body_receipt, nominal_due, receipt_date, service_date
from ehcp.domain.deadlines import DISAPPLIED, MET, MISSED, PENDING, STATES, STATUSES, Deadline
from ehcp.domain.errors import IllegalMove
from ehcp.domain.events import (
    ADVICE_KINDS,
    ALL_EVENT_TYPES,
    CHANNELS,
    EVENT_TYPES,
    LIFECYCLE_EVENT_TYPES,
    REQUEST_SOURCES,
    REVIEW_OUTCOMES,
    AdviceReceived,
    AdviceRequested,
    AmendedPlanIssued,
    AmendmentNoticeSent,
    AssessmentAgreed,
    AssessmentRefused,
    CaseWithdrawn,
    DraftPlanSent,
    Event,
    ExceptionRecorded,
    FinalPlanIssued,
    PlanCeased,
    PlanNotIssued,
    RepresentationsWaived,
    RequestReceived,
    ReviewDecided,
    ReviewMeetingHeld,
    SchoolConsulted,
    SchoolResponded,
    UnknownEvent,
    event_from,
)
from ehcp.domain.history import current_stage, ordered, stage_on
from ehcp.domain.moves import check_event, plan_move
from ehcp.domain import practical
from ehcp.domain.practical import sen2_within_20_weeks
from ehcp.domain.compute import compute_deadlines
from ehcp.domain.stages import CLOSED_STAGES, OPEN_STAGES, Stage
from ehcp.domain.transitions import (
    ALL_RECORDINGS,
    ALL_TRANSITIONS,
    RECORDINGS,
    TRANSITIONS,
    Transition,
    describe_lifecycle,
    describe_transitions,
)
from ehcp.domain.child import ChildFacts, academic_year, child_facts, ncy_from_dob

__all__ = [
    "ALL_EVENT_TYPES", "ALL_RECORDINGS", "ALL_TRANSITIONS", "ChildFacts", "LIFECYCLE_EVENT_TYPES",
    "academic_year", "child_facts", "describe_lifecycle", "ncy_from_dob",
    "ADVICE_KINDS", "CHANNELS", "CLOSED_STAGES", "DISAPPLIED", "EVENT_TYPES", "MET", "MISSED",
    "OPEN_STAGES", "PENDING", "RECORDINGS", "REQUEST_SOURCES", "REVIEW_OUTCOMES", "STATES", "STATUSES",
    "TRANSITIONS", "AdviceReceived", "AdviceRequested", "AmendedPlanIssued", "AmendmentNoticeSent",
    "AssessmentAgreed", "AssessmentRefused", "CaseWithdrawn", "Deadline", "DraftPlanSent", "Event",
    "ExceptionRecorded", "FinalPlanIssued", "IllegalMove", "PlanCeased", "PlanNotIssued",
    "RepresentationsWaived", "RequestReceived", "ReviewDecided", "ReviewMeetingHeld", "SchoolConsulted",
    "SchoolResponded", "Stage", "Transition", "UnknownEvent", "check_event", "compute_deadlines",
    "current_stage", "describe_transitions", "event_from", "events", "ordered", "plan_move", "practical",
    "sen2_within_20_weeks", "stage_on", "body_receipt", "nominal_due", "receipt_date", "service_date",
]
