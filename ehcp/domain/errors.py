"""IllegalMove: the one error a refused move or event raises, naming the rule and its citation."""

from __future__ import annotations

from datetime import date

from ehcp.domain.stages import Stage


class IllegalMove(Exception):
    """The law (or the case's own history) does not allow this move or event.

    ``stage`` is where the case stands, ``target`` the stage asked for (or the event kind for an
    event that does not move the case), ``reason`` why not, ``citation`` the authority. ``str()``
    is one line for the command line.
    """

    def __init__(self, stage: Stage | None, target: Stage | str, reason: str,
                 citation: str | None = None, on: date | None = None) -> None:
        self.stage = stage
        self.target = target
        self.reason = reason
        self.citation = citation
        self.on = on
        super().__init__(self._line())

    def _line(self) -> str:
        when = f" on {self.on.isoformat()}" if self.on else ""
        stage = self.stage.value if isinstance(self.stage, Stage) else "(no request)"
        if isinstance(self.target, Stage):
            what = f"move from {stage} to {self.target.value}"
        else:
            what = f"record {self.target} in stage {stage}"
        cited = f" ({self.citation})" if self.citation and self.citation not in self.reason else ""
        return f"cannot {what}{when}: {self.reason}{cited}"
