"""Transfers between local authorities (SEND Regulations 2014 reg 15; G37, G38).

Into this LA: a plan transferring in opens a case at stage final (reg 15(3)); the family is told
within 6 weeks (reg 15(4)); the first review is due by the later of 12 months from the old LA's
last review and 3 months from the transfer (reg 15(5)). Out of it: the plan transfers on the day of
the move, or within 15 working days of becoming aware (reg 15(2)), and the case closes (SEN2 cease
reason 5). Each function is one audited transaction; Refused names the rule.
"""

from __future__ import annotations

from datetime import date

from ehcp.domain import IllegalMove, check_event
from ehcp.domain import events as ev
from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import append_event, now_utc
from ehcp.services.cases import ChildDetails, _matching_child, _next_reference, _references_for, check_text
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Conflict, Refused
from ehcp.services.lifecycle_common import Recorded, check_dates, record
from ehcp.services.users import acting_user
from ehcp.store.models import Case, Child


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
        session = uow.session
        calendar = working_calendar(session)
        try:
            check_event([], event, calendar=calendar)
        except IllegalMove as exc:
            raise Refused(str(exc)) from None
        existing = _matching_child(session, child)
        if existing is not None and not force:
            refs = ", ".join(_references_for(session, existing.id)) or "on file"
            raise Conflict(f"{child.given_name} {child.family_name} (born {child.dob}) already has case(s) {refs}; "
                           "use --force to open another case for this child")
        child_row = existing or Child(**child.__dict__)
        session.add(child_row)
        session.flush()
        stamp = now_utc()
        case = Case(reference=_next_reference(session, on.year), child_id=child_row.id, stage="final", received=on,
                    source="other", caseworker_id=acting_user(session, ctx.actor, ctx.settings).id, opened_at=stamp,
                    updated_at=stamp, updated_by=ctx.actor)
        session.add(case)
        session.flush()
        history = append_event(session, case, event, actor=ctx.actor, today=ctx.today, reason=reason,
                               action="plan_transferred_in")
        uow.commit()
        from ehcp.domain import compute_deadlines

        deadlines = compute_deadlines(history, calendar=calendar, today=ctx.today)
        return Recorded(case.reference, case.stage, [event.kind], deadlines, ctx.today)


def record_transfer_informed(ctx: ServiceContext, reference: str, *, on: date) -> Recorded:
    """The family was told the plan transferred, whether the LA will assess, and when it will review."""
    return record(ctx, reference, [ev.TransferInformed(on)], action="transfer_informed")


def notify_move(ctx: ServiceContext, reference: str, *, aware: date, move_date: date,
                to_la: str | None = None) -> Recorded:
    """This LA became aware on ``aware`` that the child moves out on ``move_date`` (reg 15(2))."""

    def details(history: list, calendar: object) -> dict:
        from ehcp.domain.plan_life import latest_sufficient_awareness
        from ehcp.rules import DEFAULT_POLICY

        return {"aware_by_for_transfer_on_the_day": latest_sufficient_awareness(
            move_date, calendar, DEFAULT_POLICY.la_transfer_notice)}

    return record(ctx, reference, [ev.MoveNotified(aware, move_date, to_la)], action="move_notified", details=details)


def transfer_out(ctx: ServiceContext, reference: str, *, on: date, to_la: str | None = None) -> Recorded:
    """The plan was transferred to the new LA on ``on``; the case closes (stage ceased)."""
    return record(ctx, reference, [ev.PlanTransferredOut(on, to_la)], action="plan_transferred_out")
