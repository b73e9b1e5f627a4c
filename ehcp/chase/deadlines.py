"""The caseworkers' and managers' daily deadline digest: the ``DEADLINE_DIGEST`` kind of night.

Each active caseworker with open statutory deadlines due within ``digest_days`` (or overdue) gets
one digest of them a day; each active manager whose team has overdue deadlines gets one listing
them. The ledger row's subject is the user (``caseworker`` or ``manager``) and its rung the night
(``digest:<date>``, ``team:<date>``), so a person gets one message a day however often it is run.
Which deadlines count is ``ehcp.store.ledger.open_deadline``: every statutory and advisory clock
the reports list (tribunal orders, reviews, phase transfers, amendments, mediation, appeals, advice).
People with due items and no e-mail address are counted (``NightPlan.no_contact``) and the run
warns about them loudly (stderr, the artifact, exit status 3).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from ehcp.chase import render
from ehcp.chase.config import ChaseConfig
from ehcp.chase.kind import Digest, NightPlan
from ehcp.notify.message import Message
from ehcp.store.ledger import CASEWORKER, MANAGER, Ledger, now_utc

PORTAL_LOOKBACK_DAYS = 7  # advice returned through a link is told to the caseworker within a week


class DeadlineDigest:
    """Caseworkers' own deadlines due soon or overdue; managers' teams' overdue ones."""

    name = CASEWORKER
    subject_types = (CASEWORKER, MANAGER)
    planned_action = "digest_planned"
    title = "Caseworker digest"
    audience = "Audience"
    artifact_key = "caseworker-digest"

    def plan(self, ledger: Ledger, as_of: date, config: ChaseConfig) -> NightPlan:
        """Queue one 'digest:<date>' row per caseworker with deadlines due soon or overdue, and one
        'team:<date>' row per manager whose team has overdue deadlines."""
        plan = NightPlan(CASEWORKER, as_of)
        stamp = now_utc()
        horizon = as_of + timedelta(days=config.digest_days)
        busy = ledger.caseworkers_with_deadlines(as_of, horizon)
        # caseworkers to tell of advice returned through a link, with nothing due
        told = set(ledger.portal_returns(as_of, PORTAL_LOOKBACK_DAYS)) - {uid for uid, _ in busy}
        busy += ledger.active_addresses(told)
        for subject, rung, people in (
                (CASEWORKER, f"digest:{as_of.isoformat()}", busy),
                (MANAGER, f"team:{as_of.isoformat()}", ledger.managers_of_late_teams(as_of))):
            rows = [(uid, rung, email) for uid, email in people if email]
            plan.examined += len(people)
            if len(rows) < len(people):  # people with due items and no address: warned loudly
                plan.no_contact[subject + "s"] += len(people) - len(rows)
            for _, rung_name in ledger.insert_chunked(subject, as_of, stamp, rows):
                plan.queued[(subject + "s", rung_name.split(":")[0])] += 1
        plan.unchanged = plan.examined - plan.total_queued - sum(plan.no_contact.values())
        return plan

    def digests(self, ledger: Ledger, token: str, as_of: date,
                config: ChaseConfig) -> tuple[list[Digest], list[int]]:
        claimed = ledger.claimed(self.subject_types, token)
        horizon = as_of + timedelta(days=config.digest_days)
        own: dict[int, list[Any]] = defaultdict(list)
        workers = {r.subject_id for r in claimed if r.subject_type == CASEWORKER}
        for row in ledger.own_deadlines(as_of, horizon, sorted(workers)):
            own[row.caseworker_id].append(row)
        team_of = ledger.teams_of({r.subject_id for r in claimed if r.subject_type == MANAGER})
        team: dict[int | None, list[Any]] = defaultdict(list)
        for row in ledger.team_overdue(as_of, sorted({t for t in team_of.values() if t})):
            team[row.team_id].append(row)
        returned = ledger.portal_returns(as_of, PORTAL_LOOKBACK_DAYS, workers)
        grouped: dict[str, list[Any]] = defaultdict(list)
        for row in claimed:
            grouped[row.recipient].append(row)
        digests: list[Digest] = []
        skipped: list[int] = []
        for recipient, rows in grouped.items():
            mine = _unique([d for r in rows if r.subject_type == CASEWORKER for d in own.get(r.subject_id, [])])
            theirs = _unique([d for r in rows if r.subject_type == MANAGER
                              for d in team.get(team_of.get(r.subject_id), [])])
            portal = [d for r in rows if r.subject_type == CASEWORKER for d in returned.get(r.subject_id, [])]
            if not mine and not theirs and not portal:
                skipped.extend(r.id for r in rows)
                continue
            digests.append(_digest(recipient, rows, mine, theirs, as_of, config, portal))
        return digests, skipped


DEADLINE_DIGEST = DeadlineDigest()


def _digest(recipient: str, rows: list, mine: list, theirs: list, as_of: date, config: ChaseConfig,
            portal: list | None = None) -> Digest:
    def cell(d: Any) -> list[str]:  # a deadline row
        return [d.reference, *render.child_cells(d, config.child_fields), _clock(d), d.due.isoformat(),
                render.timing(d.due, as_of)]

    overdue = [cell(d) for d in mine if d.due < as_of]
    soon = [cell(d) for d in mine if d.due >= as_of]
    team_rows = [[d.reference, d.login, _clock(d), d.due.isoformat(), render.timing(d.due, as_of)] for d in theirs]
    returned = [[d.reference, d.kind, d.partner or "", d.sent_on.isoformat(), d.submitted_on.isoformat(),
                 d.file_type or "none"] for d in portal or []]
    body = caseworker_body(as_of=as_of, overdue=overdue, due_soon=soon, team=team_rows,
                           child_fields=config.child_fields, digest_days=config.digest_days, returned=returned)
    counts = tuple((f"{r.subject_type}s", "team" if r.subject_type == MANAGER else "digest", 1) for r in rows)
    subject = caseworker_subject(len(overdue), len(soon), len(team_rows), len(returned))
    return Digest(Message(to=recipient, cc=(), subject=subject,
                          body=body, key=f"caseworker:{as_of.isoformat()}:{recipient}", kind=CASEWORKER),
                  tuple(r.id for r in rows), counts)


def _clock(d: Any) -> str:
    """The clock's key, marked when advisory (Code of Practice 'should', not a statutory duty)."""
    return f"{d.key} (advisory)" if d.advisory else str(d.key)


def _unique(rows: list) -> list:
    seen, out = set(), []
    for row in rows:
        key = (row.reference, row.key)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return sorted(out, key=lambda d: (d.due, d.reference, d.key))


def caseworker_body(*, as_of: date, overdue: list[list[str]], due_soon: list[list[str]],
                    team: list[list[str]], child_fields: tuple[str, ...], digest_days: int,
                    returned: list[list[str]] | None = None) -> str:
    own_headers = ["Reference", *(render.CHILD_HEADINGS[f] for f in child_fields), "Deadline", "Due", "Status"]
    parts = [f"Statutory EHC deadlines as of {render.long_date(as_of)}."]
    if overdue:
        parts += ["", f"Your overdue deadlines ({len(overdue)})", render.text_table(own_headers, overdue)]
    if due_soon:
        parts += ["", f"Your deadlines due in the next {digest_days} days ({len(due_soon)})",
                  render.text_table(own_headers, due_soon)]
    if team:
        parts += ["", f"Your team's overdue deadlines ({len(team)})",
                  render.text_table(["Reference", "Caseworker", "Deadline", "Due", "Status"], team)]
    if returned:
        parts += ["", f"Advice received via portal since your last digest ({len(returned)})",
                  render.text_table(["Reference", "Advice", "Partner", "Sent", "Recorded", "File"], returned)]
    parts += ["", "Open 'ehcp case show REFERENCE' for the details. One digest a day, sent automatically."]
    return "\n".join(parts) + "\n"


def caseworker_subject(overdue: int, due_soon: int, team: int, returned: int = 0) -> str:
    bits = []
    if overdue or due_soon:
        bits.append(f"{overdue} overdue, {due_soon} due soon")
    if team:
        bits.append(f"team: {team} overdue")
    if returned:
        bits.append(f"{returned} advice received via portal")
    return "EHC deadlines: " + "; ".join(bits)
