"""The school year: academic years begin on 1 September, and a recorded national curriculum year
moves up one on each. Standard library only and free of the rest of the domain (like
``vocabulary``), so the read path (``case show``) can use it without loading the calendars."""

from __future__ import annotations

from datetime import date


def academic_year(on: date) -> int:
    """The calendar year in which the academic year containing ``on`` began (1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def year_group_on(year_group: int, recorded_in: int, on: date) -> int:
    """The national curriculum year on ``on`` of a child recorded as ``year_group`` in the academic
    year that began in September ``recorded_in``: one up on each 1 September, one down for each year
    back. A child out of cohort stays out by the same offset."""
    return year_group + academic_year(on) - recorded_in
