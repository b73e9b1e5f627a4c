"""Retention: SEN files are kept to the child's date of birth + N years (default 31, ``EHCP_RETENTION_YEARS``).

``purge`` erases the child's personal data and deletes the case's event log, deadlines, advice
requests, notes and reminders, but keeps a *tombstone*: the case row (reference, stage, dates) and
the child row with names and identifiers blanked and ``erased_on`` set, so that every audit record
still points at a row and the hash chain stays verifiable. One audit record per purged case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ehcp.services.context import ServiceContext
from ehcp.services.permissions import require
from ehcp.store import audit
from ehcp.store.models import (AdviceRequest, Case, CaseEvent, Child, Deadline, Note, Placement, Reminder,
                               Sen2Plan, SenNeed)

ERASED_DOB = date(1900, 1, 1)


def retention_until(dob: date, years: int) -> date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February
        return date(dob.year + years, 3, 1)


@dataclass(frozen=True)
class Due:
    reference: str
    stage: str
    initials: str
    retain_until: date


def _due(session: Session, today: date, years: int) -> list[tuple[Case, Child, date]]:
    latest_dob = date(today.year - years, today.month, min(today.day, 28))
    rows = session.execute(select(Case, Child).join(Child, Child.id == Case.child_id)
                           .where(Child.erased_on.is_(None), Child.dob <= latest_dob).order_by(Case.reference))
    out = []
    for case, child in rows.unique():
        until = retention_until(child.dob, years)
        if until <= today:
            out.append((case, child, until))
    return out


def report(ctx: ServiceContext, years: int | None = None) -> list[Due]:
    """Cases whose child is past the retention date (audited as a bulk read)."""
    years = years or ctx.settings.retention_years
    with ctx.uow() as uow:
        require(uow.session, ctx.settings, "export_personal_data")
        due = [Due(c.reference, c.stage, f"{ch.given_name[:1]}{ch.family_name[:1]}".upper(), until)
               for c, ch, until in _due(uow.session, ctx.today, years)]
        audit.append(uow.session, actor=ctx.actor, action="retention_reported",
                     detail={"years": years, "cases": len(due)})
        uow.commit()
    return due


def purge(ctx: ServiceContext, years: int | None = None) -> list[str]:
    """Erase every case past retention (needs 'purge_records'); returns the references purged."""
    years = years or ctx.settings.retention_years
    with ctx.uow() as uow:
        session = uow.session
        require(session, ctx.settings, "purge_records")
        purged = []
        for case, child, until in _due(session, ctx.today, years):
            counts = _erase_case(session, case.id)
            if child.erased_on is None:
                child.given_name, child.family_name, child.dob = "", "[erased]", ERASED_DOB
                child.upn = child.uln = child.home_la = child.postcode = child.sex = child.ethnicity = None
                child.year_group = child.setting_id = None
                child.erased_on = ctx.today
            audit.append(session, actor=ctx.actor, action="records_purged", case_id=case.id,
                         detail={"reference": case.reference, "retention_years": years,
                                 "retain_until": until.isoformat(), **counts})
            purged.append(case.reference)
        session.flush()
        uow.commit()
    return purged


def _erase_case(session: Session, case_id: int) -> dict[str, int]:
    advice_ids = list(session.scalars(select(AdviceRequest.id).where(AdviceRequest.case_id == case_id)))
    deadline_ids = list(session.scalars(select(Deadline.id).where(Deadline.case_id == case_id)))
    counts = {}
    counts["reminders"] = session.execute(delete(Reminder).where(
        ((Reminder.subject_type == "advice") & Reminder.subject_id.in_(advice_ids or [-1]))
        | ((Reminder.subject_type == "deadline") & Reminder.subject_id.in_(deadline_ids or [-1])))).rowcount
    counts["deadlines"] = session.execute(delete(Deadline).where(Deadline.case_id == case_id)).rowcount
    counts["advice_requests"] = session.execute(delete(AdviceRequest).where(AdviceRequest.case_id == case_id)).rowcount
    counts["notes"] = session.execute(delete(Note).where(Note.case_id == case_id)).rowcount
    counts["events"] = session.execute(delete(CaseEvent).where(CaseEvent.case_id == case_id)).rowcount
    for name, model in (("placements", Placement), ("sen_needs", SenNeed), ("sen2_plans", Sen2Plan)):  # SEN2 data (sen2 placement/need)
        n = session.execute(delete(model).where(model.case_id == case_id)).rowcount
        if n:
            counts[name] = n
    return counts
