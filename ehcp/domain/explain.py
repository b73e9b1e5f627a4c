"""``ehcp deadline explain``: how one deadline's date was reached, step by step, each with its citation.

The hot path (compute_deadlines) records only what it cannot cheaply work out again: the clock's
trigger date, its rule version, and the sub-dates (``components``) and other readings
(``alternatives``) its handler used. Everything else an explanation shows is re-derived here from
the clock and the case's events, so replaying a case costs nothing extra:

1. trigger: the event(s) that started the clock and the date it counts from (deemed service of a
   posted document shown with the posting date and the convention used);
2. period: the length, the counting convention and the plain date it gives;
3. components: the sub-dates the handler combined (reg 22(3) beside the Devon long-stop...);
4. calendar: non-working days inside a working-day count, the no-roll-forward rule and the last
   working day on or before the date, the Tribunal's August/Christmas rule (appeals);
5. exceptions: every exception recorded on the case, applied or rejected and why;
6. policy: the readings of the open questions that bear on this clock, with their values;
7. rule version: the version used, its dates in force, and how it was selected (Q13);
8. alternatives: other readings the rulebook names, with their dates;
9. result: the due date, its state and status today.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from calendars import post
from calendars.working_days import WorkingDayCalendar
from ehcp.domain.assessment.events import AdviceRequested
from ehcp.domain.compute import compute_clocks
from ehcp.domain.deadlines import deadline_status, is_conditional
from ehcp.domain.machine.clocks import Clock, Context
from ehcp.domain.machine.counting import nominal_due
from ehcp.domain.machine.disapplication import ExceptionRecorded, verdict
from ehcp.domain.machine.event import Event
from ehcp.domain.machine.history import ordered
from ehcp.rules.catalogue import DEFAULT_RULES
from ehcp.rules.docs import CONVENTION_TEXT
from ehcp.rules.model import (
    C_BEFORE_DATE,
    C_DAYS_BEGINNING,
    C_MONTHS_AFTER,
    C_MONTHS_BEGINNING,
    C_WD_AFTER,
    C_WD_BEGINNING,
    RuleSet,
)
from ehcp.rules.policy import DEFAULT_POLICY, Policy, plain_value

NO_ROLL_FORWARD = "SEND Regulations 2014 (no roll-forward; statutory-timescales.md s.0)"
INTERPRETATION_ACT = "Interpretation Act 1978 s.7"
POLICY_DOC = "docs/policies.md"

# The readings (Policy fields) that bear on each clock, besides those of its counting convention.
POLICY_BY_KEY: dict[str, tuple[str, ...]] = {
    "assessment_decision": ("weekend_receipt", "reg5_exceptions_cover_reg4"),
    "advice": ("weekend_receipt", "absence_min_days", "closure_min_days"),
    "no_plan_notice": ("weekend_receipt", "reg10_4_limbs"),
    "final_plan": ("weekend_receipt", "absence_min_days", "closure_min_days"),
    "draft_representations": ("deemed_service",),
    "amendment_representations": ("deemed_service",),
    "review_invitation": ("deemed_service",),
    "annual_review": ("review_restart",),
    "under5_review": ("under5_review_months",),
    "phase_transfer": ("phase_transfer_ncys", "sixth_form_is_phase_transfer"),
    "no_amendment_notice": ("amend_not_weeks",),
    "plan_transfer": ("la_transfer_notice",),
    "transfer_review": ("review_restart",),
    "appeal_deadline": ("hesc_r12_2020_from",),
    "mediation_arranged": ("mediation_days",),
    "reassessment_decision": ("reassessment_decision_days",),
    "order": ("tribunal_holidays_for_la_duties", "order_remit_weeks"),
}
POLICY_BY_CONVENTION: dict[str, tuple[str, ...]] = {
    C_MONTHS_AFTER: ("months_after",),
    C_MONTHS_BEGINNING: ("months_beginning",),
    C_DAYS_BEGINNING: ("window_end_non_working_day",),
    C_BEFORE_DATE: ("phase_transfer_date",),
}


@dataclass(frozen=True)
class Step:
    """One step of an explanation: what kind, one line of text, the date it gives (if any), the law."""

    kind: str  # trigger | service | period | component | calendar | exception | policy | rule_version |
    #            alternative | result
    text: str
    citation: str
    on: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.kind, "text": self.text, "date": self.on.isoformat() if self.on else None,
                "citation": self.citation, **self.extra}


@dataclass(frozen=True)
class Explanation:
    key: str
    rule: str
    citation: str
    due: date
    state: str
    status: str
    steps: tuple[Step, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "rule": self.rule, "citation": self.citation, "due": self.due.isoformat(),
                "state": self.state, "status": self.status, "steps": [s.to_dict() for s in self.steps]}


class NoSuchDeadline(KeyError):
    """The case has no deadline with this key; ``args[1]`` lists the keys it has."""

    def __str__(self) -> str:
        return f"no deadline {self.args[0]!r} on this case; its deadlines are {', '.join(self.args[1]) or 'none'}"


def explain_deadline(events: Iterable[Event], key: str, *, calendar: WorkingDayCalendar, today: date,
                     rules: RuleSet = DEFAULT_RULES, policy: Policy = DEFAULT_POLICY,
                     due_soon_days: int = 7) -> Explanation:
    """Every step that produced the deadline ``key`` of the case whose log is ``events``."""
    history = ordered(events)
    clocks = compute_clocks(history, calendar=calendar, today=today, rules=rules, policy=policy)
    clock = next((c for c in clocks if c.key == key), None)
    if clock is None:
        raise NoSuchDeadline(key, [c.key for c in clocks])
    ctx = Context(calendar=calendar, today=today, rules=rules, policy=policy)
    steps = [*_trigger(clock, history, ctx), *_period(clock, ctx),
             *(Step("component", f"{c.name}: {c.note}", c.citation, c.on) for c in clock.components),
             *_calendar(clock, ctx), *_exceptions(clock, history, ctx), *_policy(clock, policy),
             _version(clock, ctx),
             *(Step("alternative", a.reading, a.citation, a.on, {"policy": a.policy}) for a in clock.alternatives)]
    status = deadline_status(clock.state, clock.due, today, window=clock.rule.window,
                             conditional=is_conditional(clock.key), due_soon_days=due_soon_days)
    settled = f", settled on {clock.met_on.isoformat()}" if clock.met_on else ""
    disapplied = f", disapplied by {clock.exception}" if clock.exception else ""
    steps.append(Step("result", f"due {clock.due.isoformat()} ({clock.due.strftime('%A')}): {clock.state}"
                      f"{settled}{disapplied}; {status} on {today.isoformat()}", clock.rule.citation, clock.due))
    return Explanation(clock.key, clock.rule.rule_id, clock.rule.citation, clock.due, clock.state, status,
                       tuple(steps))


def _trigger(clock: Clock, history: list[Event], ctx: Context) -> list[Step]:
    rule = clock.rule
    same_day = [e.kind.replace("_", " ") for e in history if e.on == clock.trigger]
    steps = []
    for event in history:
        channel, served_on = getattr(event, "channel", None), getattr(event, "served_on", None)
        if channel is None or served_on is not None:
            continue
        served = post.deemed_served(event.on, channel, ctx.calendar, policy=ctx.policy.deemed_service)
        if served == clock.trigger and served != event.on:
            reading = ("1985 Practice Direction: working days after posting"
                       if ctx.policy.deemed_service == "practice_direction_1985" or channel != "first_class_post"
                       else "CPR 6.26: the second day after posting, or the next business day")
            source = "CPR 6.26" if "CPR" in reading else "Practice Direction (QBD) [1985] 1 WLR 489"
            steps.append(Step("service", f"{event.kind.replace('_', ' ')} on {event.on.isoformat()} by "
                              f"{channel.replace('_', ' ')}: deemed served {served.isoformat()} ({reading})",
                              f"{INTERPRETATION_ACT}; {source}", served,
                              {"sent": event.on.isoformat(), "channel": channel}))
            break
    what = f" ({', '.join(dict.fromkeys(same_day))})" if same_day else ""
    head = Step("trigger", f"starts from {rule.trigger}: {clock.trigger.isoformat()}{what}", rule.citation,
                clock.trigger)
    return [head, *steps]


def _period(clock: Clock, ctx: Context) -> list[Step]:
    rule = clock.rule
    plain = nominal_due(rule, clock.trigger, calendar=ctx.calendar, policy=ctx.policy)
    how = CONVENTION_TEXT[rule.convention][1]
    text = f"{rule.length} {rule.unit.replace('_', ' ')} counted as {rule.convention} ({how}): {plain.isoformat()}"
    steps = [Step("period", text, rule.citation, plain)]
    if plain != clock.due and not clock.components:
        steps.append(Step("period", f"the handler set the due date to {clock.due.isoformat()} (a reading of the "
                          "policy, or an event that moved it)", rule.citation, clock.due))
    return steps


def _calendar(clock: Clock, ctx: Context) -> list[Step]:
    cal, rule = ctx.calendar, clock.rule
    steps = []
    if rule.convention in (C_WD_AFTER, C_WD_BEGINNING):
        days = [clock.trigger + timedelta(days=n) for n in range((clock.due - clock.trigger).days + 1)]
        skipped = [d for d in days if not cal.is_working_day(d)]
        named = [f"{d.isoformat()} {cal.name(d)}" for d in skipped if cal.name(d)]
        steps.append(Step("calendar", f"{len(skipped)} non-working days not counted from "
                          f"{clock.trigger.isoformat()} to {clock.due.isoformat()}"
                          + (f", bank holidays among them: {', '.join(named)}" if named else ""),
                          "HESC Rules 2008 r.1(3) (working day; Policy Q2)", None,
                          {"non_working_days": [d.isoformat() for d in skipped]}))
    if clock.key.startswith("appeal_deadline"):
        steps.append(Step("calendar", "Tribunal Rules: a period ending in August, 25 December - 1 January or on a "
                          "non-working day runs on (see the r.12 components)", "HESC Rules 2008 r.12", None))
        return steps
    practical = cal.last_working_day_on_or_before(clock.due)
    if cal.is_working_day(clock.due):
        text = f"{clock.due.isoformat()} is a working day"
    else:
        text = (f"{clock.due.isoformat()} is not a working day ({cal.name(clock.due) or clock.due.strftime('%A')}); "
                f"the date is not moved: act by the last working day before it, {practical.isoformat()}")
    steps.append(Step("calendar", text, NO_ROLL_FORWARD, practical,
                      {"practical_last_working_day": practical.isoformat()}))
    return steps


def _exceptions(clock: Clock, history: list[Event], ctx: Context) -> list[Step]:
    found = [e for e in history if isinstance(e, ExceptionRecorded)]
    if not found:
        return [Step("exception", "no exception recorded on the case", clock.rule.citation)]
    requests = [e for e in history if isinstance(e, AdviceRequested)]
    steps = []
    for exc in found:
        applied, why = verdict(exc, clock, requests, ctx)
        period = exc.on.isoformat() + (f" to {exc.until.isoformat()}" if exc.until else "")
        steps.append(Step("exception", f"{exc.reason.replace('_', ' ')} from {period}: "
                          f"{'applied' if applied else 'rejected'}: {why}", clock.rule.citation, exc.on,
                          {"reason": exc.reason, "applied": applied}))
    return steps


def _policy(clock: Clock, policy: Policy) -> list[Step]:
    questions = {spec.name: spec.metadata["question"] for spec in fields(Policy)}
    base = clock.key.split(".")[0]
    names = [*POLICY_BY_CONVENTION.get(clock.rule.convention, ()), *POLICY_BY_KEY.get(base, ()), "covid_selection"]
    steps = []
    for name in dict.fromkeys(names):
        value = plain_value(getattr(policy, name))
        question = questions[name]
        label = f" ({question})" if question != "-" else ""
        steps.append(Step("policy", f"{name} = {_show(value)}{label}", f"{POLICY_DOC}"
                          + (f"#{question.lower()}" if question != "-" else ""), None,
                          {"setting": name, "value": value}))
    return steps


def _version(clock: Clock, ctx: Context) -> Step:
    rule = clock.rule
    to = rule.effective_to.isoformat() if rule.effective_to else "open"
    how = {"deadline_date": f"the version in force on the deadline date, {clock.due.isoformat()}",
           "trigger_date": f"the version in force on the trigger date, {clock.trigger.isoformat()}",
           "in_progress": "the version in force on the deadline date, with the exceptions of every version in "
                          "force while the clock ran"}[ctx.policy.covid_selection]
    return Step("rule_version", f"{rule.rule_id} version {rule.version} (in force {rule.effective_from.isoformat()}"
                f"..{to}): {how} (Q13)", rule.citation, None,
                {"version": rule.version, "effective_from": rule.effective_from.isoformat(),
                 "effective_to": rule.effective_to.isoformat() if rule.effective_to else None})


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "none" if value is None else str(value)
