"""Errors a service raises for the edges to map: every one is a refusal (exit 1, nothing written)."""

from __future__ import annotations


class Refused(Exception):
    """The command was refused; ``str(exc)`` is the one line a user sees."""


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
