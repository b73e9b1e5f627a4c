"""Chasing advice from partners (issue 5): the ``ADVICE_CHASE`` kind of night.

Planning queues, for each open advice request in reach of the escalation ladder, only the highest
rung reached on the night, and only if neither it nor a higher rung was queued before: a rung missed
because a night was skipped is still sent (the highest one), but lower rungs are never sent once a
higher one is due. The rung's recipient is the partner's contact, or its escalation contact (copying
the caseworker's manager) on an escalating rung. Requests whose clock is disapplied (a reg 8(2)
exception), met or missed, or whose advice has arrived, are never chased
(``ehcp.store.ledger.advice_still_open``, checked again at delivery).

Each partner contact gets ONE digest a night listing all their open requests, by rung. Children are
identified by the case reference and the configured fields only (``render``).
"""

from __future__ import annotations

import functools
from collections import Counter
from datetime import date
from itertools import groupby
from operator import attrgetter

from ehcp.chase import render
from ehcp.chase.config import ChaseConfig, Rung, check_ladder, rung_thresholds
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
        """Queue the rung each request has reached, if not queued before (one INSERT ... SELECT).

        Raises ValueError for an invalid ladder."""
        check_ladder(config.ladder)
        thresholds = rung_thresholds(config.ladder, as_of)
        queued = ledger.queue_advice(thresholds, as_of, now_utc(), chunk=config.insert_chunk)
        return _counted(ledger, NightPlan(ADVICE, as_of), config.ladder, thresholds, queued)

    def digests(self, ledger: Ledger, token: str, as_of: date,
                config: ChaseConfig) -> tuple[list[Digest], list[int]]:
        build = _DigestBuilder(ledger, as_of, config)
        skipped: list[int] = []
        digests = []
        # one recipient at a time (the rows come ordered by recipient): a first night of hundreds of
        # thousands of reminders never holds more than one recipient's rows
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


def _counted(ledger: Ledger, plan: NightPlan, ladder: tuple[Rung, ...], thresholds: list,
             queued: Counter) -> NightPlan:
    """Fill the plan's counts: queued per (partner, rung), requests examined and without a contact.

    The ledger rows name a recipient, not a partner: a recipient shared by several partners is
    counted under all their names joined."""
    escalates = {rung.name: rung.escalate for rung in ladder}
    names: dict[tuple[str, bool], list[str]] = {}
    for name, email, escalation in ledger.partner_contacts():
        for escalate, to in ((False, email), (True, escalation or email)):
            if to:
                names.setdefault((to, escalate), []).append(name)
    for (rung, recipient), n in queued.items():
        plan.queued[(" / ".join(sorted(names.get((recipient, escalates[rung]), ["?"]))), rung)] += n
    for partner, examined, no_contact in ledger.advice_in_reach(thresholds, plan.as_of):
        plan.examined += examined
        if no_contact:
            plan.no_contact[partner] += no_contact
    # rows that lost an insert race to another worker count as unchanged too
    plan.unchanged = plan.examined - plan.total_queued - sum(plan.no_contact.values())
    return plan


class _DigestBuilder:
    """One partner contact's digest from their claimed rows."""

    def __init__(self, ledger: Ledger, as_of: date, config: ChaseConfig) -> None:
        self.as_of, self.config = as_of, config
        self.ranks = {rung.name: i for i, rung in enumerate(config.ladder)}
        self.escalating = {rung.name for rung in config.ladder if rung.escalate}
        self.heading = functools.lru_cache(maxsize=None)(lambda rung: heading_for(rung, config.ladder))
        self.managers = ledger.managers_by_user()
        # a night's rows share a few hundred distinct due dates (ISO text, see the query)
        self.timing = functools.lru_cache(maxsize=None)(lambda due: render.timing(date.fromisoformat(due), as_of))

    def __call__(self, recipient: str, rows: list) -> Digest:
        config, as_of, timing, escalating = self.config, self.as_of, self.timing, self.escalating
        today = as_of.isoformat()
        rows.sort(key=lambda r: (-self.ranks.get(r.rung, -1), r.due, r.reference))
        partners = sorted({r.partner for r in rows})
        sections: dict[str, list[list[str]]] = {}
        for r in rows:
            cells = [r.reference, *render.child_cells(r, config.child_fields), r.kind, r.requested_on, r.due,
                     timing(r.due)]
            if len(partners) > 1:
                cells.insert(1, r.partner)
            sections.setdefault(self.heading(r.rung), []).append(cells)
        cc = sorted({m for r in rows if r.rung in escalating for m in self.managers.get(r.caseworker_id, ())}
                    - {recipient})
        contact = rows[0].contact_name if len(partners) == 1 and rows[0].partner_email == recipient else None
        body = advice_body(contact=contact, sections=list(sections.items()), as_of=as_of,
                           child_fields=config.child_fields, multiple_partners=len(partners) > 1)
        subject = advice_subject(len(rows), sum(1 for r in rows if r.due < today),
                                 any(r.rung in escalating for r in rows))
        counts = Counter((r.partner, r.rung) for r in rows)
        return Digest(Message(to=recipient, cc=tuple(cc), subject=subject, body=body,
                              key=f"advice:{as_of.isoformat()}:{recipient}", kind=ADVICE),
                      tuple(r.ledger_id for r in rows), tuple((g, rung, n) for (g, rung), n in sorted(counts.items())))


def heading_for(rung_name: str, ladder: tuple[Rung, ...]) -> str:
    for rung in ladder:
        if rung.name == rung_name:
            return rung.heading
    return rung_name.replace("_", " ").capitalize()


def advice_body(*, contact: str | None, sections: list[tuple[str, list[list[str]]]], as_of: date,
                child_fields: tuple[str, ...], multiple_partners: bool) -> str:
    headers = ["Reference", *(render.CHILD_HEADINGS[f] for f in child_fields), "Advice", "Requested", "Due", "Status"]
    if multiple_partners:
        headers.insert(1, "Service")
    parts = [
        f"Dear {contact or 'colleague'},",
        "",
        render.wrap(f"These requests for advice for education, health and care needs assessments are still open on "
                    f"{render.long_date(as_of)}. Advice requested under regulation 6 of the SEND Regulations 2014 "
                    "is due within six weeks of the request (regulation 8(1))."),
    ]
    for title, rows in sections:
        parts += ["", f"{title} ({len(rows)})", render.text_table(headers, rows)]
    parts += [
        "",
        render.wrap("Please send the advice, or reply with the date you expect to send it, quoting the case "
                    "reference."),
        "",
        render.wrap("This is a single daily digest of all open requests for this address, sent automatically by "
                    "the SEN team's case system."),
    ]
    return "\n".join(parts) + "\n"


def advice_subject(outstanding: int, overdue: int, escalated: bool) -> str:
    prefix = "ESCALATION: " if escalated else ""
    return (f"{prefix}EHC needs assessment advice: {outstanding} request{'s' if outstanding != 1 else ''} "
            f"outstanding, {overdue} overdue")
