"""The rule catalogue: every clock of statutory-timescales.md section 11 that ehcp knows, as data.

Version boundaries (section 0, "Rule versions"): SEND Regulations 2014 in force 1 Sep 2014; the
coronavirus exception of SI 2020/471 from 1 May to 25 Sep 2020 inclusive (section 10); the Devon
long-stop for amended plans from the judgment of 8 Mar 2022 (section 6.3).
"""

from __future__ import annotations

from datetime import date, timedelta

from ehcp.rules.lifecycle_rules import AGE25, ORDERS_MORE, REVIEW_MORE, TRANSFER_MORE, TRIBUNAL, UNOPPOSED
from ehcp.rules.model import (
    ABSENCE_FROM_AREA,
    C_AT_LEAST_BEFORE,
    C_DAYS_AFTER,
    C_DAYS_BEGINNING,
    C_MONTHS_AFTER,
    C_MONTHS_BEGINNING,
    C_WD_AFTER,
    C_WEEKS,
    CORONAVIRUS,
    MISSED_APPOINTMENT,
    PERSONAL_CIRCUMSTANCES,
    SCHOOL_CLOSURE,
    Rule,
    RuleSet,
    temporary_version,
)

REGS = "SEND Regulations 2014"
# reg 5(4), 10(4)(a)-(d), 13(3), 27(3): closure window, personal circumstances, absence >= 4 weeks.
LA_EXCEPTIONS = frozenset({SCHOOL_CLOSURE, PERSONAL_CIRCUMSTANCES, ABSENCE_FROM_AREA})
# reg 8(2)(a)-(c): advice-givers have no school-closure exception (G07).
ADVICE_EXCEPTIONS = frozenset({PERSONAL_CIRCUMSTANCES, ABSENCE_FROM_AREA, MISSED_APPOINTMENT})

COVID_FROM = date(2020, 5, 1)  # SI 2020/471 reg 1
COVID_TO = date(2020, 9, 25)  # last day of the temporary amendments, inclusive
COVID_VERSION = "send-2014@covid-2020"
DEVON_FROM = date(2022, 3, 8)  # R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)

ASSESSMENT = (
    Rule("assessment_decision", "R-ASSESS-DECISION", f"{REGS} reg 5(1)", C_WEEKS, 6, "weeks",
         "request received (or LA became responsible, s.24)", "local_authority",
         exceptions=LA_EXCEPTIONS,
         note="reg 4(1) sets the same 6 weeks for a refusal; reg 5(4) exceptions cover both (Q14)"),
    Rule("advice", "R-ADVICE-RESPOND", f"{REGS} reg 8(1)", C_WEEKS, 6, "weeks",
         "advice request received by the body", "advice_giver", exceptions=ADVICE_EXCEPTIONS),
    Rule("no_plan_notice", "R-NO-PLAN-NOTICE", f"{REGS} reg 10(1)", C_WEEKS, 16, "weeks",
         "request received", "local_authority", exceptions=LA_EXCEPTIONS,
         note="reg 10(4)(a)-(d); a limb (e) is unconfirmed (Q1)"),
)

PLAN = (
    Rule("draft_representations", "R-DRAFT-REPS", f"{REGS} reg 13(1)(a)", C_DAYS_BEGINNING, 15,
         "days", "draft plan served", "local_authority", window=True),
    Rule("school_consultation", "R-SCHOOL-CONSULT",
         "SEND Code of Practice 2015 para 9.83; CFA 2014 s.39(2)", C_DAYS_AFTER, 15, "days",
         "school consulted", "school", advisory=True),
    Rule("final_plan", "R-FINAL-PLAN", f"{REGS} reg 13(2)", C_WEEKS, 20, "weeks",
         "request received", "local_authority", exceptions=LA_EXCEPTIONS,
         note="exceptions via reg 13(3): reg 10(4)(a)-(d)"),
)

REVIEW = (
    Rule("annual_review", "R-REVIEW-DUE", "CFA 2014 s.44(1)", C_MONTHS_BEGINNING, 12, "months",
         "plan issued, or last review completed", "local_authority",
         note="which date restarts the period is Q6"),
    Rule("review_invitation", "R-REVIEW-INVITE", f"{REGS} reg 20(3), 21(3)", C_AT_LEAST_BEFORE, 2,
         "weeks", "review meeting", "local_authority"),
    Rule("review_advice", "R-REVIEW-ADVICE", f"{REGS} reg 20(4), 21(4)", C_AT_LEAST_BEFORE, 2,
         "weeks", "review meeting", "local_authority"),
    Rule("review_report", "R-REVIEW-REPORT", f"{REGS} reg 20(7), 21(7)", C_WEEKS, 2, "weeks",
         "review meeting", "local_authority"),
    Rule("review_decision", "R-REVIEW-DECISION", f"{REGS} reg 20(10)", C_WEEKS, 4, "weeks",
         "review meeting", "local_authority", note="reg 21 equivalent paragraph: verify"),
    Rule("amendment_representations", "R-AMEND-NOTICE", f"{REGS} reg 22(2)(c)", C_DAYS_BEGINNING,
         15, "days", "amendment notice served", "local_authority", window=True),
    Rule("amended_plan", "R-AMEND-FINAL", f"{REGS} reg 22(3)", C_WEEKS, 8, "weeks",
         "amendment notice sent", "local_authority", effective_to=date(2022, 3, 7)),
    Rule("amended_plan", "R-AMEND-FINAL",
         f"{REGS} reg 22(3); R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)", C_WEEKS, 8,
         "weeks", "amendment notice sent", "local_authority", effective_from=DEVON_FROM,
         version="send-2014+devon-2022", longstop_weeks=12, longstop_trigger="review meeting"),
)

REASSESSMENT = (
    Rule("reassessment_decision", "R-REASSESS-DECISION", f"{REGS} reg 25(1)", C_DAYS_AFTER, 15,
         "days", "re-assessment request received", "local_authority",
         note="reg 25 text read only through secondary sources (Q23)"),
    Rule("reassessment_final", "R-REASSESS-FINAL", f"{REGS} reg 27(2)", C_WEEKS, 14, "weeks",
         "reg 25(1) notification of the decision to re-assess", "local_authority",
         exceptions=LA_EXCEPTIONS, note="exceptions reg 27(3)(a)-(d)"),
)

# Sections 7.3 and 8. The parent's own periods (mediation contact, appeal) are windows: never
# overdue, they simply run out.
HESC_2020_FROM = date(2020, 7, 21)  # Policy.hesc_r12_2020_from (Q22) moves it per computation
TRANSFER_AND_APPEALS = (
    Rule("transfer_notice", "R-LA-TRANSFER-INFORM", f"{REGS} reg 15(4)", C_WEEKS, 6, "weeks",
         "plan transferred to the new LA", "local_authority"),
    Rule("transfer_review", "R-LA-TRANSFER-REVIEW", f"{REGS} reg 15(5)", C_MONTHS_BEGINNING, 3,
         "months", "plan transferred (or 12 months from the last review, if later)",
         "local_authority"),
    Rule("mediation_contact", "R-MED-CONTACT", f"{REGS} reg 33; CFA 2014 s.55", C_MONTHS_AFTER, 2,
         "months", "decision notice sent", "parent", window=True),
    Rule("mediation_certificate", "R-MED-CERT", f"{REGS} regs 34, 39", C_WD_AFTER, 3,
         "working_days", "adviser told / mediation ended", "mediation_adviser",
         note="paragraph numbering to verify (Q12)"),
    Rule("mediation_arranged", "R-MED-ARRANGE", f"{REGS} regs 35-37", C_DAYS_AFTER, 30, "days",
         "LA told the parent wishes to mediate", "local_authority", note="Q12"),
    Rule("mediation_icb_notice", "R-MED-ICB-NOTIFY", f"{REGS} regs 35-36", C_WD_AFTER, 3, "working_days",
         "LA told the mediation issues include health care provision", "local_authority",
         note="paragraph numbering to verify (Q12)"),
    Rule("appeal_deadline", "R-APPEAL-DEADLINE", "HESC Rules 2008 r.20(1)(c), r.12 (r.12(3) before 2020)",
         C_MONTHS_AFTER, 2, "months", "decision notice sent", "parent", window=True,
         effective_to=HESC_2020_FROM - timedelta(days=1), version="hesc-2008",
         note="25 Dec-1 Jan and August not counted; r.12(2) roll-forward (Q22)"),
    Rule("appeal_deadline", "R-APPEAL-DEADLINE", "HESC Rules 2008 r.20(1)(c), r.12", C_MONTHS_AFTER, 2,
         "months", "decision notice sent", "parent", window=True, effective_from=HESC_2020_FROM,
         version="hesc-2008+2020",
         note="or 1 month after the mediation certificate if later; r.12(3)(a), r.12(2) roll-forward"),
)

_ORDER_EXCEPTIONS = LA_EXCEPTIONS  # reg 44 exceptions; absence threshold 2 weeks (verify)


def _order(kind: str, weeks: int, what: str, citation: str) -> Rule:
    return Rule(f"order.{kind}", f"R-ORDER-{kind.upper().replace('_', '-')}", f"{REGS} {citation}",
                C_WEEKS, weeks, "weeks", f"tribunal order ({what})", "local_authority",
                exceptions=_ORDER_EXCEPTIONS, absence_min_days=14, note="SEND18; lettering: Q11")


ORDERS = (
    _order("assess", 2, "assess or re-assess", "reg 44(2)(b)"),
    _order("no_plan", 10, "assess; then no plan", "reg 44(2)(b)(i)"),
    _order("assessed_final", 14, "assess; then plan", "reg 44(2)(b)(ii)"),
    _order("draft_plan", 5, "make and maintain: draft", "reg 44(2)(c)(i)"),
    _order("final_plan", 11, "make and maintain: final", "reg 44(2)(c)(ii)"),
    _order("amend", 5, "amend contents", "reg 44(2)"),
    _order("placement", 2, "name or type of school only", "reg 44(2)"),
)

# SI 2020/471 added the coronavirus exception to these clocks (section 10; Annex A of the DfE
# guidance of 26 Aug 2020 - the exact list of amended paragraphs is to verify).
COVID_KEYS = frozenset({
    "assessment_decision", "advice", "no_plan_notice", "final_plan", "annual_review",
    "review_report", "review_decision", "amended_plan", "reassessment_decision",
    "reassessment_final", "transfer_notice", "transfer_review",
})


def _with_coronavirus(rule: Rule) -> tuple[Rule, ...]:
    if rule.key not in COVID_KEYS:
        return (rule,)
    return temporary_version(
        rule, COVID_FROM, COVID_TO, exceptions=rule.exceptions | {CORONAVIRUS},
        version=COVID_VERSION, citation=f"{rule.citation}; SI 2020/471",
    )


def build_catalogue() -> RuleSet:
    """The default rule set: the catalogue with the 2020 coronavirus versions split in."""
    base = (ASSESSMENT + PLAN + REVIEW + REVIEW_MORE + REASSESSMENT + TRANSFER_AND_APPEALS + TRANSFER_MORE
            + TRIBUNAL + ORDERS + ORDERS_MORE + UNOPPOSED + AGE25)
    return RuleSet(tuple(piece for rule in base for piece in _with_coronavirus(rule)))


DEFAULT_RULES = build_catalogue()
