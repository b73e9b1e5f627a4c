"""SEN2 code lists as data, versioned by collection (census) year (docs/sen2.md section 2).

Each list is a mapping code -> meaning. ``codes(name, year)`` gives the list in force for a
collection year; ``items_for(year)`` says which year-dependent items the return carries.
Confidence labels are sen2.md's: [confirmed] primary/official source, [secondary] third-party code or
docs quoting the DfE guide, [gap] not verified. Check every list against the DfE guide and technical
specification of the year before submitting (sen2.md, header note).
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType

FIRST_YEAR, LAST_YEAR = 2023, 2027

# Census day (a Thursday in mid-January) and submission deadline per collection year [confirmed].
CENSUS_DATES = {2015: date(2015, 1, 15), 2016: date(2016, 1, 21), 2017: date(2017, 1, 19),
                2018: date(2018, 1, 18), 2019: date(2019, 1, 17), 2020: date(2020, 1, 16),
                2021: date(2021, 1, 14), 2022: date(2022, 1, 20), 2023: date(2023, 1, 19),
                2024: date(2024, 1, 18), 2025: date(2025, 1, 16), 2026: date(2026, 1, 15),
                2027: date(2027, 1, 21)}
DEADLINES = {2024: date(2024, 3, 14), 2025: date(2025, 3, 14), 2026: date(2026, 3, 12), 2027: date(2027, 3, 11)}

# Module 2: RequestSource, from 2025 [secondary].
REQUEST_SOURCE = {"1": "young person or parent", "2": "school or other education setting",
                  "3": "health care professional", "4": "social care professional", "5": "other"}
# Module 2: RequestOutcome [secondary].
REQUEST_OUTCOME = {"Y": "LA went ahead with an assessment", "N": "LA decided not to assess",
                   "A": "decision not yet made", "W": "withdrawn or ceased before a decision",
                   "H": "historical: decision made before the collection period"}
# Module 3: AssessmentOutcome [secondary]. "S" (plan issued after another LA's assessment) is reported by
# Capita only [gap: not confirmed in the 2025/2026 guides], so it is not offered.
ASSESSMENT_OUTCOME = {"Y": "decided to issue a plan", "N": "decided not to issue a plan",
                      "A": "no decision yet", "W": "withdrawn or ceased before the decision to issue",
                      "H": "historical: decision to issue made before the collection period"}
# Module 4a: CeaseReason (item 4.6) [secondary, two sources agree].
CEASE_REASON = {"1": "reached maximum age", "2": "needs met without a plan", "3": "moved on to higher education",
                "4": "paid employment (not an apprenticeship)", "5": "transferred to another LA in England",
                "6": "young person no longer wishes to engage", "7": "moved outside England",
                "8": "deceased", "9": "other"}
# Module 5c: SENtype [secondary]; DS from the 2025 collection (sen2.md 2.2). NSA is a school-census
# code and never valid in SEN2.
_SEN_TYPE_2023 = {"SPLD": "specific learning difficulty", "MLD": "moderate learning difficulty",
                  "SLD": "severe learning difficulty", "PMLD": "profound and multiple learning difficulty",
                  "SEMH": "social, emotional and mental health", "SLCN": "speech, language and communication needs",
                  "HI": "hearing impairment", "VI": "vision impairment", "MSI": "multi-sensory impairment",
                  "PD": "physical disability", "ASD": "autistic spectrum disorder",
                  "OTH": "other difficulty/disability"}
_SEN_TYPE_2025 = {**_SEN_TYPE_2023, "DS": "Down syndrome"}
# Module 4b/5b: SENsetting (items 4.7c / 5.7c) [secondary].
SEN_SETTING = {"OLA": "other arrangements by the LA (s.61, EOTAS)",
               "OPA": "other arrangements by parents or young person (s.42(5)), not EHE",
               "EHE": "elective home education", "EYP": "early-years provider with no URN",
               "OTH": "other", "NEET": "not in education, employment or training (16-25)",
               "NIEC": "not in education or training: notice to cease issued",
               "NIEO": "not in education or training: other"}
# Module 1: UPNunknown [secondary].
UPN_UNKNOWN = {"UN1": "under 6 and no UPN yet", "UN2": "never attended a state-funded school in England",
               "UN3": "educated outside England", "UN5": "discrepancies prevent reliable matching",
               "UN8": "new to the LA, UPN/ULN not yet known",
               "UN9": "never attended a state-funded school or FE setting in England; no UPN or ULN",
               "UN10": "request led to no further action before UPN/ULN were known"}
# Module 5a: ReviewOutcome, from 2024 (voluntary in 2024) [secondary].
REVIEW_OUTCOME = {"A": "amend", "C": "cease", "M": "maintain"}
# Module 4a/5b: PlanRes / RES [secondary].
RESIDENTIAL = {"A": "38-51 weeks", "B": "52 weeks"}

_BY_NAME = {
    "request_source": {2025: REQUEST_SOURCE},
    "request_outcome": {2023: REQUEST_OUTCOME},
    "assessment_outcome": {2023: ASSESSMENT_OUTCOME},
    "cease_reason": {2023: CEASE_REASON},
    "sen_type": {2023: _SEN_TYPE_2023, 2025: _SEN_TYPE_2025},
    "sen_setting": {2023: SEN_SETTING},
    "upn_unknown": {2023: UPN_UNKNOWN},
    "review_outcome": {2024: REVIEW_OUTCOME},
    "residential": {2023: RESIDENTIAL},
}
NAMES = tuple(_BY_NAME)

# Items that depend on the collection year (sen2.md 2.3) [secondary]. 2026: one secondary source says
# RequestSource, DSCO and the review/phase-transfer dates become compulsory [gap]; treated like 2025.
_ITEMS = {
    2023: frozenset({"GenderCurrent", "ActivePlanRES"}),
    2024: frozenset({"Sex", "ReviewMeeting", "ReviewOutcome", "PlacementRES"}),
    2025: frozenset({"Sex", "ReviewMeeting", "ReviewOutcome", "PlacementRES", "RequestSource", "ReviewDraft"}),
}

# The ehcp vocabulary -> SEN2 codes.
CEASE_REASON_OF = {"max_age": "1", "needs_met": "2", "higher_education": "3", "employment": "4",
                   "transferred": "5", "no_longer_engaging": "6", "moved_outside_england": "7",
                   "deceased": "8", "other": "9"}
# [gap] ehcp's "other" source may be a health or social care professional (3/4); it is exported as 5.
REQUEST_SOURCE_OF = {"parent": "1", "young_person": "1", "school": "2", "health": "3", "social_care": "4",
                     "other": "5"}
REVIEW_OUTCOME_OF = {"amend": "A", "cease": "C", "maintain": "M"}


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise KeyError(f"no SEN2 code lists for collection year {year} (have {FIRST_YEAR}-{LAST_YEAR})")


def codes(name: str, year: int) -> MappingProxyType:
    """The code list ``name`` in force for collection ``year`` (empty when the item is not collected)."""
    _check_year(year)
    versions = _BY_NAME[name]
    found = [v for y, v in sorted(versions.items()) if y <= year]
    return MappingProxyType(found[-1] if found else {})


def items_for(year: int) -> frozenset[str]:
    """Year-dependent items the return carries in collection ``year``."""
    _check_year(year)
    return _ITEMS[max(y for y in _ITEMS if y <= year)]


def collection_year(census: date) -> int:
    """The collection year of a census date (the census is in January of that year)."""
    return census.year


def census_date(year: int) -> date:
    """The published census day of a collection year."""
    if year not in CENSUS_DATES:
        raise KeyError(f"no published SEN2 census date for {year}")
    return CENSUS_DATES[year]
