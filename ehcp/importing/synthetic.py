"""A deterministic synthetic case load at national scale (``ehcp dev generate``, bench/generate.py).

Same seed, size and today -> the same rows, byte for byte: one ``random.Random(seed)`` drives
everything, in a fixed order. The distributions follow the DfE figures (docs/sen2.md s.4-5):

* requests grow ~11% a year over up to ten years; 25% refused, ~3% withdrawn before a decision;
  85% of decisions within 6 weeks;
* 94% of assessments lead to a plan; plans issued within 20 weeks 46%, 20-52 weeks 47%, over a
  year 7%; an exception is recorded for ~6% of plans (mostly the late ones);
* advice asked of educational (97%), medical (92%), psychological (95%) and social care (70%)
  partners on agreeing to assess, each partner with its own latency spread (some chronically
  slow); advice still out on "today" is left open (what the nightly chase works on);
* annual review cycles after the plan (meeting, decision: amend 60%, maintain 38%, cease 2%;
  amendment notice and amended plan for most amendments), ~3% of plans ceasing between reviews;
* one caseworker per ~200 open cases; synthetic names only (invented words);
* every SEN2 item a real authority holds (so ``sen2 export`` + ``sen2 check --schema`` is clean):
  sex, ethnicity (national shares, roughly), a ZZ99 pseudo-postcode, a UPN for 92% (else the
  UPN-unknown reason that fits the age), and for each plan a main placement from the plan's start
  (school URN, college UKPRN at 16+, or an SEN setting code; 4% with a secondary placement), residential
  and work-based codes for a few, a primary need (sen2.md s.4.4 shares) and a secondary for 40%, the
  personal budget items, and a cease notice with its reason before every ceased plan.
  These come from a second random stream per chunk, so the case histories are those of earlier versions.

``--plans N`` is the number of plans held on today's date (stage final or review): a small pilot
run estimates how many requests that takes. Everything is written by the bulk writer that CSV import
uses, deadlines computed by the domain.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import random
import time as clock
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from multiprocessing.pool import Pool
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calendars import england_and_wales
from ehcp.domain import Event, current_stage, ordered
from ehcp.domain import events as ev
from ehcp.importing.session import import_transaction, refresh_statistics
from ehcp.importing.writer import BulkWriter, NewAdvice, NewCase, NewChild, date_encoder, derive
from ehcp.services.context import ServiceContext
from ehcp.services.errors import Refused
from ehcp.store import audit
from ehcp.store.models import Case, ExtraHoliday, Partner, User

YEARS = 10
GROWTH = 1.11
EARLIEST = date(2014, 9, 1)  # SEND Regulations 2014 in force
CASELOAD = 200  # open cases per caseworker
CHUNK = 5000

GIVEN = ("Pixel", "Widget", "Gizmo", "Sprocket", "Doodle", "Noodle", "Biscuit", "Pebble", "Comet", "Nimbus",
         "Quasar", "Tofu", "Zephyr", "Mango", "Puddle", "Muffin", "Rocket", "Button", "Sparkle", "Whisker",
         "Bramble", "Cobble", "Dumpling", "Fizz", "Gadget", "Jellybean", "Kazoo", "Lolly", "Marble", "Nugget",
         "Pogo", "Quibble", "Ripple", "Sherbet", "Toggle", "Waffle", "Yoyo", "Zigzag", "Bleep", "Crumpet")
FAMILY = ("Testington", "Sampleby", "Mockworth", "Fakenham-Dummy", "Placeholder", "Synthetica", "Examplesson",
          "Dataford", "Fixtureson", "Stubbs-Test", "Specimenton", "Dummyshire", "Lorem", "Ipsumford",
          "Prototype", "Mockingham", "Templeton-Fake", "Faux", "Simulacra", "Madeupton", "Pretendle",
          "Notreal", "Fictionby", "Inventsworth", "Quuxley", "Foobarrow", "Bazleigh", "Widgetford",
          "Nullmore", "Voidsby")
SOURCES = (("parent", 0.62), ("school", 0.30), ("young_person", 0.05), ("other", 0.03))
ADVICE_ODDS = (("educational", 0.97), ("medical", 0.92), ("psychological", 0.95), ("social_care", 0.70))
PARTNERS = (  # name, kind, mean days to answer, spread (days)
    ("Synthshire Schools Advice Hub (synthetic)", "educational", 30, 12),
    ("Testford Early Years Team (synthetic)", "educational", 38, 15),
    ("Mockborough Academy Trust (synthetic)", "educational", 55, 25),
    ("Synthshire Community Paediatrics (synthetic)", "medical", 40, 16),
    ("Testford Health Trust (synthetic)", "medical", 34, 12),
    ("Mockborough Children's Therapies (synthetic)", "medical", 62, 28),
    ("Synthshire Educational Psychology Service (synthetic)", "psychological", 46, 18),
    ("Testford EP Partnership (synthetic)", "psychological", 58, 24),
    ("Synthshire Children's Social Care (synthetic)", "social_care", 33, 14),
    ("Mockborough Family Services (synthetic)", "social_care", 50, 22),
)
REVIEW_OUTCOMES = (("amend", 0.60), ("maintain", 0.38), ("cease", 0.02))
SEXES = (("M", 0.72), ("F", 0.28))  # EHC plans: about 7 in 10 boys (DfE caseload)
ETHNICITIES = (("WBRI", 0.66), ("WOTH", 0.05), ("MWBC", 0.02), ("MOTH", 0.03), ("AIND", 0.02), ("APKN", 0.04),
               ("ABAN", 0.02), ("BAFR", 0.04), ("BCRB", 0.02), ("CHNE", 0.01), ("OOTH", 0.03), ("WROM", 0.01),
               ("REFU", 0.01), ("NOBT", 0.04))
NEEDS = (("ASD", 0.33), ("SLCN", 0.21), ("SEMH", 0.14), ("MLD", 0.08), ("SPLD", 0.04), ("SLD", 0.05),
         ("PMLD", 0.01), ("PD", 0.03), ("HI", 0.02), ("VI", 0.01), ("MSI", 0.005), ("DS", 0.015), ("OTH", 0.03))
CEASE_REASONS = (("max_age", 0.18), ("needs_met", 0.30), ("higher_education", 0.06), ("employment", 0.05),
                 ("no_longer_engaging", 0.12), ("moved_outside_england", 0.09), ("other", 0.20))


@dataclass
class Summary:
    seed: int
    plans_wanted: int
    requests: int = 0
    plans: int = 0  # active plans (final or review) on today's date
    by_stage: dict[str, int] = field(default_factory=dict)
    partners: int = 0
    caseworkers: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Story:
    """One case before it has ids: the child, the request and its whole history up to today."""

    received: date
    source: str
    child: NewChild
    worker: int  # index into the caseworkers
    events: list
    advice: list[NewAdvice]
    placements: list[tuple] = field(default_factory=list)  # PLACEMENT_COLUMNS without id and case_id
    needs: list[str] = field(default_factory=list)  # primary first
    plan_items: tuple | None = None  # (personal_budget, organised_arrangements, direct_payment)


PLACEMENT_COLUMNS = ("id", "case_id", "urn", "ukprn", "sen_setting", "sen_setting_other", "placement_rank",
                     "entry_date", "leaving_date", "sen_unit", "resourced_provision", "residential", "work_based")


def _pick(rng: random.Random, table: tuple) -> str:
    u = rng.random()
    for value, weight in table:
        u -= weight
        if u < 0:
            picked: str = value
            return picked
    last: str = table[-1][0]
    return last


def _add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year = d.year + month // 12
    month = month % 12 + 1
    days = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(d.day, days))


class Generator:
    """Builds the stories of one chunk, in order, from the chunk's own seeded random stream."""

    def __init__(self, seed: int | str, today: date, caseworkers: int) -> None:
        self.rng = random.Random(seed)
        self.sen2 = random.Random(f"{seed}:sen2")  # SEN2 items: a stream of their own
        self.today = today
        self.caseworkers = max(1, caseworkers)
        self.partners_by_kind: dict[str, list[tuple[int, int, int]]] = {}
        for index, (_, kind, mean, spread) in enumerate(PARTNERS):
            self.partners_by_kind.setdefault(kind, []).append((index, mean, spread))
        self.locals = 0

    # -- one case ----------------------------------------------------------------------------------
    def story(self, received: date) -> Story:
        rng = self.rng
        today = self.today
        source = _pick(rng, SOURCES)
        child = self._child(received)
        worker = rng.randrange(self.caseworkers)
        events: list = [ev.RequestReceived(on=received, source=source, dob=child.dob)]  # as 'case new' records it
        advice: list[NewAdvice] = []
        self._history(received, events, advice)
        events = self._cease_notices(events)
        kept = [e for e in ordered(events) if e.on <= today]
        answered = {e.request_id: e.on for e in kept if isinstance(e, ev.AdviceReceived)}
        asked = {e.request_id for e in kept if isinstance(e, ev.AdviceRequested)}
        advice = [a for a in advice if a.local in asked]
        for a in advice:
            a.received_on = answered.get(a.local)
        story = Story(received, source, child, worker, kept, advice)
        self._person_items(child, received)
        issued = next((e.on for e in kept if e.kind == "final_plan_issued"), None)
        if issued is not None:
            self._plan_items(story, issued)
        return story

    # -- SEN2 items ----------------------------------------------------------------------------------
    def _cease_notices(self, events: list) -> list:
        """Before each ceased plan: the family consulted, then the decision to cease with its reason
        (reg 31), the plan ceasing once the appeal period has run (s.45; about three months), later if need be."""
        out: list[Event] = []
        for e in events:
            if e.kind == "plan_ceased":
                rng = self.sen2
                before = max((x.on for x in out), default=e.on)
                consulted = max(before, e.on - timedelta(days=rng.randint(90, 150)))
                notice = consulted + timedelta(days=rng.randint(14, 28))
                out.append(ev.CeaseConsulted(on=consulted))
                out.append(ev.CeaseNoticeSent(on=notice, reason=_pick(rng, CEASE_REASONS)))
                e = replace(e, on=max(e.on, _add_months(notice, 3) + timedelta(days=rng.randint(5, 25))))
            out.append(e)
        return out

    def _person_items(self, child: NewChild, received: date) -> None:
        rng = self.sen2
        child.sex = _pick(rng, SEXES)
        child.ethnicity = _pick(rng, ETHNICITIES)
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        child.postcode = f"ZZ99 {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        age = (received - child.dob).days // 365
        if rng.random() < 0.92 and age >= 4:
            child.upn = rng.choice("ABCDEFGHJKLMNPQRTUVWXYZ") + f"{rng.randrange(10 ** 12):012d}"
        else:
            child.upn_unknown = "UN1" if age < 6 else ("UN9" if age >= 16 else "UN2")

    def _plan_items(self, story: Story, issued: date) -> None:
        """Where the child is placed from the plan (and before), the types of need, the personal budget."""
        rng, child = self.sen2, story.child
        age = (issued - child.dob).days // 365
        entry = issued - timedelta(days=rng.randint(0, 400))
        entry = max(entry, child.dob + timedelta(days=730))
        u = rng.random()
        urn = ukprn = setting = None
        if age >= 16 and u < 0.45:
            ukprn = f"1{rng.randrange(10 ** 7):07d}"
        elif u < 0.90 or age < 2:
            urn = f"{rng.randint(100000, 149999)}"
        else:
            setting = "EYP" if age < 5 else ("NEET" if age >= 16 and rng.random() < 0.5 else rng.choice(("EHE", "OLA")))
        res = rng.choice("AB") if rng.random() < 0.03 else None
        wbp = rng.choice("ATS") if age >= 16 and rng.random() < 0.08 else None
        unit, rp = rng.random() < 0.05, rng.random() < 0.06
        story.placements.append((urn, ukprn, setting, None, 1, entry, None, unit, rp, res, wbp))
        if rng.random() < 0.04:
            story.placements.append((None, None, "OTH", "therapy sessions", 2, issued, None, False, False, None, None))
        primary = _pick(rng, NEEDS)
        story.needs = [primary]
        if rng.random() < 0.40:
            second = _pick(rng, NEEDS)
            if second != primary:
                story.needs.append(second)
        budget = rng.random() < 0.08
        story.plan_items = (budget, budget and rng.random() < 0.5,
                            rng.choice("ESHI") if budget and rng.random() < 0.6 else None)

    def _child(self, received: date) -> NewChild:
        rng = self.rng
        age = rng.choice((2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 10, 11, 11, 12, 13, 14, 15, 16, 17, 19, 22))
        dob = received - timedelta(days=age * 365 + rng.randrange(365))
        birth_year = dob.year if dob.month >= 9 else dob.year - 1
        school_year = self.today.year if self.today.month >= 9 else self.today.year - 1
        ncy = school_year - birth_year - 5
        known = -3 <= ncy <= 14
        return NewChild(rng.choice(GIVEN), rng.choice(FAMILY), dob, year_group=ncy if known else None,
                        year_group_year=school_year if known else None)

    def _history(self, received: date, events: list, advice: list[NewAdvice]) -> None:
        rng = self.rng
        u = rng.random()
        if u < 0.03:
            events.append(ev.CaseWithdrawn(on=received + timedelta(days=rng.randint(7, 50))))
            return
        decision = received + timedelta(days=rng.randint(10, 42) if rng.random() < 0.85 else rng.randint(43, 100))
        if u < 0.28:
            events.append(ev.AssessmentRefused(on=decision))
            return
        events.append(ev.AssessmentAgreed(on=decision))
        asked_on = decision + timedelta(days=rng.randint(0, 7))
        answers = self._advice(asked_on, events, advice)
        if rng.random() < 0.06:
            notice = max(received + timedelta(days=rng.randint(84, 160)), asked_on + timedelta(days=21))
            self._clamp_answers(events, answers, notice)
            events.append(ev.PlanNotIssued(on=notice))
            return
        final = self._final_date(received, decision)
        channel = "first_class_post" if rng.random() < 0.15 else ("hand" if rng.random() < 0.05 else "email")
        gap = rng.randint(26, 45) if channel == "first_class_post" else rng.randint(22, 40)
        draft = final - timedelta(days=gap)
        if draft < asked_on + timedelta(days=21):
            draft = asked_on + timedelta(days=21 + rng.randint(0, 14))
            final = draft + timedelta(days=gap)
        self._clamp_answers(events, answers, draft)
        late = (final - received).days > 140
        if rng.random() < (0.10 if late else 0.02):
            start = received + timedelta(days=rng.randint(7, 100))
            reason = "absence_from_area" if rng.random() < 0.3 else "personal_circumstances"
            events.append(ev.ExceptionRecorded(on=start, reason=reason,
                                               until=start + timedelta(days=rng.randint(30, 70))))
        events.append(ev.DraftPlanSent(on=draft, channel=channel))
        events.append(ev.FinalPlanIssued(on=final))
        self._reviews(final, events)

    def _advice(self, asked_on: date, events: list, advice: list[NewAdvice]) -> list[list]:
        """Advice requests to one partner of each kind asked; returns [receipt index, asked date]."""
        rng = self.rng
        answers = []
        for kind, odds in ADVICE_ODDS:
            if rng.random() >= odds:
                continue
            index, mean, spread = rng.choice(self.partners_by_kind[kind])
            self.locals -= 1
            on = asked_on + timedelta(days=rng.randint(0, 3))
            channel = "email" if rng.random() < 0.9 else "first_class_post"
            advice.append(NewAdvice(self.locals, kind, index, on, None, channel))
            events.append(ev.AdviceRequested(on=on, advice_kind=kind, request_id=self.locals, channel=channel))
            latency = max(7, int(rng.gauss(mean, spread)))
            answers.append([len(events), on])
            events.append(ev.AdviceReceived(on=on + timedelta(days=latency), advice_kind=kind,
                                            request_id=self.locals))
        return answers

    def _clamp_answers(self, events: list, answers: list[list], before: date) -> None:
        """Advice the plan (or the decision not to issue one) was based on came in before it."""
        for position, asked in answers:
            receipt = events[position]
            if receipt.on >= before:
                latest = before - timedelta(days=self.rng.randint(1, 5))
                events[position] = ev.AdviceReceived(on=max(latest, asked + timedelta(days=1)),
                                                     advice_kind=receipt.advice_kind,
                                                     request_id=receipt.request_id)

    def _final_date(self, received: date, decision: date) -> date:
        rng = self.rng
        u = rng.random()
        earliest = max((decision - received).days + 49, 84)
        if u < 0.46 and earliest < 140:
            days = rng.randint(earliest, 140)
        elif u < 0.93:
            days = rng.randint(max(141, earliest), 364)
        else:
            days = rng.randint(max(365, earliest), 560)
        return received + timedelta(days=days)

    def _reviews(self, final: date, events: list) -> None:
        rng = self.rng
        anchor = final
        last = final
        while anchor <= self.today:
            if rng.random() < 0.03:
                events.append(ev.PlanCeased(on=max(anchor + timedelta(days=rng.randint(30, 330)),
                                                   last + timedelta(days=1))))
                return
            due = _add_months(anchor, 12)
            meeting = due - timedelta(days=rng.randint(0, 40)) if rng.random() < 0.9 else \
                due + timedelta(days=rng.randint(1, 60))
            meeting = max(meeting, last + timedelta(days=1))
            decided = meeting + timedelta(days=rng.randint(7, 60))
            outcome = _pick(rng, REVIEW_OUTCOMES)
            events.append(ev.ReviewMeetingHeld(on=meeting))
            events.append(ev.ReviewDecided(on=decided, outcome=outcome))
            last = decided
            if outcome == "cease":
                events.append(ev.PlanCeased(on=decided + timedelta(days=rng.randint(14, 60))))
                return
            if outcome == "amend" and rng.random() < 0.8:
                notice = decided + timedelta(days=rng.randint(7, 50))
                issued = notice + timedelta(days=rng.randint(22, 70))
                events.append(ev.AmendmentNoticeSent(on=notice, channel="email"))
                events.append(ev.AmendedPlanIssued(on=issued))
                last = issued
            anchor = decided

    def stories(self, dates: list[date]) -> list[Story]:
        return [self.story(received) for received in dates]


def received_dates(seed: int | str, requests: int, today: date) -> list[date]:
    """``requests`` dates, oldest first, ~11% more each year over ten years, none before 2014-09-01."""
    return [date.fromordinal(day) for day in _received_days(seed, requests, today)]


def _received_days(seed: int | str, requests: int, today: date) -> array:
    """The request dates as ordinals, compactly (a million-plan run holds ~2 million of them)."""
    rng = random.Random(seed)
    start = max(EARLIEST, today - timedelta(days=365 * YEARS))
    span = (today - start).days + 1
    rate = math.log(GROWTH) / 365.0  # the density grows by GROWTH a year: invert its distribution
    total = math.expm1(rate * span)
    offsets = array("i", (min(int(math.log1p(rng.random() * total) / rate), span - 1) for _ in range(requests)))
    first = start.toordinal()
    return array("i", sorted(first + offset for offset in offsets))


def chunk_seed(seed: int | str, index: int) -> str:
    """Each chunk has its own stream, so any number of worker processes give the same rows."""
    return f"ehcp-synthetic:{seed}:{index}"


def stories(seed: int | str, requests: int, today: date, caseworkers: int, chunk: int = CHUNK) -> Iterator[Story]:
    """Every story of a data set, oldest request first (in-process; see ``generate`` for the pool)."""
    dates = received_dates(seed, requests, today)
    for index, start in enumerate(range(0, len(dates), chunk)):
        yield from Generator(chunk_seed(seed, index), today, caseworkers).stories(dates[start:start + chunk])


def is_active(story: Story) -> bool:
    return current_stage(story.events).value in ("final", "review")


def requests_for(plans: int, seed: int, today: date) -> int:
    """How many requests give about ``plans`` active plans on ``today`` (a pilot of up to 10,000 requests)."""
    sample = min(10_000, max(2_000, plans * 4))
    active = sum(1 for story in stories(f"pilot:{seed}", sample, today, 1) if is_active(story))
    return max(1, math.ceil(plans * sample / max(active, 1)))


def caseworkers_for(plans: int) -> int:
    return max(1, round(plans * 1.08 / CASELOAD))


def stamp(day: date) -> datetime:
    """Synthetic 'recorded at': 10:00 UTC on the day (deterministic)."""
    return datetime.combine(day, time(10, 0), UTC)


def new_cases(stories: list[Story], references: References, worker_ids: list[int], partner_ids: list[int],
              logins: list[str]) -> list[NewCase]:
    """Stories -> NewCase rows for the bulk writer (references assigned in date order)."""
    cases = []
    for story in stories:
        for a in story.advice:
            if a.partner_id is not None:  # the partner's index in PARTNERS, until now
                a.partner_id = partner_ids[a.partner_id]
        cases.append(NewCase(
            reference=references.next(story.received.year), child=story.child, received=story.received,
            source=story.source, caseworker_id=worker_ids[story.worker], events=story.events,
            advice=story.advice, actor=logins[story.worker], stamps=[stamp(e.on) for e in story.events],
            opened_at=stamp(story.received)))
    return cases


class References:
    """EHC-YYYY-NNNNN, numbered per year in order of receipt (six digits past 99,999 in a year)."""

    def __init__(self) -> None:
        self.counters: dict[int, int] = {}

    def next(self, year: int) -> str:
        number = self.counters.get(year, 0) + 1
        self.counters[year] = number
        return f"EHC-{year}-{number:05d}"


def story_digest(stories: Iterator[Story]) -> str:
    """sha256 over every story's facts (for the determinism test, no database needed)."""
    h = hashlib.sha256()
    for s in stories:
        h.update(repr((s.received, s.source, s.child.given_name, s.child.family_name, s.child.dob,
                       s.child.year_group, s.worker, [(e.kind, e.on, e.to_payload()) for e in s.events],
                       [(a.local, a.kind, a.partner_id, a.requested_on, a.channel, a.received_on)
                        for a in s.advice])).encode())
    return h.hexdigest()


_WORKER: dict = {}
T = TypeVar("T")
R = TypeVar("R")


def _init_worker(seed: int, today: date, caseworkers: int, extra_holidays: dict, dialect: str) -> None:
    _WORKER.update(seed=seed, today=today, caseworkers=caseworkers, dialect=dialect,
                   calendar=england_and_wales(extra_holidays=extra_holidays), encode=date_encoder(dialect))


def _chunk_work(task: tuple[int, list[date]]) -> list[tuple[Story, tuple]]:
    """One chunk's stories with their derived stage and deadlines (in a worker process)."""
    index, dates = task
    w = _WORKER
    chunk = Generator(chunk_seed(w["seed"], index), w["today"], w["caseworkers"]).stories(dates)
    return [(story, derive(story.events, calendar=w["calendar"], today=w["today"], encode_date=w["encode"]))
            for story in chunk]


def _extra_holidays(ctx: ServiceContext) -> dict:
    with ctx.uow(write=False) as uow:
        return {row.day: row.name for row in uow.session.scalars(select(ExtraHoliday))}


def _in_order(pool: Pool, work: Callable[[T], R], tasks: Iterable[T], *, window: int) -> Iterator[R]:
    """``pool.imap`` with back-pressure: at most ``window`` chunks in flight. (``imap`` hands every
    task to the workers at once and keeps their results until the writer takes them; the workers
    build chunks faster than one SQLite writer stores them, so a national run held gigabytes.)"""
    pending: deque = deque()
    for task in tasks:
        pending.append(pool.apply_async(work, (task,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def generate(ctx: ServiceContext, plans: int, seed: int, *, today: date | None = None, chunk: int = CHUNK,
             jobs: int = 1, requests: int | None = None,
             progress: Callable[[int, int], object] | None = None) -> Summary:
    """Write a synthetic case load of about ``plans`` active plans into ``ctx``'s database.

    The database must hold no cases yet. Rows go through the import bulk writer, committed a chunk
    at a time (a million-plan load is not one transaction); one audit record summarises the run.
    ``jobs`` > 1 builds stories and computes deadlines in that many worker processes (the rows do
    not depend on it). ``requests`` fixes the number of cases instead (``plans`` then only sizes
    the caseworker team). ``progress(done, total)`` is called after each chunk.
    Raises Refused if the database already has cases.
    """
    started = clock.perf_counter()
    today = today or ctx.today
    summary = Summary(seed=seed, plans_wanted=plans)
    summary.requests = requests or requests_for(plans, seed, today)
    workers = caseworkers_for(plans)
    days = _received_days(seed, summary.requests, today)
    tasks = ((index, [date.fromordinal(d) for d in days[start:start + chunk]])
             for index, start in enumerate(range(0, len(days), chunk)))
    dialect = "sqlite" if ctx.settings.is_sqlite else "postgresql"
    init = (seed, today, workers, _extra_holidays(ctx), dialect)
    pool = multiprocessing.get_context("fork").Pool(jobs, _init_worker, init) if jobs > 1 else None
    try:
        if pool is None:
            _init_worker(*init)
            results: Iterator[list[tuple[Story, tuple]]] = map(_chunk_work, tasks)
        else:
            results = _in_order(pool, _chunk_work, tasks, window=2 * jobs)
        with import_transaction(ctx) as (uow, writer):
            session = uow.session
            if session.execute(select(Case.id).limit(1)).first() is not None:
                raise Refused("the database already holds cases; generate into an empty database")
            logins = [f"caseworker.{i + 1:04d}" for i in range(workers)]
            worker_ids = _ensure(writer, session, User, "users", "login", logins,
                                 lambda login: (login, f"Caseworker {login[-4:]} (synthetic)", "caseworker", True),
                                 ("login", "name", "role", "active"))
            partner_ids = _ensure(writer, session, Partner, "partners", "name", [p[0] for p in PARTNERS],
                                  lambda name: (name, next(p[1] for p in PARTNERS if p[0] == name), None,
                                                _email(name), _email(name, "manager")),
                                  ("name", "advice_kinds", "contact_name", "email", "escalation_email"))
            summary.caseworkers, summary.partners = workers, len(PARTNERS)
            references = References()
            done = 0
            for pairs in results:
                batch = [story for story, _ in pairs]
                cases = new_cases(batch, references, worker_ids, partner_ids, logins)
                for case, (_, derived) in zip(cases, pairs, strict=True):
                    case.derived = derived
                writer.write_cases(cases)
                _write_sen2_items(writer, batch, cases, today)
                writer.commit()
                done += len(batch)
                if progress:
                    progress(done, summary.requests)
            summary.by_stage = dict(sorted(session.execute(
                select(Case.stage, func.count()).group_by(Case.stage)).tuples().all()))
            summary.plans = summary.by_stage.get("final", 0) + summary.by_stage.get("review", 0)
            summary.counts = writer.counts.as_dict()
            writer.close()
            audit.append(session, actor=ctx.actor, action="synthetic_data_generated",
                         detail={"seed": seed, "plans_wanted": plans, "requests": summary.requests,
                                 "today": today.isoformat(), **summary.counts}, events=writer.tally)
            uow.commit()
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    refresh_statistics(ctx, writer.written)
    summary.seconds = clock.perf_counter() - started
    return summary


def _write_sen2_items(writer: BulkWriter, stories: list[Story], cases: list[NewCase], today: date) -> None:
    """The placements, needs and plan items of the stories whose cases ``write_cases`` just wrote."""
    d = writer.d
    placements = [(case.id, *p) for story, case in zip(stories, cases, strict=True) for p in story.placements]
    rows = [(pid, case_id, urn, ukprn, setting, other, rank, d(entry), None, unit, rp, res, wbp)
            for pid, (case_id, urn, ukprn, setting, other, rank, entry, _, unit, rp, res, wbp)
            in zip(writer.reserve("placements", len(placements)), placements, strict=True)]
    writer.insert("placements", PLACEMENT_COLUMNS, rows)
    needs = [(case.id, t, rank) for story, case in zip(stories, cases, strict=True)
             for rank, t in enumerate(story.needs, 1)]
    writer.insert("sen_needs", ("id", "case_id", "sen_type", "sen_type_rank", "recorded_on"),
                  [(nid, case_id, t, rank, d(today)) for nid, (case_id, t, rank)
                   in zip(writer.reserve("sen_needs", len(needs)), needs, strict=True)])
    writer.insert("sen2_plans", ("case_id", "personal_budget", "organised_arrangements", "direct_payment"),
                  [(case.id, *story.plan_items) for story, case in zip(stories, cases, strict=True)
                   if story.plan_items])


def _email(name: str, who: str = "advice") -> str:
    slug = "".join(ch for ch in name.lower().split("(")[0] if ch.isalnum())[:40]
    return f"{who}@{slug}.example"


def _ensure(writer: BulkWriter, session: Session, model: type[User] | type[Partner], table: str, key: str,
            names: list[str], values: Callable[[str], tuple[Any, ...]], columns: tuple[str, ...]) -> list[int]:
    """Ids of the rows named ``names`` in ``table``, inserting the missing ones."""
    column = getattr(model, key)
    writer.drain()  # the connection is about to be used from this thread
    have: dict[str, int] = dict(session.execute(select(column, model.id).where(column.in_(names))).tuples().all())
    missing = [n for n in names if n not in have]
    ids = writer.reserve(table, len(missing))
    writer.insert(table, ("id", *columns), [(i, *values(n)) for i, n in zip(ids, missing, strict=True)])
    have.update(zip(missing, ids, strict=True))
    return [have[n] for n in names]
