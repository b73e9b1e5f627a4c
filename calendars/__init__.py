"""Ground floor: working days, counting conventions, deemed service and school closures.

Standard library plus `holidays` and `icalendar` only; nothing here knows about cases.
See docs/internal-api.md ("calendars/") and statutory-timescales.md sections 0 and 9.
"""

from __future__ import annotations

from calendars import conventions, post, terms
from calendars.bank_holidays import england_and_wales
from calendars.closures import Closure
from calendars.working_days import WorkingDayCalendar

__all__ = ["Closure", "WorkingDayCalendar", "conventions", "england_and_wales", "post", "terms"]
