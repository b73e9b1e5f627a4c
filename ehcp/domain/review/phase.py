"""Phase transfers (reg 18; reg 2(1) "transfer between phases of education"): which move the child
makes when, and the date by which the plan must be reviewed and amended for it.

By default the year group decides (Policy.phase_transfer_ncys: nursery -1 to school, Year 6 to
secondary, Year 11 to post-16) and the move is on 1 September. A PhaseTransferNoted says otherwise
for the calendar year of its transfer date: a middle school, a post-16 move at another time (at
least 5 months before, reg 18(2); G31), or staying on in the school's sixth form, which is not a
transfer between phases unless Policy Q10 says so (G33).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from calendars import conventions
from calendars.working_days import WorkingDayCalendar
from ehcp.domain.machine.child import ChildFacts, academic_year
from ehcp.domain.machine.counting import nominal_due
from ehcp.domain.review.events import PhaseTransferNoted
from ehcp.rules.model import Rule, RuleSet
from ehcp.rules.policy import Policy

POST16 = "secondary_to_post16"
SIXTH_FORM = "sixth_form_same_school"
NOT_A_TRANSFER = frozenset({SIXTH_FORM, "none"})
DEFAULT_BY_NCY = {-1: "early_years_to_school", 2: "infant_to_junior", 4: "primary_to_middle",
                  5: "primary_to_middle", 6: "primary_to_secondary", 7: "middle_to_secondary",
                  8: "middle_to_secondary", 11: POST16}
HORIZON_YEARS = 25  # nobody transfers between phases after 25 (s.46)


@dataclass(frozen=True)
class Transfer:
    kind: str
    on: date  # the day the child moves


@dataclass(frozen=True)
class PhaseDeadline:
    transfer: Transfer
    rule: Rule
    due: date  # review and amend by this day

    @property
    def window_opens(self) -> date:
        """Reg 18 applies once the child is within 12 months of the transfer."""
        return conventions.add_months(self.transfer.on, -12)


def default_transfer(child: ChildFacts, year: int, policy: Policy) -> Transfer | None:
    """The move on 1 September ``year`` that the child's year group implies, if any."""
    ncy = child.ncy(date(year - 1, 9, 1))
    if ncy is None or ncy not in policy.phase_transfer_ncys:
        return None
    return Transfer(DEFAULT_BY_NCY.get(ncy, "primary_to_secondary"), date(year, 9, 1))


def noted_transfer_date(note: PhaseTransferNoted) -> date:
    """A note's transfer date, else the next 1 September after it was noted."""
    if note.transfer_date is not None:
        return note.transfer_date
    return date(note.on.year + (note.on.month >= 9), 9, 1)


def transfer_in(year: int, child: ChildFacts, notes: Sequence[PhaseTransferNoted], policy: Policy) -> Transfer | None:
    """The move in calendar year ``year``: the latest note for that year, else the default."""
    noted = [n for n in notes if noted_transfer_date(n).year == year]
    if noted:
        return Transfer(noted[-1].transfer, noted_transfer_date(noted[-1]))
    return default_transfer(child, year, policy)


def deadline_for(transfer: Transfer, *, rules: RuleSet, policy: Policy,
                 calendar: WorkingDayCalendar) -> PhaseDeadline | None:
    """The reg 18 deadline for ``transfer``, or None if it is not a transfer between phases."""
    if transfer.kind == "post16_to_post16":
        key = "post16_move"
    elif transfer.kind == POST16 or (transfer.kind == SIXTH_FORM and policy.sixth_form_is_phase_transfer):
        key = "phase_transfer_post16"
    elif transfer.kind in NOT_A_TRANSFER:
        return None
    else:
        key = "phase_transfer"
    rule = rules.rule(key, transfer.on)
    return PhaseDeadline(transfer, rule, nominal_due(rule, transfer.on, calendar=calendar, policy=policy))


def next_deadline(child: ChildFacts, notes: Sequence[PhaseTransferNoted], after: date, *, rules: RuleSet,
                  policy: Policy, calendar: WorkingDayCalendar,
                  skip: frozenset[date] = frozenset()) -> PhaseDeadline | None:
    """The first phase-transfer deadline on or after ``after`` (transfers dated in ``skip`` apart)."""
    if child.ncy(after) is None and not notes:
        return None
    for year in range(academic_year(after), academic_year(after) + HORIZON_YEARS):
        transfer = transfer_in(year, child, notes, policy)
        found = transfer and deadline_for(transfer, rules=rules, policy=policy, calendar=calendar)
        if found and found.due >= after and found.transfer.on not in skip:
            return found
    return None


def deadline_in(year: int, child: ChildFacts, notes: Sequence[PhaseTransferNoted], *, rules: RuleSet, policy: Policy,
                calendar: WorkingDayCalendar) -> PhaseDeadline | None:
    """The phase-transfer deadline for the move in calendar year ``year``, if there is one."""
    transfer = transfer_in(year, child, notes, policy)
    return None if transfer is None else deadline_for(transfer, rules=rules, policy=policy, calendar=calendar)


def planning_dates(deadline: date, *, rules: RuleSet) -> tuple[date, date]:
    """Working back from the reg 18 date (G29): the latest amendment notice (8 weeks, reg 22(3))
    and the latest review meeting (4 weeks, reg 20(10)) that still meet it. Planning aids."""
    notice = deadline - timedelta(weeks=rules.rule("amended_plan", deadline).length)
    meeting = notice - timedelta(weeks=rules.rule("review_decision", notice).length)
    return notice, meeting
