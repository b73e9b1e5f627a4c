"""What a deadline shows beside its due date (issue 21), as data for docs/rules.md.

* ALTERNATIVES: the readings the rulebook asks to show or warn at beside the date ehcp uses, and the
  policy setting that would make each the due date (``alternatives`` in ``case show --format json``).
* COMPONENTS: the sub-dates a due date is made of (``components``).

ehcp.domain computes both (review.clocks, review.phase_clocks, machine.replay, review.steps,
plan_life.clocks, disputes.appeal_window); tests/unit/domain/test_components_alternatives.py holds them
to these names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shown:
    rule_ids: tuple[str, ...]
    names: str  # component names, or the reading
    text: str
    setting: str = ""  # the policy field that chooses between the readings
    citation: str = ""


ALTERNATIVES: tuple[Shown, ...] = (
    Shown(("R-REVIEW-DUE",), "the other restart of the 12 months",
          "the review completed at the meeting (common LA practice) beside the decision notice (IPSEA; Code "
          "9.169), once both dates are known; statutory-timescales.md Q6 says warn at the meeting-based date",
          "review_restart", "CFA 2014 s.44(1); Q6"),
    Shown(("R-PHASE-TRANSFER", "R-PHASE-TRANSFER-31MAR"), "the Code's published long-stop",
          "Code 9.179 'by 15 February / 31 March' (the date itself) beside reg 18(1) 'before' (the day before)",
          "phase_transfer_date", "SEND Code of Practice 2015 para 9.179; Q5"),
    Shown(("R-DRAFT-REPS", "R-AMEND-NOTICE"), "the other deemed-service convention",
          "for a document posted first class with no recorded receipt: CPR 6.26 (the second day after posting, "
          "or the next business day) beside the 1985 Practice Direction (the second working day)",
          "deemed_service", "Interpretation Act 1978 s.7; Practice Direction (QBD) [1985] 1 WLR 489; CPR 6.26; Q3"),
)

COMPONENTS: tuple[Shown, ...] = (
    Shown(("R-AMEND-FINAL",), "`reg_22_3`, `devon_longstop`",
          "8 weeks after the amendment notice and 12 weeks after the review meeting: the earlier applies "
          "(only the long-stop until the notice is sent)"),
    Shown(("R-REVIEW-UNDER5",), "`window_start`, `window_end`",
          "the advisory window 3-6 months after the plan or the last review (Policy Q15)"),
    Shown(("R-LA-TRANSFER-REVIEW",), "`three_months_after_transfer`, `twelve_months_after_last_review`",
          "reg 15(5): the later of 3 months from the transfer and 12 months from the last review (or the plan)"),
    Shown(("R-APPEAL-DEADLINE",), "`2_months_after_decision`, `decision_after_r12`, "
          "`1_month_after_certificate`, `certificate_after_r12`",
          "the plain date(s) of r.20(1)(c) and where the Tribunal's r.12 (August, 25 December - 1 January, "
          "non-working days) put each; the later applies"),
)


def shown_for(rule_id: str, table: tuple[Shown, ...]) -> list[Shown]:
    return [s for s in table if rule_id in s.rule_ids]
