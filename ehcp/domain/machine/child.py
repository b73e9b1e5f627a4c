"""The child's facts a clock depends on: age (under-5 reviews, Code 9.178) and national curriculum
year (NCY: year 9 content, reg 2(1); phase transfers, reg 18). Academic years start on 1 September.

A year group the LA records (ChildNoted, or a transfer in) beats the chronological one computed from
the date of birth: it is taken as the NCY in the academic year it was noted, and moves up one each
September (G55: a child "in chronological year group" gets the computed one).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ehcp.domain.machine.event import Event
from ehcp.domain.school_year import academic_year, year_group_on

__all__ = ["ChildFacts", "academic_year", "age_on", "child_facts", "ncy_from_dob", "year_group_on"]


def age_on(dob: date, on: date) -> int:
    """Completed years of age on ``on``."""
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def ncy_from_dob(dob: date, on: date) -> int:
    """Chronological NCY: age on 31 August before the academic year, less 4 (Reception = 0).

    Year 9 is the year in which the majority of the class turn 14 (reg 2(1)); G55: born 15 Mar 2013,
    academic year 2026/27 -> year 9.
    """
    return age_on(dob, date(academic_year(on), 8, 31)) - 4


@dataclass(frozen=True)
class ChildFacts:
    dob: date | None = None
    year_group: int | None = None  # NCY recorded by the LA ...
    as_of: date | None = None  # ... in the academic year of this date

    def ncy(self, on: date) -> int | None:
        """The child's NCY on ``on``: the recorded year group moved on, else chronological."""
        if self.year_group is not None and self.as_of is not None:
            return year_group_on(self.year_group, academic_year(self.as_of), on)
        return ncy_from_dob(self.dob, on) if self.dob else None

    def under5(self, on: date) -> bool:
        return self.dob is not None and age_on(self.dob, on) < 5

    def preparation_for_adulthood(self, on: date) -> bool | None:
        """Year 9 or beyond: the review must consider preparing for adulthood (reg 20(6), 21(6))."""
        ncy = self.ncy(on)
        return None if ncy is None else ncy >= 9


def child_facts(events: Iterable[Event]) -> ChildFacts:
    """What the log says about the child; later notes win, a missing value keeps the earlier one."""
    dob, year_group, as_of = None, None, None
    for event in events:
        dob = getattr(event, "dob", None) or dob
        noted = getattr(event, "year_group", None)  # child_noted and plan_transferred_in carry one
        if event.kind == "child_noted" or (event.kind == "plan_transferred_in" and noted is not None):
            year_group, as_of = noted, event.on
    return ChildFacts(dob, year_group, as_of if year_group is not None else None)
