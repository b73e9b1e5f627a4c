"""Clocks while a history is replayed: start one under the right rule version, settle it, number it.

Version selection (statutory-timescales.md section 10, Q13): by default the version in force on
the date the deadline falls (G52); Policy.covid_selection may choose the trigger date instead, or
"in_progress" to allow the exceptions of every version in force while the clock ran.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from calendars.working_days import WorkingDayCalendar
from ehcp.domain.deadlines import MET, MISSED, PENDING, Alternative, Component, Deadline
from ehcp.domain.machine.counting import nominal_due
from ehcp.rules.model import NoRuleInForce, Rule, RuleSet
from ehcp.rules.policy import Policy


@dataclass(frozen=True)
class Context:
    """What a computation needs besides the events: calendar, today, rules and policy."""

    calendar: WorkingDayCalendar
    today: date
    rules: RuleSet
    policy: Policy


@dataclass(frozen=True)
class Clock:
    """A clock during replay; ``subject`` is the advice kind or school, ``ref`` the request id."""

    key: str
    rule: Rule
    trigger: date
    due: date
    state: str = PENDING
    met_on: date | None = None
    exception: str | None = None
    subject: str | None = None
    ref: int | str | None = None
    components: tuple[Component, ...] = ()  # sub-dates that made ``due`` (deadline explain, case show)
    alternatives: tuple[Alternative, ...] = ()  # other readings the rulebook names

    def with_detail(self, *, due: date | None = None, components: tuple[Component, ...] | None = None,
                    alternatives: tuple[Alternative, ...] | None = None) -> Clock:
        """This clock with its sub-dates or other readings (and due date) set: the constructor called
        directly, several times cheaper than dataclasses.replace on the replay's hot path."""
        return Clock(self.key, self.rule, self.trigger, self.due if due is None else due, self.state, self.met_on,
                     self.exception, self.subject, self.ref,
                     self.components if components is None else components,
                     self.alternatives if alternatives is None else alternatives)

    def settled(self, on: date) -> Clock:
        """Met if the act came on or before the due date, missed (met late) after it."""
        return replace(self, state=MET if on <= self.due else MISSED, met_on=on)

    def to_deadline(self, calendar: WorkingDayCalendar) -> Deadline:
        return Deadline(
            key=self.key, rule=self.rule.rule_id, due=self.due, state=self.state, met_on=self.met_on,
            citation=self.rule.citation, exception=self.exception,
            practical_last_working_day=calendar.last_working_day_on_or_before(self.due),
            advisory=self.rule.advisory, trigger=self.trigger, window=self.rule.window,
            components=self.components, alternatives=self.alternatives,
        )


def select_rule(key: str, trigger: date, ctx: Context) -> tuple[Rule, date]:
    """The rule version governing a clock started on ``trigger``, and its nominal due date."""
    first = ctx.rules.rule(key, trigger)
    due = _due(first, trigger, ctx)
    if ctx.policy.covid_selection == "trigger_date":
        return first, due
    chosen = _in_force(ctx.rules, key, due) or first
    if chosen != first:
        due = _due(chosen, trigger, ctx)
    if ctx.policy.covid_selection == "in_progress":
        chosen = replace(chosen, exceptions=_exceptions_while_running(ctx.rules, key, trigger, due))
    return chosen, due


def _due(rule: Rule, trigger: date, ctx: Context) -> date:
    return nominal_due(rule, trigger, calendar=ctx.calendar, policy=ctx.policy)


def _in_force(rules: RuleSet, key: str, on: date) -> Rule | None:
    try:
        return rules.rule(key, on)
    except NoRuleInForce:
        return None


def _exceptions_while_running(rules: RuleSet, key: str, trigger: date, due: date) -> frozenset[str]:
    start, end = min(trigger, due), max(trigger, due)
    running = [rule for rule in rules.versions(key) if rule.overlaps(start, end)]
    return frozenset().union(*(rule.exceptions for rule in running))


def family(clocks: dict[str, Clock], base: str) -> list[Clock]:
    """The clocks keyed ``base``, ``base.2``, ``base.3`` ... in the order they started."""
    return [c for k, c in clocks.items() if k == base or _numbered(k, base)]


def _numbered(key: str, base: str) -> bool:
    return key.startswith(base + ".") and key[len(base) + 1:].isdigit()


def next_key(clocks: dict[str, Clock], base: str) -> str:
    """``base`` for the first clock of its kind, then ``base.2``, ``base.3`` ... (never reused)."""
    numbers = [1 if key == base else int(key[len(base) + 1:]) for key in clocks
               if key == base or _numbered(key, base)]
    return base if not numbers else f"{base}.{max(numbers) + 1}"


def pending(clocks: dict[str, Clock], base: str) -> list[Clock]:
    return [c for c in family(clocks, base) if c.state == PENDING]
