"""The documented columns of each import file kind.

Kept free of heavy imports (no SQLAlchemy, no domain) so that ``ehcp --help`` and every command's
start-up stay fast; tests/integration/test_import_columns.py checks that the vocabularies below equal the
domain's own.
"""

from __future__ import annotations

from ehcp.domain.vocabulary import ADVICE_KINDS, CHANNELS, EXCEPTION_REASONS, REQUEST_SOURCES, REVIEW_OUTCOMES
from ehcp.importing.csvfile import Column

EVENT_KINDS = (  # every core domain event kind (ev.EVENT_TYPES) except request_received (it opens a case: import cases)
    "assessment_agreed", "assessment_refused", "advice_requested", "advice_received", "draft_plan_sent",
    "representations_waived", "school_consulted", "school_responded", "final_plan_issued", "plan_not_issued",
    "review_meeting_held", "review_decided", "amendment_notice_sent", "amended_plan_issued", "plan_ceased",
    "case_withdrawn", "exception_recorded",
)
# The rest of the lifecycle (the domain's LIFECYCLE_EVENT_TYPES): their fields go in the `details` column.
# Left out: plan_transferred_in - a plan transferring in opens a new case (its guard refuses any case
# with a history, and the case needs a child), so it cannot be a row on an existing case: use
# 'ehcp transfer in'. And advice_cancelled - a correction of the live record (it marks the advice
# request row cancelled), not a fact of a legacy history: use 'ehcp advice cancel'.
LIFECYCLE_EVENT_KINDS = (
    "child_noted", "review_scheduled", "review_invitations_sent", "review_advice_circulated", "review_report_sent",
    "amendment_not_made", "phase_transfer_noted",
    "reassessment_requested", "reassessment_agreed", "reassessment_refused", "reassessment_draft_sent",
    "reassessment_concluded", "cease_consulted", "cease_notice_sent", "transfer_informed", "move_notified",
    "plan_transferred_out",
    "appealable_decision", "mediation_adviser_contacted", "mediation_requested", "mediation_icb_notified",
    "mediation_unavailable", "mediation_concluded", "mediation_certificate_issued", "appeal_lodged",
    "appeal_response_sent", "appeal_concluded", "tribunal_ordered", "reopened_by_order", "appeal_unopposed",
    "order_complied",
)
LIFECYCLE_NOT_IMPORTED = ("plan_transferred_in", "advice_cancelled")
PAYLOAD_COLUMNS = {  # which optional columns each event kind reads; any other non-blank cell is refused
    "advice_requested": ("advice_kind", "partner", "received_by_body", "channel"),
    "advice_received": ("advice_kind",),
    "draft_plan_sent": ("channel", "served_on"),
    "amendment_notice_sent": ("channel", "served_on"),
    "school_consulted": ("school",),
    "school_responded": ("school",),
    "review_decided": ("outcome",),
    "exception_recorded": ("reason", "until", "advice_kind"),
}

CASES = (
    Column("reference", False, "case reference; blank: the next EHC-YYYY-NNNNN of the year received"),
    Column("given_name", True, "child's given name(s) (the cell may be blank)"),
    Column("family_name", True, "child's family name"),
    Column("dob", True, "date of birth, YYYY-MM-DD (not after today)"),
    Column("upn", False, "unique pupil number (13 characters), optional"),
    Column("year_group", False, "national curriculum year, -3..20, optional"),
    Column("received", True, "date the LA received the request, YYYY-MM-DD (not before dob, not after today, "
                             "not before 2014-09-01)"),
    Column("source", False, f"who asked: {', '.join(REQUEST_SOURCES)} (default parent)"),
    Column("caseworker", False, "login of the caseworker (an existing user, or see --create-users), optional"),
    Column("sex", False, "SEN2 sex: M or F, optional"),
    Column("ethnicity", False, "SEN2 ethnicity, the CBDS code (e.g. WBRI; REFU refused, NOBT not yet obtained), "
                               "optional"),
    Column("postcode", False, "home postcode, e.g. AB1 2CD, optional"),
    Column("uln", False, "unique learner number (10 digits), optional"),
)

PARTNERS = (
    Column("name", True, "the partner's name, unique (1-200 characters)"),
    Column("advice_kinds", False, "advice kinds it gives, separated by ';' or ',': " + ", ".join(ADVICE_KINDS)),
    Column("contact_name", False, "a named contact, optional"),
    Column("email", False, "where advice requests and chasers go"),
    Column("escalation_email", False, "where escalations go (a manager), optional"),
)

EVENTS = (
    Column("reference", True, "case reference (the case must already exist)"),
    Column("kind", True, "event kind: " + ", ".join(EVENT_KINDS) + "; or a lifecycle kind, its fields in "
                         "details: " + ", ".join(LIFECYCLE_EVENT_KINDS)),
    Column("on", True, "date it took effect, YYYY-MM-DD (not after today)"),
    Column("advice_kind", False, "advice_requested, advice_received (optional for exception_recorded): "
                                 + ", ".join(ADVICE_KINDS)),
    Column("partner", False, "advice_requested: name of the partner asked (not needed for parent advice)"),
    Column("received_by_body", False, "advice_requested: date the body received the request, if known"),
    Column("channel", False, "advice_requested, draft_plan_sent, amendment_notice_sent: "
                             + ", ".join(CHANNELS) + " (default email)"),
    Column("served_on", False, "draft_plan_sent, amendment_notice_sent: proven date of service, if known"),
    Column("reason", False, "exception_recorded: " + ", ".join(EXCEPTION_REASONS)),
    Column("until", False, "exception_recorded: last day (school_closure: the re-opening date, required)"),
    Column("outcome", False, "review_decided: " + ", ".join(REVIEW_OUTCOMES)),
    Column("school", False, "school_consulted, school_responded: the school's name"),
    Column("note", False, "free text kept with the event as its reason, optional"),
    Column("details", False, "lifecycle events: their other fields as key=value pairs separated by ';' "
                             "(e.g. reason=needs_met), see docs/import.md"),
)

ADVICE = (
    Column("reference", True, "case reference (the case must exist and be in assessment or draft on "
                              "requested_on)"),
    Column("kind", True, "advice kind: " + ", ".join(ADVICE_KINDS)),
    Column("partner", False, "name of the partner asked (required except for parent advice)"),
    Column("requested_on", True, "date the request was sent, YYYY-MM-DD"),
    Column("received_by_body", False, "date the body received the request, if known"),
    Column("channel", False, ", ".join(CHANNELS) + " (default email)"),
    Column("received_on", False, "date the advice came back, if it has"),
)

PLACEMENTS = (  # SEN2 PlacementDetail (sen2.md module 4b); checked as 'ehcp sen2 placement' checks them
    Column("reference", True, "case reference (the case must already exist)"),
    Column("entry_date", True, "date the child started at the setting, YYYY-MM-DD (not after today)"),
    Column("setting", False, "the setting's name (found, or created with the urn/ukprn given)"),
    Column("urn", False, "the setting's URN from Get Information about Schools (6 digits)"),
    Column("ukprn", False, "the provider's UKPRN (8 digits), e.g. a college"),
    Column("sen_setting", False, "no URN: SEN2 setting code OLA, OPA, EHE, EYP, OTH, NEET, NIEC or NIEO "
                                 "(one of setting, urn, ukprn, sen_setting is required)"),
    Column("sen_setting_other", False, "the detail for sen_setting OTH"),
    Column("rank", False, "1 main placement (default) or 2 secondary; a new row ends the open placement "
                          "of the same rank the day before its entry_date"),
    Column("leaving_date", False, "date the child left, if they have (not before entry_date)"),
    Column("sen_unit", False, "yes/no (default no): placed in an SEN unit"),
    Column("resourced_provision", False, "yes/no (default no): placed in resourced provision"),
    Column("residential", False, "A (38-51 weeks) or B (52 weeks), if residential"),
)

NEEDS = (  # SEN2 SENneed (module 4a) and UPNunknown; checked as 'ehcp sen2 need' checks them
    Column("reference", True, "case reference (the case must already exist); one row per case"),
    Column("primary", True, "primary SEN type: SPLD MLD SLD PMLD SEMH SLCN HI VI MSI PD ASD DS OTH"),
    Column("secondary", False, "the secondary SEN type (at most one), optional"),
    Column("recorded_on", False, "date the needs were recorded, YYYY-MM-DD (default today)"),
    Column("upn_unknown", False, "why the child has no UPN/ULN: UN1, UN2, UN3, UN5, UN8, UN9 or UN10"),
)

COLUMNS = {"cases": CASES, "partners": PARTNERS, "events": EVENTS, "advice": ADVICE, "placements": PLACEMENTS,
           "needs": NEEDS}


def describe(kind: str) -> str:
    """The columns of ``kind`` as help text (required ones marked)."""
    lines = []
    for column in COLUMNS[kind]:
        mark = " (required column)" if column.required else ""
        lines.append(f"{column.name}{mark}: {column.help}")
    return "\n\n".join(lines)
