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
# Module 4a/5b: PlanRes / Res [secondary].
RESIDENTIAL = {"A": "38-51 weeks", "B": "52 weeks"}
# Module 4a/5b: PlanWBP / WBP, work-based learning [secondary: the LIIA 2024-2026 schemas].
WORK_BASED = {"A": "apprenticeship", "T": "traineeship", "S": "supported internship"}
# Module 4a: DP, the direct payment's part of the personal budget [secondary: the LIIA schemas].
DIRECT_PAYMENT = {"E": "education only", "S": "social care only", "H": "health only",
                  "I": "integrated payment for a combination"}
# Module 1: Sex (item 1.4; GenderCurrent in 2023) [secondary: the LIIA 2024-2026 schemas accept M and F only;
# an earlier community schema also accepted U].
SEX = {"M": "male", "F": "female"}
# Header: DMO, DCO, DSCO - a designated medical / clinical / social care officer in post [secondary].
OFFICER = {"Y": "yes", "N": "no", "R": "recruitment in progress"}
# Module 1: Ethnicity, the CBDS extended codes (item 1.5) [secondary: as listed in the LIIA 2025/2026
# schemas, shared/sen2-schema]; REFU refused, NOBT not yet obtained.
ETHNICITY = {"WBRI": "White - British", "WCOR": "White - Cornish", "WENG": "White - English",
             "WNIR": "White - Northern Irish", "WSCO": "White - Scottish", "WWEL": "White - Welsh",
             "WOWB": "Other White British", "WIRI": "White - Irish", "WIRT": "White - Irish Traveller",
             "WOTH": "Any Other White Background", "WALB": "Albanian", "WBOS": "Bosnian - Herzegovinian",
             "WCRO": "Croatian", "WGRE": "Greek/ Greek Cypriot", "WGRK": "Greek", "WGRC": "Greek Cypriot",
             "WITA": "Italian", "WKOS": "Kosovan", "WPOR": "Portuguese", "WSER": "Serbian",
             "WTUR": "Turkish/ Turkish Cypriot", "WTUK": "Turkish", "WTUC": "Turkish Cypriot",
             "WEUR": "White European", "WEEU": "White Eastern European", "WWEU": "White Western European",
             "WOTW": "White Other", "WROM": "Gypsy / Roma", "WROG": "Gypsy", "WROR": "Roma",
             "WROO": "Other Gypsy/Roma", "MWBC": "White and Black Caribbean", "MWBA": "White and Black African",
             "MWAS": "White and Asian", "MWAP": "White and Pakistani", "MWAI": "White and Indian",
             "MWAO": "White and Any Other Asian Background", "ABRI": "Asian - British", "AWEL": "Asian - Welsh",
             "MOTH": "Any Other Mixed Background", "MAOE": "Asian and Any Other Ethnic Group",
             "MABL": "Asian and Black", "MACH": "Asian and Chinese", "MBOE": "Black and Any Other Ethnic Group",
             "MBCH": "Black and Chinese", "MCOE": "Chinese and Any Other Ethnic Group",
             "MWOE": "White and Any Other Ethnic Group", "MWCH": "White and Chinese",
             "MOTM": "Other Mixed Background", "AIND": "Indian", "APKN": "Pakistani",
             "AMPK": "Mirpuri - Pakistani", "AKPA": "Kashmiri Pakistani", "AOPK": "Other Pakistani",
             "ABAN": "Bangladeshi", "AOTH": "Any Other Asian Background", "AAFR": "African Asian",
             "AKAO": "Kashmiri Other", "ANEP": "Nepali", "ASNL": "Sri Lankan Sinhalese",
             "ASLT": "Sri Lankan Tamil", "ASRO": "Sri Lankan Other", "AOTA": "Other Asian",
             "BBRI": "Black - British", "BWEL": "Black - Welsh", "BCRB": "Black Caribbean",
             "BAFR": "Black - African", "BANN": "Black - Angolan", "BCON": "Black - Congolese",
             "BGHA": "Black - Ghanaian", "BNGN": "Black - Nigerian", "BSLN": "Black - Sierra Leonean",
             "BSOM": "Black - Somali", "BSUD": "Black - Sudanese", "BAOF": "Other Black African",
             "BOTH": "Any Other Black Background", "BEUR": "Black European", "BNAM": "Black North American",
             "BOTB": "Other Black", "CHNE": "Chinese", "CHKC": "Hong Kong Chinese", "CMAL": "Malaysian Chinese",
             "CSNG": "Singaporean Chinese", "CTWN": "Taiwanese", "COCH": "Other Chinese",
             "OOTH": "Any Other Ethnic Group", "OAFG": "Afghan", "ORAB": "Arab", "OARA": "Arab Other",
             "OEGY": "Egyptian", "OFIL": "Filipino", "OIRN": "Iranian", "OIRQ": "Iraqi", "OJPN": "Japanese",
             "OKOR": "Korean", "OKRD": "Kurdish", "OLAM": "Latin/ South/ Central American", "OLEB": "Lebanese",
             "OLIB": "Libyan", "OMAL": "Malay", "OMRC": "Moroccan", "OPOL": "Polynesian", "OTHA": "Thai",
             "OVIE": "Vietnamese", "OYEM": "Yemeni", "OOEG": "Other Ethnic Group", "REFU": "refused",
             "NOBT": "information not yet obtained"}

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
    "work_based": {2023: WORK_BASED},
    "direct_payment": {2023: DIRECT_PAYMENT},
    "sex": {2023: SEX},
    "ethnicity": {2023: ETHNICITY},
    "officer": {2023: OFFICER},
}
# Limits of the return [secondary: the LIIA 2025/2026 schemas]: PlacementRank 1 (primary) or 2
# (secondary); at most two SENneed per active plan (SENtypeRank 1-2); at most two PlanDetail.
MAX_PLACEMENT_RANK = 2
MAX_NEEDS = 2
NAMES = tuple(_BY_NAME)

# Items that depend on the collection year (sen2.md 2.3) [secondary]; the element names and order of
# each year are in ehcp.sen2.layout.
_ITEMS = {
    2023: frozenset({"GenderCurrent", "ActivePlanRES"}),
    2024: frozenset({"Sex", "ReviewMeeting", "ReviewOutcome", "PlacementRES"}),
    2025: frozenset({"Sex", "ReviewMeeting", "ReviewOutcome", "PlacementRES", "RequestSource", "ReviewDraft",
                     "PhaseTransfer", "DSCO"}),
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
