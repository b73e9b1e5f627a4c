"""Human labels for the words the store and JSON keep: stages, deadline keys, rule ids, statuses.

Screens and workbooks show these; JSON and CSV keep the keys (contract.md). Standard library only and
free of the rest of the domain, so the CLI can import it at start-up for nothing.
"""

from __future__ import annotations

import re

# Deadline keys (contract.md) as a caseworker says them.
DEADLINES: dict[str, str] = {
    "advice": "advice from partners",
    "amended_plan": "amended plan",
    "amendment_representations": "representations on amendments",
    "annual_review": "annual review",
    "appeal_deadline": "appeal deadline",
    "assessment_decision": "decision to assess",
    "draft_representations": "representations on the draft",
    "final_plan": "final plan",
    "mediation_arranged": "mediation arranged",
    "mediation_certificate": "mediation certificate",
    "mediation_contact": "mediation contact",
    "mediation_icb_notice": "mediation: ICB told",
    "no_plan_notice": "notice of no plan",
    "reassessment_decision": "decision to reassess",
    "reassessment_final": "plan after reassessment",
    "review_advice": "advice for the review",
    "review_decision": "review decision",
    "review_invitation": "review invitations",
    "review_report": "review report",
    "school_consultation": "school consultation",
    "transfer_notice": "transfer notice",
    "transfer_review": "review after transfer",
}

# Rule ids (ehcp.rules.catalogue) by the deadline they set.
RULES: dict[str, str] = {
    "R-ADVICE-RESPOND": "advice",
    "R-AMEND-FINAL": "amended_plan",
    "R-AMEND-NOTICE": "amendment_representations",
    "R-REVIEW-DUE": "annual_review",
    "R-APPEAL-DEADLINE": "appeal_deadline",
    "R-ASSESS-DECISION": "assessment_decision",
    "R-DRAFT-REPS": "draft_representations",
    "R-FINAL-PLAN": "final_plan",
    "R-MED-ARRANGE": "mediation_arranged",
    "R-MED-CERT": "mediation_certificate",
    "R-MED-CONTACT": "mediation_contact",
    "R-MED-ICB-NOTIFY": "mediation_icb_notice",
    "R-NO-PLAN-NOTICE": "no_plan_notice",
    "R-REASSESS-DECISION": "reassessment_decision",
    "R-REASSESS-FINAL": "reassessment_final",
    "R-REVIEW-ADVICE": "review_advice",
    "R-REVIEW-DECISION": "review_decision",
    "R-REVIEW-INVITE": "review_invitation",
    "R-REVIEW-REPORT": "review_report",
    "R-SCHOOL-CONSULT": "school_consultation",
    "R-LA-TRANSFER-INFORM": "transfer_notice",
    "R-LA-TRANSFER-REVIEW": "transfer_review",
}

ORDINALS = {2: "2nd", 3: "3rd"}
ADVICE_KEY = re.compile(r"advice\.([a-z_]+)(?:\.(\d+))?")


def words(key: str) -> str:
    """A stored word as text: ``not_assessed`` -> ``not assessed``."""
    return key.replace("_", " ")


def deadline(key: str) -> str:
    """``final_plan`` -> ``final plan``; ``advice.medical.2`` -> ``medical advice (2nd request)``;
    ``order.assess`` -> ``order: assess``; a numbered repeat ``mediation_certificate.2`` -> ``... (2nd)``."""
    match = ADVICE_KEY.fullmatch(key)
    if match:
        kind, count = match.group(1), match.group(2)
        return f"{words(kind)} advice" + (f" ({_nth(int(count))} request)" if count else "")
    base, *rest = key.split(".")
    nth = f" ({_nth(int(rest.pop()))})" if rest and rest[-1].isdigit() else ""
    label = DEADLINES.get(base, words(base))
    return label + "".join(f": {words(part)}" for part in rest) + nth


def _nth(count: int) -> str:
    return ORDINALS.get(count, f"{count}th")


def rule(rule_id: str) -> str:
    """``R-ADVICE-RESPOND`` -> ``advice``: a rule is named by the deadline it sets."""
    key = RULES.get(rule_id)
    return deadline(key) if key else rule_id


def flag(value: bool) -> str:
    return "yes" if value else "no"
