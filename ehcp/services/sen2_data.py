"""Recording the data the SEN2 return needs and the event log does not carry: placements (settings by
URN/UKPRN or an SEN2 setting code), SEN types of need, the UPN-unknown reason, the plan's residential,
work-based and personal-budget items and transfer LA numbers; and checking the person items (sex,
ethnicity, postcode, ULN) that ``case new`` and ``import cases`` record on the child.

Each function is one transaction with one audit record, and raises Refused (nothing written) for an
unknown code, a date in the future or out of order, or an incomplete placement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import overload

from ehcp.sen2 import codes
from ehcp.services.case_log import load_case
from ehcp.services.cases import check_not_future, check_text
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.permissions import require
from ehcp.services.sen2_person import digits
from ehcp.store.models import Placement, Setting
from ehcp.store.uow import UnitOfWork

LATEST = codes.LAST_YEAR


@dataclass(frozen=True)
class PlacementDetails:
    entry_date: date
    setting: str | None = None
    urn: str | None = None
    ukprn: str | None = None
    sen_setting: str | None = None
    sen_setting_other: str | None = None
    rank: int = 1
    leaving_date: date | None = None
    sen_unit: bool = False
    resourced_provision: bool = False
    residential: str | None = None


@dataclass(frozen=True)
class Sen2Recorded:
    reference: str
    recorded: str
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"reference": self.reference, "recorded": self.recorded, **self.details}


@overload
def checked_code(value: str, name: str, what: str) -> str: ...
@overload
def checked_code(value: None, name: str, what: str) -> None: ...
def checked_code(value: str | None, name: str, what: str) -> str | None:
    """``value`` as a code of the SEN2 list ``name`` (upper-cased), or None for None; Refused if unknown."""
    if value is None:
        return None
    code = value.strip().upper()
    allowed = codes.codes(name, LATEST)
    if code not in allowed:
        raise Refused(f"unknown {what} {value!r}; codes are {', '.join(allowed)}")
    return code


def check_placement(p: PlacementDetails, today: date) -> None:
    check_not_future(p.entry_date, today, "entry date")
    if p.leaving_date is not None and p.leaving_date < p.entry_date:
        raise Refused(f"leaving date {p.leaving_date} is before the entry date {p.entry_date}")
    if p.rank not in (1, codes.MAX_PLACEMENT_RANK):
        raise Refused(f"placement rank {p.rank} must be 1 (main) or 2 (secondary): the SEN2 return holds no other")
    if p.sen_setting_other is not None:
        check_text(p.sen_setting_other, "setting detail")


def record_placement(ctx: ServiceContext, reference: str, p: PlacementDetails) -> Sen2Recorded:
    """Record where the child is placed from ``entry_date``: a named setting (its URN/UKPRN kept on
    the setting), a URN or UKPRN, or an SEN2 setting code (EHE, OLA, NEET ...). An open placement of
    the same rank ends the day before. Raises Refused when none of setting, URN, UKPRN or code is given."""
    check_placement(p, ctx.today)
    urn = digits(p.urn, "URN", 6)
    ukprn = digits(p.ukprn, "UKPRN", 8)
    sen_setting = checked_code(p.sen_setting, "sen_setting", "SEN setting code")
    residential = checked_code(p.residential, "residential", "residential code")
    if not (p.setting or urn or ukprn or sen_setting):
        raise Refused("give --setting, --urn, --ukprn or --sen-setting (EHE, OLA, OPA, EYP, OTH, NEET, NIEC, NIEO)")
    with ctx.uow() as uow:
        case = load_case(uow, reference, lock=True)
        require(uow, ctx.settings, "act_on_cases")
        detail = add_placement(uow, case.id, p, urn=urn, ukprn=ukprn, sen_setting=sen_setting,
                               residential=residential)
        uow.audit.append(actor=ctx.actor, action="sen2_placement_recorded", case_id=case.id, detail=detail)
        uow.commit()
        return Sen2Recorded(case.reference, "placement", detail)


def add_placement(uow: UnitOfWork, case_id: int, p: PlacementDetails, *, urn: str | None, ukprn: str | None,
                  sen_setting: str | None, residential: str | None) -> dict:
    """Write a checked placement in the caller's transaction (also ``ehcp import placements``): the
    named setting is found or created, and an open placement of the same rank that began earlier
    ends the day before this one begins. Returns the audit detail."""
    setting_id = None
    if p.setting:
        setting = uow.sen2.setting(check_text(p.setting, "setting"))
        if setting is None:
            setting = uow.sen2.add_setting(Setting(name=p.setting, kind="school", urn=urn, ukprn=ukprn))
        else:
            setting.urn, setting.ukprn = urn or setting.urn, ukprn or setting.ukprn
        setting_id, urn, ukprn = setting.id, setting.urn, setting.ukprn
    closed = []
    for open_row in uow.sen2.open_placements(case_id, p.rank, p.entry_date):
        open_row.leaving_date = p.entry_date - timedelta(days=1)
        closed.append(open_row.id)
    row = uow.sen2.add_placement(Placement(
        case_id=case_id, setting_id=setting_id, urn=urn, ukprn=ukprn, sen_setting=sen_setting,
        sen_setting_other=p.sen_setting_other, placement_rank=p.rank, entry_date=p.entry_date,
        leaving_date=p.leaving_date, sen_unit=p.sen_unit, resourced_provision=p.resourced_provision,
        residential=residential))
    return {"placement_id": row.id, "setting": p.setting, "urn": urn, "ukprn": ukprn,
            "sen_setting": sen_setting, "rank": p.rank, "entry_date": p.entry_date,
            "leaving_date": p.leaving_date, "ended_placements": closed}


def sen_types(primary: str, secondary: list[str] | None = None) -> list[str]:
    """The checked SEN type codes, primary first. Raises Refused for an unknown or repeated type."""
    types = [checked_code(t, "sen_type", "SEN type") for t in [primary, *(secondary or [])]]
    if len(set(types)) != len(types):
        raise Refused(f"an SEN type is given twice: {', '.join(types)}")
    if len(types) > codes.MAX_NEEDS:
        raise Refused(f"{len(types)} SEN types given; the SEN2 return holds a primary and one secondary need")
    return types


def replace_needs(uow: UnitOfWork, case_id: int, types: list[str], day: date) -> list[str]:
    """Replace the case's SEN types with ``types`` (rank 1 primary ...); returns those before."""
    before = uow.sen2.needs(case_id)
    uow.sen2.replace_needs(case_id, types, day)
    return before


def record_needs(ctx: ServiceContext, reference: str, *, primary: str, secondary: list[str] | None = None,
                 on: date | None = None) -> Sen2Recorded:
    """Set the case's SEN types of need: ``primary`` (rank 1) then ``secondary`` (ranks 2, 3 ...),
    replacing those recorded before. Raises Refused for an unknown or repeated SEN type."""
    types = sen_types(primary, secondary)
    day = on or ctx.today
    check_not_future(day, ctx.today, "date")
    with ctx.uow() as uow:
        case = load_case(uow, reference, lock=True)
        require(uow, ctx.settings, "act_on_cases")
        before = replace_needs(uow, case.id, types, day)
        detail = {"sen_types": types, "before": before, "on": day}
        uow.audit.append(actor=ctx.actor, action="sen2_needs_recorded", case_id=case.id, detail=detail)
        uow.commit()
        return Sen2Recorded(case.reference, "sen_needs", detail)


def record_upn_unknown(ctx: ServiceContext, reference: str, code: str | None) -> Sen2Recorded:
    """Record why the child of case ``reference`` has no UPN or ULN (UN1..UN10), or clear it (None)."""
    value = checked_code(code, "upn_unknown", "UPN unknown reason")
    with ctx.uow() as uow:
        case = load_case(uow, reference, lock=True)
        require(uow, ctx.settings, "act_on_cases")
        child = uow.cases.child(case)
        detail = {"upn_unknown": value, "before": child.upn_unknown}
        child.upn_unknown = value
        uow.audit.append(actor=ctx.actor, action="sen2_upn_unknown_recorded", case_id=case.id, detail=detail)
        uow.commit()
        return Sen2Recorded(case.reference, "upn_unknown", detail)


@dataclass(frozen=True)
class PlanItems:
    """Items of the plan itself (SEN2 module 4a) and transfer LA numbers; None leaves an item as it is."""

    residential: str | None = None
    work_based: str | None = None
    personal_budget: bool | None = None
    organised_arrangements: bool | None = None
    direct_payment: str | None = None
    transfer_la: str | None = None
    exported_la: str | None = None


def record_plan_items(ctx: ServiceContext, reference: str, items: PlanItems) -> Sen2Recorded:
    """Record the plan's PlanRes (A/B), PlanWBP (A/T/S), personal budget (PB, OA, DP E/S/H/I) and the
    3-digit LA numbers of a transfer in (TransferLA) or out (Exported). Raises Refused for an
    unknown code, an LA number not of 3 digits, or nothing to record."""
    values = {"residential": checked_code(items.residential, "residential", "residential code"),
              "work_based": checked_code(items.work_based, "work_based", "work-based learning code"),
              "personal_budget": items.personal_budget, "organised_arrangements": items.organised_arrangements,
              "direct_payment": checked_code(items.direct_payment, "direct_payment", "direct payment code"),
              "transfer_la": digits(items.transfer_la, "LA number", 3),
              "exported_la": digits(items.exported_la, "LA number", 3)}
    given = {k: v for k, v in values.items() if v is not None}
    if not given:
        raise Refused("nothing to record: give --res, --wbp, --pb/--no-pb, --oa/--no-oa, --dp, --transfer-la or "
                      "--exported-la")
    with ctx.uow() as uow:
        case = load_case(uow, reference, lock=True)
        require(uow, ctx.settings, "act_on_cases")
        row = uow.sen2.plan_items(case.id)
        before = {k: getattr(row, k) for k in given}
        for key, value in given.items():
            setattr(row, key, value)
        detail = {**given, "before": before}
        uow.audit.append(actor=ctx.actor, action="sen2_plan_items_recorded", case_id=case.id, detail=detail)
        uow.commit()
        return Sen2Recorded(case.reference, "plan_items", detail)
