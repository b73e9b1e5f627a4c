"""The stage machine as one declarative table, plus the table of events that do not move a case.

`TRANSITIONS` says which event moves a case from which stage to which, under which guard and on
what authority; `RECORDINGS` says in which stages a non-moving event may be recorded. Guards are
named here and implemented in `ehcp.domain.guards` / `ehcp.domain.record_guards`. Every move is
also subject to `COMMON_GUARDS`: no move from a closed stage, none dated before the request or before
the previous event. Events that do not move a case may be recorded late, dated when they happened,
provided the case was then in a stage that allows them (and not before the request).
"""

from __future__ import annotations

from dataclasses import dataclass

from ehcp.domain.stages import CLOSED_STAGES, OPEN_STAGES, Stage

S = Stage


@dataclass(frozen=True)
class Transition:
    """``source`` --``kind``--> ``target`` when guard ``guard`` allows it; None = the first event."""

    source: Stage | None
    target: Stage
    kind: str
    guard: str
    citation: str

    def describe(self) -> str:
        source = self.source.value if self.source else "(start)"
        return f"{source:<12} -> {self.target.value:<12} {self.kind:<22} {self.guard:<30} {self.citation}"


@dataclass(frozen=True)
class Recording:
    """A non-moving event ``kind`` may be recorded while the case is in one of ``stages``."""

    kind: str
    stages: frozenset[Stage]
    guard: str
    citation: str

    def describe(self) -> str:
        if self.stages == OPEN_STAGES:
            stages = "any open stage"
        else:
            stages = ",".join(stage.value for stage in Stage if stage in self.stages)
        return f"{self.kind:<22} in {stages:<28} {self.guard:<30} {self.citation}"


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
    Transition(S.FINAL, S.CEASED, "plan_ceased", "none", CEASE),
    Transition(S.REVIEW, S.CEASED, "plan_ceased", "none", CEASE),
) + tuple(
    Transition(stage, S.WITHDRAWN, "case_withdrawn", "none", WITHDRAWAL)
    for stage in (S.REQUEST, S.ASSESSMENT, S.DRAFT, S.FINAL, S.REVIEW)
)

# Checked before every move: a closed case never moves, and the log stays in date order.
COMMON_GUARDS = ("open_stage", "not_before_request", "not_before_previous_event")

PLAN_STAGES = frozenset({S.FINAL, S.REVIEW})
DRAFT_OR_PLAN = frozenset({S.DRAFT}) | PLAN_STAGES
ADVICE_STAGES = frozenset({S.REQUEST, S.ASSESSMENT, S.DRAFT})  # reg 5(4)(a): also while deciding

RECORDINGS: tuple[Recording, ...] = (
    Recording("advice_requested", ADVICE_STAGES, "valid_advice_request", f"{REGS} reg 6(1), 8(1)"),
    Recording("advice_received", OPEN_STAGES, "matching_advice_request", f"{REGS} reg 8(1)"),
    Recording("representations_waived", DRAFT_OR_PLAN, "window_open", f"{REGS} reg 13(1)(a), 22(2)(c)"),
    Recording("school_consulted", DRAFT_OR_PLAN, "none", "CFA 2014 s.39(2), s.40(3); Code of Practice 9.83"),
    Recording("school_responded", DRAFT_OR_PLAN, "matching_consultation", "Code of Practice 9.83"),
    Recording("amendment_notice_sent", PLAN_STAGES, "no_amendment_in_progress", f"{REGS} reg 22(2)"),
    Recording("amended_plan_issued", PLAN_STAGES, "amendment_window_closed", f"{REGS} reg 22(2)(c), 22(3)"),
    Recording("exception_recorded", OPEN_STAGES, "valid_exception", f"{REGS} reg 5(4), 8(2), 10(4), 13(3)"),
)

MOVING_KINDS = frozenset(t.kind for t in TRANSITIONS)


def transition_for(stage: Stage | None, kind: str) -> Transition | None:
    """The transition event ``kind`` makes from ``stage``, if any."""
    return next((t for t in TRANSITIONS if t.source == stage and t.kind == kind), None)


def transition_to(stage: Stage, target: Stage) -> Transition | None:
    """The transition from ``stage`` to ``target``, if the table has one."""
    return next((t for t in TRANSITIONS if t.source == stage and t.target == target), None)


def recording_for(kind: str) -> Recording | None:
    return next((r for r in RECORDINGS if r.kind == kind), None)


def exits(stage: Stage) -> tuple[Transition, ...]:
    return tuple(t for t in TRANSITIONS if t.source == stage)


def describe_transitions() -> str:
    """The stage machine as text: moves, the guards every move passes, then non-moving events."""
    lines = ["moves:"] + [f"  {t.describe()}" for t in TRANSITIONS]
    lines.append(f"every move: {', '.join(COMMON_GUARDS)}; closed stages: "
                 + ", ".join(sorted(s.value for s in CLOSED_STAGES)))
    lines += ["events that do not move a case:"] + [f"  {r.describe()}" for r in RECORDINGS]
    return "\n".join(lines)
