"""Shared helpers for the calendars tests."""

from __future__ import annotations

from datetime import date

from calendars import england_and_wales

CAL = england_and_wales()


def d(iso: str) -> date:
    return date.fromisoformat(iso)
