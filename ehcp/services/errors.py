"""Errors a service raises for the edges to map: every one is a refusal (exit 1, nothing written)."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """The command was refused; ``str(exc)`` is the one line a user sees.

    A refusal by the law also carries, as data, the ``rule`` and ``citation`` it rests on, the
    ``stage`` the case stands in and the ``target`` asked for (a stage, or an event kind), so that
    ``--format json`` can show them; any of them may be None.
    """

    def __init__(self, message: str = "", *, rule: str | None = None, citation: str | None = None,
                 stage: str | None = None, target: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.citation = citation
        self.stage = stage
        self.target = target

    def to_dict(self) -> dict[str, Any]:
        """The JSON error document's body: message, rule, citation, stage, target."""
        return {"message": str(self), "rule": self.rule, "citation": self.citation, "stage": self.stage,
                "target": self.target}


def refused_by_law(reference: str | None, exc: Exception) -> Refused:
    """The Refused for a domain IllegalMove on case ``reference``: its line, prefixed with the
    reference (if any), and its rule, citation, stage and target as data."""
    return Refused(f"{reference}: {exc}" if reference else str(exc), rule=getattr(exc, "rule", None),
                   citation=getattr(exc, "citation", None), stage=_name(getattr(exc, "stage", None)),
                   target=_name(getattr(exc, "target", None)))


def _name(value: object) -> str | None:
    """A stage (an Enum) by its value, an event kind as it is."""
    if value is None:
        return None
    return str(getattr(value, "value", value))


class UnknownCase(Refused):
    def __init__(self, reference: str, suggestions: list[str] | None = None) -> None:
        self.reference = reference
        self.suggestions = suggestions or []
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown case {reference!r}{hint}")


class NotFound(Refused):
    """An unknown partner, user, setting or other record named by the user."""


class Conflict(Refused):
    """Someone else changed the record first, or a duplicate would be created."""
