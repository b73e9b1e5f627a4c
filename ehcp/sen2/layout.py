"""The element names and order of the SEN2 XML, by collection (census) year.

Source: the community SEN2 schemas built from the DfE guide and technical specification (Social
Finance for LIIA, liia-tools-pipeline ``sen2_schema_<year>.xsd``; copies and provenance in
shared/sen2-schema/README.md). They are not the DfE's XSD: check against the technical specification
of the year before submitting. What changes between years:
* 2023: ``GenderCurrent``; ``Res``/``WBP`` on ActivePlans; no ReviewMeeting/ReviewOutcome.
* 2024: ``Sex``; ReviewMeeting/ReviewOutcome; ``Res``/``WBP`` move to PlacementDetail.
* 2025: RequestSource, ReviewDraft, PhaseTransferDueDate/FinalDate, header DSCO; LastReview after
  ReviewMeeting.
* 2026 (and 2027 until its specification is known): LastReview moves to the end of ActivePlans.
In every year PlanDetail follows StartDate, and PlacementDetail/SENneed come before the review items.
"""

from __future__ import annotations

from dataclasses import dataclass

from ehcp.sen2 import codes


@dataclass(frozen=True)
class Layout:
    year: int
    source: tuple[str, ...]
    person: tuple[str, ...]
    request: tuple[str, ...]
    assessment: tuple[str, ...]
    plan: tuple[str, ...]  # "PlanDetail" marks where the plan details go
    detail: tuple[str, ...]
    active: tuple[str, ...]  # "PlacementDetail" / "SENneed" mark where those go
    placement: tuple[str, ...]
    need: tuple[str, ...] = ("SENtype", "SENtypeRank")


_SOURCE = ("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime", "DMO", "DCO")
_PERSON = ("Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity", "PostCode", "UPN", "UniqueLearnerNumber",
           "UPNunknown")
_REQUEST = ("ReceivedDate", "RYA", "RequestOutcomeDate", "RequestOutcome", "RequestMediation", "RequestTribunal",
            "Exported")
_ASSESSMENT = ("AssessmentOutcome", "AssessmentOutcomeDate", "AssessmentMediation", "AssessmentTribunal",
               "OtherMediation", "OtherTribunal", "Week20")
_PLAN = ("StartDate", "PlanDetail", "PlanRes", "PlanWBP", "PB", "OA", "DP", "CeaseDate", "CeaseReason")
_DETAIL = ("URN", "UKPRN", "SENSetting", "SENSettingOther", "PlacementRank", "SENunitIndicator",
           "ResourcedProvisionIndicator")
_PLACEMENT = ("URN", "UKPRN", "SENSetting", "SENSettingOther", "PlacementRank", "EntryDate", "LeavingDate",
              "SENunitIndicator", "ResourcedProvisionIndicator", "Res", "WBP")

_2024 = Layout(2024, _SOURCE, _PERSON, _REQUEST, _ASSESSMENT, _PLAN, _DETAIL,
               ("TransferLA", "PlacementDetail", "SENneed", "ReviewMeeting", "ReviewOutcome", "LastReview"),
               _PLACEMENT)
_2023 = Layout(2023, _SOURCE, tuple("GenderCurrent" if n == "Sex" else n for n in _PERSON), _REQUEST, _ASSESSMENT,
               _PLAN, _DETAIL, ("TransferLA", "PlacementDetail", "Res", "WBP", "SENneed", "LastReview"),
               _PLACEMENT[:-2])
_2025 = Layout(2025, (*_SOURCE, "DSCO"), _PERSON, ("ReceivedDate", "RequestSource", *_REQUEST[1:]), _ASSESSMENT,
               _PLAN, _DETAIL,
               ("TransferLA", "PlacementDetail", "SENneed", "ReviewMeeting", "LastReview", "ReviewOutcome",
                "ReviewDraft", "PhaseTransferDueDate", "PhaseTransferFinalDate"), _PLACEMENT)
_2026 = Layout(2026, _2025.source, _PERSON, _2025.request, _ASSESSMENT, _PLAN, _DETAIL,
               ("TransferLA", "PlacementDetail", "SENneed", "ReviewMeeting", "ReviewOutcome", "ReviewDraft",
                "PhaseTransferDueDate", "PhaseTransferFinalDate", "LastReview"), _PLACEMENT)
_BY_YEAR = {2023: _2023, 2024: _2024, 2025: _2025, 2026: _2026}


def layout(year: int) -> Layout:
    """The layout of collection ``year`` (the latest known one for a later year with code lists)."""
    if not codes.FIRST_YEAR <= year <= codes.LAST_YEAR:
        raise KeyError(f"no SEN2 layout for collection year {year} (have {codes.FIRST_YEAR}-{codes.LAST_YEAR})")
    return _BY_YEAR[max(y for y in _BY_YEAR if y <= year)]
