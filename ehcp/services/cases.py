"""Case use cases: open, advance, record an exception, note, assign, withdraw.

Each public function is one transaction with one audit record per change, and raises
:class:`~ehcp.services.errors.Refused` (nothing written) when the input or the law does not allow it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ehcp.domain import CLOSED_STAGES, Stage, academic_year, plan_move
from ehcp.domain import events as ev
from ehcp.domain.child_match import Person, near_child, same_child
from ehcp.domain.machine.child import age_on
from ehcp.domain.machine.disapplication import why_nothing_changed
from ehcp.domain.vocabulary import EXCEPTION_REASONS, REQUEST_SOURCES
from ehcp.rules.model import SEND_REGS_IN_FORCE
from ehcp.services.calendar import working_calendar
from ehcp.services.case_log import load_case, now_utc, stamp_on, sync_deadlines, write_event
from ehcp.services.child_notes import child_note
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Conflict, Refused
from ehcp.services.permissions import require
from ehcp.services.policy import policy_of
from ehcp.services.recording import Recorded, Step, record
from ehcp.services.sen2_person import PersonItems, checked_person_items
from ehcp.services.users import acting_user, active_user
from ehcp.store.models import Case, Child, User
from ehcp.store.uow import UnitOfWork

STAGES = tuple(stage.value for stage in Stage)
MAX_AGE = 25  # a young person is under 25 (CFA 2014 s.83(2))


@dataclass(frozen=True)
class ChildDetails:
    given_name: str
    family_name: str
    dob: date
    upn: str | None = None
    uln: str | None = None
    year_group: int | None = None
    year_group_year: int | None = None  # the academic year the year group is for (set when opening)
    home_la: str | None = None
    sex: str | None = None  # SEN2 person items, checked by ehcp.services.sen2_person
    ethnicity: str | None = None
    postcode: str | None = None


@dataclass(frozen=True)
class CaseOpened:
    reference: str
    received: date
    stage: str


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


def check_request_dates(dob: date, received: date, *, force: bool = False, reason: str | None = None) -> None:
    """Refuse a request before the SEND Regulations 2014 (reg 1, as ``import cases`` does), a child
    unborn at the request, and a date of birth 25 or more years before it (a young person is under 25,
    CFA 2014 s.83(2)) unless forced with a reason: a slip in the year is likelier than a genuine case."""
    if received < SEND_REGS_IN_FORCE:
        raise Refused(f"received date {received} is before the SEND Regulations 2014 came into force on "
                      f"{SEND_REGS_IN_FORCE} (reg 1)")
    if received < dob:
        raise Refused(f"received date {received} is before the child's date of birth {dob}")
    age = age_on(dob, received)
    if age >= MAX_AGE and not (force and reason):
        raise Refused(f"date of birth {dob} makes the child {age} at the request (received {received}); "
                      f"EHC plans are for under-{MAX_AGE}s (CFA 2014 s.83(2)): check the year, or give "
                      "--force and --reason for a genuine case")


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
    check_request_dates(child.dob, received, force=force, reason=reason)
    if source not in REQUEST_SOURCES:
        raise Refused(f"unknown request source {source!r}; sources are {', '.join(REQUEST_SOURCES)}")
    items = checked_person_items(PersonItems(child.sex, child.ethnicity, child.postcode, child.uln), today)
    child = replace(child, sex=items.sex, ethnicity=items.ethnicity, postcode=items.postcode, uln=items.uln,
                    year_group_year=academic_year(today) if child.year_group is not None else None)
    with ctx.uow() as uow:
        require(uow, ctx.settings, "act_on_cases")
        matches = matches_on_file(uow, child) if force else []
        child_row = new_child(uow, child, force=force)
        user = acting_user(uow, ctx.actor, ctx.settings)
        case = open_file(uow, ctx, child_row, received=received, stage=Stage.REQUEST.value, source=source,
                         caseworker_id=user.id)
        event = ev.RequestReceived(on=received, source=source, dob=child.dob)
        history = write_event(uow, case, event, [], actor=ctx.actor, reason=reason, action="case_opened")
        if matches:
            uow.audit.append(actor=ctx.actor, action="duplicate_overridden", case_id=case.id, reason=reason,
                             detail={"reference": case.reference, "matches": matches})
        calendar = working_calendar(uow)
        # a year group given now enters the log at once, so every clock that uses it agrees from the start
        for note in child_note(case, history, today, calendar, first=received):
            history = write_event(uow, case, note, history, actor=ctx.actor, action="child_noted")
        age = age_on(child.dob, received)
        if age >= MAX_AGE:  # forced past check_request_dates: say so in the audit trail
            uow.audit.append(actor=ctx.actor, action="implausible_age_forced", case_id=case.id, reason=reason,
                             detail={"reference": case.reference, "dob": child.dob.isoformat(), "age": age})
        sync_deadlines(uow, case, history, calendar=calendar, today=today, policy=policy_of(uow, ctx.settings))
        uow.commit()
        return CaseOpened(case.reference, received, case.stage)


def new_child(uow: UnitOfWork, child: ChildDetails, *, force: bool) -> Child:
    """The child's row: a new one, or (with ``force``) the one already on file.

    Without ``force`` a child who already has a case (the same name, accents and case aside, and
    date of birth, or the same UPN) is a Conflict, and so is a near match (the same date of birth
    and a name a slip away), naming the case(s) on file. ``force`` goes on; the caller audits it."""
    person = Person(child.given_name, child.family_name, child.dob, child.upn)
    candidates = uow.cases.children_like(child.dob, child.upn)
    existing = next((c for c in candidates if same_child(person, _person(c))), None)
    near = [c for c in candidates if existing is None and near_child(person, _person(c))]
    if existing is not None and not force:
        raise Conflict(f"{child.given_name} {child.family_name} (born {child.dob}) already has "
                       f"case(s) {_references(uow, [existing])}; use --force to open another case for this child")
    if near and not force:
        names = ", ".join(f"{c.given_name} {c.family_name}" for c in near)
        raise Conflict(f"{child.given_name} {child.family_name} (born {child.dob}) looks like {names} "
                       f"(same date of birth), who has case(s) {_references(uow, near)}; check the name, "
                       "or use --force to open a case for a different child")
    return uow.cases.add_child(existing or Child(**child.__dict__))


def matches_on_file(uow: UnitOfWork, child: ChildDetails) -> list[str]:
    """References of the cases of children on file that are, or nearly are, this child."""
    person = Person(child.given_name, child.family_name, child.dob, child.upn)
    like = [c for c in uow.cases.children_like(child.dob, child.upn)
            if same_child(person, _person(c)) or near_child(person, _person(c))]
    return [ref for c in like for ref in uow.cases.references_for_child(c.id)]


def _person(child: Child) -> Person:
    return Person(child.given_name, child.family_name, child.dob, child.upn)


def _references(uow: UnitOfWork, children: list[Child]) -> str:
    return ", ".join(ref for c in children for ref in uow.cases.references_for_child(c.id)) or "on file"


def open_file(uow: UnitOfWork, ctx: ServiceContext, child: Child, *, received: date, stage: str, source: str,
              caseworker_id: int) -> Case:
    """A new case row for ``child``, numbered in the year of ``received``."""
    stamp = now_utc()
    return uow.cases.add(Case(reference=uow.cases.next_reference(received.year), child_id=child.id, stage=stage,
                              received=received, source=source, caseworker_id=caseworker_id, opened_at=stamp,
                              updated_at=stamp, updated_by=ctx.actor))


def parse_stage(name: str) -> Stage:
    """A stage by name, in any case (``--to Draft``)."""
    try:
        return Stage(name.strip().lower())
    except ValueError:
        raise Refused(f"unknown stage {name!r}; stages are {', '.join(STAGES)}") from None


def advance_case(ctx: ServiceContext, reference: str, *, to: str, on: date, reason: str | None = None,
                 expected_version: int | None = None, **details: Any) -> Recorded:
    """Move a case to ``to`` on ``on``; raises Refused naming the rule when the law does not allow it,
    Conflict when ``expected_version`` is given and someone changed the case since, and Refused
    naming the permission when a caseworker moves a closed case (``reopen_case``)."""
    target = parse_stage(to)
    check_reason(reason)
    check_not_future(on, ctx.today, "date")

    awaited: list[tuple[str, date, str | None]] = []

    def move(step: Step) -> list[ev.Event]:
        if target is Stage.FINAL:
            awaited.extend(step.uow.advice.outstanding(step.case.id))
        return [plan_move(step.history, to=target, on=on, calendar=step.calendar, policy=step.policy, **details)]

    return record(ctx, reference, move, action="case_advanced", reason=reason, permission=_move_permission,
                  expected_version=expected_version, planned=True,
                  warnings=lambda history, calendar, policy: advice_outstanding_warning(awaited))


def advice_outstanding_warning(awaited: list[tuple[str, date, str | None]]) -> list[str]:
    """The final plan was issued while advice was still awaited: say which (the requests close as
    not received before the plan, and are no longer chased)."""
    if not awaited:
        return []
    listed = "; ".join(f"{kind}{' from ' + partner if partner else ''} (requested {on.isoformat()})"
                       for kind, on, partner in awaited)
    return [f"advice still outstanding: {listed}; closed as not received before the plan"]


def _move_permission(case: Case) -> str:
    return "reopen_case" if case.stage in CLOSED_STAGES else "act_on_cases"


def record_event(ctx: ServiceContext, reference: str, event: ev.Event, *, reason: str | None = None,
                 action: str | None = None, permission: str = "act_on_cases",
                 expected_version: int | None = None) -> str:
    """Record a non-moving event (an exception, a waiver, a consultation) after domain validation;
    returns the case reference."""
    check_reason(reason)
    check_not_future(event.on, ctx.today, "date")
    return record(ctx, reference, lambda step: [event], action=action or event.kind, reason=reason,
                  permission=permission, expected_version=expected_version).reference


def record_exception(ctx: ServiceContext, reference: str, *, reason: str, start: date,
                     until: date | None = None, advice_kind: str | None = None,
                     note: str | None = None) -> Recorded:
    """Record an exception (reg 5(4), 8(2), 10(4)) that disapplies the clocks it applies to.

    The result's ``deadlines`` are the clocks it disapplied (or, met already, now name it); when
    there are none, ``details["nothing_changed"]`` says why (a closure shorter than four weeks...).
    The same circumstance recorded twice (same reason, overlapping dates) is refused by the domain."""
    if reason not in EXCEPTION_REASONS:
        raise Refused(f"unknown exception reason {reason!r}; reasons are {', '.join(EXCEPTION_REASONS)}")
    if until is not None and until < start:
        raise Refused(f"--to {until} is before --from {start}")
    if reason == "school_closure" and until is None:
        start, until = _closure_from_calendar(ctx, reference, start)
    check_reason(note)
    check_not_future(start, ctx.today, "date")
    event = ev.ExceptionRecorded(on=start, reason=reason, until=until, advice_kind=advice_kind)
    recorded = record(ctx, reference, lambda step: [event], action="exception_recorded", reason=note,
                      permission="record_exception", changes=True,
                      details=lambda history, calendar, policy: {"why": why_nothing_changed(event, policy)})
    touched = [d for d in recorded.deadlines if d.exception == reason]
    why = None if touched else recorded.details["why"]
    return replace(recorded, deadlines=touched, details={"disapplied": [d.key for d in touched],
                                                         "nothing_changed": why})


def _closure_from_calendar(ctx: ServiceContext, reference: str, day: date) -> tuple[date, date]:
    """The closure containing ``day`` in the child's setting calendar, else the LA default calendar."""
    with ctx.uow(write=False) as uow:
        case = load_case(uow, reference)
        closure = uow.calendars.closure_containing(day, case.child.setting_id)
    if closure is None:
        raise Refused(f"no imported closure includes {day}; give --to (the re-opening date) "
                      "or import the setting's calendar with 'ehcp calendar import'")
    return closure.start, closure.reopens


def add_note(ctx: ServiceContext, reference: str, text: str) -> str:
    """Add a note dated today as every command reads it (``EHCP_TODAY`` when set)."""
    check_text(text, "note", 5000)
    with ctx.uow() as uow:
        case = load_case(uow, reference, lock=True)
        require(uow, ctx.settings, "act_on_cases")
        uow.notes.add(case.id, at=stamp_on(ctx.today), actor=ctx.actor, text=text)
        uow.audit.append(actor=ctx.actor, action="note_added", case_id=case.id,
                         detail={"reference": case.reference, "length": len(text)})
        uow.commit()
        return case.reference


def assign_case(ctx: ServiceContext, reference: str, login: str, reason: str | None = None) -> str:
    """Give case ``reference`` to ``login``; refused for an unknown or deactivated user."""
    check_reason(reason)
    with ctx.uow() as uow:
        case = load_case(uow, reference, lock=True)
        require(uow, ctx.settings, "act_on_cases")
        assign(uow, ctx, case, active_user(uow, login), reason=reason)
        uow.commit()
        return case.reference


def assign(uow: UnitOfWork, ctx: ServiceContext, case: Case, user: User, *, reason: str | None,
           detail: dict[str, Any] | None = None) -> None:
    """Make ``user`` the caseworker of ``case`` (locked by the caller), audited on the case."""
    before = case.caseworker_id
    case.caseworker_id = user.id
    case.updated_at = now_utc()
    case.updated_by = ctx.actor
    uow.audit.append(actor=ctx.actor, action="case_assigned", case_id=case.id, reason=reason,
                     detail={"reference": case.reference, "from_user_id": before, "to": user.login, **(detail or {})})
