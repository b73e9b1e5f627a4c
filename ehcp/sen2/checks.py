"""Pre-submission checks in the spirit of the DfE's SEN2 validation (sen2.md 2.4; the DfE's own rule
list was a [gap]), run over the same extract as the export. Each finding names the case reference
(never the child's name), the check, what is wrong and how to fix it in ehcp.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

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


def _v(items: dict | None, name: str):  # noqa: ANN202
    return items[name].value if items and name in items else None


def check_upn(data: Extract, p: PersonReturn) -> list[Finding]:
    upn, uln, why = (_v(p.person, "UPN"), _v(p.person, "UniqueLearnerNumber"), _v(p.person, "UPNunknown"))
    ref = p.references[0]
    if not (upn or uln or why):
        return [Finding(ref, "upn_missing", "UPN", "no UPN, ULN or UPN-unknown reason",
                        f"add the UPN to the child record, or: ehcp sen2 upn-unknown {ref} --code UN1..UN10")]
    if why and why not in codes.codes("upn_unknown", data.year):
        return [Finding(ref, "upn_unknown_code", "UPNunknown", f"{why} is not a {data.year} UPNunknown code",
                        f"ehcp sen2 upn-unknown {ref} --code <{'|'.join(codes.UPN_UNKNOWN)}>")]
    return []


def check_age(data: Extract, p: PersonReturn) -> list[Finding]:
    dob = _v(p.person, "PersonBirthDate")
    out = []
    for r in p.requests:
        received = _v(r.request, "ReceivedDate")
        if dob and received and (received < dob or received >= date(dob.year + 25, dob.month, min(dob.day, 28))):
            out.append(Finding(r.reference, "age_out_of_range", "ReceivedDate",
                               f"request received {received} when the person was not aged 0-25 (born {dob})",
                               "check the date of birth on the child record and the case's received date"))
    return out


def check_request(data: Extract, r: CaseReturn) -> list[Finding]:
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


def check_assessment(data: Extract, r: CaseReturn) -> list[Finding]:
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


def check_active(data: Extract, r: CaseReturn) -> list[Finding]:
    out: list[Finding] = []
    if r.active is None:
        return out
    if not any(n["SENtypeRank"] == 1 for n in r.needs):
        out.append(Finding(r.reference, "sen_type_missing", "SENtype", "active plan without a primary SEN type",
                           f"ehcp sen2 need {r.reference} --primary ASD [--secondary SLCN]"))
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


def check_placements(data: Extract, r: CaseReturn) -> list[Finding]:
    out = []
    for p in r.all_placements:
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


PERSON_CHECKS = (check_upn, check_age)
REQUEST_CHECKS = (check_request, check_assessment, check_active, check_placements)
CHECKS = ("upn_missing", "upn_unknown_code", "age_out_of_range", "dates_out_of_order", "outcome_inconsistent",
          "cease_reason_missing", "sen_type_missing", "sen_type_invalid", "placement_missing", "placement_rank",
          "placement_identity")


def run_checks(data: Extract) -> list[Finding]:
    """Every finding, person by person in the order of the return."""
    findings: list[Finding] = []
    for p in data.persons:
        for check in PERSON_CHECKS:
            findings += check(data, p)
        for r in p.requests:
            for check in REQUEST_CHECKS:
                findings += check(data, r)
    return findings
