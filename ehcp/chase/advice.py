"""Chasing advice from partners (issue 5): the ``ADVICE_CHASE`` kind of night.

Planning queues, for each open advice request in reach of the escalation ladder, only the highest
rung reached on the night, and only if neither it nor a higher rung was queued before: a rung missed
because a night was skipped is still sent (the highest one), but lower rungs are never sent once a
higher one is due. The rung's recipient is the partner's contact, or its escalation contact (copying
the caseworker's manager) on an escalating rung. Requests whose clock is disapplied (a reg 8(2)
exception), met or missed, or whose advice has arrived, are never chased
(``ehcp.store.ledger.advice_still_open``, checked again at delivery).

A contact hears when something changed (a request reached a rung) and, while anything is overdue,
at least every ``overdue_cadence_days`` ('weekly-<date>' rows); the top rung repeats every
``repeat_days`` (``escalation#2``, ...) until the advice arrives or the clock is settled. Each
escalation goes to the escalation contact, copying the front-line contact and the caseworker (and
the caseworker's manager where the rung says so).

Each contact gets at most ONE digest a night: their WHOLE open list, grouped - escalated, overdue
(days overdue), new since their last digest, due within N working days, later - with a subject
whose counts are the list's. Children are identified by the case reference and the configured
fields only (``render``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import groupby
from operator import attrgetter

from calendars import WorkingDayCalendar
from ehcp.chase import render
from ehcp.chase.config import (
    CADENCE,
    ChaseConfig,
    Rung,
    base_rung,
    check_ladder,
    expand_ladder,
    rung_label,
    rung_thresholds,
)
from ehcp.chase.kind import Digest, NightPlan
from ehcp.notify.message import Message
from ehcp.store.ledger import ADVICE, Ledger, now_utc


class AdviceChase:
    """Partners' open advice requests, up the escalation ladder: one digest per contact."""

    name = ADVICE
    subject_types = (ADVICE,)
    planned_action = "chase_planned"
    title = "Chase advice"
    audience = "Partner"
    artifact_key = "chase-advice"

    def plan(self, ledger: Ledger, as_of: date, config: ChaseConfig) -> NightPlan:
        """Queue the rung each request has reached, if not queued before (one INSERT ... SELECT),
        then a cadence row for each contact with anything overdue who has not heard for a while.

        Raises ValueError for an invalid ladder."""
        check_ladder(config.ladder)
        ladder = expand_ladder(config.ladder)
        thresholds = rung_thresholds(ladder, as_of)
        stamp = now_utc()
        queued = ledger.queue_advice(thresholds, as_of, stamp, chunk=config.insert_chunk)
        plan = _counted(ledger, NightPlan(ADVICE, as_of), ladder, thresholds, queued)
        names = _partner_names(ledger)
        for recipient in ledger.queue_overdue_cadence(as_of, stamp, config.overdue_cadence_days):
            plan.queued[(" / ".join(sorted(names.get((recipient, False), ["?"]))), CADENCE)] += 1
        return plan

    def digests(self, ledger: Ledger, token: str, as_of: date,
                config: ChaseConfig) -> tuple[list[Digest], list[int]]:
        build = _DigestBuilder(ledger, token, as_of, config, ledger.working_calendar())
        skipped: list[int] = []
        digests = []
        # one recipient at a time (the rows come ordered by recipient)
        for recipient, group in groupby(ledger.claimed_advice(token), key=attrgetter("recipient")):
            rows = []
            for row in group:
                if row.still_open:
                    rows.append(row)
                else:
                    skipped.append(row.ledger_id)
            if rows:
                digests.append(build(recipient, rows))
        return digests, skipped


ADVICE_CHASE = AdviceChase()


def _partner_names(ledger: Ledger) -> dict[tuple[str, bool], list[str]]:
    names: dict[tuple[str, bool], list[str]] = {}
    for name, email, escalation in ledger.partner_contacts():
        for escalate, to in ((False, email), (True, escalation or email)):
            if to:
                names.setdefault((to, escalate), []).append(name)
    return names


def _counted(ledger: Ledger, plan: NightPlan, ladder: tuple[Rung, ...], thresholds: list,
             queued: Counter) -> NightPlan:
    """Fill the plan's counts: queued per (partner, rung), requests examined and without a contact.

    The ledger rows name a recipient, not a partner: a recipient shared by several partners is
    counted under all their names joined."""
    escalates = {rung.name: rung.escalate for rung in ladder}
    names = _partner_names(ledger)
    for (rung, recipient), n in queued.items():
        plan.queued[(" / ".join(sorted(names.get((recipient, escalates.get(rung, False)), ["?"]))), rung)] += n
    for partner, examined, no_contact in ledger.advice_in_reach(thresholds, plan.as_of):
        plan.examined += examined
        if no_contact:
            plan.no_contact[partner] += no_contact
    # rows that lost an insert race to another worker count as unchanged too
    plan.unchanged = plan.examined - plan.total_queued - sum(plan.no_contact.values())
    return plan


# the digest's groups, in the order a reader needs them
ESCALATED, OVERDUE, NEW, DUE_SOON, LATER = "escalated", "overdue", "new", "due_soon", "later"


class _DigestBuilder:
    """One partner contact's digest: their whole open list, triggered by their claimed rows."""

    def __init__(self, ledger: Ledger, token: str, as_of: date, config: ChaseConfig,
                 calendar: WorkingDayCalendar | None) -> None:
        self.as_of, self.config = as_of, config
        self.ladder = expand_ladder(config.ladder)
        self.escalating = {rung.name for rung in self.ladder if rung.escalate}
        self.copying = {rung.name for rung in self.ladder if rung.copies_manager}
        first_escalation = next((r for r in config.ladder if r.escalate), None)
        self.escalated_by = as_of - timedelta(days=first_escalation.offset_days) if first_escalation else None
        self.soon_until = (calendar.add_working_days(as_of, config.due_soon_working_days) if calendar
                           else as_of + timedelta(days=config.due_soon_working_days))
        self.managers = ledger.managers_by_user()
        self.lists = ledger.open_advice_for(token, self.escalated_by)
        self.last_nights = ledger.last_digest_nights(token, as_of)
        self.child = render.child_renderer(config.child_fields)
        self._by_due: dict[str, tuple[str, str | None, str]] = {}

    def _due(self, due: str) -> tuple[str, str | None, str]:
        """What a due date alone decides (computed once per date: a night's lists share a few hundred
        dates): its status text, its group if escalated or overdue, else its group unless new."""
        found = self._by_due.get(due)
        if found is None:
            day = date.fromisoformat(due)
            fixed = (ESCALATED if self.escalated_by is not None and day <= self.escalated_by
                     else OVERDUE if day < self.as_of else None)
            found = self._by_due[due] = (render.timing(day, self.as_of), fixed,
                                         DUE_SOON if day <= self.soon_until else LATER)
        return found

    def __call__(self, recipient: str, claimed: list) -> Digest:
        config, as_of = self.config, self.as_of
        listed = self.lists.get(recipient, [])
        # 'new' = requested since the contact's last digest (a first digest: within the last week)
        last = (self.last_nights.get(recipient) or as_of - timedelta(days=config.overdue_cadence_days or 7)).isoformat()
        partners = sorted({r.partner for r in listed} | {r.partner for r in claimed})
        several = len(partners) > 1
        groups: dict[str, list[list[str]]] = {g: [] for g in (ESCALATED, OVERDUE, NEW, DUE_SOON, LATER)}
        child, due_of = self.child, self._due
        for r in listed:  # ISO dates compare as text: no row's dates are parsed
            status, fixed, soon = due_of(r.due)
            cells = [r.reference, *child(r), r.kind, r.requested_on, r.due, status]
            if several:
                cells.insert(1, r.partner)
            groups[fixed or (NEW if r.requested_on > last else soon)].append(cells)
        escalating = [r for r in claimed if r.rung in self.escalating]
        cc = self._copies(recipient, escalating)
        first = claimed[0]
        contact = first.contact_name if len(partners) == 1 and first.partner_email == recipient else None
        body = advice_body(contact=contact, groups=groups, as_of=as_of, child_fields=config.child_fields,
                           multiple_partners=several,
                           soon_days=config.due_soon_working_days, escalated_tonight=len(escalating))
        overdue = len(groups[ESCALATED]) + len(groups[OVERDUE])
        subject = advice_subject(len(listed), overdue, len(groups[ESCALATED]), bool(escalating))
        counts = Counter((r.partner, rung_label(r.rung)) for r in claimed)
        return Digest(Message(to=recipient, cc=tuple(cc), subject=subject, body=body,
                              key=f"advice:{as_of.isoformat()}:{recipient}", kind=ADVICE),
                      tuple(r.ledger_id for r in claimed),
                      tuple((g, rung, n) for (g, rung), n in sorted(counts.items())))

    def _copies(self, recipient: str, escalating: list) -> list[str]:
        """An escalation copies the front-line contact, the caseworker, and the manager where the
        rung says so."""
        cc: set[str | None] = set()
        managers = self.managers
        for r in escalating:
            cc.add(r.partner_email)
            cc.add(r.caseworker_email)
            if r.rung in self.copying:
                cc.update(managers.get(r.caseworker_id, ()))
        cc.discard(None)
        cc.discard(recipient)
        return sorted(a for a in cc if a)


def heading_for(rung_name: str, ladder: tuple[Rung, ...]) -> str:
    for rung in expand_ladder(ladder):
        if rung.name == rung_name:
            return rung.heading
    return base_rung(rung_name).replace("_", " ").capitalize()


GROUP_TITLES = {ESCALATED: "Escalated", OVERDUE: "Overdue", NEW: "New since your last digest",
                DUE_SOON: "Due within {n} working days", LATER: "Due later"}


def advice_body(*, contact: str | None, groups: dict[str, list[list[str]]], as_of: date,
                child_fields: tuple[str, ...], multiple_partners: bool, soon_days: int,
                escalated_tonight: int) -> str:
    headers = ["Reference", *(render.CHILD_HEADINGS[f] for f in child_fields), "Advice", "Requested", "Due", "Status"]
    if multiple_partners:
        headers.insert(1, "Service")
    total = sum(len(rows) for rows in groups.values())
    parts = [
        f"Dear {contact or 'colleague'},",
        "",
        render.wrap(f"You have {total} open request{'s' if total != 1 else ''} for advice for education, health "
                    f"and care needs assessments on {render.long_date(as_of)}. Advice requested under "
                    "regulation 6 of the SEND Regulations 2014 is due within six weeks of the request "
                    "(regulation 8(1))."),
    ]
    if escalated_tonight:
        parts += ["", render.wrap(f"{escalated_tonight} request{'s have' if escalated_tonight != 1 else ' has'} "
                                  "been escalated tonight; the front-line contact and the caseworker are copied.")]
    for key, rows in groups.items():
        if rows:
            title = GROUP_TITLES[key].format(n=soon_days)
            parts += ["", f"{title} ({len(rows)})", render.text_table(headers, rows)]
    parts += [
        "",
        render.wrap("Please send the advice, or reply with the date you expect to send it, quoting the case "
                    "reference."),
        "",
        render.wrap("This digest lists every open request for this address. It is sent automatically by the SEN "
                    "team's case system on working days when something has changed, and at least weekly while "
                    "anything is overdue."),
    ]
    return "\n".join(parts) + "\n"


def advice_subject(outstanding: int, overdue: int, escalated: int, escalation_tonight: bool) -> str:
    prefix = "ESCALATION: " if escalation_tonight else ""
    tail = f", {escalated} escalated" if escalated else ""
    return (f"{prefix}EHC needs assessment advice: {outstanding} request{'s' if outstanding != 1 else ''} "
            f"outstanding, {overdue} overdue{tail}")
