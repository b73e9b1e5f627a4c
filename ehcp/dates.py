"""Strict ISO dates for input. ``2025-02-30`` and ``25/02/2025`` are refused with a one-line reason."""

from __future__ import annotations

import re
from datetime import date

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadDate(ValueError):
    """A date that is not a real ``YYYY-MM-DD`` calendar date."""


def parse_iso_date(text: str, *, what: str = "date") -> date:
    """Parse ``YYYY-MM-DD`` exactly; raise :class:`BadDate` naming the field otherwise."""
    value = (text or "").strip()
    if not _ISO.match(value):
        raise BadDate(f"{what} {text!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadDate(f"{what} {text!r} is not a real calendar date ({exc})") from None
