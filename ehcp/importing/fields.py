"""Field readers for import rows: each returns the value or raises FieldError naming the column."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from ehcp.importing.errors import FieldError

_REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9/_.-]{0,19}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def iso_date(value: str, column: str, *, required: bool = True) -> date | None:
    """``YYYY-MM-DD`` and a real calendar date; blank is None unless ``required``."""
    text = value.strip()
    if not text:
        if required:
            raise FieldError(column, "a date is required (YYYY-MM-DD)")
        return None
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not (text[:4] + text[5:7] + text[8:]).isdigit():
        raise FieldError(column, f"{text!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise FieldError(column, f"{text!r} is not a real calendar date ({exc})") from None


def not_future(day: date | None, today: date, column: str) -> None:
    if day is not None and day > today:
        raise FieldError(column, f"{day.isoformat()} is in the future (today is {today.isoformat()})")


def choice(value: str, column: str, allowed: Sequence[str], *, default: str | None = None) -> str | None:
    text = value.strip().lower()
    if not text:
        if default is None:
            raise FieldError(column, f"a value is required; one of {', '.join(allowed)}")
        return default
    if text not in allowed:
        raise FieldError(column, f"unknown value {text!r}; expected one of {', '.join(allowed)}")
    return text


def optional_choice(value: str, column: str, allowed: Sequence[str]) -> str | None:
    text = value.strip().lower()
    if not text:
        return None
    if text not in allowed:
        raise FieldError(column, f"unknown value {text!r}; expected one of {', '.join(allowed)}")
    return text


def text(value: str, column: str, *, limit: int, required: bool = False) -> str | None:
    """Short text: trimmed, no control characters, at most ``limit`` characters."""
    cleaned = " ".join(value.split()) if value else ""
    if not cleaned:
        if required:
            raise FieldError(column, "a value is required")
        return None
    if len(cleaned) > limit:
        raise FieldError(column, f"{len(cleaned)} characters long; the limit is {limit}")
    if not cleaned.isprintable():
        raise FieldError(column, "contains control characters")
    return cleaned


def long_text(value: str, column: str, *, limit: int = 5000) -> str | None:
    cleaned = value.strip()
    if not cleaned:
        return None
    if len(cleaned) > limit:
        raise FieldError(column, f"{len(cleaned)} characters long; the limit is {limit}")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in cleaned):
        raise FieldError(column, "contains control characters")
    return cleaned


def reference(value: str, column: str = "reference", *, required: bool = True) -> str | None:
    """A case reference, upper-cased (``EHC-2025-00042``; a migrated system's own references are
    kept if they are 1-20 letters, digits and ``/ _ . -``)."""
    text = value.strip().upper()
    if not text:
        if required:
            raise FieldError(column, "a case reference is required")
        return None
    if not _REFERENCE.match(text):
        raise FieldError(column, f"{text!r} is not a case reference (1-20 letters, digits, '/', '_', '.', '-')")
    return text


def small_int(value: str, column: str, *, low: int, high: int) -> int | None:
    text = value.strip()
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        raise FieldError(column, f"{text!r} is not a whole number") from None
    if not low <= number <= high:
        raise FieldError(column, f"{number} is outside {low}..{high}")
    return number


def upn(value: str, column: str = "upn") -> str | None:
    """Unique pupil number: 13 characters, a letter then 12 letters or digits (DfE UPN format)."""
    text = value.strip().upper()
    if not text:
        return None
    if len(text) != 13 or not text.isalnum() or not text[0].isalpha():
        raise FieldError(column, f"{text!r} is not a unique pupil number (13 characters, starting with a letter)")
    return text


def email(value: str, column: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    if len(text) > 320 or not _EMAIL.match(text):
        raise FieldError(column, f"{text!r} is not an e-mail address")
    return text
