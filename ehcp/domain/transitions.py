"""The stage machine as one declarative table, plus the table of events that do not move a case.

`TRANSITIONS` says which event moves a case from which stage to which, under which guard and on
what authority; `RECORDINGS` says in which stages a non-moving event may be recorded. Guards are
named here and implemented in `ehcp.domain.guards` / `ehcp.domain.record_guards`. Every move is
also subject to `COMMON_GUARDS`: no move from a closed stage, none dated before the request or before
the previous event. Events that do not move a case may be recorded late, dated when they happened,
provided the case was then in a stage that allows them (and not before the request).
"""

from __future__ import annotations

from ehcp.domain.lifecycle_table import LIFECYCLE_RECORDINGS, LIFECYCLE_TRANSITIONS
from ehcp.domain.stages import CLOSED_STAGES, OPEN_STAGES, Stage
from ehcp.domain.table import PLAN_STAGES, Recording, Transition

S = Stage


WITHDRAWAL = "case closed at the family's request (no statutory procedure)"
REGS = "SEND Regulations 2014"
CEASE = f"CFA 2014 s.45; {REGS} reg 31"

TRANSITIONS: tuple[Transition, ...] = (
    Transition(None, S.REQUEST, "request_received", "first_event", "CFA 2014 s.36(1)"),
    Transition(S.REQUEST, S.ASSESSMENT, "assessment_agreed", "none", f"CFA 2014 s.36(8); {REGS} reg 5(1)"),
    Transition(S.REQUEST, S.NOT_ASSESSED, "assessment_refused", "none",
               f"CFA 2014 s.36(5); {REGS} reg 4(1), 5(3)"),
    Transition(S.ASSESSMENT, S.DRAFT, "draft_plan_sent", "valid_service", f"CFA 2014 s.38; {REGS} reg 13(1)"),
    Transition(S.ASSESSMENT, S.NO_PLAN, "plan_not_issued", "none", f"CFA 2014 s.36(9); {REGS} reg 10(1)"),
    Transition(S.DRAFT, S.FINAL, "final_plan_issued", "representation_window_closed",
               f"{REGS} reg 13(1)(a), 13(2)"),
    Transition(S.FINAL, S.REVIEW, "review_meeting_held", "none", f"CFA 2014 s.44(1); {REGS} reg 20, 21"),
    Transition(S.REVIEW, S.FINAL, "review_decided", "valid_review_outcome", f"{REGS} reg 20(10)"),
    Transition(S.FINAL, S.CEASED, "plan_ceased", "lawful_cease", CEASE),
    Transition(S.REVIEW, S.CEASED, "plan_ceased", "lawful_cease", CEASE),
) + tuple(
    Transition(stage, S.WITHDRAWN, "case_withdrawn", "none", WITHDRAWAL)
    for stage in (S.REQUEST, S.ASSESSMENT, S.DRAFT, S.FINAL, S.REVIEW)
)

# Checked before every move: a closed case never moves, and the log stays in date order.
COMMON_GUARDS = ("open_stage", "not_before_request", "not_before_previous_event")

DRAFT_OR_PLAN = frozenset({S.DRAFT}) | PLAN_STAGES
ADVICE_STAGES = frozenset({S.REQUEST, S.ASSESSMENT, S.DRAFT})  # reg 5(4)(a): also while deciding

RECORDINGS: tuple[Recording, ...] = (
    Recording("advice_requested", ADVICE_STAGES | PLAN_STAGES, "valid_advice_request",
              f"{REGS} reg 6(1), 8(1), 26"),
    Recording("advice_received", OPEN_STAGES, "matching_advice_request", f"{REGS} reg 8(1)"),
    Recording("representations_waived", DRAFT_OR_PLAN, "window_open", f"{REGS} reg 13(1)(a), 22(2)(c)"),
    Recording("school_consulted", DRAFT_OR_PLAN, "none", "CFA 2014 s.39(2), s.40(3); Code of Practice 9.83"),
    Recording("school_responded", DRAFT_OR_PLAN, "matching_consultation", "Code of Practice 9.83"),
    Recording("amendment_notice_sent", PLAN_STAGES, "no_amendment_in_progress", f"{REGS} reg 22(2)"),
    Recording("amended_plan_issued", PLAN_STAGES, "amendment_window_closed", f"{REGS} reg 22(2)(c), 22(3)"),
    Recording("exception_recorded", OPEN_STAGES, "valid_exception", f"{REGS} reg 5(4), 8(2), 10(4), 13(3)"),
)

# The core tables above (the contract's stages and EVENT_TYPES) and the lifecycle tables of
# ehcp.domain.lifecycle_table, read together. `case advance --to STAGE` only ever builds a core
# move (transition_to); a lifecycle move (a plan transferred in or out) is built by its own service.
ALL_TRANSITIONS = TRANSITIONS + LIFECYCLE_TRANSITIONS
ALL_RECORDINGS = RECORDINGS + LIFECYCLE_RECORDINGS
MOVING_KINDS = frozenset(t.kind for t in ALL_TRANSITIONS)
_BY_STAGE_AND_KIND = {(t.source, t.kind): t for t in ALL_TRANSITIONS}
_RECORDING_BY_KIND = {r.kind: r for r in ALL_RECORDINGS}


def transition_for(stage: Stage | None, kind: str) -> Transition | None:
    """The transition event ``kind`` makes from ``stage``, if any."""
    return _BY_STAGE_AND_KIND.get((stage, kind))


def transition_to(stage: Stage, target: Stage) -> Transition | None:
    """The transition from ``stage`` to ``target``, if the table has one."""
    return next((t for t in TRANSITIONS if t.source == stage and t.target == target), None)


def recording_for(kind: str) -> Recording | None:
    return _RECORDING_BY_KIND.get(kind)


def exits(stage: Stage) -> tuple[Transition, ...]:
    return tuple(t for t in TRANSITIONS if t.source == stage)


def describe_transitions() -> str:
    """The stage machine as text: moves, the guards every move passes, then non-moving events."""
    lines = ["moves:"] + [f"  {t.describe()}" for t in TRANSITIONS]
    lines.append(f"every move: {', '.join(COMMON_GUARDS)}; closed stages: "
                 + ", ".join(sorted(s.value for s in CLOSED_STAGES)))
    lines += ["events that do not move a case:"] + [f"  {r.describe()}" for r in RECORDINGS]
    return "\n".join(lines)


def describe_lifecycle() -> str:
    """The lifecycle table (reviews to tribunal orders) as text, in the same shape."""
    lines = ["lifecycle moves:"] + [f"  {t.describe()}" for t in LIFECYCLE_TRANSITIONS]
    lines += ["lifecycle events that do not move a case:"] + [f"  {r.describe()}" for r in LIFECYCLE_RECORDINGS]
    return "\n".join(lines)
