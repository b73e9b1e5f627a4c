"""Case use cases: open, advance, record an exception, note, assign, withdraw.

Each public function is one transaction with one audit record per change, and raises
:class:`~ehcp.services.errors.Refused` (nothing written) when the input or the law does not allow it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ehcp.domain import CLOSED_STAGES, IllegalMove, Stage, plan_move
from ehcp.domain import events as ev
from ehcp.domain.vocabulary import EXCEPTION_REASONS, REQUEST_SOURCES
from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import append_event, case_events, load_case, now_utc
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Conflict, Refused
from ehcp.services.permissions import require
from ehcp.services.sen2_person import PersonItems, checked_person_items
from ehcp.services.users import acting_user, find_user
from ehcp.store import audit
from ehcp.store.models import Case, Child, Note

STAGES = tuple(stage.value for stage in Stage)


@dataclass(frozen=True)
class ChildDetails:
    given_name: str
    family_name: str
    dob: date
    upn: str | None = None
    uln: str | None = None
    year_group: int | None = None
    home_la: str | None = None
    sex: str | None = None  # SEN2 person items, checked by ehcp.services.sen2_person
    ethnicity: str | None = None
    postcode: str | None = None


@dataclass(frozen=True)
class CaseOpened:
    reference: str
    received: date
    stage: str


@dataclass(frozen=True)
class CaseMoved:
    reference: str
    from_stage: str
    to_stage: str
    on: date


def split_name(name: str) -> tuple[str, str]:
    """'Alex Example-Smith' -> ('Alex', 'Example-Smith'); one word is a family name only."""
    parts = " ".join(name.split()).split(" ")
    if not parts or not parts[0]:
        raise Refused("the child's name is empty")
    return (" ".join(parts[:-1]) or "", parts[-1])


def check_text(value: str, what: str, limit: int = 200) -> str:
    """Refuse control characters and over-long values in short text fields."""
    if len(value) > limit:
        raise Refused(f"{what} is {len(value)} characters long; the limit is {limit}")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise Refused(f"{what} contains control characters")
    return value


def check_reason(reason: str | None, what: str = "reason") -> str | None:
    """A free-text reason or note kept in the audit trail: at most 2,000 characters, no control
    characters other than new lines and tabs."""
    if reason is None:
        return None
    if len(reason) > 2000:
        raise Refused(f"{what} is {len(reason)} characters long; the limit is 2000")
    if any((ord(ch) < 32 and ch not in "\n\t") or ord(ch) == 127 for ch in reason):
        raise Refused(f"{what} contains control characters")
    return reason


def check_not_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise Refused(f"{what} {day.isoformat()} is in the future (today is {today.isoformat()})")


def open_case(ctx: ServiceContext, child: ChildDetails, *, received: date, source: str = "parent",
              force: bool = False, reason: str | None = None) -> CaseOpened:
    """Open a case for a request received on ``received``.

    Raises Refused for a future date, a request before the child's birth, an unknown source, or
    (unless ``force``) a child who already has a case (same name and date of birth, or same UPN).
    """
    today = ctx.today
    check_reason(reason)
    check_text(child.given_name, "given name", 100)
    check_text(child.family_name, "family name", 100)
    check_not_future(received, today, "received date")
    check_not_future(child.dob, today, "date of birth")
    if received < child.dob:
        raise Refused(f"received date {received} is before the child's date of birth {child.dob}")
    if source not in REQUEST_SOURCES:
        raise Refused(f"unknown request source {source!r}; sources are {', '.join(REQUEST_SOURCES)}")
    items = checked_person_items(PersonItems(child.sex, child.ethnicity, child.postcode, child.uln), today)
    child = replace(child, sex=items.sex, ethnicity=items.ethnicity, postcode=items.postcode, uln=items.uln)
    with ctx.uow() as uow:
        session = uow.session
        existing_child = _matching_child(session, child)
        if existing_child is not None and not force:
            refs = _references_for(session, existing_child.id)
            raise Conflict(
                f"{child.given_name} {child.family_name} (born {child.dob}) already has "
                f"case(s) {', '.join(refs) or 'on file'}; use --force to open another case for this child"
            )
        require(session, ctx.settings, "act_on_cases")
        user = acting_user(session, ctx.actor, ctx.settings)
        child_row = existing_child or Child(**child.__dict__)
        session.add(child_row)
        session.flush()
        stamp = now_utc()
        case = Case(reference=_next_reference(session, received.year), child_id=child_row.id,
                    stage=Stage.REQUEST.value, received=received, source=source,
                    caseworker_id=user.id, opened_at=stamp, updated_at=stamp, updated_by=ctx.actor)
        session.add(case)
        session.flush()
        append_event(session, case, ev.RequestReceived(on=received, source=source, dob=child.dob),
                     actor=ctx.actor, today=today, reason=reason, action="case_opened")
        uow.commit()
        return CaseOpened(case.reference, received, case.stage)


def _matching_child(session: Session, child: ChildDetails) -> Child | None:
    same_name = (Child.family_name == child.family_name) & (Child.given_name == child.given_name) & (Child.dob == child.dob)
    clause = or_(same_name, Child.upn == child.upn) if child.upn else same_name
    return session.scalars(select(Child).where(clause).limit(1)).first()


def _references_for(session: Session, child_id: int) -> list[str]:
    return list(session.scalars(select(Case.reference).where(Case.child_id == child_id).order_by(Case.id)))


def _next_reference(session: Session, year: int) -> str:
    prefix = f"EHC-{year}-"
    last = session.scalar(
        select(Case.reference).where(Case.reference.like(f"{prefix}%")).order_by(Case.reference.desc()).limit(1)
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


def parse_stage(name: str) -> Stage:
    try:
        return Stage(name)
    except ValueError:
        raise Refused(f"unknown stage {name!r}; stages are {', '.join(STAGES)}") from None


def check_version(case: Case, expected_version: int | None) -> None:
    """Optimistic locking: raise Conflict if the case changed since the caller read ``expected_version``."""
    if expected_version is None or case.version == expected_version:
        return
    at = case.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC") if case.updated_at else "an unknown time"
    raise Conflict(f"{case.reference}: changed by {case.updated_by} at {at}, please re-check "
                   f"(version {case.version}; you had version {expected_version})")


def advance_case(ctx: ServiceContext, reference: str, *, to: str, on: date, reason: str | None = None,
                 expected_version: int | None = None, **details: object) -> CaseMoved:
    """Move a case to ``to`` on ``on``; raises Refused naming the rule when the law does not allow it,
    Conflict when ``expected_version`` is given and someone changed the case since, and Refused
    naming the permission when a caseworker moves a closed case (``reopen_case``)."""
    target = parse_stage(to)
    check_reason(reason)
    check_not_future(on, ctx.today, "date")
    with ctx.uow() as uow:
        case = load_case(uow.session, reference, lock=True)
        check_version(case, expected_version)
        require(uow.session, ctx.settings, "reopen_case" if case.stage in CLOSED_STAGES else "act_on_cases")
        history = case_events(uow.session, case.id)
        try:
            event = plan_move(history, to=target, on=on, calendar=working_calendar(uow.session), **details)
        except IllegalMove as exc:
            raise Refused(f"{case.reference}: {exc}") from None
        from_stage = case.stage
        append_event(uow.session, case, event, actor=ctx.actor, today=ctx.today, reason=reason,
                     action="case_advanced")
        uow.commit()
        return CaseMoved(case.reference, from_stage, case.stage, on)


def record_event(ctx: ServiceContext, reference: str, event, *, reason: str | None = None,  # noqa: ANN001
                 action: str | None = None, permission: str = "act_on_cases",
                 expected_version: int | None = None) -> str:
    """Record a non-moving event (an exception, a waiver, a consultation) after domain validation."""
    check_reason(reason)
    check_not_future(event.on, ctx.today, "date")
    with ctx.uow() as uow:
        case = load_case(uow.session, reference, lock=True)
        check_version(case, expected_version)
        require(uow.session, ctx.settings, permission)
        history = case_events(uow.session, case.id)
        try:
            validate_event(history, event, working_calendar(uow.session))
        except IllegalMove as exc:
            raise Refused(f"{case.reference}: {exc}") from None
        append_event(uow.session, case, event, actor=ctx.actor, today=ctx.today, reason=reason, action=action)
        uow.commit()
        return case.reference


def validate_event(history: list, event, calendar) -> None:  # noqa: ANN001
    """Raise IllegalMove if the law does not allow recording ``event`` after ``history``."""
    from ehcp.domain import check_event

    check_event(history, event, calendar=calendar)


def record_exception(ctx: ServiceContext, reference: str, *, reason: str, start: date,
                     until: date | None = None, advice_kind: str | None = None,
                     note: str | None = None) -> str:
    """Record an exception (reg 5(4), 8(2), 10(4)) that disapplies the clocks it applies to."""
    if reason not in EXCEPTION_REASONS:
        raise Refused(f"unknown exception reason {reason!r}; reasons are {', '.join(EXCEPTION_REASONS)}")
    if until is not None and until < start:
        raise Refused(f"--to {until} is before --from {start}")
    if reason == "school_closure" and until is None:
        start, until = _closure_from_calendar(ctx, reference, start)
    event = ev.ExceptionRecorded(on=start, reason=reason, until=until, advice_kind=advice_kind)
    return record_event(ctx, reference, event, reason=note, action="exception_recorded",
                        permission="record_exception")


def _closure_from_calendar(ctx: ServiceContext, reference: str, day: date) -> tuple[date, date]:
    """The closure containing ``day`` in the child's setting calendar, else the LA default calendar."""
    from ehcp.services.calendars_admin import closure_containing

    with ctx.uow(write=False) as uow:
        case = load_case(uow.session, reference)
        closure = closure_containing(uow.session, day, case.child.setting_id)
    if closure is None:
        raise Refused(f"no imported closure includes {day}; give --to (the re-opening date) "
                      "or import the setting's calendar with 'ehcp calendar import'")
    return closure.start, closure.reopens


def add_note(ctx: ServiceContext, reference: str, text: str) -> str:
    check_text(text, "note", 5000)
    with ctx.uow() as uow:
        case = load_case(uow.session, reference, lock=True)
        require(uow.session, ctx.settings, "act_on_cases")
        uow.session.add(Note(case_id=case.id, at=now_utc(), actor=ctx.actor, text=text))
        audit.append(uow.session, actor=ctx.actor, action="note_added", case_id=case.id,
                     detail={"reference": case.reference, "length": len(text)})
        uow.commit()
        return case.reference


def assign_case(ctx: ServiceContext, reference: str, login: str, reason: str | None = None) -> str:
    check_reason(reason)
    with ctx.uow() as uow:
        case = load_case(uow.session, reference, lock=True)
        require(uow.session, ctx.settings, "act_on_cases")
        user = find_user(uow.session, login)
        before = case.caseworker_id
        case.caseworker_id = user.id
        case.updated_at = now_utc()
        case.updated_by = ctx.actor
        audit.append(uow.session, actor=ctx.actor, action="case_assigned", case_id=case.id,
                     detail={"reference": case.reference, "from_user_id": before, "to": login}, reason=reason)
        uow.commit()
        return case.reference
