"""Retention: SEN files are kept to the child's date of birth + N years (default 31, ``EHCP_RETENTION_YEARS``).

``purge`` erases the child's personal data and deletes the case's event log, deadlines, advice
requests, notes and reminders, but keeps a *tombstone*: the case row (reference, stage, dates) and
the child row with names and identifiers blanked and ``erased_on`` set, so that every audit record
still points at a row and the hash chain stays verifiable. One audit record per purged case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ehcp.services.context import ServiceContext
from ehcp.services.permissions import require
from ehcp.store.models import Case, Child
from ehcp.store.uow import UnitOfWork

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


def _due(uow: UnitOfWork, today: date, years: int) -> list[tuple[Case, Child, date]]:
    latest_dob = date(today.year - years, today.month, min(today.day, 28))
    out = []
    for case, child in uow.cases.born_by(latest_dob):
        until = retention_until(child.dob, years)
        if until <= today:
            out.append((case, child, until))
    return out


def report(ctx: ServiceContext, years: int | None = None) -> list[Due]:
    """Cases whose child is past the retention date (audited as a bulk read)."""
    years = years or ctx.settings.retention_years
    with ctx.uow() as uow:
        require(uow, ctx.settings, "export_personal_data")
        due = [Due(c.reference, c.stage, f"{ch.given_name[:1]}{ch.family_name[:1]}".upper(), until)
               for c, ch, until in _due(uow, ctx.today, years)]
        uow.audit.append(actor=ctx.actor, action="retention_reported",
                         detail={"years": years, "cases": len(due)})
        uow.commit()
    return due


def purge(ctx: ServiceContext, years: int | None = None) -> list[str]:
    """Erase every case past retention (needs 'purge_records'); returns the references purged."""
    years = years or ctx.settings.retention_years
    with ctx.uow() as uow:
        require(uow, ctx.settings, "purge_records")
        purged = []
        for case, child, until in _due(uow, ctx.today, years):
            counts = uow.cases.erase_records(case.id)
            if child.erased_on is None:
                child.given_name, child.family_name, child.dob = "", "[erased]", ERASED_DOB
                child.upn = child.uln = child.home_la = child.postcode = child.sex = child.ethnicity = None
                child.year_group = child.setting_id = None
                child.erased_on = ctx.today
            uow.audit.append(actor=ctx.actor, action="records_purged", case_id=case.id,
                             detail={"reference": case.reference, "retention_years": years,
                                     "retain_until": until.isoformat(), **counts})
            purged.append(case.reference)
        uow.flush()
        uow.commit()
    return purged

