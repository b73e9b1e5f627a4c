"""Transfers between local authorities (SEND Regulations 2014 reg 15; G37, G38).

Into this LA: a plan transferring in opens a case at stage final (reg 15(3)); the family is told
within 6 weeks (reg 15(4)); the first review is due by the later of 12 months from the old LA's
last review and 3 months from the transfer (reg 15(5)). Out of it: the plan transfers on the day of
the move, or within 15 working days of becoming aware (reg 15(2)), and the case closes (SEN2 cease
reason 5). Each function is one audited transaction; Refused names the rule.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from calendars.working_days import WorkingDayCalendar
from ehcp.domain import IllegalMove, academic_year, check_event, compute_deadlines
from ehcp.domain import events as ev
from ehcp.domain.plan_life import latest_sufficient_awareness
from ehcp.rules.policy import Policy
from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import sync_deadlines, write_event
from ehcp.services.cases import ChildDetails, check_text, new_child, open_file
from ehcp.services.context import ServiceContext
from ehcp.services.errors import refused_by_law
from ehcp.services.lifecycle_common import Recorded, check_dates, record
from ehcp.services.policy import policy_of
from ehcp.services.users import acting_user


def transfer_in(ctx: ServiceContext, child: ChildDetails, *, on: date, from_la: str | None = None,
                plan_made: date | None = None, last_reviewed: date | None = None, force: bool = False,
                reason: str | None = None) -> Recorded:
    """Open a case for a plan that transferred to this LA on ``on``. Raises Refused for future or
    inconsistent dates, Conflict for a child who already has a case (unless ``force``)."""
    check_text(child.given_name, "given name", 100)
    check_text(child.family_name, "family name", 100)
    check_dates(ctx, (on, "transfer date"), (child.dob, "date of birth"), (plan_made, "plan made"),
                (last_reviewed, "last review"))
    event = ev.PlanTransferredIn(on, from_la and check_text(from_la, "authority", 60), plan_made, last_reviewed,
                                 child.dob, child.year_group)
    with ctx.uow() as uow:
        calendar = working_calendar(uow)
        try:
            check_event([], event, calendar=calendar)
        except IllegalMove as exc:
            raise refused_by_law(None, exc) from None
        # the year group is the one at the transfer, as the event says (ChildFacts)
        recorded_in = academic_year(on) if child.year_group is not None else None
        child_row = new_child(uow, replace(child, year_group_year=recorded_in), force=force)
        user = acting_user(uow, ctx.actor, ctx.settings)
        case = open_file(uow, ctx, child_row, received=on, stage="final", source="other", caseworker_id=user.id)
        history = write_event(uow, case, event, [], actor=ctx.actor, reason=reason, action="plan_transferred_in")
        policy = policy_of(uow, ctx.settings)
        deadlines = compute_deadlines(history, calendar=calendar, today=ctx.today, policy=policy)
        sync_deadlines(uow, case, history, calendar=calendar, today=ctx.today, policy=policy, computed=deadlines)
        uow.commit()
        return Recorded(case.reference, case.stage, [event.kind], deadlines, ctx.today)


def record_transfer_informed(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The family was told the plan transferred, whether the LA will assess, and when it will review."""
    return record(ctx, reference, [ev.TransferInformed(on)], action="transfer_informed")


def notify_move(ctx: ServiceContext, reference: str, *, aware: date, move_date: date,
                to_la: str | None = None) -> Recorded:
    """This LA became aware on ``aware`` that the child moves out on ``move_date`` (reg 15(2))."""

    def details(history: list, calendar: WorkingDayCalendar, policy: Policy) -> dict:
        return {"aware_by_for_transfer_on_the_day": latest_sufficient_awareness(
            move_date, calendar, policy.la_transfer_notice)}

    return record(ctx, reference, [ev.MoveNotified(aware, move_date, to_la)], action="move_notified", details=details)


def transfer_out(ctx: ServiceContext, reference: str, *, on: date, to_la: str | None = None) -> Recorded:
    """The plan was transferred to the new LA on ``on``; the case closes (stage ceased)."""
    return record(ctx, reference, [ev.PlanTransferredOut(on, to_la)], action="plan_transferred_out")
