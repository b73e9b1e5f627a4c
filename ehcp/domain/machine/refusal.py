"""Refusals: a guard's answer (Refusal) and the one error a refused move or event raises (IllegalMove)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ehcp.domain.vocabulary import Stage


@dataclass(frozen=True)
class Refusal:
    """Why a guard refuses an event, and on what authority."""

    reason: str
    citation: str | None = None


class IllegalMove(Exception):
    """The law (or the case's own history) does not allow this move or event.

    The refusal as data: ``stage`` is where the case stands (None before a request), ``target`` the
    stage asked for (or the event kind, for an event that does not move the case), ``kind`` the
    event kind when one was built, ``rule`` the name of the guard or table check that refused
    (e.g. ``representation_window_closed``, ``no_move``), ``reason`` why not, ``citation`` the
    authority and ``on`` the date. ``str()`` is one line for the command line.
    """

    def __init__(self, stage: Stage | None, target: Stage | str, reason: str,
                 citation: str | None = None, on: date | None = None, *, rule: str | None = None,
                 kind: str | None = None) -> None:
        self.stage = stage
        self.target = target
        self.reason = reason
        self.citation = citation
        self.on = on
        self.rule = rule
        self.kind = kind if kind is not None else (None if isinstance(target, Stage) else target)
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
