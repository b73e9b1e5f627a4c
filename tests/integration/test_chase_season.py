"""A season of nights (issue 19), on both databases: every night from March to June 2026 through
Easter (Good Friday 3 April, Easter Monday 6 April) and the May bank holidays, and Christmas 2025.

The EP Service (escalation contact ep.lead@) has several requests in different states: one due on
Good Friday and left unanswered (escalated, then re-escalated every 14 days), one due on Easter
Monday, one answered late, one not yet due; Paediatrics (no escalation contact) has one whose case
is withdrawn (the request is cancelled with it). Checked night by night: nothing is sent on a
weekend or a bank holiday; every digest lists the contact's whole open list with true counts;
each rung is sent exactly once, on a working day, the highest reached; the escalation repeats on
its cadence and copies the front line and the caseworker; a contact with anything overdue hears at
least weekly, and never twice in a night.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select

from calendars import england_and_wales
from ehcp.chase.advice import ADVICE_CHASE
from ehcp.chase.config import ChaseConfig, expand_ladder, rung_reached
from ehcp.chase.night import run_night
from ehcp.notify.outbox import OutboxNotifier
from ehcp.store.models import AdviceRequest, Deadline, Reminder

EP, EP_LEAD, PAEDS = "ep@nhs.example", "ep.lead@nhs.example", "paeds@nhs.example"
CASEY, MORGAN = "casey@la.example", "morgan@la.example"
CALENDAR = england_and_wales()


@dataclass
class Season:
    ctx: object
    outbox: Path
    refs: dict[str, str]
    config: ChaseConfig = field(default_factory=ChaseConfig)
    nights: dict[date, list[EmailMessage]] = field(default_factory=dict)

    def night(self, as_of: date) -> dict:
        before = set(self.outbox.glob("*.eml")) if self.outbox.exists() else set()
        result = run_night(self.ctx, ADVICE_CHASE, as_of, config=self.config, notifier=OutboxNotifier(self.outbox))
        new = sorted(set(self.outbox.glob("*.eml")) - before)
        self.nights[as_of] = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in new]
        return result.summary()

    def ledger(self) -> list[tuple]:
        with self.ctx.uow(write=False) as uow:
            return [tuple(r) for r in uow.session.execute(
                select(Reminder.subject_id, Reminder.rung, Reminder.recipient, Reminder.status, Reminder.as_of,
                       Reminder.attempts).order_by(Reminder.id))]

    def dues(self) -> dict[int, date]:
        with self.ctx.uow(write=False) as uow:
            return dict(uow.session.execute(select(AdviceRequest.id, Deadline.due).join(
                Deadline, Deadline.advice_request_id == AdviceRequest.id)).tuples().all())


def build(db_url: str, make_ctx, tmp_path: Path, requests: dict[str, tuple[str, date]], today: str) -> Season:
    from ehcp.services.advice import request_advice
    from ehcp.services.cases import ChildDetails, advance_case, open_case
    from ehcp.services.partners import add_partner
    from ehcp.services.users import add_user

    ctx = make_ctx(db_url, today=today)
    with ctx.uow() as uow:
        add_user(uow, actor="setup", login="casey.worker", name="Casey Worker", role="caseworker",
                 team="North", email=CASEY)
        add_user(uow, actor="setup", login="morgan.manager", name="Morgan Manager", role="manager",
                 team="North", email=MORGAN)
        uow.commit()
    add_partner(ctx, "EP Service", email=EP, escalation_email=EP_LEAD, contact_name="Dr Pat Partner")
    add_partner(ctx, "Paediatrics", email=PAEDS)
    refs = {}
    for i, (name, (partner, on)) in enumerate(requests.items()):
        opened = on - timedelta(days=40)
        ref = open_case(ctx, ChildDetails(name, "Season", date(2016, 1, 1 + i)), received=opened).reference
        advance_case(ctx, ref, to="assessment", on=opened + timedelta(days=20))
        request_advice(ctx, ref, kind="psychological", partner=partner, on=on)
        refs[name] = ref
    return Season(ctx, tmp_path / "outbox", refs)


def nights(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def listed_references(email: EmailMessage) -> set[str]:
    return set(re.findall(r"EHC-\d{4}-\d{5}", email.get_content()))


def subject_counts(email: EmailMessage) -> tuple[int, int]:
    found = re.search(r"(\d+) requests? outstanding, (\d+) overdue", email["Subject"])
    assert found, email["Subject"]
    return int(found[1]), int(found[2])


EASTER_REQUESTS = {
    "Goodfriday": ("EP Service", date(2026, 2, 20)),   # due Fri 3 April (Good Friday), never answered
    "Eastermonday": ("EP Service", date(2026, 2, 23)),  # due Mon 6 April (Easter Monday)
    "Late": ("EP Service", date(2026, 3, 2)),           # due 13 April, answered late on 27 April
    "Notyet": ("EP Service", date(2026, 3, 16)),        # due 27 April
    "Cancelled": ("Paediatrics", date(2026, 2, 20)),    # due 3 April; case withdrawn on 20 April
}


@pytest.fixture
def easter(db_url, make_ctx, tmp_path) -> Season:
    return build(db_url, make_ctx, tmp_path, EASTER_REQUESTS, today="2026-07-01")


def test_a_season_through_easter(easter):
    from ehcp.services.advice import receive_advice
    from ehcp.services.cases import advance_case

    season = easter
    dues = season.dues()
    due_of = {ref: dues[_sid(season, name)] for name, ref in season.refs.items()}
    for night in nights(date(2026, 3, 20), date(2026, 6, 30)):
        if night == date(2026, 4, 20):
            advance_case(season.ctx, season.refs["Cancelled"], to="withdrawn", on=night)
        if night == date(2026, 4, 27):
            receive_advice(season.ctx, season.refs["Late"], kind="psychological", on=night)
        summary = season.night(night)
        if not CALENDAR.is_working_day(night):
            assert season.nights[night] == [] and summary["not_working_day"], night

    ledger = season.ledger()
    ladder = expand_ladder(season.config.ladder)
    names = [r.name for r in ladder]
    # exactly once per rung, on a working day, the highest reached that night, never a lower after a higher
    keys = [(sid, rung) for sid, rung, *_ in ledger]
    assert len(keys) == len(set(keys))
    for sid, rung, _to, status, as_of, attempts in ledger:
        assert status == "sent" and attempts == 1 and CALENDAR.is_working_day(as_of)
        if not rung.startswith("weekly-"):
            assert names[rung_reached(ladder, dues[sid], as_of)] == rung, (sid, rung, as_of)
    # Good Friday's request: overdue carried over Easter to Tuesday 7 April, escalated on 13 April
    # (due + 8 = Saturday 11th), then again every 14 days until the end of the season
    gf = next(sid for sid, due in dues.items() if due == date(2026, 4, 3) and sid in {s for s, *_ in ledger}
              and any(r == "escalation" for s, r, *_ in ledger if s == sid))
    chased = [(rung, as_of) for sid, rung, _, _, as_of, _ in ledger if sid == gf]
    # (due today fell on Good Friday: by Tuesday the request is overdue, and only that is sent)
    assert chased[:3] == [("courtesy", date(2026, 3, 27)), ("overdue", date(2026, 4, 7)),
                          ("escalation", date(2026, 4, 13))]
    repeats = [as_of for rung, as_of in chased if rung.startswith("escalation")]
    assert repeats == [date(2026, 4, 13), date(2026, 4, 27), date(2026, 5, 11), date(2026, 5, 26),
                       date(2026, 6, 8), date(2026, 6, 22)]  # 25 May is the spring bank holiday
    # every escalation goes to the lead, copying the front line and the caseworker (and the manager)
    for night in repeats:
        [lead] = [e for e in season.nights[night] if e["To"] == EP_LEAD]
        assert lead["Subject"].startswith("ESCALATION:")
        assert lead["Cc"] == f"{CASEY}, {EP}, {MORGAN}"
        assert season.refs["Goodfriday"] in lead.get_content()
    # every digest is the whole open list, and its subject counts are true
    for night, emails in season.nights.items():
        assert len({e["To"] for e in emails}) == len(emails), night  # one a night per contact
        for email in emails:
            listed = listed_references(email)
            outstanding, overdue = subject_counts(email)
            assert outstanding == len(listed), (night, email["Subject"])
            if email["To"] == EP:
                open_now = {season.refs[n] for n in ("Goodfriday", "Eastermonday", "Notyet")}
                if night < date(2026, 4, 27):
                    open_now.add(season.refs["Late"])
                assert listed == open_now, night
                assert overdue == sum(1 for r in open_now if due_of[r] < night)
    # the late answer and the cancelled request drop out and are never chased again
    late_sid = _sid(season, "Late")
    assert all(as_of < date(2026, 4, 27) for sid, _, _, _, as_of, _ in ledger if sid == late_sid)
    cancelled_sid = _sid(season, "Cancelled")
    assert all(as_of < date(2026, 4, 20) for sid, _, _, _, as_of, _ in ledger if sid == cancelled_sid)
    # while anything is overdue the front line hears at least weekly (working days permitting)
    ep_nights = sorted(n for n, emails in season.nights.items() if any(e["To"] == EP for e in emails))
    later = [n for n in ep_nights if n >= date(2026, 4, 7)]
    assert all((b - a).days <= 8 for a, b in pairwise(later)), later
    assert later[-1] >= date(2026, 6, 22)


def _sid(season: Season, name: str) -> int:
    with season.ctx.uow(write=False) as uow:
        from ehcp.store.models import Case

        return uow.session.scalar(select(AdviceRequest.id).join(Case, Case.id == AdviceRequest.case_id)
                                  .where(Case.reference == season.refs[name]))


@pytest.fixture
def christmas(db_url, make_ctx, tmp_path) -> Season:
    # due Wednesday 24 December 2025: overdue on Christmas Day, escalated on New Year's Day
    return build(db_url, make_ctx, tmp_path, {"Christmas": ("EP Service", date(2025, 11, 12))}, today="2026-02-01")


def test_christmas_and_new_year_send_nothing_and_the_next_working_day_carries_them(christmas):
    for night in nights(date(2025, 12, 15), date(2026, 1, 9)):
        christmas.night(night)
    sent_on = {night for night, emails in christmas.nights.items() if emails}
    for holiday in (date(2025, 12, 25), date(2025, 12, 26), date(2025, 12, 27), date(2025, 12, 28),
                    date(2026, 1, 1), date(2026, 1, 3), date(2026, 1, 4)):
        assert holiday not in sent_on
    ledger = [(rung, as_of) for _, rung, _, _, as_of, _ in christmas.ledger()]
    assert ledger == [("courtesy", date(2025, 12, 17)), ("due_today", date(2025, 12, 24)),
                      ("overdue", date(2025, 12, 29)), ("escalation", date(2026, 1, 2)),
                      ("weekly-2026-01-05", date(2026, 1, 5))]  # the front line last heard on 29 December
    [lead] = [e for e in christmas.nights[date(2026, 1, 2)] if e["To"] == EP_LEAD]
    assert "overdue 9 days" in lead.get_content()
