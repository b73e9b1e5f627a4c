"""Review season: the cohort whose phase transfer falls in a year, what each plan still needs before
the reg 18 date, and who is already late (statutory-timescales.md 6.4; G29, G30, G33).

The cohort is every maintained plan (stage final or review) whose child's year group moves on that
September (Child.year_group if recorded, else the chronological year from the date of birth), or
whose log notes another move that year. For each, working back from the reg 18 date: the latest
amendment notice (8 weeks, reg 22(3)) and the latest review meeting (4 weeks, reg 20(10)).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from calendars.working_days import WorkingDayCalendar
from ehcp.domain import child_facts, compute_deadlines, ncy_from_dob, ordered
from ehcp.domain import events as ev
from ehcp.domain.review import deadline_in, planning_dates
from ehcp.rules import DEFAULT_RULES, Policy
from ehcp.services.calendar import working_calendar
from ehcp.services.child_notes import current_year_group
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.policy import policy_of
from ehcp.store.models import Case, Child
from ehcp.store.uow import UnitOfWork

COLUMNS = ("reference", "child", "ncy", "transfer", "transfer_date", "deadline", "latest_meeting",
           "latest_notice", "meeting", "notice", "amended_plan", "status", "late")


@dataclass(frozen=True)
class Season:
    year: int
    as_of: date
    rows: list[dict[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "as_of": self.as_of, "counts": self.counts, "cohort": self.rows}


def default_year(today: date) -> int:
    """The next September's transfer: this year until August, next year from September."""
    return today.year + (today.month >= 9)


def review_season(ctx: ServiceContext, year: int | None = None) -> Season:
    """Every plan transferring in ``year`` (default: next September) with its dates and status."""
    today = ctx.today
    year = year or default_year(today)
    if not 2015 <= year <= today.year + 25:
        raise Refused(f"--year {year}: give a transfer year from 2015 (SEND Regulations 2014 reg 18) "
                      f"to {today.year + 25}")
    with ctx.uow(write=False) as uow:
        calendar = working_calendar(uow)
        policy = policy_of(uow, ctx.settings)
        candidates = _candidates(uow, year, today, policy)
        rows = []
        for case, child in candidates:
            row = _row(case, child, uow.events.history(case.id), year, today, calendar, policy)
            if row is not None:
                rows.append(row)
    rows.sort(key=lambda r: (not r["late"], r["deadline"], r["latest_meeting"], r["reference"]))
    counts = Counter(r["status"].split(":")[0].replace(" ", "_") for r in rows)
    return Season(year, today, rows, {"cohort": len(rows), "late": sum(r["late"] for r in rows), **counts})


def _candidates(uow: UnitOfWork, year: int, today: date, policy: Policy) -> list[tuple[Case, Child]]:
    """Maintained plans whose child moves on in ``year`` by year group, or with a transfer clock then."""
    plans = uow.cases.with_children(("final", "review"))
    clocked = uow.deadlines.case_ids_due_between("phase_transfer", date(year - 1, 6, 1), date(year, 12, 31))
    wanted = set(policy.phase_transfer_ncys)
    return [(case, child) for case, child in plans
            if case.id in clocked or _ncy_before_move(child, year) in wanted]


def _ncy_before_move(child: Child, year: int) -> int | None:
    """The child's year group in the academic year ending with the September ``year`` move."""
    before = date(year - 1, 9, 1)
    if child.year_group is not None:
        return current_year_group(child, before)
    return ncy_from_dob(child.dob, before)


def _row(case: Case, child: Child, history: list, year: int, today: date,
         calendar: WorkingDayCalendar, policy: Policy) -> dict | None:
    history = ordered([*history, ev.ChildNoted(today, child.dob, current_year_group(child, today))])  # as it is now
    facts = child_facts(history)
    notes = [e for e in history if isinstance(e, ev.PhaseTransferNoted)]
    planned = deadline_in(year, facts, notes, rules=DEFAULT_RULES, policy=policy, calendar=calendar)
    clock = next((d for d in compute_deadlines(history, calendar=calendar, today=today, policy=policy)
                  if d.key.split(".")[0] == "phase_transfer" and d.trigger and d.trigger.year == year), None)
    if clock is not None and clock.trigger is not None:
        deadline, transfer_on, citation = clock.due, clock.trigger, clock.citation
    elif planned is not None:
        deadline, transfer_on, citation = planned.due, planned.transfer.on, planned.rule.citation
    else:
        return None
    latest_notice, latest_meeting = planning_dates(deadline, rules=DEFAULT_RULES)
    steps = _steps(history, planned.window_opens if planned else date(year - 1, transfer_on.month, 1))
    status = _status(clock.state if clock else None, steps, deadline, latest_notice, latest_meeting, today)
    return {
        "reference": case.reference, "child": child.full_name, "ncy": facts.ncy(date(year - 1, 9, 1)),
        "transfer": planned.transfer.kind if planned else "", "transfer_date": transfer_on, "deadline": deadline,
        "latest_meeting": latest_meeting, "latest_notice": latest_notice, **steps,
        "status": status, "late": status.startswith("late") or status == "done late",
        "citation": citation,
    }


def _steps(history: list, opens: date) -> dict[str, date | bool | None]:
    """The review steps taken since the child came within 12 months of the transfer."""
    def last(kind: str, attr: str = "on") -> date | None:
        found = [getattr(e, attr) for e in history if e.kind == kind and getattr(e, attr) >= opens]
        return max(found) if found else None

    held = last("review_meeting_held")
    scheduled = last("review_scheduled", "meeting")
    return {"meeting": held or scheduled, "meeting_held": held is not None, "notice": last("amendment_notice_sent"),
            "amended_plan": last("amended_plan_issued")}


def _status(state: str | None, steps: dict, deadline: date, notice_by: date, meeting_by: date, today: date) -> str:
    if state in ("met", "missed") or steps["amended_plan"]:
        done = steps["amended_plan"]
        return "done" if state == "met" or (done and done <= deadline) else "done late"
    if steps["notice"]:
        if today > deadline:
            return "late: amended plan overdue"
        if steps["notice"] > notice_by:
            return "at risk: notice after the latest date"
        return "on track: amended plan to issue"
    if steps["meeting_held"]:
        if today > notice_by:
            return "late: no amendment notice" if today <= deadline else "late: amended plan overdue"
        return "on track: decision and notice to send"
    if today > meeting_by:
        if steps["meeting"] is None:
            return "late: no review meeting"
        return "late: meeting after the latest date" if steps["meeting"] > meeting_by else "late: meeting not recorded"
    if steps["meeting"]:
        if steps["meeting"] > meeting_by:
            return "at risk: meeting after the latest date"
        return "on track: meeting arranged"
    return "to arrange"
