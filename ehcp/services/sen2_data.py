"""Recording the data the SEN2 return needs and the event log does not carry: placements (settings by
URN/UKPRN or an SEN2 setting code), SEN types of need, and the UPN-unknown reason.

Each function is one transaction with one audit record, and raises Refused (nothing written) for an
unknown code, a date in the future or out of order, or an incomplete placement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ehcp.sen2 import codes
from ehcp.services.case_log import load_case
from ehcp.services.cases import check_not_future, check_text
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.services.permissions import require
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


def checked_code(value: str | None, name: str, what: str) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    allowed = codes.codes(name, LATEST)
    if code not in allowed:
        raise Refused(f"unknown {what} {value!r}; codes are {', '.join(allowed)}")
    return code


def digits(value: str | None, what: str, length: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not (value.isdigit() and len(value) == length):
        raise Refused(f"{what} {value!r} must be {length} digits")
    return value


def check_placement(p: PlacementDetails, today: date) -> None:
    check_not_future(p.entry_date, today, "entry date")
    if p.leaving_date is not None and p.leaving_date < p.entry_date:
        raise Refused(f"leaving date {p.leaving_date} is before the entry date {p.entry_date}")
    if p.rank < 1 or p.rank > 9:
        raise Refused(f"placement rank {p.rank} must be 1 (main) to 9")
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
    types = [checked_code(primary, "sen_type", "SEN type")] + [checked_code(s, "sen_type", "SEN type") for s in secondary or []]
    if len(set(types)) != len(types):
        raise Refused(f"an SEN type is given twice: {', '.join(types)}")
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
