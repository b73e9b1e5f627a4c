"""Rule data for the life of a plan beyond the catalogue's first clocks (statutory-timescales.md
sections 6-8): under-5 reviews, the Devon notice date, decisions not to amend, phase transfers,
transfers between authorities, ceasing, mediation agreements, and unopposed appeals (reg 45) with
the version in force before SI 2015/359 (Q21).
"""

from __future__ import annotations

from datetime import date, timedelta

from ehcp.rules.model import (
    ABSENCE_FROM_AREA,
    C_ACADEMIC_YEAR_END,
    C_AT_LEAST_BEFORE,
    C_BEFORE_DATE,
    C_IMMEDIATE,
    C_MONTHS_AFTER,
    C_TRIBUNAL_WD,
    C_WD_BEGINNING,
    C_WEEKS,
    PERSONAL_CIRCUMSTANCES,
    SCHOOL_CLOSURE,
    Rule,
)

REGS = "SEND Regulations 2014"
DEVON = "R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)"
DEVON_FROM = date(2022, 3, 8)
SI_2015_359_FROM = date(2015, 3, 23)  # Policy.si_2015_359_from (Q21) moves it per computation
REG45_OLD, REG45_NEW = "send-2014", "send-2014+si-2015-359"
ORDER_EXCEPTIONS = frozenset({SCHOOL_CLOSURE, PERSONAL_CIRCUMSTANCES, ABSENCE_FROM_AREA})

REVIEW_MORE = (
    Rule("under5_review", "R-REVIEW-UNDER5", "SEND Code of Practice 2015 para 9.178", C_MONTHS_AFTER, 6,
         "months", "plan issued, or last review, while the child is under 5", "local_authority",
         advisory=True, note="'should consider' reviewing every 3-6 months; Policy.under5_review_months (Q15)"),
    Rule("amendment_notice", "R-AMEND-NOTICE-DUE", f"{REGS} reg 20(10), 22(2) (good practice before {DEVON})",
         C_WEEKS, 4, "weeks", "review meeting", "local_authority", advisory=True,
         effective_to=DEVON_FROM - timedelta(days=1)),
    Rule("amendment_notice", "R-AMEND-NOTICE-DUE", f"{REGS} reg 20(10), 22(2); {DEVON}", C_WEEKS, 4, "weeks",
         "review meeting", "local_authority", effective_from=DEVON_FROM, version="send-2014+devon-2022",
         note="the proposed amendments go with the reg 20(10) decision, within 4 weeks of the meeting"),
    Rule("no_amendment_notice", "R-AMEND-NOT", f"{REGS} reg 22(4)", C_WEEKS, 8, "weeks",
         "amendment notice sent", "local_authority", note="time limit text not read; presumed (Q16)"),
    Rule("phase_transfer", "R-PHASE-TRANSFER", f"{REGS} reg 18(1)(b)", C_BEFORE_DATE, 0, "days",
         "transfer between phases (calendar year of transfer)", "local_authority", fixed_date=(2, 15),
         note="'before 15 February'; Code 9.179 says 'by' (Q5)"),
    Rule("phase_transfer_post16", "R-PHASE-TRANSFER-31MAR", f"{REGS} reg 18(1)(a)", C_BEFORE_DATE, 0, "days",
         "transfer from secondary school to a post-16 institution", "local_authority", fixed_date=(3, 31),
         note="'before 31 March'; Code 9.179 says 'by' (Q5); school sixth form: Q10"),
    Rule("post16_move", "R-POST16-MOVE", f"{REGS} reg 18(2)", C_AT_LEAST_BEFORE, 5, "months",
         "move between post-16 institutions at any other time", "local_authority"),
)

TRANSFER_MORE = (
    Rule("plan_transfer", "R-LA-TRANSFER", f"{REGS} reg 15(2)", C_WD_BEGINNING, 15, "working_days",
         "old LA became aware of the move (the day of the move if aware 15 working days before)",
         "local_authority", note="'at least 15 working days' counted per Policy.la_transfer_notice (Q18)"),
    Rule("cease_effective", "R-CEASE-EFFECTIVE", "CFA 2014 s.45", C_MONTHS_AFTER, 2, "months",
         "decision to cease notified", "local_authority", window=True,
         note="the plan is maintained until the appeal period ends or an appeal is determined; "
              "due = the first day it may cease"),
    Rule("mediation_agreement", "R-MED-AGREEMENT", f"{REGS} reg 42(3)", C_WEEKS, 2, "weeks",
         "mediation agreement recorded in writing", "local_authority",
         note=("one clock per agreed item: matters that could be appealed follow reg 44 as if ordered (42(2)); "
               "other actions 2 weeks (42(3)); a timescale agreed in writing replaces either (42(5))")),
)

# Tribunal-rule periods (HESC Rules 2008 r.12(3)(b), (4); before the 2020 amendment r.12(3) as made): acts under
# the Rules in an SEN case do not count August or 25 December - 1 January, unless the Tribunal directs a date.
TRIBUNAL = (
    Rule("appeal_response", "R-APPEAL-RESPONSE",
         "HESC Rules 2008 r.21(1)(a) and Schedule (SEN case: 30 working days); r.12(3)(b), (4)", C_TRIBUNAL_WD, 30,
         "working_days", "LA received the notice of appeal from the Tribunal (default: the day it was lodged)",
         "local_authority",
         note=("r.21(1)(b) sets 21 days where the Schedule names no period; 30 working days for an SEN case as read "
               "in secondary sources (verify); a date the Tribunal directs replaces the count")),
)

# The end of a plan at 25 (CFA 2014 s.46; reg 46(1)): advisory clocks to plan ceasing, never breaches.
AGE25 = (
    Rule("age25_end", "R-AGE25-END", f"CFA 2014 s.46; {REGS} reg 46(1)(a)", C_ACADEMIC_YEAR_END, 0, "days",
         "the young person's 25th birthday", "local_authority", advisory=True,
         note=("the LA may maintain the plan until the end of the academic year during which the young person "
               "attains 25 (31 July for further education; never past the day before the 26th birthday)")),
    Rule("age25_conversation", "R-AGE25-CONVERSATION", f"CFA 2014 s.45-46; {REGS} reg 31(1)", C_AT_LEAST_BEFORE, 3,
         "months", "end of the academic year during which the young person attains 25", "local_authority",
         advisory=True,
         note=("ehcp's lead time: consult on ceasing (reg 31(1)) at least 3 months before, so a decision to cease "
               "can be notified and its 2-month appeal period (s.45) run before the plan ends")),
)


def _order(kind: str, weeks: int, what: str, citation: str, convention: str = C_WEEKS) -> Rule:
    return Rule(f"order.{kind}", f"R-ORDER-{kind.upper().replace('_', '-')}", f"{REGS} {citation}",
                convention, weeks, "weeks", f"tribunal order ({what})", "local_authority",
                exceptions=ORDER_EXCEPTIONS, absence_min_days=14, note="SEND18; lettering: Q11")


ORDERS_MORE = (
    _order("cease", 0, "dismisses an appeal against ceasing: cease immediately", "reg 44(2)(a)", C_IMMEDIATE),
    _order("continue", 0, "continue to maintain, immediately", "reg 44(2); SEND18", C_IMMEDIATE),
    _order("remit", 2, "remitted for reconsideration", "reg 44 (2014 figure not confirmed)"),
)


def _unopposed(kind: str, weeks: int, what: str, paragraph: str, old: int | None,
               convention: str = C_WEEKS) -> tuple[Rule, ...]:
    """The reg 45 clock as substituted by SI 2015/359, and the version in force before it."""
    key, rule_id = f"unopposed.{kind}", f"R-UNOPPOSED-{kind.upper().replace('_', '-')}"
    new = Rule(key, rule_id, f"{REGS} reg 45{paragraph} (as substituted by SI 2015/359)", convention, weeks,
               "weeks", f"LA told the Tribunal it will not oppose ({what})", "local_authority",
               effective_from=SI_2015_359_FROM, version=REG45_NEW, exceptions=ORDER_EXCEPTIONS, absence_min_days=14)
    if old is None:
        old_text, advisory = "not in reg 45 as made (as read): the later figure shown as guidance (Q21)", True
        old = weeks
    else:
        old_text, advisory = "reg 45 as made (1 Sep 2014)", False
    cited = f"{REGS} reg 45{paragraph if not advisory else ''} as made"
    previous = Rule(key, rule_id, cited, convention, old, "weeks",
                    f"LA told the Tribunal it will not oppose ({what})", "local_authority", advisory=advisory,
                    effective_to=SI_2015_359_FROM - timedelta(days=1), version=REG45_OLD, note=old_text,
                    exceptions=ORDER_EXCEPTIONS, absence_min_days=14)
    return previous, new


UNOPPOSED = (
    _unopposed("assess", 2, "assessment or re-assessment: notify it will assess", "(3)", 4)
    + _unopposed("no_plan", 10, "then decides no plan: notify with reasons", "(3A)", None)
    + _unopposed("assessed_final", 14, "then decides to issue: final plan", "(3A)", None)
    + _unopposed("draft_plan", 5, "refusal to issue a plan: draft", "(6) (verify)", None)
    + _unopposed("final_plan", 11, "refusal to issue a plan: final", "(6) (verify)", None)
    + _unopposed("amend", 5, "contents or refusal to amend: amended plan", "(4)", 4)
    + _unopposed("placement", 2, "school or institution named only", "(5)", 2)
    + (Rule("unopposed.continue", "R-UNOPPOSED-CONTINUE", "CFA 2014 s.45; SEND Regulations 2014 reg 45",
            C_IMMEDIATE, 0, "weeks", "LA will not oppose an appeal against ceasing", "local_authority",
            note="the appeal is treated as determined for the appellant: the plan continues"),)
)
