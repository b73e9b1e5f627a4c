"""The phase_transfer clock during replay: at most one pending at a time, for the next transfer.

Started (or moved on) whenever a plan is made or a review completed; settled by the amended plan
(or the plan after a re-assessment) issued within the 12 months before the transfer - naming the
new school or institution is an amendment (reg 18(1)). A "maintain" decision leaves it pending.
"""

from __future__ import annotations

from datetime import date, timedelta

from calendars import conventions
from ehcp.domain.deadlines import Alternative
from ehcp.domain.machine.clocks import family, pending
from ehcp.domain.machine.replay import Replay
from ehcp.domain.review.events import PhaseTransferNoted
from ehcp.domain.review.phase import next_deadline
from ehcp.rules.model import Rule
from ehcp.rules.policy import Policy


def refresh_phase(r: Replay, anchor: date) -> None:
    """Start the clock for the next transfer whose deadline is on or after ``anchor``, if none waits."""
    if not r.plan_active or pending(r.clocks, "phase_transfer"):
        return
    ctx = r.ctx
    seen = frozenset(c.trigger for c in family(r.clocks, "phase_transfer"))
    notes = [note for note in r.phase_notes if isinstance(note, PhaseTransferNoted)]
    found = next_deadline(r.child, notes, anchor, rules=ctx.rules, policy=ctx.policy, calendar=ctx.calendar,
                          skip=seen)
    if found is None:
        return
    key = r.put("phase_transfer", found.rule, found.transfer.on, found.due, subject=found.transfer.kind)
    r.clocks[key] = r.clocks[key].with_detail(alternatives=(code_reading(found.rule, found.due, ctx.policy),))


def code_reading(rule: Rule, due: date, policy: Policy) -> Alternative:
    """Q5: the Code's "by 15 February / 31 March" (the published long-stop) beside the regulation's
    "before" (the day before), whichever the policy made the due date."""
    fixed = rule.fixed_date or (due.month, due.day)
    if policy.phase_transfer_date == "code":
        return Alternative(f"{rule.citation} 'before' the date: the day before", due - timedelta(days=1),
                           rule.citation, "phase_transfer_date=regulation")
    day = f"{fixed[1]} {('February', 'March')[fixed[0] == 3]}" if fixed[0] in (2, 3) else "the date"
    return Alternative(f"SEND Code 9.179 'by {day}': the published long-stop", due + timedelta(days=1),
                       "SEND Code of Practice 2015 para 9.179", "phase_transfer_date=code")


def settle_phase(r: Replay, on: date) -> None:
    """An amended plan within 12 months of the transfer settles its clock; then look ahead."""
    for clock in pending(r.clocks, "phase_transfer"):
        if on >= conventions.add_months(clock.trigger, -12):
            r.settle(clock, on)
    refresh_phase(r, on)
