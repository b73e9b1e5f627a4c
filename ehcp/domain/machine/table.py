"""The shape of the stage machine's rows: a Transition (an event that moves a case) and a Recording
(an event allowed in some stages that does not move it). Each row holds its guard function; the
rows themselves are in each process package's ``table`` module, assembled by ehcp.domain.lifecycle."""

from __future__ import annotations

from dataclasses import dataclass

from ehcp.domain.machine.guards import Guard
from ehcp.domain.vocabulary import OPEN_STAGES, Stage


@dataclass(frozen=True)
class Transition:
    """``source`` --``kind``--> ``target`` when ``guard`` allows it; None = the first event."""

    source: Stage | None
    target: Stage
    kind: str
    guard: Guard
    citation: str

    def describe(self) -> str:
        source = self.source.value if self.source else "(start)"
        return f"{source:<12} -> {self.target.value:<12} {self.kind:<22} {self.guard.__name__:<30} {self.citation}"


@dataclass(frozen=True)
class Recording:
    """A non-moving event ``kind`` may be recorded while the case is in one of ``stages``."""

    kind: str
    stages: frozenset[Stage]
    guard: Guard
    citation: str

    def describe(self) -> str:
        if self.stages == OPEN_STAGES:
            stages = "any open stage"
        else:
            stages = ",".join(stage.value for stage in Stage if stage in self.stages)
        return f"{self.kind:<22} in {stages:<28} {self.guard.__name__:<30} {self.citation}"
