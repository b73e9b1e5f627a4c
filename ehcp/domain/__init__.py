"""The EHC case domain: stages, events, transitions and deadline computation, cut by statutory process.

Pure functions over plain data: imports only the standard library, `calendars` and `ehcp.rules`.
No database, no clock (``today`` is always an argument), no Prefect.

    vocabulary     Stage, Channel, AdviceKind, RequestSource, ExceptionReason, ReviewOutcome (StrEnum)
    deadlines      Deadline and the one status rule (deadline_status, DUE_SOON_DAYS)
    machine/       what the processes share: Event, Transition/Recording, guards, history, counting,
                   clocks and replay, the child's facts, disapplication by statutory exceptions
    assessment/    s.36-40, regs 3-13          review/     s.44, regs 18-22 (and phase transfers)
    plan_life/     regs 15, 24-27, 31          disputes/   regs 32-45, tribunal
    events         every event by name and kind; event_from
    lifecycle      the processes' tables and handlers assembled; current_stage
    moves          plan_move, check_event (raise IllegalMove)
    compute        compute_deadlines
    practical      planning aids and SEN2 tests

The names below are loaded on first use (PEP 562), so that ``import ehcp.domain.vocabulary`` or
``ehcp.domain.deadlines`` - which the read path, reports and flows use - does not pay for the
calendars and the rule catalogue at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS: dict[str, str] = {
    **dict.fromkeys(("ADVICE_KINDS", "CHANNELS", "CLOSED_STAGES", "CLOSED_STAGE_NAMES", "EXCEPTION_REASONS",
                     "INITIAL_STAGE", "OPEN_STAGES", "PLAN_STAGES", "REQUEST_SOURCES", "REVIEW_OUTCOMES",
                     "AdviceKind", "Channel", "ExceptionReason", "RequestSource", "ReviewOutcome", "Stage"),
                    "ehcp.domain.vocabulary"),
    **dict.fromkeys(("CONDITIONAL", "DISAPPLIED", "DUE_SOON", "DUE_SOON_DAYS", "MET", "MILESTONE", "MISSED",
                     "OPEN", "OVERDUE", "PENDING", "STATES", "STATUSES", "Deadline", "deadline_status",
                     "due_soon_until", "is_conditional"),
                    "ehcp.domain.deadlines"),
    **dict.fromkeys(("ALL_EVENT_TYPES", "EVENT_TYPES", "LIFECYCLE_EVENT_TYPES", "AdviceReceived",
                     "AdviceRequested", "AmendedPlanIssued", "AmendmentNoticeSent", "AssessmentAgreed",
                     "AssessmentRefused", "CaseWithdrawn", "DraftPlanSent", "Event", "ExceptionRecorded",
                     "FinalPlanIssued", "PlanCeased", "PlanNotIssued", "RepresentationsWaived", "RequestReceived",
                     "ReviewDecided", "ReviewMeetingHeld", "SchoolConsulted", "SchoolResponded", "UnknownEvent",
                     "event_from"),
                    "ehcp.domain.events"),
    **dict.fromkeys(("ALL_RECORDINGS", "ALL_TRANSITIONS", "LIFECYCLE_RECORDINGS", "LIFECYCLE_TRANSITIONS",
                     "RECORDINGS", "TRANSITIONS", "current_stage", "describe_lifecycle", "describe_transitions",
                     "stage_on"),
                    "ehcp.domain.lifecycle"),
    **dict.fromkeys(("ChildFacts", "IllegalMove", "Recording", "Transition", "academic_year", "child_facts",
                     "ncy_from_dob", "nominal_due", "ordered", "receipt_date", "service_date", "year_group_on"),
                    "ehcp.domain.machine"),
    "body_receipt": "ehcp.domain.assessment",
    "latest_sufficient_awareness": "ehcp.domain.plan_life",
    "deadline_in": "ehcp.domain.review",
    "planning_dates": "ehcp.domain.review",
    "check_event": "ehcp.domain.moves",
    "plan_move": "ehcp.domain.moves",
    "compute_deadlines": "ehcp.domain.compute",
    "sen2_within_20_weeks": "ehcp.domain.practical",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    """Load a public name from its module on first use (PEP 562; see the module docstring)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ehcp.domain' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # the same names, for type checkers and readers
    from ehcp.domain.assessment import body_receipt
    from ehcp.domain.compute import compute_deadlines
    from ehcp.domain.deadlines import (
        CONDITIONAL,
        DISAPPLIED,
        DUE_SOON,
        DUE_SOON_DAYS,
        MET,
        MILESTONE,
        MISSED,
        OPEN,
        OVERDUE,
        PENDING,
        STATES,
        STATUSES,
        Deadline,
        deadline_status,
        due_soon_until,
        is_conditional,
    )
    from ehcp.domain.events import (
        ALL_EVENT_TYPES,
        EVENT_TYPES,
        LIFECYCLE_EVENT_TYPES,
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
    from ehcp.domain.lifecycle import (
        ALL_RECORDINGS,
        ALL_TRANSITIONS,
        LIFECYCLE_RECORDINGS,
        LIFECYCLE_TRANSITIONS,
        RECORDINGS,
        TRANSITIONS,
        current_stage,
        describe_lifecycle,
        describe_transitions,
        stage_on,
    )
    from ehcp.domain.machine import (
        ChildFacts,
        IllegalMove,
        Recording,
        Transition,
        academic_year,
        child_facts,
        ncy_from_dob,
        nominal_due,
        ordered,
        receipt_date,
        service_date,
        year_group_on,
    )
    from ehcp.domain.moves import check_event, plan_move
    from ehcp.domain.plan_life import latest_sufficient_awareness
    from ehcp.domain.practical import sen2_within_20_weeks
    from ehcp.domain.review import deadline_in, planning_dates
    from ehcp.domain.vocabulary import (
        ADVICE_KINDS,
        CHANNELS,
        CLOSED_STAGE_NAMES,
        CLOSED_STAGES,
        EXCEPTION_REASONS,
        INITIAL_STAGE,
        OPEN_STAGES,
        PLAN_STAGES,
        REQUEST_SOURCES,
        REVIEW_OUTCOMES,
        AdviceKind,
        Channel,
        ExceptionReason,
        RequestSource,
        ReviewOutcome,
        Stage,
    )
