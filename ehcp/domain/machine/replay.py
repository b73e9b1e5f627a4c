"""The working state of one replay of a case's events: its clocks and where the case stands.

Handlers (the ``clocks`` module of each process package) change it through the few
operations here: start a clock under the rule version in force, settle it, end a window, drop or
close. Private to compute_deadlines: nothing outside a single computation ever sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from calendars.post import deemed_served
from ehcp.domain.deadlines import MET, MISSED, PENDING, Alternative
from ehcp.domain.machine.child import ChildFacts
from ehcp.domain.machine.clocks import Clock, Context, next_key, pending, select_rule
from ehcp.domain.machine.counting import nominal_due, service_date
from ehcp.domain.machine.event import Event
from ehcp.rules.model import NoRuleInForce, Rule

# Q3: the two readings of deemed service by post, and where each is written.
DEEMED_SERVICE_READINGS = {
    "practice_direction_1985": (("1985 Practice Direction deemed service (2nd working day after first-class "
                                "posting, 4th after second class)"),
                                "Interpretation Act 1978 s.7; Practice Direction (QBD) [1985] 1 WLR 489"),
    "cpr_6_26": ("CPR 6.26 deemed service (the second day after posting if a business day, else the next)",
                 "CPR 6.26"),
}


@dataclass
class Replay:
    """Working state of one replay (private to compute_deadlines)."""

    ctx: Context
    clocks: dict[str, Clock] = field(default_factory=dict)
    received: date | None = None
    meeting: date | None = None  # the review meeting of the cycle in progress (Devon anchor)
    amending: str | None = None  # key of the amended_plan clock in progress
    # the rest of the lifecycle (review, plan_life and disputes)
    child: ChildFacts = field(default_factory=ChildFacts)
    plan_active: bool = False  # a plan is maintained (issued or transferred in, not closed)
    notice: date | None = None  # the amendment notice in progress (sent)
    decision: tuple[date, str] | None = None  # the latest appealable decision: (sent, about)
    certificate: date | None = None  # mediation certificate for that decision
    appeal_key: str | None = None  # its appeal_deadline clock
    appeal_pending: date | None = None  # date an appeal was lodged, until it is determined
    cease: tuple[date, str] | None = None  # decision to cease in force: (sent, reason)
    cease_from: date | None = None  # the appeal against ceasing was determined on this date
    reassessing: date | None = None  # date the LA decided to re-assess, until concluded
    last_assessment: date | None = None  # completion of the last assessment or re-assessment (reg 24)
    phase_notes: list[Event] = field(default_factory=list)  # PhaseTransferNoted events so far

    def start(self, base: str, trigger: date, *, subject: str | None = None,
              ref: int | str | None = None) -> str | None:
        try:
            rule, due = select_rule(base, trigger, self.ctx)
        except NoRuleInForce:  # before the SEND Regulations 2014: no statutory clock
            return None
        key = next_key(self.clocks, base)
        self.clocks[key] = Clock(key, rule, trigger, due, subject=subject, ref=ref)
        return key

    def settle(self, clock: Clock | None, on: date) -> None:
        if clock is not None and clock.state == PENDING:
            self.clocks[clock.key] = clock.settled(on)

    def settle_latest(self, base: str, on: date) -> None:
        waiting = pending(self.clocks, base)
        self.settle(waiting[-1] if waiting else None, on)

    def end_window(self, base: str, on: date) -> None:
        """A window cut off by the plan: met if it had run its course, missed if cut short."""
        for clock in pending(self.clocks, base):
            if on > clock.due:
                self.clocks[clock.key] = replace(clock, state=MET, met_on=clock.due)
            else:
                self.clocks[clock.key] = replace(clock, state=MISSED, met_on=on)

    def drop(self, base: str) -> None:
        for clock in pending(self.clocks, base):
            del self.clocks[clock.key]

    def close(self) -> None:
        """The case is closed: clocks still pending no longer apply."""
        self.clocks = {k: c for k, c in self.clocks.items() if c.state != PENDING}
        self.meeting = self.amending = self.notice = None
        self.plan_active = False
        self.cease = self.reassessing = None

    def latest_pending(self, *bases: str) -> Clock | None:
        """The pending clock of any of ``bases`` started last (by trigger, then key order)."""
        waiting = [c for base in bases for c in pending(self.clocks, base)]
        return max(waiting, key=lambda c: c.trigger) if waiting else None

    def put(self, base: str, rule: Rule, trigger: date, due: date, *, subject: str | None = None) -> str:
        """Start a clock whose due date the handler worked out itself (not by the rule's length)."""
        key = next_key(self.clocks, base)
        self.clocks[key] = Clock(key, rule, trigger, due, subject=subject)
        return key

    def start_served(self, base: str, event: Event) -> str | None:
        """Start ``base`` from the service of a document event; when service was deemed from a posting
        date, show the other deemed-service convention's date too (Q3: 1985 PD beside CPR 6.26)."""
        key = self.start(base, self.service(event))
        served_on, channel = getattr(event, "served_on", None), getattr(event, "channel", None)
        if key is None or served_on is not None or channel != "first_class_post":  # CPR 6.26 has no 2nd class
            return key
        cal, policy = self.ctx.calendar, self.ctx.policy
        other = "cpr_6_26" if policy.deemed_service == "practice_direction_1985" else "practice_direction_1985"
        served = deemed_served(event.on, channel, cal, policy=other)
        clock = self.clocks[key]
        due = nominal_due(clock.rule, served, calendar=cal, policy=policy)
        reading, citation = DEEMED_SERVICE_READINGS[other]
        alternative = Alternative(f"{reading}: served {served.isoformat()}", due, citation, f"deemed_service={other}")
        self.clocks[key] = clock.with_detail(alternatives=(alternative,))
        return key

    def service(self, event: Event) -> date:
        """When a document event (one with ``channel`` and ``served_on``) was served."""
        # only document events (draft, amendment notice, invitations) have channel and served_on
        return service_date(event.on, event.channel, event.served_on,  # type: ignore[attr-defined]
                            calendar=self.ctx.calendar, policy=self.ctx.policy)
