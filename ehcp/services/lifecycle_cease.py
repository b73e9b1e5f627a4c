"""Ceasing to maintain a plan (CFA 2014 s.45; SEND Regulations 2014 reg 31; G51).

Consult first (reg 31(1)); the decision carries appeal rights; the plan is maintained until the
appeal period ends (the day after the appeal deadline, HESC r.20 and r.12) or an appeal is
determined, and only then ceases. Each function is one audited transaction; Refused names the rule.
"""

from __future__ import annotations

from datetime import date

from calendars.working_days import WorkingDayCalendar
from ehcp.domain import compute_deadlines
from ehcp.domain import events as ev
from ehcp.rules.policy import Policy
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.lifecycle_common import Recorded, latest, record
from ehcp.store.models import Case


def consult_on_ceasing(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The family and the setting were informed that ceasing is being considered, and consulted."""
    return record(ctx, reference, [ev.CeaseConsulted(on)], action="cease_consulted")


def _effective(history: list, calendar: WorkingDayCalendar, policy: Policy) -> dict:
    today = max(e.on for e in history)
    found = [d for d in compute_deadlines(history, calendar=calendar, today=today, policy=policy)
             if d.key.startswith("cease_effective")]
    return {"may_cease_from": found[-1].due if found else None}


def notify_cease(ctx: ServiceContext, reference: str, *, on: date, reason: str = "other") -> Recorded:
    """Notify the decision to cease (SEN2 reason); the appeal window and cease_effective start."""
    return record(ctx, reference, [ev.CeaseNoticeSent(on, reason)], action="cease_notice_sent", details=_effective)


def cease_plan(ctx: ServiceContext, reference: str, *, on: date, reason: str | None = None) -> Recorded:
    """The plan ceased on ``on``: not before the appeal period ends (s.45). A death (reason
    "deceased") ends it at once: its notice is recorded with it if none is."""
    if reason not in (None, "deceased"):
        raise Refused(f"--reason {reason!r}: only 'deceased' ends a plan without a notice; give other reasons "
                      "with the decision to cease (ehcp cease notice)")

    def build(case: Case, history: list, calendar: WorkingDayCalendar) -> list[ev.Event]:
        notice = latest(history, "cease_notice_sent")
        if reason == "deceased" and not (isinstance(notice, ev.CeaseNoticeSent) and notice.reason == "deceased"):
            return [ev.CeaseNoticeSent(on, "deceased"), ev.PlanCeased(on)]
        return [ev.PlanCeased(on)]

    return record(ctx, reference, build, action="plan_ceased")
