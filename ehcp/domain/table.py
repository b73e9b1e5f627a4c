"""The shape of the stage machine's rows: a Transition (an event that moves a case) and a Recording
(an event allowed in some stages that does not move it). The rows themselves are in
ehcp.domain.transitions (core) and ehcp.domain.lifecycle_table (the rest of the lifecycle)."""

from __future__ import annotations

from dataclasses import dataclass

from ehcp.domain.stages import OPEN_STAGES, Stage

PLAN_STAGES = frozenset({Stage.FINAL, Stage.REVIEW})  # a plan is maintained


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
