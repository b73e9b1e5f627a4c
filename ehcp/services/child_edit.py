"""Putting the child's record right (issue 15): ``ehcp child edit``.

One transaction: the child row takes the corrected values, the audit trail keeps the before/after
of each field with who, when and why, and a corrected date of birth or year group reaches the case's
log as a ``child_noted`` event, so the clocks that use them (under-5 reviews, year 9, phase
transfer) recompute at once - on every open case of the child, not only the one named. A year group
is stored with the academic year it is recorded for, so it moves on each 1 September.
The same plausibility checks as ``case new`` apply to a date of birth.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ehcp.domain import academic_year, compute_deadlines
from ehcp.domain.machine.child import age_on
from ehcp.importing.errors import FieldError
from ehcp.importing.fields import upn as checked_upn
from ehcp.services.case_log import load_case, sync_deadlines, write_event
from ehcp.services.cases import MAX_AGE, check_not_future, check_reason, check_request_dates, check_text, split_name
from ehcp.services.child_notes import child_note, current_year_group
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.recording import Recorded, Step, record
from ehcp.services.sen2_person import PersonItems, checked_person_items
from ehcp.store.models import Child

CLEAR = "none"  # --upn none, --year-group none...: the value is not known after all


@dataclass(frozen=True)
class ChildEdit:
    """The fields to change; None leaves a field as it is, ``CLEAR`` ("none") empties an optional one."""

    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    dob: date | None = None
    upn: str | None = None
    year_group: str | None = None
    sex: str | None = None
    ethnicity: str | None = None
    postcode: str | None = None

    def empty(self) -> bool:
        return all(value is None for value in self.__dict__.values())


def edit_child(ctx: ServiceContext, reference: str, edit: ChildEdit, *, reason: str,
               force: bool = False) -> Recorded:
    """Correct the child's record on case ``reference``; returns what changed.

    ``details["changes"]`` lists ``{"field", "before", "after"}``; ``deadlines`` are the clocks that
    moved (``details["moved"]``: ``{"key", "was_due", "due"}``, ``was_due`` None for a clock that
    now starts) and ``dropped`` those that no longer apply; ``details["also_noted"]`` the child's other
    open cases whose log was brought into step. Raises Refused (nothing written) without a reason,
    with nothing to change, or for a value ``case new`` would refuse."""
    if not reason or not reason.strip():
        raise Refused("say why the record was wrong (--reason)")
    check_reason(reason)
    if edit.empty():
        raise Refused("nothing to change: give --name, --given-name, --family-name, --dob, --upn, "
                      "--year-group, --sex, --ethnicity or --postcode")
    wanted = _checked(edit, ctx.today)
    changes: list[dict[str, Any]] = []
    others: list[str] = []
    was_due: dict[str, date] = {}

    def plan(step: Step) -> list:
        child = step.case.child
        before = _values(child, ctx.today)
        after = {**before, **wanted}
        diff = [{"field": key, "before": before[key], "after": after[key]}
                for key in wanted if before[key] != after[key]]
        if not diff:
            raise Refused(f"{step.case.reference}: nothing to change (the record already says so)")
        if "dob" in wanted:
            check_not_future(wanted["dob"], ctx.today, "date of birth")
            check_request_dates(wanted["dob"], step.case.received, force=force, reason=reason)
        _apply(child, wanted, ctx.today)
        changes.extend(diff)
        was_due.update((d.key, d.due) for d in compute_deadlines(step.history, calendar=step.calendar,
                                                                 today=ctx.today, policy=step.policy))
        step.uow.audit.append(actor=ctx.actor, action="child_edited", case_id=step.case.id, reason=reason.strip(),
                              detail={"reference": step.case.reference, "changes": diff})
        if "dob" in wanted and age_on(child.dob, step.case.received) >= MAX_AGE:
            step.uow.audit.append(actor=ctx.actor, action="implausible_age_forced", case_id=step.case.id,
                                  reason=reason.strip(), detail={"reference": step.case.reference,
                                                                 "dob": child.dob.isoformat()})
        others.extend(_note_other_cases(ctx, step, child, reason.strip()))
        return []

    result = record(ctx, reference, plan, action="child_edited", reason=reason.strip(), note_child=True,
                    changes=True, permission="act_on_cases")
    moved = [{"key": d.key, "was_due": was_due.get(d.key), "due": d.due} for d in result.deadlines]
    return replace(result, details={"changes": changes, "moved": moved, "also_noted": others})


def _checked(edit: ChildEdit, today: date) -> dict[str, Any]:
    """The fields asked for, checked and normalised as ``case new`` does."""
    wanted: dict[str, Any] = {}
    if edit.name is not None:
        if edit.given_name is not None or edit.family_name is not None:
            raise Refused("give --name, or --given-name and --family-name, not both")
        wanted["given_name"], wanted["family_name"] = split_name(edit.name)
    if edit.given_name is not None:
        wanted["given_name"] = " ".join(edit.given_name.split())
    if edit.family_name is not None:
        wanted["family_name"] = " ".join(edit.family_name.split())
        if not wanted["family_name"]:
            raise Refused("the child's family name is empty")
    for key in ("given_name", "family_name"):
        if key in wanted:
            check_text(wanted[key], key.replace("_", " "), 100)
    if edit.dob is not None:
        wanted["dob"] = edit.dob
    if edit.upn is not None:
        try:
            wanted["upn"] = None if _cleared(edit.upn) else checked_upn(edit.upn, "--upn")
        except FieldError as exc:
            raise Refused(f"--upn {exc.reason}") from None
    if edit.year_group is not None:
        wanted["year_group"] = None if _cleared(edit.year_group) else _year_group(edit.year_group)
    items = checked_person_items(PersonItems(
        sex=None if edit.sex is None or _cleared(edit.sex) else edit.sex,
        ethnicity=None if edit.ethnicity is None or _cleared(edit.ethnicity) else edit.ethnicity,
        postcode=None if edit.postcode is None or _cleared(edit.postcode) else edit.postcode), today)
    for key in ("sex", "ethnicity", "postcode"):
        if getattr(edit, key) is not None:
            wanted[key] = getattr(items, key)
    return wanted


def _cleared(value: str) -> bool:
    return value.strip().lower() in (CLEAR, "")


def _year_group(value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise Refused(f"--year-group {value!r} is not a national curriculum year (-3..20, or none)") from None
    if not -3 <= number <= 20:
        raise Refused(f"--year-group {number} is not a national curriculum year (-3..20, or none)")
    return number


def _values(child: Child, today: date) -> dict[str, Any]:
    """The child's editable fields as the caseworker reads them today (the year group moved on)."""
    return {"given_name": child.given_name, "family_name": child.family_name, "dob": child.dob,
            "upn": child.upn, "year_group": current_year_group(child, today), "sex": child.sex,
            "ethnicity": child.ethnicity, "postcode": child.postcode}


def _apply(child: Child, wanted: dict[str, Any], today: date) -> None:
    for key, value in wanted.items():
        if key == "year_group":
            child.year_group = value
            child.year_group_year = academic_year(today) if value is not None else None
        else:
            setattr(child, key, value)


def _note_other_cases(ctx: ServiceContext, step: Step, child: Child, reason: str) -> list[str]:
    """Bring the log of the child's other open cases into step with the corrected record."""
    noted: list[str] = []
    for ref in step.uow.cases.references_for_child(child.id):
        if ref == step.case.reference:
            continue
        case = load_case(step.uow, ref, lock=True)
        history = step.uow.events.history(case.id)
        notes = child_note(case, history, ctx.today, step.calendar)
        for event in notes:
            history = write_event(step.uow, case, event, history, actor=ctx.actor, reason=reason,
                                  action="child_noted")
        if notes:
            sync_deadlines(step.uow, case, history, calendar=step.calendar, today=ctx.today, policy=step.policy)
            noted.append(case.reference)
    return noted
