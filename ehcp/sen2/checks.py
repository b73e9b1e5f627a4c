"""Pre-submission checks in the spirit of the DfE's SEN2 validation (sen2.md 2.4; the DfE's own rule
list was a [gap]), run over the same persons as the export. Each finding names the case reference
(never the child's name), the check, the item, what is wrong and how to fix it in ehcp.

Besides the guide's required-when rules the product can know (a person with neither UPN, ULN nor a
reason; an active plan without a placement on census day or a primary need; a plan naming no
setting; a cease without a reason ...), the checks enforce the schema's limits (PlacementRank 1-2, at
most two SENneed) and code lists (Sex, Ethnicity, UPN and ULN formats, LA numbers for transfers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from ehcp.sen2 import codes
from ehcp.sen2.extract import CaseReturn, Extract, PersonReturn

COLUMNS = ["reference", "check", "item", "problem", "fix"]


@dataclass(frozen=True)
class Finding:
    reference: str
    check: str
    item: str
    problem: str
    fix: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Return:
    """What every check needs to know of the return: its census and collection year."""

    census: date
    year: int


def _v(items: dict | None, name: str) -> Any:
    return items[name].value if items and name in items else None


UPN_PATTERN = re.compile(r"[A-Za-z]\d{12}|[A-Za-z]\d{11}[A-Za-z]")  # CBDS UPN (13 characters)
CHILD_EDIT = "ehcp child edit {ref}"  # [issue 15] the command that corrects the child record


def check_person_items(data: Return, p: PersonReturn) -> list[Finding]:
    """Sex and Ethnicity are required on every Person (items 1.4-1.5), from the year's code lists;
    UPN and ULN, when given, must have the CBDS form."""
    ref, out = p.references[0], []
    edit = CHILD_EDIT.format(ref=ref)
    for item, name, option in (("Sex", "sex", "--sex M|F"), ("Ethnicity", "ethnicity", "--ethnicity WBRI|...|NOBT")):
        value, allowed = _v(p.person, item), codes.codes(name, data.year)
        if not value:
            out.append(Finding(ref, f"{name}_missing", item, f"no {item} on the child record (required)",
                               f"record it: {edit} {option} (REFU/NOBT when refused or not yet known)"
                               if name == "ethnicity" else f"record it: {edit} {option}"))
        elif value not in allowed:
            out.append(Finding(ref, f"{name}_missing", item, f"{value} is not a {data.year} {item} code",
                               f"correct it: {edit} {option}"))
    upn, uln = _v(p.person, "UPN"), _v(p.person, "UniqueLearnerNumber")
    if upn and not UPN_PATTERN.fullmatch(upn):
        out.append(Finding(ref, "upn_invalid", "UPN", f"UPN {upn!r} is not a letter, 11 digits and a digit or letter",
                           f"correct the UPN: {edit} --upn ..."))
    if uln and not (uln.isdigit() and len(uln) == 10):
        out.append(Finding(ref, "uln_invalid", "UniqueLearnerNumber", f"ULN {uln!r} is not 10 digits",
                           f"correct the ULN: {edit} --uln ..."))
    return out


def check_upn(data: Return, p: PersonReturn) -> list[Finding]:
    upn, uln, why = (_v(p.person, "UPN"), _v(p.person, "UniqueLearnerNumber"), _v(p.person, "UPNunknown"))
    ref = p.references[0]
    if not (upn or uln or why):
        return [Finding(ref, "upn_missing", "UPN", "no UPN, ULN or UPN-unknown reason",
                        f"add the UPN to the child record, or: ehcp sen2 upn-unknown {ref} --code UN1..UN10")]
    if why and why not in codes.codes("upn_unknown", data.year):
        return [Finding(ref, "upn_unknown_code", "UPNunknown", f"{why} is not a {data.year} UPNunknown code",
                        f"ehcp sen2 upn-unknown {ref} --code <{'|'.join(codes.UPN_UNKNOWN)}>")]
    return []


def check_age(data: Return, p: PersonReturn) -> list[Finding]:
    dob = _v(p.person, "PersonBirthDate")
    out = []
    for r in p.requests:
        received = _v(r.request, "ReceivedDate")
        if dob and received and (received < dob or received >= date(dob.year + 25, dob.month, min(dob.day, 28))):
            out.append(Finding(r.reference, "age_out_of_range", "ReceivedDate",
                               f"request received {received} when the person was not aged 0-25 (born {dob})",
                               "check the date of birth on the child record and the case's received date"))
    return out


def check_request(data: Return, r: CaseReturn) -> list[Finding]:
    out = []
    outcome, day = _v(r.request, "RequestOutcome"), _v(r.request, "RequestOutcomeDate")
    received = _v(r.request, "ReceivedDate")
    if day and received and day < received:
        out.append(Finding(r.reference, "dates_out_of_order", "RequestOutcomeDate",
                           f"decision {day} is before the request was received {received}",
                           "correct the case's received date or the decision event's date"))
    if r.assessment is not None and outcome == "N":
        out.append(Finding(r.reference, "outcome_inconsistent", "RequestOutcome",
                           "the LA refused to assess (N) but an assessment or plan follows",
                           "a reversed refusal keeps N: record the mediation or tribunal that reversed it, "
                           "or correct the assessment_refused event"))
    if r.assessment is None and outcome == "Y":
        out.append(Finding(r.reference, "outcome_inconsistent", "Assessment",
                           "the LA agreed to assess (Y) but there is no assessment", "check the case's events"))
    return out


def check_assessment(data: Return, r: CaseReturn) -> list[Finding]:
    out: list[Finding] = []
    if r.assessment is None:
        return out
    issued, agreed = _v(r.assessment, "AssessmentOutcomeDate"), _v(r.request, "RequestOutcomeDate")
    if issued and agreed and issued < agreed:
        out.append(Finding(r.reference, "dates_out_of_order", "AssessmentOutcomeDate",
                           f"assessment outcome {issued} is before the decision to assess {agreed}",
                           "correct the final_plan_issued / plan_not_issued or assessment_agreed date"))
    start, cease = _v(r.plan, "StartDate"), _v(r.plan, "CeaseDate")
    received = _v(r.request, "ReceivedDate")
    if start and received and _v(r.assessment, "AssessmentOutcome") == "Y" and start < received:
        out.append(Finding(r.reference, "dates_out_of_order", "StartDate",
                           f"plan start {start} is before the request was received {received}",
                           "correct the case's received date or the plan issue date"))
    if start and cease and cease < start:
        out.append(Finding(r.reference, "dates_out_of_order", "CeaseDate",
                           f"plan ceased {cease} before it started {start}", "correct the plan_ceased date"))
    if cease and not _v(r.plan, "CeaseReason"):
        out.append(Finding(r.reference, "cease_reason_missing", "CeaseReason", f"plan ceased {cease} with no reason",
                           f"record the decision with its reason: ehcp cease notice {r.reference} --on DATE "
                           "--reason REASON"))
    return out


def check_active(data: Return, r: CaseReturn) -> list[Finding]:
    out: list[Finding] = []
    if r.active is None:
        return out
    if not any(n["SENtypeRank"] == 1 for n in r.needs):
        out.append(Finding(r.reference, "sen_type_missing", "SENtype", "active plan without a primary SEN type",
                           f"ehcp sen2 need {r.reference} --primary ASD [--secondary SLCN]"))
    if len(r.needs) > codes.MAX_NEEDS or any(n["SENtypeRank"] > codes.MAX_NEEDS for n in r.needs):
        out.append(Finding(r.reference, "sen_need_limit", "SENneed",
                           f"{len(r.needs)} SEN types recorded; the return holds a primary and at most one "
                           "secondary need", f"ehcp sen2 need {r.reference} --primary TYPE [--secondary TYPE]"))
    allowed = codes.codes("sen_type", data.year)
    for n in r.needs:
        if n["SENtype"] not in allowed:
            out.append(Finding(r.reference, "sen_type_invalid", "SENtype",
                               f"{n['SENtype']} is not a {data.year} SEN type",
                               f"ehcp sen2 need {r.reference} --primary <{'|'.join(allowed)}>"))
    on_census = [p for p in r.placements
                 if p["EntryDate"] <= data.census and (p["LeavingDate"] is None or p["LeavingDate"] >= data.census)]
    if not on_census:
        out.append(Finding(r.reference, "placement_missing", "PlacementDetail",
                           f"active plan with no placement on the census date {data.census}",
                           f"ehcp sen2 placement {r.reference} --setting NAME --urn URN --from DATE "
                           "(or --sen-setting EHE|OLA|NEET|...)"))
    elif not any(p["PlacementRank"] == 1 for p in on_census):
        out.append(Finding(r.reference, "placement_rank", "PlacementRank", "no main placement (rank 1) on census day",
                           f"ehcp sen2 placement {r.reference} --rank 1 ..."))
    return out


def check_plan(data: Return, r: CaseReturn) -> list[Finding]:
    """A named plan names where the child is to be educated (PlanDetail, item 4.7); a transfer names
    the other authority by its 3-digit LA number (items 2.8, 5.1)."""
    out = []
    if r.plan is not None and not r.plan_details:
        out.append(Finding(r.reference, "plan_detail_missing", "PlanDetail",
                           "the plan names no placement (URN, UKPRN or SEN setting)",
                           f"ehcp sen2 placement {r.reference} --setting NAME --urn URN --from DATE "
                           "(or --sen-setting OTH|EHE|...)"))
    for item, option in (("TransferLA", "--transfer-la"), ("Exported", "--exported-la")):
        if item in r.unexported:
            out.append(Finding(r.reference, "la_number", item,
                               f"the transfer names the authority {r.unexported[item]!r}, not its 3-digit LA number",
                               f"ehcp sen2 plan {r.reference} {option} NNN"))
    return out


def check_placements(data: Return, r: CaseReturn) -> list[Finding]:
    out = []
    for p in r.all_placements:
        if p["PlacementRank"] > codes.MAX_PLACEMENT_RANK:
            out.append(Finding(r.reference, "placement_rank_limit", "PlacementRank",
                               f"placement from {p['EntryDate']} has rank {p['PlacementRank']}; the return holds "
                               "rank 1 (primary) and 2 (secondary) only",
                               "end it, or record it again with --rank 1 or 2"))
        given = [k for k, v in p["_raw"].items() if v]
        if len(given) != 1:
            out.append(Finding(r.reference, "placement_identity", "URN/UKPRN/SENsetting",
                               f"placement {p.get('_setting') or ''} from {p['EntryDate']} has "
                               f"{', '.join(given) or 'none'} (exactly one of URN, UKPRN, SENsetting is needed)",
                               "record the setting's URN (or UKPRN for a college), or an SEN setting code"))
        if p["LeavingDate"] is not None and p["LeavingDate"] < p["EntryDate"]:
            out.append(Finding(r.reference, "dates_out_of_order", "LeavingDate",
                               f"placement left {p['LeavingDate']} before entry {p['EntryDate']}",
                               "correct the placement dates"))
    return out


PERSON_CHECKS = (check_person_items, check_upn, check_age)
REQUEST_CHECKS = (check_request, check_assessment, check_plan, check_active, check_placements)
CHECKS = ("upn_missing", "upn_unknown_code", "upn_invalid", "uln_invalid", "sex_missing", "ethnicity_missing",
          "age_out_of_range", "dates_out_of_order", "outcome_inconsistent", "cease_reason_missing",
          "plan_detail_missing", "la_number", "sen_type_missing", "sen_type_invalid", "sen_need_limit",
          "placement_missing", "placement_rank", "placement_rank_limit", "placement_identity")


def run_checks(data: Return | Extract, persons: Iterable[PersonReturn] | None = None) -> list[Finding]:
    """Every finding, person by person in the order of the return (``persons``, else an Extract's own)."""
    if isinstance(data, Extract):
        persons = data.persons if persons is None else persons
        data = Return(data.census, data.year)
    elif persons is None:
        raise TypeError("run_checks needs the persons of a Return")
    findings: list[Finding] = []
    for p in persons:
        for person_check in PERSON_CHECKS:
            findings += person_check(data, p)
        for r in p.requests:
            for request_check in REQUEST_CHECKS:
                findings += request_check(data, r)
    return findings
