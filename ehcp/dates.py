"""Dates typed at the command line: strict ISO ``YYYY-MM-DD``, or the words ``today`` and
``yesterday`` (relative to the service's today, so ``EHCP_TODAY`` moves them too). ``2025-02-30``
and ``25/02/2025`` are refused with a one-line reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RELATIVE = {"today": 0, "yesterday": 1}


class BadDate(ValueError):
    """A date that is not a real ``YYYY-MM-DD`` calendar date."""


def parse_iso_date(text: str, *, what: str = "date", today: Callable[[], date] | None = None) -> date:
    """Parse ``YYYY-MM-DD`` exactly (or, given ``today``, the words today and yesterday); raise
    :class:`BadDate` naming the field otherwise."""
    value = (text or "").strip()
    back = RELATIVE.get(value.lower())
    if back is not None and today is not None:
        return today() - timedelta(days=back)
    if not _ISO.match(value):
        words = ", today or yesterday" if today is not None else ""
        raise BadDate(f"{what} {text!r} is not a date in the form YYYY-MM-DD{words}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadDate(f"{what} {text!r} is not a real calendar date ({exc})") from None
