"""Retention: a SEN file is kept for N years (default 31, ``EHCP_RETENTION_YEARS``, never fewer than
25) after the case closed (not assessed, no plan, ceased, withdrawn; a plan transferred out ceases
here) and after the child's date of birth, whichever ends later. An open case is never due, whatever
the date of birth says. The closing date is taken from the log: its last event (a later event on a
closed case, an appeal say, only keeps the file longer).

``purge`` erases the child's personal data and deletes the case's event log, deadlines, advice
requests, notes and reminders, but keeps a *tombstone*: the case row (reference, stage, dates) and
the child row with names and identifiers blanked and ``erased_on`` set, so that every audit record
still points at a row and the hash chain stays verifiable. One audit record per purged case. The
outbox ``.eml`` files that name a purged case's reference are deleted too (a digest names its cases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ehcp.domain import CLOSED_STAGE_NAMES
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.permissions import require
from ehcp.store.models import Case, Child
from ehcp.store.uow import UnitOfWork

ERASED_DOB = date(1900, 1, 1)
MINIMUM_YEARS = 25  # the policy minimum: a shorter period is refused, wherever it was set


def retention_years(ctx: ServiceContext, years: int | None) -> int:
    """The period asked for (``--years``) or configured (environment, ehcp.toml); below the policy
    minimum it is refused, never applied."""
    chosen = ctx.settings.retention_years if years is None else years
    if chosen < MINIMUM_YEARS:
        source = "--years" if years is not None else "EHCP_RETENTION_YEARS (or retention_years in ehcp.toml)"
        raise Refused(f"{source} {chosen} refused: closed files are kept at least {MINIMUM_YEARS} years after "
                      "closure (the policy minimum)")
    return chosen


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


@dataclass
class Purged:
    references: list[str] = field(default_factory=list)
    messages_deleted: int = 0
    outbox: Path | None = None  # the folder searched, None when messages go by e-mail or Notify


def _due(uow: UnitOfWork, today: date, years: int) -> list[tuple[Case, Child, date]]:
    """Closed cases whose retention ended by ``today``: N years after both closure and birth."""
    latest_dob = date(today.year - years, today.month, min(today.day, 28))
    out = []
    for case, child in uow.cases.born_by(latest_dob):
        if case.stage not in CLOSED_STAGE_NAMES:
            continue
        closed = max((e.on for e in uow.events.history(case.id)), default=case.received)
        until = max(retention_until(child.dob, years), retention_until(closed, years))
        if until <= today:
            out.append((case, child, until))
    return out


def _delete_messages(outbox: Path, references: list[str]) -> int:
    """Delete the outbox messages naming any of ``references``; how many went."""
    if not references or not outbox.is_dir():
        return 0
    deleted = 0
    for path in sorted(outbox.glob("*.eml")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        if any(ref in text for ref in references):
            path.unlink()
            deleted += 1
    return deleted


def report(ctx: ServiceContext, years: int | None = None) -> list[Due]:
    """Closed cases past their retention date (audited as a bulk read)."""
    years = retention_years(ctx, years)
    with ctx.uow() as uow:
        require(uow, ctx.settings, "export_personal_data")
        due = [Due(c.reference, c.stage, f"{ch.given_name[:1]}{ch.family_name[:1]}".upper(), until)
               for c, ch, until in _due(uow, ctx.today, years)]
        uow.audit.append(actor=ctx.actor, action="retention_reported",
                         detail={"years": years, "cases": len(due)})
        uow.commit()
    return due


def purge(ctx: ServiceContext, years: int | None = None) -> Purged:
    """Erase every case past retention (needs 'purge_records') and the outbox messages naming them."""
    years = retention_years(ctx, years)
    with ctx.uow() as uow:
        require(uow, ctx.settings, "purge_records")
        purged = []
        for case, child, until in _due(uow, ctx.today, years):
            erased = uow.audit.erasing(case.id)  # the purge record commits to the events it erases
            counts = uow.cases.erase_records(case.id)
            if child.erased_on is None:
                child.given_name, child.family_name, child.dob = "", "[erased]", ERASED_DOB
                child.upn = child.uln = child.home_la = child.postcode = child.sex = child.ethnicity = None
                child.year_group = child.year_group_year = child.setting_id = None
                child.erased_on = ctx.today
            uow.audit.append(actor=ctx.actor, action="records_purged", case_id=case.id,
                             detail={"reference": case.reference, "retention_years": years,
                                     "retain_until": until.isoformat(), **counts}, events=erased)
            purged.append(case.reference)
        uow.flush()
        uow.commit()
    outbox = ctx.settings.outbox if ctx.settings.notifier == "outbox" else None
    deleted = _delete_messages(outbox, purged) if outbox else 0
    return Purged(purged, deleted, outbox)

